package io.zunvx.api.volume;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.zunvx.platform.volume.VolumeRepository;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Cinder's volume quotas of a project: {@code volumes} (how many) and {@code gigabytes} (their total size); −1 is
 * unlimited. The limit is the project's own row in {@code quotas}, else the {@code default} quota class's, else
 * Cinder's defaults (10 volumes, 1000 GiB).
 *
 * <p>Usage is counted from the {@code volumes} table under the same per-project transaction lock that container
 * quotas take, so concurrent creates of one project cannot both take the last unit and usage always equals what
 * exists.
 */
public final class VolumeQuota {
    public static final long DEFAULT_VOLUMES = 10;
    public static final long DEFAULT_GIGABYTES = 1000;

    private final VolumeRepository volumes;

    public VolumeQuota(VolumeRepository volumes) {
        this.volumes = volumes;
    }

    /** What a request would exceed. */
    public record Refusal(String resource, long limit, long used, long wanted) {
    }

    /** The project's limits. */
    public Future<Map<String, Long>> limits(SqlClient db, String projectId) {
        return db.preparedQuery("""
                        SELECT resource, hard_limit, 0 AS rank FROM quotas
                        WHERE project_id = $1 AND resource IN ('volumes', 'gigabytes')
                        UNION ALL
                        SELECT resource, hard_limit, 1 AS rank FROM quota_classes
                        WHERE class_name = 'default' AND resource IN ('volumes', 'gigabytes')
                        ORDER BY rank DESC""")
                .execute(Tuple.of(projectId)).map(rs -> {
                    Map<String, Long> m = new LinkedHashMap<>();
                    m.put("volumes", DEFAULT_VOLUMES);
                    m.put("gigabytes", DEFAULT_GIGABYTES);
                    // The class first, then the project's own rows over it.
                    rs.forEach(r -> m.put(r.getString("resource"), r.getLong("hard_limit")));
                    return m;
                });
    }

    /** Sets a project's own limits. */
    public Future<Void> set(SqlClient db, String projectId, Map<String, Long> values) {
        Future<Void> chain = Future.succeededFuture();
        for (Map.Entry<String, Long> e : values.entrySet()) {
            chain = chain.compose(v -> db.preparedQuery("""
                            INSERT INTO quotas (project_id, resource, hard_limit) VALUES ($1, $2, $3)
                            ON CONFLICT (project_id, resource) DO UPDATE SET hard_limit = EXCLUDED.hard_limit,
                                updated_at = now()""")
                    .execute(Tuple.of(projectId, e.getKey(), e.getValue())).mapEmpty());
        }
        return chain;
    }

    /** A project's volumes and gigabytes in use. */
    public Future<long[]> usage(SqlClient db, String projectId) {
        return volumes.usage(db, projectId);
    }

    /**
     * Takes the project's quota lock for the rest of {@code tx} and checks that {@code count} more volumes of
     * {@code gigabytes} in all fit; the first resource that does not is the answer, {@code null} when all fit.
     */
    public Future<Refusal> check(SqlConnection tx, String projectId, long count, long gigabytes) {
        if (count == 0 && gigabytes == 0) {
            return Future.succeededFuture(null);
        }
        return tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtext('zunvx.quota.' || $1))")
                .execute(Tuple.of(projectId))
                .compose(v -> Future.all(limits(tx, projectId), usage(tx, projectId)))
                .map(all -> {
                    Map<String, Long> limit = all.resultAt(0);
                    long[] used = all.resultAt(1);
                    long lv = limit.get("volumes");
                    if (count > 0 && lv >= 0 && used[0] + count > lv) {
                        return new Refusal("volumes", lv, used[0], count);
                    }
                    long lg = limit.get("gigabytes");
                    if (gigabytes > 0 && lg >= 0 && used[1] + gigabytes > lg) {
                        return new Refusal("gigabytes", lg, used[1], gigabytes);
                    }
                    return null;
                });
    }
}
