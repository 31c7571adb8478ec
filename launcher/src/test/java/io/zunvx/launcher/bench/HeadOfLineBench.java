package io.zunvx.launcher.bench;

import io.vertx.core.json.JsonObject;
import io.zunvx.compute.docker.DockerContainerDriver;
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
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Throughput of a mixed workload on one host while slow stops run, with the compute agent's consumer as it is (many
 * commands in flight, per-container order) or holding one command at a time
 * ({@code ZUNVX_COMPUTE_MAX_IN_FLIGHT=1}, the head-of-line blocking of a consumer that settles what it polled before
 * polling again).
 *
 * <p>One client keeps stopping containers whose main process ignores SIGTERM ({@code sleep} as PID 1) with a stop
 * timeout, so every stop runs that timeout out; several other clients each repeat a cycle: create with {@code run},
 * wait until running, execute a command, delete with {@code force}, wait until gone. Reports the cycles finished in
 * the measured window and their durations, the stops finished, and the load average. Everything runs on 127.0.0.1
 * with free ports and its own data directory; the containers it made are removed at the end.
 *
 * <p>Arguments: {@code <maxInFlight> [seconds=60] [clients=3] [stopTimeout=10]}. Run by {@code scripts/bench-hol.sh}.
 */
public final class HeadOfLineBench {
    private static final Duration CALL = Duration.ofSeconds(30);
    private static final Duration SETTLE = Duration.ofSeconds(120);

    private HeadOfLineBench() {
    }

    public static void main(String[] args) throws Exception {
        int maxInFlight = Integer.parseInt(args[0]);
        int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 60;
        int clients = args.length > 2 ? Integer.parseInt(args[2]) : 3;
        int stopTimeout = args.length > 3 ? Integer.parseInt(args[3]) : 10;
        Path data = Files.createTempDirectory("zunvx-bench-hol");
        String host = "bench-hol-" + UUID.randomUUID().toString().substring(0, 6);
        int apiPort = CreateToRunningBench.freePort();
        ZunvxConfig config = ZunvxConfig.from(Map.of(
                "ZUNVX_DATA_DIR", data.toString(),
                "ZUNVX_API_PORT", String.valueOf(apiPort),
                "ZUNVX_API_HOST", "127.0.0.1",
                "ZUNVX_WSPROXY_PORT", String.valueOf(CreateToRunningBench.freePort()),
                "ZUNVX_OPS_PORT", String.valueOf(CreateToRunningBench.freePort()),
                "ZUNVX_COMPUTE_INTERNAL_PORT", String.valueOf(CreateToRunningBench.freePort()),
                "ZUNVX_COMPUTE_HOST", host,
                "ZUNVX_COMPUTE_NETWORK", "none",
                "ZUNVX_COMPUTE_MAX_IN_FLIGHT", String.valueOf(maxInFlight),
                "ZUNVX_ADMIN_PASSWORD", "bench"));
        Set<String> created = ConcurrentHashMap.newKeySet();
        try (AllInOne aio = AllInOne.start(config);
             DockerContainerDriver docker = new DockerContainerDriver(config.compute().dockerHost())) {
            Api api = new Api(HttpClient.newBuilder().connectTimeout(CALL).build(),
                    "http://127.0.0.1:" + apiPort, aio.adminToken());
            double[] loadBefore = loadAverage();
            try {
                run(api, created, seconds, clients, stopTimeout, maxInFlight, loadBefore);
            } finally {
                for (String uuid : created) {
                    api.send("DELETE", "/v1/containers/" + uuid + "?force=true", null);
                }
                long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
                while (System.nanoTime() < deadline && !docker.listManaged(host).isEmpty()) {
                    Thread.sleep(200);
                }
                docker.listManaged(host).forEach(o -> docker.remove(o.id(), true));
            }
        } finally {
            try (Stream<Path> walk = Files.walk(data)) {
                walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static void run(Api api, Set<String> created, int seconds, int clients, int stopTimeout, int maxInFlight,
                            double[] loadBefore) throws Exception {
        // The slow client's containers: sleep as PID 1 has no SIGTERM handler, so the kernel ignores the signal.
        List<String> stubborn = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            String uuid = api.create(created);
            api.await(uuid, "Running");
            stubborn.add(uuid);
        }
        AtomicInteger stops = new AtomicInteger();
        List<Double> cycles = new CopyOnWriteArrayList<>();
        AtomicInteger failures = new AtomicInteger();
        long start = System.nanoTime();
        long end = start + Duration.ofSeconds(seconds).toNanos();
        List<Thread> threads = new ArrayList<>();
        threads.add(Thread.ofPlatform().name("slow-stops").start(() -> {
            int i = 0;
            while (System.nanoTime() < end) {
                String uuid = stubborn.get(i++ % stubborn.size());
                try {
                    api.expect(api.send("POST", "/v1/containers/" + uuid + "/stop?timeout=" + stopTimeout, null),
                            202);
                    api.await(uuid, "Stopped");
                    stops.incrementAndGet();
                    api.expect(api.send("POST", "/v1/containers/" + uuid + "/start", null), 202);
                    api.await(uuid, "Running");
                } catch (Exception e) {
                    failures.incrementAndGet();
                    System.err.println("slow client: " + e);
                }
            }
        }));
        for (int c = 0; c < clients; c++) {
            threads.add(Thread.ofPlatform().name("client-" + c).start(() -> {
                while (System.nanoTime() < end) {
                    long t0 = System.nanoTime();
                    try {
                        String uuid = api.create(created);
                        api.await(uuid, "Running");
                        HttpResponse<String> exec = api.send("POST", "/v1/containers/" + uuid
                                + "/execute?run=true&command=echo+hi", null);
                        api.expect(exec, 200);
                        api.expect(api.send("DELETE", "/v1/containers/" + uuid + "?force=true", null), 204);
                        api.awaitGone(uuid);
                        created.remove(uuid);
                        long t1 = System.nanoTime();
                        if (t1 <= end) {
                            cycles.add((t1 - t0) / 1e6);
                        }
                    } catch (Exception e) {
                        failures.incrementAndGet();
                        System.err.println("client: " + e);
                    }
                }
            }));
        }
        for (Thread t : threads) {
            t.join(Duration.ofSeconds(seconds).plus(SETTLE).plus(SETTLE));
        }
        double[] loadAfter = loadAverage();
        double window = seconds;
        System.out.printf(Locale.ROOT, "max in flight %d, %d s, %d clients, stop timeout %d s%n", maxInFlight,
                seconds, clients, stopTimeout);
        CreateToRunningBench.report("cycle create+run/exec/delete", cycles.isEmpty() ? List.of(0.0) : cycles);
        System.out.printf(Locale.ROOT, "cycles %d (%.2f/s, %.1f requests/s), slow stops %d, failures %d, "
                        + "load average %.2f -> %.2f%n", cycles.size(), cycles.size() / window,
                cycles.size() * 3 / window, stops.get(), failures.get(), loadBefore[0], loadAfter[0]);
        System.out.printf(Locale.ROOT, "ROW|%d|%d|%d|%.2f|%.0f|%.0f|%d|%d|%.2f|%.2f%n", maxInFlight, seconds,
                cycles.size(), cycles.size() / window,
                cycles.isEmpty() ? 0 : CreateToRunningBench.percentile(cycles, 50),
                cycles.isEmpty() ? 0 : CreateToRunningBench.percentile(cycles, 90), stops.get(), failures.get(),
                loadBefore[0], loadAfter[0]);
    }

    private static double[] loadAverage() throws Exception {
        String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
        return new double[] {Double.parseDouble(f[0]), Double.parseDouble(f[1]), Double.parseDouble(f[2])};
    }

    /** The platform's API as the admin. */
    private record Api(HttpClient http, String base, String token) {
        HttpResponse<String> send(String method, String path, String body) throws Exception {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(CALL)
                    .header("X-Auth-Token", token).header("OpenStack-API-Version", "container 1.40")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body));
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
        }

        void expect(HttpResponse<String> r, int status) {
            if (r.statusCode() != status) {
                throw new IllegalStateException(r.request().method() + " " + r.request().uri() + " answered "
                        + r.statusCode() + ": " + r.body());
            }
        }

        String create(Set<String> created) throws Exception {
            HttpResponse<String> r = send("POST", "/v1/containers?run=true", "{\"image\":\"busybox\","
                    + "\"command\":[\"sleep\",\"600\"],\"cpu\":0.1,\"memory\":32}");
            expect(r, 202);
            String uuid = new JsonObject(r.body()).getString("uuid");
            created.add(uuid);
            return uuid;
        }

        /** Polls until the container has {@code status} and no task state, or fails after a while. */
        void await(String uuid, String status) throws Exception {
            long deadline = System.nanoTime() + SETTLE.toNanos();
            while (System.nanoTime() < deadline) {
                HttpResponse<String> r = send("GET", "/v1/containers/" + uuid, null);
                JsonObject c = r.statusCode() == 200 ? new JsonObject(r.body()) : null;
                if (c != null && status.equals(c.getString("status")) && c.getValue("task_state") == null) {
                    return;
                }
                if (c != null && "Error".equals(c.getString("status"))) {
                    throw new IllegalStateException(uuid + " in Error: " + c.getString("status_reason"));
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException(uuid + " did not reach " + status);
        }

        void awaitGone(String uuid) throws Exception {
            long deadline = System.nanoTime() + SETTLE.toNanos();
            while (System.nanoTime() < deadline) {
                if (send("GET", "/v1/containers/" + uuid, null).statusCode() == 404) {
                    return;
                }
                Thread.sleep(50);
            }
            throw new IllegalStateException(uuid + " was not deleted");
        }
    }
}
