package io.zunvx.platform.kafka;

import static io.zunvx.platform.kafka.KafkaTestSupport.await;
import static io.zunvx.platform.kafka.KafkaTestSupport.committed;
import static io.zunvx.platform.kafka.KafkaTestSupport.endOffsets;
import static io.zunvx.platform.kafka.KafkaTestSupport.event;
import static io.zunvx.platform.kafka.KafkaTestSupport.eventually;
import static io.zunvx.platform.kafka.KafkaTestSupport.find;
import static io.zunvx.platform.kafka.KafkaTestSupport.header;
import static io.zunvx.platform.kafka.KafkaTestSupport.number;
import static io.zunvx.platform.kafka.KafkaTestSupport.unique;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.zunvx.embedded.EmbeddedKafka;
import io.zunvx.model.Topics;
import io.zunvx.platform.app.TestVertx;
import io.zunvx.platform.outbox.OutboxMessage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Function;
import java.util.regex.Pattern;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The record loop against a real (embedded) broker: order, commits, retries, dead letters, redelivery. */
class KafkaLoopIT {
    private static final String SOURCE = "/zunvx/test";

    @TempDir
    static Path dir;

    private static EmbeddedKafka kafka;
    private static Vertx vertx;
    private static KafkaSettings settings;
    private static EventPublisher publisher;
    private static Admin admin;

    private final List<RecordLoop> loops = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startKafka() {
        long t0 = System.nanoTime();
        kafka = new EmbeddedKafka(dir, 0).start();
        System.out.printf("embedded Kafka started in %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        vertx = TestVertx.create();
        settings = new KafkaSettings(kafka.bootstrapServers(), "loop-it");
        publisher = new EventPublisher(vertx, settings, "publisher");
        admin = KafkaTestSupport.admin(kafka.bootstrapServers());
        await(KafkaTopics.ensure(vertx, settings, Map.of(Topics.DEAD_LETTER, 1)));
    }

    @AfterAll
    static void stopKafka() {
        if (admin != null) {
            admin.close();
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
    }

    @AfterEach
    void stopLoops() {
        loops.forEach(l -> await(l.stop()));
    }

    @Test
    void everyRecordOnceInOrderPerKeyAndOffsetsCommitted() {
        // GIVEN a running loop whose handler finishes after a random short delay, so keys overtake one another
        String topic = topic(4);
        String group = unique("g-order");
        Map<String, List<Integer>> handled = new ConcurrentHashMap<>();
        Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
        AtomicBoolean overlapped = new AtomicBoolean();
        AtomicInteger total = new AtomicInteger();
        start(RecordLoop.of(vertx, settings, group, List.of(topic), c -> {
            if (inFlight.computeIfAbsent(c.key(), k -> new AtomicInteger()).incrementAndGet() > 1) {
                overlapped.set(true);
            }
            return vertx.timer(ThreadLocalRandom.current().nextInt(1, 6), TimeUnit.MILLISECONDS).map(v -> {
                inFlight.get(c.key()).decrementAndGet();
                handled.computeIfAbsent(c.key(), k -> Collections.synchronizedList(new ArrayList<>())).add(number(c));
                total.incrementAndGet();
                return null;
            });
        }));

        // WHEN 100 events for 10 keys are published, 10 per key in order
        List<Future<Void>> sends = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            sends.add(publisher.publish(event(topic, "key-" + (i % 10), i / 10), SOURCE));
        }
        await(Future.all(sends));

        // THEN every event is handled once, each key's in order and never two of one key at a time
        eventually("100 records handled", () -> total.get() >= 100);
        List<Integer> inOrder = IntStream.range(0, 10).boxed().toList();
        for (int k = 0; k < 10; k++) {
            assertEquals(inOrder, List.copyOf(handled.get("key-" + k)), "key-" + k);
        }
        assertFalse(overlapped.get(), "two records of one key were in the handler at once");

        // AND the group's committed offsets reach the end of every partition
        Map<Integer, Long> ends = endOffsets(admin, topic, 4);
        eventually("offsets committed to the end", () -> ends.equals(committed(admin, group, topic)));
        assertEquals(100, total.get());
    }

    @Test
    void failedHandlerIsRetriedAndLaterRecordsOfItsKeyWait() {
        // GIVEN a handler that fails the first time it sees record 3 of key "k"
        String topic = topic(2);
        List<String> calls = new CopyOnWriteArrayList<>();
        List<Integer> handledK = new CopyOnWriteArrayList<>();
        AtomicInteger handledOther = new AtomicInteger();
        AtomicInteger attemptsOn3 = new AtomicInteger();
        start(RecordLoop.of(vertx, settings, unique("g-retry"), List.of(topic), c -> {
            int n = number(c);
            if (!"k".equals(c.key())) {
                handledOther.incrementAndGet();
                return Future.succeededFuture();
            }
            calls.add("k" + n);
            if (n == 3 && attemptsOn3.incrementAndGet() == 1) {
                return Future.failedFuture(new IllegalStateException("transient"));
            }
            handledK.add(n);
            return Future.succeededFuture();
        }));

        // WHEN ten records of "k" and ten of another key are published
        List<Future<Void>> sends = new ArrayList<>();
        for (int n = 0; n < 10; n++) {
            sends.add(publisher.publish(event(topic, "k", n), SOURCE));
            sends.add(publisher.publish(event(topic, "other", n), SOURCE));
        }
        await(Future.all(sends));

        // THEN record 3 is tried twice and record 4 is only called after the retry succeeded
        eventually("all of k handled", () -> handledK.size() == 10);
        eventually("all of the other key handled", () -> handledOther.get() == 10);
        assertEquals(2, attemptsOn3.get());
        assertEquals(List.of("k0", "k1", "k2", "k3", "k3", "k4", "k5", "k6", "k7", "k8", "k9"), List.copyOf(calls));
        assertEquals(IntStream.range(0, 10).boxed().toList(), List.copyOf(handledK));
    }

    @Test
    void offsetIsCommittedOnlyAfterTheHandlerSucceeded() {
        // GIVEN a one-partition topic holding two records, and a loop whose handler does not finish the first until
        // released (published beforehand so that both come in one batch)
        String topic = topic(1);
        String group = unique("g-commit");
        await(publisher.publish(event(topic, "slow", 0), SOURCE));
        await(publisher.publish(event(topic, "fast", 0), SOURCE));
        AtomicReference<Promise<Void>> slow = new AtomicReference<>();
        AtomicBoolean fastHandled = new AtomicBoolean();
        start(RecordLoop.of(vertx, settings, group, List.of(topic), c -> {
            if ("slow".equals(c.key())) {
                Promise<Void> p = Promise.promise();
                slow.set(p);
                return p.future();
            }
            fastHandled.set(true);
            return Future.succeededFuture();
        }));

        // WHEN the later record of another key is done but the first is still in the handler
        eventually("both handlers called", () -> slow.get() != null && fastHandled.get());

        // THEN nothing is committed, however long we look (a bounded look, since this checks an absence)
        long lookUntil = System.nanoTime() + Duration.ofSeconds(1).toNanos();
        while (System.nanoTime() < lookUntil) {
            assertNull(committed(admin, group, topic).get(0), "committed before the handler succeeded");
        }

        // AND once the handler succeeds, both offsets are committed
        slow.get().complete();
        eventually("offset 2 committed", () -> Long.valueOf(2).equals(committed(admin, group, topic).get(0)));
    }

    @Test
    void permanentFailureGoesToTheDeadLetterTopicAndTheLoopContinues() {
        // GIVEN a handler that always fails on the first record of key "poison"
        String topic = topic(1);
        String group = unique("g-dlq");
        Set<String> handled = ConcurrentHashMap.newKeySet();
        AtomicInteger poisonAttempts = new AtomicInteger();
        start(RecordLoop.of(vertx, settings, group, List.of(topic), c -> {
            String id = c.key() + number(c);
            if (id.equals("poison0")) {
                poisonAttempts.incrementAndGet();
                return Future.failedFuture(new IllegalStateException("boom on " + id));
            }
            handled.add(id);
            return Future.succeededFuture();
        }));

        // WHEN it is followed by more records of that key and of another
        OutboxMessage poison = event(topic, "poison", 0);
        await(publisher.publish(event(topic, "a", 0), SOURCE));
        await(publisher.publish(poison, SOURCE));
        await(publisher.publish(event(topic, "poison", 1), SOURCE));
        await(publisher.publish(event(topic, "a", 1), SOURCE));

        // THEN after three attempts the loop moves on and handles everything else
        eventually("the rest handled", () -> handled.containsAll(Set.of("a0", "poison1", "a1")));
        assertEquals(3, poisonAttempts.get());
        eventually("all four offsets committed", () -> Long.valueOf(4).equals(committed(admin, group, topic).get(0)));

        // AND the record is in zunvx.dlq with its origin, the reason and its original value and headers
        ConsumerRecord<String, byte[]> dead = find(kafka.bootstrapServers(), Topics.DEAD_LETTER,
                r -> topic.equals(header(r, RecordLoop.DLQ_TOPIC)));
        assertEquals("poison", dead.key());
        assertEquals("0", header(dead, RecordLoop.DLQ_PARTITION));
        assertEquals("1", header(dead, RecordLoop.DLQ_OFFSET));
        assertTrue(header(dead, RecordLoop.DLQ_REASON).contains("boom on poison0"), header(dead, RecordLoop.DLQ_REASON));
        assertEquals(poison.id().toString(), header(dead, "ce_id"));
        assertEquals(poison.type(), header(dead, "ce_type"));
        assertArrayEquals(poison.data().getBytes(StandardCharsets.UTF_8), dead.value());
    }

    @Test
    void undecodableRecordGoesStraightToTheDeadLetterTopic() throws Exception {
        // GIVEN a dedicated dead-letter topic and a loop on a topic that receives a record which is no CloudEvent
        String topic = topic(1);
        String deadLetters = topic(1);
        List<String> handled = new CopyOnWriteArrayList<>();
        start(RecordLoop.of(vertx, settings, unique("g-junk"), List.of(topic),
                RecordLoop.Options.defaults().withDeadLetterTopic(deadLetters), c -> {
                    handled.add(c.key());
                    return Future.succeededFuture();
                }));
        Properties p = new Properties();
        p.put("bootstrap.servers", kafka.bootstrapServers());
        byte[] junk = "not a cloud event".getBytes(StandardCharsets.UTF_8);
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(p, new StringSerializer(),
                new ByteArraySerializer())) {
            raw.send(new ProducerRecord<>(topic, "junk", junk)).get(10, TimeUnit.SECONDS);
        }

        // WHEN a valid event follows it
        await(publisher.publish(event(topic, "ok", 0), SOURCE));

        // THEN the handler never sees the junk, the valid event is handled and the junk is dead-lettered
        eventually("valid event handled", () -> handled.contains("ok"));
        assertEquals(List.of("ok"), List.copyOf(handled));
        ConsumerRecord<String, byte[]> dead = find(kafka.bootstrapServers(), deadLetters, r -> true);
        assertEquals("junk", dead.key());
        assertArrayEquals(junk, dead.value());
        assertEquals(topic, header(dead, RecordLoop.DLQ_TOPIC));
        assertEquals("0", header(dead, RecordLoop.DLQ_OFFSET));
        assertTrue(header(dead, RecordLoop.DLQ_REASON).startsWith("undecodable CloudEvent"),
                header(dead, RecordLoop.DLQ_REASON));
    }

    @Test
    void recordWhoseHandlerDidNotFinishIsRedeliveredToTheNextLoopOfTheGroup() {
        // GIVEN three records (published first, so they come in one batch) and a loop whose handler never finishes
        // the middle one, "stuck", and which waits only briefly when stopped
        String topic = topic(1);
        String group = unique("g-redeliver");
        await(publisher.publish(event(topic, "a", 0), SOURCE));
        await(publisher.publish(event(topic, "stuck", 0), SOURCE));
        await(publisher.publish(event(topic, "b", 0), SOURCE));
        Set<String> first = ConcurrentHashMap.newKeySet();
        AtomicBoolean stuckCalled = new AtomicBoolean();
        RecordLoop loop1 = start(RecordLoop.of(vertx, settings, group, List.of(topic),
                RecordLoop.Options.defaults().withStopTimeout(Duration.ofMillis(300)), c -> {
                    if ("stuck".equals(c.key())) {
                        stuckCalled.set(true);
                        return Promise.<Void>promise().future();
                    }
                    first.add(c.key());
                    return Future.succeededFuture();
                }));
        eventually("first loop busy with stuck", () -> stuckCalled.get() && first.containsAll(Set.of("a", "b")));

        // WHEN that loop is stopped with the handler unfinished, and a new loop joins the group
        await(loop1.stop());
        assertEquals(1L, committed(admin, group, topic).get(0), "only the record before the stuck one is committed");
        List<String> second = new CopyOnWriteArrayList<>();
        start(RecordLoop.of(vertx, settings, group, List.of(topic), c -> {
            second.add(c.key());
            return Future.succeededFuture();
        }));

        // THEN the new loop gets the stuck record again (and what followed it), but not what was committed
        eventually("stuck record redelivered", () -> second.contains("stuck") && second.contains("b"));
        assertEquals(List.of("stuck", "b"), List.copyOf(second));
        eventually("offsets committed to the end", () -> Long.valueOf(3).equals(committed(admin, group, topic).get(0)));
    }

    @Test
    void twoLoopsShareTheGroupAndAfterOneLeavesTheOtherTakesAll() {
        // GIVEN loop A alone in a group on a four-partition topic
        String topic = topic(4);
        String group = unique("g-rebalance");
        Map<String, List<Integer>> byA = new ConcurrentHashMap<>();
        Map<String, List<Integer>> byB = new ConcurrentHashMap<>();
        Set<String> all = ConcurrentHashMap.newKeySet();
        Function<Map<String, List<Integer>>, Function<Consumed, Future<Void>>> recording = into -> c -> {
            into.computeIfAbsent(c.key(), k -> new CopyOnWriteArrayList<>()).add(number(c));
            all.add(c.key() + "/" + number(c));
            return Future.succeededFuture();
        };
        RecordLoop a = start(RecordLoop.of(vertx, settings, group, List.of(topic), recording.apply(byA)));
        publishNumbered(topic, 0, 4);
        eventually("A handled the first round", () -> all.size() == 40);

        // WHEN loop B joins, more records arrive, then A leaves and more arrive again
        start(RecordLoop.of(vertx, settings, group, Pattern.compile(Pattern.quote(topic)), recording.apply(byB)));
        publishNumbered(topic, 4, 8);
        eventually("second round handled", () -> all.size() == 80);
        await(a.stop());
        publishNumbered(topic, 8, 12);

        // THEN every record is handled, each loop saw each key's records in order, and B handled the last round
        eventually("third round handled", () -> all.size() == 120);
        for (Map<String, List<Integer>> seen : List.of(byA, byB)) {
            seen.forEach((key, ns) -> assertEquals(ns.stream().sorted().toList(), List.copyOf(ns), key));
        }
        for (int k = 0; k < 10; k++) {
            assertTrue(byB.get("key-" + k).containsAll(List.of(8, 9, 10, 11)), "key-" + k + ": " + byB.get("key-" + k));
        }
        Map<Integer, Long> ends = endOffsets(admin, topic, 4);
        eventually("offsets committed to the end", () -> ends.equals(committed(admin, group, topic)));
    }

    private void publishNumbered(String topic, int from, int to) {
        List<Future<Void>> sends = new ArrayList<>();
        for (int n = from; n < to; n++) {
            for (int k = 0; k < 10; k++) {
                sends.add(publisher.publish(event(topic, "key-" + k, n), SOURCE));
            }
        }
        await(Future.all(sends));
    }

    private RecordLoop start(RecordLoop loop) {
        loops.add(loop);
        await(loop.start());
        return loop;
    }

    private static String topic(int partitions) {
        String name = unique("zunvx.test");
        await(KafkaTopics.ensure(vertx, settings, Map.of(name, partitions)));
        return name;
    }
}
