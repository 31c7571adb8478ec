package io.zunvx.compute.driver;

import io.zunvx.model.Container;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * The containers of one runtime: their lifecycle, their state, the host's list of them, their logs, processes and
 * counters, and the runtime's stream of container events.
 *
 * <p>Every method blocks until the runtime has answered, so callers run it on virtual threads or a worker pool, never
 * on an event loop. Failures are reported as {@link DriverException}; nothing else escapes except programming errors
 * such as a {@code null} argument.
 *
 * <p>Operations that commands can re-deliver are idempotent: creating a container that already exists under the same
 * uuid returns it (the agent adopts it), and asking for a state the container is already in (start of a running
 * container, stop of a stopped one, removal of a missing one) succeeds without doing anything.
 */
public interface ContainerDriver {

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

    /**
     * Changes the container's CPU and memory limits while it runs (or not).
     *
     * @param cpu       new vCPUs, {@code null} to keep
     * @param memoryMiB new memory limit in MiB, {@code null} to keep
     */
    void update(String id, Double cpu, Integer memoryMiB);

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
     * The container's processes.
     *
     * @param psArgs arguments for {@code ps}, {@code null} for the runtime's default ({@code -ef})
     */
    ProcessList top(String id, String psArgs);

    /** One sample of the container's resource counters; takes a moment, as the runtime samples twice. */
    ResourceUsage stats(String id);

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
}
