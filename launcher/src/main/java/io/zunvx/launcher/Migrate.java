package io.zunvx.launcher;

import io.vertx.core.Vertx;
import io.zunvx.platform.auth.TokenService;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.Database;
import io.zunvx.platform.db.Migrations;
import io.zunvx.platform.registry.CredentialCipher;
import java.time.Clock;

/**
 * {@code zunvx migrate}: the schema brought up to date, and the admin seeded when a password is configured; and
 * {@code zunvx rotate-signing-key}.
 */
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

    /** Blocking: adds a token signing key, sealed with {@code ZUNVX_SIGNING_KEY_SECRET} (or the key file). */
    static void rotateSigningKey(ZunvxConfig config, String dbUrl) {
        Vertx vertx = Vertx.vertx();
        try {
            TokenService.rotate(vertx, Database.of(dbUrl), Clock.systemUTC(), CredentialCipher.forSigningKeys(config))
                    .await();
            System.out.println("zunvx: a new token signing key was added; running roles sign with it within "
                    + config.identity().signing().refresh().toSeconds() + "s");
        } finally {
            vertx.close().await();
        }
    }
}
