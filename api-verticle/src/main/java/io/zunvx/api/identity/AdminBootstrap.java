package io.zunvx.api.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.platform.db.Transactions;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bootstrap admin in the identity tables: its project, its user (with the given password) and the role
 * {@code admin} on that project, created once with the given ids; run at every start, it never changes an admin that
 * exists.
 */
public final class AdminBootstrap {
    private static final Logger LOG = LoggerFactory.getLogger(AdminBootstrap.class);

    /** Who the bootstrap admin is. */
    public record Admin(String userId, String userName, String projectId, String projectName, String password) {
        @Override
        public String toString() {
            return "Admin[userId=" + userId + ", userName=" + userName + ", projectId=" + projectId
                    + ", projectName=" + projectName + "]";
        }
    }

    private AdminBootstrap() {
    }

    /**
     * The bootstrap admin named {@code userName} in project {@code projectName} (both in the default domain), with the
     * ids they have if they exist and new ones otherwise; then {@link #ensure}.
     */
    public static Future<Void> ensureByName(Vertx vertx, Transactions db, String userName, String projectName,
                                            String password) {
        IdentityStore store = new IdentityStore();
        SqlClient sql = db.statements();
        return store.userByName(sql, IdentityStore.DEFAULT_DOMAIN, userName).compose(user ->
                store.projectByName(sql, IdentityStore.DEFAULT_DOMAIN, projectName).compose(project ->
                        ensure(vertx, db, new Admin(user.map(IdentityStore.User::id).orElseGet(AdminBootstrap::newId),
                                userName, project.map(IdentityStore.Project::id).orElseGet(AdminBootstrap::newId),
                                projectName, password))));
    }

    private static String newId() {
        return UUID.randomUUID().toString().replace("-", "");
    }

    /**
     * Creates {@code admin} (its project, its user with the password, the {@code admin} grant) when its user does not
     * exist yet; an existing admin is left exactly as it is, whatever its password, name or roles have become, so a
     * restart or a {@code migrate} never resets what was changed through the identity API. A password given that no
     * longer matches is reported (without the password) and not applied.
     */
    public static Future<Void> ensure(Vertx vertx, Transactions db, Admin admin) {
        WorkerExecutor workers = vertx.createSharedWorkerExecutor(Passwords.POOL, Passwords.poolSize());
        Passwords passwords = new Passwords(new PasswordHasher(), workers);
        IdentityStore store = new IdentityStore();
        return store.user(db.statements(), admin.userId())
                .compose(existing -> existing.isPresent() ? leave(passwords, admin, existing.get())
                        : create(store, passwords, db.statements(), admin))
                .eventually(() -> workers.close());
    }

    private static Future<Void> create(IdentityStore store, Passwords passwords, SqlClient sql, Admin admin) {
        return store.upsertProject(sql, new IdentityStore.Project(admin.projectId(), admin.projectName(),
                        IdentityStore.DEFAULT_DOMAIN, "Bootstrap administrator's project", true))
                .compose(project -> passwords.hash(admin.password()))
                .compose(hash -> store.insertUser(sql, new IdentityStore.User(admin.userId(), admin.userName(),
                        IdentityStore.DEFAULT_DOMAIN, hash, true, admin.projectId(), "Bootstrap administrator")))
                .compose(v -> store.role(sql, "admin"))
                .compose(role -> store.assign(sql, admin.userId(), admin.projectId(),
                        role.orElseThrow(() -> new IllegalStateException("the admin role is missing")).id()))
                .onSuccess(v -> LOG.info("bootstrap admin {} ready in project {}", admin.userName(),
                        admin.projectName()));
    }

    private static Future<Void> leave(Passwords passwords, Admin admin, IdentityStore.User u) {
        return passwords.verify(admin.password(), u.passwordHash()).map(same -> {
            if (same) {
                LOG.info("bootstrap admin {} exists; left as it is", u.name());
            } else {
                LOG.warn("bootstrap admin {} exists and its password differs from the one configured; the stored "
                        + "one is kept (change it through the identity API)", u.name());
            }
            return null;
        });
    }
}
