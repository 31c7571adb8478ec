package io.zunvx.platform.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The filesystem blob store on a real directory; partial temporary files count as leftovers. */
class FilesystemBlobStoreIT extends BlobStoreContract {
    @TempDir
    Path dir;

    private FilesystemBlobStore store;

    @BeforeEach
    void create() {
        store = new FilesystemBlobStore(dir.resolve("images"));
    }

    @Override
    BlobStore store() {
        return store;
    }

    @Override
    long leftovers() throws IOException {
        Path d = dir.resolve("images");
        if (!Files.exists(d)) {
            return 0;
        }
        try (Stream<Path> files = Files.list(d)) {
            return files.count();
        }
    }

    @Test
    void blobsAreFilesNamedAfterTheirKeyInsideTheDirectory() throws Exception {
        // GIVEN a key with characters a file name should not carry
        BlobStore.Written w = call(() -> store.write("a/b c", new Trickle(random(10), 10, -1), 100));

        // THEN the blob is a plain file in the store's directory, with a sanitised name
        assertTrue(w.location().startsWith("file:a_b_c-"), w.location());
        Path file = dir.resolve("images").resolve(w.location().substring("file:".length()));
        assertEquals(10, Files.size(file));
        assertEquals(dir.resolve("images"), file.getParent());
    }

    @Test
    void aSweepRemovesOnlyTemporaryFilesNoWriteTouchedLately() throws Exception {
        // GIVEN a blob, a temporary file a dead process left an hour ago, and one a live write just touched
        BlobStore.Written w = call(() -> store.write("kept", new Trickle(random(10), 10, -1), 100));
        Path d = dir.resolve("images");
        Path dead = Files.write(d.resolve(".tmp-dead"), new byte[5]);
        Files.setLastModifiedTime(dead, java.nio.file.attribute.FileTime.from(
                java.time.Instant.now().minus(java.time.Duration.ofHours(1))));
        Path live = Files.write(d.resolve(".tmp-live"), new byte[5]);

        // WHEN the store is swept for files idle longer than two minutes
        int removed = store.sweep(java.time.Duration.ofMinutes(2));

        // THEN only the dead one is gone
        assertEquals(1, removed);
        assertFalse(Files.exists(dead));
        assertTrue(Files.exists(live));
        assertTrue(Files.exists(d.resolve(w.location().substring("file:".length()))));
    }
}
