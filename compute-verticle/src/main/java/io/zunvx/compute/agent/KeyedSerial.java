package io.zunvx.compute.agent;

import io.vertx.core.Future;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;

/**
 * Runs asynchronous tasks one after another per key (a container uuid), different keys concurrently. Commands and
 * Docker events about one container are applied in order, so a {@code die} event can never overtake the start that
 * caused it. Used only from the owning verticle's context.
 */
public final class KeyedSerial<K> {
    private final Map<K, Future<?>> tails = new HashMap<>();

    <T> Future<T> submit(K key, Supplier<Future<T>> task) {
        Future<?> tail = tails.get(key);
        Future<T> next = tail == null
                ? run(task)
                : tail.transform(ignored -> run(task));
        tails.put(key, next);
        next.onComplete(ar -> {
            if (tails.get(key) == next) {
                tails.remove(key);
            }
        });
        return next;
    }

    /** Whether work for {@code key} is queued or running. */
    boolean busy(K key) {
        return tails.containsKey(key);
    }

    int pending() {
        return tails.size();
    }

    private static <T> Future<T> run(Supplier<Future<T>> task) {
        try {
            return task.get();
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
    }
}
