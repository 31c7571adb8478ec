package io.zunvx.platform.db;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.embedded.EmbeddedPg;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Flyway migrations against a real (embedded) PostgreSQL, including one restarted on its kept data directory; the
 * server commits durably.
 */
class MigrationsIT {
    private static final Set<String> TABLES = Set.of("containers", "compute_nodes", "zun_services",
            "container_actions", "container_action_events", "outbox", "signing_keys", "registries", "images",
            "store_images", "outbox_dead_letters", "flyway_schema_history");

    @TempDir
    Path dir;

    @Test
    void secondMigrationAppliesNothingAndTheSchemaIsThere() throws SQLException {
        // GIVEN an empty PostgreSQL
        try (EmbeddedPg pg = EmbeddedPg.start(dir.resolve("pg"), 0)) {
            Database db = Database.of(pg.url());

            // WHEN it is migrated twice
            int first = Migrations.migrate(db);
            int second = Migrations.migrate(db);

            // THEN the first run applied every migration, the second none
            assertTrue(first >= 1, "first run applied " + first);
            assertEquals(0, second);

            // AND the tables, and the trigger that wakes the outbox relay, exist
            Set<String> tables = strings(db, """
                    SELECT table_name FROM information_schema.tables WHERE table_schema = 'public'""");
            assertTrue(tables.containsAll(TABLES), "tables: " + tables);
            assertEquals(Set.of("outbox_inserted"), strings(db, """
                    SELECT tgname FROM pg_trigger WHERE tgrelid = 'outbox'::regclass AND NOT tgisinternal"""));

            // AND the server commits durably: a commit returns only once its WAL is flushed to disk
            assertEquals(Set.of("fsync=on", "synchronous_commit=on"), strings(db, """
                    SELECT name || '=' || setting FROM pg_settings WHERE name IN ('fsync', 'synchronous_commit')"""));
        }
    }

    @Test
    void restartOnTheSameDataDirectoryKeepsSchemaAndRows() throws SQLException {
        // GIVEN a migrated PostgreSQL holding one row, then stopped
        Path data = dir.resolve("kept");
        try (EmbeddedPg pg = EmbeddedPg.start(data, 0)) {
            Database db = Database.of(pg.url());
            Migrations.migrate(db);
            TestDatabase.execute(db, """
                    INSERT INTO signing_keys (kid, algorithm, public_key, created_at)
                    VALUES ('kept-key', 'ES256', 'q', now())""");
        }

        // WHEN it starts again on the same directory (on whatever port is free) and is migrated again
        try (EmbeddedPg pg = EmbeddedPg.start(data, 0)) {
            Database db = Database.of(pg.url());
            int applied = Migrations.migrate(db);

            // THEN nothing is applied and the row is still there
            assertEquals(0, applied);
            assertEquals(Set.of("kept-key"), strings(db, "SELECT kid FROM signing_keys"));
        }
    }

    private static Set<String> strings(Database db, String sql) throws SQLException {
        Set<String> out = new TreeSet<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), db.user(), db.password());
             Statement s = c.createStatement();
             ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                out.add(rs.getString(1));
            }
        }
        return out;
    }
}
