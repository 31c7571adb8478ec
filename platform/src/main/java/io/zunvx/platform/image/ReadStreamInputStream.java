package io.zunvx.platform.image;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.ReadStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Objects;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A Vert.x {@link ReadStream} read as a blocking {@link InputStream}, for a virtual thread. Create it on the stream's
 * context (e.g. in the request handler); read it from another thread. Backpressure: the stream is paused while more
 * than {@link #HIGH_WATER} bytes wait and resumed once fewer than {@link #LOW_WATER} do, so memory stays bounded
 * however fast the sender is. A stream failure, or its end before {@code expectedLength} bytes when that is known,
 * surfaces as an {@link IOException} from {@code read}. {@link #close()} before the end drops further data and leaves
 * the stream paused: the owner decides whether to drain it or close the connection.
 */
public final class ReadStreamInputStream extends InputStream {
    /** Bytes queued above which the stream is paused. */
    public static final int HIGH_WATER = 4 << 20;
    /** Bytes queued below which a paused stream is resumed. */
    public static final int LOW_WATER = 1 << 20;

    private final ReadStream<Buffer> stream;
    private final Context context;
    private final long expectedLength;
    private final long idleNanos;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Buffer> queue = new ArrayDeque<>();
    private Buffer current;
    private int pos;
    private long queued;
    private long received;
    private long delivered;
    private boolean paused;
    private boolean ended;
    private boolean closed;
    private Throwable failure;

    /** Attaches to {@code stream} (on its context) and resumes it. */
    public ReadStreamInputStream(ReadStream<Buffer> stream) {
        this(stream, -1);
    }

    /** @param expectedLength bytes the stream must deliver (e.g. Content-Length), or -1 if unknown */
    public ReadStreamInputStream(ReadStream<Buffer> stream, long expectedLength) {
        this(stream, expectedLength, null);
    }

    /**
     * @param expectedLength bytes the stream must deliver (e.g. Content-Length), or -1 if unknown
     * @param idleTimeout    how long a read waits for the stream to send anything before it fails with {@link Idle}
     *                       ({@code null}: as long as it takes); time the reader itself spends elsewhere never counts
     */
    public ReadStreamInputStream(ReadStream<Buffer> stream, long expectedLength, Duration idleTimeout) {
        this.stream = stream;
        this.context = Vertx.currentContext();
        this.expectedLength = expectedLength;
        this.idleNanos = idleTimeout == null ? 0 : idleTimeout.toNanos();
        stream.exceptionHandler(this::failed);
        stream.endHandler(v -> ended());
        stream.handler(this::arrived);
        stream.resume();
    }

    /** Bytes the stream must deliver, or -1. */
    public long expectedLength() {
        return expectedLength;
    }

    /** Bytes received from the stream so far. */
    public long received() {
        lock.lock();
        try {
            return received;
        } finally {
            lock.unlock();
        }
    }

    private void arrived(Buffer b) {
        boolean pause = false;
        lock.lock();
        try {
            if (closed || ended || failure != null) {
                return;
            }
            received += b.length();
            if (b.length() == 0) {
                return;
            }
            queue.add(b);
            queued += b.length();
            if (!paused && queued > HIGH_WATER) {
                paused = true;
                pause = true;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (pause) {
            stream.pause();
        }
    }

    private void ended() {
        lock.lock();
        try {
            ended = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    private void failed(Throwable t) {
        lock.lock();
        try {
            if (failure == null && !ended) {
                failure = t;
            }
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
        Objects.checkFromIndexSize(off, len, b.length);
        if (len == 0) {
            return 0;
        }
        boolean resume = false;
        int n;
        lock.lock();
        try {
            while (true) {
                if (closed) {
                    throw new IOException("stream closed");
                }
                if (current != null && pos < current.length()) {
                    break;
                }
                current = queue.poll();
                pos = 0;
                if (current != null) {
                    continue;
                }
                if (failure != null) {
                    throw new IOException("upload failed after " + delivered + " bytes: " + message(failure),
                            failure);
                }
                if (ended) {
                    if (expectedLength >= 0 && delivered < expectedLength) {
                        throw new IOException("upload ended after " + delivered + " of " + expectedLength
                                + " bytes");
                    }
                    return -1;
                }
                try {
                    if (idleNanos <= 0) {
                        changed.await();
                    } else if (changed.awaitNanos(idleNanos) <= 0 && queue.isEmpty() && !ended
                            && failure == null && !closed) {
                        throw new Idle("no upload data arrived for " + Duration.ofNanos(idleNanos).toSeconds()
                                + " s after " + delivered + " bytes");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new InterruptedIOException("interrupted while waiting for upload data");
                }
            }
            n = Math.min(len, current.length() - pos);
            current.getBytes(pos, pos + n, b, off);
            pos += n;
            queued -= n;
            delivered += n;
            if (paused && queued < LOW_WATER) {
                paused = false;
                resume = true;
            }
        } finally {
            lock.unlock();
        }
        if (resume) {
            resumeStream();
        }
        return n;
    }

    @Override
    public int available() {
        lock.lock();
        try {
            return (int) Math.min(Integer.MAX_VALUE, queued);
        } finally {
            lock.unlock();
        }
    }

    /** Drops what is queued and, unless the stream already ended or failed, pauses it. */
    @Override
    public void close() {
        boolean pause;
        lock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            queue.clear();
            current = null;
            queued = 0;
            pause = !paused && !ended && failure == null;
            paused = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        if (pause) {
            onContext(stream::pause);
        }
    }

    private void resumeStream() {
        onContext(stream::resume);
    }

    private void onContext(Runnable action) {
        if (context == null || context == Vertx.currentContext()) {
            action.run();
        } else {
            context.runOnContext(v -> action.run());
        }
    }

    private static String message(Throwable t) {
        return t.getMessage() != null ? t.getMessage() : t.getClass().getSimpleName();
    }

    /** The stream sent nothing for longer than the idle timeout. */
    public static final class Idle extends IOException {
        public Idle(String message) {
            super(message);
        }
    }
}
