package io.zunvx.platform.logs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class LogTailTest {
    @Test
    void aLogWithinTheCapComesBackWhole() {
        LogTail t = new LogTail(64);
        write(t, "one\ntwo\n");
        assertFalse(t.truncated());
        assertEquals("one\ntwo\n", t.text());
    }

    @Test
    void aLongerLogKeepsItsLastWholeLinesAfterTheMarker() {
        // GIVEN lines "line-0\n" .. "line-999\n" written in chunks of every size, against a 100-byte tail
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < 1000; i++) {
            all.append("line-").append(i).append('\n');
        }
        byte[] bytes = all.toString().getBytes(StandardCharsets.US_ASCII);
        Random r = new Random(7);
        for (int round = 0; round < 50; round++) {
            LogTail t = new LogTail(100);
            int off = 0;
            while (off < bytes.length) {
                int n = Math.min(bytes.length - off, 1 + r.nextInt(round % 2 == 0 ? 30 : 400));
                t.write(bytes, off, n);
                off += n;
            }
            // THEN the marker line, then whole lines ending with the last one, within the cap
            String text = t.text();
            assertTrue(t.truncated());
            assertTrue(text.startsWith(LogTail.MARKER_PREFIX), text);
            String kept = text.substring(text.indexOf('\n') + 1);
            assertTrue(kept.length() <= 100, kept);
            assertTrue(all.toString().endsWith(kept), kept);
            assertTrue(kept.startsWith("line-"), kept);
            assertTrue(kept.endsWith("line-999\n"), kept);
            long omitted = Long.parseLong(text.substring(LogTail.MARKER_PREFIX.length(), text.indexOf(' ',
                    LogTail.MARKER_PREFIX.length())));
            assertEquals(bytes.length - kept.length(), omitted);
        }
    }

    private static void write(LogTail t, String s) {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        t.write(b, 0, b.length);
    }
}
