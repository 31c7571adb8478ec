package io.zunvx.launcher;

import io.vertx.core.Vertx;
import io.zunvx.api.identity.AdminBootstrap;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.Database;
import io.zunvx.platform.db.Transactions;

/**
 * The admin of a deployment with external PostgreSQL ({@code zunvx migrate}, the Helm pre-upgrade Job): the user and
 * project named by {@code ZUNVX_ADMIN_USER} and {@code ZUNVX_ADMIN_PROJECT}, keeping their ids when they exist, with
 * the password from {@code ZUNVX_ADMIN_PASSWORD}. Blocking.
 */
final class AdminSeed {
    private AdminSeed() {
    }

    static void ensure(ZunvxConfig config, String dbUrl) {
        Vertx vertx = Vertx.vertx();
        Transactions db = Transactions.open(vertx, Database.of(dbUrl), 2, "zunvx-admin-seed");
        try {
            var id = config.identity();
            AdminBootstrap.ensureByName(vertx, db, id.adminUser(), id.adminProject(), id.adminPassword()).await();
        } finally {
            db.close().await();
            vertx.close().await();
        }
    }
}
