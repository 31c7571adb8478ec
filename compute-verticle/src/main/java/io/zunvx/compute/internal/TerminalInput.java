package io.zunvx.compute.internal;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A session's keystrokes on their way to the runtime: the WebSocket side {@link #offer}s frames, the runtime client's
 * thread reads them as a stream. {@link #offer} says when more than the high-water mark waits unread, so the WebSocket
 * can be paused; {@code onDrained} runs (on the reading thread) once the reader has caught up. {@link #close} ends the
 * stream: a blocked reader gets {@code -1}.
 */
final class TerminalInput extends InputStream {
    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private final AtomicLong pending = new AtomicLong();
    private final long highWater;
    private final Runnable onDrained;
    private volatile boolean closed;
    private byte[] current;
    private int position;

    TerminalInput(long highWater, Runnable onDrained) {
        this.highWater = highWater;
        this.onDrained = onDrained;
    }

    /** Queues bytes for the reader; {@code false} when the writer should pause until {@code onDrained}. */
    boolean offer(byte[] bytes) {
        if (closed || bytes.length == 0) {
            return true;
        }
        chunks.add(bytes);
        return pending.addAndGet(bytes.length) < highWater;
    }

    @Override
    public int read() throws IOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        if (length == 0) {
            return 0;
        }
        if (current == null || position == current.length) {
            try {
                current = chunks.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while waiting for terminal input");
            }
            position = 0;
            if (current == END) {
                // Later reads see the end too.
                chunks.add(END);
                current = null;
                return -1;
            }
        }
        int n = Math.min(length, current.length - position);
        System.arraycopy(current, position, buffer, offset, n);
        position += n;
        long before = pending.getAndAdd(-n);
        if (before >= highWater && before - n < highWater) {
            onDrained.run();
        }
        return n;
    }

    @Override
    public int available() {
        return current == null ? 0 : current.length - position;
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            chunks.add(END);
        }
    }
}
