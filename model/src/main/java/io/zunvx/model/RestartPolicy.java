package io.zunvx.model;

import java.util.Set;

/**
 * Docker restart policy as Zun stores it. On the wire {@code MaximumRetryCount} is a decimal string.
 *
 * @param name              {@code no}, {@code always}, {@code on-failure} or {@code unless-stopped}
 * @param maximumRetryCount retries for {@code on-failure}; 0 otherwise
 */
public record RestartPolicy(String name, int maximumRetryCount) {
    public static final Set<String> NAMES = Set.of("no", "always", "on-failure", "unless-stopped");
    public static final RestartPolicy NO = new RestartPolicy("no", 0);

    public RestartPolicy {
        if (!NAMES.contains(name)) {
            throw new IllegalArgumentException("restart policy name must be one of " + NAMES + ": " + name);
        }
        if (maximumRetryCount < 0) {
            throw new IllegalArgumentException("MaximumRetryCount must not be negative");
        }
        if (("always".equals(name) || "unless-stopped".equals(name)) && maximumRetryCount != 0) {
            throw new IllegalArgumentException("maximum retry count not valid with restart policy of " + name);
        }
    }
}
