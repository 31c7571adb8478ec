package io.zunvx.platform.image;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/** Small {@code docker save} archives built in memory, in both layouts. */
final class TestArchives {
    /** Starts every layer, so a test can find layer bytes inside an archive. */
    static final String LAYER_MARKER = "LAYER-CONTENT-MARKER";

    private TestArchives() {
    }

    /** An image of one layer (a tar holding one file) and its config. */
    record Image(byte[] layer, byte[] config) {
        String layerHex() {
            return sha256(layer);
        }

        String configHex() {
            return sha256(config);
        }
    }

    static Image image(String fileContent) {
        byte[] inner = tar(Map.of("hello.txt", (LAYER_MARKER + fileContent).getBytes(StandardCharsets.UTF_8)), true);
        byte[] layer = new byte[inner.length];
        System.arraycopy(inner, 0, layer, 0, inner.length);
        String config = "{\"architecture\":\"amd64\",\"os\":\"linux\",\"rootfs\":{\"type\":\"layers\",\"diff_ids\":"
                + "[\"sha256:" + sha256(layer) + "\"]},\"config\":{\"Cmd\":[\"sh\"]}}";
        return new Image(layer, config.getBytes(StandardCharsets.UTF_8));
    }

    /** Docker 25+ layout: blobs/sha256, index.json, manifest.json, oci-layout, repositories. */
    static Map<String, byte[]> ociEntries(Image i, String repoTag) {
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put("blobs/sha256/" + i.layerHex(), i.layer());
        e.put("blobs/sha256/" + i.configHex(), i.config());
        e.put("index.json", "{\"schemaVersion\":2,\"manifests\":[]}".getBytes(StandardCharsets.UTF_8));
        e.put("manifest.json", ("[{\"Config\":\"blobs/sha256/" + i.configHex() + "\",\"RepoTags\":[\"" + repoTag
                + "\"],\"Layers\":[\"blobs/sha256/" + i.layerHex() + "\"]}]").getBytes(StandardCharsets.UTF_8));
        e.put("oci-layout", "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8));
        e.put("repositories", "{}".getBytes(StandardCharsets.UTF_8));
        return e;
    }

    /** Legacy layout: {@code <config hex>.json}, {@code <id>/layer.tar}, manifest.json, repositories. */
    static Map<String, byte[]> legacyEntries(Image i, String repoTag) {
        String v1 = sha256(("v1" + i.layerHex()).getBytes(StandardCharsets.UTF_8));
        Map<String, byte[]> e = new LinkedHashMap<>();
        e.put(v1 + "/VERSION", "1.0".getBytes(StandardCharsets.UTF_8));
        e.put(v1 + "/json", "{}".getBytes(StandardCharsets.UTF_8));
        e.put(v1 + "/layer.tar", i.layer());
        e.put(i.configHex() + ".json", i.config());
        e.put("manifest.json", ("[{\"Config\":\"" + i.configHex() + ".json\",\"RepoTags\":[\"" + repoTag
                + "\"],\"Layers\":[\"" + v1 + "/layer.tar\"]}]").getBytes(StandardCharsets.UTF_8));
        e.put("repositories", "{}".getBytes(StandardCharsets.UTF_8));
        return e;
    }

    /** A tar of {@code entries} in order; {@code finish} false leaves out the end-of-archive marker. */
    static byte[] tar(Map<String, byte[]> entries, boolean finish) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try {
            TarArchiveOutputStream out = new TarArchiveOutputStream(bytes);
            for (Map.Entry<String, byte[]> en : entries.entrySet()) {
                TarArchiveEntry te = new TarArchiveEntry(en.getKey());
                te.setSize(en.getValue().length);
                out.putArchiveEntry(te);
                out.write(en.getValue());
                out.closeArchiveEntry();
            }
            if (finish) {
                out.finish();
            }
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static int indexOf(byte[] haystack, byte[] needle, int from) {
        outer:
        for (int i = from; i <= haystack.length - needle.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (haystack[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
