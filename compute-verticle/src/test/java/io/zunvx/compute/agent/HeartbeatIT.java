package io.zunvx.compute.agent;

import static io.zunvx.platform.db.TestWaits.await;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.compute.driver.NumaReader;
import io.zunvx.embedded.EmbeddedKafka;
import io.zunvx.model.Topics;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.db.PgSession;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.host.ServiceRepository;
import io.zunvx.platform.kafka.EventPublisher;
import io.zunvx.platform.kafka.KafkaSettings;
import io.zunvx.platform.kafka.KafkaTopics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Heartbeats cannot be starved by tenant work: with every slot of the agent's Docker pool taken (as by slow pulls
 * or archive copies), a {@link HostReporter} on its own pool, as {@code ComputeComponents} wires it, still reports the
 * host to real PostgreSQL, Docker and Kafka, where one sharing the full pool would wait.
 */
@Timeout(value = 3, unit = TimeUnit.MINUTES)
class HeartbeatIT {
    private static final String DOCKER_HOST =
            System.getenv().getOrDefault("DOCKER_HOST", "unix:///var/run/docker.sock");
    private static final int SLOTS = 4;

    @TempDir
    static Path dir;
    private static PgSession pg;
    private static EmbeddedKafka kafka;
    private static EventPublisher publisher;
    private static DockerContainerDriver driver;
    private static Context context;

    @BeforeAll
    static void start() {
        pg = PgSession.start(dir.resolve("pg"), 4);
        kafka = new EmbeddedKafka(dir.resolve("kafka"), 0).start();
        KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), "heartbeat-it");
        await(KafkaTopics.ensure(pg.vertx(), settings, Map.of(Topics.HOST_EVENTS, 1)));
        publisher = new EventPublisher(pg.vertx(), settings, "agent");
        driver = new DockerContainerDriver(DOCKER_HOST);
        context = pg.vertx().getOrCreateContext();
    }

    @AfterAll
    static void stop() throws Exception {
        if (publisher != null) {
            await(publisher.close());
        }
        if (driver != null) {
            driver.close();
        }
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void aHostWhoseDockerSlotsAreAllBusyStillHeartbeats() {
        // GIVEN the agent's Docker pool with every slot held by work that does not finish until released
        CountDownLatch release = new CountDownLatch(1);
        try (Blocking tenantWork = new Blocking("tenant-docker", SLOTS);
             Blocking heartbeats = new Blocking("heartbeat", 2)) {
            for (int i = 0; i < SLOTS; i++) {
                tenantWork.run(context, () -> release.await(2, TimeUnit.MINUTES));
            }

            // WHEN a reporter on the agent's pool and one on a pool of its own each report the host
            Future<?> starved = reporter("starved", tenantWork).report();
            Future<?> ownPool = reporter("own-pool", heartbeats).report();

            // THEN the one on its own pool records its heartbeat; the other waits (a bounded look at an absence)
            await(ownPool);
            long lookUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
            while (System.nanoTime() < lookUntil) {
                assertFalse(starved.isComplete(), "a heartbeat got through a full pool");
            }
            // AND twice in a row: the heartbeat keeps going while the slots stay busy
            await(reporter("own-pool", heartbeats).report());

            // AND once the slots are free again the starved one completes too
            release.countDown();
            await(starved);
            assertTrue(starved.succeeded());
        }
    }

    private static HostReporter reporter(String name, Blocking blocking) {
        String host = "hb-" + name + "-" + UUID.randomUUID().toString().substring(0, 8);
        return new HostReporter(pg.vertx(), context, driver, blocking, new Transactions(pg.pool()),
                new ComputeNodeRepository(),
                new ServiceRepository(), publisher, host, "nova", "http://127.0.0.1:1", Map.of(), false,
                Duration.ofSeconds(1), NumaReader.SYSFS, Clock.systemUTC());
    }
}
