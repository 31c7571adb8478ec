package io.zunvx.api.identity;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.Future;
import io.vertx.core.WorkerExecutor;
import io.zunvx.platform.app.Runtimes;

/**
 * {@link PasswordHasher} on a named, bounded worker pool: hashing is CPU work of a tenth of a second or more, which
 * must never run on an event loop, and a burst of logins must not take every worker thread of the process.
 */
final class Passwords {
    /** Shared by every API verticle instance of a process (same name, same pool). */
    static final String POOL = "zunvx-password-hashing";

    /** The counter of password checks (each one a full hash), when metrics are on. */
    static final String CHECKS_METRIC = "zunvx.identity.password.checks";

    private final PasswordHasher hasher;
    private final WorkerExecutor workers;
    private final Counter checks;

    Passwords(PasswordHasher hasher, WorkerExecutor workers) {
        this.hasher = hasher;
        this.workers = workers;
        this.checks = Runtimes.registry() == null ? null : Counter.builder(CHECKS_METRIC)
                .description("password checks, each a full PBKDF2 hash (real or dummy)").register(Runtimes.registry());
    }

    static int poolSize() {
        return Math.max(2, Runtime.getRuntime().availableProcessors() / 2);
    }

    Future<String> hash(String password) {
        return workers.executeBlocking(() -> hasher.hash(password), false);
    }

    /** Costs the same whether or not {@code encoded} is a real hash (see {@link PasswordHasher#verify}). */
    Future<Boolean> verify(String password, String encoded) {
        if (checks != null) {
            checks.increment();
        }
        return workers.executeBlocking(() -> hasher.verify(password, encoded), false);
    }

    boolean needsRehash(String encoded) {
        return hasher.needsRehash(encoded);
    }
}
