package io.zunvx.scheduler.placement;

import java.time.Instant;

/** Only the host an admin asked for ({@code requested_host}), when one was. */
public record RequestedHostFilter() implements HostFilter {

    public static final String NAME = "RequestedHostFilter";
    public static final String EXPLANATION = "not the requested host";

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
        String wanted = request.requestedHost();
        return wanted == null ? null : host -> wanted.equals(host.hostname);
    }
}
