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
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.HashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>Arguments: {@code N [network] [samples-file] [clients launches]}. Besides the create-to-Running row it prints
 * {@code EVENT|n|p50 ms|p99 ms}: for each measured Running event, from the {@code time} the platform recorded the state
 * change to the benchmark's Kafka consumer receiving it (one clock: the same machine). With {@code clients} and
 * {@code launches} it then launches {@code launches} containers from {@code clients} concurrent clients, docker-java
 * create+start with as many threads and the platform's POST to Running event, two rounds interleaved, and prints
 * {@code CONCURRENT|clients|launches|docker launches/s|platform launches/s|platform p50 ms|platform p99 ms|n}.
 */
public final class CreateToRunningBench {
    private CreateToRunningBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 40;
        String network = args.length > 1 ? args[1] : "none";
        Path samples = args.length > 2 && !args[2].isEmpty() ? Path.of(args[2]) : null;
        int clients = args.length > 4 ? Integer.parseInt(args[3]) : 0;
        int launches = args.length > 4 ? Integer.parseInt(args[4]) : 0;
        int warmup = 5;
        Path data = Files.createTempDirectory("zunvx-bench");
        // scripts/bench.sh gives its run's tag, by which it removes whatever a killed step left behind.
        String host = System.getenv().getOrDefault("BENCH_TAG", "bench") + "-"
                + UUID.randomUUID().toString().substring(0, 6);
        int apiPort = freePort();
        ZunvxConfig config = ZunvxConfig.from(Map.of(
                "ZUNVX_DATA_DIR", data.toString(),
                "ZUNVX_API_PORT", String.valueOf(apiPort),
                "ZUNVX_API_HOST", "127.0.0.1",
                "ZUNVX_WSPROXY_PORT", String.valueOf(freePort()),
                "ZUNVX_OPS_PORT", String.valueOf(freePort()),
                "ZUNVX_COMPUTE_INTERNAL_PORT", String.valueOf(freePort()),
                "ZUNVX_COMPUTE_HOST", host,
                "ZUNVX_COMPUTE_NETWORK", network,
                "ZUNVX_ADMIN_PASSWORD", "bench"));
        List<String> created = Collections.synchronizedList(new ArrayList<>());
        try (AllInOne aio = AllInOne.start(config);
             DockerContainerDriver docker = new DockerContainerDriver(config.compute().dockerHost());
             KafkaConsumer<String, byte[]> events = consumer(aio.kafkaBootstrapServers())) {
            HttpClient http = HttpClient.newHttpClient();
            String token = aio.adminToken();
            raiseQuota(http, apiPort, token, warmup + n + 2 * launches);
            // The platform creates its network on start; docker-java joins the same one.
            String dockerNetwork = network;
            List<Double> direct = new ArrayList<>();
            List<Double> platform = new ArrayList<>();
            List<Double> eventLag = new ArrayList<>();
            double[] concurrent = null;
            try {
                // Interleaved: one direct create+start, then one through the platform, so both see the same engine.
                for (int i = 0; i < warmup + n; i++) {
                    Container c = Container.builder().uuid(UUID.randomUUID()).name("bench").projectId("bench")
                            .image("busybox").command(List.of("sleep", "300")).cpu(0.1).memory(32).build();
                    long t0 = System.nanoTime();
                    String id = docker.create(c, host + "-direct", dockerNetwork);
                    docker.start(id);
                    long t1 = System.nanoTime();
                    docker.remove(id, true);
                    if (i >= warmup) {
                        direct.add((t1 - t0) / 1e6);
                    }

                    t0 = System.nanoTime();
                    String uuid = run(http, apiPort, token);
                    created.add(uuid);
                    Running running = awaitRunning(events, uuid);
                    if (i >= warmup) {
                        platform.add((running.nanos() - t0) / 1e6);
                        eventLag.add(running.lagMillis());
                    }
                }
                if (clients > 0) {
                    concurrent = concurrent(docker, http, events, apiPort, token, host, dockerNetwork, clients,
                            launches, created);
                }
            } finally {
                for (String uuid : created) {
                    http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + apiPort + "/v1/containers/"
                                    + uuid + "?force=true")).header("X-Auth-Token", token).DELETE().build(),
                            HttpResponse.BodyHandlers.ofString());
                }
                awaitGone(docker, host);
            }
            report("docker create+start (docker-java)", direct);
            report("zunvx POST run=true -> Running event", platform);
            System.out.printf(Locale.ROOT, "added by the platform at the median: %.1f ms%n",
                    percentile(platform, 50) - percentile(direct, 50));
            System.out.printf(Locale.ROOT, "ROW|%s|%d|%.1f|%.1f|%.1f|%.1f%n", network, n,
                    percentile(direct, 50), percentile(direct, 99), percentile(platform, 50),
                    percentile(platform, 99));
            System.out.printf(Locale.ROOT, "EVENT|%d|%.2f|%.2f%n", eventLag.size(), percentile(eventLag, 50),
                    percentile(eventLag, 99));
            if (concurrent != null) {
                System.out.printf(Locale.ROOT, "CONCURRENT|%d|%d|%.2f|%.2f|%.1f|%.1f|%d%n", clients, launches,
                        concurrent[0], concurrent[1], concurrent[2], concurrent[3], (int) concurrent[4]);
            }
            if (samples != null) {
                StringBuilder out = new StringBuilder();
                for (int i = 0; i < n; i++) {
                    out.append(String.format(Locale.ROOT, "%.2f %.2f%n", direct.get(i), platform.get(i)));
                }
                Files.writeString(samples, out);
            }
        }
    }

    /**
     * Waits (a minute at most) until the engine holds no container of the platform's host any more, then removes
     * whatever is left.
     */
    private static void awaitGone(DockerContainerDriver docker, String host) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (docker.listManaged(host).isEmpty()) {
                return;
            }
            Thread.sleep(200);
        }
        // The platform did not get to them in time (a loaded machine): the benchmark removes its own leftovers.
        docker.listManaged(host).forEach(o -> docker.remove(o.id(), true));
    }

    /** {@code POST /v1/containers?run=true} of the benchmark's container; its uuid. */
    private static String run(HttpClient http, int apiPort, String token) throws Exception {
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + apiPort + "/v1/containers?run=true"))
                .header("X-Auth-Token", token).header("Content-Type", "application/json")
                .header("OpenStack-API-Version", "container 1.40")
                .POST(HttpRequest.BodyPublishers.ofString("{\"image\":\"busybox\",\"command\":"
                        + "[\"sleep\",\"300\"],\"cpu\":0.1,\"memory\":32}"))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 202) {
            throw new IllegalStateException("create answered " + r.statusCode() + ": " + r.body());
        }
        return new JsonObject(r.body()).getString("uuid");
    }

    /**
     * Gives the admin's project room for every container this run keeps at once (the default quota is 40
     * containers): the quota is still checked on every create, with limits that fit the benchmark.
     */
    private static void raiseQuota(HttpClient http, int apiPort, String token, int containers) throws Exception {
        String project = new JsonObject(new String(Base64.getUrlDecoder().decode(token.split("\\.")[1]),
                StandardCharsets.UTF_8)).getString("project_id");
        HttpResponse<String> r = http.send(HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + apiPort + "/v1/quotas/" + project))
                .header("X-Auth-Token", token).header("Content-Type", "application/json")
                .header("OpenStack-API-Version", "container 1.40")
                .PUT(HttpRequest.BodyPublishers.ofString(new JsonObject().put("containers", containers + 10)
                        .put("cpu", containers + 10).put("memory", 64 * (containers + 10)).encode()))
                .build(), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() != 200) {
            throw new IllegalStateException("setting the bench project's quota answered " + r.statusCode() + ": "
                    + r.body());
        }
    }

    /** When the benchmark saw a container's Running event, and how long after the recorded change it arrived. */
    record Running(long nanos, double lagMillis) {
    }

    static Running awaitRunning(KafkaConsumer<String, byte[]> events, String uuid) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> r : events.poll(Duration.ofMillis(5))) {
                Running running = running(r);
                if (running != null && uuid.equals(r.key())) {
                    return running;
                }
            }
        }
        throw new IllegalStateException("container " + uuid + " did not reach Running");
    }

    /** The record as a Running event (received now), or {@code null} if it is another state. */
    private static Running running(ConsumerRecord<String, byte[]> r) {
        long nanos = System.nanoTime();
        Instant received = Instant.now();
        JsonObject data = new JsonObject(new String(r.value(), StandardCharsets.UTF_8));
        JsonObject c = data.getJsonObject("container");
        if (c == null || !"Running".equals(c.getString("status")) || c.getValue("task_state") != null) {
            return null;
        }
        Instant changed = Instant.parse(data.getString("time"));
        return new Running(nanos, Duration.between(changed, received).toNanos() / 1e6);
    }

    /**
     * {@code launches} containers from {@code clients} concurrent clients, two rounds, each a docker-java round (as
     * many threads, create+start) then a platform round (POST, then its Running event), on the same engine.
     *
     * @return docker launches/s, platform launches/s, platform p50 and p99 ms, and n (the medians of the rounds'
     *         rates; the percentiles over every platform launch)
     */
    private static double[] concurrent(DockerContainerDriver docker, HttpClient http,
                                       KafkaConsumer<String, byte[]> events, int apiPort, String token, String host,
                                       String network, int clients, int launches, List<String> created)
            throws Exception {
        List<Double> dockerRates = new ArrayList<>();
        List<Double> platformRates = new ArrayList<>();
        List<Double> latencies = Collections.synchronizedList(new ArrayList<>());
        ExecutorService pool = Executors.newFixedThreadPool(clients);
        try {
            for (int round = 0; round < 2; round++) {
                List<String> ids = Collections.synchronizedList(new ArrayList<>());
                long t0 = System.nanoTime();
                List<Future<?>> done = new ArrayList<>();
                for (int i = 0; i < launches; i++) {
                    done.add(pool.submit(() -> {
                        Container c = Container.builder().uuid(UUID.randomUUID()).name("bench").projectId("bench")
                                .image("busybox").command(List.of("sleep", "300")).cpu(0.1).memory(32).build();
                        String id = docker.create(c, host + "-direct", network);
                        ids.add(id);
                        docker.start(id);
                        return null;
                    }));
                }
                try {
                    for (Future<?> f : done) {
                        f.get(5, TimeUnit.MINUTES);
                    }
                    dockerRates.add(launches / ((System.nanoTime() - t0) / 1e9));
                } finally {
                    for (String id : ids) {
                        docker.remove(id, true);
                    }
                }

                Map<String, Long> sent = new ConcurrentHashMap<>();
                t0 = System.nanoTime();
                done.clear();
                for (int i = 0; i < launches; i++) {
                    done.add(pool.submit(() -> {
                        long s0 = System.nanoTime();
                        String uuid = run(http, apiPort, token);
                        created.add(uuid);
                        sent.put(uuid, s0);
                        return null;
                    }));
                }
                // The consumer stays on this thread; Running events may arrive before their POST has answered.
                Map<String, Long> running = new HashMap<>();
                long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
                while (sent.size() < launches || !running.keySet().containsAll(sent.keySet())) {
                    if (System.nanoTime() > deadline) {
                        throw new IllegalStateException("only " + running.keySet().stream().filter(sent::containsKey)
                                .count() + " of " + launches + " concurrent launches reached Running in 5 minutes");
                    }
                    for (Future<?> f : done) {
                        if (f.isDone()) {
                            f.get();
                        }
                    }
                    for (ConsumerRecord<String, byte[]> r : events.poll(Duration.ofMillis(5))) {
                        Running seen = running(r);
                        if (seen != null) {
                            running.putIfAbsent(r.key(), seen.nanos());
                        }
                    }
                }
                long end = sent.keySet().stream().mapToLong(running::get).max().orElseThrow();
                platformRates.add(launches / ((end - t0) / 1e9));
                sent.forEach((uuid, at) -> latencies.add((running.get(uuid) - at) / 1e6));
            }
        } finally {
            pool.shutdownNow();
        }
        return new double[] {percentile(dockerRates, 50), percentile(platformRates, 50), percentile(latencies, 50),
                percentile(latencies, 99), latencies.size()};
    }

    static void report(String what, List<Double> ms) {
        System.out.printf(Locale.ROOT, "%-40s n=%d  p50=%.1f ms  p90=%.1f ms  p99=%.1f ms  mean=%.1f ms%n", what, ms.size(),
                percentile(ms, 50), percentile(ms, 90), percentile(ms, 99),
                ms.stream().mapToDouble(Double::doubleValue).average().orElse(0));
    }

    static double percentile(List<Double> values, int p) {
        List<Double> s = new ArrayList<>(values);
        Collections.sort(s);
        int i = (int) Math.ceil(p / 100.0 * s.size()) - 1;
        return s.get(Math.max(0, Math.min(i, s.size() - 1)));
    }

    static KafkaConsumer<String, byte[]> consumer(String bootstrap) {
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

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
