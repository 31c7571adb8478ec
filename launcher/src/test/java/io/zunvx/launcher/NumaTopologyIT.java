package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The compute agent reports its machine's NUMA topology (from {@code /sys/devices/system/node}, or one node holding
 * every CPU), and the hosts API shows it in Zun's shape with the CPUs pinned to dedicated containers.
 */
class NumaTopologyIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp api;
    static String host;

    @BeforeAll
    static void start() {
        platform = Platforms.start(data, CrashPoints.NONE, Map.of("ZUNVX_COMPUTE_CPU_PINNING", "true"));
        api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        host = platform.platform().config().compute().hostName();
    }

    @AfterAll
    static void stop() {
        Platforms.stop(platform);
    }

    private static List<Integer> ints(JsonArray a) {
        List<Integer> out = new ArrayList<>();
        a.forEach(x -> out.add(((Number) x).intValue()));
        return out;
    }

    private static TreeSet<Integer> pinned(JsonObject h) {
        TreeSet<Integer> out = new TreeSet<>();
        h.getJsonObject("numa_topology").getJsonArray("nodes")
                .forEach(n -> out.addAll(ints(((JsonObject) n).getJsonArray("pinned_cpus"))));
        return out;
    }

    @Test
    void theHostShowsItsNumaNodesAndWhichOfTheirCpusArePinned() {
        // THEN the host has NUMA nodes that hold each of its CPUs once, with their memory
        JsonObject h = api.get("/v1/hosts/" + host).json();
        int cpus = h.getInteger("cpus");
        JsonArray nodes = h.getJsonObject("numa_topology").getJsonArray("nodes");
        assertTrue(nodes.size() >= 1, h.encodePrettily());
        TreeSet<Integer> all = new TreeSet<>();
        long mem = 0;
        for (Object o : nodes) {
            JsonObject n = (JsonObject) o;
            assertEquals(java.util.Set.of("id", "cpuset", "pinned_cpus", "mem_total", "mem_available"),
                    n.fieldNames());
            List<Integer> cpuset = ints(n.getJsonArray("cpuset"));
            cpuset.forEach(c -> assertTrue(all.add(c), "CPU " + c + " in two nodes"));
            assertTrue(n.getLong("mem_available") <= n.getLong("mem_total"));
            mem += n.getLong("mem_total");
        }
        assertEquals(cpus, all.size(), h.encodePrettily());
        assertTrue(mem > 0 && Math.abs(mem - h.getLong("mem_total")) <= h.getLong("mem_total") / 10,
                h.encodePrettily());
        assertEquals(new TreeSet<>(), pinned(h));
        // AND the list shows the same
        JsonObject listed = api.get("/v1/hosts").json().getJsonArray("hosts").getJsonObject(0);
        assertEquals(h.getJsonObject("numa_topology"), listed.getJsonObject("numa_topology"));

        // WHEN a dedicated container is placed
        ZunHttp.Response r = api.post("/v1/containers", "{\"image\": \"busybox\", \"cpu\": 1, \"memory\": 32, "
                + "\"cpu_policy\": \"dedicated\"}");
        assertEquals(202, r.status(), r.body());
        String uuid = r.json().getString("uuid");
        Poll.until(WAIT, () -> api.get("/v1/containers/" + uuid).json().getString("status"), "Created"::equals,
                "created");

        // THEN its CPU shows as pinned in the node that holds it
        TreeSet<Integer> pinned = pinned(api.get("/v1/hosts/" + host).json());
        assertEquals(1, pinned.size(), pinned.toString());
        assertTrue(all.containsAll(pinned));

        // AND deleting it frees the CPU again
        assertEquals(204, api.delete("/v1/containers/" + uuid).status());
        Poll.until(WAIT, () -> pinned(api.get("/v1/hosts/" + host).json()), TreeSet::isEmpty, "CPU unpinned");
    }
}
