package io.zunvx.wsproxy;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.ServerWebSocket;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketBase;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.net.HostAndPort;
import io.vertx.core.streams.WriteStream;
import io.zunvx.model.Status;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.auth.TokenService;
import io.zunvx.platform.config.ZunvxConfig;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The public WebSocket endpoint of {@code zun attach}, {@code zun run -i} and {@code zun exec --interactive}. An
 * upgrade at {@code /?token=..&uuid=..[&exec_id=..]} is checked before it is accepted: the {@code Origin} (when sent)
 * must name the host the client connected to or an allowed one; the token must be known, unexpired, unused and bound
 * to that container (and exec instance), and is spent by the check; the container must be running, and interactive
 * for attach. Then the proxy opens a WebSocket to the compute agent of the container's host, with a platform service
 * token, accepts the client with subprotocol {@code binary}, and pipes raw bytes both ways with back-pressure. A refusal
 * answers the upgrade with a 4xx (5xx when the agent cannot be reached) and attaches nothing.
 *
 * <p>Nothing outlives a connection here but the open sockets, so any proxy instance can serve any session.
 */
public final class ProxyVerticle extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyVerticle.class);
    private static final String SUBPROTOCOL = "binary";

    private final ZunvxConfig.Proxy config;
    private final Grants grants;
    private final Sessions sessions;
    private final TokenService tokens;
    private final Clock clock;
    private WebSocketClient agents;
    private HttpServer server;
    private volatile TokenService.Token serviceToken;

    /** Built by {@link WsProxyComponents#verticle()}. */
    ProxyVerticle(ZunvxConfig.Proxy config, Grants grants, Sessions sessions, TokenService tokens, Clock clock) {
        this.config = config;
        this.grants = grants;
        this.sessions = sessions;
        this.tokens = tokens;
        this.clock = clock;
    }

    @Override
    public Future<?> start() {
        agents = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(5000)
                .setMaxFrameSize(1024 * 1024));
        server = vertx.createHttpServer(new HttpServerOptions()
                        .setWebSocketSubProtocols(List.of(SUBPROTOCOL))
                        .setMaxWebSocketFrameSize(1024 * 1024))
                .webSocketHandshakeHandler(this::handshake)
                // The accepted socket is handled where the handshake was checked; here it only waits, paused.
                .webSocketHandler(WebSocketBase::pause)
                .requestHandler(req -> req.response().setStatusCode(426).putHeader("Upgrade", "websocket")
                        .end("This endpoint takes WebSocket connections only.\n"));
        int port = config.port();
        return server.listen(port).onSuccess(s -> LOG.info("WebSocket proxy listening on {}", s.actualPort()));
    }

    @Override
    public Future<?> stop() {
        return Future.join(server == null ? Future.succeededFuture() : server.close(),
                agents == null ? Future.succeededFuture() : agents.close());
    }

    /** The port the proxy listens on (the configured one, or the one chosen for port 0). */
    public int actualPort() {
        return server.actualPort();
    }

    private void handshake(ServerWebSocketHandshake hs) {
        Map<String, String> q = query(hs.query());
        String execId = q.get("exec_id");
        String what = (execId == null ? "attach " : "exec " + execId + " of ") + q.get("uuid") + " from "
                + hs.remoteAddress();
        String originProblem = originProblem(hs.headers().get("Origin"), hs.authority());
        if (originProblem != null) {
            refuse(hs, what, 403, originProblem);
            return;
        }
        grants.redeem(q.get("token"), q.get("uuid"), execId)
                .compose(this::admissible)
                .compose(grant -> {
                    if (!sessions.take(grant.userId())) {
                        return Future.failedFuture(new Grants.Refused(429, "user " + grant.userId() + " already has "
                                + sessions.maxPerUser() + " open sessions (ZUNVX_WSPROXY_MAX_SESSIONS_PER_USER)"));
                    }
                    return connectAgent(grant)
                            .onFailure(err -> sessions.release(grant.userId()))
                            .map(agent -> Map.entry(grant, agent));
                })
                .onSuccess(pair -> accept(hs, what, pair.getKey().userId(), pair.getValue()))
                .onFailure(err -> {
                    if (err instanceof Grants.Refused r) {
                        refuse(hs, what, r.status, r.getMessage());
                    } else {
                        LOG.warn("{}: {}", what, err.toString());
                        refuse(hs, what, 502, "the compute agent could not be reached");
                    }
                });
    }

    private Future<Grants.Grant> admissible(Grants.Grant g) {
        if (!Status.RUNNING.wire().equals(g.status())) {
            return Future.failedFuture(new Grants.Refused(409, "container is not running"));
        }
        if (g.execId() == null && !g.interactive()) {
            return Future.failedFuture(new Grants.Refused(409, "container is not interactive"));
        }
        if (g.host() == null || g.endpoint() == null) {
            return Future.failedFuture(new Grants.Refused(503, "the container's host has no internal endpoint"));
        }
        return Future.succeededFuture(g);
    }

    private Future<WebSocket> connectAgent(Grants.Grant g) {
        String base = g.endpoint().replaceFirst("^http", "ws");
        String path = "/internal/v1/containers/" + g.container()
                + (g.execId() == null ? "/attach" : "/exec/" + g.execId());
        return agents.connect(new WebSocketConnectOptions().setAbsoluteURI(base + path)
                .putHeader("Authorization", "Bearer " + serviceToken()));
    }

    private void accept(ServerWebSocketHandshake hs, String what, String user, WebSocket agent) {
        agent.pause();
        hs.accept().onSuccess(client -> {
            LOG.info("{}: session open", what);
            bridge(client, agent, what, () -> sessions.release(user));
        }).onFailure(err -> {
            LOG.info("{}: handshake failed: {}", what, err.toString());
            sessions.release(user);
            agent.close();
        });
    }

    /**
     * Pipes each side into the other. When one side closes, the other is closed with its code and reason (1000 when
     * the container's process ended), so a client sees why its session ended. A session that carries no data either
     * way for {@code ZUNVX_WSPROXY_IDLE_TIMEOUT} is closed: the client gets {@value #IDLE_CODE} and a reason saying
     * so. {@code ended} runs once, when both sides are closed.
     */
    private void bridge(ServerWebSocket client, WebSocket agent, String what, Runnable ended) {
        long idleMillis = config.idleTimeout().toMillis();
        AtomicLong last = new AtomicLong(System.nanoTime());
        Runnable touch = () -> last.set(System.nanoTime());
        long timer = vertx.setPeriodic(Math.max(50, Math.min(1000, idleMillis / 4)), id -> {
            if (TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - last.get()) >= idleMillis && !client.isClosed()) {
                LOG.info("{}: idle for {}, closing", what, config.idleTimeout());
                client.close(IDLE_CODE, "idle timeout: no data for " + config.idleTimeout().toSeconds() + "s");
                agent.close((short) 1000, "client idle");
            }
        });
        AtomicInteger open = new AtomicInteger(2);
        Runnable sideDone = () -> {
            if (open.decrementAndGet() == 0) {
                vertx.cancelTimer(timer);
                ended.run();
            }
        };
        client.pipe().endOnComplete(false).endOnFailure(false).to(new Touching(agent, touch))
                .onComplete(ar -> {
                    closeWith(agent, client);
                    sideDone.run();
                });
        agent.pipe().endOnComplete(false).endOnFailure(false).to(new Touching(client, touch))
                .onComplete(ar -> {
                    closeWith(client, agent);
                    sideDone.run();
                });
    }

    /** Close code of a session closed for idling (the "going away" of RFC 6455). */
    static final short IDLE_CODE = 1001;

    /** A socket written to through a pipe, noting each write as activity. */
    private record Touching(WebSocketBase target, Runnable touch) implements WriteStream<Buffer> {
        @Override
        public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
            target.exceptionHandler(handler);
            return this;
        }

        @Override
        public Future<Void> write(Buffer data) {
            touch.run();
            return target.write(data);
        }

        @Override
        public Future<Void> end() {
            return target.end();
        }

        @Override
        public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
            target.setWriteQueueMaxSize(maxSize);
            return this;
        }

        @Override
        public boolean writeQueueFull() {
            return target.writeQueueFull();
        }

        @Override
        public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
            target.drainHandler(handler);
            return this;
        }
    }

    private static void closeWith(WebSocketBase target, WebSocketBase ended) {
        if (target.isClosed()) {
            return;
        }
        Short code = ended.closeStatusCode();
        boolean sendable = code != null && code != 1005 && code != 1006 && code != 1015;
        target.close(sendable ? code : (short) 1000, ended.closeReason() == null ? "" : ended.closeReason());
    }

    private void refuse(ServerWebSocketHandshake hs, String what, int status, String reason) {
        LOG.info("{}: refused ({} {})", what, status, reason);
        hs.reject(status);
    }

    /**
     * {@code null} when the Origin is acceptable: absent (not a browser), or naming the host the client connected to
     * or one of {@code ZUNVX_WSPROXY_ALLOWED_ORIGINS}, with the scheme matching the proxy's ({@code https} for
     * {@code wss}).
     */
    String originProblem(String origin, HostAndPort authority) {
        if (origin == null) {
            return null;
        }
        URI uri;
        try {
            uri = URI.create(origin.trim());
        } catch (IllegalArgumentException e) {
            return "malformed Origin";
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        String expected = config.baseUrl().toLowerCase(Locale.ROOT).startsWith("wss:")
                ? "https" : "http";
        if (!scheme.equals(expected)) {
            return "Origin scheme " + scheme + " is not " + expected;
        }
        String host = uri.getHost() == null ? null : uri.getHost().toLowerCase(Locale.ROOT);
        if (host == null) {
            return "malformed Origin";
        }
        String own = authority == null || authority.host() == null ? null
                : authority.host().toLowerCase(Locale.ROOT).replaceAll("^\\[|]$", "");
        if (host.replaceAll("^\\[|]$", "").equals(own) || config.allowedOrigins().contains(host)) {
            return null;
        }
        return "Origin " + host + " is not allowed";
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> out = new HashMap<>();
        if (raw == null) {
            return out;
        }
        for (String pair : raw.split("&")) {
            int eq = pair.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
            out.putIfAbsent(k, v);
        }
        return out;
    }

    private String serviceToken() {
        TokenService.Token t = serviceToken;
        if (t == null || t.expiresAt().minusSeconds(60).isBefore(clock.instant())) {
            t = tokens.issue(new Identity("zunvx-wsproxy", "zunvx-wsproxy", "service", "service",
                    List.of("service"), null));
            serviceToken = t;
        }
        return t.value();
    }
}
