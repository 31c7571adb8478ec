package io.zunvx.api.identity;

import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;

/**
 * {@link PasswordHasher} on a named, bounded worker pool: hashing is CPU work of a tenth of a second or more, which
 * must never run on an event loop, and a burst of logins must not take every worker thread of the process.
 */
final class Passwords {
    /** Shared by every API verticle instance of a process (same name, same pool). */
    static final String POOL = "zunvx-password-hashing";

    private final PasswordHasher hasher;
    private final WorkerExecutor workers;

    Passwords(PasswordHasher hasher, WorkerExecutor workers) {
        this.hasher = hasher;
        this.workers = workers;
    }

    static int poolSize() {
        return Math.max(2, Runtime.getRuntime().availableProcessors() / 2);
    }

    Future<String> hash(String password) {
        return workers.executeBlocking(() -> hasher.hash(password), false);
    }

    /** Costs the same whether or not {@code encoded} is a real hash (see {@link PasswordHasher#verify}). */
    Future<Boolean> verify(String password, String encoded) {
        return workers.executeBlocking(() -> hasher.verify(password, encoded), false);
    }

    boolean needsRehash(String encoded) {
        return hasher.needsRehash(encoded);
    }
}
