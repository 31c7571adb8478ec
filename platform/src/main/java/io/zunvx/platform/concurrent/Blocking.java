package io.zunvx.platform.concurrent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;

/**
 * The one way blocking work (Docker calls, JDBC migrations, password hashing, a Kafka client's constructor) leaves
 * the event loop: it runs on virtual threads, and the returned Future completes back on the caller's Vert.x context
 * so handlers never run on a foreign thread. An instance bounds how many of its calls run at once; {@link #once}
 * is for a rare call that needs no bound.
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
                        call(context, task, promise);
                    } finally {
                        permits.release();
                    }
                } catch (InterruptedException e) {
                    context.runOnContext(v -> promise.fail(e));
                }
            });
        } catch (RejectedExecutionException e) {
            promise.fail(e);
        }
        return promise.future();
    }

    /**
     * Runs one rare blocking call (such as a client's constructor, which resolves host names) on a virtual thread
     * named {@code name}; the Future completes on {@code context}.
     */
    public static <T> Future<T> once(Context context, String name, Callable<T> task) {
        Promise<T> promise = Promise.promise();
        Thread.ofVirtual().name(name).start(() -> call(context, task, promise));
        return promise.future();
    }

    private static <T> void call(Context context, Callable<T> task, Promise<T> promise) {
        try {
            T value = task.call();
            context.runOnContext(v -> promise.complete(value));
        } catch (Throwable t) {
            context.runOnContext(v -> promise.fail(t));
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}
