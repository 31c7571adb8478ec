package io.zunvx.platform.db;

import static io.zunvx.platform.db.TestWaits.await;

import io.vertx.core.Vertx;
import io.vertx.sqlclient.Pool;
import io.zunvx.platform.app.TestVertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A test class's {@link TestDatabase} with a Vert.x and a pool on it, started and closed together. */
public final class PgSession implements AutoCloseable, BeforeAllCallback, AfterAllCallback {
    private final int poolSize;
    private Path tempDir;
    private TestDatabase db;
    private Vertx vertx;
    private Pool pool;

    private PgSession(int poolSize) {
        this.poolSize = poolSize;
    }

    /**
     * For a static {@code @RegisterExtension} field: started under a temporary directory of its own before the class's
     * {@code @BeforeAll} methods, with a pool of {@code poolSize}, and closed after its {@code @AfterAll} methods.
     */
    public static PgSession perClass(int poolSize) {
        return new PgSession(poolSize);
    }

    /** As {@link #perClass(int)} without a shared pool, for classes whose tests each use a {@link #freshPool}. */
    public static PgSession perClass() {
        return new PgSession(0);
    }

    /**
     * Starts PostgreSQL under {@code dir}, a Vert.x, and a pool of {@code poolSize} on the migrated database, for a
     * class that starts or stops other resources in between; the caller closes it.
     */
    public static PgSession start(Path dir, int poolSize) {
        PgSession session = new PgSession(poolSize);
        session.open(dir);
        return session;
    }

    private void open(Path dir) {
        try {
            db = TestDatabase.start(dir);
            vertx = TestVertx.create();
            pool = poolSize > 0 ? db.pool(vertx, poolSize) : null;
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    public TestDatabase db() {
        return db;
    }

    public Vertx vertx() {
        return vertx;
    }

    /** The shared pool on the migrated database. */
    public Pool pool() {
        if (pool == null) {
            throw new IllegalStateException("no shared pool: not started, or made without one");
        }
        return pool;
    }

    /** A pool of {@code size} on a new, migrated database of its own on the same server; the caller closes it. */
    public Pool freshPool(int size) {
        return db.freshDatabase().pool(vertx, size, "fresh-" + UUID.randomUUID());
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        tempDir = Files.createTempDirectory("zunvx-pg-");
        open(tempDir);
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        close();
        // The server may still be removing files of its own (postmaster.pid) while the folder is walked: a file that
        // vanished under the walk is walked over again, a few times at most.
        for (int walk = 0; tempDir != null && Files.exists(tempDir) && walk < 5; walk++) {
            try (Stream<Path> files = Files.walk(tempDir)) {
                files.sorted(Comparator.reverseOrder()).forEach(PgSession::delete);
            } catch (UncheckedIOException | NoSuchFileException vanished) {
                // walk again
            }
        }
    }

    private static void delete(Path p) {
        try {
            Files.delete(p);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Closes the pool, then Vert.x, then stops PostgreSQL: whichever of them started. */
    @Override
    public void close() {
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
}
