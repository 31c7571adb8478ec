package io.zunvx.scheduler.placement;

/**
 * Prefers the host with the largest free share of memory and vCPUs, spreading containers over hosts (the default).
 *
 * @param cpuAllocationRatio CPU overcommit ratio
 * @param ramAllocationRatio memory overcommit ratio
 */
public record SpreadWeigher(double cpuAllocationRatio, double ramAllocationRatio) implements Weigher {

    public static final String NAME = "SpreadWeigher";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double weigh(HostState host, PlacementRequest request) {
        return Weigher.freeShare(host, cpuAllocationRatio, ramAllocationRatio);
    }
}
