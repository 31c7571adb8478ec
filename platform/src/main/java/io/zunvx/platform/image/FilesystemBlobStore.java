package io.zunvx.platform.image;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.time.Instant;
import java.util.UUID;

/**
 * Blobs as files in one directory, location {@code file:<name>}. A write goes to a temporary file ({@code .tmp-*}),
 * is synced, then renamed into place, so a blob is either complete or absent; a failed write removes its temporary
 * file. Names carry a random suffix, so a write never replaces an existing blob.
 */
public final class FilesystemBlobStore implements BlobStore {
    /** Location prefix. */
    public static final String SCHEME = "file:";
    private static final int CHUNK = 1 << 20;
    private static final String TMP_PREFIX = ".tmp-";

    private final Path dir;

    public FilesystemBlobStore(Path dir) {
        this.dir = dir.toAbsolutePath();
    }

    /** The directory blobs live in. */
    public Path directory() {
        return dir;
    }

    /**
     * Removes temporary files that no write has touched for {@code idle}: what a process that died mid-write left
     * behind (a running write modifies its file with every chunk). Safe while other processes share the directory.
     *
     * @return how many were removed
     */
    public int sweep(Duration idle) throws IOException {
        if (!Files.isDirectory(dir)) {
            return 0;
        }
        Instant cutoff = Instant.now().minus(idle);
        int removed = 0;
        try (var files = Files.newDirectoryStream(dir, TMP_PREFIX + "*")) {
            for (Path f : files) {
                try {
                    if (Files.getLastModifiedTime(f).toInstant().isBefore(cutoff) && Files.deleteIfExists(f)) {
                        removed++;
                    }
                } catch (NoSuchFileException gone) {
                    // finished or removed by its writer meanwhile
                }
            }
        }
        return removed;
    }

    @Override
    public Written write(String key, InputStream in, long maxBytes) throws IOException {
        Files.createDirectories(dir);
        String name = key.replaceAll("[^A-Za-z0-9._-]", "_") + "-" + UUID.randomUUID();
        Path tmp = dir.resolve(TMP_PREFIX + name);
        Digests digests = new Digests(maxBytes);
        boolean done = false;
        try {
            try (FileChannel out = FileChannel.open(tmp, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
                byte[] buf = new byte[CHUNK];
                int n;
                while ((n = Digests.fill(in, buf)) > 0) {
                    digests.update(buf, 0, n);
                    ByteBuffer bb = ByteBuffer.wrap(buf, 0, n);
                    while (bb.hasRemaining()) {
                        out.write(bb);
                    }
                }
                out.force(true);
            }
            Files.move(tmp, dir.resolve(name), StandardCopyOption.ATOMIC_MOVE);
            syncDirectory();
            done = true;
            return digests.written(SCHEME + name);
        } finally {
            if (!done) {
                Files.deleteIfExists(tmp);
            }
        }
    }

    @Override
    public InputStream open(String location) throws IOException {
        return Files.newInputStream(path(location));
    }

    @Override
    public void delete(String location) throws IOException {
        Files.deleteIfExists(path(location));
    }

    private Path path(String location) throws IOException {
        if (location == null || !location.startsWith(SCHEME)) {
            throw new NoSuchFileException(String.valueOf(location), null, "not a file store location");
        }
        String name = location.substring(SCHEME.length());
        if (name.isEmpty() || name.startsWith(".") || !name.matches("[A-Za-z0-9._-]+")) {
            throw new NoSuchFileException(location, null, "not a file store location");
        }
        return dir.resolve(name);
    }

    /** Makes the rename durable; not every file system lets a directory be opened, which is then left to the OS. */
    private void syncDirectory() {
        try (FileChannel d = FileChannel.open(dir, StandardOpenOption.READ)) {
            d.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // best effort
        }
    }
}
