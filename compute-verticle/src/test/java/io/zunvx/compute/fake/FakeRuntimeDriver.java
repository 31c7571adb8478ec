package io.zunvx.compute.fake;

import io.zunvx.compute.driver.Archive;
import io.zunvx.compute.driver.DockerEvent;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.DriverException.Kind;
import io.zunvx.compute.driver.ExecResult;
import io.zunvx.compute.driver.HostInfo;
import io.zunvx.compute.driver.LocalImage;
import io.zunvx.compute.driver.LogOptions;
import io.zunvx.compute.driver.NetworkAttachment;
import io.zunvx.compute.driver.Observed;
import io.zunvx.compute.driver.ProcessList;
import io.zunvx.compute.driver.PullPolicy;
import io.zunvx.compute.driver.RegistryAuth;
import io.zunvx.compute.driver.ResourceUsage;
import io.zunvx.compute.driver.RuntimeDriver;
import io.zunvx.model.Container;
import io.zunvx.model.Status;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.UUID;
import io.zunvx.compute.driver.VolumeDriver;

/**
 * An in-memory container runtime for unit tests of the agent's decisions: containers with a status and labels, local
 * images, and a journal of the calls made. It keeps the ports' contracts that callers rely on (create adopts its own
 * container by name, state changes and removals are idempotent, a pull policy is obeyed) and nothing of a real
 * engine: no processes, no streams, no events. A test makes the next call of a method fail with {@link #failNext}.
 *
 * <p>Thread-safe (every method is synchronized); calls run on the caller's thread.
 */
public final class FakeRuntimeDriver implements RuntimeDriver {
    private final Map<String, Observed> containers = new LinkedHashMap<>();
    private final Map<String, LocalImage> images = new HashMap<>();
    private final Map<String, DriverException> failures = new HashMap<>();
    private final List<String> calls = new ArrayList<>();
    private final Set<String> networks = new HashSet<>();
    private int nextId = 1;

    // ---------------------------------------------------------------------------------------------------- test hooks

    /** Makes the next call of {@code method} (e.g. {@code "create"}) throw {@code failure} without doing anything. */
    public synchronized FakeRuntimeDriver failNext(String method, DriverException failure) {
        failures.put(method, failure);
        return this;
    }

    /** Puts a local image under {@code reference}, as if it had been pulled earlier. */
    public synchronized LocalImage addImage(String reference) {
        LocalImage image = new LocalImage("sha256:" + Integer.toHexString(reference.hashCode()), 1024,
                List.of(reference));
        images.put(reference, image);
        return image;
    }

    /** Puts a runtime container in the given state, as if something outside the agent had made or changed it. */
    public synchronized Observed put(String id, String name, Status status, Map<String, String> labels) {
        Observed o = new Observed(id, name, status, status.wire(), null, null, false, null, null, null, labels);
        containers.put(id, o);
        return o;
    }

    /** The runtime container of that id or name. */
    public synchronized Optional<Observed> container(String idOrName) {
        return Optional.ofNullable(find(idOrName));
    }

    /** Every call made so far, as {@code method arg}, in order. */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** How many calls of {@code method} were made. */
    public synchronized long count(String method) {
        return calls.stream().filter(c -> c.equals(method) || c.startsWith(method + " ")).count();
    }

    private void called(String method, Object arg) {
        calls.add(arg == null ? method : method + " " + arg);
        DriverException failure = failures.remove(method);
        if (failure != null) {
            throw failure;
        }
    }

    private Observed find(String idOrName) {
        Observed byId = containers.get(idOrName);
        if (byId != null) {
            return byId;
        }
        return containers.values().stream().filter(o -> idOrName.equals(o.name())).findFirst().orElse(null);
    }

    private Observed existing(String idOrName) {
        Observed o = find(idOrName);
        if (o == null) {
            throw new DriverException(Kind.NOT_FOUND, "No such container: " + idOrName);
        }
        return o;
    }

    private void set(Observed o, Status status) {
        containers.put(o.id(), new Observed(o.id(), o.name(), status, status.wire(), o.exitCode(), o.error(),
                o.oomKilled(), o.health(), o.startedAt(), o.finishedAt(), o.labels()));
    }

    // ---------------------------------------------------------------------------------------------------- containers

    @Override
    public synchronized String create(Container c, String host, String network) {
        called("create", c.uuid());
        Observed same = find(c.dockerName());
        if (same != null) {
            if (c.uuid().toString().equals(same.uuid())) {
                return same.id();
            }
            throw new DriverException(Kind.CONFLICT, "The name " + c.dockerName() + " is in use");
        }
        if (images.values().stream().noneMatch(i -> i.repoTags().contains(c.image()) || i.id().equals(c.image()))) {
            throw new DriverException(Kind.NOT_FOUND, "No such image: " + c.image());
        }
        Map<String, String> labels = new HashMap<>(c.labels());
        labels.put(Container.LABEL_UUID, c.uuid().toString());
        labels.put(Container.LABEL_HOST, host);
        String id = String.format("%064x", nextId++);
        return put(id, c.dockerName(), Status.CREATED, labels).id();
    }

    @Override
    public synchronized void start(String id) {
        called("start", id);
        set(existing(id), Status.RUNNING);
    }

    @Override
    public synchronized void stop(String id, int timeoutSeconds) {
        called("stop", id);
        Observed o = existing(id);
        if (o.status() == Status.RUNNING || o.status() == Status.PAUSED) {
            set(o, Status.STOPPED);
        }
    }

    @Override
    public synchronized void kill(String id, String signalOrNull) {
        called("kill", id);
        Observed o = existing(id);
        if (o.status() == Status.RUNNING) {
            set(o, Status.STOPPED);
        }
    }

    @Override
    public synchronized void pause(String id) {
        called("pause", id);
        set(existing(id), Status.PAUSED);
    }

    @Override
    public synchronized void unpause(String id) {
        called("unpause", id);
        set(existing(id), Status.RUNNING);
    }

    @Override
    public synchronized void restart(String id, int timeoutSeconds) {
        called("restart", id);
        set(existing(id), Status.RUNNING);
    }

    @Override
    public synchronized void remove(String id, boolean force) {
        called("remove", id);
        Observed o = find(id);
        if (o == null) {
            return;
        }
        if (o.status() == Status.RUNNING && !force) {
            throw new DriverException(Kind.CONFLICT, "You cannot remove a running container " + id);
        }
        containers.remove(o.id());
    }

    @Override
    public synchronized void update(String id, Double cpu, Integer memoryMiB) {
        called("update", id);
        existing(id);
    }

    @Override
    public synchronized Optional<Observed> inspect(String idOrName) {
        called("inspect", idOrName);
        return Optional.ofNullable(find(idOrName));
    }

    @Override
    public synchronized List<Observed> listManaged(String host) {
        called("listManaged", host);
        return containers.values().stream().filter(o -> host.equals(o.labels().get(Container.LABEL_HOST))).toList();
    }

    @Override
    public synchronized String logs(String id, LogOptions options) {
        called("logs", id);
        existing(id);
        return "";
    }

    @Override
    public synchronized ProcessList top(String id, String psArgs) {
        called("top", id);
        existing(id);
        return new ProcessList(List.of("PID", "CMD"), List.of());
    }

    @Override
    public synchronized ResourceUsage stats(String id) {
        called("stats", id);
        existing(id);
        return new ResourceUsage(0, 0, 0, 0, 0, 0, 0, 0);
    }

    @Override
    public synchronized AutoCloseable events(String host, Consumer<DockerEvent> onEvent, Consumer<Throwable> onError) {
        called("events", host);
        return () -> { };
    }

    // -------------------------------------------------------------------------------------------------------- images

    @Override
    public synchronized LocalImage ensureImage(String reference, String pullPolicy, RegistryAuth auth) {
        called("ensureImage", reference);
        String ref = reference.contains(":") || reference.contains("@") ? reference : reference + ":latest";
        PullPolicy policy = PullPolicy.parse(pullPolicy);
        LocalImage present = images.get(ref);
        return switch (policy.decide(present != null)) {
            case USE_LOCAL -> present;
            case MISSING -> throw new DriverException(Kind.NOT_FOUND,
                    "Image " + reference + " not present with pull policy of Never");
            case PULL -> {
                calls.add("pull " + ref);
                DriverException failure = failures.remove("pull");
                if (failure != null) {
                    throw failure;
                }
                yield addImage(ref);
            }
        };
    }

    @Override
    public synchronized LocalImage loadImage(String imageId, String reference, boolean reload, ArchiveSource archive) {
        called("loadImage", imageId);
        LocalImage image = new LocalImage(imageId, 1024, List.of(reference));
        images.put(reference, image);
        return image;
    }

    @Override
    public synchronized void tagImage(String imageId, String reference) {
        called("tagImage", imageId);
        LocalImage image = images.values().stream().filter(i -> i.id().equals(imageId)).findFirst()
                .orElseThrow(() -> new DriverException(Kind.NOT_FOUND, "no image " + imageId));
        images.values().removeIf(i -> i.repoTags().contains(reference) && !i.id().equals(imageId));
        images.put(reference, new LocalImage(imageId, image.size(), List.of(reference)));
    }

    @Override
    public synchronized Optional<LocalImage> inspectImage(String referenceOrId) {
        called("inspectImage", referenceOrId);
        return images.values().stream()
                .filter(i -> i.id().equals(referenceOrId) || i.repoTags().contains(referenceOrId)).findFirst();
    }

    @Override
    public synchronized void removeImage(String referenceOrId, boolean force) {
        called("removeImage", referenceOrId);
        images.values().removeIf(i -> i.id().equals(referenceOrId) || i.repoTags().contains(referenceOrId));
    }

    @Override
    public synchronized InputStream saveImage(String reference) {
        called("saveImage", reference);
        return new ByteArrayInputStream(new byte[0]);
    }

    @Override
    public synchronized String commit(String id, String repository, String tag, Map<String, String> labels) {
        called("commit", id);
        existing(id);
        return addImage(repository + ":" + tag).id();
    }

    // ---------------------------------------------------------------------------------------------------------- exec

    @Override
    public synchronized ExecResult execRun(String id, List<String> command, Duration timeout) {
        called("execRun", id);
        requireRunning(id);
        return new ExecResult("", 0);
    }

    @Override
    public synchronized String execCreate(String id, List<String> command, boolean interactive) {
        called("execCreate", id);
        requireRunning(id);
        return String.format("%064x", nextId++);
    }

    @Override
    public synchronized void execResize(String id, String execId, int height, int width) {
        called("execResize", execId);
    }

    @Override
    public synchronized Closeable attach(String id, InputStream stdin, Consumer<byte[]> output,
                                         Consumer<Throwable> onEnd) {
        called("attach", id);
        requireRunning(id);
        return () -> closeQuietly(stdin);
    }

    @Override
    public synchronized Closeable execStart(String id, String execId, InputStream stdin, Consumer<byte[]> output,
                                            Consumer<Throwable> onEnd) {
        called("execStart", execId);
        requireRunning(id);
        return () -> closeQuietly(stdin);
    }

    @Override
    public synchronized boolean execRunning(String execId) {
        called("execRunning", execId);
        return false;
    }

    @Override
    public synchronized void resize(String id, int height, int width) {
        called("resize", id);
        existing(id);
    }

    @Override
    public synchronized Archive getArchive(String id, String path, long maxBytes) {
        called("getArchive", id);
        existing(id);
        throw new DriverException(Kind.NOT_FOUND, "Could not find the file " + path + " in container " + id);
    }

    @Override
    public synchronized void putArchive(String id, String path, byte[] tar) {
        called("putArchive", id);
        existing(id);
    }

    private void requireRunning(String id) {
        if (existing(id).status() != Status.RUNNING) {
            throw new DriverException(Kind.CONFLICT, "Container " + id + " is not running");
        }
    }

    private static void closeQuietly(InputStream in) {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    // ----------------------------------------------------------------------------------------------- host, networks

    @Override
    public synchronized HostInfo info() {
        called("info", null);
        int running = (int) containers.values().stream().filter(o -> o.status() == Status.RUNNING).count();
        int paused = (int) containers.values().stream().filter(o -> o.status() == Status.PAUSED).count();
        return new HostInfo(4, 8192, 100, "x86_64", "linux", "Fake", "6.0", List.of("runc"), "runc",
                containers.size(), running, paused, containers.size() - running - paused);
    }

    @Override
    public synchronized void ensureNetwork(String name) {
        called("ensureNetwork", name);
        networks.add(name);
    }

    @Override
    public synchronized List<NetworkAttachment> networks(String id) {
        called("networks", id);
        existing(id);
        return List.of();
    }

    @Override
    public void close() {
    }

    // ---- volumes: none --------------------------------------------------------------------------------------------

    @Override
    public boolean enforcesSize() {
        return VolumeDriver.NONE.enforcesSize();
    }

    @Override
    public String describe() {
        return VolumeDriver.NONE.describe();
    }

    @Override
    public void create(UUID volume, int sizeGiB, String host) {
        VolumeDriver.NONE.create(volume, sizeGiB, host);
    }

    @Override
    public void prepare(UUID volume) {
        VolumeDriver.NONE.prepare(volume);
    }

    @Override
    public String mountName(UUID volume) {
        return VolumeDriver.NONE.mountName(volume);
    }

    @Override
    public void remove(UUID volume) {
        VolumeDriver.NONE.remove(volume);
    }

    @Override
    public Set<UUID> list(String host) {
        return VolumeDriver.NONE.list(host);
    }
}
