package io.zunvx.embedded;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * An embedded PostgreSQL server (zonky binaries) whose data directory survives restarts: the all-in-one's database
 * and the integration tests' real PostgreSQL.
 */
public final class EmbeddedPg implements AutoCloseable {
    private final EmbeddedPostgres pg;

    private EmbeddedPg(EmbeddedPostgres pg) {
        this.pg = pg;
    }

    /**
     * Starts PostgreSQL with data under {@code dataDir} on {@code port} (0 = a free port), keeping earlier data.
     */
    public static EmbeddedPg start(Path dataDir, int port) {
        try {
            Files.createDirectories(dataDir);
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setDataDirectory(dataDir)
                    .setCleanDataDirectory(false)
                    .setServerConfig("max_connections", "300")
                    .setServerConfig("fsync", "on")
                    .setServerConfig("listen_addresses", "127.0.0.1")
                    .setPGStartupWait(Duration.ofSeconds(60));
            if (port > 0) {
                b.setPort(port);
            }
            return new EmbeddedPg(b.start());
        } catch (IOException e) {
            throw new UncheckedIOException("embedded PostgreSQL did not start in " + dataDir, e);
        }
    }

    public int port() {
        return pg.getPort();
    }

    /** {@code postgresql://postgres:postgres@127.0.0.1:<port>/postgres}. */
    public String url() {
        return "postgresql://postgres:postgres@127.0.0.1:" + pg.getPort() + "/postgres";
    }

    @Override
    public void close() {
        try {
            pg.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
