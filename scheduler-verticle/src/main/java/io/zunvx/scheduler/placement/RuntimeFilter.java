package io.zunvx.scheduler.placement;

import java.time.Instant;

/** Only hosts whose Docker offers the requested OCI runtime; a request without a runtime takes any host. */
public record RuntimeFilter() implements HostFilter {

    public static final String NAME = "RuntimeFilter";
    public static final String EXPLANATION = "runtime not offered";

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
        String wanted = request.runtime();
        return wanted == null ? null : host -> host.node().runtimes().contains(wanted);
    }
}
