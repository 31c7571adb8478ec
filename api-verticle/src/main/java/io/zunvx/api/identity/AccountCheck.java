package io.zunvx.api.identity;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.shareddata.LocalMap;
import io.vertx.core.shareddata.Shareable;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.auth.TokenService;
import io.zunvx.platform.db.Transactions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;

/**
 * Holds a token of the identity service to what the identity tables say now, as Keystone does when it validates a
 * token: the token is refused (401) once its user is disabled or deleted, its project is disabled or deleted, or the
 * user holds no role on the project any more; otherwise the caller gets the roles assigned now (and those they imply)
 * in place of those in the token, and the current user and project names. A token revoked by
 * {@code DELETE /identity/v3/auth/tokens} is refused too. Only tokens marked by
 * {@link TokenService#issueForAccount} are checked; the platform's service tokens and an external issuer's tokens
 * are not in the tables and pass unchanged.
 *
 * <p>Answers are cached per (user, project), refusals included, for {@link #TTL} at most, so a busy caller costs one
 * small query every few seconds, not one per request; concurrent misses for the same pair share one query. Every
 * change the identity admin API makes calls {@link #invalidate()}, which empties the cache of this process at once
 * (the API verticles of one Vert.x instance share one {@code AccountCheck}). Other API processes notice the change
 * when their entry expires, so across replicas a revoked token may still be honoured for up to {@link #TTL}.
 */
public final class AccountCheck implements Shareable {
    /** The longest an answer is reused: the delay before another API process honours a change. */
    public static final Duration TTL = Duration.ofSeconds(5);
    /** Past this many cached pairs, expired ones are dropped, and if that is not enough, all. */
    static final int MAX_ENTRIES = 10_000;
    private static final String SHARED_MAP = "zunvx.identity.account-checks";

    private final IdentityStore store = new IdentityStore();
    private final SqlClient sql;
    private final long ttlNanos;
    private final LongSupplier nanoTime;
    private final ConcurrentHashMap<Key, Entry> entries = new ConcurrentHashMap<>();
    private final AtomicReference<Revoked> revoked = new AtomicReference<>();

    private record Key(String userId, String projectId) {
    }

    /**
     * What the tables say about a (user, project) pair.
     *
     * @param allowed     whether a token for the pair is honoured
     * @param userName    the user's current name
     * @param projectName the project's current name
     * @param roles       the roles assigned now and those they imply
     */
    record Access(boolean allowed, String userName, String projectName, List<String> roles) {
        static final Access DENIED = new Access(false, null, null, List.of());
    }

    /** A cached answer (or one being read) and when its query started. */
    private record Entry(Future<Access> access, long startedAt) {
    }

    AccountCheck(Transactions db, Duration ttl, LongSupplier nanoTime) {
        this.sql = db.statements();
        this.ttlNanos = ttl.toNanos();
        this.nanoTime = nanoTime;
    }

    /** The check shared by everything on {@code vertx} that uses the database of {@code db} (one per API process). */
    public static AccountCheck of(Vertx vertx, Transactions db) {
        LocalMap<String, AccountCheck> shared = vertx.sharedData().getLocalMap(SHARED_MAP);
        SqlClient sql = db.statements();
        String key = "pool@" + Integer.toHexString(System.identityHashCode(sql));
        AccountCheck mine = new AccountCheck(db, TTL, System::nanoTime);
        AccountCheck existing = shared.putIfAbsent(key, mine);
        return existing == null ? mine : existing;
    }

    /**
     * The caller a verified token stands for: unchanged unless it is an identity service token, which fails with
     * {@link TokenService#unauthorized()} when the tables no longer back it and otherwise carries the current names
     * and roles. A failure to read the tables fails as it is (never as an acceptance).
     */
    public Future<Identity> check(TokenService.Verified verified) {
        Identity who = verified.identity();
        if (!verified.local() || !verified.account()) {
            return Future.succeededFuture(who);
        }
        return revoked().compose(ids -> verified.tokenId() != null && ids.contains(verified.tokenId())
                ? Future.failedFuture(TokenService.unauthorized())
                : access(who.userId(), who.projectId())).compose(a -> a.allowed()
                ? Future.succeededFuture(new Identity(who.userId(), a.userName(), who.projectId(), a.projectName(),
                a.roles(), who.expiresAt()))
                : Future.failedFuture(TokenService.unauthorized()));
    }

    /**
     * Forgets every cached answer and the revoked token ids; call after any change to users, projects, roles or
     * assignments, and after a revocation.
     */
    public void invalidate() {
        entries.clear();
        revoked.set(null);
    }

    /**
     * The ids of revoked tokens, read at most every {@link #TTL} (the same window as an account change; concurrent
     * readers share one query).
     */
    private Future<Set<String>> revoked() {
        long now = nanoTime.getAsLong();
        Revoked cached = revoked.get();
        if (cached != null && now - cached.startedAt() < ttlNanos && !cached.ids().failed()) {
            return onCallersContext(cached.ids());
        }
        Promise<Set<String>> promise = Promise.promise();
        Revoked mine = new Revoked(promise.future(), now);
        if (!revoked.compareAndSet(cached, mine)) {
            Revoked other = revoked.get();
            return other == null ? revoked() : onCallersContext(other.ids());
        }
        store.revokedTokens(sql, Instant.now()).onComplete(promise);
        return promise.future();
    }

    private record Revoked(Future<Set<String>> ids, long startedAt) {
    }

    /** How many pairs are cached (for tests). */
    int size() {
        return entries.size();
    }

    Future<Access> access(String userId, String projectId) {
        Key key = new Key(userId, projectId);
        long now = nanoTime.getAsLong();
        Entry cached = entries.get(key);
        if (usable(cached, now)) {
            return onCallersContext(cached.access());
        }
        if (entries.size() >= MAX_ENTRIES) {
            entries.values().removeIf(e -> !usable(e, now));
            if (entries.size() >= MAX_ENTRIES) {
                entries.clear();
            }
        }
        Promise<Access> promise = Promise.promise();
        Entry mine = new Entry(promise.future(), now);
        Entry winner = entries.compute(key, (k, old) -> usable(old, now) ? old : mine);
        if (winner != mine) {
            return onCallersContext(winner.access());
        }
        // An invalidation while this query runs removes the entry, so a stale answer is not kept; a failed query
        // is not kept either.
        load(key).onComplete(ar -> {
            if (ar.failed()) {
                entries.remove(key, mine);
            }
            promise.handle(ar);
        });
        return promise.future();
    }

    private boolean usable(Entry e, long now) {
        return e != null && now - e.startedAt() < ttlNanos && !e.access().failed();
    }

    private Future<Access> load(Key key) {
        return store.standing(sql, key.userId(), key.projectId()).map(found -> found
                .filter(s -> s.userEnabled() && s.projectEnabled() && !s.assigned().isEmpty())
                .map(s -> new Access(true, s.userName(), s.projectName(),
                        ImpliedRoles.expandNames(s.assigned(), s.known())))
                .orElse(Access.DENIED));
    }

    /**
     * A query completes on the context of the request that started it; a request of another verticle instance
     * waiting for the same answer carries on on its own context.
     */
    private static <T> Future<T> onCallersContext(Future<T> shared) {
        Context caller = Vertx.currentContext();
        if (shared.isComplete() || caller == null) {
            return shared;
        }
        Promise<T> mine = Promise.promise();
        shared.onComplete(ar -> caller.runOnContext(v -> mine.handle(ar)));
        return mine.future();
    }
}
