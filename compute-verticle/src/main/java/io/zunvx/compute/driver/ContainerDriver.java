package io.zunvx.compute.driver;

import io.micrometer.core.instrument.MeterRegistry;
import io.zunvx.model.Container;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The compute agent's port to one container runtime on its host.
 *
 * <p>Every method blocks until the runtime has answered, so callers run it on virtual threads or a worker pool, never
 * on an event loop. Failures are reported as {@link DriverException}; nothing else escapes except programming errors
 * such as a {@code null} argument.
 *
 * <p>Operations that commands can re-deliver are idempotent: creating a container that already exists under the same
 * uuid returns it, and asking for a state the container is already in (start of a running container, stop of a
 * stopped one, removal of a missing one) succeeds without doing anything.
 */
public interface ContainerDriver extends AutoCloseable {

    /** The host's resources, runtimes and container counts. */
    HostInfo info();

    /**
     * Makes the container's image available locally according to {@link Container#imagePullPolicy()}, pulling
     * anonymously; the same as {@code ensureImage(c.image(), c.imagePullPolicy(), null)}.
     *
     * @throws DriverException {@link DriverException.Kind#NOT_FOUND} when the image is missing under policy
     *                         {@code never}; otherwise the pull failure with the registry's message
     */
    default void ensureImage(Container c) {
        ensureImage(c.image(), c.imagePullPolicy(), null);
    }

    /**
     * Makes an image available locally according to a pull policy: {@code never} requires it to be present,
     * {@code ifnotpresent} (also the default for {@code null}) pulls it only when missing, {@code always} pulls it. A
     * reference without a tag means {@code :latest}.
     *
     * <p>Concurrent pulls of one reference by one principal share a single request to the runtime and its outcome.
     *
     * @param reference  the image reference, registry included when it is not the runtime's default
     * @param pullPolicy {@code always}, {@code ifnotpresent} or {@code never} (any case), {@code null} for
     *                   {@code ifnotpresent}
     * @param auth       credentials for the registry, {@code null} to pull anonymously
     * @return the local image afterwards
     * @throws DriverException {@link DriverException.Kind#BAD_REQUEST} for a malformed reference or an unknown policy,
     *                         {@link DriverException.Kind#NOT_FOUND} when the image is missing under policy
     *                         {@code never}; otherwise the pull failure with the registry's message
     */
    LocalImage ensureImage(String reference, String pullPolicy, RegistryAuth auth);

    /**
     * Makes a stored image archive available locally under {@code reference}: unless {@code reload} is asked for and
     * while the runtime holds the image {@code imageId} already, nothing is read; otherwise the archive is streamed
     * into the runtime. Then the image is tagged {@code reference} ({@code :latest} when it has no tag).
     *
     * <p>Concurrent loads of one image share a single load and its outcome.
     *
     * @param imageId   the runtime's id of the image the archive holds ({@code sha256:...})
     * @param reference the name the image gets, e.g. {@code store-image} or {@code team/app:v1}
     * @param reload    load the archive even when the image is present
     * @param archive   opens the archive (a {@code docker save} tar); the stream is read once and closed
     * @return the local image afterwards
     * @throws DriverException {@link DriverException.Kind#BAD_REQUEST} when the runtime rejects the archive or it does
     *                         not hold {@code imageId}, {@link DriverException.Kind#OTHER} when it cannot be read
     */
    LocalImage loadImage(String imageId, String reference, boolean reload, ArchiveSource archive);

    /** Opens the data of a stored image; called on the loading thread. */
    @FunctionalInterface
    interface ArchiveSource {
        InputStream open() throws IOException;
    }

    /** The local image a reference or id names, or empty when the runtime has none. */
    Optional<LocalImage> inspectImage(String referenceOrId);

    /**
     * Removes a local image name (the image itself once no name is left); succeeds without effect when there is
     * none.
     *
     * @param force remove it even when containers use it, instead of failing with
     *              {@link DriverException.Kind#CONFLICT}
     */
    void removeImage(String referenceOrId, boolean force);

    /**
     * The local image as a {@code docker save} tar archive, streamed from the runtime: the caller reads it to the end
     * and closes it.
     *
     * @throws DriverException {@link DriverException.Kind#NOT_FOUND} when there is no such image
     */
    InputStream saveImage(String reference);

    /**
     * Counts the image transfers this driver asks of the runtime, after de-duplication, in the counters
     * {@code zunvx.image.pulls} and {@code zunvx.image.loads} tagged with {@code host}. Called once by the agent that
     * owns the driver; until then nothing is counted.
     */
    default void countImageTransfers(MeterRegistry registry, String host) {
    }

    /**
     * Creates (without starting) the runtime container for {@code c}, named {@link Container#dockerName()} and labelled
     * with its uuid and {@code host}.
     *
     * <p>Idempotent: when a container of that name already exists and carries the same uuid label, its id is returned.
     *
     * @param host    the compute host name written into the {@link Container#LABEL_HOST} label
     * @param network the network mode or network name to attach it to, {@code null} for the runtime's default
     * @return the runtime's container id
     * @throws DriverException {@link DriverException.Kind#CONFLICT} when the name belongs to another container
     */
    String create(Container c, String host, String network);

    /**
     * {@link #create(Container, String, String)} with volumes mounted; a runtime without volume support refuses any.
     *
     * @param mounts the volumes to mount, by {@link VolumeDriver#mountName}
     */
    default String create(Container c, String host, String network, List<VolumeMount> mounts) {
        if (!mounts.isEmpty()) {
            throw new DriverException(DriverException.Kind.BAD_REQUEST, "this runtime does not mount volumes");
        }
        return create(c, host, network);
    }

    /** Starts the container; succeeds without effect when it is already running. */
    void start(String id);

    /**
     * Stops the container, killing it when it has not exited {@code timeoutSeconds} after the stop signal; succeeds
     * without effect when it is not running.
     */
    void stop(String id, int timeoutSeconds);

    /**
     * Sends a signal to the container's main process; succeeds without effect when it is not running.
     *
     * @param signalOrNull signal name or number such as {@code SIGTERM} or {@code 9}, {@code null} for {@code SIGKILL}
     */
    void kill(String id, String signalOrNull);

    /** Freezes every process of the container; succeeds without effect when it is already paused. */
    void pause(String id);

    /** Thaws a paused container; succeeds without effect when it is not paused. */
    void unpause(String id);

    /** Stops (as {@link #stop}) and starts the container again. */
    void restart(String id, int timeoutSeconds);

    /**
     * Removes the container and its anonymous volumes; succeeds without effect when it does not exist.
     *
     * @param force kill it first when it is running, instead of failing with {@link DriverException.Kind#CONFLICT}
     */
    void remove(String id, boolean force);

    /** The container's current state, or empty when the runtime has no container of that id or name. */
    Optional<Observed> inspect(String idOrName);

    /** Every container, running or not, labelled as created by {@code host}. */
    List<Observed> listManaged(String host);

    /**
     * The container's log as text: the selected streams interleaved in the order they were written, decoded as UTF-8.
     * Works for containers with and without a terminal.
     */
    String logs(String id, LogOptions options);

    /**
     * Runs a command inside the running container without a terminal and waits for it, with standard input closed.
     *
     * @param command the program and its arguments
     * @param timeout how long to wait for the command to finish
     * @throws DriverException {@link DriverException.Kind#TIMEOUT} when it has not finished in time (it keeps running),
     *                         {@link DriverException.Kind#CONFLICT} when the container is not running,
     *                         {@link DriverException.Kind#BAD_REQUEST} for an empty command
     */
    ExecResult execRun(String id, List<String> command, Duration timeout);

    /**
     * Creates, without starting it, an exec instance for an interactive session: standard input open and a
     * terminal allocated when {@code interactive}.
     *
     * @return the runtime's exec id (64 lowercase hex digits for Docker)
     */
    String execCreate(String id, List<String> command, boolean interactive);

    /**
     * Resizes the terminal of an exec instance of the container {@code id}.
     *
     * @throws DriverException {@link DriverException.Kind#NOT_FOUND} when there is no such exec instance in that
     *                         container
     */
    void execResize(String id, String execId, int height, int width);

    /**
     * Attaches to the main process of a running container: its standard input, output and error, live, without the
     * earlier log. Returns once the stream is open.
     *
     * <p>The runtime client reads {@code stdin} on its own thread until it ends ({@code -1}); ending it does not close
     * the process's input (Docker has no half-close), so the caller ends a session by closing the returned handle.
     * {@code output} receives the process's bytes in order on a runtime-client thread and may block to slow the stream
     * down. {@code onEnd} is called at most once, when the runtime ends the stream ({@code null}: the process ended)
     * or it fails, and not after the handle was closed.
     *
     * @return a handle whose {@code close()} detaches; the container keeps running
     * @throws DriverException {@link DriverException.Kind#NOT_FOUND} when there is no such container,
     *                         {@link DriverException.Kind#CONFLICT} when it cannot be attached to
     */
    Closeable attach(String id, InputStream stdin, Consumer<byte[]> output, Consumer<Throwable> onEnd);

    /**
     * Starts an exec instance made by {@link #execCreate} in the container {@code id} and streams it as
     * {@link #attach} does. Closing the returned handle ends the exec's process if it still runs (a terminal's hang-up:
     * the runtime itself keeps a process whose client went away).
     *
     * @throws DriverException {@link DriverException.Kind#NOT_FOUND} when there is no such exec instance in that
     *                         container, {@link DriverException.Kind#CONFLICT} when it has been started already
     */
    Closeable execStart(String id, String execId, InputStream stdin, Consumer<byte[]> output,
                        Consumer<Throwable> onEnd);

    /** Whether the exec instance's process still runs; {@code false} when there is no such exec instance. */
    boolean execRunning(String execId);

    /** Resizes the terminal of the container's main process. */
    void resize(String id, int height, int width);

    /**
     * The container's processes.
     *
     * @param psArgs arguments for {@code ps}, {@code null} for the runtime's default ({@code -ef})
     */
    ProcessList top(String id, String psArgs);

    /** One sample of the container's resource counters; takes a moment, as the runtime samples twice. */
    ResourceUsage stats(String id);

    /**
     * Copies a path out of the container as a tar archive.
     *
     * @param maxBytes the largest archive accepted
     * @throws DriverException {@link DriverException.Kind#NOT_FOUND} when the path does not exist,
     *                         {@link DriverException.Kind#BAD_REQUEST} when the archive is larger than {@code maxBytes}
     */
    Archive getArchive(String id, String path, long maxBytes);

    /**
     * Extracts a tar archive into a directory of the container.
     *
     * @throws DriverException {@link DriverException.Kind#NOT_FOUND} when the directory does not exist,
     *                         {@link DriverException.Kind#BAD_REQUEST} when it is no directory or the archive is bad
     */
    void putArchive(String id, String path, byte[] tar);

    /**
     * Changes the container's CPU and memory limits while it runs (or not).
     *
     * @param cpu       new vCPUs, {@code null} to keep
     * @param memoryMiB new memory limit in MiB, {@code null} to keep
     */
    void update(String id, Double cpu, Integer memoryMiB);

    /**
     * Commits the container's filesystem and configuration to a local image {@code repository:tag}.
     *
     * @param labels labels set on the image (an empty value blanks a label the container had)
     * @return the image's id, e.g. {@code sha256:...}
     */
    String commit(String id, String repository, String tag, Map<String, String> labels);

    /** The networks the container is connected to, without the built-in modes {@code none} and {@code host}. */
    List<NetworkAttachment> networks(String id);

    /**
     * Follows the runtime's container events for the containers labelled as created by {@code host}.
     *
     * <p>When this method returns, the subscription is established: every later event is delivered. Callbacks run on
     * a thread owned by the runtime client, one event at a time and in order; they must not block for long, and should
     * hand work to the caller's own executor or context. An exception thrown by {@code onEvent} is logged and does not end
     * the stream. {@code onError} is called at most once, when the stream fails or the runtime ends it, and no event
     * follows it; it is not called after the returned handle was closed.
     *
     * @return a handle whose {@code close()} ends the stream
     * @throws DriverException when the stream cannot be opened
     */
    AutoCloseable events(String host, Consumer<DockerEvent> onEvent, Consumer<Throwable> onError);

    /**
     * Creates a user-defined bridge network of that name unless it exists. Does nothing for the built-in modes
     * {@code none}, {@code host} and {@code bridge}.
     */
    void ensureNetwork(String name);

    /** Releases the connections to the runtime; streams opened by {@link #events} end. */
    @Override
    void close();
}
