package io.zunvx.launcher;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.zunvx.api.app.ApiVerticle;
import io.zunvx.api.identity.AdminBootstrap;
import io.zunvx.embedded.EmbeddedKafka;
import io.zunvx.embedded.EmbeddedPg;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.app.Runtimes;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.Database;
import io.zunvx.platform.db.Migrations;
import io.zunvx.platform.http.Readiness;
import io.zunvx.platform.outbox.OutboxRelay;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Every role in one JVM: embedded PostgreSQL and single-node KRaft Kafka with their data under the data directory
 * (kept across restarts), the outbox relay, then the roles built by the same {@link Roles} factories a role process
 * uses: scheduler, one compute agent for the local Docker engine, the API and the WebSocket proxy. External
 * PostgreSQL or Kafka are used instead when their URLs are configured.
 */
public final class AllInOne implements AutoCloseable {
    private final EmbeddedPg pg;
    private final EmbeddedKafka kafka;
    private final Vertx vertx;
    private final Platform platform;
    private final Bootstrap bootstrap;
    private final List<Role> roles = new ArrayList<>();
    private int apiPort;

    private AllInOne(EmbeddedPg pg, EmbeddedKafka kafka, Vertx vertx, Platform platform, Bootstrap bootstrap) {
        this.pg = pg;
        this.kafka = kafka;
        this.vertx = vertx;
        this.platform = platform;
        this.bootstrap = bootstrap;
    }

    /** Starts everything with production's roles and Vert.x options; blocking (call it from a main thread). */
    public static AllInOne start(ZunvxConfig config) {
        return start(config, Roles.standard(), new VertxOptions());
    }

    /**
     * Starts everything and returns once the API answers; blocking.
     *
     * @param roles   the role factories ({@link Roles#standard()}, or tests' with their seams)
     * @param options the Vert.x options (tests pass a low blocked-thread warning time)
     */
    public static AllInOne start(ZunvxConfig config, Roles roles, VertxOptions options) {
        EmbeddedPg pg = null;
        EmbeddedKafka kafka = null;
        Vertx vertx = null;
        AllInOne aio = null;
        try {
            String dbUrl = config.database().url();
            if (dbUrl == null) {
                pg = EmbeddedPg.start(config.dataDir().resolve("postgres"), 0);
                dbUrl = pg.url();
            }
            Migrations.migrate(Database.of(dbUrl));
            String bootstrapServers = config.kafka().bootstrapServers();
            if (bootstrapServers == null) {
                kafka = new EmbeddedKafka(config.dataDir().resolve("kafka"), 0);
                kafka.start();
                bootstrapServers = kafka.bootstrapServers();
            }
            Bootstrap boot = Bootstrap.load(config.dataDir(), config.identity().adminPassword());
            vertx = Runtimes.vertx(options);
            Readiness readiness = new Readiness();
            Readiness.Flag started = readiness.flag("all-in-one");
            Platform platform = Platform.connect(vertx, config, dbUrl, bootstrapServers, readiness,
                    Clock.systemUTC()).await();
            AdminBootstrap.ensure(vertx, platform.transactions(), new AdminBootstrap.Admin(boot.userId(),
                    config.identity().adminUser(), boot.projectId(), config.identity().adminProject(),
                    boot.password())).await();
            aio = new AllInOne(pg, kafka, vertx, platform, boot);
            vertx.deployVerticle(new OutboxRelay(platform.database(), platform.publisher(), "/zunvx/outbox",
                    readiness, Duration.ofSeconds(2), Duration.ofSeconds(5))).await();
            aio.deploy(roles.scheduler());
            aio.deploy(roles.compute());
            Role api = aio.deploy(roles.api());
            aio.deploy(roles.wsproxy());
            aio.apiPort = api.verticle() instanceof ApiVerticle v ? v.port() : config.api().port();
            started.set(true);
            return aio;
        } catch (RuntimeException | Error e) {
            if (vertx != null) {
                vertx.close().await();
            }
            if (aio != null) {
                aio.roles.forEach(Role::release);
            }
            if (kafka != null) {
                kafka.close();
            }
            if (pg != null) {
                pg.close();
            }
            throw e;
        }
    }

    private Role deploy(Function<Platform, Role> factory) {
        Role role = factory.apply(platform);
        roles.add(role);
        vertx.deployVerticle(role.verticle()).await();
        return role;
    }

    /** A token for the bootstrap admin, checked against the identity tables like one it got by logging in. */
    public String adminToken() {
        ZunvxConfig.Identity id = platform.config().identity();
        return platform.tokens().issueForAccount(new Identity(bootstrap.userId(), id.adminUser(),
                bootstrap.projectId(), id.adminProject(), List.of("admin", "member"), null)).value();
    }

    public Bootstrap bootstrap() {
        return bootstrap;
    }

    public int apiPort() {
        return apiPort;
    }

    public String apiUrl() {
        return platform.config().api().publicUrl();
    }

    public String kafkaBootstrapServers() {
        return platform.kafka().bootstrapServers();
    }

    /** The shared pieces the roles were built from. */
    public Platform platform() {
        return platform;
    }

    public Vertx vertx() {
        return vertx;
    }

    @Override
    public void close() {
        try {
            vertx.close().await();
        } finally {
            roles.forEach(Role::release);
            if (kafka != null) {
                kafka.close();
            }
            if (pg != null) {
                pg.close();
            }
        }
    }
}
