package io.zunvx.platform.image;

import io.vertx.sqlclient.Pool;
import io.zunvx.platform.config.ZunvxConfig;
import java.io.IOException;
import java.io.InputStream;

/**
 * Where image store data lives. A blocking API: call it from virtual threads (see
 * {@link io.zunvx.platform.concurrent.Blocking}), never from an event loop. Writes stream with bounded memory and
 * leave nothing behind when they fail.
 */
public interface BlobStore {

    /**
     * Streams {@code in} into a new blob named after {@code key}, computing its size and digests.
     *
     * @throws TooLarge    as soon as more than {@code maxBytes} arrived (nothing is kept)
     * @throws IOException if reading or storing failed (nothing is kept)
     */
    Written write(String key, InputStream in, long maxBytes) throws IOException;

    /**
     * Whether {@link #write} holds a database transaction (and a pooled connection) while it reads its input: a
     * caller whose input arrives at a client's pace spools it first.
     */
    default boolean writesInATransaction() {
        return false;
    }

    /** The blob's data; the caller closes the stream. */
    InputStream open(String location) throws IOException;

    /** Removes the blob; no error if it is already gone. */
    void delete(String location) throws IOException;

    /** The backend the configuration names. */
    static BlobStore of(ZunvxConfig.Images config, Pool pool) {
        return switch (config.storeBackend()) {
            case ZunvxConfig.Images.POSTGRES -> new LargeObjectBlobStore(pool);
            default -> new FilesystemBlobStore(config.storeDir());
        };
    }

    /**
     * A stored blob.
     *
     * @param location  where it is, to give to {@link #open} and {@link #delete}
     * @param size      bytes
     * @param md5Hex    MD5 of the data, lowercase hex
     * @param sha256Hex SHA-256 of the data, lowercase hex
     */
    record Written(String location, long size, String md5Hex, String sha256Hex) {
    }

    /** More data arrived than allowed. */
    final class TooLarge extends IOException {
        private final long maxBytes;

        public TooLarge(long maxBytes) {
            super("image data is larger than the limit of " + maxBytes + " bytes");
            this.maxBytes = maxBytes;
        }

        public long maxBytes() {
            return maxBytes;
        }
    }
}
