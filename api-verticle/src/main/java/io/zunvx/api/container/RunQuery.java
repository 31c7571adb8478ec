package io.zunvx.api.container;

import io.zunvx.api.http.QueryParams;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * The query of {@code POST /v1/containers}: {@code run} (extended boolean, default false) says whether to start the
 * container once created; no other parameter is allowed. Zun checks it before the body.
 *
 * @param run create and start
 */
public record RunQuery(boolean run) {
    private static final List<String> ALLOWED = List.of("run");

    /** Parses and validates; failures are {@code 400 schema-validation-error} with Zun's texts. */
    public static RunQuery parse(MultiMap query) {
        boolean run = QueryParams.extendedBool(query, "run", false);
        QueryParams.rejectAdditional(query, ALLOWED);
        return new RunQuery(run);
    }
}
