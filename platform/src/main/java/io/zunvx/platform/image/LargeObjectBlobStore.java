package io.zunvx.platform.image;

import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Transaction;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;

/**
 * Blobs as PostgreSQL large objects, location {@code pg-lo:<oid>}, so every node of a cluster reaches them through the
 * database it already uses. A write runs in one transaction ({@code lo_create}, then {@code lo_put} per 1 MiB chunk):
 * if it fails, or the process dies, the transaction rolls back and the large object never existed. Reads fetch one
 * chunk at a time with {@code lo_get}. Blocks the calling thread (a virtual thread, never an event loop) on each
 * statement.
 */
public final class LargeObjectBlobStore implements BlobStore {
    /** Location prefix. */
    public static final String SCHEME = "pg-lo:";
    private static final int CHUNK = 1 << 20;

    private final Pool pool;

    public LargeObjectBlobStore(Pool pool) {
        this.pool = pool;
    }

    @Override
    public boolean writesInATransaction() {
        return true;
    }

    @Override
    public Written write(String key, InputStream in, long maxBytes) throws IOException {
        Digests digests = new Digests(maxBytes);
        SqlConnection conn = await(pool.getConnection());
        try {
            Transaction tx = await(conn.begin());
            try {
                long oid = await(conn.query("SELECT lo_create(0)::bigint").execute()).iterator().next().getLong(0);
                byte[] buf = new byte[CHUNK];
                long offset = 0;
                int n;
                while ((n = Digests.fill(in, buf)) > 0) {
                    digests.update(buf, 0, n);
                    await(conn.preparedQuery("SELECT lo_put($1::bigint::oid, $2::bigint, $3::bytea)")
                            .execute(Tuple.of(oid, offset, Buffer.buffer().appendBytes(buf, 0, n))));
                    offset += n;
                }
                await(tx.commit());
                return digests.written(SCHEME + oid);
            } catch (IOException | RuntimeException | Error e) {
                try {
                    await(tx.rollback());
                } catch (IOException | RuntimeException suppressed) {
                    e.addSuppressed(suppressed);
                }
                throw e;
            }
        } finally {
            conn.close();
        }
    }

    @Override
    public InputStream open(String location) throws IOException {
        long oid = oid(location);
        RowSet<Row> rs = await(pool.preparedQuery(
                "SELECT 1 FROM pg_largeobject_metadata WHERE oid = $1::bigint::oid").execute(Tuple.of(oid)));
        if (rs.size() == 0) {
            throw new NoSuchFileException(location);
        }
        return new ChunkStream(oid, location);
    }

    @Override
    public void delete(String location) throws IOException {
        long oid = oid(location);
        await(pool.preparedQuery("SELECT lo_unlink(oid) FROM pg_largeobject_metadata WHERE oid = $1::bigint::oid")
                .execute(Tuple.of(oid)));
    }

    private static long oid(String location) throws NoSuchFileException {
        if (location != null && location.startsWith(SCHEME)) {
            try {
                long oid = Long.parseLong(location.substring(SCHEME.length()));
                if (oid > 0 && oid <= 0xFFFFFFFFL) {
                    return oid;
                }
            } catch (NumberFormatException e) {
                // not ours
            }
        }
        throw new NoSuchFileException(String.valueOf(location), null, "not a large-object location");
    }

    /** Waits for {@code f} on the calling (virtual) thread; database failures become IOExceptions. */
    private static <T> T await(Future<T> f) throws IOException {
        try {
            return f.await();
        } catch (RuntimeException e) {
            throw new IOException("large-object store: " + e.getMessage(), e);
        }
    }

    /** Reads the object one {@code lo_get} chunk at a time. */
    private final class ChunkStream extends InputStream {
        private final long oid;
        private final String location;
        private byte[] chunk = new byte[0];
        private int pos;
        private long offset;
        private boolean eof;
        private boolean closed;

        ChunkStream(long oid, String location) {
            this.oid = oid;
            this.location = location;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (closed) {
                throw new IOException("stream closed");
            }
            if (len == 0) {
                return 0;
            }
            if (pos == chunk.length) {
                if (eof || !fetch()) {
                    return -1;
                }
            }
            int n = Math.min(len, chunk.length - pos);
            System.arraycopy(chunk, pos, b, off, n);
            pos += n;
            return n;
        }

        private boolean fetch() throws IOException {
            RowSet<Row> rs = await(pool.preparedQuery("SELECT lo_get($1::bigint::oid, $2::bigint, $3::integer)")
                    .execute(Tuple.of(oid, offset, CHUNK)));
            Buffer data = rs.iterator().next().getBuffer(0);
            if (data == null) {
                throw new NoSuchFileException(location);
            }
            chunk = data.getBytes();
            pos = 0;
            offset += chunk.length;
            if (chunk.length < CHUNK) {
                eof = true;
            }
            return chunk.length > 0;
        }

        @Override
        public void close() {
            closed = true;
            chunk = new byte[0];
        }
    }
}
