package io.zunvx.platform.volume;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.Volume;
import java.time.Clock;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Volumes, their attachments to containers, and the files injected into containers. Every method runs on the client
 * it is given, so callers put several in one transaction. Status changes are conditional on the status the caller
 * read ({@link #transition}), so two writers cannot both move a volume.
 */
public final class VolumeRepository {
    private final Clock clock;

    public VolumeRepository(Clock clock) {
        this.clock = clock;
    }

    private OffsetDateTime now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS).atOffset(ZoneOffset.UTC);
    }

    /** Stores a new volume (its attachments are added separately). */
    public Future<Volume> insert(SqlClient db, Volume v) {
        return db.preparedQuery("""
                        INSERT INTO volumes (uuid, name, description, project_id, user_id, size, status, status_reason,
                            host, auto_remove, size_enforced, created_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING *""")
                .execute(Tuple.tuple(Arrays.asList(v.uuid(), v.name(), v.description(), v.projectId(), v.userId(),
                        v.size(), v.status(), v.statusReason(), v.host(), v.autoRemove(), v.sizeEnforced(), now())))
                .map(rs -> from(rs.iterator().next(), List.of()));
    }

    /** The volume with its attachments. */
    /**
     * The enabled compute host seen up since {@code upSince} with the fewest volumes (then the most free disk), or
     * {@code null} when there is none.
     */
    public Future<String> leastLoadedHost(SqlClient db, Instant upSince) {
        return db.preparedQuery("""
                        SELECT n.hostname FROM compute_nodes n
                        JOIN zun_services s ON s.host = n.hostname
                        WHERE NOT s.disabled AND NOT s.forced_down AND s.last_seen_up > $1
                        ORDER BY (SELECT count(*) FROM volumes v WHERE v.host = n.hostname),
                                 n.disk_total - n.disk_used DESC, n.hostname
                        LIMIT 1""")
                .execute(Tuple.of(upSince.atOffset(ZoneOffset.UTC)))
                .map(rs -> rs.size() == 0 ? null : rs.iterator().next().getString("hostname"));
    }

    public Future<Optional<Volume>> find(SqlClient db, UUID uuid) {
        return one(db, "SELECT * FROM volumes WHERE uuid = $1", Tuple.of(uuid));
    }

    /** The volume, locked until the transaction ends. */
    public Future<Optional<Volume>> lock(SqlClient tx, UUID uuid) {
        return one(tx, "SELECT * FROM volumes WHERE uuid = $1 FOR UPDATE", Tuple.of(uuid));
    }

    /**
     * The volumes of {@code projectId} (all projects when {@code null}) named {@code ref} or with id {@code ref}, the
     * id first, locked when {@code lock}.
     */
    public Future<List<Volume>> resolve(SqlClient db, String projectId, String ref, boolean lock) {
        UUID id = parseUuid(ref);
        String sql = "SELECT * FROM volumes WHERE ($1::uuid IS NOT NULL AND uuid = $1 OR name = $2)"
                + " AND ($3::text IS NULL OR project_id = $3) ORDER BY (uuid = $1) DESC NULLS LAST, id"
                + (lock ? " FOR UPDATE" : "");
        return many(db, sql, Tuple.of(id, ref, projectId));
    }

    /**
     * One page of volumes, newest first.
     *
     * @param projectId {@code null} for every project
     * @param filters   exact matches on {@code name} or {@code status}
     * @param marker    the last volume of the previous page, or {@code null}
     */
    public Future<List<Volume>> list(SqlClient db, String projectId, Map<String, String> filters, UUID marker,
                                     int limit) {
        StringBuilder sql = new StringBuilder("SELECT * FROM volumes WHERE ($1::text IS NULL OR project_id = $1)");
        List<Object> args = new ArrayList<>();
        args.add(projectId);
        for (String key : List.of("name", "status")) {
            if (filters.containsKey(key)) {
                args.add(filters.get(key));
                sql.append(" AND ").append(key).append(" = $").append(args.size());
            }
        }
        if (marker != null) {
            args.add(marker);
            sql.append(" AND id < (SELECT id FROM volumes WHERE uuid = $").append(args.size()).append(")");
        }
        args.add(limit);
        sql.append(" ORDER BY id DESC LIMIT $").append(args.size());
        return many(db, sql.toString(), Tuple.tuple(args));
    }

    /** Every volume on {@code host}, and those of no host yet whose containers were placed there. */
    public Future<List<Volume>> onHost(SqlClient db, String host) {
        return many(db, "SELECT * FROM volumes WHERE host = $1 ORDER BY id", Tuple.of(host));
    }

    /**
     * Moves the volume from {@code from} to {@code to} (with the reason, host and enforcement given, which replace the
     * stored ones when not {@code null}); false when its status was no longer {@code from}.
     */
    public Future<Boolean> transition(SqlClient db, UUID uuid, String from, String to, String reason, String host,
                                      Boolean sizeEnforced) {
        return db.preparedQuery("""
                        UPDATE volumes SET status = $3, status_reason = $4, host = COALESCE($5, host),
                            size_enforced = COALESCE($6, size_enforced), updated_at = $7, version = version + 1
                        WHERE uuid = $1 AND status = $2""")
                .execute(Tuple.tuple(Arrays.asList(uuid, from, to, reason, host, sizeEnforced, now())))
                .map(rs -> rs.rowCount() == 1);
    }

    /** Marks a volume to be removed when its last attachment goes (a capsule's {@code autoRemove}). */
    public Future<Void> markAutoRemove(SqlClient db, UUID uuid) {
        return db.preparedQuery("UPDATE volumes SET auto_remove = true, updated_at = $2, version = version + 1 "
                + "WHERE uuid = $1").execute(Tuple.of(uuid, now())).mapEmpty();
    }

    /**
     * Removes the attachments of a container that was never placed, then those of {@code volumes} that were never
     * made (no host, {@code creating}) and that nothing mounts any more: nothing of them exists outside the database.
     */
    public Future<Void> dropUnplacedAttachments(SqlClient db, UUID container, List<UUID> volumes) {
        return db.preparedQuery("DELETE FROM volume_attachments WHERE container_uuid = $1").execute(Tuple.of(container))
                .compose(x -> db.preparedQuery("""
                                DELETE FROM volumes v WHERE v.uuid = ANY($1) AND v.host IS NULL AND v.status = 'creating'
                                    AND NOT EXISTS (SELECT 1 FROM volume_attachments a WHERE a.volume_uuid = v.uuid)""")
                        .execute(Tuple.of(volumes.toArray(UUID[]::new))))
                .mapEmpty();
    }

    /** Places a volume that has no host yet on {@code host}; false if it already lives elsewhere. */
    public Future<Boolean> claimHost(SqlClient db, UUID uuid, String host) {
        return db.preparedQuery("""
                        UPDATE volumes SET host = $2, updated_at = $3, version = version + 1
                        WHERE uuid = $1 AND (host IS NULL OR host = $2)""")
                .execute(Tuple.of(uuid, host, now())).map(rs -> rs.rowCount() == 1);
    }

    /** Changes name and description ({@code null} keeps the stored one). */
    public Future<Boolean> rename(SqlClient db, UUID uuid, String name, boolean nameGiven, String description,
                                  boolean descriptionGiven) {
        return db.preparedQuery("""
                        UPDATE volumes SET name = CASE WHEN $2 THEN $3 ELSE name END,
                            description = CASE WHEN $4 THEN $5 ELSE description END,
                            updated_at = $6, version = version + 1
                        WHERE uuid = $1""")
                .execute(Tuple.tuple(Arrays.asList(uuid, nameGiven, name, descriptionGiven, description, now())))
                .map(rs -> rs.rowCount() == 1);
    }

    /** Removes the volume's row; false if it was gone. Fails while an attachment names it. */
    public Future<Boolean> delete(SqlClient db, UUID uuid) {
        return db.preparedQuery("DELETE FROM volumes WHERE uuid = $1").execute(Tuple.of(uuid))
                .map(rs -> rs.rowCount() == 1);
    }

    /** Records that a container mounts a volume (not yet mounted: {@code attached_at} empty). */
    public Future<Void> attach(SqlClient db, Volume.Attachment a) {
        return db.preparedQuery("""
                        INSERT INTO volume_attachments (id, volume_uuid, container_uuid, mount_path, read_only,
                            created_at) VALUES ($1, $2, $3, $4, $5, $6)""")
                .execute(Tuple.of(a.id(), a.volumeUuid(), a.containerUuid(), a.mountPath(), a.readOnly(), now()))
                .mapEmpty();
    }

    /** Marks a container's attachments as mounted. */
    public Future<Void> markAttached(SqlClient db, UUID containerUuid) {
        return db.preparedQuery("""
                        UPDATE volume_attachments SET attached_at = $2
                        WHERE container_uuid = $1 AND attached_at IS NULL""")
                .execute(Tuple.of(containerUuid, now())).mapEmpty();
    }

    /** The attachments of a container, by mount path. */
    public Future<List<Volume.Attachment>> attachmentsOf(SqlClient db, UUID containerUuid) {
        return db.preparedQuery("SELECT * FROM volume_attachments WHERE container_uuid = $1 ORDER BY mount_path")
                .execute(Tuple.of(containerUuid)).map(VolumeRepository::attachments);
    }

    /** A project's volumes and gigabytes, counting every volume that exists (whatever its status). */
    public Future<long[]> usage(SqlClient db, String projectId) {
        return db.preparedQuery("SELECT count(*) AS n, COALESCE(sum(size), 0) AS g FROM volumes WHERE project_id = $1")
                .execute(Tuple.of(projectId)).map(rs -> {
                    Row r = rs.iterator().next();
                    return new long[] {r.getLong("n"), r.getLong("g")};
                });
    }

    /** Stores a file to inject into a container. */
    public Future<Void> addFile(SqlClient db, UUID containerUuid, String path, byte[] content) {
        return db.preparedQuery("INSERT INTO container_files (container_uuid, path, content) VALUES ($1, $2, $3)")
                .execute(Tuple.of(containerUuid, path, Buffer.buffer(content))).mapEmpty();
    }

    /** The files to inject into a container, by path. */
    public Future<Map<String, byte[]>> files(SqlClient db, UUID containerUuid) {
        return db.preparedQuery("SELECT path, content FROM container_files WHERE container_uuid = $1 ORDER BY path")
                .execute(Tuple.of(containerUuid)).map(rs -> {
                    Map<String, byte[]> m = new LinkedHashMap<>();
                    rs.forEach(r -> m.put(r.getString("path"), r.getBuffer("content").getBytes()));
                    return m;
                });
    }

    // ---- rows ---------------------------------------------------------------------------------------------------

    private Future<Optional<Volume>> one(SqlClient db, String sql, Tuple args) {
        return many(db, sql, args).map(l -> l.isEmpty() ? Optional.empty() : Optional.of(l.getFirst()));
    }

    private Future<List<Volume>> many(SqlClient db, String sql, Tuple args) {
        return db.preparedQuery(sql).execute(args).compose(rs -> {
            List<Row> rows = new ArrayList<>();
            rs.forEach(rows::add);
            if (rows.isEmpty()) {
                return Future.succeededFuture(List.of());
            }
            UUID[] ids = rows.stream().map(r -> r.getUUID("uuid")).toArray(UUID[]::new);
            return db.preparedQuery("SELECT * FROM volume_attachments WHERE volume_uuid = ANY($1) ORDER BY created_at")
                    .execute(Tuple.of(ids)).map(as -> {
                        Map<UUID, List<Volume.Attachment>> by = new LinkedHashMap<>();
                        attachments(as).forEach(a -> by.computeIfAbsent(a.volumeUuid(), k -> new ArrayList<>())
                                .add(a));
                        return rows.stream().map(r -> from(r, by.getOrDefault(r.getUUID("uuid"), List.of())))
                                .toList();
                    });
        });
    }

    private static List<Volume.Attachment> attachments(RowSet<Row> rs) {
        List<Volume.Attachment> out = new ArrayList<>();
        rs.forEach(r -> out.add(new Volume.Attachment(r.getUUID("id"), r.getUUID("volume_uuid"),
                r.getUUID("container_uuid"), r.getString("mount_path"), r.getBoolean("read_only"),
                instant(r.getOffsetDateTime("attached_at")))));
        return out;
    }

    private static Volume from(Row r, List<Volume.Attachment> attachments) {
        return new Volume(r.getUUID("uuid"), r.getString("name"), r.getString("description"),
                r.getString("project_id"), r.getString("user_id"), r.getInteger("size"), r.getString("status"),
                r.getString("status_reason"), r.getString("host"), r.getBoolean("auto_remove"),
                r.getBoolean("size_enforced"), attachments, instant(r.getOffsetDateTime("created_at")),
                instant(r.getOffsetDateTime("updated_at")), r.getLong("version"));
    }

    private static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    private static UUID parseUuid(String s) {
        try {
            return s != null && s.length() == 36 ? UUID.fromString(s) : null;
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
