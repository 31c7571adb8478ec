package io.zunvx.launcher.bench;

import io.vertx.core.json.JsonObject;
import io.zunvx.compute.docker.DockerVolumeDriver;
import io.zunvx.launcher.AllInOne;
import io.zunvx.platform.config.ZunvxConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;

/**
 * Create-to-Running of a container with one new sized volume ({@code mounts: [{size: 1}]}), with one existing volume
 * (mounted by each round's container in turn), and without volumes, interleaved in one run against one all-in-one, so
 * all three see the same machine. Each figure is {@code POST /v1/containers?run=true} to the {@code Running} state
 * event on Kafka. Run with {@code scripts/bench-volumes.sh [N]}; results are recorded in {@code docs/benchmarks.md}.
 */
public final class VolumeCreateBench {
    private VolumeCreateBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 20;
        int warmup = 3;
        Path data = Files.createTempDirectory("zunvx-bench");
        // scripts/bench.sh gives its run's tag, by which it removes whatever a killed step left behind.
        String host = System.getenv().getOrDefault("BENCH_TAG", "bench") + "-"
                + UUID.randomUUID().toString().substring(0, 6);
        int apiPort = CreateToRunningBench.freePort();
        ZunvxConfig config = ZunvxConfig.from(Map.of(
                "ZUNVX_DATA_DIR", data.toString(),
                "ZUNVX_API_PORT", String.valueOf(apiPort),
                "ZUNVX_API_HOST", "127.0.0.1",
                "ZUNVX_COMPUTE_INTERNAL_PORT", String.valueOf(CreateToRunningBench.freePort()),
                "ZUNVX_COMPUTE_HOST", host,
                "ZUNVX_COMPUTE_NETWORK", "none",
                "ZUNVX_ADMIN_PASSWORD", "bench",
                "ZUNVX_QUOTA_CONTAINERS", "1000"));
        String base = "http://127.0.0.1:" + apiPort;
        HttpClient http = HttpClient.newHttpClient();
        try (AllInOne aio = AllInOne.start(config);
             KafkaConsumer<String, byte[]> events = CreateToRunningBench.consumer(aio.kafkaBootstrapServers())) {
            String token = aio.adminToken();
            JsonObject made = send(http, token, "POST", base + "/volume/v3/admin/volumes",
                    "{\"volume\":{\"size\":1,\"name\":\"bench-shared\"}}").getJsonObject("volume");
            String shared = made.getString("id");
            awaitVolume(http, token, base, shared, "available");
            System.out.println("volume storage on " + host + ": enforced = "
                    + send(http, token, "GET", base + "/volume/v3/admin/volumes/" + shared, null)
                    .getJsonObject("volume").getJsonObject("metadata").getValue("zunvx:size_enforced"));

            List<Double> plain = new ArrayList<>();
            List<Double> sized = new ArrayList<>();
            List<Double> existing = new ArrayList<>();
            String common = "\"image\":\"busybox\",\"command\":[\"sleep\",\"300\"],\"cpu\":0.1,\"memory\":32";
            for (int i = 0; i < warmup + n; i++) {
                boolean counted = i >= warmup;
                measure(http, token, base, events, "{" + common + "}", counted ? plain : null);
                measure(http, token, base, events, "{" + common + ",\"mounts\":[{\"size\":1,\"destination\":"
                        + "\"/data\"}]}", counted ? sized : null);
                measure(http, token, base, events, "{" + common + ",\"mounts\":[{\"source\":\"" + shared
                        + "\",\"destination\":\"/data\"}]}", counted ? existing : null);
                awaitVolume(http, token, base, shared, "available");
            }
            CreateToRunningBench.report("no volume", plain);
            CreateToRunningBench.report("one new 1 GiB volume (size)", sized);
            CreateToRunningBench.report("one existing volume (source)", existing);
            send(http, token, "DELETE", base + "/volume/v3/admin/volumes/" + shared, null);
            awaitVolume(http, token, base, shared, "gone");
        } finally {
            DockerVolumeDriver volumes = DockerVolumeDriver.open(config.compute().dockerHost(),
                    data.resolve("volumes").toAbsolutePath());
            volumes.list(host).forEach(volumes::remove);
            volumes.close();
        }
    }

    /** One container: POST, wait for Running, then delete it (forced) and wait until its row is gone. */
    private static void measure(HttpClient http, String token, String base, KafkaConsumer<String, byte[]> events,
                                String body, List<Double> into) throws Exception {
        long t0 = System.nanoTime();
        String uuid = send(http, token, "POST", base + "/v1/containers?run=true", body).getString("uuid");
        long t1 = CreateToRunningBench.awaitRunning(events, uuid).nanos();
        if (into != null) {
            into.add((t1 - t0) / 1e6);
        }
        send(http, token, "DELETE", base + "/v1/containers/" + uuid + "?force=true", null);
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (status(http, token, base + "/v1/containers/" + uuid) != 404) {
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("container " + uuid + " was not deleted");
            }
            Thread.onSpinWait();
        }
    }

    private static void awaitVolume(HttpClient http, String token, String base, String id, String status)
            throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (true) {
            HttpResponse<String> r = http.send(request(token, "GET", base + "/volume/v3/admin/volumes/" + id, null),
                    HttpResponse.BodyHandlers.ofString());
            String now = r.statusCode() == 404 ? "gone"
                    : new JsonObject(r.body()).getJsonObject("volume").getString("status");
            if (status.equals(now)) {
                return;
            }
            if (System.nanoTime() > deadline) {
                throw new IllegalStateException("volume " + id + " stayed " + now);
            }
            Thread.onSpinWait();
        }
    }

    private static int status(HttpClient http, String token, String url) throws Exception {
        return http.send(request(token, "GET", url, null), HttpResponse.BodyHandlers.discarding()).statusCode();
    }

    private static JsonObject send(HttpClient http, String token, String method, String url, String body)
            throws Exception {
        HttpResponse<String> r = http.send(request(token, method, url, body), HttpResponse.BodyHandlers.ofString());
        if (r.statusCode() >= 400) {
            throw new IllegalStateException(method + " " + url + " answered " + r.statusCode() + " " + r.body());
        }
        return r.body() == null || r.body().isBlank() || r.body().equals("null") ? new JsonObject()
                : new JsonObject(r.body());
    }

    private static HttpRequest request(String token, String method, String url, String body) {
        return HttpRequest.newBuilder(URI.create(url)).header("X-Auth-Token", token)
                .header("Content-Type", "application/json").header("OpenStack-API-Version", "container 1.40")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body)).build();
    }
}
