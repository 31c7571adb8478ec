package io.zunvx.api.container;

import io.zunvx.api.http.QueryParams;

import io.vertx.core.MultiMap;
import java.util.List;

/**
 * The query of {@code DELETE /v1/containers/{c}}: {@code force}, {@code all_projects} and {@code stop}, all extended
 * booleans defaulting to false; no other parameter is allowed. Whether the caller may use them (force is admin-only
 * from 1.7, stop exists from 1.12) is decided by the caller.
 *
 * @param force       delete whatever the state
 * @param stop        stop a running container first
 * @param allProjects resolve the container in any project
 */
public record DeleteQuery(boolean force, boolean stop, boolean allProjects) {
    private static final List<String> ALLOWED = List.of("force", "all_projects", "stop");

    /** Parses and validates; failures are {@code 400 schema-validation-error} with Zun's texts. */
    public static DeleteQuery parse(MultiMap query) {
        boolean force = QueryParams.extendedBool(query, "force", false);
        boolean allProjects = QueryParams.extendedBool(query, "all_projects", false);
        boolean stop = QueryParams.extendedBool(query, "stop", false);
        QueryParams.rejectAdditional(query, ALLOWED);
        return new DeleteQuery(force, stop, allProjects);
    }
}
