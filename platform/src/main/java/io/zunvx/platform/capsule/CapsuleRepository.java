package io.zunvx.platform.capsule;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.Capsule;
import io.zunvx.model.TaskState;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** The {@code capsules} table. A capsule's containers are rows of {@code containers} (see V14). */
public final class CapsuleRepository {
    private static final String COLUMNS = "id, uuid, name, project_id, user_id, labels, annotations, restart_policy, "
            + "cpu, memory, volumes, task_state, created_at, updated_at, version, event_seq";
    private static final String SELECT = "SELECT " + COLUMNS + " FROM capsules";
    /** Sort keys the list accepts, as columns. */
    public static final List<String> SORT_KEYS = List.of("id", "uuid", "name", "created_at", "updated_at", "cpu",
            "memory", "project_id", "user_id");

    /** One page of a list: {@code projectId} {@code null} for every project; {@code marker} a capsule uuid. */
    public record Page(String projectId, String sortKey, boolean ascending, UUID marker, int limit) {
        public Page {
            if (!SORT_KEYS.contains(sortKey)) {
                throw new IllegalArgumentException("unknown sort key " + sortKey);
            }
        }
    }

    public Future<Void> insert(SqlClient db, Capsule c) {
        return db.preparedQuery("""
                        INSERT INTO capsules (uuid, name, project_id, user_id, labels, annotations, restart_policy,
                            cpu, memory, volumes, task_state, created_at, updated_at, version, event_seq)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15)""")
                .execute(Tuple.tuple().addUUID(c.uuid()).addString(c.name()).addString(c.projectId())
                        .addString(c.userId()).addValue(new JsonObject(new LinkedHashMap<>(c.labels())))
                        .addValue(new JsonObject(new LinkedHashMap<>(c.annotations())))
                        .addString(c.restartPolicy()).addDouble(c.cpu()).addInteger(c.memory())
                        .addValue(volumes(c.volumes()))
                        .addString(c.taskState() == null ? null : c.taskState().wire())
                        .addOffsetDateTime(odt(c.createdAt())).addOffsetDateTime(odt(c.updatedAt()))
                        .addLong(c.version()).addLong(c.eventSequence()))
                .mapEmpty();
    }

    public Future<Optional<Capsule>> find(SqlClient db, UUID uuid) {
        return db.preparedQuery(SELECT + " WHERE uuid = $1").execute(Tuple.of(uuid)).map(CapsuleRepository::first);
    }

    /** Locks the row for the rest of the transaction. */
    public Future<Optional<Capsule>> lock(SqlClient db, UUID uuid) {
        return db.preparedQuery(SELECT + " WHERE uuid = $1 FOR UPDATE").execute(Tuple.of(uuid))
                .map(CapsuleRepository::first);
    }

    /** Capsules named {@code name}, in {@code projectId} or in every project when it is {@code null} (at most 2). */
    public Future<List<Capsule>> findByName(SqlClient db, String name, String projectId) {
        String sql = SELECT + " WHERE name = $1" + (projectId == null ? "" : " AND project_id = $2")
                + " ORDER BY id LIMIT 2";
        return db.preparedQuery(sql).execute(projectId == null ? Tuple.of(name) : Tuple.of(name, projectId))
                .map(CapsuleRepository::all);
    }

    /** One page, keyset-paginated on ({@code sortKey}, id). */
    public Future<List<Capsule>> list(SqlClient db, Page p) {
        StringBuilder sql = new StringBuilder("SELECT ")
                .append(String.join(", ", List.of(COLUMNS.split(", ")).stream().map(x -> "c." + x).toList()))
                .append(" FROM capsules c WHERE true");
        List<Object> args = new ArrayList<>();
        if (p.projectId() != null) {
            args.add(p.projectId());
            sql.append(" AND c.project_id = $").append(args.size());
        }
        // Names may be null: they sort as the empty string, so the keyset comparison below is total.
        String col = "name".equals(p.sortKey()) ? "COALESCE(c.name, '')" : "c." + p.sortKey();
        String m = "name".equals(p.sortKey()) ? "COALESCE(m.name, '')" : "m." + p.sortKey();
        String cmp = p.ascending() ? " > " : " < ";
        if (p.marker() != null) {
            args.add(p.marker());
            sql.append(" AND EXISTS (SELECT 1 FROM capsules m WHERE m.uuid = $").append(args.size())
                    .append(" AND (").append(col).append(", c.id)").append(cmp).append("(").append(m)
                    .append(", m.id))");
        }
        String dir = p.ascending() ? " ASC" : " DESC";
        sql.append(" ORDER BY ").append(col).append(dir).append(", c.id").append(dir);
        args.add(p.limit());
        sql.append(" LIMIT $").append(args.size());
        return db.preparedQuery(sql.toString()).execute(Tuple.tuple(args)).map(CapsuleRepository::all);
    }

    /** Writes the task state if the stored version is still {@code c.version()}; increments the version. */
    public Future<Boolean> setTaskState(SqlClient db, Capsule c, TaskState state, Instant at) {
        return db.preparedQuery("""
                        UPDATE capsules SET task_state = $2, updated_at = $3, version = version + 1
                        WHERE uuid = $1 AND version = $4""")
                .execute(Tuple.of(c.uuid(), state == null ? null : state.wire(), odt(at), c.version()))
                .map(rs -> rs.rowCount() == 1);
    }

    /** Takes the next event sequence number of the capsule. */
    public Future<Long> nextSequence(SqlClient db, UUID uuid) {
        return db.preparedQuery("UPDATE capsules SET event_seq = event_seq + 1 WHERE uuid = $1 RETURNING event_seq")
                .execute(Tuple.of(uuid))
                .map(rs -> rs.size() == 0 ? -1L : rs.iterator().next().getLong(0));
    }

    public Future<Boolean> delete(SqlClient db, UUID uuid) {
        return db.preparedQuery("DELETE FROM capsules WHERE uuid = $1").execute(Tuple.of(uuid))
                .map(rs -> rs.rowCount() == 1);
    }

    /** Capsules being deleted that have no container row left: what a delete interrupted half-way leaves. */
    public Future<List<Capsule>> deletingWithoutContainers(SqlClient db) {
        return db.preparedQuery(SELECT + " c WHERE task_state = $1 AND NOT EXISTS "
                        + "(SELECT 1 FROM containers x WHERE x.capsule_id = c.uuid) ORDER BY id")
                .execute(Tuple.of(TaskState.CONTAINER_DELETING.wire())).map(CapsuleRepository::all);
    }

    private static JsonArray volumes(List<Capsule.CapsuleVolume> volumes) {
        JsonArray a = new JsonArray();
        volumes.forEach(v -> a.add(new JsonObject().put("name", v.name()).put("volume_uuid", v.volumeUuid().toString())
                .put("auto_remove", v.autoRemove())));
        return a;
    }

    private static Optional<Capsule> first(Iterable<Row> rows) {
        List<Capsule> all = all(rows);
        return all.isEmpty() ? Optional.empty() : Optional.of(all.getFirst());
    }

    private static List<Capsule> all(Iterable<Row> rows) {
        List<Capsule> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(from(r));
        }
        return out;
    }

    private static Capsule from(Row r) {
        List<Capsule.CapsuleVolume> volumes = new ArrayList<>();
        for (Object o : (JsonArray) r.getValue("volumes")) {
            JsonObject v = (JsonObject) o;
            volumes.add(new Capsule.CapsuleVolume(v.getString("name"), UUID.fromString(v.getString("volume_uuid")),
                    v.getBoolean("auto_remove", false)));
        }
        String task = r.getString("task_state");
        return new Capsule(r.getUUID("uuid"), r.getString("name"), r.getString("project_id"), r.getString("user_id"),
                strings((JsonObject) r.getValue("labels")), strings((JsonObject) r.getValue("annotations")),
                r.getString("restart_policy"), r.getDouble("cpu"), r.getInteger("memory"), volumes,
                task == null ? null : TaskState.fromWire(task), instant(r.getOffsetDateTime("created_at")),
                instant(r.getOffsetDateTime("updated_at")), r.getLong("version"), r.getLong("event_seq"));
    }

    private static Map<String, String> strings(JsonObject o) {
        Map<String, String> out = new LinkedHashMap<>();
        o.forEach(e -> out.put(e.getKey(), String.valueOf(e.getValue())));
        return out;
    }

    private static OffsetDateTime odt(Instant i) {
        return i == null ? null : i.atOffset(ZoneOffset.UTC);
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }
}
