package io.zunvx.api.quota;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.Container;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.error.ZunException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Quotas as Zun has them (containers, cpu, memory MiB, disk GB; −1 unlimited): the effective limit of a project is its
 * own override, else the {@code default} quota class, else the configured default.
 *
 * <p>Usage is never stored. A check takes a transaction-scoped advisory lock on the project, counts the project's
 * containers, and inserts (or resizes) in the same transaction, so concurrent requests of one project are serialized
 * exactly at the point that matters and usage always equals what exists.
 */
public final class QuotaService implements QuotaGuard {
    public static final List<String> RESOURCES = List.of("containers", "cpu", "memory", "disk");
    public static final String DEFAULT_CLASS = "default";

    private final ZunvxConfig.Quota defaults;

    public QuotaService(ZunvxConfig.Quota defaults) {
        this.defaults = defaults;
    }

    /** The configured defaults. */
    public Map<String, Long> configured() {
        Map<String, Long> m = new LinkedHashMap<>();
        m.put("containers", defaults.containers());
        m.put("cpu", defaults.cpu());
        m.put("memory", defaults.memory());
        m.put("disk", defaults.disk());
        return m;
    }

    /** A quota class's values, falling back to the configured defaults. */
    public Future<Map<String, Long>> classLimits(SqlClient db, String className) {
        return db.preparedQuery("SELECT resource, hard_limit FROM quota_classes WHERE class_name = $1")
                .execute(Tuple.of(className)).map(rs -> {
                    Map<String, Long> m = configured();
                    rs.forEach(r -> m.put(r.getString("resource"), r.getLong("hard_limit")));
                    return m;
                });
    }

    /** A project's effective limits. */
    public Future<Map<String, Long>> limits(SqlClient db, String projectId) {
        return classLimits(db, DEFAULT_CLASS).compose(base -> db.preparedQuery(
                        "SELECT resource, hard_limit FROM quotas WHERE project_id = $1")
                .execute(Tuple.of(projectId)).map(rs -> {
                    Map<String, Long> m = new LinkedHashMap<>(base);
                    rs.forEach(r -> m.put(r.getString("resource"), r.getLong("hard_limit")));
                    return m;
                }));
    }

    /**
     * What a project uses now: containers, vCPUs, MiB, GB. A capsule's containers count one each (its sandbox not);
     * its resources count once, as the totals its sandbox holds. A container that ended in {@code Error} without ever
     * getting a host (no host fits, or its scheduling request was dead-lettered and the sweep found no host) holds no
     * resources anywhere: it counts as a container until it is deleted, as in Zun, but not its vCPUs, MiB or GB.
     */
    public Future<Map<String, Number>> usage(SqlClient db, String projectId) {
        return db.preparedQuery("""
                        SELECT count(*) FILTER (WHERE capsule_role IS DISTINCT FROM 'sandbox') AS containers,
                               COALESCE(sum(cpu) FILTER (WHERE own), 0) AS cpu,
                               COALESCE(sum(memory) FILTER (WHERE own), 0) AS memory,
                               COALESCE(sum(disk) FILTER (WHERE own), 0) AS disk
                        FROM (SELECT *, (capsule_id IS NULL OR capsule_role = 'sandbox')
                                        AND (host IS NOT NULL OR status <> 'Error') AS own FROM containers
                              WHERE project_id = $1) c""")
                .execute(Tuple.of(projectId)).map(rs -> {
                    Row r = rs.iterator().next();
                    Map<String, Number> m = new LinkedHashMap<>();
                    m.put("containers", r.getLong("containers"));
                    m.put("cpu", r.getDouble("cpu"));
                    m.put("memory", r.getLong("memory"));
                    m.put("disk", r.getLong("disk"));
                    return m;
                });
    }

    /** Sets (upserts) overrides of a project or a class. */
    /** Whether the identity service has a project with this id. */
    public Future<Boolean> projectExists(SqlClient db, String id) {
        return db.preparedQuery("SELECT 1 FROM projects WHERE id = $1").execute(Tuple.of(id))
                .map(rows -> rows.size() > 0);
    }

    public Future<Void> set(SqlClient db, boolean forClass, String owner, Map<String, Long> values) {
        String table = forClass ? "quota_classes" : "quotas";
        String key = forClass ? "class_name" : "project_id";
        List<Tuple> rows = new ArrayList<>();
        values.forEach((k, v) -> rows.add(Tuple.of(owner, k, v)));
        if (rows.isEmpty()) {
            return Future.succeededFuture();
        }
        return db.preparedQuery("INSERT INTO " + table + " (" + key + ", resource, hard_limit) VALUES ($1, $2, $3) "
                        + "ON CONFLICT (" + key + ", resource) DO UPDATE SET hard_limit = EXCLUDED.hard_limit, "
                        + "updated_at = now()")
                .executeBatch(rows).mapEmpty();
    }

    /** Removes a project's overrides. */
    public Future<Void> clear(SqlClient db, String projectId) {
        return db.preparedQuery("DELETE FROM quotas WHERE project_id = $1").execute(Tuple.of(projectId)).mapEmpty();
    }

    @Override
    public Future<Void> reserve(SqlConnection tx, Container c) {
        return check(tx, c.projectId(), 1, c.cpu(), c.memory() == null ? 0 : c.memory(), c.disk());
    }

    @Override
    public Future<Void> reserveCapsule(SqlConnection tx, String projectId, int containers, double cpu, int memory) {
        return check(tx, projectId, containers, cpu, memory, 0);
    }

    @Override
    public Future<Void> resize(SqlConnection tx, Container prev, Double cpu, Integer memory) {
        double dCpu = cpu == null ? 0 : cpu - prev.cpu();
        long dMem = memory == null ? 0 : memory - (prev.memory() == null ? 0 : prev.memory());
        if (dCpu <= 0 && dMem <= 0) {
            return Future.succeededFuture();
        }
        return check(tx, prev.projectId(), 0, Math.max(dCpu, 0), Math.max(dMem, 0), 0);
    }

    @Override
    public Future<Void> release(SqlConnection tx, Container c) {
        return Future.succeededFuture();
    }

    private Future<Void> check(SqlConnection tx, String project, long containers, double cpu, long memory,
                               long disk) {
        return tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtext('zunvx.quota.' || $1))")
                .execute(Tuple.of(project))
                .compose(v -> Future.all(limits(tx, project), usage(tx, project)))
                .compose(all -> {
                    Map<String, Long> limit = all.resultAt(0);
                    Map<String, Number> used = all.resultAt(1);
                    List<String> over = new ArrayList<>();
                    exceeds(over, "containers", limit, used.get("containers").doubleValue(), containers);
                    exceeds(over, "cpu", limit, used.get("cpu").doubleValue(), cpu);
                    exceeds(over, "memory", limit, used.get("memory").doubleValue(), memory);
                    exceeds(over, "disk", limit, used.get("disk").doubleValue(), disk);
                    if (over.isEmpty()) {
                        return Future.<Void>succeededFuture();
                    }
                    return Future.failedFuture(new ZunException(403, "over-quota", "Quota exceeded for resources: "
                            + over.stream().map(x -> "'" + x + "'").toList().toString()));
                });
    }

    private static void exceeds(List<String> over, String resource, Map<String, Long> limit, double used,
                                double wanted) {
        long l = limit.getOrDefault(resource, -1L);
        if (wanted > 0 && l >= 0 && used + wanted > l + 1e-9) {
            over.add(resource);
        }
    }
}
