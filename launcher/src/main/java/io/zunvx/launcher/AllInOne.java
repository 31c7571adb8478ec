package io.zunvx.launcher;

import io.vertx.core.Vertx;
import io.zunvx.api.app.ApiVerticle;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.app.ComputeVerticle;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.app.Runtimes;
import io.zunvx.api.identity.AdminBootstrap;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.Database;
import io.zunvx.platform.db.Migrations;
import io.zunvx.platform.embedded.EmbeddedKafka;
import io.zunvx.platform.embedded.EmbeddedPg;
import io.zunvx.platform.http.Readiness;
import io.zunvx.platform.outbox.OutboxRelay;
import io.zunvx.scheduler.app.SchedulerVerticle;
import io.zunvx.wsproxy.ProxyVerticle;
import java.time.Clock;
import java.time.Duration;
import java.util.List;

/**
 * Every role in one JVM: embedded PostgreSQL and single-node KRaft Kafka with their data under the data directory
 * (kept across restarts), the outbox relay, scheduler, one compute agent for the local Docker engine, and the API.
 * External PostgreSQL or Kafka are used instead when their URLs are configured.
 */
public final class AllInOne implements AutoCloseable {
    private final ZunvxConfig config;
    private final EmbeddedPg pg;
    private final EmbeddedKafka kafka;
    private final Vertx vertx;
    private final Platform platform;
    private final Bootstrap bootstrap;
    private final ApiVerticle api;
    private String computeDeployment;
    private DockerContainerDriver driver;
    private final java.util.Map<String, DockerContainerDriver> extraDrivers = new java.util.concurrent.ConcurrentHashMap<>();
    private SchedulerVerticle scheduler;
    private final java.util.Map<String, SchedulerVerticle> extraSchedulers =
            new java.util.concurrent.ConcurrentHashMap<>();

    private AllInOne(ZunvxConfig config, EmbeddedPg pg, EmbeddedKafka kafka, Vertx vertx, Platform platform,
                     Bootstrap bootstrap, ApiVerticle api) {
        this.config = config;
        this.pg = pg;
        this.kafka = kafka;
        this.vertx = vertx;
        this.platform = platform;
        this.bootstrap = bootstrap;
        this.api = api;
    }

    /** Starts everything and returns once the API answers; blocking (call it from a main or test thread). */
    public static AllInOne start(ZunvxConfig config, CrashPoints crashPoints) {
        EmbeddedPg pg = null;
        EmbeddedKafka kafka = null;
        Vertx vertx = null;
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
            vertx = Runtimes.vertx();
            Readiness readiness = new Readiness();
            Readiness.Flag started = readiness.flag("all-in-one");
            Platform platform = Platform.connect(vertx, config, dbUrl, bootstrapServers, readiness,
                    Clock.systemUTC()).await();
            AdminBootstrap.ensure(vertx, platform.pool(), new AdminBootstrap.Admin(boot.userId(),
                    config.identity().adminUser(), boot.projectId(), config.identity().adminProject(),
                    boot.password())).await();
            ApiVerticle api = new ApiVerticle(platform);
            AllInOne aio = new AllInOne(config, pg, kafka, vertx, platform, boot, api);
            vertx.deployVerticle(new OutboxRelay(platform.database(), platform.publisher(), "/zunvx/outbox",
                    readiness, Duration.ofSeconds(2), Duration.ofSeconds(5))).await();
            aio.scheduler = new SchedulerVerticle(platform);
            vertx.deployVerticle(aio.scheduler).await();
            aio.startCompute(crashPoints);
            vertx.deployVerticle(api).await();
            vertx.deployVerticle(new ProxyVerticle(platform)).await();
            started.set(true);
            return aio;
        } catch (RuntimeException | Error e) {
            if (vertx != null) {
                vertx.close().await();
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

    /** Deploys the compute agent (again); blocking. */
    public void startCompute(CrashPoints crashPoints) {
        driver = new DockerContainerDriver(config.compute().dockerHost());
        computeDeployment = vertx.deployVerticle(new ComputeVerticle(platform, driver, crashPoints)).await();
    }

    /** Stops the compute agent as a crash would leave things: nothing is cleaned up; blocking. */
    public void stopCompute() {
        if (computeDeployment != null) {
            vertx.undeploy(computeDeployment).await();
            computeDeployment = null;
            driver.close();
        }
    }

    /**
     * Deploys one more compute agent in this process for another Docker engine, as if it were another host (tests and
     * demonstrations of several hosts on one machine). Returns the deployment id for {@link #stopExtraCompute}.
     */
    public String startExtraCompute(String hostName, String dockerHost, int internalPort) {
        ZunvxConfig.Compute c = config.compute();
        ZunvxConfig.Compute extra = new ZunvxConfig.Compute(hostName, dockerHost, c.network(), internalPort,
                "http://127.0.0.1:" + internalPort, c.availabilityZone(), c.heartbeat(), c.syncInterval(),
                c.orphanGrace(), c.staleTask(), c.cpuPinning(), c.labels(), c.executeTimeout());
        ZunvxConfig cfg = new ZunvxConfig(config.dataDir(), config.database(), config.kafka(), config.api(), extra,
                config.scheduler(), config.proxy(), config.identity(), config.quota(), config.opsPort(),
                config.images());
        Platform p = new Platform(vertx, cfg, platform.database(), platform.pool(), platform.kafka(),
                platform.publisher(), platform.tokens(), platform.readiness(), platform.clock());
        DockerContainerDriver d = new DockerContainerDriver(dockerHost);
        String id = vertx.deployVerticle(new ComputeVerticle(p, d, CrashPoints.NONE)).await();
        extraDrivers.put(id, d);
        return id;
    }

    /** Stops an extra compute agent; blocking. */
    public void stopExtraCompute(String deploymentId) {
        vertx.undeploy(deploymentId).await();
        DockerContainerDriver d = extraDrivers.remove(deploymentId);
        if (d != null) {
            d.close();
        }
    }

    /** The scheduler deployed at start (its snapshot and placement counts, for tests). */
    public SchedulerVerticle scheduler() {
        return scheduler;
    }

    /**
     * Deploys one more scheduler instance in this process: it joins consumer group {@code zunvx-scheduler} and takes
     * a share of the command topic's partitions, with a snapshot of its own (tests of several schedulers). Returns
     * the deployment id for {@link #extraScheduler} and {@link #stopExtraScheduler}; blocking.
     */
    public String startExtraScheduler() {
        SchedulerVerticle s = new SchedulerVerticle(platform);
        String id = vertx.deployVerticle(s).await();
        extraSchedulers.put(id, s);
        return id;
    }

    /** An extra scheduler started by {@link #startExtraScheduler}, or {@code null}. */
    public SchedulerVerticle extraScheduler(String deploymentId) {
        return extraSchedulers.get(deploymentId);
    }

    /** Stops an extra scheduler; its partitions go back to the other members of the group. Blocking. */
    public void stopExtraScheduler(String deploymentId) {
        vertx.undeploy(deploymentId).await();
        extraSchedulers.remove(deploymentId);
    }

    /** A token for the bootstrap admin, checked against the identity tables like one it got by logging in. */
    public String adminToken() {
        return platform.tokens().issueForAccount(new Identity(bootstrap.userId(), config.identity().adminUser(),
                bootstrap.projectId(), config.identity().adminProject(), List.of("admin", "member"), null)).value();
    }

    /** A token for another user and project (tests of tenancy). */
    public String token(String userId, String projectId, List<String> roles) {
        return platform.tokens().issue(new Identity(userId, userId, projectId, projectId, roles, null)).value();
    }

    public Bootstrap bootstrap() {
        return bootstrap;
    }

    public int apiPort() {
        return api.port();
    }

    public String apiUrl() {
        return config.api().publicUrl();
    }

    public String kafkaBootstrapServers() {
        return platform.kafka().bootstrapServers();
    }

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
            if (driver != null) {
                driver.close();
            }
            extraDrivers.values().forEach(DockerContainerDriver::close);
            if (kafka != null) {
                kafka.close();
            }
            if (pg != null) {
                pg.close();
            }
        }
    }
}
