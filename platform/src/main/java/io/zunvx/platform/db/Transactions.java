package io.zunvx.platform.db;

import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.Objects;
import java.util.function.Function;

/**
 * The way role code runs repository calls without holding the pool: {@link #inTransaction} for writes (every
 * statement of {@code work} commits together or not at all), {@link #read} for reads on one borrowed connection.
 * Repositories keep taking the {@link SqlClient} they are given, so one transaction can span several of them.
 */
public final class Transactions {
    private final Pool pool;

    public Transactions(Pool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /** Runs {@code work} in one transaction; a failed Future rolls everything back. */
    public <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
        return pool.withTransaction(work::apply);
    }

    /** Runs {@code work} (reads, or one self-contained statement) on a connection returned when it completes. */
    public <T> Future<T> read(Function<SqlClient, Future<T>> work) {
        return pool.withConnection(work::apply);
    }
}
