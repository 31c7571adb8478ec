package io.zunvx.scheduler.placement;

import io.zunvx.model.Port;
import java.time.Instant;

/**
 * Only the host the container's ports are bound to (Neutron's {@code binding:host_id}, named by the API in the
 * {@link Port#HOST_HINT} hint): a port's endpoint lives on one host's engine. Ports bound to two different hosts
 * leave no host at all.
 */
public record PortHostFilter() implements HostFilter {

    public static final String NAME = "PortHostFilter";
    public static final String EXPLANATION = "not the host its ports are bound to";

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
        return VolumeHostFilter.pinned(request, Port.HOST_HINT);
    }
}
