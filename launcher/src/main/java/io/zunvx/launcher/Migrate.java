package io.zunvx.launcher;

import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.Database;
import io.zunvx.platform.db.Migrations;

/** {@code zunvx migrate}: the schema brought up to date, and the admin seeded when a password is configured. */
final class Migrate {
    private Migrate() {
    }

    /** Blocking. */
    static void run(ZunvxConfig config, String dbUrl) {
        int n = Migrations.migrate(Database.of(dbUrl));
        System.out.println("zunvx: schema up to date (" + n + " migration(s) applied)");
        if (config.identity().adminPassword() != null) {
            AdminSeed.ensure(config, dbUrl);
            System.out.println("zunvx: admin " + config.identity().adminUser() + " ready in project "
                    + config.identity().adminProject());
        }
    }
}
