package io.zunvx.api.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.ext.web.Router;
import io.zunvx.api.compute.ComputeClient;
import io.zunvx.api.container.ContainerApi;
import io.zunvx.api.http.ApiRouter;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerRepository;
import io.zunvx.platform.container.ContainerStore;
import java.security.SecureRandom;

/** The API role: Zun's REST API v1 on one HTTP server. Stateless; run as many as the load needs. */
public final class ApiVerticle extends VerticleBase {
    private final Platform platform;
    private HttpServer server;
    private ComputeClient compute;

    public ApiVerticle(Platform platform) {
        this.platform = platform;
    }

    @Override
    public Future<?> start() {
        ZunvxConfig.Api cfg = platform.config().api();
        Router router = ApiRouter.create(vertx, cfg.publicUrl(), platform.tokens(), platform.readiness());
        compute = new ComputeClient(vertx, platform.pool(), platform.tokens(), platform.clock());
        ContainerStore store = new ContainerStore(platform.pool(), new ContainerRepository(), platform.clock());
        new ContainerApi(store, new ContainerActionRepository(), compute, cfg.publicUrl(), cfg.uniqueNameScope(),
                cfg.maxLimit(), platform.clock(), new SecureRandom()).mount(router);
        ApiRouter.finish(router);
        var ready = platform.readiness().flag("api");
        return vertx.createHttpServer(new HttpServerOptions().setCompressionSupported(true))
                .requestHandler(router)
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
        if (compute != null) {
            compute.close();
        }
        return server == null ? Future.succeededFuture() : server.close();
    }
}
