package io.zunvx.api.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.config.ZunvxConfig;

/**
 * The API role's entry point: Zun's REST API v1, the Keystone subset and the image store's Glance subset on one HTTP
 * server, its collaborators built by {@link ApiComponents}. Stateless (image data lives in the configured blob
 * store); run as many as the load needs.
 */
public final class ApiVerticle extends VerticleBase {
    private final Platform platform;
    private HttpServer server;
    private ApiComponents components;
    private long sweep = -1;

    public ApiVerticle(Platform platform) {
        this.platform = platform;
    }

    @Override
    public Future<?> start() {
        ZunvxConfig.Api cfg = platform.config().api();
        components = ApiComponents.create(vertx, platform);
        sweep = vertx.setPeriodic(ApiComponents.RESIZE_SWEEP.toMillis(), id -> components.finishStalledResizes());
        var ready = platform.readiness().flag("api");
        return vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true))
                .requestHandler(components.router(vertx))
                .listen(cfg.port(), cfg.host())
                .onSuccess(s -> {
                    server = s;
                    ready.set(true);
                });
    }

    /** The port actually bound (useful with port 0 in tests). */
    public int port() {
        return server.actualPort();
    }

    @Override
    public Future<?> stop() {
        vertx.cancelTimer(sweep);
        if (components != null) {
            components.close();
        }
        return server == null ? Future.succeededFuture() : server.close();
    }
}
