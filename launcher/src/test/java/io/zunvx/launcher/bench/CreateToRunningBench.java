package io.zunvx.launcher.bench;

import io.vertx.core.json.JsonObject;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.launcher.AllInOne;
import io.zunvx.model.Container;
import io.zunvx.model.Topics;
import io.zunvx.platform.config.ZunvxConfig;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Create-to-Running through the whole platform versus Docker's own create+start on the same engine.
 *
 * <p>Platform: the time from sending {@code POST /v1/containers?run=true} to receiving the container's
 * {@code Running} state event on Kafka (API → outbox → Kafka → scheduler → Kafka → compute → Docker → PostgreSQL →
 * outbox → Kafka). Docker: docker-java create+start of the same busybox container, with the same labels and limits.
 * Run with {@code scripts/bench-create.sh [N]}; results are recorded in {@code docs/benchmarks.md}.
 */
public final class CreateToRunningBench {
    private CreateToRunningBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        int warmup = 5;
        Path data = Files.createTempDirectory("zunvx-bench");
        String host = "bench-" + UUID.randomUUID().toString().substring(0, 6);
        int apiPort = freePort();
        ZunvxConfig config = ZunvxConfig.from(Map.of(
                "ZUNVX_DATA_DIR", data.toString(),
                "ZUNVX_API_PORT", String.valueOf(apiPort),
                "ZUNVX_API_HOST", "127.0.0.1",
                "ZUNVX_COMPUTE_INTERNAL_PORT", String.valueOf(freePort()),
                "ZUNVX_COMPUTE_HOST", host,
                "ZUNVX_COMPUTE_NETWORK", "none",
                "ZUNVX_ADMIN_PASSWORD", "bench"));
        try (AllInOne aio = AllInOne.start(config);
             DockerContainerDriver docker = new DockerContainerDriver(config.compute().dockerHost());
             KafkaConsumer<String, byte[]> events = consumer(aio.kafkaBootstrapServers())) {
            HttpClient http = HttpClient.newHttpClient();
            String token = aio.adminToken();

            List<Double> direct = new ArrayList<>();
            for (int i = 0; i < warmup + n; i++) {
                Container c = Container.builder().uuid(UUID.randomUUID()).name("bench").projectId("bench")
                        .image("busybox").command(List.of("sleep", "300")).cpu(0.1).memory(32).build();
                long t0 = System.nanoTime();
                String id = docker.create(c, host + "-direct", "none");
                docker.start(id);
                long t1 = System.nanoTime();
                if (i >= warmup) {
                    direct.add((t1 - t0) / 1e6);
                }
                docker.remove(id, true);
            }

            List<Double> platform = new ArrayList<>();
            List<String> created = new ArrayList<>();
            for (int i = 0; i < warmup + n; i++) {
                long t0 = System.nanoTime();
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                                URI.create("http://127.0.0.1:" + apiPort + "/v1/containers?run=true"))
                        .header("X-Auth-Token", token).header("Content-Type", "application/json")
                        .header("OpenStack-API-Version", "container 1.40")
                        .POST(HttpRequest.BodyPublishers.ofString(
                                "{\"image\":\"busybox\",\"command\":[\"sleep\",\"300\"],\"cpu\":0.1,\"memory\":32}"))
                        .build(), HttpResponse.BodyHandlers.ofString());
                String uuid = new JsonObject(r.body()).getString("uuid");
                created.add(uuid);
                long t1 = awaitRunning(events, uuid);
                if (i >= warmup) {
                    platform.add((t1 - t0) / 1e6);
                }
            }
            for (String uuid : created) {
                http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/v1/containers/" + uuid
                                + "?force=true")).header("X-Auth-Token", token).DELETE().build(),
                        HttpResponse.BodyHandlers.ofString());
            }
            report("docker create+start (docker-java)", direct);
            report("zunvx POST run=true -> Running event", platform);
            System.out.printf("added by the platform at the median: %.1f ms%n",
                    percentile(platform, 50) - percentile(direct, 50));
        }
    }

    private static long awaitRunning(KafkaConsumer<String, byte[]> events, String uuid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : events.poll(Duration.ofMillis(5))) {
                if (uuid.equals(r.key())) {
                    JsonObject c = new JsonObject(new String(r.value(), StandardCharsets.UTF_8))
                            .getJsonObject("container");
                    if ("Running".equals(c.getString("status")) && c.getValue("task_state") == null) {
                        return System.nanoTime();
                    }
                }
            }
        }
        throw new IllegalStateException("container " + uuid + " did not reach Running");
    }

    private static void report(String what, List<Double> ms) {
        System.out.printf("%-40s n=%d  p50=%.1f ms  p90=%.1f ms  p99=%.1f ms  mean=%.1f ms%n", what, ms.size(),
                percentile(ms, 50), percentile(ms, 90), percentile(ms, 99),
                ms.stream().mapToDouble(Double::doubleValue).average().orElse(0));
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(i, s.size() - 1)));
    }

    private static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
        Properties p = new Properties();
        p.put("bootstrap.servers", bootstrap);
        p.put("group.id", "bench-" + UUID.randomUUID());
        p.put("auto.offset.reset", "latest");
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", ByteArrayDeserializer.class.getName());
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p);
        c.subscribe(List.of(Topics.CONTAINER_EVENTS));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (c.assignment().isEmpty() && System.nanoTime() < deadline) {
            c.poll(Duration.ofMillis(100));
        }
        return c;
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
