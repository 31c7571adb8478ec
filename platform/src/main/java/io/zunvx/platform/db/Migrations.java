package io.zunvx.platform.db;

import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/** Numbered Flyway migrations under {@code db/migration}; blocking, so callers run it off the event loop. */
public final class Migrations {
    private Migrations() {
    }

    /** Brings the schema up to date; returns the number of migrations applied. */
    public static int migrate(Database db) {
        MigrateResult r = Flyway.configure()
                .dataSource(db.jdbcUrl(), db.user(), db.password())
                .locations("classpath:db/migration")
                .loggers("slf4j")
                .load()
                .migrate();
        return r.migrationsExecuted;
    }
}
