package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.scheduler.app.SchedulerVerticle;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two scheduler instances against one platform: they split the command topic's partitions, each with a snapshot of
 * its own, and the claims in PostgreSQL keep them exact: 200 concurrent creates on room for 50 place exactly 50, both
 * instances placing some. Stopping one leaves the other placing everything.
 */
class TwoSchedulersIT {
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final String GROUP = "zunvx-scheduler";

    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp api;
    static String host;
    static String second;

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
        second = platform.startExtraScheduler();
        // Both members own partitions of the command topic before any request is sent.
        Poll.until(Duration.ofSeconds(60), TwoSchedulersIT::partitionsPerMember,
                m -> m.size() == 2 && m.values().stream().allMatch(n -> n > 0), "two scheduler members with partitions");
    }

    @AfterAll
    static void stop() {
        Platforms.stop(platform);
    }

    /** Per member of the schedulers' consumer group (client id), how many partitions it owns; empty while unstable. */
    private static Map<String, Integer> partitionsPerMember() {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG,
                platform.kafkaBootstrapServers()))) {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(GROUP)).all().get().get(GROUP);
            if (!"STABLE".equalsIgnoreCase(group.groupState().toString())) {
                return Map.of();
            }
            return group.members().stream().collect(Collectors.toMap(MemberDescription::consumerId,
                    m -> m.assignment().topicPartitions().size()));
        } catch (Exception e) {
            return Map.of();
        }
    }

    private static List<String> createConcurrently(int n) {
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
    private static List<JsonObject> settled(List<String> uuids) {
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

    private static void deleteAll(List<String> uuids) {
        for (String uuid : uuids) {
            assertEquals(204, api.delete("/v1/containers/" + uuid).status());
        }
        Poll.until(WAIT, () -> api.get("/v1/containers?limit=1000").json().getJsonArray("containers").stream()
                .map(JsonObject.class::cast).filter(x -> uuids.contains(x.getString("uuid"))).count(), n -> n == 0,
                "all deleted");
        JsonObject after = api.get("/v1/hosts/" + host).json();
        assertEquals(0.0, after.getDouble("cpu_used"));
        assertEquals(0, after.getLong("mem_used"));
    }

    @Test
    void twoSchedulersPlaceExactlyAndOneCarriesOnWhenTheOtherStops() {
        SchedulerVerticle first = platform.scheduler();
        SchedulerVerticle other = platform.extraScheduler(second);

        // WHEN 200 creates race for room for 50 while both schedulers run
        List<String> uuids = createConcurrently(200);

        // THEN exactly 50 are placed and 150 are in Error naming the CPU filter: no overcommit, all accounted
        List<JsonObject> ours = settled(uuids);
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
        // AND both instances placed some of them
        long byFirst = first.placements();
        long byOther = other.placements();
        assertEquals(50, byFirst + byOther, "placements: " + byFirst + " + " + byOther);
        assertTrue(byFirst > 0 && byOther > 0, "placements: " + byFirst + " + " + byOther);
        // AND each instance's snapshot has the host as full as PostgreSQL says, or less after the other's claims
        assertTrue(first.snapshot().get(host).node().cpuUsed() <= 5.0 + 1e-9);
        assertTrue(other.snapshot().get(host).node().cpuUsed() <= 5.0 + 1e-9);

        // AND deleting everything gives every claim back
        deleteAll(uuids);

        // WHEN the second scheduler stops
        platform.stopExtraScheduler(second);
        Poll.until(Duration.ofSeconds(60), TwoSchedulersIT::partitionsPerMember, m -> m.size() == 1,
                "one scheduler member left");

        // THEN the first one places every new container, on every partition
        List<String> more = createConcurrently(20);
        List<JsonObject> placed = settled(more);
        assertEquals(20, placed.stream().filter(x -> "Created".equals(x.getString("status"))).count(),
                placed.toString());
        assertEquals(byFirst + 20, first.placements());
        assertEquals(byOther, other.placements());
        deleteAll(more);
    }
}
