package io.zunvx.model;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * A running Zun-VX service (e.g. {@code zun-compute} on a host) and its heartbeat.
 *
 * @param id               numeric id
 * @param host             host name
 * @param binary           service binary name, e.g. {@code zun-compute}
 * @param disabled         disabled by an operator
 * @param disabledReason   why, if disabled
 * @param forcedDown       forced down by an operator
 * @param lastSeenUp       last heartbeat
 * @param reportCount      heartbeats received
 * @param availabilityZone zone, {@code nova} by default
 * @param createdAt        registration time
 * @param updatedAt        last change
 */
public record ZunService(
        long id,
        String host,
        String binary,
        boolean disabled,
        String disabledReason,
        boolean forcedDown,
        Instant lastSeenUp,
        long reportCount,
        String availabilityZone,
        Instant createdAt,
        Instant updatedAt) {

    public static final String COMPUTE = "zun-compute";

    public ZunService {
        Objects.requireNonNull(host, "host");
        Objects.requireNonNull(binary, "binary");
    }

    /** Zun's rule: down when forced down or when the last heartbeat is older than {@code downTime}. */
    public boolean isUp(Instant now, Duration downTime) {
        if (forcedDown) {
            return false;
        }
        Instant seen = lastSeenUp != null ? lastSeenUp : updatedAt != null ? updatedAt : createdAt;
        return seen != null && !seen.plus(downTime).isBefore(now);
    }
}
