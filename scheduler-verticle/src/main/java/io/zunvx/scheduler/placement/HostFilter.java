package io.zunvx.scheduler.placement;

import java.time.Instant;

/**
 * A feasibility check: can this host take this request at all. Its {@link #name()} is what a {@link NoValidHost}
 * counts rejections under, and {@link #explanation()} says briefly what the rejected hosts lacked.
 *
 * <p>A filter is bound once per placement ({@link #bind}), so that everything derived from the request is worked out
 * once and not for each of thousands of hosts, and so that a filter with nothing to check for this request (no
 * runtime asked for, a shared CPU policy, no label hints) costs nothing at all.
 */
public sealed interface HostFilter
        permits RequestedHostFilter, ServiceEnabledFilter, AvailabilityZoneFilter, CpuFilter, MemoryFilter,
        DiskFilter, RuntimeFilter, CpuPinningFilter, LabelFilter, VolumeHostFilter, PortHostFilter {

    /** Stable name used in rejection counts, e.g. {@code MemoryFilter}. */
    String name();

    /** What a host rejected by this filter lacks, e.g. {@code not enough memory}. */
    String explanation();

    /** The check of hosts against {@code request} at {@code now}, or {@code null} when it cannot reject any host. */
    Check bind(PlacementRequest request, Instant now);

    /** Whether {@code host} passes this filter for {@code request}; for one-off checks, not for scans. */
    default boolean passes(HostState host, PlacementRequest request, Instant now) {
        Check check = bind(request, now);
        return check == null || check.test(host);
    }

    /** The explanation of the filter with this name, or {@code null} for a name no filter has. */
    static String explanationOf(String filterName) {
        return switch (filterName) {
            case RequestedHostFilter.NAME -> RequestedHostFilter.EXPLANATION;
            case ServiceEnabledFilter.NAME -> ServiceEnabledFilter.EXPLANATION;
            case AvailabilityZoneFilter.NAME -> AvailabilityZoneFilter.EXPLANATION;
            case CpuFilter.NAME -> CpuFilter.EXPLANATION;
            case MemoryFilter.NAME -> MemoryFilter.EXPLANATION;
            case DiskFilter.NAME -> DiskFilter.EXPLANATION;
            case RuntimeFilter.NAME -> RuntimeFilter.EXPLANATION;
            case CpuPinningFilter.NAME -> CpuPinningFilter.EXPLANATION;
            case LabelFilter.NAME -> LabelFilter.EXPLANATION;
            case VolumeHostFilter.NAME -> VolumeHostFilter.EXPLANATION;
            case PortHostFilter.NAME -> PortHostFilter.EXPLANATION;
            default -> null;
        };
    }

    /** A filter bound to one request. */
    @FunctionalInterface
    interface Check {
        boolean test(HostState host);
    }
}
