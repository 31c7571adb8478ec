package io.zunvx.compute.internal;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.zunvx.compute.driver.ExecDriver;
import io.zunvx.platform.concurrent.Blocking;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The agent's side of attach and interactive exec: a WebSocket from the proxy bridged to the runtime's stream of the
 * container's terminal or of an exec instance. Binary (or text) frames go to the process's standard input as raw bytes;
 * its output comes back as binary frames. Either side closing ends the other: the client going away detaches (and ends
 * an exec's process), the process ending closes the WebSocket with 1000.
 *
 * <p>Back-pressure both ways: keystrokes waiting for the runtime beyond {@link #INPUT_HIGH_WATER} pause the WebSocket;
 * output not yet written to the WebSocket beyond {@link #OUTPUT_WINDOW} holds the runtime's stream thread.
 */
final class TerminalSessions {
    static final String GAUGE = "zunvx.compute.terminal.sessions";
    private static final Logger LOG = LoggerFactory.getLogger(TerminalSessions.class);
    private static final long INPUT_HIGH_WATER = 64 * 1024;
    private static final int OUTPUT_WINDOW = 256 * 1024;

    /** Opens the runtime's stream; called on a virtual thread. */
    @FunctionalInterface
    interface Opener {
        Closeable open(InputStream stdin, Consumer<byte[]> output, Consumer<Throwable> onEnd);
    }

    private final Context context;
    private final ExecDriver driver;
    private final Blocking blocking;
    private final Set<Session> open = ConcurrentHashMap.newKeySet();
    private final Gauge gauge;
    private final MeterRegistry registry;

    TerminalSessions(Context context, ExecDriver driver, Blocking blocking, String host, MeterRegistry registry) {
        this.context = context;
        this.driver = driver;
        this.blocking = blocking;
        this.registry = registry;
        this.gauge = registry == null ? null : Gauge.builder(GAUGE, open, Set::size)
                .description("Open attach and exec sessions of this compute agent")
                .tag("host", host)
                .register(registry);
    }

    void attach(ServerWebSocketHandshake hs, String containerId) {
        accept(hs, "attach " + containerId, (in, out, end) -> driver.attach(containerId, in, out, end));
    }

    void exec(ServerWebSocketHandshake hs, String containerId, String execId) {
        accept(hs, "exec " + execId, (in, out, end) -> driver.execStart(containerId, execId, in, out, end));
    }

    int active() {
        return open.size();
    }

    private void accept(ServerWebSocketHandshake hs, String what, Opener opener) {
        hs.accept()
                .onSuccess(ws -> new Session(ws, what).start(opener))
                .onFailure(err -> LOG.warn("{}: WebSocket handshake failed: {}", what, err.toString()));
    }

    /** Closes every open session (the agent is stopping). */
    Future<Void> close() {
        open.forEach(s -> s.end((short) 1001, "the compute agent is stopping"));
        if (gauge != null) {
            registry.remove(gauge);
        }
        return Future.succeededFuture();
    }

    private final class Session {
        private final ServerWebSocket ws;
        private final String what;
        private final TerminalInput input;
        private final Semaphore outputWindow = new Semaphore(OUTPUT_WINDOW);
        private final AtomicBoolean ended = new AtomicBoolean();
        private volatile Closeable stream;

        Session(ServerWebSocket ws, String what) {
            this.ws = ws;
            this.what = what;
            this.input = new TerminalInput(INPUT_HIGH_WATER, () -> context.runOnContext(v -> ws.resume()));
        }

        void start(Opener opener) {
            open.add(this);
            ws.handler(frame -> {
                if (!input.offer(frame.getBytes())) {
                    ws.pause();
                }
            });
            ws.closeHandler(v -> end((short) 1000, "client closed"));
            ws.exceptionHandler(err -> end((short) 1011, "WebSocket failed: " + err.getMessage()));
            blocking.run(context, () -> opener.open(input, this::output, this::streamEnded)).onComplete(ar -> {
                if (ar.failed()) {
                    LOG.info("{}: could not open the runtime stream: {}", what, ar.cause().getMessage());
                    end((short) 1011, "could not open the session: " + ar.cause().getMessage());
                } else if (ended.get()) {
                    release(ar.result());
                } else {
                    stream = ar.result();
                }
            });
        }

        /** Output from the runtime, on its stream thread: written in order on the context, within the window. */
        private void output(byte[] bytes) {
            if (ended.get()) {
                return;
            }
            int permits = Math.min(bytes.length, OUTPUT_WINDOW);
            outputWindow.acquireUninterruptibly(permits);
            if (ended.get()) {
                return;
            }
            Buffer buffer = Buffer.buffer(bytes);
            context.runOnContext(v -> {
                if (ended.get() || ws.isClosed()) {
                    outputWindow.release(permits);
                    return;
                }
                ws.writeBinaryMessage(buffer).onComplete(ar -> outputWindow.release(permits));
            });
        }

        private void streamEnded(Throwable failure) {
            context.runOnContext(v -> {
                if (failure == null) {
                    end((short) 1000, "session ended");
                } else {
                    end((short) 1011, "runtime stream failed: " + failure.getMessage());
                }
            });
        }

        /** Ends the session once, from whichever side ended first; runs on the context. */
        void end(short code, String reason) {
            if (!ended.compareAndSet(false, true)) {
                return;
            }
            open.remove(this);
            input.close();
            // Wakes a runtime thread waiting for room in the window; it sees the session ended.
            outputWindow.release(OUTPUT_WINDOW);
            Closeable s = stream;
            if (s != null) {
                release(s);
            }
            if (!ws.isClosed()) {
                // Output already queued goes out before the close frame.
                ws.close(code, truncate(reason));
            }
        }

        private void release(Closeable s) {
            blocking.run(context, () -> {
                s.close();
                return null;
            }).onFailure(err -> LOG.warn("{}: closing the runtime stream failed: {}", what, err.toString()));
        }
    }

    /** A close reason must fit in a control frame (123 bytes of UTF-8). */
    static String truncate(String reason) {
        String r = reason == null ? "" : reason;
        while (r.getBytes(StandardCharsets.UTF_8).length > 123) {
            r = r.substring(0, r.length() - 1);
        }
        return r;
    }
}
