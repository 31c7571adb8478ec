package io.zunvx.platform.image;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

/**
 * Checks a {@code docker save} archive before it is used: the OCI layout of Docker 25 and later (content under
 * {@code blobs/sha256/<hex>}) or the legacy layout ({@code <config hex>.json}, {@code <id>/layer.tar}). Every
 * content-addressed entry must hash to its name, {@code manifest.json} must name a config and layers present in the
 * archive, and the tar must be complete (end-of-archive marker included). Reads the stream once, in bounded memory.
 */
public final class DockerArchive {
    private static final Pattern BLOB = Pattern.compile("blobs/sha256/([0-9a-f]{64})");
    private static final Pattern LEGACY_CONFIG = Pattern.compile("([0-9a-f]{64})\\.json");
    private static final String MANIFEST = "manifest.json";
    private static final int MAX_MANIFEST_BYTES = 16 << 20;
    private static final int BLOCK = 512;

    private DockerArchive() {
    }

    /**
     * What the archive holds.
     *
     * @param imageId  {@code sha256:<config hex>} of the first manifest entry
     * @param repoTags its {@code RepoTags}
     */
    public record Checked(String imageId, List<String> repoTags) {
        public Checked {
            repoTags = repoTags == null ? List.of() : List.copyOf(repoTags);
        }
    }

    /** The archive is not a complete, intact {@code docker save} tar; the message says why. */
    public static final class InvalidArchive extends Exception {
        public InvalidArchive(String message) {
            super(message);
        }

        public InvalidArchive(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Reads the whole archive, checking every blob's digest and the manifest's references. */
    public static Checked check(InputStream tar) throws InvalidArchive {
        TailInputStream counted = new TailInputStream(tar);
        Set<String> names = new HashSet<>();
        Map<String, String> hashes = new HashMap<>();
        Map<String, byte[]> configs = new HashMap<>();
        byte[] manifest = null;
        int entries = 0;
        try {
            TarArchiveInputStream in = new TarArchiveInputStream(counted);
            TarArchiveEntry e;
            byte[] buf = new byte[1 << 20];
            while ((e = in.getNextEntry()) != null) {
                entries++;
                String name = normalize(e.getName());
                names.add(name);
                if (!e.isFile()) {
                    continue;
                }
                if (MANIFEST.equals(name)) {
                    manifest = readSmall(in, buf, name);
                    continue;
                }
                if (LEGACY_CONFIG.matcher(name).matches()) {
                    // Small, and needed afterwards: its rootfs.diff_ids are the digests of the legacy layers.
                    byte[] config = readSmall(in, buf, name);
                    String actual = HexFormat.of().formatHex(Digests.digest("SHA-256").digest(config));
                    if (!actual.equals(contentDigest(name))) {
                        throw new InvalidArchive("digest mismatch for " + name + ": expected sha256:"
                                + contentDigest(name) + ", found sha256:" + actual);
                    }
                    configs.put(name, config);
                    hashes.put(name, actual);
                    continue;
                }
                MessageDigest sha = Digests.digest("SHA-256");
                long size = 0;
                int n;
                while ((n = in.read(buf)) > 0) {
                    sha.update(buf, 0, n);
                    size += n;
                }
                if (size != e.getSize()) {
                    throw new InvalidArchive("the archive is truncated: entry " + name + " holds " + size + " of "
                            + e.getSize() + " bytes");
                }
                String expected = contentDigest(name);
                String actual = HexFormat.of().formatHex(sha.digest());
                if (expected != null && !expected.equals(actual)) {
                    throw new InvalidArchive("digest mismatch for " + name + ": expected sha256:" + expected
                            + ", found sha256:" + actual);
                }
                hashes.put(name, actual);
            }
            counted.drain();
        } catch (IOException ex) {
            throw new InvalidArchive("the archive is not a readable tar (truncated or corrupt): " + ex.getMessage(),
                    ex);
        } catch (IllegalArgumentException ex) {
            throw new InvalidArchive("the archive is not a readable tar: " + ex.getMessage(), ex);
        }
        if (entries == 0) {
            throw new InvalidArchive("the archive is empty or not a tar");
        }
        if (!counted.endsWithEndOfArchive()) {
            throw new InvalidArchive("the archive is truncated: the tar end-of-archive marker is missing");
        }
        if (manifest == null) {
            throw new InvalidArchive("the archive has no manifest.json; is it the output of docker save?");
        }
        return fromManifest(manifest, names, hashes, configs);
    }

    private static Checked fromManifest(byte[] manifest, Set<String> names, Map<String, String> hashes,
                                        Map<String, byte[]> configs) throws InvalidArchive {
        JsonArray list;
        try {
            list = new JsonArray(new String(manifest, StandardCharsets.UTF_8));
        } catch (DecodeException | ClassCastException e) {
            throw new InvalidArchive("manifest.json is not a JSON array: " + e.getMessage(), e);
        }
        if (list.isEmpty()) {
            throw new InvalidArchive("manifest.json lists no image");
        }
        String imageId = null;
        List<String> repoTags = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            if (!(list.getValue(i) instanceof JsonObject m)) {
                throw new InvalidArchive("manifest.json entry " + i + " is not an object");
            }
            String config = stringOrNull(m, "Config");
            if (config == null) {
                throw new InvalidArchive("manifest.json entry " + i + " names no Config");
            }
            config = normalize(config);
            if (!names.contains(config)) {
                throw new InvalidArchive("manifest.json names config " + config + ", which the archive lacks");
            }
            String hex = contentDigest(config);
            if (hex == null) {
                throw new InvalidArchive("manifest.json names config " + config
                        + ", which is not content-addressed");
            }
            if (!(m.getValue("Layers") instanceof JsonArray layers)) {
                throw new InvalidArchive("manifest.json entry " + i + " has no Layers list");
            }
            for (int l = 0; l < layers.size(); l++) {
                if (!(layers.getValue(l) instanceof String layer) || !names.contains(normalize(layer))) {
                    throw new InvalidArchive("manifest.json names layer " + layers.getValue(l)
                            + ", which the archive lacks");
                }
            }
            checkLegacyLayers(config, configs.get(config), layers, hashes);
            if (i == 0) {
                imageId = "sha256:" + hex;
                if (m.getValue("RepoTags") instanceof JsonArray tags) {
                    for (int t = 0; t < tags.size(); t++) {
                        if (tags.getValue(t) instanceof String s) {
                            repoTags.add(s);
                        }
                    }
                }
            }
        }
        return new Checked(imageId, repoTags);
    }

    /**
     * Legacy layers ({@code <id>/layer.tar}) are not named by their content: each must hash to the config's
     * {@code rootfs.diff_ids} entry of its position (content-addressed blobs were checked by name already).
     */
    private static void checkLegacyLayers(String configName, byte[] config, JsonArray layers,
                                          Map<String, String> hashes) throws InvalidArchive {
        if (config == null) {
            return;
        }
        JsonArray diffIds;
        try {
            JsonObject rootfs = new JsonObject(new String(config, StandardCharsets.UTF_8)).getJsonObject("rootfs");
            diffIds = rootfs == null ? null : rootfs.getJsonArray("diff_ids");
        } catch (DecodeException | ClassCastException e) {
            throw new InvalidArchive("config " + configName + " is not a JSON image config: " + e.getMessage(), e);
        }
        if (diffIds == null || diffIds.size() != layers.size()) {
            throw new InvalidArchive("config " + configName + " lists " + (diffIds == null ? 0 : diffIds.size())
                    + " layer digests for the manifest's " + layers.size() + " layers");
        }
        for (int l = 0; l < layers.size(); l++) {
            String layer = normalize(layers.getString(l));
            if (contentDigest(layer) != null) {
                continue;
            }
            String expected = String.valueOf(diffIds.getValue(l));
            String actual = "sha256:" + hashes.get(layer);
            if (!expected.equals(actual)) {
                throw new InvalidArchive("digest mismatch for layer " + layer + ": expected " + expected
                        + ", found " + actual);
            }
        }
    }

    /** The hex SHA-256 an entry's name promises, or {@code null} if its name is not content-addressed. */
    private static String contentDigest(String name) {
        Matcher b = BLOB.matcher(name);
        if (b.matches()) {
            return b.group(1);
        }
        Matcher c = LEGACY_CONFIG.matcher(name);
        return c.matches() ? c.group(1) : null;
    }

    private static String stringOrNull(JsonObject o, String key) {
        return o.getValue(key) instanceof String s ? s : null;
    }

    /** A member name without leading {@code ./} and {@code /}. */
    public static String normalize(String name) {
        String n = name;
        while (n.startsWith("./")) {
            n = n.substring(2);
        }
        while (n.startsWith("/")) {
            n = n.substring(1);
        }
        return n;
    }

    private static byte[] readSmall(InputStream in, byte[] buf, String name) throws IOException, InvalidArchive {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int n;
        while ((n = in.read(buf)) > 0) {
            out.write(buf, 0, n);
            if (out.size() > MAX_MANIFEST_BYTES) {
                throw new InvalidArchive(name + " is larger than " + MAX_MANIFEST_BYTES + " bytes");
            }
        }
        return out.toByteArray();
    }

    /**
     * Counts what the tar reader consumed and keeps the last two blocks, to tell a complete tar (ending with the
     * two zero blocks of the end-of-archive marker) from one cut off at an entry boundary, which the tar reader
     * accepts silently.
     */
    private static final class TailInputStream extends FilterInputStream {
        private final byte[] tail = new byte[2 * BLOCK];
        private long count;

        TailInputStream(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                remember(new byte[] {(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                remember(b, off, n);
            }
            return n;
        }

        @Override
        public long skip(long n) throws IOException {
            byte[] buf = new byte[(int) Math.min(n, 8192)];
            long skipped = 0;
            while (skipped < n) {
                int r = read(buf, 0, (int) Math.min(buf.length, n - skipped));
                if (r < 0) {
                    break;
                }
                skipped += r;
            }
            return skipped;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        void drain() throws IOException {
            byte[] buf = new byte[8192];
            while (read(buf, 0, buf.length) >= 0) {
                // counted and remembered by read
            }
        }

        boolean endsWithEndOfArchive() {
            if (count < tail.length || count % BLOCK != 0) {
                return false;
            }
            for (byte b : tail) {
                if (b != 0) {
                    return false;
                }
            }
            return true;
        }

        private void remember(byte[] b, int off, int n) {
            count += n;
            if (n >= tail.length) {
                System.arraycopy(b, off + n - tail.length, tail, 0, tail.length);
            } else {
                System.arraycopy(tail, n, tail, 0, tail.length - n);
                System.arraycopy(b, off, tail, tail.length - n, n);
            }
        }
    }
}
