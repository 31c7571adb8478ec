package io.zunvx.api.container;

import io.zunvx.api.http.QueryParams;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * The query of {@code POST .../stop} and {@code POST .../reboot}: an optional {@code timeout} in seconds (digits
 * only, at most {@value #MAX_TIMEOUT}: the agent holds the container's commands for that long); no other parameter
 * is allowed.
 *
 * @param timeout seconds to wait before killing, or {@code null} for the runtime's default
 */
public record TimeoutQuery(Integer timeout) {
    /** The longest stop or reboot timeout a user may ask for, in seconds. */
    public static final int MAX_TIMEOUT = 3600;
    private static final List<String> ALLOWED = List.of("timeout");

    public TimeoutQuery {
        if (timeout != null && (timeout < 0 || timeout > MAX_TIMEOUT)) {
            throw new IllegalArgumentException("timeout must be between 0 and " + MAX_TIMEOUT);
        }
    }

    /** Parses and validates; failures are {@code 400 schema-validation-error} with Zun's texts. */
    public static TimeoutQuery parse(MultiMap query) {
        Integer timeout = QueryParams.nonNegativeInt(query, "timeout", MAX_TIMEOUT);
        QueryParams.rejectAdditional(query, ALLOWED);
        return new TimeoutQuery(timeout);
    }
}
