package io.zunvx.compute.docker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.DriverException.Kind;
import io.zunvx.platform.db.TestWaits;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** De-duplication of image transfers, with threads and latches: no engine. */
@Timeout(30)
class PullCoordinatorTest {
    private static final Duration WAIT = Duration.ofSeconds(20);

    private final PullCoordinator coordinator = new PullCoordinator();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void stop() {
        threads.shutdownNow();
    }

    /** Starts a transfer of {@code key} that runs until {@code release} opens; returns once it runs. */
    private Future<?> leader(String key, CountDownLatch release, AtomicInteger runs, RuntimeException failure)
            throws InterruptedException {
        CountDownLatch running = new CountDownLatch(1);
        Future<?> f = threads.submit(() -> coordinator.shared(key, () -> {
            runs.incrementAndGet();
            running.countDown();
            await(release);
            if (failure != null) {
                throw failure;
            }
        }));
        assertTrue(running.await(WAIT.toSeconds(), TimeUnit.SECONDS), "the first transfer did not start");
        return f;
    }

    /** A second caller for {@code key}, once it waits for the running transfer. */
    private Future<?> follower(String key, AtomicInteger runs) {
        Thread[] self = new Thread[1];
        CountDownLatch started = new CountDownLatch(1);
        Future<?> f = threads.submit(() -> {
            self[0] = Thread.currentThread();
            started.countDown();
            coordinator.shared(key, runs::incrementAndGet);
        });
        awaitWaiting(started, self);
        return f;
    }

    private static void awaitWaiting(CountDownLatch started, Thread[] thread) {
        await(started);
        TestWaits.eventually("the second caller to wait for the first", () ->
                thread[0].getState() == Thread.State.WAITING || thread[0].getState() == Thread.State.TIMED_WAITING);
    }

    private static void await(CountDownLatch latch) {
        try {
            if (!latch.await(WAIT.toSeconds(), TimeUnit.SECONDS)) {
                throw new AssertionError("latch not released in time");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    @Test
    void concurrentCallsForOneKeyShareOneTransfer() throws Exception {
        // GIVEN a transfer of busybox running
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        Future<?> first = leader("busybox:latest ", release, runs, null);
        // WHEN a second caller asks for the same image while it runs
        Future<?> second = follower("busybox:latest ", runs);
        release.countDown();
        first.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        second.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        // THEN one transfer served both, and the key is free again
        assertEquals(1, runs.get());
        assertFalse(coordinator.running("busybox:latest "));
        coordinator.shared("busybox:latest ", runs::incrementAndGet);
        assertEquals(2, runs.get(), "a later call transfers again");
    }

    @Test
    void aFailedTransferFailsEveryCallerThatSharedIt() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        DriverException refusal = new DriverException(Kind.NOT_FOUND, "manifest unknown");
        Future<?> first = leader("app:v1 ", release, runs, refusal);
        Future<?> second = follower("app:v1 ", runs);
        release.countDown();
        ExecutionException a = assertThrows(ExecutionException.class, () -> first.get(WAIT.toSeconds(),
                TimeUnit.SECONDS));
        ExecutionException b = assertThrows(ExecutionException.class, () -> second.get(WAIT.toSeconds(),
                TimeUnit.SECONDS));
        assertSame(refusal, a.getCause());
        assertSame(refusal, b.getCause());
        assertEquals(1, runs.get());
    }

    @Test
    void differentKeysDoNotWaitForEachOther() throws Exception {
        // GIVEN an anonymous pull of an image running
        CountDownLatch release = new CountDownLatch(1);
        AtomicInteger runs = new AtomicInteger();
        Future<?> anonymous = leader("app:v1 ", release, runs, null);
        // WHEN the same image is pulled with credentials THEN it runs on its own, at once
        AtomicInteger withCredentials = new AtomicInteger();
        coordinator.shared("app:v1 alice@registry", withCredentials::incrementAndGet);
        assertEquals(1, withCredentials.get());
        assertTrue(coordinator.running("app:v1 "));
        release.countDown();
        anonymous.get(WAIT.toSeconds(), TimeUnit.SECONDS);
    }
}
