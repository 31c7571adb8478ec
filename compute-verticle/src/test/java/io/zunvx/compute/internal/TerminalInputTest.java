package io.zunvx.compute.internal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The keystroke queue between a WebSocket and the runtime's stdin reader: order, back-pressure and its end. */
class TerminalInputTest {

    @Test
    void bytesComeOutInOrderAcrossChunks() throws Exception {
        TerminalInput in = new TerminalInput(1024, () -> { });
        in.offer("ab".getBytes());
        in.offer("cde".getBytes());
        byte[] buf = new byte[4];
        assertEquals(2, in.read(buf, 0, 4));
        assertEquals(2, in.read(buf, 2, 2));
        assertEquals('e', in.read());
        assertArrayEquals("abcd".getBytes(), buf);
    }

    @Test
    void saysWhenToPauseAndCallsBackOnceDrained() throws Exception {
        AtomicInteger drained = new AtomicInteger();
        TerminalInput in = new TerminalInput(4, drained::incrementAndGet);
        assertTrue(in.offer("ab".getBytes()));
        assertFalse(in.offer("cd".getBytes()));
        in.read(new byte[1], 0, 1);
        assertEquals(1, drained.get());
        in.read(new byte[8], 0, 8);
        assertEquals(1, drained.get());
    }

    @Test
    void closingEndsABlockedReaderAndLaterReads() throws Exception {
        TerminalInput in = new TerminalInput(1024, () -> { });
        java.util.concurrent.atomic.AtomicInteger got = new java.util.concurrent.atomic.AtomicInteger(99);
        Thread reader = Thread.ofPlatform().start(() -> {
            try {
                got.set(in.read(new byte[4], 0, 4));
            } catch (java.io.IOException e) {
                got.set(-99);
            }
        });
        // WHEN the reader is blocked waiting for input (polled with a deadline) THEN closing ends it
        long deadline = System.nanoTime() + java.time.Duration.ofSeconds(60).toNanos();
        while (reader.getState() != Thread.State.WAITING && reader.getState() != Thread.State.TIMED_WAITING
                && System.nanoTime() < deadline) {
            Thread.onSpinWait();
        }
        in.close();
        reader.join(java.time.Duration.ofSeconds(60));
        assertEquals(-1, got.get());
        assertEquals(-1, in.read());
        assertTrue(in.offer("late".getBytes()), "bytes after the end are dropped, never pause anything");
    }
}
