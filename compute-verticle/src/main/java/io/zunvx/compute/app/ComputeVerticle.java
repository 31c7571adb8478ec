package io.zunvx.compute.app;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.zunvx.compute.agent.ComputeAgent;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.driver.ContainerDriver;
import io.zunvx.platform.app.Platform;

/** The compute role: one agent for the Docker engine of this host. */
public final class ComputeVerticle extends VerticleBase {
    private final Platform platform;
    private final ContainerDriver driver;
    private final CrashPoints crashPoints;
    private ComputeAgent agent;

    public ComputeVerticle(Platform platform, ContainerDriver driver, CrashPoints crashPoints) {
        this.platform = platform;
        this.driver = driver;
        this.crashPoints = crashPoints;
    }

    @Override
    public Future<?> start() {
        agent = new ComputeAgent(vertx, context, platform, driver, crashPoints);
        return agent.start();
    }

    @Override
    public Future<?> stop() {
        return agent == null ? Future.succeededFuture() : agent.stop();
    }
}
