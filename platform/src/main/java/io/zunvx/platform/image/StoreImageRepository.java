package io.zunvx.platform.image;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.StoreImage;
import io.zunvx.platform.db.Keyset;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Image store records. The upload states are guarded in SQL ({@code queued → saving → active}, or back to
 * {@code queued}/{@code killed}), so two concurrent uploads of one image cannot both proceed.
 *
 * <p>Visibility for a project: its own images, and {@code public} or {@code community} ones; {@code null} as the
 * project (an administrator) sees every image. Lists show {@code community} images of other projects only when
 * filtered on {@code visibility=community}, as Glance does.
 */
public final class StoreImageRepository {
    /** How long an upload may go without renewing its lease before its image counts as abandoned. */
    public static final Duration UPLOAD_LEASE = Duration.ofMinutes(2);
    /** How often a running upload renews its lease. */
    public static final Duration UPLOAD_LEASE_RENEWAL = Duration.ofSeconds(30);

    /** Columns a list may be sorted on. */
    public static final Set<String> SORT_KEYS = Set.of("id", "name", "status", "container_format", "disk_format",
            "visibility", "owner", "size", "min_disk", "min_ram", "created_at", "updated_at");
    /** Columns a list may be filtered on (equality). */
    public static final Set<String> FILTERS = Set.of("name", "status", "visibility", "owner");
    private static final Keyset KEYSET = new Keyset("store_images", SORT_KEYS, "row_id", "id");

    private final Clock clock;

    public StoreImageRepository() {
        this(Clock.systemUTC());
    }

    public StoreImageRepository(Clock clock) {
        this.clock = clock;
    }

    /** Stores a new record as given (creation time now when {@code null}). */
    public Future<StoreImage> create(SqlClient db, StoreImage i) {
        Instant created = i.createdAt() != null ? i.createdAt() : now();
        Instant updated = i.updatedAt() != null ? i.updatedAt() : created;
        return db.preparedQuery("""
                        INSERT INTO store_images (id, name, status, container_format, disk_format, visibility, owner,
                            size, checksum, os_hash_algo, os_hash_value, tags, min_disk, min_ram, protected, location,
                            docker_image_id, repo_tags, created_at, updated_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18,
                            $19, $20)
                        RETURNING *""")
                .execute(Tuple.tuple(Arrays.asList(i.id(), i.name(), i.status(), i.containerFormat(),
                        i.diskFormat(), i.visibility(), i.owner(), i.size(), i.checksum(), i.osHashAlgo(),
                        i.osHashValue(), new JsonArray(new ArrayList<>(i.tags())), i.minDisk(), i.minRam(),
                        i.protectedImage(), i.location(), i.dockerImageId(),
                        new JsonArray(new ArrayList<>(i.repoTags())), utc(created), utc(updated))))
                .map(rs -> from(rs.iterator().next()));
    }

    public Future<Optional<StoreImage>> find(SqlClient db, UUID id) {
        return db.preparedQuery("SELECT * FROM store_images WHERE id = $1").execute(Tuple.of(id))
                .map(StoreImageRepository::first);
    }

    /**
     * Images called {@code name} that {@code projectId} may see (owned, public or community; every image for
     * {@code null}), oldest first.
     */
    public Future<List<StoreImage>> findByName(SqlClient db, String name, String projectId) {
        return db.preparedQuery("""
                        SELECT * FROM store_images
                        WHERE name = $1 AND ($2::text IS NULL OR owner = $2 OR visibility IN ('public', 'community'))
                        ORDER BY row_id""")
                .execute(Tuple.of(name, projectId)).map(StoreImageRepository::all);
    }

    /**
     * One page, keyset-paginated on ({@code sortKey}, insertion order).
     *
     * @param projectId {@code null} for every image (administrator)
     * @param filters   equality filters on {@link #FILTERS}
     * @param sortKey   one of {@link #SORT_KEYS}, {@code null} = insertion order
     * @param sortDir   {@code asc} or {@code desc}, {@code null} = asc
     * @throws IllegalArgumentException for an unknown filter, sort key or direction
     */
    public Future<List<StoreImage>> list(SqlClient db, String projectId, Map<String, String> filters, int limit,
                                         UUID marker, String sortKey, String sortDir) {
        StringBuilder sql = new StringBuilder("SELECT t.* FROM store_images t WHERE true");
        List<Object> args = new ArrayList<>();
        if (projectId != null) {
            args.add(projectId);
            sql.append(" AND (t.owner = $").append(args.size()).append(" OR t.visibility = 'public'");
            if ("community".equals(filters.get("visibility"))) {
                sql.append(" OR t.visibility = 'community'");
            }
            sql.append(")");
        }
        for (Map.Entry<String, String> f : new TreeMap<>(filters).entrySet()) {
            if (!FILTERS.contains(f.getKey())) {
                throw new IllegalArgumentException("unknown filter " + f.getKey());
            }
            args.add(f.getValue());
            sql.append(" AND t.").append(f.getKey()).append(" = $").append(args.size());
        }
        KEYSET.page(sql, args, sortKey, sortDir, marker, limit);
        return db.preparedQuery(sql.toString()).execute(Tuple.tuple(args)).map(StoreImageRepository::all);
    }

    /**
     * Sets the image's formats, which may change only while it has no data yet.
     *
     * @return the image as it is afterwards; empty when it is not {@code queued} (or does not exist)
     */
    public Future<Optional<StoreImage>> setFormatsWhileQueued(SqlClient db, UUID id, String containerFormat,
                                                              String diskFormat) {
        return db.preparedQuery("""
                        UPDATE store_images SET container_format = $2, disk_format = $3
                        WHERE id = $1 AND status = 'queued' RETURNING *""")
                .execute(Tuple.of(id, containerFormat, diskFormat))
                .map(StoreImageRepository::first);
    }

    /**
     * Saves the user-editable fields of {@code image} (name, visibility, tags, min_disk, min_ram, protected); empty
     * if there is no such image.
     */
    public Future<Optional<StoreImage>> update(SqlClient db, StoreImage image) {
        return db.preparedQuery("""
                        UPDATE store_images SET name = $2, visibility = $3, tags = $4, min_disk = $5, min_ram = $6,
                            protected = $7, updated_at = $8
                        WHERE id = $1 RETURNING *""")
                .execute(Tuple.tuple(Arrays.asList(image.id(), image.name(), image.visibility(),
                        new JsonArray(new ArrayList<>(image.tags())), image.minDisk(), image.minRam(),
                        image.protectedImage(), utc(now()))))
                .map(StoreImageRepository::first);
    }

    /** {@code queued → saving}; false if the image is missing or not {@code queued} (another upload, or data). */
    public Future<Boolean> startUpload(SqlClient db, UUID id) {
        // An upload keeps its image's updated_at fresh (touchSaving); one silent for UPLOAD_LEASE died with its
        // process, and the image may be uploaded again instead of staying in saving for ever.
        Instant now = now();
        return db.preparedQuery("""
                        UPDATE store_images SET status = 'saving', updated_at = $2
                        WHERE id = $1 AND (status = 'queued' OR (status = 'saving' AND updated_at < $3))""")
                .execute(Tuple.of(id, utc(now), utc(now.minus(UPLOAD_LEASE)))).map(rs -> rs.rowCount() == 1);
    }

    /** Whether an image in {@code saving} has been silent longer than {@link #UPLOAD_LEASE}: its upload died. */
    public boolean uploadAbandoned(StoreImage image) {
        return StoreImage.SAVING.equals(image.status()) && image.updatedAt() != null
                && image.updatedAt().isBefore(now().minus(UPLOAD_LEASE));
    }

    /** Renews the lease of a running upload ({@code updated_at} of an image in {@code saving}). */
    public Future<Void> touchSaving(SqlClient db, UUID id) {
        return db.preparedQuery("UPDATE store_images SET updated_at = $2 WHERE id = $1 AND status = 'saving'")
                .execute(Tuple.of(id, utc(now()))).mapEmpty();
    }

    /**
     * The image store data {@code owner}'s images hold (their recorded sizes), leaving out the image {@code except}.
     */
    public Future<Long> usedBytes(SqlClient db, String owner, UUID except) {
        return db.preparedQuery("SELECT coalesce(sum(size), 0)::bigint FROM store_images WHERE owner = $1 AND id <> $2")
                .execute(Tuple.of(owner, except))
                .map(rs -> rs.iterator().next().getLong(0));
    }

    /** Serialises, until the transaction ends, the quota checks of {@code owner}'s images. */
    public Future<Void> lockOwner(SqlClient tx, String owner) {
        return tx.preparedQuery("SELECT pg_advisory_xact_lock(hashtextextended('store-images:' || $1, 0))")
                .execute(Tuple.of(owner)).mapEmpty();
    }

    /**
     * {@code saving → active} with the data's location, size and digests; empty if the image is missing or not
     * {@code saving} (deleted meanwhile), in which case the caller deletes the blob.
     */
    public Future<Optional<StoreImage>> finishUpload(SqlClient db, UUID id, String location, long size, String md5,
                                                     String sha256, String dockerImageId, List<String> repoTags) {
        return db.preparedQuery("""
                        UPDATE store_images SET status = 'active', location = $2, size = $3, checksum = $4,
                            os_hash_algo = 'sha256', os_hash_value = $5, docker_image_id = $6, repo_tags = $7,
                            updated_at = $8
                        WHERE id = $1 AND status = 'saving' RETURNING *""")
                .execute(Tuple.tuple(Arrays.asList(id, location, size, md5, sha256, dockerImageId,
                        new JsonArray(repoTags == null ? new ArrayList<>() : new ArrayList<>(repoTags)),
                        utc(now()))))
                .map(StoreImageRepository::first);
    }

    /**
     * {@code saving → killedOrQueued} ({@code queued} so the upload may be tried again, or {@code killed}), with
     * location, size and digests cleared; empty if the image is missing or not {@code saving}.
     */
    public Future<Optional<StoreImage>> abortUpload(SqlClient db, UUID id, String killedOrQueued) {
        if (!StoreImage.QUEUED.equals(killedOrQueued) && !StoreImage.KILLED.equals(killedOrQueued)) {
            return Future.failedFuture(new IllegalArgumentException(
                    "an aborted upload leaves the image queued or killed, not " + killedOrQueued));
        }
        return db.preparedQuery("""
                        UPDATE store_images SET status = $2, location = NULL, size = NULL, checksum = NULL,
                            os_hash_algo = NULL, os_hash_value = NULL, docker_image_id = NULL, repo_tags = '[]',
                            updated_at = $3
                        WHERE id = $1 AND status = 'saving' RETURNING *""")
                .execute(Tuple.of(id, killedOrQueued, utc(now())))
                .map(StoreImageRepository::first);
    }

    /** Removes the record; the deleted row (whose location the caller deletes), or empty if there was none. */
    public Future<Optional<StoreImage>> delete(SqlClient db, UUID id) {
        return db.preparedQuery("DELETE FROM store_images WHERE id = $1 RETURNING *").execute(Tuple.of(id))
                .map(StoreImageRepository::first);
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static OffsetDateTime utc(Instant t) {
        return t.atOffset(ZoneOffset.UTC);
    }

    private static Optional<StoreImage> first(RowSet<Row> rs) {
        return rs.size() == 0 ? Optional.empty() : Optional.of(from(rs.iterator().next()));
    }

    private static List<StoreImage> all(RowSet<Row> rs) {
        List<StoreImage> out = new ArrayList<>();
        rs.forEach(r -> out.add(from(r)));
        return out;
    }

    static StoreImage from(Row r) {
        Integer minDisk = r.getInteger("min_disk");
        Integer minRam = r.getInteger("min_ram");
        return new StoreImage(r.getUUID("id"), r.getString("name"), r.getString("status"),
                r.getString("container_format"), r.getString("disk_format"), r.getString("visibility"),
                r.getString("owner"), r.getLong("size"), r.getString("checksum"), r.getString("os_hash_algo"),
                r.getString("os_hash_value"), strings(r.getValue("tags")), minDisk, minRam,
                r.getBoolean("protected"), r.getString("location"), r.getString("docker_image_id"),
                strings(r.getValue("repo_tags")), Keyset.instant(r.getOffsetDateTime("created_at")),
                Keyset.instant(r.getOffsetDateTime("updated_at")));
    }

    private static List<String> strings(Object json) {
        List<String> out = new ArrayList<>();
        if (json instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                out.add(String.valueOf(a.getValue(i)));
            }
        }
        return out;
    }
}
