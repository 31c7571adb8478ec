package io.zunvx.platform.concurrent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;

/**
 * Runs blocking work (Docker calls, JDBC migrations, password hashing) on virtual threads, bounded by a semaphore,
 * and completes the returned Future back on the caller's Vert.x context so handlers never run on a foreign thread.
 */
public final class Blocking implements AutoCloseable {
    private final ExecutorService executor;
    private final Semaphore permits;

    /** @param name thread-name prefix; @param maxConcurrent how many blocking calls may run at once */
    public Blocking(String name, int maxConcurrent) {
        this.executor = Executors.newThreadPerTaskExecutor(Thread.ofVirtual().name(name + "-", 0).factory());
        this.permits = new Semaphore(maxConcurrent);
    }

    /** Runs {@code task} off the event loop; the Future completes on {@code context}. */
    public <T> Future<T> run(Context context, Callable<T> task) {
        Promise<T> promise = Promise.promise();
        try {
            executor.execute(() -> {
                try {
                    permits.acquire();
                    try {
                        T value = task.call();
                        context.runOnContext(v -> promise.complete(value));
                    } finally {
                        permits.release();
                    }
                } catch (Throwable t) {
                    context.runOnContext(v -> promise.fail(t));
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException e) {
            promise.fail(e);
        }
        return promise.future();
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
