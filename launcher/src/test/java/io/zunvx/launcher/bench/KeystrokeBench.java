package io.zunvx.launcher.bench;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.launcher.AllInOne;
import io.zunvx.platform.app.TestVertx;
import io.zunvx.platform.config.ZunvxConfig;
import java.io.Closeable;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Keystroke round trip: one byte typed into {@code cat} in a container with a terminal, until its echo comes back.
 * Through the platform: a WebSocket client on the attach URL (client → proxy → compute agent → Docker and back).
 * Direct: docker-java's attach to the same container on the same engine, attached at the same time; the two
 * alternate keystroke by keystroke (interleaved). Prints {@code ROW|n|direct p50|direct p99|proxy p50|proxy p99} (ms).
 * Run with {@code scripts/bench-keystroke.sh [N]}.
 */
public final class KeystrokeBench {
    private KeystrokeBench() {
    }

    public static void main(String[] args) throws Exception {
        int n = args.length > 0 ? Integer.parseInt(args[0]) : 500;
        int warmup = 100;
        Path data = Files.createTempDirectory("zunvx-bench");
        // scripts/bench.sh gives its run's tag, by which it removes whatever a killed step left behind.
        String host = System.getenv().getOrDefault("BENCH_TAG", "bench") + "-"
                + UUID.randomUUID().toString().substring(0, 6);
        int apiPort = freePort();
        int proxyPort = freePort();
        ZunvxConfig config = ZunvxConfig.from(Map.of(
                "ZUNVX_DATA_DIR", data.toString(),
                "ZUNVX_API_PORT", String.valueOf(apiPort),
                "ZUNVX_API_HOST", "127.0.0.1",
                "ZUNVX_WSPROXY_PORT", String.valueOf(proxyPort),
                "ZUNVX_WSPROXY_BASE_URL", "ws://127.0.0.1:" + proxyPort + "/",
                "ZUNVX_COMPUTE_INTERNAL_PORT", String.valueOf(freePort()),
                "ZUNVX_OPS_PORT", String.valueOf(freePort()),
                "ZUNVX_COMPUTE_HOST", host,
                "ZUNVX_COMPUTE_NETWORK", "none",
                "ZUNVX_ADMIN_PASSWORD", "bench"));
        Vertx vertx = TestVertx.create();
        try (AllInOne aio = AllInOne.start(config);
             DockerContainerDriver docker = new DockerContainerDriver(config.compute().dockerHost())) {
            HttpClient http = HttpClient.newHttpClient();
            String api = "http://127.0.0.1:" + apiPort + "/v1/containers";
            String token = aio.adminToken();
            HttpResponse<String> created = http.send(request(api + "?run=true", token).POST(
                    HttpRequest.BodyPublishers.ofString("{\"image\":\"busybox\",\"command\":[\"cat\"],\"cpu\":0.1,"
                            + "\"memory\":32,\"interactive\":true,\"tty\":true}")).build(),
                    HttpResponse.BodyHandlers.ofString());
            if (created.statusCode() != 202) {
                throw new IllegalStateException("create answered " + created.statusCode() + ": " + created.body());
            }
            String uuid = new JsonObject(created.body()).getString("uuid");
            try {
                String containerId = null;
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (containerId == null && System.nanoTime() < deadline) {
                    JsonObject c = new JsonObject(http.send(request(api + "/" + uuid, token).GET().build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    if ("Running".equals(c.getString("status")) && c.getValue("task_state") == null) {
                        containerId = docker.listManaged(host).stream()
                                .filter(o -> uuid.equals(o.labels().get("zunvx.uuid"))).findFirst().orElseThrow()
                                .id();
                    } else {
                        Thread.sleep(100);
                    }
                }
                if (containerId == null) {
                    throw new IllegalStateException("container " + uuid + " did not reach Running in 60 s");
                }

                // Both attached at once: through the proxy, and docker-java's attach to the same container. The
                // terminal echoes every keystroke to both; each side waits for the echo on its own stream.
                String url = (String) Json.decodeValue(http.send(request(api + "/" + uuid + "/attach", token).GET()
                        .build(), HttpResponse.BodyHandlers.ofString()).body());
                WebSocketClient client = vertx.createWebSocketClient();
                LinkedBlockingQueue<Byte> seen = new LinkedBlockingQueue<>();
                WebSocket ws = client.connect(new WebSocketConnectOptions().setAbsoluteURI(url)
                        .addSubProtocol("binary").addSubProtocol("base64")).await();
                ws.handler(b -> {
                    for (byte x : b.getBytes()) {
                        seen.add(x);
                    }
                });
                LinkedBlockingQueue<byte[]> input = new LinkedBlockingQueue<>();
                LinkedBlockingQueue<Byte> directSeen = new LinkedBlockingQueue<>();
                Closeable attached = docker.attach(containerId, new QueueInput(input), bytes -> {
                    for (byte x : bytes) {
                        directSeen.add(x);
                    }
                }, end -> { });
                List<Double> proxied = new ArrayList<>();
                List<Double> direct = new ArrayList<>();
                try {
                    // Interleaved, one keystroke each way at a time, so both see the same machine.
                    for (int i = 0; i < warmup + n; i++) {
                        double p = measure(i, key -> ws.writeBinaryMessage(Buffer.buffer(new byte[] {key})), seen,
                                directSeen);
                        double d = measure(i, key -> input.add(new byte[] {key}), directSeen, seen);
                        if (i >= warmup) {
                            proxied.add(p);
                            direct.add(d);
                        }
                    }
                } finally {
                    attached.close();
                    ws.close().await();
                }
                report("direct docker-java attach", direct);
                report("zunvx proxy (client -> proxy -> agent -> Docker)", proxied);
                System.out.printf(Locale.ROOT, "added by the proxy path: p50 %.3f ms, p99 %.3f ms%n",
                        percentile(proxied, 50) - percentile(direct, 50),
                        percentile(proxied, 99) - percentile(direct, 99));
                System.out.printf(Locale.ROOT, "ROW|%d|%.3f|%.3f|%.3f|%.3f%n", n, percentile(direct, 50),
                        percentile(direct, 99), percentile(proxied, 50), percentile(proxied, 99));
            } finally {
                http.send(request(api + "/" + uuid + "?force=true", token).DELETE().build(),
                        HttpResponse.BodyHandlers.ofString());
                awaitGone(docker, host);
            }
        } finally {
            vertx.close().await();
        }
    }

    /** Waits (a minute at most) for the platform to delete its containers, then removes what is left. */
    private static void awaitGone(DockerContainerDriver docker, String host) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline && !docker.listManaged(host).isEmpty()) {
            Thread.sleep(200);
        }
        docker.listManaged(host).forEach(o -> docker.remove(o.id(), true));
    }

    /**
     * Types keystroke {@code i} and waits for its echo on {@code seen}; then drops what the other stream got meanwhile.
     *
     * @return the round trip in ms
     */
    private static double measure(int i, Consumer<Byte> type, LinkedBlockingQueue<Byte> seen,
                                  LinkedBlockingQueue<Byte> other) throws InterruptedException {
        // Enter now and then keeps cat's line short; its echo is not measured.
        if (i % 50 == 49) {
            type.accept((byte) '\r');
            awaitByte(seen, (byte) '\n', i);
            seen.clear();
        }
        byte key = (byte) ('a' + i % 26);
        long t0 = System.nanoTime();
        type.accept(key);
        awaitByte(seen, key, i);
        long t1 = System.nanoTime();
        // The other attachment gets the same echo; its copy must not answer that side's next keystroke.
        awaitByte(other, key, i);
        seen.clear();
        other.clear();
        return (t1 - t0) / 1e6;
    }

    private static void awaitByte(LinkedBlockingQueue<Byte> seen, byte key, int i) throws InterruptedException {
        while (true) {
            Byte b = seen.poll(10, TimeUnit.SECONDS);
            if (b == null) {
                throw new IllegalStateException("no echo of keystroke " + i);
            }
            if (b == key) {
                return;
            }
        }
    }

    /** Bytes handed over by the benchmark thread, as the runtime client's stdin. */
    private static final class QueueInput extends InputStream {
        private final LinkedBlockingQueue<byte[]> queue;

        QueueInput(LinkedBlockingQueue<byte[]> queue) {
            this.queue = queue;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) {
            try {
                byte[] chunk = queue.take();
                if (chunk.length == 0) {
                    return -1;
                }
                System.arraycopy(chunk, 0, b, off, chunk.length);
                return chunk.length;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }

        @Override
        public void close() {
            queue.add(new byte[0]);
        }
    }

    private static HttpRequest.Builder request(String url, String token) {
        return HttpRequest.newBuilder(URI.create(url)).header("X-Auth-Token", token)
                .header("Content-Type", "application/json").header("OpenStack-API-Version", "container 1.40");
    }

    private static void report(String what, List<Double> ms) {
        System.out.printf("%-50s n=%d  p50 %.3f ms  p99 %.3f ms  max %.3f ms%n", what, ms.size(), percentile(ms, 50),
                percentile(ms, 99), Collections.max(ms));
    }

    private static double percentile(List<Double> values, int p) {
        List<Double> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        int index = (int) Math.ceil(p / 100.0 * sorted.size()) - 1;
        return sorted.get(Math.max(0, Math.min(index, sorted.size() - 1)));
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}
