package io.zunvx.platform.db;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Set;

/**
 * Keyset pagination for list queries: the rows after a marker row in ({@code sortKey}, tie-breaker) order, NULLs last
 * ascending and first descending, then {@code LIMIT}. The marker is looked up in the same statement, so an unknown
 * marker gives an empty page.
 *
 * @param table      table name, aliased {@code t} in the caller's query and {@code m} for the marker row
 * @param sortKeys   columns the caller may sort on (the only text ever put into the SQL from a request)
 * @param tieBreaker unique, never-NULL column that orders equal sort keys
 * @param markerKey  column the marker value is matched against
 */
public record Keyset(String table, Set<String> sortKeys, String tieBreaker, String markerKey) {

    public Keyset {
        sortKeys = Set.copyOf(sortKeys);
    }

    /**
     * Appends the marker condition ({@code AND ...}), ORDER BY and LIMIT to {@code sql}, whose rows are aliased
     * {@code t}; the arguments are appended to {@code args}.
     *
     * @param sortKey   one of {@link #sortKeys()}, {@code null} for the tie-breaker
     * @param sortDir   {@code asc} or {@code desc}, {@code null} for {@code asc}
     * @param marker    marker value, or {@code null} for the first page
     * @throws IllegalArgumentException for an unknown sort key or direction, or a limit below 1
     */
    public void page(StringBuilder sql, List<Object> args, String sortKey, String sortDir, Object marker,
                     int limit) {
        String key = sortKey == null ? tieBreaker : sortKey;
        if (!key.equals(tieBreaker) && !sortKeys.contains(key)) {
            throw new IllegalArgumentException("unknown sort key " + sortKey);
        }
        boolean asc;
        if (sortDir == null || "asc".equals(sortDir)) {
            asc = true;
        } else if ("desc".equals(sortDir)) {
            asc = false;
        } else {
            throw new IllegalArgumentException("sort direction must be asc or desc, not " + sortDir);
        }
        if (limit < 1) {
            throw new IllegalArgumentException("limit must be positive, not " + limit);
        }
        String col = "t." + key;
        String m = "m." + key;
        String tc = "t." + tieBreaker;
        String tm = "m." + tieBreaker;
        if (marker != null) {
            args.add(marker);
            String after = asc
                    ? "(" + m + " IS NULL AND " + col + " IS NULL AND " + tc + " > " + tm + ") OR (" + m
                            + " IS NOT NULL AND (" + col + " > " + m + " OR (" + col + " = " + m + " AND " + tc
                            + " > " + tm + ") OR " + col + " IS NULL))"
                    : "(" + m + " IS NULL AND (" + col + " IS NOT NULL OR " + tc + " < " + tm + ")) OR (" + m
                            + " IS NOT NULL AND (" + col + " < " + m + " OR (" + col + " = " + m + " AND " + tc
                            + " < " + tm + ")))";
            sql.append(" AND EXISTS (SELECT 1 FROM ").append(table).append(" m WHERE m.").append(markerKey)
                    .append(" = $").append(args.size()).append(" AND (").append(after).append("))");
        }
        sql.append(" ORDER BY ").append(col).append(asc ? " ASC NULLS LAST" : " DESC NULLS FIRST");
        if (!key.equals(tieBreaker)) {
            sql.append(", ").append(tc).append(asc ? " ASC" : " DESC");
        }
        args.add(limit);
        sql.append(" LIMIT $").append(args.size());
    }

    /** A timestamp column as an {@link Instant}. */
    public static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
