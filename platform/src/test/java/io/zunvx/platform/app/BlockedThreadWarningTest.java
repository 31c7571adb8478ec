package io.zunvx.platform.app;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import io.vertx.core.internal.threadchecker.BlockedThreadEvent;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The blocked-thread check the tests rely on is active: an event loop held past the limit is reported. */
@Timeout(60)
class BlockedThreadWarningTest {
    private Vertx vertx;

    @BeforeEach
    void start() {
        vertx = TestVertx.create();
    }

    @AfterEach
    void stop() {
        vertx.close().await();
    }

    @Test
    void anEventLoopHeldPastTheLimitIsReported() throws Exception {
        // GIVEN the test Vert.x, whose checker reports to us instead of (only) to the log
        BlockingQueue<BlockedThreadEvent> reports = new LinkedBlockingQueue<>();
        ((VertxInternal) vertx).blockedThreadChecker().setThreadBlockedHandler(reports::add);
        AtomicBoolean release = new AtomicBoolean();
        CompletableFuture<Thread> loop = new CompletableFuture<>();

        // WHEN a handler holds its event loop until the checker has spoken
        vertx.runOnContext(v -> {
            loop.complete(Thread.currentThread());
            while (!release.get()) {
                Thread.onSpinWait();
            }
        });
        BlockedThreadEvent report;
        try {
            report = reports.poll(30, TimeUnit.SECONDS);
        } finally {
            release.set(true);
        }

        // THEN the event loop thread was reported, measured against the low limit set in code
        assertTrue(report != null, "no blocked-thread report within 30 s");
        assertSame(loop.get(10, TimeUnit.SECONDS), report.thread());
        assertEquals(TimeUnit.MILLISECONDS.toNanos(TestVertx.MAX_EVENT_LOOP_MILLIS), report.maxExecTime());
        assertTrue(report.duration() > report.maxExecTime(), report.toString());
    }
}
