package io.zunvx.api.container;

import io.zunvx.api.http.QueryParams;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * The query of {@code POST .../stop} and {@code POST .../reboot}: an optional {@code timeout} in seconds (digits
 * only); no other parameter is allowed.
 *
 * @param timeout seconds to wait before killing, or {@code null} for the runtime's default
 */
public record TimeoutQuery(Integer timeout) {
    private static final List<String> ALLOWED = List.of("timeout");

    public TimeoutQuery {
        if (timeout != null && timeout < 0) {
            throw new IllegalArgumentException("timeout must not be negative");
        }
    }

    /** Parses and validates; failures are {@code 400 schema-validation-error} with Zun's texts. */
    public static TimeoutQuery parse(MultiMap query) {
        Integer timeout = QueryParams.nonNegativeInt(query, "timeout");
        QueryParams.rejectAdditional(query, ALLOWED);
        return new TimeoutQuery(timeout);
    }
}
