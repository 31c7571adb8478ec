package io.zunvx.scheduler.placement;

import io.zunvx.model.Container;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * What a container needs from a host.
 *
 * @param uuid             the container (or capsule) being placed; also salts the tie-break between equal hosts
 * @param cpu              vCPUs
 * @param memory           MiB, 0 when the container has no memory limit
 * @param disk             GB
 * @param runtime          OCI runtime the host must offer, {@code null} for the host's default
 * @param cpuPolicy        {@value #SHARED} or {@value #DEDICATED}
 * @param availabilityZone zone the host must be in, {@code null} for any
 * @param requestedHost    the only acceptable host, {@code null} for any
 * @param hints            scheduler hints; those keyed {@code label:<key>} require host label {@code <key>} to equal
 *                         the value
 */
public record PlacementRequest(
        UUID uuid,
        double cpu,
        long memory,
        long disk,
        String runtime,
        String cpuPolicy,
        String availabilityZone,
        String requestedHost,
        Map<String, String> hints) {

    public static final String SHARED = "shared";
    public static final String DEDICATED = "dedicated";
    /** Prefix of hints that name a host label. */
    public static final String LABEL_HINT_PREFIX = "label:";

    public PlacementRequest {
        Objects.requireNonNull(uuid, "uuid");
        if (!(cpu >= 0) || Double.isInfinite(cpu)) {
            throw new IllegalArgumentException("cpu must be a non-negative number: " + cpu);
        }
        if (memory < 0 || disk < 0) {
            throw new IllegalArgumentException("memory and disk must not be negative");
        }
        cpuPolicy = blankToNull(cpuPolicy) == null ? SHARED : cpuPolicy;
        if (!cpuPolicy.equals(SHARED) && !cpuPolicy.equals(DEDICATED)) {
            throw new IllegalArgumentException("cpu policy must be shared or dedicated: " + cpuPolicy);
        }
        runtime = blankToNull(runtime);
        availabilityZone = blankToNull(availabilityZone);
        requestedHost = blankToNull(requestedHost);
        hints = hints == null ? Map.of() : Map.copyOf(hints);
    }

    /** The request for placing {@code container}. */
    public static PlacementRequest from(Container container) {
        return new PlacementRequest(container.uuid(), container.cpu(),
                container.memory() == null ? 0L : container.memory(), container.disk(), container.runtime(),
                container.cpuPolicy(), container.availabilityZone(), container.requestedHost(), container.hints());
    }

    public boolean dedicated() {
        return DEDICATED.equals(cpuPolicy);
    }

    /** Whole CPUs to pin: {@code ceil(cpu)}, at least one, for a dedicated request; 0 for a shared one. */
    public int dedicatedCpus() {
        return dedicated() ? Math.max(1, (int) Math.ceil(cpu)) : 0;
    }

    /** The label hints as label key to required value. */
    public Map<String, String> labelHints() {
        Map<String, String> out = new LinkedHashMap<>();
        hints.forEach((k, v) -> {
            if (k.startsWith(LABEL_HINT_PREFIX)) {
                out.put(k.substring(LABEL_HINT_PREFIX.length()), v);
            }
        });
        return out;
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }
}
