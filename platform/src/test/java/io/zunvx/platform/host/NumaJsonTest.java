package io.zunvx.platform.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import io.zunvx.model.ComputeNode;
import io.zunvx.model.NumaTopology;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The NUMA topology in Zun's JSON shape, and in {@code host.reported}. */
class NumaJsonTest {
    private static final NumaTopology TWO = new NumaTopology(List.of(
            new NumaTopology.Node(0, List.of(0, 1), List.of(1), 4096, 1000),
            new NumaTopology.Node(1, List.of(2, 3), List.of(), 4096, 4000)));

    @Test
    void itIsZunsShape() {
        JsonObject json = NumaJson.encode(TWO);
        assertEquals(new JsonObject("""
                {"nodes": [
                  {"id": 0, "cpuset": [0, 1], "pinned_cpus": [1], "mem_total": 4096, "mem_available": 1000},
                  {"id": 1, "cpuset": [2, 3], "pinned_cpus": [], "mem_total": 4096, "mem_available": 4000}]}"""),
                json);
        assertEquals(TWO, NumaJson.decode(json));
        assertNull(NumaJson.encode(null));
        assertNull(NumaJson.decode(null));
        assertThrows(IllegalArgumentException.class, () -> NumaJson.decode(new JsonObject("{\"nodes\": [{}]}")));
        assertThrows(IllegalArgumentException.class, () -> NumaJson.decode(new JsonObject("{\"nodes\": []}")));
    }

    @Test
    void hostReportsCarryIt() {
        ComputeNode n = new ComputeNode(UUID.randomUUID(), "h", 8192, 0, 4, 0, 10, 0, 0, 0, 0, 0, "x86_64", "linux",
                "Linux", "6.1", Map.of(), List.of("runc"), true, "nova", "http://h", null, null, 3, TWO);
        HostEvents.Reported r = HostEvents.decode(new JsonObject(HostEvents.reported(n, null).data()));
        assertEquals(n, r.node());
        // An event of an agent that does not report it yet decodes without one
        JsonObject old = new JsonObject(HostEvents.reported(n.withNumaTopology(null), null).data());
        old.getJsonObject("node").remove("numa_topology");
        assertNull(HostEvents.decode(old).node().numaTopology());
    }
}
