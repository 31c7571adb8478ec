package io.zunvx.platform.container;

import java.util.Map;
import java.util.Set;
import java.util.UUID;

/**
 * A page request over containers.
 *
 * @param projectId only this project's containers, or {@code null} for all projects
 * @param filters   exact-match filters by column ({@link #FILTERS}); values typed as the column
 * @param sortKey   a column of {@link #SORT_KEYS}
 * @param ascending sort direction
 * @param marker    uuid of the last container of the previous page, or {@code null}
 * @param limit     page size
 */
public record ContainerQuery(String projectId, Map<String, Object> filters, String sortKey, boolean ascending,
                             UUID marker, int limit) {
    public static final Set<String> FILTERS = Set.of("name", "image", "project_id", "user_id", "memory", "host",
            "task_state", "status", "auto_remove");
    public static final Set<String> SORT_KEYS = Set.of("id", "uuid", "name", "project_id", "user_id", "image",
            "image_driver", "image_pull_policy", "command", "entrypoint", "status", "status_reason", "status_detail",
            "task_state", "cpu", "cpu_policy", "memory", "disk", "environment", "labels", "workdir", "hostname",
            "exposed_ports", "addresses", "security_groups", "restart_policy", "interactive", "tty", "auto_remove",
            "auto_heal", "privileged", "runtime", "host", "healthcheck", "registry_id", "container_id", "created_at",
            "updated_at");

    public ContainerQuery {
        filters = Map.copyOf(filters);
        if (!FILTERS.containsAll(filters.keySet())) {
            throw new IllegalArgumentException("unknown filter in " + filters.keySet());
        }
        if (!SORT_KEYS.contains(sortKey)) {
            throw new IllegalArgumentException("unknown sort key " + sortKey);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
    }
}
