package io.zunvx.compute.docker;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;

/**
 * De-duplicates image transfers: concurrent calls for one key (an image reference and the principal pulling it, or the
 * id of an image being loaded) share a single transfer and its outcome. The first caller runs the work on its own
 * thread; the others wait for it and return, or fail, as it did. A key is free again as soon as its transfer ends, so a
 * later call transfers again.
 *
 * <p>Thread-safe. Failures come out as {@link io.zunvx.compute.driver.DriverException}s, translated once by the caller
 * that ran the work and shared as they are.
 */
final class PullCoordinator {
    private final ConcurrentMap<String, CompletableFuture<Void>> inFlight = new ConcurrentHashMap<>();

    /**
     * Runs {@code work} unless a call with the same key is running already, in which case it waits for that one and
     * shares its outcome.
     */
    void shared(String key, Runnable work) {
        CompletableFuture<Void> mine = new CompletableFuture<>();
        CompletableFuture<Void> running = inFlight.putIfAbsent(key, mine);
        if (running != null) {
            try {
                running.join();
                return;
            } catch (CompletionException e) {
                throw DockerErrors.translate(e.getCause() == null ? e : e.getCause());
            }
        }
        try {
            work.run();
            mine.complete(null);
        } catch (RuntimeException e) {
            var failure = DockerErrors.translate(e);
            mine.completeExceptionally(failure);
            throw failure;
        } finally {
            inFlight.remove(key, mine);
        }
    }

    /** Whether a transfer for {@code key} is running now. */
    boolean running(String key) {
        return inFlight.containsKey(key);
    }
}
