package io.zunvx.platform.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.NoSuchFileException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * What every blob store must do, run against each real backend: streamed round trips with digests, the size limit
 * enforced while streaming, and nothing left behind by a failed write. Calls run on virtual threads, as in service.
 */
abstract class BlobStoreContract {
    static final int MIB = 1 << 20;

    /** The store under test. */
    abstract BlobStore store();

    /** How many blobs (complete or partial) the backend holds now. */
    abstract long leftovers() throws Exception;

    @Test
    void aMultiMebibyteStreamRoundTripsWithItsDigests() throws Exception {
        // GIVEN 5 MiB and a bit of random data, delivered in odd-sized reads
        byte[] data = random(5 * MIB + 123);
        long before = leftovers();

        // WHEN it is written
        BlobStore.Written w = call(() -> store().write("img-" + System.nanoTime(), new Trickle(data, 70_001, -1),
                10L * MIB));

        // THEN size and digests are the data's, and one blob more exists
        assertEquals(data.length, w.size());
        assertEquals(hex("MD5", data), w.md5Hex());
        assertEquals(hex("SHA-256", data), w.sha256Hex());
        assertEquals(before + 1, leftovers());

        // AND reading it back gives the same bytes
        byte[] back = call(() -> {
            try (InputStream in = store().open(w.location())) {
                return in.readAllBytes();
            }
        });
        assertArrayEquals(data, back);

        // AND once deleted it is gone, and deleting again is no error
        call(() -> {
            store().delete(w.location());
            store().delete(w.location());
            return null;
        });
        assertEquals(before, leftovers());
        assertInstanceOf(NoSuchFileException.class, failure(() -> store().open(w.location())));
    }

    @Test
    void anEmptyStreamMakesAnEmptyBlob() throws Exception {
        BlobStore.Written w = call(() -> store().write("empty", InputStream.nullInputStream(), 10));

        assertEquals(0, w.size());
        assertEquals("d41d8cd98f00b204e9800998ecf8427e", w.md5Hex());
        assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", w.sha256Hex());
        assertEquals(0, call(() -> {
            try (InputStream in = store().open(w.location())) {
                return in.readAllBytes().length;
            }
        }));
        call(() -> {
            store().delete(w.location());
            return null;
        });
    }

    @Test
    void dataExactlyAtTheLimitIsAccepted() throws Exception {
        byte[] data = random(2 * MIB);

        BlobStore.Written w = call(() -> store().write("exact", new Trickle(data, MIB, -1), data.length));

        assertEquals(data.length, w.size());
        call(() -> {
            store().delete(w.location());
            return null;
        });
    }

    @Test
    void moreThanTheLimitFailsAsSoonAsItIsPassedAndLeavesNothing() throws Exception {
        // GIVEN a stream of 50 MiB and a limit of 2 MiB
        long before = leftovers();
        byte[] data = random(50 * MIB);
        Trickle in = new Trickle(data, 64 * 1024, -1);

        // WHEN it is written
        Throwable t = failure(() -> store().write("big", in, 2L * MIB));

        // THEN it is refused as too large, having read at most one chunk past the limit, and nothing is kept
        assertInstanceOf(BlobStore.TooLarge.class, t);
        assertEquals(2L * MIB, ((BlobStore.TooLarge) t).maxBytes());
        assertTrue(in.delivered <= 3L * MIB, "read " + in.delivered + " bytes");
        assertEquals(before, leftovers());
    }

    @Test
    void aStreamFailingMidWayLeavesNothing() throws Exception {
        // GIVEN a stream that fails after 3 MiB
        long before = leftovers();
        Trickle in = new Trickle(random(8 * MIB), 100_000, 3 * MIB);

        // WHEN it is written
        Throwable t = failure(() -> store().write("broken", in, 100L * MIB));

        // THEN the stream's failure comes out, and no blob, partial or whole, is left
        assertInstanceOf(IOException.class, t);
        assertTrue(t.getMessage().contains("connection reset by test"), t.getMessage());
        assertEquals(before, leftovers());
    }

    @Test
    void unknownLocationsAreMissingAndDeletingThemIsNoError() throws Exception {
        for (String location : new String[] {"nowhere", "file:../../etc/passwd", "file:", "pg-lo:abc",
                "pg-lo:4294967295", "file:.tmp-x"}) {
            assertInstanceOf(NoSuchFileException.class, failure(() -> store().open(location)), location);
        }
    }

    static <T> T call(Callable<T> task) throws Exception {
        try (var executor = Executors.newVirtualThreadPerTaskExecutor()) {
            Future<T> f = executor.submit(task);
            try {
                return f.get(60, TimeUnit.SECONDS);
            } catch (ExecutionException e) {
                if (e.getCause() instanceof Exception ex) {
                    throw ex;
                }
                throw e;
            }
        }
    }

    static Throwable failure(Callable<?> task) {
        return assertThrows(Exception.class, () -> call(task));
    }

    static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    static String hex(String algorithm, byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance(algorithm).digest(data));
    }

    /** Gives {@code data} at most {@code step} bytes per read; fails once {@code failAt} bytes were given. */
    static final class Trickle extends InputStream {
        private final byte[] data;
        private final int step;
        private final long failAt;
        volatile long delivered;

        Trickle(byte[] data, int step, long failAt) {
            this.data = data;
            this.step = step;
            this.failAt = failAt;
        }

        @Override
        public int read() throws IOException {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            if (failAt >= 0 && delivered >= failAt) {
                throw new IOException("connection reset by test");
            }
            if (delivered >= data.length) {
                return -1;
            }
            int n = (int) Math.min(Math.min(len, step), data.length - delivered);
            System.arraycopy(data, (int) delivered, b, off, n);
            delivered += n;
            return n;
        }
    }
}
