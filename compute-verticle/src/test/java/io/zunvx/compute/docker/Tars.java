package io.zunvx.compute.docker;

import java.nio.charset.StandardCharsets;

/** Walks a tar archive in place, for tests that damage {@code docker save} archives on purpose. */
final class Tars {
    private static final int BLOCK = 512;

    private Tars() {
    }

    /**
     * Flips one byte in the middle of every layer of a {@code docker save} archive: the {@code <id>/layer.tar} entries
     * of the legacy layout, and the blobs that are themselves tars in the OCI layout.
     *
     * @return how many layers were damaged
     */
    static int corruptLayers(byte[] tar) {
        int damaged = 0;
        int offset = 0;
        while (offset + BLOCK <= tar.length && tar[offset] != 0) {
            String name = field(tar, offset, 100);
            long size = Long.parseLong(field(tar, offset + 124, 12).trim(), 8);
            int data = offset + BLOCK;
            boolean layer = name.endsWith("/layer.tar")
                    || name.startsWith("blobs/sha256/") && size > 262 + 5
                    && "ustar".equals(new String(tar, data + 257, 5, StandardCharsets.US_ASCII));
            if (layer && size > 0) {
                tar[data + (int) (size / 2)] ^= 0x5a;
                damaged++;
            }
            offset = data + (int) ((size + BLOCK - 1) / BLOCK * BLOCK);
        }
        return damaged;
    }

    private static String field(byte[] tar, int offset, int length) {
        int end = offset;
        while (end < offset + length && tar[end] != 0) {
            end++;
        }
        return new String(tar, offset, end - offset, StandardCharsets.US_ASCII);
    }
}
