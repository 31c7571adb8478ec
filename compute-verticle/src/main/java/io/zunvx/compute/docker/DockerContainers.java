package io.zunvx.compute.docker;

import static io.zunvx.compute.docker.DockerErrors.call;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.CreateContainerCmd;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.command.TopContainerResponse;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.DockerException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.exception.NotModifiedException;
import com.github.dockerjava.api.model.BlkioStatEntry;
import com.github.dockerjava.api.model.Event;
import com.github.dockerjava.api.model.EventType;
import com.github.dockerjava.api.model.ExposedPort;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.api.model.HealthCheck;
import com.github.dockerjava.api.model.HostConfig;
import com.github.dockerjava.api.model.LogConfig;
import com.github.dockerjava.api.model.Mount;
import com.github.dockerjava.api.model.MountType;
import com.github.dockerjava.api.model.PortBinding;
import com.github.dockerjava.api.model.Ports;
import com.github.dockerjava.api.model.RestartPolicy;
import com.github.dockerjava.api.model.Statistics;
import io.zunvx.compute.driver.ContainerDriver;
import io.zunvx.compute.driver.DockerEvent;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.DriverException.Kind;
import io.zunvx.compute.driver.ImageRef;
import io.zunvx.compute.driver.LogOptions;
import io.zunvx.compute.driver.Observed;
import io.zunvx.compute.driver.ProcessList;
import io.zunvx.compute.driver.ResourceUsage;
import io.zunvx.compute.driver.VolumeMount;
import io.zunvx.model.Container;
import io.zunvx.model.Healthcheck;
import io.zunvx.platform.config.ZunvxConfig.ContainerDefaults;
import io.zunvx.platform.logs.LogTail;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@link ContainerDriver} for a Docker engine: containers created as {@code zun-<uuid>} with the platform's labels
 * (a re-delivered create adopts its own earlier container), their state changes, inspection (mapped by
 * {@link DockerStates}), logs, processes, counters, live limits and the engine's event stream.
 */
final class DockerContainers implements ContainerDriver {
    private static final Logger LOG = LoggerFactory.getLogger(DockerContainers.class);
    private static final long MIB = 1024L * 1024;

    private final Duration connectTimeout;
    private final DockerClient control;
    private final DockerClient lengthy;
    private final DockerClient streaming;
    private final Clock clock;
    private final ContainerDefaults defaults;

    DockerContainers(DockerClients clients, ContainerDefaults defaults) {
        this.defaults = defaults;
        this.connectTimeout = clients.connectTimeout();
        this.control = clients.control();
        this.lengthy = clients.lengthy();
        this.streaming = clients.streaming();
        this.clock = clients.clock();
    }

    @Override
    public String create(Container c, String host, String network) {
        return create(c, host, network, List.of());
    }

    @Override
    public String create(Container c, String host, String network, List<VolumeMount> mounts) {
        Objects.requireNonNull(c, "container");
        Objects.requireNonNull(host, "host");
        ImageRef image = ImageRef.parse(c.image());
        try {
            CreateContainerCmd cmd = spec(c, image, host, network);
            if (!mounts.isEmpty()) {
                cmd.getHostConfig().withMounts(mounts.stream().map(m -> new Mount().withType(MountType.VOLUME)
                        .withSource(m.name()).withTarget(m.destination()).withReadOnly(m.readOnly())).toList());
            }
            return cmd.exec().getId();
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

    /**
     * The relative CPU weight Zun gives a container, {@code int(1024 × cpu)} (truncated), beside the hard cap of
     * {@code NanoCpus}: the weight shares the CPUs under contention, the cap bounds the container alone. 0 (a cpu
     * under 1/1024) leaves Docker's default.
     */
    static int cpuShares(double cpu) {
        return (int) (1024 * cpu);
    }

    private CreateContainerCmd spec(Container c, ImageRef image, String host, String network) {
        Map<String, String> labels = new HashMap<>(c.labels());
        labels.put(Container.LABEL_UUID, c.uuid().toString());
        labels.put(Container.LABEL_HOST, host);

        HostConfig hostConfig = HostConfig.newHostConfig()
                .withAutoRemove(c.autoRemove())
                .withPrivileged(c.privileged())
                // A bounded log (rotated by Docker) and process count for every container (docs/operations.md).
                .withLogConfig(new LogConfig(LogConfig.LoggingType.JSON_FILE, Map.of(
                        "max-size", defaults.logMaxSize(), "max-file", String.valueOf(defaults.logMaxFile()))));
        if (defaults.pidsLimit() > 0) {
            hostConfig.withPidsLimit(defaults.pidsLimit());
        }
        if (c.memoryBytes() > 0) {
            hostConfig.withMemory(c.memoryBytes());
        }
        long nanoCpus = Math.round(c.cpu() * 1e9);
        if (nanoCpus > 0) {
            hostConfig.withNanoCPUs(nanoCpus);
        }
        int shares = cpuShares(c.cpu());
        if (shares > 0) {
            hostConfig.withCpuShares(shares);
        }
        if (c.cpuset() != null && !c.cpuset().isBlank()) {
            hostConfig.withCpusetCpus(c.cpuset());
        }
        if (c.restartPolicy() != null) {
            hostConfig.withRestartPolicy(
                    restartPolicy(c.restartPolicy().name(), c.restartPolicy().maximumRetryCount()));
        }
        if (c.runtime() != null) {
            hostConfig.withRuntime(c.runtime());
        }
        if (network != null) {
            hostConfig.withNetworkMode(network);
        }
        // A capsule's containers join its sandbox's network and IPC namespaces (localhost and shared memory).
        boolean joined = network != null && network.startsWith("container:");
        if (joined) {
            hostConfig.withIpcMode(network);
        } else if (c.isSandbox()) {
            hostConfig.withIpcMode("shareable");
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
        if (c.hostname() != null && !joined) {
            cmd.withHostName(c.hostname());
        }
        if (c.healthcheck() != null) {
            cmd.withHealthcheck(healthCheck(c.healthcheck()));
        }
        // Joined containers publish nothing themselves: the sandbox publishes the capsule's ports.
        if (!c.exposedPorts().isEmpty() && !joined) {
            List<ExposedPort> exposed = c.exposedPorts().stream()
                    .map(p -> ExposedPort.parse(p.contains("/") ? p : p + "/tcp"))
                    .toList();
            cmd.withExposedPorts(exposed);
            if ("none".equals(network)) {
                // A container on project networks (connected after creation) publishes its exposed ports on the
                // host at the same numbers; a port another container holds fails the start with Docker's reason.
                hostConfig.withPortBindings(exposed.stream()
                        .map(p -> new PortBinding(Ports.Binding.bindPort(p.getPort()), p))
                        .toList());
            }
        }
        return cmd;
    }

    /** Docker's policy for the platform's policy {@code name} (with its retry count for {@code on-failure}). */
    private static RestartPolicy restartPolicy(String name, int maximumRetryCount) {
        return switch (name) {
            case "always" -> RestartPolicy.alwaysRestart();
            case "unless-stopped" -> RestartPolicy.unlessStoppedRestart();
            case "on-failure" -> RestartPolicy.onFailureRestart(maximumRetryCount);
            default -> RestartPolicy.noRestart();
        };
    }

    private static HealthCheck healthCheck(Healthcheck h) {
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
        var listed = call(() -> control.listContainersCmd()
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
        // The log streams through a ring buffer of the cap: memory stays bounded whatever the log's length.
        LogTail text = new LogTail(options.maxBytes());
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
        return text.text();
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
    public void update(String id, Double cpu, Integer memoryMiB) {
        Objects.requireNonNull(id, "id");
        if (cpu == null && memoryMiB == null) {
            return;
        }
        var cmd = control.updateContainerCmd(id);
        if (cpu != null) {
            cmd.withNanoCPUs(Math.round(cpu * 1e9));
            int shares = cpuShares(cpu);
            if (shares > 0) {
                cmd.withCpuShares(shares);
            }
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

    private static long orZero(Long n) {
        return n == null ? 0 : n;
    }
}
