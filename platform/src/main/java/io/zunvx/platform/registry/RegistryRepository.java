package io.zunvx.platform.registry;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.Registry;
import io.zunvx.platform.db.Keyset;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Registries and their encrypted credentials. Passwords go in through {@link #create} and {@link #update} and come
 * out only through {@link #credentials}; a {@link Registry} never carries one. A second registry with the same name in
 * a project fails {@link #create} with PostgreSQL's unique violation ({@code 23505}).
 */
public final class RegistryRepository {
    /** Columns a list may be sorted on. */
    public static final Set<String> SORT_KEYS = Set.of("id", "uuid", "name", "domain", "username", "project_id",
            "user_id", "created_at", "updated_at");
    /** Columns a list may be filtered on (equality). */
    public static final Set<String> FILTERS = Set.of("name", "domain", "username", "project_id", "user_id");
    private static final Keyset KEYSET = new Keyset("registries", SORT_KEYS, "id", "uuid");
    private static final String COLUMNS = "t.uuid, t.name, t.domain, t.username, t.password_enc IS NOT NULL AS "
            + "has_password, t.project_id, t.user_id, t.created_at, t.updated_at";

    /**
     * Registry credentials for a pull.
     *
     * @param domain   registry host
     * @param username user name, may be {@code null}
     * @param password password, may be {@code null}
     */
    public record Credentials(String domain, String username, String password) {
        @Override
        public String toString() {
            return "Credentials[domain=" + domain + ", username=" + username + ", password="
                    + (password == null ? null : "***") + "]";
        }
    }

    private final CredentialCipher cipher;
    private final Clock clock;

    public RegistryRepository(CredentialCipher cipher) {
        this(cipher, Clock.systemUTC());
    }

    public RegistryRepository(CredentialCipher cipher, Clock clock) {
        this.cipher = cipher;
        this.clock = clock;
    }

    /**
     * Stores {@code r} (its {@code hasPassword} and {@code updatedAt} are ignored; a {@code null} creation time means
     * now) with {@code password} encrypted.
     */
    public Future<Registry> create(SqlClient db, Registry r, String password) {
        Instant created = r.createdAt() != null ? r.createdAt() : clock.instant();
        return db.preparedQuery("""
                        INSERT INTO registries AS t (uuid, name, domain, username, password_enc, project_id, user_id,
                            created_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                        RETURNING\s""" + COLUMNS)
                .execute(Tuple.of(r.uuid(), r.name(), r.domain(), r.username(), sealed(password), r.projectId(),
                        r.userId(), created.atOffset(ZoneOffset.UTC)))
                .map(rs -> from(rs.iterator().next()));
    }

    public Future<Optional<Registry>> find(SqlClient db, UUID uuid) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM registries t WHERE t.uuid = $1")
                .execute(Tuple.of(uuid)).map(RegistryRepository::first);
    }

    /** Registries called {@code name} in {@code projectId}, or in every project when it is {@code null}. */
    public Future<List<Registry>> findByName(SqlClient db, String projectId, String name) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM registries t WHERE t.name = $1"
                        + " AND ($2::text IS NULL OR t.project_id = $2) ORDER BY t.id")
                .execute(Tuple.of(name, projectId)).map(RegistryRepository::all);
    }

    /**
     * One page of registries, keyset-paginated on ({@code sortKey}, id).
     *
     * @param projectId {@code null} for every project
     * @param filters   equality filters on {@link #FILTERS}
     * @param sortKey   one of {@link #SORT_KEYS}, {@code null} = id
     * @param sortDir   {@code asc} or {@code desc}, {@code null} = asc
     * @throws IllegalArgumentException for an unknown filter, sort key or direction
     */
    public Future<List<Registry>> list(SqlClient db, String projectId, Map<String, String> filters, int limit,
                                       UUID marker, String sortKey, String sortDir) {
        StringBuilder sql = new StringBuilder("SELECT " + COLUMNS + " FROM registries t WHERE true");
        List<Object> args = new ArrayList<>();
        if (projectId != null) {
            args.add(projectId);
            sql.append(" AND t.project_id = $").append(args.size());
        }
        for (Map.Entry<String, String> f : new TreeMap<>(filters).entrySet()) {
            if (!FILTERS.contains(f.getKey())) {
                throw new IllegalArgumentException("unknown filter " + f.getKey());
            }
            args.add(f.getValue());
            sql.append(" AND t.").append(f.getKey()).append(" = $").append(args.size());
        }
        KEYSET.page(sql, args, sortKey, sortDir, marker, limit);
        return db.preparedQuery(sql.toString()).execute(Tuple.tuple(args)).map(RegistryRepository::all);
    }

    /** Changes the given fields ({@code null} = keep); empty if there is no such registry. */
    public Future<Optional<Registry>> update(SqlClient db, UUID uuid, String name, String domain, String username,
                                             String password) {
        return db.preparedQuery("""
                        UPDATE registries AS t SET name = coalesce($2, name), domain = coalesce($3, domain),
                            username = coalesce($4, username), password_enc = coalesce($5, password_enc),
                            updated_at = $6
                        WHERE uuid = $1
                        RETURNING\s""" + COLUMNS)
                .execute(Tuple.of(uuid, name, domain, username, sealed(password),
                        clock.instant().atOffset(ZoneOffset.UTC)))
                .map(RegistryRepository::first);
    }

    /** Removes a registry; whether there was one. */
    public Future<Boolean> delete(SqlClient db, UUID uuid) {
        return db.preparedQuery("DELETE FROM registries WHERE uuid = $1").execute(Tuple.of(uuid))
                .map(rs -> rs.rowCount() == 1);
    }

    /**
     * The registry's domain, user name and decrypted password; empty if there is no such registry. Fails with
     * {@link IllegalArgumentException} if the stored password cannot be decrypted with this deployment's key.
     */
    public Future<Optional<Credentials>> credentials(SqlClient db, UUID uuid) {
        return db.preparedQuery("SELECT domain, username, password_enc FROM registries WHERE uuid = $1")
                .execute(Tuple.of(uuid))
                .map(rs -> {
                    if (rs.size() == 0) {
                        return Optional.empty();
                    }
                    Row r = rs.iterator().next();
                    Buffer enc = r.getBuffer("password_enc");
                    return Optional.of(new Credentials(r.getString("domain"), r.getString("username"),
                            enc == null ? null : cipher.decrypt(enc.getBytes())));
                });
    }

    /** The project's registries for {@code domain} (as in an image reference's host part), oldest first. */
    public Future<List<Registry>> byDomain(SqlClient db, String projectId, String domain) {
        return db.preparedQuery("SELECT " + COLUMNS + " FROM registries t WHERE t.project_id = $1 AND t.domain = $2"
                        + " ORDER BY t.id")
                .execute(Tuple.of(projectId, domain)).map(RegistryRepository::all);
    }

    private Buffer sealed(String password) {
        return password == null ? null : Buffer.buffer(cipher.encrypt(password));
    }

    private static Optional<Registry> first(RowSet<Row> rs) {
        return rs.size() == 0 ? Optional.empty() : Optional.of(from(rs.iterator().next()));
    }

    private static List<Registry> all(RowSet<Row> rs) {
        List<Registry> out = new ArrayList<>();
        rs.forEach(r -> out.add(from(r)));
        return out;
    }

    static Registry from(Row r) {
        return new Registry(r.getUUID("uuid"), r.getString("name"), r.getString("domain"), r.getString("username"),
                r.getBoolean("has_password"), r.getString("project_id"), r.getString("user_id"),
                Keyset.instant(r.getOffsetDateTime("created_at")), Keyset.instant(r.getOffsetDateTime("updated_at")));
    }
}
