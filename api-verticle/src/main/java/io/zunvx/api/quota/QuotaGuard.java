package io.zunvx.api.quota;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlConnection;
import io.zunvx.model.Container;

/**
 * Quota accounting, called inside the transaction that makes the change, so usage and containers can never drift
 * apart and concurrent requests cannot both take the last unit. A refusal is a 403 {@code container.over-quota}.
 */
public interface QuotaGuard {

    /** Counts a new container (containers +1, its cpu, memory and disk) against its project. */
    Future<Void> reserve(SqlConnection tx, Container c);

    /**
     * Counts a new capsule: each of its containers (init containers included, the sandbox not) against
     * {@code containers}, and its cpu, memory and disk once (the totals its sandbox holds).
     */
    Future<Void> reserveCapsule(SqlConnection tx, String projectId, int containers, double cpu, int memory);

    /** Moves a container's usage from {@code prev} to the new cpu and memory (either may be null = unchanged). */
    Future<Void> resize(SqlConnection tx, Container prev, Double cpu, Integer memory);

    /** Gives a deleted container's usage back. */
    Future<Void> release(SqlConnection tx, Container c);

    /** No quotas: everything is allowed. */
    QuotaGuard UNLIMITED = new QuotaGuard() {
        @Override
        public Future<Void> reserve(SqlConnection tx, Container c) {
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> reserveCapsule(SqlConnection tx, String projectId, int containers, double cpu,
                                           int memory) {
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> resize(SqlConnection tx, Container prev, Double cpu, Integer memory) {
            return Future.succeededFuture();
        }

        @Override
        public Future<Void> release(SqlConnection tx, Container c) {
            return Future.succeededFuture();
        }
    };
}
