package io.zunvx.platform.image;

import static io.zunvx.platform.db.TestWaits.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.TestDatabase;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The large-object blob store on a real PostgreSQL; leftovers are rows of {@code pg_largeobject_metadata}. */
class LargeObjectBlobStoreIT extends BlobStoreContract {
    @TempDir
    static Path dir;

    private static TestDatabase db;
    private static Vertx vertx;
    private static Pool pool;
    private static LargeObjectBlobStore store;

    @BeforeAll
    static void startDatabase() {
        db = TestDatabase.start(dir);
        vertx = Vertx.vertx();
        pool = db.pool(vertx, 4);
        store = new LargeObjectBlobStore(pool);
    }

    @AfterAll
    static void stopDatabase() {
        if (pool != null) {
            await(pool.close());
        }
        if (vertx != null) {
            await(vertx.close());
        }
        if (db != null) {
            db.close();
        }
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Override
    long leftovers() {
        return await(pool.query("SELECT count(*) FROM pg_largeobject_metadata").execute()).iterator().next()
                .getLong(0);
    }

    @Test
    void theConfiguredBackendIsChosen() {
        ZunvxConfig.Images pg = new ZunvxConfig.Images("postgres", dir, 10, null, "");
        ZunvxConfig.Images file = new ZunvxConfig.Images("file", dir, 10, null, "");

        assertTrue(BlobStore.of(pg, pool) instanceof LargeObjectBlobStore);
        assertTrue(BlobStore.of(file, pool) instanceof FilesystemBlobStore);
    }
}
