package io.zunvx.platform.image;

import static io.zunvx.platform.db.TestWaits.await;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.PgSession;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The large-object blob store on a real PostgreSQL; leftovers are rows of {@code pg_largeobject_metadata}. */
class LargeObjectBlobStoreIT extends BlobStoreContract {
    @TempDir
    static Path dir;

    @RegisterExtension
    static final PgSession pg = PgSession.perClass(4);
    private static LargeObjectBlobStore store;

    @BeforeAll
    static void createStore() {
        store = new LargeObjectBlobStore(pg.pool());
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Override
    long leftovers() {
        return await(pg.pool().query("SELECT count(*) FROM pg_largeobject_metadata").execute()).iterator().next()
                .getLong(0);
    }

    @Test
    void theConfiguredBackendIsChosen() {
        ZunvxConfig.Images postgres = new ZunvxConfig.Images("postgres", dir, 10, null, "");
        ZunvxConfig.Images file = new ZunvxConfig.Images("file", dir, 10, null, "");

        assertTrue(BlobStore.of(postgres, pg.pool()) instanceof LargeObjectBlobStore);
        assertTrue(BlobStore.of(file, pg.pool()) instanceof FilesystemBlobStore);
    }
}
