package io.zunvx.launcher;

import io.vertx.core.Vertx;
import io.vertx.core.VerticleBase;
import io.vertx.ext.web.Router;
import io.zunvx.api.app.ApiVerticle;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.app.ComputeVerticle;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.app.Runtimes;
import io.zunvx.platform.config.ConfigException;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.Database;
import io.zunvx.platform.db.Migrations;
import io.zunvx.platform.http.OpsRoutes;
import io.zunvx.platform.http.Readiness;
import io.zunvx.platform.outbox.OutboxRelay;
import io.zunvx.scheduler.app.SchedulerVerticle;
import java.time.Clock;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.function.Function;

/**
 * {@code zunvx <command>}: {@code all-in-one}, or one role per process for Kubernetes ({@code api},
 * {@code scheduler}, {@code compute}, {@code migrate}). Everything is configured by {@code ZUNVX_*} variables.
 */
public final class Main {
    private Main() {
    }

    public static void main(String[] args) throws Exception {
        String command = args.length == 0 ? "all-in-one" : args[0];
        ZunvxConfig config;
        try {
            config = ZunvxConfig.fromEnvironment();
        } catch (ConfigException e) {
            System.err.println("zunvx: " + e.getMessage());
            System.exit(2);
            return;
        }
        switch (command) {
            case "all-in-one" -> allInOne(config);
            case "migrate" -> {
                int n = Migrations.migrate(Database.of(required(config.database().url(), "ZUNVX_DB_URL")));
                System.out.println("zunvx: schema up to date (" + n + " migration(s) applied)");
            }
            case "api" -> role(config, p -> new ApiVerticle(p));
            case "scheduler" -> role(config, p -> new SchedulerVerticle(p));
            case "compute" -> role(config, p -> new ComputeVerticle(p,
                    new DockerContainerDriver(config.compute().dockerHost()), CrashPoints.NONE));
            case "outbox-relay" -> role(config, p -> new OutboxRelay(p.database(), p.publisher(), "/zunvx/outbox",
                    p.readiness(), Duration.ofSeconds(2), Duration.ofSeconds(5)));
            case "help", "--help", "-h" -> usage(0);
            default -> usage(2);
        }
    }

    private static void allInOne(ZunvxConfig config) throws InterruptedException {
        AllInOne aio = AllInOne.start(config, CrashPoints.NONE);
        Runtime.getRuntime().addShutdownHook(new Thread(aio::close, "zunvx-shutdown"));
        System.out.println();
        System.out.println("Zun-VX all-in-one is running.");
        System.out.println("  API:          " + aio.apiUrl() + "/v1");
        System.out.println("  Identity:     " + aio.apiUrl() + "/identity/v3");
        System.out.println("  Data:         " + config.dataDir());
        System.out.println("  Kafka:        " + aio.kafkaBootstrapServers());
        if (aio.bootstrap().generated()) {
            System.out.println("  Admin user:   " + config.identity().adminUser() + " (project "
                    + config.identity().adminProject() + "), password " + aio.bootstrap().password()
                    + "  (shown once; set ZUNVX_ADMIN_PASSWORD to choose it)");
        }
        System.out.println("  Admin token:  " + aio.adminToken());
        System.out.println();
        new CountDownLatch(1).await();
    }

    /** One role in this process, plus an outbox relay (active or standby) and an ops server on ZUNVX_OPS_PORT. */
    private static void role(ZunvxConfig config, Function<Platform, VerticleBase> verticle) throws InterruptedException {
        String db = required(config.database().url(), "ZUNVX_DB_URL");
        String kafka = required(config.kafka().bootstrapServers(), "ZUNVX_KAFKA_BOOTSTRAP_SERVERS");
        Vertx vertx = Runtimes.vertx();
        Readiness readiness = new Readiness();
        Router ops = Router.router(vertx);
        OpsRoutes.mount(ops, readiness);
        vertx.createHttpServer().requestHandler(ops).listen(config.opsPort()).await();
        Platform platform = Platform.connect(vertx, config, db, kafka, readiness, Clock.systemUTC()).await();
        // Every role process carries a relay for the rows it writes; the advisory lock keeps one active.
        vertx.deployVerticle(new OutboxRelay(platform.database(), platform.publisher(), "/zunvx/outbox",
                readiness, Duration.ofSeconds(2), Duration.ofSeconds(5))).await();
        vertx.deployVerticle(verticle.apply(platform)).await();
        Runtime.getRuntime().addShutdownHook(new Thread(() -> vertx.close().await(), "zunvx-shutdown"));
        new CountDownLatch(1).await();
    }

    private static String required(String value, String name) {
        if (value == null) {
            System.err.println("zunvx: " + name + " must be set for this command");
            System.exit(2);
        }
        return value;
    }

    private static void usage(int code) {
        System.out.println("""
                usage: zunvx <command>
                  all-in-one    every role in one process, embedded PostgreSQL and Kafka (default)
                  api           the Zun REST API v1
                  scheduler     placement
                  compute       the agent for this host's Docker engine
                  outbox-relay  publishes committed outbox rows to Kafka (one active at a time)
                  migrate       bring the PostgreSQL schema up to date
                configuration: ZUNVX_* environment variables (see README)""");
        System.exit(code);
    }
}
