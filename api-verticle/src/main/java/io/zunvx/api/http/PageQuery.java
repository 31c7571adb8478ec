package io.zunvx.api.http;

import io.vertx.core.MultiMap;
import io.zunvx.platform.error.ZunException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * The query of a Zun list other than containers' (registries, images): {@code limit}, {@code marker},
 * {@code sort_key}, {@code sort_dir}, optionally {@code all_projects} and exact-match filters, checked in the order
 * Zun's controllers check them: {@code all_projects}, {@code limit}, {@code sort_dir}, filters, {@code marker},
 * unknown parameters, {@code sort_key}.
 *
 * @param limit       page size, 1..max limit
 * @param marker      uuid of the last item of the previous page, or {@code null}
 * @param sortKey     field to sort on ({@code id}, creation order, by default)
 * @param sortDir     {@code asc} or {@code desc}
 * @param allProjects whether an admin asked for every project's items
 * @param filters     exact-match filters by field name, in the order sent
 */
public record PageQuery(int limit, UUID marker, String sortKey, String sortDir, boolean allProjects,
                        Map<String, String> filters) {
    private static final Pattern UUID_TEXT = Pattern.compile(
            "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");
    private static final Set<String> PAGING = Set.of("limit", "marker", "sort_key", "sort_dir", "expand",
            "resource_url");

    public PageQuery {
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive");
        }
        filters = Collections.unmodifiableMap(new LinkedHashMap<>(filters));
    }

    /**
     * What a list accepts.
     *
     * @param filters        exact-match filter names
     * @param sortKeys       fields it may be sorted on
     * @param allProjects    whether {@code all_projects} is a parameter
     * @param rejectUnknown  whether other parameters are refused (registries) or ignored (images)
     * @param markerNotFound the 404 of a marker that names nothing
     */
    public record Spec(List<String> filters, Set<String> sortKeys, boolean allProjects, boolean rejectUnknown,
                       Function<String, ZunException> markerNotFound) {
    }

    /**
     * Parses a list query.
     *
     * @param maxLimit the page-size cap and default
     * @throws ZunException 400 {@code invalid-value} for {@code all_projects}, {@code limit}, {@code sort_dir} and
     *                      unknown parameters; 400 {@code invalid-parameter-value} for an unknown sort key; the spec's
     *                      404 for a marker that is not a uuid. A well-formed marker must still be looked up.
     */
    public static PageQuery parse(MultiMap query, int maxLimit, Spec spec) {
        boolean allProjects = spec.allProjects() && QueryParams.allProjects(query);
        int limit = QueryParams.limit(query.get("limit"), maxLimit);
        String sortDir = QueryParams.sortDir(query.get("sort_dir"));
        String sortKey = query.contains("sort_key") ? query.get("sort_key") : "id";
        Map<String, String> filters = new LinkedHashMap<>();
        for (String name : QueryParams.names(query)) {
            if (spec.filters().contains(name)) {
                filters.put(name, query.get(name));
            }
        }
        UUID marker = null;
        String markerText = query.get("marker");
        if (markerText != null && !markerText.isEmpty()) {
            if (!UUID_TEXT.matcher(markerText).matches()) {
                throw spec.markerNotFound().apply(markerText);
            }
            marker = uuid(markerText);
        }
        if (spec.rejectUnknown()) {
            Collection<String> known = new ArrayList<>(PAGING);
            known.addAll(spec.filters());
            if (spec.allProjects()) {
                known.add("all_projects");
            }
            QueryParams.rejectUnknown(query, known);
        }
        if (!spec.sortKeys().contains(sortKey)) {
            throw new ZunException(400, "invalid-parameter-value",
                    "The sort_key value \"" + sortKey + "\" is an invalid field for sorting");
        }
        return new PageQuery(limit, marker, sortKey, sortDir, allProjects, filters);
    }

    /** A uuid written with or without dashes, in any case. */
    static UUID uuid(String s) {
        String hex = s.replace("-", "").toLowerCase(Locale.ROOT);
        return UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-" + hex.substring(12, 16) + "-"
                + hex.substring(16, 20) + "-" + hex.substring(20));
    }

    /** Whether {@code s} looks like a uuid (with or without dashes), as Zun's {@code is_uuid_like} decides. */
    public static boolean isUuidLike(String s) {
        return s != null && UUID_TEXT.matcher(s).matches();
    }

    /** {@code s} as a uuid; {@code s} must be {@link #isUuidLike uuid-like}. */
    public static UUID toUuid(String s) {
        return uuid(s);
    }
}
