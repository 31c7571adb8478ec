package io.zunvx.platform.host;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.model.NumaTopology;
import java.util.ArrayList;
import java.util.List;

/**
 * {@link NumaTopology} in Zun's JSON shape, as stored in {@code compute_nodes.numa_topology}, carried by
 * {@code host.reported} and shown by the hosts API: {@code {"nodes": [{"id": 0, "cpuset": [0, 1], "pinned_cpus": [],
 * "mem_total": 7386, "mem_available": 5888}]}} (memory in MiB).
 */
public final class NumaJson {
    private NumaJson() {
    }

    /** The JSON form, or {@code null} for {@code null}. */
    public static JsonObject encode(NumaTopology t) {
        if (t == null) {
            return null;
        }
        JsonArray nodes = new JsonArray();
        for (NumaTopology.Node n : t.nodes()) {
            nodes.add(new JsonObject()
                    .put("id", n.id())
                    .put("cpuset", new JsonArray(new ArrayList<>(n.cpuset())))
                    .put("pinned_cpus", new JsonArray(new ArrayList<>(n.pinnedCpus())))
                    .put("mem_total", n.memTotal())
                    .put("mem_available", n.memAvailable()));
        }
        return new JsonObject().put("nodes", nodes);
    }

    /**
     * The topology of a JSON form, or {@code null} for {@code null}.
     *
     * @throws IllegalArgumentException if it is not a valid topology
     */
    public static NumaTopology decode(JsonObject o) {
        if (o == null) {
            return null;
        }
        try {
            List<NumaTopology.Node> nodes = new ArrayList<>();
            for (Object x : o.getJsonArray("nodes", new JsonArray())) {
                JsonObject n = (JsonObject) x;
                nodes.add(new NumaTopology.Node(n.getInteger("id"), ints(n.getJsonArray("cpuset")),
                        ints(n.getJsonArray("pinned_cpus", new JsonArray())), n.getLong("mem_total", 0L),
                        n.getLong("mem_available", 0L)));
            }
            return new NumaTopology(nodes);
        } catch (ClassCastException | NullPointerException e) {
            throw new IllegalArgumentException("not a NUMA topology: " + o.encode(), e);
        }
    }

    private static List<Integer> ints(JsonArray a) {
        List<Integer> out = new ArrayList<>(a.size());
        for (int i = 0; i < a.size(); i++) {
            out.add(a.getInteger(i));
        }
        return out;
    }
}
