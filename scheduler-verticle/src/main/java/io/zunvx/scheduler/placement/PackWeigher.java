package io.zunvx.scheduler.placement;

/**
 * Prefers the host with the smallest free share of memory and vCPUs, packing containers onto as few hosts as
 * possible.
 *
 * @param cpuAllocationRatio CPU overcommit ratio
 * @param ramAllocationRatio memory overcommit ratio
 */
public record PackWeigher(double cpuAllocationRatio, double ramAllocationRatio) implements Weigher {

    public static final String NAME = "PackWeigher";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public double weigh(HostState host, PlacementRequest request) {
        return 1.0 - Weigher.freeShare(host, cpuAllocationRatio, ramAllocationRatio);
    }
}
