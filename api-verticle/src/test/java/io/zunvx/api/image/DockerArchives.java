package io.zunvx.api.image;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveOutputStream;

/**
 * Archives shaped like {@code docker save} output (the OCI layout of Docker 25 and later): a layer and a config under
 * {@code blobs/sha256/<hex>}, {@code manifest.json}, {@code index.json} and {@code oci-layout}. The layer is itself a
 * tar holding one file of pseudo-random bytes, so archives of any size can be made without Docker.
 */
final class DockerArchives {
    private DockerArchives() {
    }

    /** An archive whose image is tagged {@code repoTag}, with a layer file of {@code payloadBytes} bytes. */
    static byte[] build(String repoTag, int payloadBytes, long seed) {
        byte[] payload = new byte[payloadBytes];
        new Random(seed).nextBytes(payload);
        byte[] layer = tar(new String[] {"data.bin"}, new byte[][] {payload});
        String layerHex = sha256(layer);
        byte[] config = new JsonObject()
                .put("architecture", "amd64").put("os", "linux")
                .put("config", new JsonObject().put("Cmd", new JsonArray().add("sh")))
                .put("rootfs", new JsonObject().put("type", "layers")
                        .put("diff_ids", new JsonArray().add("sha256:" + layerHex)))
                .encode().getBytes(StandardCharsets.UTF_8);
        String configHex = sha256(config);
        byte[] manifest = new JsonArray().add(new JsonObject()
                        .put("Config", "blobs/sha256/" + configHex)
                        .put("RepoTags", new JsonArray().add(repoTag))
                        .put("Layers", new JsonArray().add("blobs/sha256/" + layerHex)))
                .encode().getBytes(StandardCharsets.UTF_8);
        byte[] index = new JsonObject().put("schemaVersion", 2).put("manifests", new JsonArray())
                .encode().getBytes(StandardCharsets.UTF_8);
        byte[] layout = "{\"imageLayoutVersion\":\"1.0.0\"}".getBytes(StandardCharsets.UTF_8);
        return tar(new String[] {"blobs/sha256/" + layerHex, "blobs/sha256/" + configHex, "index.json",
                "manifest.json", "oci-layout"}, new byte[][] {layer, config, index, manifest, layout});
    }

    /** The {@code sha256:<hex>} image id of an archive built by {@link #build}: its config's digest. */
    static String imageId(byte[] archive) {
        // The config is the second entry: find the manifest's Config by reading the tar back.
        try (var in = new org.apache.commons.compress.archivers.tar.TarArchiveInputStream(
                new java.io.ByteArrayInputStream(archive))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                if (e.getName().equals("manifest.json")) {
                    String config = new JsonArray(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                            .getJsonObject(0).getString("Config");
                    return "sha256:" + config.substring(config.lastIndexOf('/') + 1);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        throw new IllegalArgumentException("no manifest");
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String md5(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("MD5").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] tar(String[] names, byte[][] contents) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (TarArchiveOutputStream tar = new TarArchiveOutputStream(out)) {
            tar.setLongFileMode(TarArchiveOutputStream.LONGFILE_POSIX);
            for (int i = 0; i < names.length; i++) {
                TarArchiveEntry e = new TarArchiveEntry(names[i]);
                e.setSize(contents[i].length);
                tar.putArchiveEntry(e);
                tar.write(contents[i]);
                tar.closeArchiveEntry();
            }
            tar.finish();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }
}
