package io.zunvx.scheduler.placement;

import java.time.Instant;

/**
 * Only hosts with at least the requested vCPUs free: {@code cpus * allocationRatio - cpuUsed >= cpu}.
 *
 * @param allocationRatio CPU overcommit ratio
 */
public record CpuFilter(double allocationRatio) implements HostFilter {

    public static final String NAME = "CpuFilter";
    public static final String EXPLANATION = "not enough vCPUs";
    /** Claims of fractional vCPUs add up with rounding errors; a full host must still take its last 0.1. */
    static final double EPSILON = 1e-9;

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
        double wanted = request.cpu();
        if (wanted <= 0) {
            return null;
        }
        double ratio = allocationRatio;
        return host -> host.cpus * ratio - host.cpuUsed + EPSILON >= wanted;
    }
}
