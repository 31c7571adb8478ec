package io.zunvx.platform.db;

import io.vertx.core.Vertx;
import io.vertx.pgclient.PgBuilder;
import io.vertx.pgclient.PgConnectOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.PoolOptions;

/** PostgreSQL connection settings parsed once from a {@code postgresql://} URL, and the pools built from them. */
public record Database(PgConnectOptions options, String url) {

    public static Database of(String url) {
        PgConnectOptions o = PgConnectOptions.fromUri(url);
        o.setReconnectAttempts(0).setPipeliningLimit(256).setCachePreparedStatements(true)
                .setPreparedStatementCacheMaxSize(512);
        return new Database(o, url);
    }

    /** A pool of {@code size} connections; callers close it. */
    public Pool pool(Vertx vertx, int size, String name) {
        return PgBuilder.pool()
                .with(new PoolOptions().setMaxSize(size).setName(name).setShared(false).setMaxWaitQueueSize(10_000))
                .connectingTo(new PgConnectOptions(options))
                .using(vertx)
                .build();
    }

    /** JDBC URL for Flyway (JDBC is used for migrations only). */
    public String jdbcUrl() {
        return "jdbc:postgresql://" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase();
    }

    public String user() {
        return options.getUser();
    }

    public String password() {
        return options.getPassword();
    }

    @Override
    public String toString() {
        return "Database[" + options.getHost() + ":" + options.getPort() + "/" + options.getDatabase() + "]";
    }
}
