package io.zunvx.scheduler.placement;

/**
 * Ranks a feasible host for a request with a score in {@code [0, 1]}, higher is better. Scores are normalised by the
 * host's own capacity rather than across all hosts, so a placement ranks every host in the same single pass that
 * filters it.
 */
public sealed interface Weigher permits SpreadWeigher, PackWeigher {

    /** Stable name, e.g. {@code SpreadWeigher}. */
    String name();

    /** The score of {@code host} for {@code request}, in {@code [0, 1]}. */
    double weigh(HostState host, PlacementRequest request);

    /**
     * The mean of the host's free share of memory and of vCPUs (capacity times the allocation ratio), each clamped
     * to {@code [0, 1]}; a resource the host has none of counts as full.
     */
    static double freeShare(HostState host, double cpuAllocationRatio, double ramAllocationRatio) {
        double memCapacity = host.memTotal * ramAllocationRatio;
        double cpuCapacity = host.cpus * cpuAllocationRatio;
        double mem = memCapacity > 0 ? clamp((memCapacity - host.memUsed) / memCapacity) : 0.0;
        double cpu = cpuCapacity > 0 ? clamp((cpuCapacity - host.cpuUsed) / cpuCapacity) : 0.0;
        return (mem + cpu) * 0.5;
    }

    private static double clamp(double v) {
        return v < 0 ? 0 : v > 1 ? 1 : v;
    }
}
