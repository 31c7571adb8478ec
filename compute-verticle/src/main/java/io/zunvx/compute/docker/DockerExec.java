package io.zunvx.compute.docker;

import static io.zunvx.compute.docker.DockerErrors.call;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectExecResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.Frame;
import com.github.dockerjava.transport.DockerHttpClient;
import io.zunvx.compute.driver.Archive;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.DriverException.Kind;
import io.zunvx.compute.driver.ExecDriver;
import io.zunvx.compute.driver.ExecResult;
import io.zunvx.model.Container;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * {@link ExecDriver} for a Docker engine: commands run to the end or as sessions, attached terminals (a session whose
 * client went away has its process ended), and archives copied in and out.
 */
final class DockerExec implements ExecDriver {
    private static final Logger LOG = LoggerFactory.getLogger(DockerExec.class);

    private final URI dockerHost;
    private final Duration connectTimeout;
    private final DockerClient control;
    private final DockerClient lengthy;
    private final DockerClient streaming;
    /** For the few calls whose answer docker-java does not model fully (archive stat header). */
    private final DockerHttpClient raw;
    private final Clock clock;

    DockerExec(DockerClients clients) {
        this.dockerHost = clients.dockerHost();
        this.connectTimeout = clients.connectTimeout();
        this.control = clients.control();
        this.lengthy = clients.lengthy();
        this.streaming = clients.streaming();
        this.raw = clients.raw();
        this.clock = clients.clock();
    }

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
        InspectExecResponse exec = ownedExec(id, execId);
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
        return opened(new TerminalStream(stdin, output, onEnd, () -> { }), stream -> streaming.attachContainerCmd(id)
                .withStdIn(Objects.requireNonNull(stdin, "stdin"))
                .withStdOut(true)
                .withStdErr(true)
                .withFollowStream(true)
                .withLogs(false)
                .exec(stream));
    }

    /** Sends the request that opens {@code stream} and waits until the engine has opened it. */
    private Closeable opened(TerminalStream stream, Consumer<TerminalStream> request) {
        try {
            request.accept(stream);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        stream.awaitOpen(connectTimeout.plusSeconds(30));
        return stream::shutdown;
    }

    /** The exec instance, which must belong to the container {@code id} (either id may be the short form). */
    private InspectExecResponse ownedExec(String id, String execId) {
        InspectExecResponse exec = call(() -> control.inspectExecCmd(execId).exec());
        String owner = exec.getContainerID();
        if (owner == null || !owner.startsWith(id) && !id.startsWith(owner)) {
            throw new DriverException(Kind.NOT_FOUND, "No such exec instance: " + execId);
        }
        return exec;
    }

    @Override
    public Closeable execStart(String id, String execId, InputStream stdin, Consumer<byte[]> output,
                               Consumer<Throwable> onEnd) {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(execId, "execId");
        InspectExecResponse exec = ownedExec(id, execId);
        if (Boolean.TRUE.equals(exec.isRunning())) {
            throw new DriverException(Kind.CONFLICT, "Exec instance " + execId + " is already running");
        }
        boolean tty = exec.getProcessConfig() != null && Boolean.TRUE.equals(exec.getProcessConfig().isTty());
        return opened(new TerminalStream(stdin, output, onEnd, () -> hangUp(execId)),
                stream -> streaming.execStartCmd(execId)
                        .withDetach(false)
                        .withTty(tty)
                        .withStdIn(Objects.requireNonNull(stdin, "stdin"))
                        .exec(stream));
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
     * One attached terminal or exec stream as a callback, on docker-java's stream thread. {@link #onStart} comes when
     * the engine has switched the connection to the raw stream.
     */
    private static final class TerminalStream extends OpeningStream<Frame> {
        private final InputStream stdin;
        private final Consumer<byte[]> output;
        private final Consumer<Throwable> onEnd;
        private final Runnable afterShutdown;
        private final AtomicBoolean finished = new AtomicBoolean();

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
            throw DockerErrors.translate(new UncheckedIOException(e));
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
            var node = new ObjectMapper().readTree(Base64.getDecoder().decode(header));
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

}
