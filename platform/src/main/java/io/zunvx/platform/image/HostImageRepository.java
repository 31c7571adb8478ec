package io.zunvx.platform.image;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.HostImage;
import io.zunvx.model.Topics;
import io.zunvx.platform.db.Keyset;
import io.zunvx.platform.events.Envelopes;
import io.zunvx.platform.outbox.Outbox;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Images on hosts. Every state change (created as {@code pulling}, {@code ready}, {@code error}, deleted) also writes
 * an {@link Envelopes#IMAGE_STATE_CHANGED} event for {@link Topics#IMAGE_EVENTS} into the outbox, numbered by the
 * row's {@code event_seq}, in the same transaction: given a {@link Pool}, each method opens its own transaction; given
 * a connection, the caller's transaction is used. A second image with the same repo, tag and host fails
 * {@link #create} with PostgreSQL's unique violation ({@code 23505}).
 */
public final class HostImageRepository {
    /** Columns a list may be sorted on. */
    public static final Set<String> SORT_KEYS = Set.of("id", "uuid", "image_id", "repo", "tag", "size",
            "project_id", "user_id", "host", "status", "created_at", "updated_at");
    private static final Keyset KEYSET = new Keyset("images", SORT_KEYS, "id", "uuid");

    private final Clock clock;

    public HostImageRepository() {
        this(Clock.systemUTC());
    }

    public HostImageRepository(Clock clock) {
        this.clock = clock;
    }

    /** Stores a new image row (creation time now when {@code null}) and its first event. */
    public Future<HostImage> create(SqlClient db, HostImage image) {
        Instant created = image.createdAt() != null ? image.createdAt() : now();
        return inTransaction(db, tx -> tx.preparedQuery("""
                                INSERT INTO images (uuid, image_id, repo, tag, size, project_id, user_id, host, status,
                                    status_reason, image_pull_policy, created_at, updated_at, event_seq)
                                VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, 1)
                                RETURNING *""")
                .execute(Tuple.tuple(Arrays.asList(image.uuid(), image.imageId(), image.repo(), image.tag(),
                        image.size(), image.projectId(), image.userId(), image.host(), image.status(),
                        image.statusReason(), image.pullPolicy(), created.atOffset(ZoneOffset.UTC),
                        image.updatedAt() == null ? null : image.updatedAt().atOffset(ZoneOffset.UTC))))
                .compose(rs -> withEvent(tx, rs.iterator().next(), false)));
    }

    public Future<Optional<HostImage>> find(SqlClient db, UUID uuid) {
        return db.preparedQuery("SELECT * FROM images WHERE uuid = $1").execute(Tuple.of(uuid))
                .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(from(rs.iterator().next())));
    }

    /**
     * One page of images, keyset-paginated on ({@code sortKey}, id).
     *
     * @param sortKey one of {@link #SORT_KEYS}, {@code null} = id
     * @param sortDir {@code asc} or {@code desc}, {@code null} = asc
     * @throws IllegalArgumentException for an unknown sort key or direction
     */
    public Future<List<HostImage>> list(SqlClient db, int limit, UUID marker, String sortKey, String sortDir) {
        StringBuilder sql = new StringBuilder("SELECT t.* FROM images t WHERE true");
        List<Object> args = new ArrayList<>();
        KEYSET.page(sql, args, sortKey, sortDir, marker, limit);
        return db.preparedQuery(sql.toString()).execute(Tuple.tuple(args)).map(HostImageRepository::all);
    }

    /** Records a successful pull; empty if the row is gone. */
    public Future<Optional<HostImage>> markReady(SqlClient db, UUID uuid, String imageId, long size) {
        return change(db, """
                UPDATE images SET status = 'ready', status_reason = NULL, image_id = $2, size = $3, updated_at = $4,
                    event_seq = event_seq + 1
                WHERE uuid = $1 RETURNING *""", Tuple.of(uuid, imageId, size, now().atOffset(ZoneOffset.UTC)));
    }

    /** Records a failed pull and its reason; empty if the row is gone. */
    public Future<Optional<HostImage>> markError(SqlClient db, UUID uuid, String reason) {
        return change(db, """
                UPDATE images SET status = 'error', status_reason = $2, updated_at = $3, event_seq = event_seq + 1
                WHERE uuid = $1 RETURNING *""", Tuple.of(uuid, reason, now().atOffset(ZoneOffset.UTC)));
    }

    /** Sets an image back to {@code pulling} for another pull; empty if the row is gone. */
    public Future<Optional<HostImage>> markPulling(SqlClient db, UUID uuid) {
        return change(db, """
                UPDATE images SET status = 'pulling', status_reason = NULL, updated_at = $2,
                    event_seq = event_seq + 1
                WHERE uuid = $1 RETURNING *""", Tuple.of(uuid, now().atOffset(ZoneOffset.UTC)));
    }

    /** Removes the row; the deleted row, or empty if there was none. */
    public Future<Optional<HostImage>> delete(SqlClient db, UUID uuid) {
        return inTransaction(db, tx -> tx.preparedQuery("""
                                DELETE FROM images WHERE uuid = $1 RETURNING *""")
                .execute(Tuple.of(uuid))
                .compose(rs -> rs.size() == 0 ? Future.succeededFuture(Optional.<HostImage>empty())
                        : withEvent(tx, rs.iterator().next(), true).map(Optional::of)));
    }

    private Future<Optional<HostImage>> change(SqlClient db, String sql, Tuple args) {
        return inTransaction(db, tx -> tx.preparedQuery(sql).execute(args)
                .compose(rs -> rs.size() == 0 ? Future.succeededFuture(Optional.<HostImage>empty())
                        : withEvent(tx, rs.iterator().next(), false).map(Optional::of)));
    }

    private Future<HostImage> withEvent(SqlClient tx, Row row, boolean deleted) {
        HostImage image = from(row);
        long seq = row.getLong("event_seq") + (deleted ? 1 : 0);
        Instant time = deleted || image.updatedAt() == null ? now() : image.updatedAt();
        return Outbox.add(tx, Envelopes.imageStateChanged(image, seq, time, deleted)).map(image);
    }

    private static <T> Future<T> inTransaction(SqlClient db, Function<SqlClient, Future<T>> work) {
        if (db instanceof Pool pool) {
            return pool.withTransaction(work::apply);
        }
        return work.apply(db);
    }

    private Instant now() {
        // PostgreSQL keeps microseconds; truncating keeps what is returned equal to what is stored.
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    private static List<HostImage> all(RowSet<Row> rs) {
        List<HostImage> out = new ArrayList<>();
        rs.forEach(r -> out.add(from(r)));
        return out;
    }

    static HostImage from(Row r) {
        return new HostImage(r.getUUID("uuid"), r.getString("image_id"), r.getString("repo"), r.getString("tag"),
                r.getLong("size"), r.getString("project_id"), r.getString("user_id"), r.getString("host"),
                r.getString("status"), r.getString("status_reason"), r.getString("image_pull_policy"),
                Keyset.instant(r.getOffsetDateTime("created_at")), Keyset.instant(r.getOffsetDateTime("updated_at")));
    }
}
