package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;

/** A platform whose host has room for 50 containers of 0.1 vCPU, and the racing creates that crowd it. */
final class RoomForFifty {
    static final Duration WAIT = Duration.ofSeconds(180);

    private RoomForFifty() {
    }

    /**
     * Starts the platform under {@code data}, its host's CPUs times the allocation ratio making 5 vCPUs; returns once
     * the host reports the machine's CPUs.
     */
    static AllInOne start(Path data) {
        int cpus = Runtime.getRuntime().availableProcessors();
        AllInOne platform = Platforms.start(data, CrashPoints.NONE, Map.of(
                "ZUNVX_CPU_ALLOCATION_RATIO", String.valueOf(5.0 / cpus),
                "ZUNVX_COMPUTE_NETWORK", "none"));
        try {
            ZunHttp api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
            String host = platform.platform().config().compute().hostName();
            Poll.until(WAIT, () -> api.get("/v1/hosts/" + host).json().getInteger("cpus"),
                    n -> n == cpus, "the host reports the machine's CPUs");
            return platform;
        } catch (RuntimeException | Error e) {
            Platforms.stop(platform);
            throw e;
        }
    }

    /** Sends {@code n} creates of 0.1 vCPU and 16 MiB at once; each is accepted. Returns their uuids. */
    static List<String> createConcurrently(ZunHttp api, int n) {
        List<CompletableFuture<ZunHttp.Response>> all = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(64)) {
            for (int i = 0; i < n; i++) {
                all.add(CompletableFuture.supplyAsync(() -> api.post("/v1/containers",
                        "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 16}"), pool));
            }
        }
        return all.stream().map(CompletableFuture::join).peek(r -> assertEquals(202, r.status(), r.body()))
                .map(r -> r.json().getString("uuid")).toList();
    }

    /** Waits until every one of {@code uuids} is Created or Error, and returns them. */
    static List<JsonObject> settled(ZunHttp api, List<String> uuids) {
        List<JsonObject> ours = new ArrayList<>();
        Poll.until(WAIT, () -> {
            ours.clear();
            api.get("/v1/containers?limit=1000").json().getJsonArray("containers").stream()
                    .map(JsonObject.class::cast).filter(x -> uuids.contains(x.getString("uuid")))
                    .forEach(ours::add);
            return ours.stream().filter(x -> "Created".equals(x.getString("status"))
                    || "Error".equals(x.getString("status"))).count();
        }, n -> n == uuids.size(), "all " + uuids.size() + " decided");
        return ours;
    }

    /** Of 200 settled creates, exactly 50 were placed, filling the host, and 150 are in Error naming the CPU filter. */
    static void assertExactlyFiftyPlaced(ZunHttp api, String host, List<JsonObject> ours) {
        String breakdown = ours.stream().collect(Collectors.groupingBy(
                x -> x.getString("status") + ": " + x.getString("status_reason"), Collectors.counting())).toString();
        assertEquals(50, ours.stream().filter(x -> "Created".equals(x.getString("status"))).count(), breakdown);
        assertEquals(150, ours.stream().filter(x -> "Error".equals(x.getString("status")))
                .peek(x -> assertTrue(x.getString("status_reason").contains("CpuFilter"),
                        x.getString("status_reason")))
                .count());
        JsonObject node = api.get("/v1/hosts/" + host).json();
        assertEquals(5.0, node.getDouble("cpu_used"), 1e-9);
        assertEquals(50 * 16, node.getLong("mem_used"));
    }

    /** Deletes {@code uuids} and waits until they are gone; the host then claims no CPU or memory. Returns the host. */
    static JsonObject deleteAll(ZunHttp api, String host, List<String> uuids) {
        for (String uuid : uuids) {
            assertEquals(204, api.delete("/v1/containers/" + uuid).status());
        }
        Poll.until(WAIT, () -> api.get("/v1/containers?limit=1000").json().getJsonArray("containers").stream()
                .map(JsonObject.class::cast).filter(x -> uuids.contains(x.getString("uuid"))).count(), n -> n == 0,
                "all deleted");
        JsonObject after = api.get("/v1/hosts/" + host).json();
        assertEquals(0.0, after.getDouble("cpu_used"));
        assertEquals(0, after.getLong("mem_used"));
        return after;
    }
}
