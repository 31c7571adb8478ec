package io.zunvx.compute.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.zunvx.platform.app.Platform;

/**
 * The compute role's entry point: one agent for the Docker engine of this host, built by {@link ComputeComponents}.
 * {@code zunvx compute} and the all-in-one deploy it the same way; the runtime connection lives as long as the
 * deployment.
 */
public final class ComputeVerticle extends VerticleBase {
    private final Platform platform;
    private final DriverSeam seam;
    private ComputeComponents components;

    /** The compute role with the Docker driver as it is. */
    public ComputeVerticle(Platform platform) {
        this(platform, DriverSeam.NONE);
    }

    /** The compute role with its Docker driver wrapped by {@code seam} (tests). */
    public ComputeVerticle(Platform platform, DriverSeam seam) {
        this.platform = platform;
        this.seam = seam;
    }

    @Override
    public Future<?> start() {
        components = ComputeComponents.docker(vertx, context, platform, seam);
        ComputeComponents built = components;
        // A start that fails leaves no runtime connection open behind it.
        return built.agent().start().recover(err -> vertx.executeBlocking(() -> {
            built.close();
            return null;
        }).transform(ar -> Future.failedFuture(err)));
    }

    @Override
    public Future<?> stop() {
        if (components == null) {
            return Future.succeededFuture();
        }
        ComputeComponents built = components;
        return built.agent().stop().eventually(() -> vertx.executeBlocking(() -> {
            built.close();
            return null;
        }));
    }
}
