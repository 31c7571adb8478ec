package io.zunvx.platform.outbox;

import static io.zunvx.platform.db.TestWaits.DEADLINE;
import static io.zunvx.platform.db.TestWaits.await;
import static io.zunvx.platform.db.TestWaits.eventually;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Tuple;
import io.zunvx.embedded.EmbeddedKafka;
import io.zunvx.embedded.EmbeddedPg;
import io.zunvx.platform.app.TestVertx;
import io.zunvx.platform.db.Database;
import io.zunvx.platform.db.Migrations;
import io.zunvx.platform.http.Readiness;
import io.zunvx.platform.kafka.EventPublisher;
import io.zunvx.platform.kafka.KafkaSettings;
import io.zunvx.platform.kafka.KafkaTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox relay across restarts of what it depends on: rows committed while Kafka is down reach it once it is back,
 * and a relay whose PostgreSQL restarts takes its lock and its notifications again. Each test has its own PostgreSQL
 * and Kafka, since it restarts them; the relay sweeps only hourly, so nothing here is found by the sweep.
 */
class OutboxRelayOutageIT {
    private static final String SOURCE = "/zunvx/outbox-outage-it";

    @TempDir
    Path dir;

    private EmbeddedPg pg;
    private EmbeddedKafka kafka;
    private Vertx vertx;
    private Database database;
    private EventPublisher publisher;
    private Pool pool;
    private String topic;

    @BeforeEach
    void start() {
        pg = EmbeddedPg.start(dir.resolve("pg"), 0);
        database = Database.of(pg.url());
        Migrations.migrate(database);
        kafka = new EmbeddedKafka(dir.resolve("kafka"), 0).start();
        vertx = TestVertx.create();
        KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), "outage-it");
        publisher = new EventPublisher(vertx, settings, "relay");
        pool = database.pool(vertx, 2, "outage-it-" + UUID.randomUUID());
        topic = "zunvx.test.outage-" + UUID.randomUUID().toString().substring(0, 8);
        await(KafkaTopics.ensure(vertx, settings, Map.of(topic, 1)));
    }

    @AfterEach
    void stop() {
        if (vertx != null) {
            await(vertx.close());
        }
        if (kafka != null) {
            kafka.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    @Test
    void rowsCommittedWhileKafkaIsDownArriveInOrderOnceItIsBack() {
        // GIVEN an active relay that has published one row
        OutboxRelay relay = deploy();
        eventually("relay active", relay::isActive);
        write(1);
        assertEquals(List.of("1"), sequences(read(1)));
        int port = kafka.port();

        // WHEN Kafka stops, three rows are committed, and Kafka starts again on the same data and port
        kafka.close();
        write(2);
        write(3);
        write(4);
        kafka = new EmbeddedKafka(dir.resolve("kafka"), port).start();

        // THEN the rows reach Kafka in their order (a resend may repeat some) and are deleted
        eventually("rows deleted", () -> pending() == 0);
        List<String> seen = sequences(read(4));
        assertEquals(List.of("1", "2", "3", "4"), List.copyOf(new LinkedHashSet<>(seen)), "first sightings " + seen);
    }

    @Test
    void relayTakesItsLockAndNotificationsAgainAfterPostgresRestarts() {
        // GIVEN an active relay that has published one row
        OutboxRelay relay = deploy();
        eventually("relay active", relay::isActive);
        write(1);
        assertEquals(List.of("1"), sequences(read(1)));
        int port = pg.port();

        // WHEN PostgreSQL stops and starts again on the same data and port
        await(pool.close());
        pg.close();
        eventually("relay noticed it lost the lock", () -> !relay.isActive());
        pg = EmbeddedPg.start(dir.resolve("pg"), port);
        pool = database.pool(vertx, 2, "outage-it-" + UUID.randomUUID());

        // THEN the relay becomes active again and publishes what is committed next
        eventually("relay active again", relay::isActive);
        write(2);
        eventually("row deleted", () -> pending() == 0);
        assertEquals(List.of("1", "2"), sequences(read(2)));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private OutboxRelay deploy() {
        OutboxRelay relay = new OutboxRelay(database, publisher, SOURCE, new Readiness(), Duration.ofMillis(100),
                Duration.ofHours(1));
        await(vertx.deployVerticle(relay));
        return relay;
    }

    private void write(long sequence) {
        OutboxMessage m = new OutboxMessage(UUID.randomUUID(), topic, "k", "io.zunvx.test.numbered.v1", "k",
                sequence, new JsonObject().put("n", sequence).encode());
        await(pool.withTransaction(conn -> Outbox.add(conn, m)));
    }

    private long pending() {
        return await(pool.preparedQuery("SELECT count(*) AS n FROM outbox WHERE topic = $1")
                .execute(Tuple.of(topic)).map(rs -> rs.iterator().next().getLong("n")));
    }

    /** Reads the topic from the beginning until at least {@code count} records are in, or fails at the deadline. */
    private List<ConsumerRecord<String, byte[]>> read(int count) {
        Properties p = new Properties();
        p.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
        List<ConsumerRecord<String, byte[]>> out = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p, new StringDeserializer(),
                new ByteArrayDeserializer())) {
            List<TopicPartition> tps = new ArrayList<>();
            for (PartitionInfo info : c.partitionsFor(topic, Duration.ofSeconds(10))) {
                tps.add(new TopicPartition(topic, info.partition()));
            }
            c.assign(tps);
            c.seekToBeginning(tps);
            long end = System.nanoTime() + DEADLINE.toNanos();
            while (out.size() < count && System.nanoTime() < end) {
                c.poll(Duration.ofMillis(100)).forEach(out::add);
            }
        }
        if (out.size() < count) {
            throw new AssertionError("only " + out.size() + " of " + count + " records in " + topic);
        }
        return out;
    }

    private static List<String> sequences(List<ConsumerRecord<String, byte[]>> records) {
        return records.stream().map(r -> {
            Header h = r.headers().lastHeader("ce_sequence");
            return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
        }).toList();
    }
}
