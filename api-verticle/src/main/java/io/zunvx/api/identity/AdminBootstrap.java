package io.zunvx.api.identity;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.WorkerExecutor;
import io.vertx.sqlclient.Pool;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The bootstrap admin in the identity tables: its project, its user (with the given password) and the role
 * {@code admin} on that project. Idempotent, and keeps the given ids, so tokens issued for them stay valid; run at
 * every start. A changed name or password is written over the stored one.
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

    /** Creates or updates {@code admin}; completes once it can log in with its password. */
    public static Future<Void> ensure(Vertx vertx, Pool pool, Admin admin) {
        WorkerExecutor workers = vertx.createSharedWorkerExecutor(Passwords.POOL, Passwords.poolSize());
        Passwords passwords = new Passwords(new PasswordHasher(), workers);
        IdentityStore store = new IdentityStore();
        return store.upsertProject(pool, new IdentityStore.Project(admin.projectId(), admin.projectName(),
                        IdentityStore.DEFAULT_DOMAIN, "Bootstrap administrator's project", true))
                .compose(project -> store.user(pool, admin.userId()))
                .compose(existing -> user(store, passwords, pool, admin, existing))
                .compose(v -> store.role(pool, "admin"))
                .compose(role -> store.assign(pool, admin.userId(), admin.projectId(),
                        role.orElseThrow(() -> new IllegalStateException("the admin role is missing")).id()))
                .onSuccess(v -> LOG.info("bootstrap admin {} ready in project {}", admin.userName(),
                        admin.projectName()))
                .eventually(() -> workers.close());
    }

    private static Future<Void> user(IdentityStore store, Passwords passwords, Pool pool, Admin admin,
                                     Optional<IdentityStore.User> existing) {
        if (existing.isEmpty()) {
            return passwords.hash(admin.password()).compose(hash -> store.insertUser(pool, new IdentityStore.User(
                    admin.userId(), admin.userName(), IdentityStore.DEFAULT_DOMAIN, hash, true, admin.projectId(),
                    "Bootstrap administrator"))).mapEmpty();
        }
        IdentityStore.User u = existing.get();
        return passwords.verify(admin.password(), u.passwordHash())
                .compose(same -> same && !passwords.needsRehash(u.passwordHash())
                        ? Future.succeededFuture((String) null) : passwords.hash(admin.password()))
                .compose(hash -> hash == null && u.name().equals(admin.userName()) && u.enabled()
                        && admin.projectId().equals(u.defaultProjectId())
                        ? Future.succeededFuture()
                        : store.updateUser(pool, u.id(), admin.userName(), hash, true, admin.projectId(), false,
                        null).mapEmpty());
    }
}
