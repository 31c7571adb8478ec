package io.zunvx.compute.internal;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.ServerWebSocketHandshake;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.zunvx.compute.agent.LiveResize;
import io.zunvx.compute.agent.NetworkManager;
import io.zunvx.compute.driver.Archive;
import io.zunvx.compute.driver.ContainerDriver;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.ExecDriver;
import io.zunvx.compute.driver.LogOptions;
import io.zunvx.compute.driver.NetworkAttachment;
import io.zunvx.compute.driver.NetworkDriver;
import io.zunvx.compute.driver.ProcessList;
import io.zunvx.compute.driver.ResourceUsage;
import io.zunvx.model.Container;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.app.Runtimes;
import io.zunvx.platform.auth.TokenService;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.http.FailureHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The agent's internal HTTP endpoint for synchronous calls from the API, the way an API server talks to a kubelet:
 * logs, exec, terminal resizes, top, stats, archives, live resource updates and the container's networks; and the
 * WebSocket streams of attach and interactive exec for the proxy ({@code GET .../attach}, {@code GET .../exec/{id}},
 * see {@link TerminalSessions}). Only
 * callers with a platform service token get in. Paths are under {@code /internal/v1/containers/{uuid}}; answers are
 * JSON in runtime-neutral terms (the API shapes Zun's responses), failures are Zun error bodies.
 *
 * <p>The caller has checked the container's state; this side checks only that the container lives on this host and
 * has a runtime container.
 */
public final class InternalEndpoint {
    /** Largest archive copied out of or into a container through this endpoint. */
    public static final long MAX_ARCHIVE_BYTES = 64L * 1024 * 1024;
    private static final String BASE = "/internal/v1/containers/:uuid";

    private final Vertx vertx;
    private final Context context;
    private final ContainerDriver containers;
    private final ExecDriver exec;
    private final NetworkDriver networks;
    private final Blocking blocking;
    private final ContainerStore store;
    private final TokenService tokens;
    private final String host;
    private final LiveResize resize;
    private final Duration execTimeout;
    private final TerminalSessions sessions;
    private final NetworkManager projectNetworks;
    private final long logsMaxBytes;
    private HttpServer server;

    /**
     * @param execTimeout how long a command run without a terminal may take before the call answers 409 (Zun's
     *                    {@code [docker] execute_timeout})
     */
    public InternalEndpoint(Vertx vertx, Context context, ContainerDriver containers, ExecDriver exec,
                            NetworkDriver networks, Blocking blocking, ContainerStore store, TokenService tokens, String host, LiveResize resize,
                            Duration execTimeout) {
        this(vertx, context, containers, exec, networks, blocking, store, tokens, host, resize, execTimeout, null);
    }

    /**
     * As above, also connecting containers to their project networks and disconnecting them ({@code projectNetworks}
     * may be null: no such routes).
     */
    public InternalEndpoint(Vertx vertx, Context context, ContainerDriver containers, ExecDriver exec,
                            NetworkDriver networks, Blocking blocking, ContainerStore store, TokenService tokens,
                            String host, LiveResize resize, Duration execTimeout,
                            NetworkManager projectNetworks) {
        this(vertx, context, containers, exec, networks, blocking, store, tokens, host, resize, execTimeout,
                projectNetworks, ZunvxConfig.Compute.DEFAULT_LOGS_MAX_BYTES);
    }

    /**
     * As above, with the cap of a {@code logs} answer ({@code ZUNVX_LOGS_MAX_BYTES}): the log's last bytes are kept
     * after a marker line.
     */
    public InternalEndpoint(Vertx vertx, Context context, ContainerDriver containers, ExecDriver exec,
                            NetworkDriver networks, Blocking blocking, ContainerStore store, TokenService tokens,
                            String host, LiveResize resize, Duration execTimeout,
                            NetworkManager projectNetworks, long logsMaxBytes) {
        this.logsMaxBytes = logsMaxBytes;
        this.projectNetworks = projectNetworks;
        this.vertx = vertx;
        this.context = context;
        this.containers = containers;
        this.exec = exec;
        this.networks = networks;
        this.blocking = blocking;
        this.store = store;
        this.tokens = tokens;
        this.host = host;
        this.resize = resize;
        this.execTimeout = execTimeout;
        this.sessions = new TerminalSessions(context, exec, blocking, host, Runtimes.registry());
    }

    public Future<HttpServer> listen(String bindHost, int port) {
        Router router = Router.router(vertx);
        router.route("/internal/*").handler(this::authenticate);
        router.route("/internal/*").handler(BodyHandler.create(false).setBodyLimit(MAX_ARCHIVE_BYTES + 1024));
        router.get(BASE + "/logs").handler(this::logs);
        router.post(BASE + "/exec").handler(this::exec);
        router.post(BASE + "/exec/:exec/resize").handler(this::execResize);
        router.post(BASE + "/resize").handler(this::resize);
        router.get(BASE + "/top").handler(this::top);
        router.get(BASE + "/stats").handler(this::stats);
        router.get(BASE + "/archive").handler(this::getArchive);
        router.put(BASE + "/archive").handler(this::putArchive);
        router.post(BASE + "/update").handler(this::update);
        router.get(BASE + "/networks").handler(this::networks);
        if (projectNetworks != null) {
            router.post(BASE + "/networks/attach").handler(this::attachNetwork);
            router.post(BASE + "/networks/detach").handler(this::detachNetwork);
        }
        router.route().failureHandler(new FailureHandler());
        return vertx.createHttpServer()
                .requestHandler(router)
                .webSocketHandshakeHandler(this::handshake)
                .listen(port, bindHost).onSuccess(s -> server = s);
    }

    private static final Pattern SESSION_PATH = Pattern.compile(
            "/internal/v1/containers/([^/]+)/(attach|exec/([0-9A-Za-z]+))");

    /**
     * WebSocket upgrades, the streams of attach ({@code .../attach}) and interactive exec ({@code .../exec/{id}}):
     * checked (service token, path, container on this host) before the handshake is accepted, and refused with the
     * HTTP status a plain call would get.
     */
    private void handshake(ServerWebSocketHandshake hs) {
        Matcher m = SESSION_PATH.matcher(hs.path());
        if (!m.matches()) {
            hs.reject(404);
            return;
        }
        String h = hs.headers().get("Authorization");
        String token = h != null && h.startsWith("Bearer ") ? h.substring(7) : null;
        tokens.verify(token)
                .compose(who -> who.roles().contains("service") ? Future.succeededFuture()
                        : Future.failedFuture(new ZunException(403, "policy-not-authorized",
                                "Only platform services may call here.")))
                .compose(v -> container(m.group(1)))
                .onSuccess(c -> {
                    if (m.group(3) == null) {
                        sessions.attach(hs, c.containerId());
                    } else {
                        sessions.exec(hs, c.containerId(), m.group(3));
                    }
                })
                .onFailure(err -> hs.reject(err instanceof ZunException z ? z.status() : 500));
    }

    private void authenticate(RoutingContext ctx) {
        String h = ctx.request().getHeader("Authorization");
        String token = h != null && h.startsWith("Bearer ") ? h.substring(7) : null;
        tokens.verify(token).onSuccess(who -> {
            if (who.roles().contains("service")) {
                ctx.next();
            } else {
                ctx.fail(new ZunException(403, "policy-not-authorized", "Only platform services may call here."));
            }
        }).onFailure(ctx::fail);
    }

    // ---- handlers -------------------------------------------------------------------------------------------------

    private void logs(RoutingContext ctx) {
        var q = ctx.queryParams();
        LogOptions options = new LogOptions(!"false".equals(q.get("stdout")), !"false".equals(q.get("stderr")),
                "true".equals(q.get("timestamps")), q.get("tail") == null ? "all" : q.get("tail"),
                q.get("since") == null ? null : Long.valueOf(q.get("since")), logsMaxBytes);
        container(ctx).compose(c -> docker(() -> containers.logs(c.containerId(), options), Gone.CONFLICT))
                .onSuccess(text -> ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(text))
                .onFailure(ctx::fail);
    }

    /**
     * Body {@code {"command": [...], "command_text": "...", "run": bool, "interactive": bool}}. With {@code run} the
     * command runs to its end: {@code {"output", "exit_code", "exec_id": null}}; without, an exec instance is only
     * created, for the WebSocket proxy to start: {@code {"output": null, "exit_code": null, "exec_id"}}.
     */
    private void exec(RoutingContext ctx) {
        JsonObject body = body(ctx);
        List<String> command = strings(body.getJsonArray("command"));
        boolean run = body.getBoolean("run", true);
        boolean interactive = body.getBoolean("interactive", false);
        String text = body.getString("command_text", String.join(" ", command));
        respond(ctx, container(ctx).compose(c -> {
            if (run) {
                return docker(() -> exec.execRun(c.containerId(), command, execTimeout), Gone.CONFLICT)
                        .map(r -> new JsonObject().put("output", r.output()).put("exit_code", r.exitCode())
                                .putNull("exec_id"))
                        .recover(err -> err instanceof ZunException z && "exec-timeout".equals(z.code())
                                ? Future.failedFuture(ZunException.conflict("Timeout on executing command: " + text))
                                : Future.failedFuture(err));
            }
            return docker(() -> exec.execCreate(c.containerId(), command, interactive), Gone.CONFLICT)
                    .map(id -> new JsonObject().putNull("output").putNull("exit_code").put("exec_id", id));
        }));
    }

    private void execResize(RoutingContext ctx) {
        String execId = ctx.pathParam("exec");
        int h = positive(ctx, "h");
        int w = positive(ctx, "w");
        respond(ctx, container(ctx).compose(c -> docker(() -> {
            exec.execResize(c.containerId(), execId, h, w);
            return new JsonObject();
        }, Gone.INVALID).recover(err -> err instanceof ZunException z && z.status() == 400
                ? Future.failedFuture(ZunException.invalid("no such exec instance: " + z.getMessage()))
                : Future.failedFuture(err))));
    }

    private void resize(RoutingContext ctx) {
        int h = positive(ctx, "h");
        int w = positive(ctx, "w");
        respond(ctx, container(ctx).compose(c -> docker(() -> {
            exec.resize(c.containerId(), h, w);
            return new JsonObject();
        }, Gone.CONFLICT)));
    }

    /** {@code {"Titles": [...], "Processes": [[...], ...]}}, Docker's shape, which is also Zun's. */
    private void top(RoutingContext ctx) {
        String psArgs = ctx.queryParams().get("ps_args");
        respond(ctx, container(ctx).compose(c -> docker(() -> containers.top(c.containerId(), psArgs), Gone.CONFLICT))
                .map(InternalEndpoint::processes));
    }

    private static JsonObject processes(ProcessList p) {
        JsonArray rows = new JsonArray();
        p.processes().forEach(row -> rows.add(new JsonArray(new ArrayList<>(row))));
        return new JsonObject().put("Titles", new JsonArray(new ArrayList<>(p.titles()))).put("Processes", rows);
    }

    /** The raw counters of one sample: {@code cpu_total, system_cpu, memory_usage, memory_limit, block_read, ...}. */
    private void stats(RoutingContext ctx) {
        respond(ctx, container(ctx).compose(c -> docker(() -> containers.stats(c.containerId()), Gone.CONFLICT))
                .map(InternalEndpoint::usage));
    }

    private static JsonObject usage(ResourceUsage u) {
        return new JsonObject()
                .put("cpu_total", u.cpuTotalNanos())
                .put("system_cpu", u.systemCpuNanos())
                .put("memory_usage", u.memoryUsageBytes())
                .put("memory_limit", u.memoryLimitBytes())
                .put("block_read", u.blockReadBytes())
                .put("block_write", u.blockWriteBytes())
                .put("net_rx", u.netRxBytes())
                .put("net_tx", u.netTxBytes());
    }

    /** {@code {"data": <Base64 tar>, "stat": {"name", "size", "mode", "mtime", "linkTarget"}}}. */
    private void getArchive(RoutingContext ctx) {
        String path = required(ctx, "path");
        respond(ctx, container(ctx)
                .compose(c -> docker(() -> exec.getArchive(c.containerId(), path, MAX_ARCHIVE_BYTES), Gone.INVALID))
                .map(InternalEndpoint::archive));
    }

    private static JsonObject archive(Archive a) {
        Archive.Stat s = a.stat();
        return new JsonObject()
                .put("data", Base64.getEncoder().encodeToString(a.tar()))
                .put("stat", new JsonObject().put("name", s.name()).put("size", s.size()).put("mode", s.mode())
                        .put("mtime", s.mtime()).put("linkTarget", s.linkTarget()));
    }

    /** The body is the tar archive itself. */
    private void putArchive(RoutingContext ctx) {
        String path = required(ctx, "path");
        Buffer tar = ctx.body() == null ? null : ctx.body().buffer();
        byte[] bytes = tar == null ? new byte[0] : tar.getBytes();
        respond(ctx, container(ctx).compose(c -> docker(() -> {
            exec.putArchive(c.containerId(), path, bytes);
            return new JsonObject();
        }, Gone.INVALID)));
    }

    /**
     * Body {@code {"cpu"?, "memory"?, "previous_cpu", "previous_memory"?, "claimed"}}: the new limits, and the values
     * and claim state the caller's (locked) row holds, from which the host's claim moves.
     */
    private void update(RoutingContext ctx) {
        JsonObject body = body(ctx);
        Double cpu = body.getDouble("cpu");
        Integer memory = body.getInteger("memory");
        double previousCpu = body.getDouble("previous_cpu", 0.0);
        Integer previousMemory = body.getInteger("previous_memory");
        boolean claimed = body.getBoolean("claimed", false);
        respond(ctx, container(ctx).compose(c -> resize.apply(c.containerId(), cpu, memory, previousCpu,
                        previousMemory, claimed)
                .recover(err -> Future.failedFuture(translate(err, Gone.CONFLICT)))
                .map(v -> new JsonObject())));
    }

    /** {@code {"networks": [{"name", "network_id", "endpoint_id", "ipv4", "ipv6"}]}}. */
    private void networks(RoutingContext ctx) {
        respond(ctx, container(ctx).compose(c -> docker(() -> networks.networks(c.containerId()), Gone.CONFLICT))
                .map(list -> {
                    JsonArray out = new JsonArray();
                    for (NetworkAttachment n : list) {
                        out.add(new JsonObject().put("name", n.name()).put("network_id", n.networkId())
                                .put("endpoint_id", n.endpointId()).put("ipv4", n.ipv4()).put("ipv6", n.ipv6()));
                    }
                    return new JsonObject().put("networks", out);
                }));
    }

    /** {@code {"port": uuid}}: connects the container to that port's network at its address. */
    private void attachNetwork(RoutingContext ctx) {
        UUID port = UUID.fromString(ctx.body().asJsonObject().getString("port"));
        respond(ctx, container(ctx).compose(c -> projectNetworks.port(port).compose(p -> projectNetworks.attach(c,
                        c.containerId(), p)))
                .recover(err -> Future.failedFuture(translate(err, Gone.INVALID)))
                .map(v -> new JsonObject()));
    }

    /** {@code {"network": uuid}}: disconnects the container from that network. */
    private void detachNetwork(RoutingContext ctx) {
        UUID network = UUID.fromString(ctx.body().asJsonObject().getString("network"));
        respond(ctx, container(ctx).compose(c -> projectNetworks.detach(c.containerId(), network))
                .recover(err -> Future.failedFuture(translate(err, Gone.INVALID)))
                .map(v -> new JsonObject()));
    }

    // ---- shared ---------------------------------------------------------------------------------------------------

    /** The container of the path, if it lives on this host and has a runtime container; else 404. */
    private Future<Container> container(RoutingContext ctx) {
        return container(ctx.pathParam("uuid"));
    }

    private Future<Container> container(String raw) {
        UUID uuid;
        try {
            uuid = UUID.fromString(raw);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(ZunException.containerNotFound(raw));
        }
        return store.find(uuid).compose(found -> {
            if (found.isEmpty() || !host.equals(found.get().host()) || found.get().containerId() == null) {
                return Future.failedFuture(ZunException.containerNotFound(uuid.toString()));
            }
            return Future.succeededFuture(found.get());
        });
    }

    /** What a runtime "not found" means for a call: the container vanished (409) or the argument is wrong (400). */
    private enum Gone { CONFLICT, INVALID }

    /** Runs a driver call on a virtual thread; its failures become Zun errors. */
    private <T> Future<T> docker(Callable<T> call, Gone gone) {
        return blocking.run(context, call).recover(err -> Future.failedFuture(translate(err, gone)));
    }

    /**
     * Zun's answers to Docker failures: a conflict (not running, paused) is 409; a missing path or exec instance is
     * 400; a container Docker no longer has is 409 (the sync loop records it); a runtime that is away is 503; an exec
     * that outlives its time is 409. Anything else stays an internal error.
     */
    private static Throwable translate(Throwable err, Gone gone) {
        if (!(err instanceof DriverException d)) {
            return err;
        }
        return switch (d.kind()) {
            case NOT_FOUND -> gone == Gone.INVALID ? ZunException.invalid(d.getMessage())
                    : ZunException.conflict(d.getMessage());
            case CONFLICT -> ZunException.conflict(d.getMessage());
            case BAD_REQUEST -> ZunException.invalid(d.getMessage());
            case TIMEOUT -> new ZunException(409, "exec-timeout", d.getMessage());
            case UNAVAILABLE -> ZunException.unavailable(d.getMessage(), d);
            case OTHER -> d;
        };
    }

    private static void respond(RoutingContext ctx, Future<JsonObject> result) {
        result.onSuccess(json -> ctx.response().putHeader("Content-Type", "application/json").end(json.encode()))
                .onFailure(ctx::fail);
    }

    private static JsonObject body(RoutingContext ctx) {
        try {
            JsonObject o = ctx.body() == null ? null : ctx.body().asJsonObject();
            return o == null ? new JsonObject() : o;
        } catch (RuntimeException e) {
            throw ZunException.invalid("The body must be a JSON object.");
        }
    }

    private static List<String> strings(JsonArray a) {
        if (a == null || a.isEmpty()) {
            throw ZunException.invalid("No exec command specified");
        }
        List<String> out = new ArrayList<>(a.size());
        a.forEach(x -> out.add(String.valueOf(x)));
        return out;
    }

    private static String required(RoutingContext ctx, String name) {
        String v = ctx.queryParams().get(name);
        if (v == null) {
            throw ZunException.invalid("'" + name + "' is required");
        }
        return v;
    }

    private static int positive(RoutingContext ctx, String name) {
        String v = required(ctx, name);
        try {
            int n = Integer.parseInt(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // falls through
        }
        throw ZunException.invalid("'" + name + "' must be a positive integer");
    }

    /** Open attach and exec sessions. */
    public int activeSessions() {
        return sessions.active();
    }

    public Future<Void> close() {
        return sessions.close().compose(v -> server == null ? Future.succeededFuture() : server.close());
    }
}
