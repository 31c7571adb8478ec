package io.zunvx.platform.kafka;

import static io.zunvx.platform.kafka.KafkaTestSupport.await;
import static io.zunvx.platform.kafka.KafkaTestSupport.endOffsets;
import static io.zunvx.platform.kafka.KafkaTestSupport.event;
import static io.zunvx.platform.kafka.KafkaTestSupport.eventually;
import static io.zunvx.platform.kafka.KafkaTestSupport.find;
import static io.zunvx.platform.kafka.KafkaTestSupport.header;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.zunvx.embedded.EmbeddedKafka;
import io.zunvx.platform.app.TestVertx;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The embedded broker keeps its cluster, topics, records and consumer offsets across a restart on the same directory.
 */
class KafkaEmbeddedIT {
    private static final String GROUP = "restart-group";

    @TempDir
    Path dir;

    private final Vertx vertx = TestVertx.create();

    @AfterEach
    void closeVertx() {
        await(vertx.close());
    }

    @Test
    void restartOnTheSameDirectoryKeepsTopicsAndRecords() throws Exception {
        String topic = "zunvx.test.restart";
        String clusterId;
        int port;

        // GIVEN a fresh broker with a topic holding 20 records
        long t0 = System.nanoTime();
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir, 0).start()) {
            System.out.printf("embedded Kafka first start (format + start): %d ms%n",
                    (System.nanoTime() - t0) / 1_000_000);
            clusterId = kafka.clusterId();
            port = kafka.port();
            KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), "restart-it");
            await(KafkaTopics.ensure(vertx, settings, Map.of(topic, 2)));
            EventPublisher publisher = new EventPublisher(vertx, settings, "publisher");
            List<Future<Void>> sends = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                sends.add(publisher.publish(event(topic, "key-" + (i % 4), i / 4), "/zunvx/test"));
            }
            await(Future.all(sends));
            await(publisher.close());

            // AND a consumer group that has handled and committed all of them
            AtomicInteger handled = new AtomicInteger();
            RecordLoop loop = RecordLoop.of(vertx, settings, GROUP, List.of(topic), c -> {
                handled.incrementAndGet();
                return Future.succeededFuture();
            });
            await(loop.start());
            try (Admin admin = KafkaTestSupport.admin(kafka.bootstrapServers())) {
                eventually("group committed all 20", () -> KafkaTestSupport.committed(admin, GROUP, topic).values()
                        .stream().mapToLong(Long::longValue).sum() == 20);
            }
            await(loop.stop());
            assertEquals(20, handled.get());
        }

        // WHEN it is started again on the same directory and port
        long t1 = System.nanoTime();
        try (EmbeddedKafka kafka = new EmbeddedKafka(dir, port).start()) {
            System.out.printf("embedded Kafka restart: %d ms%n", (System.nanoTime() - t1) / 1_000_000);

            // THEN the cluster is the same, the topic is there with its partitions and all 20 records
            assertEquals(clusterId, kafka.clusterId());
            try (Admin admin = KafkaTestSupport.admin(kafka.bootstrapServers())) {
                Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
                assertTrue(names.contains(topic), "topics after restart: " + names);
                Map<Integer, Long> ends = endOffsets(admin, topic, 2);
                assertEquals(20L, ends.values().stream().mapToLong(Long::longValue).sum(), "records: " + ends);
            }
            var last = find(kafka.bootstrapServers(), topic, r -> "key-3".equals(r.key())
                    && "4".equals(header(r, "ce_sequence")));
            assertNotNull(header(last, "ce_id"));

            // AND ensuring the existing topic again is harmless
            KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), "restart-it");
            await(KafkaTopics.ensure(vertx, settings, Map.of(topic, 8)));

            // AND the group's committed offsets survived: a new member sees only what is published now
            EventPublisher publisher = new EventPublisher(vertx, settings, "publisher");
            await(publisher.publish(event(topic, "key-0", 5), "/zunvx/test"));
            await(publisher.close());
            List<String> seen = new CopyOnWriteArrayList<>();
            RecordLoop loop = RecordLoop.of(vertx, settings, GROUP, List.of(topic), c -> {
                seen.add(c.key() + "/" + KafkaTestSupport.number(c));
                return Future.succeededFuture();
            });
            await(loop.start());
            eventually("new record handled", () -> !seen.isEmpty());
            await(loop.stop());
            assertEquals(List.of("key-0/5"), List.copyOf(seen));
        }
    }
}
