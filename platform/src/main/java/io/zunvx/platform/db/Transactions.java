package io.zunvx.platform.db;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import java.util.Objects;
import java.util.function.Function;

/**
 * How code outside {@code platform} reaches PostgreSQL: it hands a unit of work to a transaction ({@link
 * #inTransaction}: every statement of {@code work} commits together or not at all), to one borrowed connection
 * ({@link #read}), or, for a single statement, to a client outside both ({@link #withoutTransaction}); the work calls
 * repositories with the client it is given, so one transaction can span several of them. The pool itself stays inside
 * {@code platform}.
 */
public final class Transactions {
    private final Pool pool;

    public Transactions(Pool pool) {
        this.pool = Objects.requireNonNull(pool, "pool");
    }

    /** Transactions over a pool of its own ({@code size} connections to {@code database}), for a one-off tool. */
    public static Transactions open(Vertx vertx, Database database, int size, String name) {
        return new Transactions(database.pool(vertx, size, name));
    }

    /** Closes the pool; only for what {@link #open} made. */
    public Future<Void> close() {
        return pool.close();
    }

    /** Runs {@code work} in one transaction: committed when its Future succeeds, rolled back when it fails. */
    public <T> Future<T> inTransaction(Function<SqlConnection, Future<T>> work) {
        return pool.withTransaction(work::apply);
    }

    /** Runs {@code work} (reads, or one self-contained statement) on a connection returned when it completes. */
    public <T> Future<T> read(Function<SqlClient, Future<T>> work) {
        return pool.withConnection(work::apply);
    }

    /**
     * Runs {@code work} outside a transaction: for reads and single-statement writes, each statement on whichever
     * pooled connection is free.
     */
    public <T> Future<T> withoutTransaction(Function<SqlClient, Future<T>> work) {
        return work.apply(pool);
    }

    /**
     * A client for single statements outside a transaction, for a collaborator that calls repositories many times:
     * each statement runs on whichever pooled connection is free. It cannot begin a transaction or hold a
     * connection; {@link #inTransaction} and {@link #read} do that.
     */
    public SqlClient statements() {
        return pool;
    }
}
