package io.zunvx.compute.docker;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.async.ResultCallback;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.command.InspectImageResponse;
import com.github.dockerjava.api.command.TopContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.AuthConfig;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.LoadResponseItem;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.Info;
import com.github.dockerjava.api.model.BlkioStatEntry;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Statistics;
import com.github.dockerjava.api.model.PullResponseItem;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import com.github.dockerjava.transport.DockerHttpClient;
import io.zunvx.compute.driver.Archive;
import io.zunvx.compute.driver.ExecResult;
import io.zunvx.compute.driver.NetworkAttachment;
import io.zunvx.compute.driver.ProcessList;
import io.zunvx.compute.driver.ResourceUsage;
import io.zunvx.compute.driver.ContainerDriver;
import io.zunvx.compute.driver.DockerEvent;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.DriverException.Kind;
import io.zunvx.compute.driver.HostInfo;
import io.zunvx.compute.driver.ImageNames;
import io.zunvx.compute.driver.LocalImage;
import io.zunvx.compute.driver.RegistryAuth;
import io.zunvx.compute.driver.LogOptions;
import io.zunvx.compute.driver.Observed;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.zunvx.model.Container;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * {@link ContainerDriver} for a Docker engine, through docker-java and its Apache HttpClient 5 transport.
 *
 * <p>It keeps three connection pools to the engine because the transport has one response timeout per client:
 * a short one for ordinary calls, a long one for calls whose duration depends on the image or on the caller (pull,
 * create, stop, restart, remove), and none for streams (logs, events) that may stay silent indefinitely.
 *
 * <p>Thread-safe; meant to be shared by every virtual thread of one compute agent.
 */
public final class DockerContainerDriver implements ContainerDriver {

    /**
     * Timeouts towards the engine.
     *
     * @param connect  establishing a connection
     * @param control  waiting for the answer to an ordinary call (inspect, start, pause, list, ...)
     * @param lengthy  waiting for pull, create, stop, restart and remove; must exceed the longest stop timeout used
     */
    public record Timeouts(Duration connect, Duration control, Duration lengthy) {
        /** 5 s to connect, 2 min for ordinary calls, 30 min for lengthy ones. */
        public static final Timeouts DEFAULT =
                new Timeouts(Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofMinutes(30));

        public Timeouts {
            Objects.requireNonNull(connect, "connect");
            Objects.requireNonNull(control, "control");
            Objects.requireNonNull(lengthy, "lengthy");
        }
    }

    private static final Logger LOG = LoggerFactory.getLogger(DockerContainerDriver.class);
    private static final Set<String> BUILTIN_NETWORKS = Set.of("none", "host", "bridge");
    private static final long GIB = 1024L * 1024 * 1024;
    private static final long MIB = 1024L * 1024;
    /** Pulls sent to the engine, after de-duplication (Prometheus: {@code zunvx_image_pulls_total}). */
    public static final String PULLS_METER = "zunvx.image.pulls";
    /** Stored images loaded into the engine, after de-duplication ({@code zunvx_image_loads_total}). */
    public static final String LOADS_METER = "zunvx.image.loads";

    private final URI dockerHost;
    private final Duration connectTimeout;
    private final DockerClient control;
    private final DockerClient lengthy;
    private final DockerClient streaming;
    /** For the few calls whose answer docker-java does not model fully (archive stat header). */
    private final DockerHttpClient raw;
    private final Clock clock;
    private final ConcurrentMap<String, CompletableFuture<Void>> pullsInFlight = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, CompletableFuture<Void>> loadsInFlight = new ConcurrentHashMap<>();
    private volatile Counter pulls;
    private volatile Counter loads;

    /** A driver for the engine at {@code dockerHost} ({@code unix:///var/run/docker.sock}, {@code tcp://h:2375}). */
    public DockerContainerDriver(String dockerHost) {
        this(dockerHost, Timeouts.DEFAULT);
    }

    /**
     * A driver for the engine at {@code dockerHost} with the given timeouts. TLS for {@code tcp://} follows docker-java's
     * usual {@code DOCKER_TLS_VERIFY} and {@code DOCKER_CERT_PATH} settings.
     */
    public DockerContainerDriver(String dockerHost, Timeouts timeouts) {
        Objects.requireNonNull(dockerHost, "dockerHost");
        Objects.requireNonNull(timeouts, "timeouts");
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost)
                .build();
        this.dockerHost = config.getDockerHost();
        this.connectTimeout = timeouts.connect();
        this.clock = Clock.systemUTC();
        this.control = client(config, timeouts.connect(), timeouts.control());
        this.lengthy = client(config, timeouts.connect(), timeouts.lengthy());
        // Zero is "no timeout" for the transport: a quiet event or log stream is not a failure.
        this.streaming = client(config, timeouts.connect(), Duration.ZERO);
        this.raw = http(config, timeouts.connect(), timeouts.lengthy());
    }

    private static DockerClient client(DockerClientConfig config, Duration connect, Duration response) {
        return DockerClientImpl.getInstance(config, http(config, connect, response));
    }

    private static DockerHttpClient http(DockerClientConfig config, Duration connect, Duration response) {
        return new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost())
                .sslConfig(config.getSSLConfig())
                .maxConnections(100)
                .connectionTimeout(connect)
                .responseTimeout(response)
                .build();
    }

    // ---------------------------------------------------------------------------------------------------------- host

    @Override
    public HostInfo info() {
        Info info = call(() -> control.infoCmd().exec());
        // docker-java's Info model has no DefaultRuntime; fields it does not model are kept in the raw values.
        Object defaultRuntime = info.getRawValues().get("DefaultRuntime");
        List<String> runtimes = info.getRuntimes() == null
                ? List.of()
                : info.getRuntimes().keySet().stream().sorted().toList();
        return new HostInfo(
                orZero(info.getNCPU()),
                info.getMemTotal() == null ? 0 : info.getMemTotal() / MIB,
                diskTotalGb(info),
                info.getArchitecture(),
                info.getOsType(),
                info.getOperatingSystem(),
                info.getKernelVersion(),
                runtimes,
                defaultRuntime == null ? null : defaultRuntime.toString(),
                orZero(info.getContainers()),
                orZero(info.getContainersRunning()),
                orZero(info.getContainersPaused()),
                orZero(info.getContainersStopped()));
    }

    /**
     * Only storage drivers on a thin pool (devicemapper) report a size; for the others the size of the filesystem under
     * Docker's root directory is the answer, readable only when the engine runs on this machine.
     */
    private long diskTotalGb(Info info) {
        if (info.getDriverStatuses() != null) {
            for (List<String> entry : info.getDriverStatuses()) {
                if (entry.size() == 2 && "Data Space Total".equals(entry.get(0))) {
                    long bytes = HumanSize.parseBytes(entry.get(1));
                    if (bytes > 0) {
                        return bytes / GIB;
                    }
                }
            }
        }
        if (!"unix".equals(dockerHost.getScheme()) || info.getDockerRootDir() == null) {
            return 0;
        }
        Path dir = Path.of(info.getDockerRootDir());
        // In a container the engine's root directory may be mounted elsewhere or not at all: use what holds it here.
        while (dir != null && !Files.exists(dir)) {
            dir = dir.getParent();
        }
        if (dir == null) {
            return 0;
        }
        try {
            return Files.getFileStore(dir).getTotalSpace() / GIB;
        } catch (IOException e) {
            LOG.debug("cannot read the size of the filesystem holding {}", dir, e);
            return 0;
        }
    }

    // --------------------------------------------------------------------------------------------------------- image

    @Override
    public LocalImage ensureImage(String reference, String pullPolicy, RegistryAuth auth) {
        ImageRef ref = ImageRef.parse(reference);
        String policy = pullPolicy == null ? "ifnotpresent" : pullPolicy.toLowerCase(Locale.ROOT);
        switch (policy) {
            case "never" -> {
                return inspectImage(ref.canonical()).orElseThrow(() -> new DriverException(Kind.NOT_FOUND,
                        "Image " + reference + " not present with pull policy of Never"));
            }
            case "ifnotpresent" -> {
                Optional<LocalImage> present = inspectImage(ref.canonical());
                if (present.isPresent()) {
                    return present.get();
                }
                pull(ref, auth, true);
            }
            case "always" -> pull(ref, auth, false);
            default -> throw new DriverException(Kind.BAD_REQUEST, "unknown image pull policy: " + pullPolicy);
        }
        return inspectImage(ref.canonical()).orElseThrow(() -> new DriverException(Kind.NOT_FOUND,
                "Image " + reference + " is not present after it was pulled"));
    }

    @Override
    public Optional<LocalImage> inspectImage(String referenceOrId) {
        Objects.requireNonNull(referenceOrId, "referenceOrId");
        try {
            InspectImageResponse r = control.inspectImageCmd(referenceOrId).exec();
            return Optional.of(new LocalImage(r.getId(), r.getSize() == null ? 0 : r.getSize(), r.getRepoTags()));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    /**
     * Concurrent pulls of one reference by one principal share a single request to the engine and its outcome. The
     * principal is part of the key so that an anonymous pull never borrows the success of one with credentials.
     *
     * @param ifMissing look again once this call leads: a caller that found the image missing just before another's
     *                  pull completed then does not pull it a second time
     */
    private void pull(ImageRef ref, RegistryAuth auth, boolean ifMissing) {
        String key = ref.canonical() + " " + (auth == null ? "" : auth.principal());
        shared(pullsInFlight, key, () -> {
            if (ifMissing && inspectImage(ref.canonical()).isPresent()) {
                return;
            }
            try {
                counted(pulls);
                doPull(ref, auth);
            } catch (RuntimeException e) {
                DriverException cause = DockerErrors.translate(e);
                throw new DriverException(cause.kind(),
                        "Pull of " + ref.canonical() + " failed: " + cause.getMessage(), cause.retryable(), e);
            }
        });
    }

    /**
     * Runs {@code work} unless a call with the same key is running already, in which case it waits for that one and
     * shares its outcome.
     */
    private static void shared(ConcurrentMap<String, CompletableFuture<Void>> inFlight, String key, Runnable work) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            try {
                running.join();
                return;
            } catch (CompletionException e) {
                throw DockerErrors.translate(e.getCause() == null ? e : e.getCause());
            }
        }
        try {
            work.run();
            mine.complete(null);
        } catch (RuntimeException e) {
            DriverException failure = DockerErrors.translate(e);
            mine.completeExceptionally(failure);
            throw failure;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    private void doPull(ImageRef ref, RegistryAuth auth) {
        Collecting<PullResponseItem> progress = new Collecting<>() {
            private volatile String error;

            @Override
            public void onNext(PullResponseItem item) {
                // Errors met after the download started arrive as a progress message, not as an HTTP status.
                if (item.isErrorIndicated()) {
                    error = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                            ? item.getErrorDetail().getMessage()
                            : "the registry reported an error without a message";
                }
            }

            @Override
            void afterCompletion() {
                if (error != null) {
                    throw new DriverException(Kind.OTHER, error);
                }
            }
        };
        var cmd = lengthy.pullImageCmd(ref.repository()).withTag(ref.pullTag());
        if (auth != null) {
            cmd.withAuthConfig(new AuthConfig()
                    .withRegistryAddress(auth.registry())
                    .withUsername(auth.username())
                    .withPassword(auth.password()));
        }
        cmd.exec(progress);
        progress.await();
    }

    @Override
    public LocalImage loadImage(String imageId, String reference, boolean reload, ArchiveSource archive) {
        Objects.requireNonNull(imageId, "imageId");
        Objects.requireNonNull(archive, "archive");
        ImageRef name = ImageRef.parse(ImageNames.withDefaultTag(reference));
        if (name.digest() != null) {
            throw new DriverException(Kind.BAD_REQUEST, "a loaded image is named by a tag, not a digest: " + reference);
        }
        if (reload || inspectImage(imageId).isEmpty()) {
            shared(loadsInFlight, imageId, () -> {
                // Another caller may have loaded it since this one looked.
                if (!reload && inspectImage(imageId).isPresent()) {
                    return;
                }
                counted(loads);
                doLoad(imageId, archive);
            });
        }
        LocalImage loaded = inspectImage(imageId).orElseThrow(() -> new DriverException(Kind.BAD_REQUEST,
                "the archive of " + reference + " does not hold image " + imageId));
        call(() -> control.tagImageCmd(imageId, name.repository(), name.tag()).withForce(true).exec());
        return inspectImage(imageId).orElse(loaded);
    }

    private void doLoad(String imageId, ArchiveSource archive) {
        Collecting<LoadResponseItem> progress = new Collecting<>() {
            private volatile String error;

            @Override
            public void onNext(LoadResponseItem item) {
                // The engine answers 200 and reports a bad archive in the stream.
                if (item.isErrorIndicated()) {
                    error = item.getErrorDetail() != null && item.getErrorDetail().getMessage() != null
                            ? item.getErrorDetail().getMessage()
                            : item.getError() != null ? item.getError() : "the engine rejected the archive";
                }
            }

            @Override
            void afterCompletion() {
                if (error != null) {
                    throw new DriverException(Kind.BAD_REQUEST, error);
                }
            }
        };
        ReadFailures in;
        try {
            in = new ReadFailures(archive.open());
        } catch (IOException e) {
            throw unreadable(imageId, e);
        }
        try (in) {
            lengthy.loadImageAsyncCmd(in).exec(progress);
            progress.await();
        } catch (IOException closing) {
            LOG.debug("closing the archive of {}", imageId, closing);
        } catch (RuntimeException e) {
            // A failure to read the archive reaches us as a broken request: tell it from an engine that went away.
            if (in.failure != null) {
                throw unreadable(imageId, in.failure);
            }
            DriverException d = DockerErrors.translate(e);
            if (d.retryable()) {
                throw d;
            }
            throw new DriverException(Kind.BAD_REQUEST, "Load of image " + imageId + " failed: " + d.getMessage(), e);
        }
    }

    private static DriverException unreadable(String imageId, IOException e) {
        return new DriverException(Kind.OTHER, "cannot read the stored archive of image " + imageId + ": "
                + e.getMessage(), false, e);
    }

    /** Remembers the first failure of the stream it wraps, so that a broken upload can be blamed on its source. */
    private static final class ReadFailures extends java.io.FilterInputStream {
        private volatile IOException failure;

        ReadFailures(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            try {
                return super.read();
            } catch (IOException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            try {
                return super.read(b, off, len);
            } catch (IOException e) {
                failure = failure == null ? e : failure;
                throw e;
            }
        }
    }

    @Override
    public void removeImage(String referenceOrId, boolean force) {
        Objects.requireNonNull(referenceOrId, "referenceOrId");
        try {
            control.removeImageCmd(referenceOrId).withForce(force).exec();
        } catch (NotFoundException gone) {
            // idempotent
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    @Override
    public InputStream saveImage(String reference) {
        Objects.requireNonNull(reference, "reference");
        // The stream may be read slowly (into a store): no response timeout.
        return call(() -> streaming.saveImageCmd(reference).exec());
    }

    @Override
    public void countImageTransfers(MeterRegistry registry, String host) {
        Objects.requireNonNull(registry, "registry");
        Objects.requireNonNull(host, "host");
        pulls = Counter.builder(PULLS_METER).description("Image pulls sent to the container engine")
                .tag("host", host).register(registry);
        loads = Counter.builder(LOADS_METER).description("Stored images loaded into the container engine")
                .tag("host", host).register(registry);
    }

    private static void counted(Counter counter) {
        if (counter != null) {
            counter.increment();
        }
    }

    // ----------------------------------------------------------------------------------------------------- container

    @Override
    public String create(Container c, String host, String network) {
        Objects.requireNonNull(c, "container");
        Objects.requireNonNull(host, "host");
        ImageRef image = ImageRef.parse(c.image());
        try {
            return spec(c, image, host, network).exec().getId();
        } catch (ConflictException e) {
            // A re-delivered create finds its own earlier container under the name derived from the uuid.
            Optional<Observed> existing = inspect(c.dockerName());
            if (existing.isPresent() && c.uuid().toString().equals(existing.get().uuid())) {
                return existing.get().id();
            }
            throw new DriverException(Kind.CONFLICT, DockerErrors.message(e)
                    + " (and it is not the container of " + c.uuid() + ")", e);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    private CreateContainerCmd spec(Container c, ImageRef image, String host, String network) {
        Map<String, String> labels = new HashMap<>(c.labels());
        labels.put(Container.LABEL_UUID, c.uuid().toString());
        labels.put(Container.LABEL_HOST, host);

        HostConfig hostConfig = HostConfig.newHostConfig()
                .withAutoRemove(c.autoRemove())
                .withPrivileged(c.privileged());
        if (c.memoryBytes() > 0) {
            hostConfig.withMemory(c.memoryBytes());
        }
        long nanoCpus = Math.round(c.cpu() * 1e9);
        if (nanoCpus > 0) {
            hostConfig.withNanoCPUs(nanoCpus);
        }
        if (c.cpuset() != null && !c.cpuset().isBlank()) {
            hostConfig.withCpusetCpus(c.cpuset());
        }
        if (c.restartPolicy() != null) {
            hostConfig.withRestartPolicy(restartPolicy(c.restartPolicy()));
        }
        if (c.runtime() != null) {
            hostConfig.withRuntime(c.runtime());
        }
        if (network != null) {
            hostConfig.withNetworkMode(network);
        }

        CreateContainerCmd cmd = lengthy.createContainerCmd(image.canonical())
                .withName(c.dockerName())
                .withLabels(labels)
                .withEnv(c.environment().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).toList())
                .withTty(c.tty())
                .withStdinOpen(c.interactive())
                .withAttachStdin(c.interactive())
                .withHostConfig(hostConfig);
        if (c.command() != null) {
            cmd.withCmd(c.command());
        }
        if (c.entrypoint() != null) {
            cmd.withEntrypoint(c.entrypoint());
        }
        if (c.workdir() != null) {
            cmd.withWorkingDir(c.workdir());
        }
        if (c.hostname() != null) {
            cmd.withHostName(c.hostname());
        }
        if (c.healthcheck() != null) {
            cmd.withHealthcheck(healthCheck(c.healthcheck()));
        }
        if (!c.exposedPorts().isEmpty()) {
            List<ExposedPort> exposed = c.exposedPorts().stream()
                    .map(p -> ExposedPort.parse(p.contains("/") ? p : p + "/tcp"))
                    .toList();
            cmd.withExposedPorts(exposed);
            if ("none".equals(network)) {
                // A container on platform networks (connected after creation) publishes its exposed ports on the
                // host at the same numbers; a port another container holds fails the start with Docker's reason.
                hostConfig.withPortBindings(exposed.stream()
                        .map(p -> new com.github.dockerjava.api.model.PortBinding(
                                com.github.dockerjava.api.model.Ports.Binding.bindPort(p.getPort()), p))
                        .toList());
            }
        }
        return cmd;
    }

    private static RestartPolicy restartPolicy(io.zunvx.model.RestartPolicy p) {
        return switch (p.name()) {
            case "always" -> RestartPolicy.alwaysRestart();
            case "unless-stopped" -> RestartPolicy.unlessStoppedRestart();
            case "on-failure" -> RestartPolicy.onFailureRestart(p.maximumRetryCount());
            default -> RestartPolicy.noRestart();
        };
    }

    private static HealthCheck healthCheck(io.zunvx.model.Healthcheck h) {
        HealthCheck check = new HealthCheck().withTest(List.of("CMD-SHELL", h.test()));
        // Zero leaves Docker's defaults in place, as in Zun.
        if (h.interval() > 0) {
            check.withInterval(TimeUnit.SECONDS.toNanos(h.interval()));
        }
        if (h.timeout() > 0) {
            check.withTimeout(TimeUnit.SECONDS.toNanos(h.timeout()));
        }
        if (h.retries() > 0) {
            check.withRetries(h.retries());
        }
        return check;
    }

    @Override
    public void start(String id) {
        try {
            control.startContainerCmd(id).exec();
        } catch (NotModifiedException alreadyRunning) {
            // idempotent
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    @Override
    public void stop(String id, int timeoutSeconds) {
        try {
            lengthy.stopContainerCmd(id).withTimeout(Math.max(0, timeoutSeconds)).exec();
        } catch (NotModifiedException alreadyStopped) {
            // idempotent
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    @Override
    public void kill(String id, String signalOrNull) {
        tolerating("is not running", () -> {
            var cmd = control.killContainerCmd(id);
            if (signalOrNull != null && !signalOrNull.isBlank()) {
                cmd.withSignal(signalOrNull);
            }
            cmd.exec();
        });
    }

    @Override
    public void pause(String id) {
        tolerating("is already paused", () -> control.pauseContainerCmd(id).exec());
    }

    @Override
    public void unpause(String id) {
        tolerating("is not paused", () -> control.unpauseContainerCmd(id).exec());
    }

    /**
     * Runs a state change that is already done when Docker answers with {@code alreadyText}: the engine says so in
     * its message, with a status code that differs between engine versions.
     */
    private static void tolerating(String alreadyText, Runnable action) {
        try {
            action.run();
        } catch (DockerException e) {
            if (!DockerErrors.says(e, alreadyText)) {
                throw DockerErrors.translate(e);
            }
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    @Override
    public void restart(String id, int timeoutSeconds) {
        call(() -> lengthy.restartContainerCmd(id).withTimeout(Math.max(0, timeoutSeconds)).exec());
    }

    @Override
    public void remove(String id, boolean force) {
        try {
            lengthy.removeContainerCmd(id).withForce(force).withRemoveVolumes(true).exec();
        } catch (NotFoundException gone) {
            // idempotent
        } catch (DockerException e) {
            if (!DockerErrors.says(e, "already in progress")) {
                throw DockerErrors.translate(e);
            }
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    @Override
    public Optional<Observed> inspect(String idOrName) {
        Objects.requireNonNull(idOrName, "idOrName");
        try {
            InspectContainerResponse r = control.inspectContainerCmd(idOrName).exec();
            return Optional.of(DockerStates.observe(r, clock.instant()));
        } catch (NotFoundException e) {
            return Optional.empty();
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    @Override
    public List<Observed> listManaged(String host) {
        Objects.requireNonNull(host, "host");
        List<com.github.dockerjava.api.model.Container> listed = call(() -> control.listContainersCmd()
                .withShowAll(true)
                .withLabelFilter(Map.of(Container.LABEL_HOST, host))
                .exec());
        // The list call's summaries lack exit code, health and times: inspect each; one removed meanwhile is skipped.
        List<Observed> result = new ArrayList<>(listed.size());
        for (var summary : listed) {
            inspect(summary.getId()).ifPresent(result::add);
        }
        return List.copyOf(result);
    }

    @Override
    public String logs(String id, LogOptions options) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(options, "options");
        ByteArrayOutputStream text = new ByteArrayOutputStream();
        Collecting<Frame> frames = new Collecting<>() {
            @Override
            public void onNext(Frame frame) {
                // docker-java reuses the payload array for the next frame: copy it now.
                byte[] payload = frame.getPayload();
                if (payload != null) {
                    text.write(payload, 0, payload.length);
                }
            }
        };
        try {
            var cmd = streaming.logContainerCmd(id)
                    .withStdOut(options.stdout())
                    .withStdErr(options.stderr())
                    .withTimestamps(options.timestamps())
                    .withFollowStream(false);
            options.tailLines().ifPresentOrElse(cmd::withTail, cmd::withTailAll);
            if (options.sinceEpochSeconds() != null) {
                cmd.withSince((int) Math.min(Integer.MAX_VALUE, options.sinceEpochSeconds()));
            }
            cmd.exec(frames);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        frames.await();
        return text.toString(StandardCharsets.UTF_8);
    }

    // ------------------------------------------------------------------------------------------------------ actions

    @Override
    public ExecResult execRun(String id, List<String> command, Duration timeout) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(command, "command");
        Objects.requireNonNull(timeout, "timeout");
        String execId = call(() -> control.execCreateCmd(id)
                .withCmd(command.toArray(String[]::new))
                .withAttachStdin(false)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withTty(false)
                .exec()
                .getId());
        ByteArrayOutputStream output = new ByteArrayOutputStream();
        Collecting<Frame> frames = new Collecting<>() {
            @Override
            public void onNext(Frame frame) {
                // docker-java reuses the payload array for the next frame: copy it now.
                byte[] payload = frame.getPayload();
                if (payload != null) {
                    synchronized (output) {
                        output.write(payload, 0, payload.length);
                    }
                }
            }
        };
        try {
            streaming.execStartCmd(execId).withDetach(false).withTty(false).exec(frames);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        if (!frames.await(timeout)) {
            throw new DriverException(Kind.TIMEOUT, "Timeout on executing command: " + String.join(" ", command));
        }
        String text;
        synchronized (output) {
            text = output.toString(StandardCharsets.UTF_8);
        }
        return new ExecResult(text, exitCode(execId));
    }

    /** The exit code, once Docker has noticed that the stream's end is the process's end (a moment at most). */
    private int exitCode(String execId) {
        Instant deadline = clock.instant().plusSeconds(5);
        while (true) {
            InspectExecResponse r = call(() -> control.inspectExecCmd(execId).exec());
            Long code = r.getExitCodeLong();
            if (!Boolean.TRUE.equals(r.isRunning()) && code != null) {
                return code.intValue();
            }
            if (clock.instant().isAfter(deadline)) {
                throw new DriverException(Kind.OTHER, "exec " + execId + " ended its output but reports no exit code");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException(Kind.OTHER, "interrupted while waiting for Docker", e);
            }
        }
    }

    @Override
    public String execCreate(String id, List<String> command, boolean interactive) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(command, "command");
        return call(() -> control.execCreateCmd(id)
                .withCmd(command.toArray(String[]::new))
                .withAttachStdin(interactive)
                .withAttachStdout(true)
                .withAttachStderr(true)
                .withTty(interactive)
                .exec()
                .getId());
    }

    @Override
    public void execResize(String id, String execId, int height, int width) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(execId, "execId");
        InspectExecResponse exec = call(() -> control.inspectExecCmd(execId).exec());
        if (exec.getContainerID() == null || !exec.getContainerID().startsWith(id) && !id.startsWith(exec.getContainerID())) {
            throw new DriverException(Kind.NOT_FOUND, "No such exec instance: " + execId);
        }
        // Docker waits seconds and then fails to resize a session nobody started (or that ended); there is no
        // terminal to resize then, and the client resizes again once its session runs.
        if (!Boolean.TRUE.equals(exec.isRunning())) {
            return;
        }
        call(() -> control.resizeExecCmd(execId).withSize(height, width).exec());
    }

    @Override
    public Closeable attach(String id, InputStream stdin, Consumer<byte[]> output, Consumer<Throwable> onEnd) {
        Objects.requireNonNull(id, "id");
        TerminalStream stream = new TerminalStream(stdin, output, onEnd, () -> { });
        try {
            streaming.attachContainerCmd(id)
                    .withStdIn(Objects.requireNonNull(stdin, "stdin"))
                    .withStdOut(true)
                    .withStdErr(true)
                    .withFollowStream(true)
                    .withLogs(false)
                    .exec(stream);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        stream.awaitOpen(connectTimeout.plusSeconds(30));
        return stream::shutdown;
    }

    @Override
    public Closeable execStart(String id, String execId, InputStream stdin, Consumer<byte[]> output,
                               Consumer<Throwable> onEnd) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(execId, "execId");
        InspectExecResponse exec = call(() -> control.inspectExecCmd(execId).exec());
        String owner = exec.getContainerID();
        if (owner == null || !owner.startsWith(id) && !id.startsWith(owner)) {
            throw new DriverException(Kind.NOT_FOUND, "No such exec instance: " + execId);
        }
        if (Boolean.TRUE.equals(exec.isRunning())) {
            throw new DriverException(Kind.CONFLICT, "Exec instance " + execId + " is already running");
        }
        boolean tty = exec.getProcessConfig() != null && Boolean.TRUE.equals(exec.getProcessConfig().isTty());
        TerminalStream stream = new TerminalStream(stdin, output, onEnd, () -> hangUp(execId));
        try {
            streaming.execStartCmd(execId)
                    .withDetach(false)
                    .withTty(tty)
                    .withStdIn(Objects.requireNonNull(stdin, "stdin"))
                    .exec(stream);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        stream.awaitOpen(connectTimeout.plusSeconds(30));
        return stream::shutdown;
    }

    @Override
    public boolean execRunning(String execId) {
        Objects.requireNonNull(execId, "execId");
        try {
            return Boolean.TRUE.equals(control.inspectExecCmd(execId).exec().isRunning());
        } catch (NotFoundException e) {
            return false;
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    /**
     * Ends an exec's process whose client went away. Docker has no call for it, and keeps the process (and its
     * terminal) when the attached connection closes, so the agent kills it by its host pid: only when the engine is on
     * this machine and the pid visibly belongs to that container's cgroup, never a stranger's process that happens to
     * have the same number in another pid namespace. Killing the terminal's session leader hangs the terminal up, which
     * the kernel passes on to the processes started from it.
     */
    private void hangUp(String execId) {
        InspectExecResponse exec;
        try {
            exec = control.inspectExecCmd(execId).exec();
        } catch (RuntimeException e) {
            return;
        }
        Long pid = exec.getPidLong();
        if (!Boolean.TRUE.equals(exec.isRunning()) || pid == null || pid <= 0 || exec.getContainerID() == null) {
            return;
        }
        if (!"unix".equals(dockerHost.getScheme())) {
            LOG.warn("exec {} keeps running after its session closed: the Docker engine is not on this machine",
                    execId);
            return;
        }
        Path cgroup = Path.of("/proc", String.valueOf(pid), "cgroup");
        try {
            if (!Files.readString(cgroup).contains(exec.getContainerID())) {
                LOG.warn("exec {} keeps running after its session closed: pid {} is not visible here", execId, pid);
                return;
            }
        } catch (IOException | RuntimeException e) {
            LOG.warn("exec {} keeps running after its session closed: pid {} is not visible here", execId, pid);
            return;
        }
        ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly);
    }

    /**
     * A streaming callback that tells when the engine has opened the stream ({@link #onStart}), or why it could not,
     * so callers can wait for the stream before they rely on it.
     */
    private abstract static class OpeningStream<T> extends ResultCallback.Adapter<T> {
        private final CountDownLatch opened = new CountDownLatch(1);
        protected volatile boolean shutdown;
        private volatile Throwable openFailure;

        @Override
        public void onStart(Closeable stream) {
            super.onStart(stream);
            opened.countDown();
            if (shutdown) {
                closeQuietly();
            }
        }

        /** Records a failure that came before the stream opened; false if it had opened already. */
        protected boolean failedToOpen(Throwable t) {
            if (opened.getCount() > 0) {
                openFailure = t;
                opened.countDown();
                return true;
            }
            return false;
        }

        /** Marks the end of a stream that completed normally (it had opened, or never will). */
        protected void markOpened() {
            opened.countDown();
        }

        void awaitOpen(Duration timeout, String what) {
            try {
                if (!opened.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                    shutdown();
                    throw new DriverException(Kind.UNAVAILABLE, "the Docker " + what + " did not open within "
                            + timeout);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                shutdown();
                throw new DriverException(Kind.OTHER, "interrupted while opening the Docker " + what, e);
            }
            Throwable failure = openFailure;
            if (failure != null) {
                shutdown();
                throw DockerErrors.translate(failure);
            }
        }

        abstract void shutdown();

        protected void closeQuietly() {
            try {
                close();
            } catch (IOException | RuntimeException e) {
                // the connection is gone either way
                LOG.debug("closing a Docker stream", e);
            }
        }
    }

    /**
     * One attached terminal or exec stream as a callback, on docker-java's stream thread. {@link #onStart} comes when
     * the engine has switched the connection to the raw stream.
     */
    private static final class TerminalStream extends OpeningStream<Frame> {
        private final InputStream stdin;
        private final Consumer<byte[]> output;
        private final Consumer<Throwable> onEnd;
        private final Runnable afterShutdown;
        private final java.util.concurrent.atomic.AtomicBoolean finished =
                new java.util.concurrent.atomic.AtomicBoolean();

        TerminalStream(InputStream stdin, Consumer<byte[]> output, Consumer<Throwable> onEnd, Runnable afterShutdown) {
            this.stdin = stdin;
            this.output = Objects.requireNonNull(output, "output");
            this.onEnd = Objects.requireNonNull(onEnd, "onEnd");
            this.afterShutdown = afterShutdown;
        }

        @Override
        public void onNext(Frame frame) {
            if (!shutdown && frame.getPayload() != null && frame.getPayload().length > 0) {
                output.accept(frame.getPayload());
            }
        }

        @Override
        public void onError(Throwable t) {
            if (!failedToOpen(t)) {
                end(shutdown ? null : DockerErrors.translate(t));
            }
            closeQuietly();
        }

        @Override
        public void onComplete() {
            markOpened();
            end(null);
            closeQuietly();
        }

        void awaitOpen(Duration timeout) {
            awaitOpen(timeout, "stream");
        }

        /** Ends the stream from this side: the connection closes, stdin's reader ends, no more callbacks. */
        void shutdown() {
            shutdown = true;
            finished.set(true);
            closeQuietly();
            try {
                stdin.close();
            } catch (IOException e) {
                // nothing more to release
            }
            afterShutdown.run();
        }

        private void end(Throwable failure) {
            if (shutdown || !finished.compareAndSet(false, true)) {
                return;
            }
            try {
                stdin.close();
            } catch (IOException e) {
                // nothing more to release
            }
            try {
                onEnd.accept(failure);
            } catch (RuntimeException handlerFailure) {
                LOG.warn("stream end handler failed", handlerFailure);
            }
        }
    }

    @Override
    public void resize(String id, int height, int width) {
        Objects.requireNonNull(id, "id");
        call(() -> control.resizeContainerCmd(id).withSize(height, width).exec());
    }

    @Override
    public ProcessList top(String id, String psArgs) {
        Objects.requireNonNull(id, "id");
        TopContainerResponse r;
        try {
            var cmd = control.topContainerCmd(id);
            if (psArgs != null) {
                cmd.withPsArgs(psArgs);
            }
            r = cmd.exec();
        } catch (DockerException e) {
            // Docker answers 500 when ps itself rejects the arguments: that is the caller's mistake.
            if (DockerErrors.message(e).startsWith("ps:")) {
                throw new DriverException(Kind.BAD_REQUEST, DockerErrors.message(e), e);
            }
            throw DockerErrors.translate(e);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        List<String> titles = r.getTitles() == null ? List.of() : Arrays.asList(r.getTitles());
        List<List<String>> processes = new ArrayList<>();
        if (r.getProcesses() != null) {
            for (String[] p : r.getProcesses()) {
                processes.add(Arrays.asList(p));
            }
        }
        return new ProcessList(titles, processes);
    }

    @Override
    public ResourceUsage stats(String id) {
        Objects.requireNonNull(id, "id");
        List<Statistics> samples = new ArrayList<>();
        Collecting<Statistics> stream = new Collecting<>() {
            @Override
            public void onNext(Statistics s) {
                synchronized (samples) {
                    samples.add(s);
                }
            }
        };
        try {
            streaming.statsCmd(id).withNoStream(true).exec(stream);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        if (!stream.await(Duration.ofSeconds(30))) {
            throw new DriverException(Kind.TIMEOUT, "Docker gave no statistics for " + id + " within 30 s");
        }
        Statistics s;
        synchronized (samples) {
            if (samples.isEmpty()) {
                throw new DriverException(Kind.OTHER, "Docker gave no statistics for " + id);
            }
            s = samples.getLast();
        }
        long cpu = 0;
        long system = 0;
        if (s.getCpuStats() != null) {
            cpu = s.getCpuStats().getCpuUsage() == null ? 0 : orZero(s.getCpuStats().getCpuUsage().getTotalUsage());
            system = orZero(s.getCpuStats().getSystemCpuUsage());
        }
        long memUsage = s.getMemoryStats() == null ? 0 : orZero(s.getMemoryStats().getUsage());
        long memLimit = s.getMemoryStats() == null ? 0 : orZero(s.getMemoryStats().getLimit());
        long read = 0;
        long write = 0;
        List<BlkioStatEntry> io = s.getBlkioStats() == null ? null : s.getBlkioStats().getIoServiceBytesRecursive();
        if (io != null) {
            for (BlkioStatEntry e : io) {
                // cgroup v1 spells the operations "Read"/"Write", v2 "read"/"write".
                if ("read".equalsIgnoreCase(e.getOp())) {
                    read += orZero(e.getValue());
                } else if ("write".equalsIgnoreCase(e.getOp())) {
                    write += orZero(e.getValue());
                }
            }
        }
        long rx = 0;
        long tx = 0;
        if (s.getNetworks() != null) {
            for (var n : s.getNetworks().values()) {
                rx += orZero(n.getRxBytes());
                tx += orZero(n.getTxBytes());
            }
        }
        return new ResourceUsage(cpu, system, memUsage, memLimit, read, write, rx, tx);
    }

    @Override
    public Archive getArchive(String id, String path, long maxBytes) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
        DockerHttpClient.Request request = DockerHttpClient.Request.builder()
                .method(DockerHttpClient.Request.Method.GET)
                .path("/containers/" + URLEncoder.encode(id, StandardCharsets.UTF_8) + "/archive?path="
                        + URLEncoder.encode(path, StandardCharsets.UTF_8))
                .build();
        try (DockerHttpClient.Response r = raw.execute(request)) {
            byte[] body = readAtMost(r.getBody(), maxBytes);
            if (r.getStatusCode() != 200) {
                throw rawFailure(r.getStatusCode(), body);
            }
            String header = r.getHeader("X-Docker-Container-Path-Stat");
            Archive.Stat stat = header == null ? new Archive.Stat(baseName(path), 0, 0, "", "") : stat(header);
            return new Archive(body, stat);
        } catch (IOException e) {
            throw DockerErrors.translate(new java.io.UncheckedIOException(e));
        } catch (DriverException e) {
            throw e;
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    private static byte[] readAtMost(InputStream in, long maxBytes) throws IOException {
        if (in == null) {
            return new byte[0];
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[64 * 1024];
        long total = 0;
        int n;
        while ((n = in.read(buffer)) > 0) {
            total += n;
            if (total > maxBytes) {
                throw new DriverException(Kind.BAD_REQUEST, "the archive is larger than " + maxBytes + " bytes");
            }
            out.write(buffer, 0, n);
        }
        return out.toByteArray();
    }

    private static DriverException rawFailure(int status, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        String message = DockerErrors.message(new RuntimeException(text.isBlank() ? "Status " + status : text));
        Kind kind = switch (status) {
            case 400 -> Kind.BAD_REQUEST;
            case 404 -> Kind.NOT_FOUND;
            case 409 -> Kind.CONFLICT;
            default -> Kind.OTHER;
        };
        return new DriverException(kind, message);
    }

    private static Archive.Stat stat(String header) {
        try {
            var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(Base64.getDecoder().decode(header));
            return new Archive.Stat(node.path("name").asText(""), node.path("size").asLong(),
                    node.path("mode").asLong(), node.path("mtime").asText(""), node.path("linkTarget").asText(""));
        } catch (IOException | IllegalArgumentException e) {
            throw new DriverException(Kind.OTHER, "unreadable archive stat from Docker: " + header, e);
        }
    }

    private static String baseName(String path) {
        String p = path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        return p.substring(p.lastIndexOf('/') + 1);
    }

    @Override
    public void putArchive(String id, String path, byte[] tar) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(tar, "tar");
        call(() -> lengthy.copyArchiveToContainerCmd(id)
                .withRemotePath(path)
                .withTarInputStream(new ByteArrayInputStream(tar))
                .exec());
    }

    @Override
    public void update(String id, Double cpu, Integer memoryMiB) {
        Objects.requireNonNull(id, "id");
        if (cpu == null && memoryMiB == null) {
            return;
        }
        var cmd = control.updateContainerCmd(id);
        if (cpu != null) {
            cmd.withNanoCPUs(Math.round(cpu * 1e9));
        }
        if (memoryMiB != null) {
            long bytes = memoryMiB * MIB;
            // Docker's default swap allowance at create is twice the memory: keep it so, and keep it above the new
            // memory, which Docker requires.
            cmd.withMemory(bytes).withMemorySwap(2 * bytes);
        }
        call(cmd::exec);
    }

    @Override
    public String commit(String id, String repository, String tag, Map<String, String> labels) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(repository, "repository");
        Objects.requireNonNull(tag, "tag");
        return call(() -> lengthy.commitCmd(id)
                .withRepository(repository)
                .withTag(tag)
                .withPause(true)
                .withLabels(labels == null ? Map.of() : labels)
                .exec());
    }

    @Override
    public List<NetworkAttachment> networks(String id) {
        Objects.requireNonNull(id, "id");
        InspectContainerResponse r = call(() -> control.inspectContainerCmd(id).exec());
        Map<String, ContainerNetwork> networks = r.getNetworkSettings() == null ? null
                : r.getNetworkSettings().getNetworks();
        if (networks == null) {
            return List.of();
        }
        List<NetworkAttachment> out = new ArrayList<>();
        networks.forEach((name, n) -> {
            if (BUILTIN_NETWORKS.contains(name) && !"bridge".equals(name)) {
                return;
            }
            out.add(new NetworkAttachment(name, blankToNull(n.getNetworkID()), blankToNull(n.getEndpointId()),
                    blankToNull(n.getIpAddress()), blankToNull(n.getGlobalIPv6Address())));
        });
        out.sort(java.util.Comparator.comparing(NetworkAttachment::name));
        return List.copyOf(out);
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    // -------------------------------------------------------------------------------------------------------- events

    @Override
    public AutoCloseable events(String host, Consumer<DockerEvent> onEvent, Consumer<Throwable> onError) {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(onEvent, "onEvent");
        Objects.requireNonNull(onError, "onError");
        EventStream stream = new EventStream(onEvent, onError);
        try {
            streaming.eventsCmd()
                    .withEventTypeFilter(EventType.CONTAINER)
                    .withLabelFilter(Map.of(Container.LABEL_HOST, host))
                    .exec(stream);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        stream.awaitOpen(connectTimeout.plusSeconds(30));
        return stream::shutdown;
    }

    /**
     * Docker's event stream as a callback. docker-java runs it on its own stream thread; the engine answers the
     * request's headers at once, so {@link #onStart} tells that the subscription is in place.
     */
    private static final class EventStream extends OpeningStream<Event> {
        private final Consumer<DockerEvent> onEvent;
        private final Consumer<Throwable> onError;
        private volatile boolean failed;

        EventStream(Consumer<DockerEvent> onEvent, Consumer<Throwable> onError) {
            this.onEvent = onEvent;
            this.onError = onError;
        }

        @Override
        public void onNext(Event e) {
            if (shutdown || failed || e.getId() == null || e.getAction() == null) {
                return;
            }
            Map<String, String> attributes = e.getActor() == null ? null : e.getActor().getAttributes();
            Instant time = e.getTimeNano() != null
                    ? Instant.EPOCH.plusNanos(e.getTimeNano())
                    : Instant.ofEpochSecond(e.getTime() == null ? 0 : e.getTime());
            DockerEvent event = new DockerEvent(e.getId(), e.getAction(),
                    attributes == null ? null : attributes.get(Container.LABEL_UUID), time);
            try {
                onEvent.accept(event);
            } catch (RuntimeException handlerFailure) {
                LOG.warn("event handler failed on {}", event, handlerFailure);
            }
        }

        @Override
        public void onError(Throwable t) {
            if (!failedToOpen(t)) {
                fail(DockerErrors.translate(t));
            }
            closeQuietly();
        }

        @Override
        public void onComplete() {
            fail(new DriverException(Kind.UNAVAILABLE, "the Docker event stream ended"));
            closeQuietly();
        }

        void awaitOpen(Duration timeout) {
            awaitOpen(timeout, "event stream");
        }

        void shutdown() {
            shutdown = true;
            closeQuietly();
        }

        private void fail(Throwable t) {
            if (shutdown || failed) {
                return;
            }
            failed = true;
            try {
                onError.accept(t);
            } catch (RuntimeException handlerFailure) {
                LOG.warn("event error handler failed", handlerFailure);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------------- network

    @Override
    public void ensureNetwork(String name) {
        Objects.requireNonNull(name, "name");
        if (BUILTIN_NETWORKS.contains(name) || name.startsWith("container:")) {
            return;
        }
        // The name filter matches substrings: compare exactly.
        boolean exists = call(() -> control.listNetworksCmd().withNameFilter(name).exec()).stream()
                .anyMatch(n -> name.equals(n.getName()));
        if (exists) {
            return;
        }
        try {
            control.createNetworkCmd().withName(name).withDriver("bridge").withCheckDuplicate(true).exec();
        } catch (ConflictException createdMeanwhile) {
            // another caller won the race: the network exists, which is all that was asked
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    // --------------------------------------------------------------------------------------------------------- close

    @Override
    public void close() {
        for (DockerClient client : List.of(streaming, lengthy, control)) {
            try {
                client.close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing a Docker client", e);
            }
        }
        try {
            raw.close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing a Docker client", e);
        }
    }

    // ------------------------------------------------------------------------------------------------------- helpers

    private static <T> T call(Supplier<T> action) {
        try {
            return action.get();
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    private static int orZero(Integer n) {
        return n == null ? 0 : n;
    }

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }

    /**
     * A callback for a finite stream that reports failures through {@link #await()} instead of logging them, as
     * docker-java's adapter does even for an expected 404.
     */
    private abstract static class Collecting<T> extends ResultCallback.Adapter<T> {
        private volatile Throwable failure;

        @Override
        public void onError(Throwable t) {
            failure = t;
            try {
                close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing a Docker stream", e);
            }
        }

        /** Runs on the caller's thread once the stream completed without an error. */
        void afterCompletion() {
        }

        /**
         * Like {@link #await()}, but gives up after {@code timeout}, closing the stream.
         *
         * @return whether the stream completed in time
         */
        final boolean await(Duration timeout) {
            boolean done;
            try {
                done = awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                closeQuietly();
                throw new DriverException(Kind.OTHER, "interrupted while waiting for Docker", e);
            } catch (RuntimeException e) {
                throw DockerErrors.translate(e);
            }
            if (!done) {
                closeQuietly();
                return false;
            }
            if (failure != null) {
                throw DockerErrors.translate(failure);
            }
            afterCompletion();
            return true;
        }

        private void closeQuietly() {
            try {
                close();
            } catch (IOException | RuntimeException e) {
                LOG.debug("closing a Docker stream", e);
            }
        }

        final void await() {
            try {
                awaitCompletion();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                try {
                    close();
                } catch (IOException | RuntimeException ignored) {
                    // the interruption is what the caller needs to hear about
                }
                throw new DriverException(Kind.OTHER, "interrupted while waiting for Docker", e);
            } catch (RuntimeException e) {
                throw DockerErrors.translate(e);
            }
            if (failure != null) {
                throw DockerErrors.translate(failure);
            }
            afterCompletion();
        }
    }
}
