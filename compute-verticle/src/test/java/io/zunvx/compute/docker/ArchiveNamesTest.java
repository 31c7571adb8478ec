package io.zunvx.compute.docker;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class ArchiveNamesTest {

    private static byte[] tar(Map<String, byte[]> entries) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (TarArchiveOutputStream out = new TarArchiveOutputStream(bytes)) {
            for (var e : entries.entrySet()) {
                TarArchiveEntry entry = new TarArchiveEntry(e.getKey());
                entry.setSize(e.getValue().length);
                out.putArchiveEntry(entry);
                out.write(e.getValue());
                out.closeArchiveEntry();
            }
        }
        return bytes.toByteArray();
    }

    private static Map<String, byte[]> untar(InputStream in) throws IOException {
        Map<String, byte[]> out = new LinkedHashMap<>();
        TarArchiveInputStream tar = new TarArchiveInputStream(in);
        TarArchiveEntry e;
        while ((e = tar.getNextEntry()) != null) {
            out.put(e.getName(), tar.readAllBytes());
        }
        return out;
    }

    @Test
    void theArchivesNamesAreRemovedAndEverythingElseKept() throws IOException {
        // GIVEN a save archive that names busybox:latest three ways
        byte[] layer = new byte[200_000];
        layer[7] = 42;
        Map<String, byte[]> in = new LinkedHashMap<>();
        in.put("blobs/sha256/abc", layer);
        in.put("manifest.json", new JsonArray().add(new JsonObject().put("Config", "blobs/sha256/abc")
                .put("RepoTags", new JsonArray().add("busybox:latest")).put("Layers", new JsonArray()))
                .encode().getBytes(StandardCharsets.UTF_8));
        in.put("repositories", "{\"busybox\":{\"latest\":\"abc\"}}".getBytes(StandardCharsets.UTF_8));
        in.put("index.json", new JsonObject().put("manifests", new JsonArray().add(new JsonObject()
                .put("digest", "sha256:abc").put("annotations", new JsonObject()
                        .put("io.containerd.image.name", "docker.io/library/busybox:latest")
                        .put("org.opencontainers.image.ref.name", "latest").put("other", "kept"))))
                .encode().getBytes(StandardCharsets.UTF_8));

        // WHEN stripped
        Map<String, byte[]> out;
        try (InputStream stripped = ArchiveNames.strip(new ByteArrayInputStream(tar(in)))) {
            out = untar(stripped);
        }

        // THEN no name is left, and the rest is as it was
        assertFalse(out.containsKey("repositories"));
        JsonObject manifest = new JsonArray(new String(out.get("manifest.json"), StandardCharsets.UTF_8))
                .getJsonObject(0);
        assertFalse(manifest.containsKey("RepoTags"));
        assertEquals("blobs/sha256/abc", manifest.getString("Config"));
        JsonObject annotations = new JsonObject(new String(out.get("index.json"), StandardCharsets.UTF_8))
                .getJsonArray("manifests").getJsonObject(0).getJsonObject("annotations");
        assertEquals(new JsonObject().put("other", "kept"), annotations);
        assertArrayEquals(layer, out.get("blobs/sha256/abc"));
    }

    @Test
    void aBrokenArchiveFailsTheReader() throws IOException {
        Map<String, byte[]> in = new LinkedHashMap<>();
        in.put("manifest.json", "not json".getBytes(StandardCharsets.UTF_8));
        try (InputStream stripped = ArchiveNames.strip(new ByteArrayInputStream(tar(in)))) {
            IOException e = assertThrows(IOException.class, stripped::readAllBytes);
            assertTrue(e.getMessage().contains("manifest.json"), e.getMessage());
        }
    }
}
