package io.zunvx.scheduler.placement;

import java.time.Instant;

/**
 * Only hosts in the requested availability zone. A host's zone is its node's, else its service's, else
 * {@value #DEFAULT_ZONE} (Zun's {@code default_availability_zone}).
 */
public record AvailabilityZoneFilter() implements HostFilter {

    public static final String NAME = "AvailabilityZoneFilter";
    public static final String EXPLANATION = "not in the requested availability zone";
    public static final String DEFAULT_ZONE = "nova";

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
        String wanted = request.availabilityZone();
        return wanted == null ? null : host -> wanted.equals(zoneOf(host));
    }

    /** The zone {@code host} is in. */
    public static String zoneOf(HostState host) {
        String zone = host.node().availabilityZone();
        if (zone == null && host.service() != null) {
            zone = host.service().availabilityZone();
        }
        return zone == null ? DEFAULT_ZONE : zone;
    }
}
