package io.zunvx.compute.internal;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.zunvx.compute.driver.ContainerDriver;
import io.zunvx.compute.driver.LogOptions;
import io.zunvx.platform.auth.TokenService;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.http.FailureHandler;
import java.util.UUID;

/**
 * The agent's internal HTTP endpoint for synchronous calls from the API (logs now; top, stats, exec and archives
 * later), the way an API server talks to a kubelet. Only callers with a platform service token get in.
 */
public final class InternalEndpoint {
    private final Vertx vertx;
    private final Context context;
    private final ContainerDriver driver;
    private final Blocking blocking;
    private final ContainerStore store;
    private final TokenService tokens;
    private final String host;
    private HttpServer server;

    public InternalEndpoint(Vertx vertx, Context context, ContainerDriver driver, Blocking blocking,
                            ContainerStore store, TokenService tokens, String host) {
        this.vertx = vertx;
        this.context = context;
        this.driver = driver;
        this.blocking = blocking;
        this.store = store;
        this.tokens = tokens;
        this.host = host;
    }

    public Future<HttpServer> listen(String bindHost, int port) {
        Router router = Router.router(vertx);
        router.route("/internal/*").handler(this::authenticate);
        router.get("/internal/v1/containers/:uuid/logs").handler(this::logs);
        router.route().failureHandler(new FailureHandler());
        return vertx.createHttpServer().requestHandler(router).listen(port, bindHost).onSuccess(s -> server = s);
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

    private void logs(RoutingContext ctx) {
        UUID uuid;
        try {
            uuid = UUID.fromString(ctx.pathParam("uuid"));
        } catch (IllegalArgumentException e) {
            ctx.fail(ZunException.containerNotFound(ctx.pathParam("uuid")));
            return;
        }
        var q = ctx.queryParams();
        LogOptions options = new LogOptions(!"false".equals(q.get("stdout")), !"false".equals(q.get("stderr")),
                "true".equals(q.get("timestamps")), q.get("tail") == null ? "all" : q.get("tail"),
                q.get("since") == null ? null : Long.valueOf(q.get("since")));
        store.find(uuid).compose(found -> {
            if (found.isEmpty() || !host.equals(found.get().host()) || found.get().containerId() == null) {
                return Future.failedFuture(ZunException.containerNotFound(uuid.toString()));
            }
            String id = found.get().containerId();
            return blocking.run(context, () -> driver.logs(id, options));
        }).onSuccess(text -> ctx.response().putHeader("Content-Type", "text/plain; charset=utf-8").end(text))
                .onFailure(ctx::fail);
    }

    public Future<Void> close() {
        return server == null ? Future.succeededFuture() : server.close();
    }
}
