package io.zunvx.api.container;

import io.zunvx.api.http.QueryParams;

import io.vertx.core.MultiMap;
import io.zunvx.model.Status;
import io.zunvx.model.TaskState;
import io.zunvx.platform.error.ZunException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * The query of {@code GET /v1/containers} (reference §3.1), checked in Zun's order: {@code all_projects},
 * {@code limit}, {@code sort_dir}, {@code marker}, unknown parameters, {@code sort_key}.
 *
 * <p>Filters are exact matches on the listed fields, kept as the strings sent; Zun does not validate their values, so
 * a filter no container can match (an unknown status, say) lists nothing rather than failing: see
 * {@link #matchesNothing()}. Filtering on {@code host} needs the admin-only field policy, which is the caller's check.
 *
 * @param limit       page size, 1..max limit
 * @param marker      uuid of the last container of the previous page, or {@code null}
 * @param sortKey     container field to sort on, default {@code id} (creation order)
 * @param sortDir     {@code asc} or {@code desc}
 * @param allProjects whether an admin asked for every project's containers
 * @param filters     exact-match filters by field name, in the order sent
 */
public record ListQuery(int limit, UUID marker, String sortKey, String sortDir, boolean allProjects,
                        Map<String, String> filters) {
    /** Zun's {@code [api] max_limit} default. */
    public static final int MAX_LIMIT = 1000;
    /** Fields a list may be filtered on. */
    public static final List<String> FILTERS = List.of("name", "image", "project_id", "user_id", "memory", "host",
            "task_state", "status", "auto_remove");
    /** Columns of Zun's containers table that a list may be sorted on. */
    public static final Set<String> SORT_KEYS = Set.of("id", "uuid", "name", "project_id", "user_id", "image",
            "image_driver", "image_pull_policy", "command", "entrypoint", "status", "status_reason", "status_detail",
            "task_state", "cpu", "cpu_policy", "memory", "disk", "environment", "labels", "workdir", "hostname",
            "ports", "exposed_ports", "addresses", "security_groups", "restart_policy", "interactive", "tty",
            "auto_remove", "auto_heal", "privileged", "runtime", "host", "healthcheck", "registry_id",
            "container_id", "started_at", "created_at", "updated_at");

    private static final Set<String> PAGING = Set.of("limit", "marker", "sort_key", "sort_dir", "all_projects",
            "expand", "resource_url");
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");
    private static final Pattern DIGITS = Pattern.compile("[0-9]+");

    public ListQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        filters = Collections.unmodifiableMap(new LinkedHashMap<>(filters));
    }

    /** Parses with Zun's default page-size cap. */
    public static ListQuery parse(MultiMap query) {
        return parse(query, MAX_LIMIT);
    }

    /**
     * Parses a list query.
     *
     * @param maxLimit the page-size cap and default
     * @throws ZunException 400 {@code invalid-value} for {@code all_projects}, {@code limit}, {@code sort_dir} and
     *                      unknown parameters; 400 {@code invalid-parameter-value} for an unknown sort key; 404
     *                      {@code container-not-found} for a marker that is not a uuid (Zun looks the marker up and
     *                      finds nothing). A well-formed marker must still be looked up by the caller.
     */
    public static ListQuery parse(MultiMap query, int maxLimit) {
        boolean allProjects = QueryParams.allProjects(query);
        int limit = QueryParams.limit(query.get("limit"), maxLimit);
        String sortDir = QueryParams.sortDir(query.get("sort_dir"));
        String sortKey = query.contains("sort_key") ? query.get("sort_key") : "id";
        Map<String, String> filters = new LinkedHashMap<>();
        for (String name : QueryParams.names(query)) {
            if (FILTERS.contains(name)) {
                filters.put(name, query.get(name));
            }
        }
        UUID marker = null;
        String markerText = query.get("marker");
        if (markerText != null && !markerText.isEmpty()) {
            if (!UUID_TEXT.matcher(markerText).matches()) {
                throw ZunException.containerNotFound(markerText);
            }
            marker = UUID.fromString(markerText.toLowerCase(Locale.ROOT));
        }
        List<String> known = new ArrayList<>(PAGING);
        known.addAll(FILTERS);
        QueryParams.rejectUnknown(query, known);
        if (!SORT_KEYS.contains(sortKey)) {
            throw new ZunException(400, "invalid-parameter-value",
                    "The sort_key value \"" + sortKey + "\" is an invalid field for sorting");
        }
        return new ListQuery(limit, marker, sortKey, sortDir, allProjects, filters);
    }

    /**
     * Whether a filter value cannot match any stored container: a status or task state Zun never writes, a memory
     * that is not a whole number of MiB, or an {@code auto_remove} that is no boolean spelling.
     */
    public boolean matchesNothing() {
        String status = filters.get("status");
        if (status != null && !Status.isWire(status)) {
            return true;
        }
        String taskState = filters.get("task_state");
        if (taskState != null && !TaskState.isWire(taskState)) {
            return true;
        }
        String memory = filters.get("memory");
        if (memory != null && (!DIGITS.matcher(memory).matches() || memory.replaceFirst("^0+(?=.)", "").length() > 9
                && Long.parseLong(memory.length() > 18 ? "9999999999" : memory) > Integer.MAX_VALUE)) {
            // Stored memory is an int of MiB: a larger figure matches no container.
            return true;
        }
        String autoRemove = filters.get("auto_remove");
        return autoRemove != null && autoRemove() == null;
    }

    /** The {@code auto_remove} filter as a boolean, or {@code null} when absent or not a boolean spelling. */
    public Boolean autoRemove() {
        String v = filters.get("auto_remove");
        if (v == null) {
            return null;
        }
        if (QueryParams.EXTENDED_TRUE.contains(v)) {
            return true;
        }
        return QueryParams.EXTENDED_FALSE.contains(v) ? false : null;
    }
}
