package io.zunvx.launcher;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zunvx.api.identity.AdminBootstrap;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.Database;
import java.util.UUID;

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
        Pool pool = Database.of(dbUrl).pool(vertx, 2, "zunvx-admin-seed");
        try {
            var id = config.identity();
            String userId = idOf(pool, "SELECT id FROM users WHERE name = $1 AND domain_id = 'default'",
                    id.adminUser());
            String projectId = idOf(pool, "SELECT id FROM projects WHERE name = $1 AND domain_id = 'default'",
                    id.adminProject());
            AdminBootstrap.ensure(vertx, pool, new AdminBootstrap.Admin(userId, id.adminUser(), projectId,
                    id.adminProject(), id.adminPassword())).await();
        } finally {
            pool.close().await();
            vertx.close().await();
        }
    }

    private static String idOf(Pool pool, String sql, String name) {
        var rows = pool.preparedQuery(sql).execute(Tuple.of(name)).await();
        for (Row r : rows) {
            return String.valueOf(r.getValue("id"));
        }
        return UUID.randomUUID().toString().replace("-", "");
    }
}
