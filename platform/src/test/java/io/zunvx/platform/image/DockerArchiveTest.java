package io.zunvx.platform.image;

import static io.zunvx.platform.image.TestArchives.image;
import static io.zunvx.platform.image.TestArchives.legacyEntries;
import static io.zunvx.platform.image.TestArchives.ociEntries;
import static io.zunvx.platform.image.TestArchives.tar;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.platform.image.DockerArchive.Checked;
import io.zunvx.platform.image.DockerArchive.InvalidArchive;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Checking {@code docker save} archives built in the test: intact ones pass, damaged ones are named and refused. */
class DockerArchiveTest {
    private final TestArchives.Image img = image("hello");

    @Test
    void ociLayoutArchivePassesWithItsImageIdAndTags() throws InvalidArchive {
        // GIVEN an intact archive in the layout of Docker 25 and later
        byte[] archive = tar(ociEntries(img, "busybox:latest"), true);

        // WHEN it is checked
        Checked c = DockerArchive.check(new ByteArrayInputStream(archive));

        // THEN the image id is the config's digest and the tags come from the manifest
        assertEquals("sha256:" + img.configHex(), c.imageId());
        assertEquals(List.of("busybox:latest"), c.repoTags());
    }

    @Test
    void legacyLayoutArchivePasses() throws InvalidArchive {
        // GIVEN an intact archive in the legacy layout
        byte[] archive = tar(legacyEntries(img, "team/app:v1"), true);

        // WHEN it is checked
        Checked c = DockerArchive.check(new ByteArrayInputStream(archive));

        // THEN the image id and tags are read from it
        assertEquals("sha256:" + img.configHex(), c.imageId());
        assertEquals(List.of("team/app:v1"), c.repoTags());
    }

    @Test
    void archiveWithEntriesUnderDotSlashPasses() throws InvalidArchive {
        // GIVEN an archive whose entry names start with ./
        Map<String, byte[]> entries = new LinkedHashMap<>();
        ociEntries(img, "busybox:latest").forEach((k, v) -> entries.put("./" + k, v));

        // WHEN it is checked THEN it passes
        assertEquals("sha256:" + img.configHex(),
                DockerArchive.check(new ByteArrayInputStream(tar(entries, true))).imageId());
    }

    @Test
    void aFlippedByteInABlobIsRefusedNamingTheDigest() {
        // GIVEN an intact archive in which one byte of the layer blob is then changed
        byte[] archive = tar(ociEntries(img, "busybox:latest"), true);
        int at = TestArchives.indexOf(archive, TestArchives.LAYER_MARKER.getBytes(StandardCharsets.UTF_8), 0);
        assertTrue(at > 0);
        archive[at + 3] ^= 0x20;

        // WHEN it is checked
        InvalidArchive e = assertThrows(InvalidArchive.class,
                () -> DockerArchive.check(new ByteArrayInputStream(archive)));

        // THEN the refusal names the blob's expected digest
        assertTrue(e.getMessage().contains("digest mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains(img.layerHex()), e.getMessage());
    }

    @Test
    void aChangedLegacyConfigIsRefused() {
        // GIVEN a legacy archive whose config no longer hashes to its name
        Map<String, byte[]> entries = legacyEntries(img, "a:b");
        entries.put(img.configHex() + ".json", "{\"os\":\"evil\"}".getBytes(StandardCharsets.UTF_8));

        // WHEN it is checked THEN it is refused naming the config digest
        InvalidArchive e = assertThrows(InvalidArchive.class,
                () -> DockerArchive.check(new ByteArrayInputStream(tar(entries, true))));
        assertTrue(e.getMessage().contains(img.configHex()), e.getMessage());
    }

    @Test
    void aFlippedByteInALegacyLayerIsRefusedNamingItsDiffId() {
        // GIVEN a legacy archive (Docker before 25) whose layer.tar, not named by its content, lost a bit
        Map<String, byte[]> entries = legacyEntries(img, "a:b");
        String layerName = entries.keySet().stream().filter(k -> k.endsWith("/layer.tar")).findFirst().orElseThrow();
        byte[] layer = entries.get(layerName).clone();
        layer[600] ^= 0x01;
        entries.put(layerName, layer);

        // WHEN it is checked THEN the config's diff_id for that layer refuses it
        InvalidArchive e = assertThrows(InvalidArchive.class,
                () -> DockerArchive.check(new ByteArrayInputStream(tar(entries, true))));
        assertTrue(e.getMessage().contains(layerName) && e.getMessage().contains(img.layerHex()), e.getMessage());
    }

    @ParameterizedTest(name = "cut {0} bytes off the end")
    @ValueSource(ints = {1, 100, 511, 512, 1024, 1500, 2048, 4000})
    void aTruncatedArchiveIsRefused(int cut) {
        // GIVEN an intact archive with its end cut off (mid-entry, at a block boundary, or just the end marker)
        byte[] full = tar(ociEntries(img, "busybox:latest"), true);
        byte[] truncated = Arrays.copyOf(full, full.length - cut);

        // WHEN it is checked THEN it is refused
        InvalidArchive e = assertThrows(InvalidArchive.class,
                () -> DockerArchive.check(new ByteArrayInputStream(truncated)));
        assertTrue(e.getMessage().contains("truncated") || e.getMessage().contains("lacks")
                || e.getMessage().contains("manifest"), e.getMessage());
    }

    @Test
    void anArchiveCutAtAnEntryBoundaryIsRefused() {
        // GIVEN every entry complete but no end-of-archive marker (the stream ended between entries)
        byte[] archive = tar(ociEntries(img, "busybox:latest"), false);

        // WHEN it is checked THEN it is refused as truncated
        InvalidArchive e = assertThrows(InvalidArchive.class,
                () -> DockerArchive.check(new ByteArrayInputStream(archive)));
        assertTrue(e.getMessage().contains("end-of-archive"), e.getMessage());
    }

    @Test
    void anArchiveWithoutManifestIsRefused() {
        // GIVEN an archive lacking manifest.json
        Map<String, byte[]> entries = ociEntries(img, "busybox:latest");
        entries.remove("manifest.json");

        // WHEN it is checked THEN it is refused, saying so
        InvalidArchive e = assertThrows(InvalidArchive.class,
                () -> DockerArchive.check(new ByteArrayInputStream(tar(entries, true))));
        assertTrue(e.getMessage().contains("manifest.json"), e.getMessage());
    }

    @Test
    void aManifestNamingAMissingLayerIsRefused() {
        // GIVEN an archive whose layer blob is missing
        Map<String, byte[]> entries = ociEntries(img, "busybox:latest");
        entries.remove("blobs/sha256/" + img.layerHex());

        // WHEN it is checked THEN it is refused naming the layer
        InvalidArchive e = assertThrows(InvalidArchive.class,
                () -> DockerArchive.check(new ByteArrayInputStream(tar(entries, true))));
        assertTrue(e.getMessage().contains(img.layerHex()), e.getMessage());
    }

    @Test
    void aManifestNamingAMissingConfigIsRefused() {
        Map<String, byte[]> entries = ociEntries(img, "busybox:latest");
        entries.remove("blobs/sha256/" + img.configHex());

        InvalidArchive e = assertThrows(InvalidArchive.class,
                () -> DockerArchive.check(new ByteArrayInputStream(tar(entries, true))));
        assertTrue(e.getMessage().contains(img.configHex()), e.getMessage());
    }

    @Test
    void aManifestThatIsNotJsonIsRefused() {
        Map<String, byte[]> entries = ociEntries(img, "busybox:latest");
        entries.put("manifest.json", "{not json".getBytes(StandardCharsets.UTF_8));

        InvalidArchive e = assertThrows(InvalidArchive.class,
                () -> DockerArchive.check(new ByteArrayInputStream(tar(entries, true))));
        assertTrue(e.getMessage().contains("manifest.json"), e.getMessage());
    }

    @Test
    void somethingThatIsNotATarIsRefused() {
        // GIVEN random bytes, and nothing at all
        byte[] noise = new byte[8192];
        new Random(6).nextBytes(noise);

        // WHEN they are checked THEN both are refused
        assertThrows(InvalidArchive.class, () -> DockerArchive.check(new ByteArrayInputStream(noise)));
        assertThrows(InvalidArchive.class, () -> DockerArchive.check(new ByteArrayInputStream(new byte[0])));
    }
}
