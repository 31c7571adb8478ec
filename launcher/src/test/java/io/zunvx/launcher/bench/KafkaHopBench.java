package io.zunvx.launcher.bench;

import io.zunvx.embedded.EmbeddedKafka;
import io.zunvx.platform.kafka.KafkaSettings;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * One Kafka hop as the platform's clients make it, measured on an embedded broker: a record produced with the
 * platform's producer settings ({@code acks=all}, idempotent, one request in flight) until a consumer of the
 * platform's consumer settings receives it, one record at a time, after a warm-up. Variants change one client
 * setting each (producer {@code linger.ms}, consumer {@code fetch.max.wait.ms} and {@code fetch.min.bytes}), so
 * the settings are chosen by measurement. Prints {@code ROW|variant|n|p50 ms|p99 ms|max ms}.
 *
 * <p>Not a test: run its {@code main} with the test classpath ({@code scripts/bench.sh}). Argument: records per
 * variant (default 500).
 */
public final class KafkaHopBench {
    private KafkaHopBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        Path data = Files.createTempDirectory("zunvx-kafka-bench");
        try (EmbeddedKafka kafka = new EmbeddedKafka(data, freePort()).start()) {
            KafkaSettings settings = new KafkaSettings(kafka.bootstrapServers(), "bench");
            String topic = "bench-hop-" + UUID.randomUUID();
            try (Admin admin = Admin.create(new HashMap<>(settings.adminConfig("bench-admin")))) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
            }
            hop("platform settings", settings, topic, n, Map.of(), Map.of());
            hop("producer linger.ms=5 (Kafka's default)", settings, topic, n,
                    Map.of(ProducerConfig.LINGER_MS_CONFIG, "5"), Map.of());
            hop("consumer fetch.max.wait.ms=10", settings, topic, n, Map.of(),
                    Map.of(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, "10"));
            hop("consumer fetch.min.bytes=1024", settings, topic, n, Map.of(),
                    Map.of(ConsumerConfig.FETCH_MIN_BYTES_CONFIG, "1024"));
        }
    }

    private static void hop(String variant, KafkaSettings settings, String topic, int n,
                            Map<String, String> producerChanges, Map<String, String> consumerChanges) {
        Map<String, Object> pc = new HashMap<>(settings.producerConfig("bench-producer"));
        pc.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        pc.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        pc.putAll(producerChanges);
        Map<String, Object> cc = new HashMap<>(settings.consumerConfig("bench-" + UUID.randomUUID()));
        cc.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cc.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cc.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        cc.putAll(consumerChanges);
        byte[] payload = new byte[600];
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(pc);
             KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(cc)) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (consumer.assignment().isEmpty()) {
                if (System.nanoTime() > deadline) {
                    throw new IllegalStateException("the consumer got no partition in 60 s");
                }
                consumer.poll(Duration.ofMillis(100));
            }
            // Resolve "latest" now, so that the first record produced is not before the consumer's position.
            consumer.assignment().forEach(consumer::position);
            List<Double> ms = new ArrayList<>();
            int warmup = Math.max(20, n / 5);
            for (int i = 0; i < warmup + n; i++) {
                String key = "k" + i;
                long t0 = System.nanoTime();
                producer.send(new ProducerRecord<>(topic, key, payload));
                awaitKey(consumer, key);
                if (i >= warmup) {
                    ms.add((System.nanoTime() - t0) / 1e6);
                }
            }
            Collections.sort(ms);
            System.out.printf(Locale.ROOT, "ROW|%s|%d|%.2f|%.2f|%.2f%n", variant, ms.size(), pct(ms, 50), pct(ms, 99),
                    ms.getLast());
        }
    }

    private static void awaitKey(KafkaConsumer<String, byte[]> consumer, String key) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(100))) {
                if (key.equals(r.key())) {
                    return;
                }
            }
        }
        throw new IllegalStateException("record " + key + " did not arrive in 30 s");
    }

    private static double pct(List<Double> sorted, int p) {
        int i = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(i, sorted.size() - 1)));
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
