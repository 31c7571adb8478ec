package io.zunvx.launcher;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.app.Runtimes;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.http.OpsRoutes;
import io.zunvx.platform.http.Readiness;
import io.zunvx.platform.outbox.OutboxRelay;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One role in this process, with an outbox relay (active or standby) for the rows it writes and an ops server on
 * {@code ZUNVX_OPS_PORT}. The ops server answers at once; {@code /readyz} stays 503 until PostgreSQL and Kafka are
 * reachable and the role is deployed, while the start-up waits and retries with a log line per attempt.
 */
public final class RoleProcess implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(RoleProcess.class);

    private final Vertx vertx;
    private final HttpServer ops;
    private final Future<Platform> started;
    private final AtomicReference<Role> role;

    private RoleProcess(Vertx vertx, HttpServer ops, Future<Platform> started, AtomicReference<Role> role) {
        this.vertx = vertx;
        this.ops = ops;
        this.started = started;
        this.role = role;
    }

    /**
     * Starts the ops server now and the role in the background; blocking only for the ops server.
     *
     * @param factory one of {@link Roles}' factories
     * @param options the Vert.x options (production's defaults, or the tests')
     */
    public static RoleProcess start(String name, ZunvxConfig config, String dbUrl, String kafka,
                                    Function<Platform, Role> factory, VertxOptions options) {
        Vertx vertx = Runtimes.vertx(options);
        Readiness readiness = new Readiness();
        Readiness.Flag deployed = readiness.flag("process");
        Router router = Router.router(vertx);
        OpsRoutes.mount(router, readiness);
        HttpServer ops = vertx.createHttpServer().requestHandler(router).listen(config.opsPort()).await();
        AtomicReference<Role> built = new AtomicReference<>();
        // Only the roles that issue tokens read the private signing keys; the others verify with public keys.
        boolean signs = "api".equals(name) || "wsproxy".equals(name);
        Future<Platform> started = Platform.connect(vertx, config, dbUrl, kafka, readiness, Clock.systemUTC(), signs)
                .compose(platform -> vertx.deployVerticle(new OutboxRelay(platform.database(), platform.publisher(),
                                "/zunvx/outbox", readiness, Duration.ofSeconds(2), Duration.ofSeconds(5)))
                        .compose(id -> {
                            Role role = factory.apply(platform);
                            built.set(role);
                            return vertx.deployVerticle(role.verticle());
                        })
                        .map(platform))
                .onSuccess(p -> {
                    deployed.set(true);
                    LOG.info("{} ready", name);
                })
                .onFailure(err -> LOG.error("{} could not start", name, err));
        return new RoleProcess(vertx, ops, started, built);
    }

    public int opsPort() {
        return ops.actualPort();
    }

    /** Completes when the role is deployed. */
    public Future<Platform> started() {
        return started;
    }

    @Override
    public void close() {
        try {
            vertx.close().await();
        } finally {
            Role r = role.get();
            if (r != null) {
                r.release();
            }
        }
    }
}
