package io.zunvx.platform.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
}
