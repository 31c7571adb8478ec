package io.zunvx.platform.outbox;

import static io.zunvx.platform.db.TestWaits.DEADLINE;
import static io.zunvx.platform.db.TestWaits.await;
import static io.zunvx.platform.db.TestWaits.eventually;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zunvx.embedded.EmbeddedKafka;
import io.zunvx.platform.app.TestVertx;
import io.zunvx.platform.db.TestDatabase;
import io.zunvx.platform.http.Readiness;
import io.zunvx.platform.kafka.EventPublisher;
import io.zunvx.platform.kafka.KafkaSettings;
import io.zunvx.platform.kafka.KafkaTopics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The outbox relay between a real PostgreSQL and a real Kafka: woken by NOTIFY rather than by its sweep, publishing in
 * per-key order as binary CloudEvents, deleting what it published, and with exactly one active instance per database.
 *
 * <p>Every relay here sweeps only once an hour, so a row that reaches Kafka within the test's deadline was published
 * because the commit woke the relay (or because the relay drained on becoming active), never because of the sweep.
 */
class OutboxRelayIT {
    private static final String SOURCE = "/zunvx/outbox-it";
    private static final String TYPE = "io.zunvx.test.numbered.v1";
    private static final Duration NO_SWEEP = Duration.ofHours(1);
    private static final Duration STANDBY_RETRY = Duration.ofMillis(100);

    @TempDir
    static Path dir;

    private static TestDatabase db;
    private static EmbeddedKafka kafka;
    private static Vertx vertx;
    private static KafkaSettings settings;
    private static EventPublisher publisher;
    private static Pool pool;

    private final List<String> deployments = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        db = TestDatabase.start(dir);
        kafka = new EmbeddedKafka(dir.resolve("kafka"), 0).start();
        vertx = TestVertx.create();
        settings = new KafkaSettings(kafka.bootstrapServers(), "outbox-it");
        publisher = new EventPublisher(vertx, settings, "relay");
        pool = db.pool(vertx, 4);
    }

    @AfterAll
    static void stop() {
        if (pool != null) {
            await(pool.close());
        }
        if (publisher != null) {
            await(publisher.close());
        }
        if (vertx != null) {
            await(vertx.close());
        }
        if (kafka != null) {
            kafka.close();
        }
        if (db != null) {
            db.close();
        }
    }

    @AfterEach
    void undeployRelays() {
        for (String id : deployments) {
            if (vertx.deploymentIDs().contains(id)) {
                await(vertx.undeploy(id));
            }
        }
    }

    @Test
    void committedRowReachesKafkaWithoutWaitingForTheSweep() {
        // GIVEN an active relay that sweeps only hourly, and a readiness registry it reports to
        Readiness readiness = new Readiness();
        OutboxRelay relay = deploy(readiness);
        eventually("relay active", relay::isActive);
        String topic = topic(1);

        // WHEN one row is committed to the outbox
        OutboxMessage m = message(topic, "key-a", 1);
        write(List.of(m));

        // THEN it reaches Kafka as a binary CloudEvent, and the row is deleted
        ConsumerRecord<String, byte[]> r = read(topic, 1).getFirst();
        assertEquals("key-a", r.key());
        assertEquals(m.id().toString(), header(r, "ce_id"));
        assertEquals(TYPE, header(r, "ce_type"));
        assertEquals("key-a", header(r, "ce_subject"));
        assertEquals("1", header(r, "ce_sequence"));
        assertEquals(SOURCE, header(r, "ce_source"));
        assertEquals("1.0", header(r, "ce_specversion"));
        assertArrayEquals(m.data().getBytes(StandardCharsets.UTF_8), r.value());
        eventually("row deleted", () -> pending(topic) == 0);

        // AND the relay says it is ready
        JsonObject ready = await(readiness.evaluate());
        assertEquals("ok", ready.getJsonObject("checks").getString("outbox-relay"), ready.encode());
    }

    @Test
    void twoHundredRowsForFiveKeysArriveInPerKeyOrderWithHeadersAndAreDeleted() {
        // GIVEN an active relay and a topic with four partitions
        OutboxRelay relay = deploy(new Readiness());
        eventually("relay active", relay::isActive);
        String topic = topic(4);

        // WHEN 200 rows, 40 numbered ones per key for 5 keys, are committed in 40 transactions of 5
        Map<UUID, OutboxMessage> sent = new HashMap<>();
        for (long seq = 1; seq <= 40; seq++) {
            List<OutboxMessage> tx = new ArrayList<>();
            for (int k = 0; k < 5; k++) {
                OutboxMessage m = message(topic, "key-" + k, seq);
                tx.add(m);
                sent.put(m.id(), m);
            }
            write(tx);
        }

        // THEN all 200 arrive, each key's in sequence order, each with the CloudEvents headers of its row
        List<ConsumerRecord<String, byte[]>> records = read(topic, 200);
        Map<String, List<Long>> byKey = new HashMap<>();
        for (ConsumerRecord<String, byte[]> r : records) {
            OutboxMessage m = sent.get(UUID.fromString(header(r, "ce_id")));
            assertTrue(m != null, "unknown ce_id " + header(r, "ce_id"));
            assertEquals(m.key(), r.key());
            assertEquals(TYPE, header(r, "ce_type"));
            assertEquals(m.subject(), header(r, "ce_subject"));
            assertEquals(String.valueOf(m.sequence()), header(r, "ce_sequence"));
            assertEquals(SOURCE, header(r, "ce_source"));
            assertArrayEquals(m.data().getBytes(StandardCharsets.UTF_8), r.value());
            byKey.computeIfAbsent(r.key(), k -> new ArrayList<>()).add(Long.parseLong(header(r, "ce_sequence")));
        }
        List<Long> oneToForty = LongStream.rangeClosed(1, 40).boxed().toList();
        for (int k = 0; k < 5; k++) {
            assertEquals(oneToForty, byKey.get("key-" + k), "key-" + k);
        }

        // AND every row is deleted, after which the topic holds exactly the 200 records
        eventually("all rows deleted", () -> pending(topic) == 0);
        assertEquals(200L, endOffsets(topic).values().stream().mapToLong(Long::longValue).sum());
    }

    @Test
    void rowsCommittedWhileNoRelayRunsArePublishedWhenOneBecomesActive() {
        // GIVEN rows committed while no relay is deployed
        String topic = topic(1);
        List<OutboxMessage> early = List.of(message(topic, "k", 1), message(topic, "k", 2), message(topic, "k", 3));
        write(early.subList(0, 1));
        write(early.subList(1, 3));

        // WHEN a relay starts
        OutboxRelay relay = deploy(new Readiness());

        // THEN it publishes them in order on becoming active, without any new commit to wake it
        List<ConsumerRecord<String, byte[]>> records = read(topic, 3);
        assertEquals(List.of("1", "2", "3"), records.stream().map(r -> header(r, "ce_sequence")).toList());
        assertTrue(relay.isActive());
        eventually("rows deleted", () -> pending(topic) == 0);
    }

    @Test
    void onlyOneOfTwoRelaysIsActiveAndTheOtherTakesOverWhenItLeaves() {
        // GIVEN two relays deployed on the same database
        OutboxRelay first = deploy(new Readiness());
        String firstId = deployments.getLast();
        OutboxRelay second = deploy(new Readiness());
        String secondId = deployments.getLast();
        eventually("one relay active", () -> first.isActive() || second.isActive());

        // THEN exactly one is active, and it alone publishes
        assertNotEquals(first.isActive(), second.isActive());
        OutboxRelay active = first.isActive() ? first : second;
        OutboxRelay standby = active == first ? second : first;
        String topic = topic(1);
        write(List.of(message(topic, "k", 1)));
        read(topic, 1);
        eventually("row deleted", () -> pending(topic) == 0);
        assertFalse(standby.isActive());
        assertEquals(0, standby.published());

        // WHEN the active one is undeployed
        await(vertx.undeploy(active == first ? firstId : secondId));

        // THEN the other becomes active and publishes what is committed next
        eventually("standby took over", standby::isActive);
        assertFalse(active.isActive());
        write(List.of(message(topic, "k", 2)));
        List<ConsumerRecord<String, byte[]>> records = read(topic, 2);
        assertEquals(List.of("1", "2"), records.stream().map(r -> header(r, "ce_sequence")).toList());
        eventually("row deleted by the new active relay", () -> pending(topic) == 0);
        eventually("new active relay counted it", () -> standby.published() >= 1);
    }

    @Test
    void relayWhoseLockConnectionIsKilledStandsByThenTakesTheLockAgain() {
        // GIVEN an active relay
        OutboxRelay relay = deploy(new Readiness());
        eventually("relay active", relay::isActive);
        String topic = topic(1);

        // WHEN PostgreSQL terminates the session holding its advisory lock (as on a failover or an idle kill)
        int killed = await(pool.query("""
                        SELECT pg_terminate_backend(pid) AS ok FROM pg_locks
                        WHERE locktype = 'advisory' AND granted""").execute().map(rs -> rs.size()));
        assertEquals(1, killed, "one advisory lock holder");

        // THEN it takes the lock again and keeps publishing what is committed
        eventually("lock holder back", () -> lockHolders() == 1 && relay.isActive());
        write(List.of(message(topic, "k", 1)));
        assertEquals("1", header(read(topic, 1).getFirst(), "ce_sequence"));
        eventually("row deleted", () -> pending(topic) == 0);
    }

    @Test
    void relayUndeployedRightAfterDeployingLeavesTheLockFree() {
        // GIVEN a relay undeployed the moment its deployment completes, while it is still taking the lock
        OutboxRelay early = new OutboxRelay(db.database(), publisher, SOURCE, new Readiness(), STANDBY_RETRY,
                NO_SWEEP);
        await(vertx.deployVerticle(early).compose(id -> vertx.undeploy(id)));

        // WHEN another relay is deployed
        OutboxRelay next = deploy(new Readiness());

        // THEN the undeployed one holds nothing and the new one becomes active
        eventually("new relay active", next::isActive);
        assertFalse(early.isActive());
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    @Test
    void rowKafkaRefusesIsDeadLetteredWithItsReasonAndTheRowsBehindItGoOn() {
        // GIVEN an active relay and, in one commit, a row of key "k", one too large for any record, then more rows of
        // "k" and of another key
        OutboxRelay relay = deploy(new Readiness());
        eventually("relay active", relay::isActive);
        String topic = topic(1);
        OutboxMessage huge = new OutboxMessage(UUID.randomUUID(), topic, "k", TYPE, "k", 2L,
                new JsonObject().put("blob", "x".repeat(KafkaSettings.MAX_RECORD_BYTES + 1)).encode());

        // WHEN they are committed
        write(List.of(message(topic, "k", 1), huge, message(topic, "k", 3), message(topic, "other", 1)));

        // THEN the three others reach Kafka, "k" in its order without the huge one, and the outbox empties
        List<ConsumerRecord<String, byte[]>> got = read(topic, 3);
        assertEquals(List.of("k/1", "k/3", "other/1"), got.stream()
                .map(r -> r.key() + "/" + header(r, "ce_sequence")).sorted().toList());
        eventually("outbox empty", () -> pending(topic) == 0);

        // AND the huge row is kept in outbox_dead_letters with Kafka's reason and its payload
        var dead = await(pool.preparedQuery("""
                        SELECT message_id, key, sequence, reason, length(data) AS size
                        FROM outbox_dead_letters WHERE topic = $1""")
                .execute(Tuple.of(topic)).map(rs -> {
                    List<Row> rows = new ArrayList<>();
                    rs.forEach(rows::add);
                    return rows;
                }));
        assertEquals(1, dead.size());
        assertEquals(huge.id(), dead.getFirst().getUUID("message_id"));
        assertEquals(2L, dead.getFirst().getLong("sequence"));
        assertEquals(huge.data().length(), dead.getFirst().getInteger("size"));
        String reason = dead.getFirst().getString("reason");
        assertTrue(reason.startsWith("RecordTooLargeException"), reason);
    }

    @Test
    void rowTheBrokerRefusesForItsTopicsMessageLimitIsDeadLetteredAndTheRowsBehindItGoOn() throws Exception {
        // GIVEN a topic whose broker-side limit (max.message.bytes) is 4 KiB, far below the producer's 1 MiB, and a
        // row that passes the producer's check but not the broker's: 16 KiB of random text, which lz4 cannot shrink
        OutboxRelay relay = deploy(new Readiness());
        eventually("relay active", relay::isActive);
        String topic = "zunvx.test.outbox-small-" + UUID.randomUUID().toString().substring(0, 8);
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of("max.message.bytes", "4096")))).all().get(30, TimeUnit.SECONDS);
        }
        byte[] noise = new byte[12 * 1024];
        new java.util.Random(7).nextBytes(noise);
        OutboxMessage poison = new OutboxMessage(UUID.randomUUID(), topic, "k", TYPE, "k", 2L,
                new JsonObject().put("blob", java.util.Base64.getEncoder().encodeToString(noise)).encode());
        assertTrue(poison.data().length() < KafkaSettings.MAX_RECORD_BYTES);

        // WHEN it is committed between rows of its own key and of another
        write(List.of(message(topic, "k", 1), poison, message(topic, "k", 3), message(topic, "other", 1)));

        // THEN the broker's refusal moves it to outbox_dead_letters with the reason, and the rest reach Kafka in order
        List<ConsumerRecord<String, byte[]>> got = read(topic, 3);
        assertEquals(List.of("k/1", "k/3", "other/1"), got.stream()
                .map(r -> r.key() + "/" + header(r, "ce_sequence")).sorted().toList());
        eventually("outbox empty", () -> pending(topic) == 0);
        var dead = await(pool.preparedQuery("SELECT message_id, reason FROM outbox_dead_letters WHERE topic = $1")
                .execute(Tuple.of(topic)).map(rs -> {
                    List<Row> rows = new ArrayList<>();
                    rs.forEach(rows::add);
                    return rows;
                }));
        assertEquals(1, dead.size());
        assertEquals(poison.id(), dead.getFirst().getUUID("message_id"));
        String reason = dead.getFirst().getString("reason");
        assertTrue(reason.startsWith("RecordTooLargeException"), reason);
    }

    private OutboxRelay deploy(Readiness readiness) {
        OutboxRelay relay = new OutboxRelay(db.database(), publisher, SOURCE, readiness, STANDBY_RETRY, NO_SWEEP);
        deployments.add(await(vertx.deployVerticle(relay)));
        return relay;
    }

    private static OutboxMessage message(String topic, String key, long sequence) {
        return new OutboxMessage(UUID.randomUUID(), topic, key, TYPE, key, sequence,
                new JsonObject().put("key", key).put("n", sequence).encode());
    }

    private static void write(List<OutboxMessage> messages) {
        await(pool.withTransaction(conn -> Outbox.add(conn, messages)));
    }

    private static long pending(String topic) {
        return await(pool.preparedQuery("SELECT count(*) AS n FROM outbox WHERE topic = $1")
                .execute(Tuple.of(topic)).map(rs -> rs.iterator().next().getLong("n")));
    }

    private static long lockHolders() {
        return await(pool.query("SELECT count(*) AS n FROM pg_locks WHERE locktype = 'advisory' AND granted")
                .execute().map(rs -> rs.iterator().next().getLong("n")));
    }

    private static String topic(int partitions) {
        String name = "zunvx.test.outbox-" + UUID.randomUUID().toString().substring(0, 8);
        await(KafkaTopics.ensure(vertx, settings, Map.of(name, partitions)));
        return name;
    }

    /** Reads {@code topic} from the beginning until {@code count} records are in, or fails at the deadline. */
    private static List<ConsumerRecord<String, byte[]>> read(String topic, int count) {
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
        Set<String> ids = new HashSet<>();
        out.forEach(r -> ids.add(header(r, "ce_id")));
        assertEquals(out.size(), ids.size(), "duplicate ce_id in " + topic);
        return out;
    }

    private static Map<Integer, Long> endOffsets(String topic) {
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        try (Admin admin = Admin.create(p)) {
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get(10, TimeUnit.SECONDS)
                    .get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> request = new HashMap<>();
            for (int i = 0; i < partitions; i++) {
                request.put(new TopicPartition(topic, i), OffsetSpec.latest());
            }
            Map<Integer, Long> out = new HashMap<>();
            admin.listOffsets(request).all().get(10, TimeUnit.SECONDS)
                    .forEach((tp, info) -> out.put(tp.partition(), info.offset()));
            return out;
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    private static String header(ConsumerRecord<String, byte[]> r, String name) {
        Header h = r.headers().lastHeader(name);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }
}
