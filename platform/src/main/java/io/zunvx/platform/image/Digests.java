package io.zunvx.platform.image;

import java.io.IOException;
import java.io.InputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** Size, MD5 and SHA-256 of data as it streams through, with the size limit checked on every chunk. */
final class Digests {
    private final MessageDigest md5 = digest("MD5");
    private final MessageDigest sha256 = digest("SHA-256");
    private final long maxBytes;
    private long size;

    Digests(long maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** Counts and hashes a chunk; throws {@link BlobStore.TooLarge} once more than the limit arrived. */
    void update(byte[] b, int off, int len) throws BlobStore.TooLarge {
        size += len;
        if (size > maxBytes) {
            throw new BlobStore.TooLarge(maxBytes);
        }
        md5.update(b, off, len);
        sha256.update(b, off, len);
    }

    BlobStore.Written written(String location) {
        return new BlobStore.Written(location, size, HexFormat.of().formatHex(md5.digest()),
                HexFormat.of().formatHex(sha256.digest()));
    }

    /** Reads until {@code buf} is full or the stream ends; the bytes read. */
    static int fill(InputStream in, byte[] buf) throws IOException {
        int n = 0;
        while (n < buf.length) {
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
        }
        return n;
    }

    static MessageDigest digest(String algorithm) {
        try {
            return MessageDigest.getInstance(algorithm);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(algorithm + " is not available", e);
        }
    }
}
