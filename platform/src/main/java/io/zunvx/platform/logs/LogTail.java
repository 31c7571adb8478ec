package io.zunvx.platform.logs;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.streams.WriteStream;
import java.nio.charset.StandardCharsets;

/**
 * The end of a container's log, at most {@code maxBytes} of it, however much is written: a ring buffer of that size
 * that the log streams through, so memory stays bounded whatever the log's length. When more was written than it
 * holds, {@link #text()} starts with {@link #MARKER_PREFIX} (a line saying how many bytes were left out), then the
 * kept bytes from their first whole line on.
 *
 * <p>Not thread-safe: one writer, then one reader.
 */
public final class LogTail implements WriteStream<Buffer> {
    /** How the line that marks a truncated log begins. */
    public static final String MARKER_PREFIX = "[zunvx: log truncated: ";
    /** Room the marker line takes at most (a relay that re-caps an already capped log allows for it). */
    public static final int MARKER_ROOM = 256;

    private final byte[] ring;
    private long written;

    public LogTail(long maxBytes) {
        if (maxBytes < 1 || maxBytes > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("maxBytes out of range: " + maxBytes);
        }
        this.ring = new byte[(int) maxBytes];
    }

    /** Appends bytes; only the last {@code maxBytes} are kept. */
    public void write(byte[] b, int off, int len) {
        int cap = ring.length;
        if (len >= cap) {
            // Only the chunk's last cap bytes stay; the byte at stream position k lives at ring[k % cap].
            written += len;
            int start = (int) (written % cap);
            int src = off + len - cap;
            System.arraycopy(b, src, ring, start, cap - start);
            System.arraycopy(b, src + cap - start, ring, 0, start);
            return;
        }
        int pos = (int) (written % cap);
        int first = Math.min(len, cap - pos);
        System.arraycopy(b, off, ring, pos, first);
        if (first < len) {
            System.arraycopy(b, off + first, ring, 0, len - first);
        }
        written += len;
    }

    /** All bytes written so far. */
    public long written() {
        return written;
    }

    /** Whether more was written than is kept. */
    public boolean truncated() {
        return written > ring.length;
    }

    /** The kept end of the log, after the marker line if bytes were left out. */
    public String text() {
        int cap = ring.length;
        if (written <= cap) {
            return new String(ring, 0, (int) written, StandardCharsets.UTF_8);
        }
        int start = (int) (written % cap);
        byte[] ordered = new byte[cap];
        System.arraycopy(ring, start, ordered, 0, cap - start);
        System.arraycopy(ring, 0, ordered, cap - start, start);
        // Start at a whole line when there is one, so no line (or UTF-8 sequence) shows cut in two.
        int from = 0;
        for (int i = 0; i < cap - 1; i++) {
            if (ordered[i] == '\n') {
                from = i + 1;
                break;
            }
        }
        long omitted = written - (cap - from);
        return MARKER_PREFIX + omitted + " earlier bytes left out; a logs answer holds at most " + cap
                + " bytes (ZUNVX_LOGS_MAX_BYTES)]\n" + new String(ordered, from, cap - from, StandardCharsets.UTF_8);
    }

    // ---- WriteStream, to pipe an HTTP body through -----------------------------------------------------------------

    @Override
    public WriteStream<Buffer> exceptionHandler(Handler<Throwable> handler) {
        return this;
    }

    @Override
    public Future<Void> write(Buffer data) {
        byte[] b = data.getBytes();
        write(b, 0, b.length);
        return Future.succeededFuture();
    }

    @Override
    public Future<Void> end() {
        return Future.succeededFuture();
    }

    @Override
    public WriteStream<Buffer> setWriteQueueMaxSize(int maxSize) {
        return this;
    }

    @Override
    public boolean writeQueueFull() {
        return false;
    }

    @Override
    public WriteStream<Buffer> drainHandler(Handler<Void> handler) {
        return this;
    }
}
