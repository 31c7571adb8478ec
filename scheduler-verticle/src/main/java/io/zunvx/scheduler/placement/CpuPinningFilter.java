package io.zunvx.scheduler.placement;

import java.time.Instant;

/**
 * For a dedicated request, only hosts that enable CPU pinning and have at least {@link
 * PlacementRequest#dedicatedCpus()} pinnable CPUs not pinned yet. Shared requests take any host.
 */
public record CpuPinningFilter() implements HostFilter {

    public static final String NAME = "CpuPinningFilter";
    public static final String EXPLANATION = "not enough dedicated CPUs";

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
        if (!request.dedicated()) {
            return null;
        }
        int wanted = request.dedicatedCpus();
        return host -> host.cpuPinning && host.freePinnable >= wanted;
    }
}
