package io.zunvx.scheduler.placement;

import java.time.Instant;

/**
 * Only hosts with at least the requested disk free: {@code diskTotal * allocationRatio - diskUsed >= disk} (GB).
 *
 * @param allocationRatio disk overcommit ratio
 */
public record DiskFilter(double allocationRatio) implements HostFilter {

    public static final String NAME = "DiskFilter";
    public static final String EXPLANATION = "not enough disk";

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
        long wanted = request.disk();
        if (wanted <= 0) {
            return null;
        }
        double ratio = allocationRatio;
        return host -> host.diskTotal * ratio - host.diskUsed >= wanted;
    }
}
