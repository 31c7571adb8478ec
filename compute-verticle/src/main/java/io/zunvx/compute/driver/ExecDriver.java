package io.zunvx.compute.driver;

import java.io.Closeable;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;

/**
 * Interactive I/O with running containers: commands run inside them (to the end, or as interactive sessions), the main
 * process's terminal (attach, resize), and files copied in and out as tar archives.
 *
 * <p>Every method blocks until the runtime has answered (streams: until they are open); failures are reported as
 * {@link DriverException}.
 */
public interface ExecDriver {

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
}
