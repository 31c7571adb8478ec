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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Resource claims are exact however many creates race: no host is ever overcommitted, and deletes give all back. */
class AccountingIT {
    private static final Duration WAIT = Duration.ofSeconds(180);

    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp api;
    static String host;

    @BeforeAll
    static void start() {
        // The host has room for 50 containers of 0.1 vCPU: its CPUs times the ratio make 5 vCPUs.
        int cpus = Runtime.getRuntime().availableProcessors();
        platform = Platforms.start(data, CrashPoints.NONE, Map.of(
                "ZUNVX_CPU_ALLOCATION_RATIO", String.valueOf(5.0 / cpus),
                "ZUNVX_COMPUTE_NETWORK", "none"));
        api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        host = platform.platform().config().compute().hostName();
        Poll.until(Duration.ofSeconds(30), () -> api.get("/v1/hosts/" + host).json().getInteger("cpus"),
                n -> n == cpus, "the host reports the machine's CPUs");
    }

    @AfterAll
    static void stop() {
        Platforms.stop(platform);
    }

    @Test
    void twoHundredConcurrentCreatesOnRoomForFiftyPlaceExactlyFifty() throws Exception {
        // WHEN 200 creates race for room for 50
        List<CompletableFuture<ZunHttp.Response>> all = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(64)) {
            for (int i = 0; i < 200; i++) {
                all.add(CompletableFuture.supplyAsync(() -> api.post("/v1/containers",
                        "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 16}"), pool));
            }
        }
        List<String> uuids = all.stream().map(CompletableFuture::join).peek(r -> assertEquals(202, r.status()))
                .map(r -> r.json().getString("uuid")).toList();

        // THEN every one is decided: exactly 50 placed, 150 in Error naming the CPU filter
        List<JsonObject> settled = new ArrayList<>();
        Poll.until(WAIT, () -> {
            settled.clear();
            api.get("/v1/containers?limit=1000").json().getJsonArray("containers")
                    .forEach(x -> settled.add((JsonObject) x));
            return settled.stream().filter(x -> uuids.contains(x.getString("uuid")))
                    .filter(x -> "Created".equals(x.getString("status")) || "Error".equals(x.getString("status")))
                    .count();
        }, n -> n == 200, "all 200 decided");
        List<JsonObject> ours = settled.stream().filter(x -> uuids.contains(x.getString("uuid"))).toList();
        String breakdown = ours.stream().collect(java.util.stream.Collectors.groupingBy(
                x -> x.getString("status") + ": " + x.getString("status_reason"),
                java.util.stream.Collectors.counting())).toString();
        assertEquals(50, ours.stream().filter(x -> "Created".equals(x.getString("status"))).count(), breakdown);
        assertEquals(150, ours.stream().filter(x -> "Error".equals(x.getString("status")))
                .peek(x -> assertTrue(x.getString("status_reason").contains("CpuFilter"), x.getString("status_reason")))
                .count());
        JsonObject node = api.get("/v1/hosts/" + host).json();
        assertEquals(5.0, node.getDouble("cpu_used"), 1e-9);
        assertEquals(50 * 16, node.getLong("mem_used"));

        // AND deleting everything returns the host to zero
        for (String uuid : uuids) {
            assertEquals(204, api.delete("/v1/containers/" + uuid).status());
        }
        Poll.until(WAIT, () -> api.get("/v1/containers?limit=1000").json().getJsonArray("containers").stream()
                .map(JsonObject.class::cast).filter(x -> uuids.contains(x.getString("uuid"))).count(), n -> n == 0,
                "all deleted");
        JsonObject after = api.get("/v1/hosts/" + host).json();
        assertEquals(0.0, after.getDouble("cpu_used"));
        assertEquals(0, after.getLong("mem_used"));
        assertEquals(0, after.getLong("disk_used"));
    }
}
