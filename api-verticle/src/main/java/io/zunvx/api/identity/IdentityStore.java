package io.zunvx.api.identity;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.function.Function;

/**
 * Projects, users, roles, role assignments and login attempts in PostgreSQL (tables of {@code V5__identity}), and
 * revoked tokens ({@code V16__revoked_tokens}).
 */
final class IdentityStore {
    static final String DEFAULT_DOMAIN = "default";

    /** A project (Keystone's tenant). */
    record Project(String id, String name, String domainId, String description, boolean enabled) {
    }

    /** A user; the password hash stays out of {@link #toString()}. */
    record User(String id, String name, String domainId, String passwordHash, boolean enabled,
                String defaultProjectId, String description) {
        @Override
        public String toString() {
            return "User[id=" + id + ", name=" + name + ", domainId=" + domainId + ", enabled=" + enabled
                    + ", defaultProjectId=" + defaultProjectId + "]";
        }
    }

    record Role(String id, String name, String description) {
    }

    /**
     * A user's standing on a project, read in one query: both rows exist, with their names and flags, the names of
     * the roles assigned to the user there (not expanded), and the names of all roles.
     */
    record Standing(String userName, boolean userEnabled, String projectName, boolean projectEnabled,
                    List<String> assigned, List<String> known) {
    }

    record Assignment(String userId, String userName, String projectId, String projectName, String roleId,
                      String roleName) {
    }

    // ---- projects -------------------------------------------------------------------------------------------------

    Future<Optional<Project>> project(SqlClient db, String id) {
        return db.preparedQuery("SELECT * FROM projects WHERE id = $1").execute(Tuple.of(id))
                .map(rs -> first(rs, IdentityStore::project));
    }

    Future<Optional<Project>> projectByName(SqlClient db, String domainId, String name) {
        return db.preparedQuery("SELECT * FROM projects WHERE domain_id = $1 AND name = $2")
                .execute(Tuple.of(domainId, name))
                .map(rs -> first(rs, IdentityStore::project));
    }

    /** All projects, or those named {@code name}, or those {@code userId} has a role on; by name. */
    Future<List<Project>> projects(SqlClient db, String name, String userId) {
        return db.preparedQuery("""
                        SELECT * FROM projects p
                        WHERE ($1::text IS NULL OR p.name = $1)
                          AND ($2::text IS NULL OR EXISTS (
                              SELECT 1 FROM role_assignments a WHERE a.project_id = p.id AND a.user_id = $2))
                        ORDER BY p.name, p.id""")
                .execute(Tuple.of(name, userId))
                .map(rs -> all(rs, IdentityStore::project));
    }

    Future<Project> insertProject(SqlClient db, Project p) {
        return db.preparedQuery("""
                        INSERT INTO projects (id, name, domain_id, description, enabled)
                        VALUES ($1, $2, $3, $4, $5) RETURNING *""")
                .execute(Tuple.of(p.id(), p.name(), p.domainId(), p.description(), p.enabled()))
                .map(rs -> project(rs.iterator().next()));
    }

    /** Creates the project with this id, or renames and enables it if it exists. */
    Future<Project> upsertProject(SqlClient db, Project p) {
        return db.preparedQuery("""
                        INSERT INTO projects (id, name, domain_id, description, enabled)
                        VALUES ($1, $2, $3, $4, $5)
                        ON CONFLICT (id) DO UPDATE SET name = EXCLUDED.name, enabled = EXCLUDED.enabled,
                            updated_at = CASE WHEN projects.name = EXCLUDED.name AND projects.enabled = EXCLUDED.enabled
                                              THEN projects.updated_at ELSE now() END
                        RETURNING *""")
                .execute(Tuple.of(p.id(), p.name(), p.domainId(), p.description(), p.enabled()))
                .map(rs -> project(rs.iterator().next()));
    }

    Future<Optional<Project>> updateProject(SqlClient db, String id, String name, String description,
                                            Boolean enabled) {
        return db.preparedQuery("""
                        UPDATE projects SET name = coalesce($2, name), description = coalesce($3, description),
                            enabled = coalesce($4, enabled), updated_at = now(), version = version + 1
                        WHERE id = $1 RETURNING *""")
                .execute(Tuple.of(id, name, description, enabled))
                .map(rs -> first(rs, IdentityStore::project));
    }

    Future<Boolean> deleteProject(SqlClient db, String id) {
        return db.preparedQuery("DELETE FROM projects WHERE id = $1").execute(Tuple.of(id))
                .map(rs -> rs.rowCount() > 0);
    }

    // ---- users ----------------------------------------------------------------------------------------------------

    Future<Optional<User>> user(SqlClient db, String id) {
        return db.preparedQuery("SELECT * FROM users WHERE id = $1").execute(Tuple.of(id))
                .map(rs -> first(rs, IdentityStore::user));
    }

    Future<Optional<User>> userByName(SqlClient db, String domainId, String name) {
        return db.preparedQuery("SELECT * FROM users WHERE domain_id = $1 AND name = $2")
                .execute(Tuple.of(domainId, name))
                .map(rs -> first(rs, IdentityStore::user));
    }

    Future<List<User>> users(SqlClient db, String name) {
        return db.preparedQuery("SELECT * FROM users WHERE ($1::text IS NULL OR name = $1) ORDER BY name, id")
                .execute(Tuple.of(name))
                .map(rs -> all(rs, IdentityStore::user));
    }

    Future<User> insertUser(SqlClient db, User u) {
        return db.preparedQuery("""
                        INSERT INTO users (id, name, domain_id, password_hash, enabled, default_project_id, description)
                        VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING *""")
                .execute(Tuple.from(Arrays.asList(u.id(), u.name(), u.domainId(), u.passwordHash(),
                        u.enabled(), u.defaultProjectId(), u.description())))
                .map(rs -> user(rs.iterator().next()));
    }

    /**
     * Changes the given fields ({@code null} = keep). {@code clearDefaultProject} removes the default project.
     */
    Future<Optional<User>> updateUser(SqlClient db, String id, String name, String passwordHash, Boolean enabled,
                                      String defaultProjectId, boolean clearDefaultProject, String description) {
        return db.preparedQuery("""
                        UPDATE users SET name = coalesce($2, name), password_hash = coalesce($3, password_hash),
                            enabled = coalesce($4, enabled),
                            default_project_id = CASE WHEN $6 THEN NULL ELSE coalesce($5, default_project_id) END,
                            description = coalesce($7, description), updated_at = now(), version = version + 1
                        WHERE id = $1 RETURNING *""")
                .execute(Tuple.from(Arrays.asList(id, name, passwordHash, enabled, defaultProjectId,
                        clearDefaultProject, description)))
                .map(rs -> first(rs, IdentityStore::user));
    }

    /** Replaces a hash only if it is still the one that was checked (a concurrent change wins). */
    Future<Void> rehash(SqlClient db, String id, String oldHash, String newHash) {
        return db.preparedQuery("UPDATE users SET password_hash = $3 WHERE id = $1 AND password_hash = $2")
                .execute(Tuple.of(id, oldHash, newHash)).mapEmpty();
    }

    Future<Boolean> deleteUser(SqlClient db, String id) {
        return db.preparedQuery("DELETE FROM users WHERE id = $1").execute(Tuple.of(id))
                .map(rs -> rs.rowCount() > 0);
    }

    // ---- roles and assignments ------------------------------------------------------------------------------------

    Future<List<Role>> roles(SqlClient db, String name) {
        return db.preparedQuery("SELECT * FROM roles WHERE ($1::text IS NULL OR name = $1) ORDER BY name")
                .execute(Tuple.of(name))
                .map(rs -> all(rs, IdentityStore::role));
    }

    /** A role by id, or else by name. */
    Future<Optional<Role>> role(SqlClient db, String idOrName) {
        return db.preparedQuery("SELECT * FROM roles WHERE id = $1 OR name = $1 ORDER BY (id = $1) DESC LIMIT 1")
                .execute(Tuple.of(idOrName))
                .map(rs -> first(rs, IdentityStore::role));
    }

    /** The roles {@code userId} holds on {@code projectId}, as assigned (not expanded). */
    Future<List<Role>> rolesOn(SqlClient db, String userId, String projectId) {
        return db.preparedQuery("""
                        SELECT r.* FROM role_assignments a JOIN roles r ON r.id = a.role_id
                        WHERE a.user_id = $1 AND a.project_id = $2 ORDER BY r.name""")
                .execute(Tuple.of(userId, projectId))
                .map(rs -> all(rs, IdentityStore::role));
    }

    /** {@code userId}'s standing on {@code projectId}; empty if either does not exist. */
    Future<Optional<Standing>> standing(SqlClient db, String userId, String projectId) {
        return db.preparedQuery("""
                        SELECT u.name AS user_name, u.enabled AS user_enabled, p.name AS project_name,
                               p.enabled AS project_enabled,
                               ARRAY(SELECT r.name FROM role_assignments a JOIN roles r ON r.id = a.role_id
                                     WHERE a.user_id = u.id AND a.project_id = p.id ORDER BY r.name) AS assigned,
                               ARRAY(SELECT name FROM roles ORDER BY name) AS known
                        FROM users u CROSS JOIN projects p WHERE u.id = $1 AND p.id = $2""")
                .execute(Tuple.of(userId, projectId))
                .map(rs -> first(rs, r -> new Standing(r.getString("user_name"), r.getBoolean("user_enabled"),
                        r.getString("project_name"), r.getBoolean("project_enabled"),
                        List.of(r.getArrayOfStrings("assigned")), List.of(r.getArrayOfStrings("known")))));
    }

    Future<Void> assign(SqlClient db, String userId, String projectId, String roleId) {
        return db.preparedQuery("""
                        INSERT INTO role_assignments (user_id, project_id, role_id) VALUES ($1, $2, $3)
                        ON CONFLICT DO NOTHING""")
                .execute(Tuple.of(userId, projectId, roleId)).mapEmpty();
    }

    Future<Boolean> unassign(SqlClient db, String userId, String projectId, String roleId) {
        return db.preparedQuery("DELETE FROM role_assignments WHERE user_id = $1 AND project_id = $2 AND role_id = $3")
                .execute(Tuple.of(userId, projectId, roleId))
                .map(rs -> rs.rowCount() > 0);
    }

    /** Assignments matching every filter given ({@code null} = any). */
    Future<List<Assignment>> assignments(SqlClient db, String userId, String projectId, String roleId) {
        return db.preparedQuery("""
                        SELECT a.user_id, u.name AS user_name, a.project_id, p.name AS project_name, a.role_id,
                               r.name AS role_name
                        FROM role_assignments a
                        JOIN users u ON u.id = a.user_id
                        JOIN projects p ON p.id = a.project_id
                        JOIN roles r ON r.id = a.role_id
                        WHERE ($1::text IS NULL OR a.user_id = $1) AND ($2::text IS NULL OR a.project_id = $2)
                          AND ($3::text IS NULL OR a.role_id = $3)
                        ORDER BY u.name, p.name, r.name""")
                .execute(Tuple.of(userId, projectId, roleId))
                .map(rs -> all(rs, r -> new Assignment(r.getString("user_id"), r.getString("user_name"),
                        r.getString("project_id"), r.getString("project_name"), r.getString("role_id"),
                        r.getString("role_name"))));
    }

    // ---- login attempts -------------------------------------------------------------------------------------------

    /**
     * Counts one password attempt for ({@code userKey}, {@code source}) and returns how many were made in the
     * current window, this one included. A window that has passed starts over at one. Counting before the check
     * (and atomically) means parallel guesses cannot all slip in under the limit.
     */
    Future<Integer> countAttempt(SqlClient db, String userKey, String source, Instant now, Duration window) {
        return db.preparedQuery("""
                        INSERT INTO login_failures AS f (user_key, source, attempts, window_start)
                        VALUES ($1, $2, 1, $3)
                        ON CONFLICT (user_key, source) DO UPDATE SET
                            attempts = CASE WHEN f.window_start + make_interval(secs => $4) <= $3 THEN 1
                                            ELSE f.attempts + 1 END,
                            window_start = CASE WHEN f.window_start + make_interval(secs => $4) <= $3 THEN $3
                                                ELSE f.window_start END
                        RETURNING attempts""")
                .execute(Tuple.of(userKey, source, now.atOffset(ZoneOffset.UTC), (double) window.toMillis() / 1000))
                .map(rs -> rs.iterator().next().getInteger("attempts"));
    }

    /** Takes one attempt back (a success counted before its password was checked). */
    Future<Void> forgiveAttempt(SqlClient db, String userKey, String source) {
        return db.preparedQuery("UPDATE login_failures SET attempts = attempts - 1 "
                        + "WHERE user_key = $1 AND source = $2 AND attempts > 0")
                .execute(Tuple.of(userKey, source)).mapEmpty();
    }

    Future<Void> clearAttempts(SqlClient db, String userKey, String source) {
        return db.preparedQuery("DELETE FROM login_failures WHERE user_key = $1 AND source = $2")
                .execute(Tuple.of(userKey, source)).mapEmpty();
    }

    /** Forgets windows that ended before {@code before}. */
    // ---- revoked tokens -------------------------------------------------------------------------------------------

    /** Records a token id as revoked until {@code expiresAt}, when the token would have stopped working anyway. */
    Future<Void> revokeToken(SqlClient db, String tokenId, Instant expiresAt) {
        return db.preparedQuery("INSERT INTO revoked_tokens (token_id, expires_at) VALUES ($1, $2) "
                        + "ON CONFLICT (token_id) DO NOTHING")
                .execute(Tuple.of(tokenId, expiresAt.atOffset(ZoneOffset.UTC))).mapEmpty();
    }

    /** The ids of the revoked tokens that have not expired yet. */
    Future<Set<String>> revokedTokens(SqlClient db, Instant now) {
        return db.preparedQuery("SELECT token_id FROM revoked_tokens WHERE expires_at > $1")
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC)))
                .map(rows -> {
                    Set<String> ids = new HashSet<>();
                    rows.forEach(r -> ids.add(r.getString(0)));
                    return Set.copyOf(ids);
                });
    }

    /** Forgets revocations of tokens that have expired. */
    Future<Integer> purgeRevokedTokens(SqlClient db, Instant now) {
        return db.preparedQuery("DELETE FROM revoked_tokens WHERE expires_at <= $1")
                .execute(Tuple.of(now.atOffset(ZoneOffset.UTC))).map(RowSet::rowCount);
    }

    Future<Integer> purgeAttempts(SqlClient db, Instant before) {
        return db.preparedQuery("DELETE FROM login_failures WHERE window_start < $1")
                .execute(Tuple.of(before.atOffset(ZoneOffset.UTC))).map(RowSet::rowCount);
    }

    // ---- rows -----------------------------------------------------------------------------------------------------

    private static Project project(Row r) {
        return new Project(r.getString("id"), r.getString("name"), r.getString("domain_id"),
                r.getString("description"), r.getBoolean("enabled"));
    }

    private static User user(Row r) {
        return new User(r.getString("id"), r.getString("name"), r.getString("domain_id"),
                r.getString("password_hash"), r.getBoolean("enabled"), r.getString("default_project_id"),
                r.getString("description"));
    }

    private static Role role(Row r) {
        return new Role(r.getString("id"), r.getString("name"), r.getString("description"));
    }

    private static <T> Optional<T> first(RowSet<Row> rs, Function<Row, T> f) {
        return rs.size() == 0 ? Optional.empty() : Optional.of(f.apply(rs.iterator().next()));
    }

    private static <T> List<T> all(RowSet<Row> rs, Function<Row, T> f) {
        List<T> out = new ArrayList<>(rs.size());
        rs.forEach(r -> out.add(f.apply(r)));
        return out;
    }
}
