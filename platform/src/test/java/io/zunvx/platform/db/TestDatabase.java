package io.zunvx.platform.db;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.zunvx.embedded.EmbeddedPg;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * A real PostgreSQL for one integration test class: an embedded server on a free port with its data under the
 * class's temporary directory, migrated once. {@link #freshDatabase()} gives a test a database of its own on the same
 * server when it must not see what other tests wrote.
 */
public final class TestDatabase implements AutoCloseable {
    private final EmbeddedPg pg;
    private final Database database;

    private TestDatabase(EmbeddedPg pg) {
        this.pg = pg;
        this.database = Database.of(pg.url());
    }

    /** Starts PostgreSQL under {@code dir} and brings its {@code postgres} database up to date. */
    public static TestDatabase start(Path dir) {
        TestDatabase db = new TestDatabase(EmbeddedPg.start(dir.resolve("pg"), 0));
        Migrations.migrate(db.database);
        return db;
    }

    public EmbeddedPg server() {
        return pg;
    }

    /** The migrated {@code postgres} database. */
    public Database database() {
        return database;
    }

    /** A pool on the migrated database; the caller closes it. */
    public Pool pool(Vertx vertx, int size) {
        return database.pool(vertx, size, "test-" + UUID.randomUUID());
    }

    /** Creates a new, migrated database with a unique name on the same server. */
    public Database freshDatabase() {
        String name = "t_" + UUID.randomUUID().toString().replace("-", "");
        execute(database, "CREATE DATABASE " + name);
        Database fresh = Database.of("postgresql://postgres:postgres@127.0.0.1:" + pg.port() + "/" + name);
        Migrations.migrate(fresh);
        return fresh;
    }

    /** Runs one statement over JDBC, from the test thread. */
    public static void execute(Database db, String sql) {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement()) {
            s.execute(sql);
        } catch (SQLException e) {
            throw new IllegalStateException(sql, e);
        }
    }

    @Override
    public void close() {
        pg.close();
    }
}
