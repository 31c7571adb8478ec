package io.zunvx.scheduler.placement;

import java.time.Instant;

/**
 * Only hosts with at least the requested memory free: {@code memTotal * allocationRatio - memUsed >= memory} (MiB).
 *
 * @param allocationRatio memory overcommit ratio
 */
public record MemoryFilter(double allocationRatio) implements HostFilter {

    public static final String NAME = "MemoryFilter";
    public static final String EXPLANATION = "not enough memory";

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String explanation() {
        return EXPLANATION;
    }

    @Override
    public Check bind(PlacementRequest request, Instant now) {
        long wanted = request.memory();
        if (wanted <= 0) {
            return null;
        }
        double ratio = allocationRatio;
        return host -> host.memTotal * ratio - host.memUsed >= wanted;
    }
}
