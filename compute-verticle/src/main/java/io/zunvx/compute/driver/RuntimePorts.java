package io.zunvx.compute.driver;

import io.micrometer.core.instrument.MeterRegistry;
import io.zunvx.model.Container;

import java.io.Closeable;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.Set;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * A {@link RuntimeDriver} made of one implementation per port: each call goes to the part that owns its concern, and
 * {@link #close} to the given closer. How a runtime's implementations are put together (the Docker one extends it),
 * and how a test replaces one port of a real or fake runtime and keeps the others.
 */
public class RuntimePorts implements RuntimeDriver {
    private final ContainerDriver containers;
    private final ImageDriver images;
    private final ExecDriver exec;
    private final HostDriver host;
    private final NetworkDriver networks;
    private final VolumeDriver volumes;
    private final Runnable closer;

    /**
     * @param closer releases what the ports share (the runtime connection); run by {@link #close}
     */
    public RuntimePorts(ContainerDriver containers, ImageDriver images, ExecDriver exec, HostDriver host,
                        NetworkDriver networks, Runnable closer) {
        this(containers, images, exec, host, networks, VolumeDriver.NONE, closer);
    }

    /**
     * @param volumes the runtime's volumes
     * @param closer  releases what the ports share (the runtime connection); run by {@link #close}
     */
    public RuntimePorts(ContainerDriver containers, ImageDriver images, ExecDriver exec, HostDriver host,
                        NetworkDriver networks, VolumeDriver volumes, Runnable closer) {
        this.volumes = Objects.requireNonNull(volumes, "volumes");
        this.containers = Objects.requireNonNull(containers, "containers");
        this.images = Objects.requireNonNull(images, "images");
        this.exec = Objects.requireNonNull(exec, "exec");
        this.host = Objects.requireNonNull(host, "host");
        this.networks = Objects.requireNonNull(networks, "networks");
        this.closer = Objects.requireNonNull(closer, "closer");
    }

    @Override
    public String create(Container c, String host, String network) {
        return containers.create(c, host, network);
    }

    @Override
    public String create(Container c, String host, String network, List<VolumeMount> mounts) {
        return containers.create(c, host, network, mounts);
    }

    @Override
    public void start(String id) {
        containers.start(id);
    }

    @Override
    public void stop(String id, int timeoutSeconds) {
        containers.stop(id, timeoutSeconds);
    }

    @Override
    public void kill(String id, String signalOrNull) {
        containers.kill(id, signalOrNull);
    }

    @Override
    public void pause(String id) {
        containers.pause(id);
    }

    @Override
    public void unpause(String id) {
        containers.unpause(id);
    }

    @Override
    public void restart(String id, int timeoutSeconds) {
        containers.restart(id, timeoutSeconds);
    }

    @Override
    public void remove(String id, boolean force) {
        containers.remove(id, force);
    }

    @Override
    public void update(String id, Double cpu, Integer memoryMiB) {
        containers.update(id, cpu, memoryMiB);
    }

    @Override
    public Optional<Observed> inspect(String idOrName) {
        return containers.inspect(idOrName);
    }

    @Override
    public List<Observed> listManaged(String host) {
        return containers.listManaged(host);
    }

    @Override
    public String logs(String id, LogOptions options) {
        return containers.logs(id, options);
    }

    @Override
    public ProcessList top(String id, String psArgs) {
        return containers.top(id, psArgs);
    }

    @Override
    public ResourceUsage stats(String id) {
        return containers.stats(id);
    }

    @Override
    public AutoCloseable events(String host, Consumer<DockerEvent> onEvent, Consumer<Throwable> onError) {
        return containers.events(host, onEvent, onError);
    }

    @Override
    public LocalImage ensureImage(String reference, String pullPolicy, RegistryAuth auth) {
        return images.ensureImage(reference, pullPolicy, auth);
    }

    @Override
    public LocalImage loadImage(String imageId, String reference, boolean reload, ArchiveSource archive) {
        return images.loadImage(imageId, reference, reload, archive);
    }

    @Override
    public void tagImage(String imageId, String reference) {
        images.tagImage(imageId, reference);
    }

    @Override
    public Optional<LocalImage> inspectImage(String referenceOrId) {
        return images.inspectImage(referenceOrId);
    }

    @Override
    public void removeImage(String referenceOrId, boolean force) {
        images.removeImage(referenceOrId, force);
    }

    @Override
    public InputStream saveImage(String reference) {
        return images.saveImage(reference);
    }

    @Override
    public String commit(String id, String repository, String tag, Map<String, String> labels) {
        return images.commit(id, repository, tag, labels);
    }

    @Override
    public ExecResult execRun(String id, List<String> command, Duration timeout) {
        return exec.execRun(id, command, timeout);
    }

    @Override
    public String execCreate(String id, List<String> command, boolean interactive) {
        return exec.execCreate(id, command, interactive);
    }

    @Override
    public void execResize(String id, String execId, int height, int width) {
        exec.execResize(id, execId, height, width);
    }

    @Override
    public Closeable attach(String id, InputStream stdin, Consumer<byte[]> output, Consumer<Throwable> onEnd) {
        return exec.attach(id, stdin, output, onEnd);
    }

    @Override
    public Closeable execStart(String id, String execId, InputStream stdin, Consumer<byte[]> output, Consumer<Throwable> onEnd) {
        return exec.execStart(id, execId, stdin, output, onEnd);
    }

    @Override
    public boolean execRunning(String execId) {
        return exec.execRunning(execId);
    }

    @Override
    public void resize(String id, int height, int width) {
        exec.resize(id, height, width);
    }

    @Override
    public Archive getArchive(String id, String path, long maxBytes) {
        return exec.getArchive(id, path, maxBytes);
    }

    @Override
    public void putArchive(String id, String path, byte[] tar) {
        exec.putArchive(id, path, tar);
    }

    @Override
    public HostInfo info() {
        return host.info();
    }

    @Override
    public void ensureNetwork(String name) {
        networks.ensureNetwork(name);
    }

    @Override
    public List<NetworkAttachment> networks(String id) {
        return networks.networks(id);
    }

    @Override
    public void countImageTransfers(MeterRegistry registry, String host) {
        images.countImageTransfers(registry, host);
    }

    @Override
    public boolean enforcesSize() {
        return volumes.enforcesSize();
    }

    @Override
    public String describe() {
        return volumes.describe();
    }

    @Override
    public void create(UUID uuid, int sizeGiB, String host) {
        volumes.create(uuid, sizeGiB, host);
    }

    @Override
    public void prepare(UUID uuid) {
        volumes.prepare(uuid);
    }

    @Override
    public String mountName(UUID uuid) {
        return volumes.mountName(uuid);
    }

    @Override
    public void remove(UUID uuid) {
        volumes.remove(uuid);
    }

    @Override
    public Set<UUID> list(String host) {
        return volumes.list(host);
    }

    @Override
    public void close() {
        closer.run();
    }
}
