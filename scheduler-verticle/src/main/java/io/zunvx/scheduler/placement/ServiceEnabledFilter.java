package io.zunvx.scheduler.placement;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * Only hosts whose compute service is enabled and up (not forced down, heartbeat within {@code downTime}). A host
 * that never reported a service is not eligible.
 *
 * @param downTime Zun's {@code service_down_time}
 */
public record ServiceEnabledFilter(Duration downTime) implements HostFilter {

    public static final String NAME = "ServiceEnabledFilter";
    public static final String EXPLANATION = "disabled or down";

    public ServiceEnabledFilter {
        Objects.requireNonNull(downTime, "downTime");
    }

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
        // Zun's rule, seen + downTime >= now, turned around so that the scan compares against one fixed instant.
        Instant cutoff = now.minus(downTime);
        long second = cutoff.getEpochSecond();
        int nano = cutoff.getNano();
        return host -> host.usableSince(second, nano);
    }
}
