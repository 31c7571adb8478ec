package io.zunvx.platform.image;

import static io.zunvx.platform.db.TestWaits.DEADLINE;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import io.zunvx.platform.app.TestVertx;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A Vert.x stream read as a blocking InputStream: data in order, pause above the high-water mark and resume below the
 * low one, and failures or an early end surfacing from {@code read}.
 */
class ReadStreamInputStreamTest {
    private static final int MIB = 1 << 20;

    private Vertx vertx;
    private Context context;

    @BeforeEach
    void start() {
        vertx = TestVertx.create();
        context = vertx.getOrCreateContext();
    }

    @AfterEach
    void stop() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    @Test
    void dataArrivesInOrderAndTheEndIsMinusOne() throws Exception {
        // GIVEN a stream that sends 3 MiB of random data in odd-sized chunks, then ends
        byte[] data = random(3 * MIB + 17);
        Source source = new Source();
        ReadStreamInputStream in = onContext(() -> new ReadStreamInputStream(source, data.length));
        for (int off = 0; off < data.length; off += 70_001) {
            int len = Math.min(70_001, data.length - off);
            int o = off;
            context.runOnContext(v -> source.emit(Buffer.buffer().appendBytes(data, o, len)));
        }
        context.runOnContext(v -> source.end());

        // WHEN it is read from a blocking thread
        byte[] read = in.readAllBytes();

        // THEN every byte arrives in order, and the end reads as -1
        assertArrayEquals(data, read);
        assertEquals(-1, in.read());
        assertEquals(data.length, in.expectedLength());
        assertTrue(source.resumes.get() >= 1, "the stream was resumed when attached");
    }

    @Test
    void aFastSenderIsPausedAboveTheHighWaterMarkAndResumedBelowTheLowOne() throws Exception {
        // GIVEN a stream that offers 10 MiB as fast as it may (it stops sending while paused)
        byte[] data = random(10 * MIB);
        Source source = new Source();
        ReadStreamInputStream in = onContext(() -> new ReadStreamInputStream(source));
        AtomicInteger sent = new AtomicInteger();
        pump(source, data, sent);

        // WHEN nothing is read yet
        waitFor(source::isPaused, "paused");

        // THEN the stream is paused with a bit more than 4 MiB queued, not all 10
        int queued = sent.get();
        assertTrue(queued > ReadStreamInputStream.HIGH_WATER && queued <= ReadStreamInputStream.HIGH_WATER + 64 * 1024,
                "queued " + queued);
        assertEquals(queued, in.available());

        // AND reading until fewer than 1 MiB wait resumes it
        byte[] first = in.readNBytes(queued - ReadStreamInputStream.LOW_WATER + 1);
        waitFor(() -> source.resumes.get() >= 2, "resumed");

        // AND the rest arrives intact (whether the stream pauses again depends on who is faster: not asserted)
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        all.write(first);
        all.write(in.readAllBytes());
        assertArrayEquals(data, all.toByteArray());
    }

    @Test
    void aStreamFailureSurfacesFromReadAfterTheDataBeforeIt() throws Exception {
        // GIVEN a stream that sends 100 bytes, then fails
        Source source = new Source();
        ReadStreamInputStream in = onContext(() -> new ReadStreamInputStream(source));
        context.runOnContext(v -> {
            source.emit(Buffer.buffer(new byte[100]));
            source.fail(new IOException("Connection was closed"));
        });

        // WHEN it is read
        byte[] got = in.readNBytes(100);

        // THEN the data before the failure arrives, then read fails with the stream's reason
        assertEquals(100, got.length);
        IOException e = assertThrows(IOException.class, in::read);
        assertTrue(e.getMessage().contains("Connection was closed"), e.getMessage());
        assertTrue(e.getMessage().contains("after 100 bytes"), e.getMessage());
    }

    @Test
    void anEndBeforeTheExpectedLengthIsAnError() throws Exception {
        // GIVEN a stream that promises 1000 bytes but ends after 10
        Source source = new Source();
        ReadStreamInputStream in = onContext(() -> new ReadStreamInputStream(source, 1000));
        context.runOnContext(v -> {
            source.emit(Buffer.buffer(new byte[10]));
            source.end();
        });

        // WHEN it is read to the end THEN the early end is an IOException, not a short read
        IOException e = assertThrows(IOException.class, in::readAllBytes);
        assertTrue(e.getMessage().contains("10 of 1000"), e.getMessage());
    }

    @Test
    void aReaderBlockedOnAnIdleStreamWakesWhenDataComes() throws Exception {
        // GIVEN a reader waiting on a stream that has sent nothing yet
        Source source = new Source();
        ReadStreamInputStream in = onContext(() -> new ReadStreamInputStream(source));
        CompletableFuture<Integer> read = new CompletableFuture<>();
        Thread reader = Thread.ofPlatform().name("blocked-reader").start(() -> {
            try {
                read.complete(in.read());
            } catch (IOException e) {
                read.completeExceptionally(e);
            }
        });
        waitFor(() -> reader.getState() == Thread.State.WAITING || reader.getState() == Thread.State.TIMED_WAITING,
                "the reader blocked");
        assertFalse(read.isDone(), "read waits for data");

        // WHEN one byte arrives THEN the reader gets it
        context.runOnContext(v -> source.emit(Buffer.buffer(new byte[] {42})));
        assertEquals(42, read.get(DEADLINE.toSeconds(), TimeUnit.SECONDS));
    }

    @Test
    void closingBeforeTheEndDropsTheQueueAndPausesTheStream() throws Exception {
        // GIVEN a stream that has sent some data
        Source source = new Source();
        ReadStreamInputStream in = onContext(() -> new ReadStreamInputStream(source));
        context.runOnContext(v -> source.emit(Buffer.buffer(new byte[1000])));
        waitFor(() -> in.available() == 1000, "data queued");

        // WHEN the reader closes early (e.g. the upload was too large)
        in.close();

        // THEN the stream is paused, later data is dropped, and reads fail
        waitFor(source::isPaused, "paused");
        onContext(() -> {
            source.emit(Buffer.buffer(new byte[1000]));
            return null;
        });
        assertEquals(0, in.available(), "data emitted after the close is dropped");
        assertThrows(IOException.class, in::read);
    }

    /** Sends {@code data} in 16 KiB chunks while the source is not paused, continuing whenever it resumes. */
    private void pump(Source source, byte[] data, AtomicInteger sent) {
        source.onResume = () -> context.runOnContext(v -> pump(source, data, sent));
        context.runOnContext(v -> {
            while (!source.isPaused() && sent.get() < data.length) {
                int len = Math.min(16 * 1024, data.length - sent.get());
                int off = sent.getAndAdd(len);
                source.emit(Buffer.buffer().appendBytes(data, off, len));
            }
            if (sent.get() >= data.length && !source.ended) {
                source.end();
            }
        });
    }

    private <T> T onContext(Supplier<T> make) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        context.runOnContext(v -> f.complete(make.get()));
        return f.get(DEADLINE.toSeconds(), TimeUnit.SECONDS);
    }

    private static void waitFor(BooleanSupplier condition, String what) {
        io.zunvx.platform.db.TestWaits.eventually(what, condition);
    }

    private static byte[] random(int n) {
        byte[] b = new byte[n];
        new Random(n).nextBytes(b);
        return b;
    }

    /** A ReadStream driven by the test on one context; counts pauses and resumes. */
    private static final class Source implements ReadStream<Buffer> {
        final AtomicInteger pauses = new AtomicInteger();
        final AtomicInteger resumes = new AtomicInteger();
        private final AtomicBoolean paused = new AtomicBoolean(true);
        volatile Runnable onResume = () -> { };
        volatile boolean ended;
        private Handler<Buffer> handler;
        private Handler<Void> endHandler;
        private Handler<Throwable> exceptionHandler;

        boolean isPaused() {
            return paused.get();
        }

        void emit(Buffer b) {
            handler.handle(b);
        }

        void end() {
            ended = true;
            endHandler.handle(null);
        }

        void fail(Throwable t) {
            exceptionHandler.handle(t);
        }

        @Override
        public ReadStream<Buffer> exceptionHandler(Handler<Throwable> h) {
            exceptionHandler = h;
            return this;
        }

        @Override
        public ReadStream<Buffer> handler(Handler<Buffer> h) {
            handler = h;
            return this;
        }

        @Override
        public ReadStream<Buffer> pause() {
            if (paused.compareAndSet(false, true)) {
                pauses.incrementAndGet();
            }
            return this;
        }

        @Override
        public ReadStream<Buffer> resume() {
            if (paused.compareAndSet(true, false)) {
                resumes.incrementAndGet();
                onResume.run();
            }
            return this;
        }

        @Override
        public ReadStream<Buffer> fetch(long amount) {
            return resume();
        }

        @Override
        public ReadStream<Buffer> endHandler(Handler<Void> h) {
            endHandler = h;
            return this;
        }
    }
}
