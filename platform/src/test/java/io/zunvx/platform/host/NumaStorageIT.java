package io.zunvx.platform.host;

import static io.zunvx.platform.db.TestWaits.await;
import static io.zunvx.platform.db.TestWaits.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.ComputeNode;
import io.zunvx.model.NumaTopology;
import io.zunvx.platform.db.PgSession;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** A host's NUMA topology is stored with its report (V8), read back with the node, and checked against its CPUs. */
class NumaStorageIT {
    @RegisterExtension
    static final PgSession pg = PgSession.perClass(4);
    private final ComputeNodeRepository nodes = new ComputeNodeRepository();

    private static ComputeNode node(String host, int cpus, NumaTopology numa) {
        return new ComputeNode(ComputeNodeRepository.newId(), host, 8192, 0, cpus, 0, 100, 0, 0, 0, 0, 0, "x86_64",
                "linux", "Linux", "6.1", Map.of(), List.of("runc"), true, "nova", "http://" + host, null, null, 0,
                numa);
    }

    @Test
    void theTopologyIsStoredInZunsShapeAndReplacedByTheNextReport() {
        String host = "numa-" + UUID.randomUUID().toString().substring(0, 8);
        NumaTopology two = new NumaTopology(List.of(new NumaTopology.Node(0, List.of(0, 1), List.of(), 4096, 2000),
                new NumaTopology.Node(1, List.of(2, 3), List.of(), 4096, 3000)));

        ComputeNode stored = await(nodes.report(pg.pool(), node(host, 4, two), Instant.now()));

        assertEquals(two, stored.numaTopology());
        assertEquals(two, await(nodes.find(pg.pool(), host)).orElseThrow().numaTopology());
        JsonObject column = (JsonObject) await(pg.pool().preparedQuery(
                "SELECT numa_topology FROM compute_nodes WHERE hostname = $1").execute(Tuple.of(host)))
                .iterator().next().getValue("numa_topology");
        assertEquals(NumaJson.encode(two), column);
        // AND the next report replaces it (here: an agent that reports none)
        assertNull(await(nodes.report(pg.pool(), node(host, 4, null), Instant.now())).numaTopology());
    }

    @Test
    void aTopologyWithMoreCpusThanTheHostIsNotStored() {
        String host = "numa-" + UUID.randomUUID().toString().substring(0, 8);
        Throwable refused = awaitFailure(nodes.report(pg.pool(), node(host, 2, NumaTopology.single(4, 8192, 8192)),
                Instant.now()));
        assertInstanceOf(IllegalArgumentException.class, refused);
        assertEquals(java.util.Optional.empty(), await(nodes.find(pg.pool(), host)));
    }
}
