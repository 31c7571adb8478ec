package io.zunvx.model;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * A host's NUMA topology as Zun's compute node carries it ({@code numa_topology}): its NUMA nodes, each with the CPU
 * ids it holds, the ones pinned to dedicated containers, and its memory.
 *
 * @param nodes the NUMA nodes, ascending by id; at least one
 */
public record NumaTopology(List<Node> nodes) {

    /**
     * One NUMA node.
     *
     * @param id           node id ({@code nodeN} under {@code /sys/devices/system/node})
     * @param cpuset       CPU ids of the node, ascending
     * @param pinnedCpus   those of them pinned to dedicated containers, ascending
     * @param memTotal     memory of the node, MiB
     * @param memAvailable free memory of the node when reported, MiB
     */
    public record Node(int id, List<Integer> cpuset, List<Integer> pinnedCpus, long memTotal, long memAvailable) {
        public Node {
            cpuset = sortedUnique(cpuset, "cpuset");
            pinnedCpus = sortedUnique(pinnedCpus == null ? List.of() : pinnedCpus, "pinned_cpus");
            if (id < 0 || memTotal < 0 || memAvailable < 0 || memAvailable > memTotal) {
                throw new IllegalArgumentException("impossible NUMA node " + id + ": mem_total=" + memTotal
                        + ", mem_available=" + memAvailable);
            }
            if (!new HashSet<>(cpuset).containsAll(pinnedCpus)) {
                throw new IllegalArgumentException("NUMA node " + id + " pins CPUs it does not have");
            }
        }

        /** The same node with these CPUs pinned (those of its cpuset among them). */
        public Node withPinned(Set<Integer> pinned) {
            List<Integer> mine = new ArrayList<>();
            for (int cpu : cpuset) {
                if (pinned.contains(cpu)) {
                    mine.add(cpu);
                }
            }
            return new Node(id, cpuset, mine, memTotal, memAvailable);
        }
    }

    public NumaTopology {
        nodes = List.copyOf(Objects.requireNonNull(nodes, "nodes"));
        if (nodes.isEmpty()) {
            throw new IllegalArgumentException("a NUMA topology has at least one node");
        }
        Set<Integer> ids = new HashSet<>();
        Set<Integer> cpus = new HashSet<>();
        int previous = -1;
        for (Node n : nodes) {
            if (n.id() <= previous || !ids.add(n.id())) {
                throw new IllegalArgumentException("NUMA node ids must be unique and ascending");
            }
            previous = n.id();
            for (int cpu : n.cpuset()) {
                if (!cpus.add(cpu)) {
                    throw new IllegalArgumentException("CPU " + cpu + " is in two NUMA nodes");
                }
            }
        }
    }

    /** One node (id 0) holding CPUs {@code 0..cpus-1} and all the memory: a host without NUMA information. */
    public static NumaTopology single(int cpus, long memTotalMiB, long memAvailableMiB) {
        List<Integer> all = new ArrayList<>(cpus);
        for (int i = 0; i < cpus; i++) {
            all.add(i);
        }
        return new NumaTopology(List.of(new Node(0, all, List.of(), memTotalMiB,
                Math.min(memAvailableMiB, memTotalMiB))));
    }

    /** Every CPU id of every node, ascending. */
    public List<Integer> cpus() {
        List<Integer> all = new ArrayList<>();
        nodes.forEach(n -> all.addAll(n.cpuset()));
        all.sort(null);
        return all;
    }

    /** The same topology with these CPUs pinned, each in its node. */
    public NumaTopology withPinned(Set<Integer> pinned) {
        List<Node> out = new ArrayList<>(nodes.size());
        nodes.forEach(n -> out.add(n.withPinned(pinned)));
        return new NumaTopology(out);
    }

    private static List<Integer> sortedUnique(List<Integer> cpus, String what) {
        Objects.requireNonNull(cpus, what);
        List<Integer> sorted = new ArrayList<>(cpus);
        sorted.sort(null);
        for (int i = 0; i < sorted.size(); i++) {
            int cpu = sorted.get(i);
            if (cpu < 0 || (i > 0 && sorted.get(i - 1) == cpu)) {
                throw new IllegalArgumentException(what + " must hold distinct non-negative CPU ids: " + cpus);
            }
        }
        return List.copyOf(sorted);
    }
}
