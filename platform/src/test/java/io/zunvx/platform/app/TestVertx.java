package io.zunvx.platform.app;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import java.util.concurrent.TimeUnit;

/**
 * The Vert.x that tests run: an event loop held for more than {@link #MAX_EVENT_LOOP_MILLIS} ms is reported at once
 * (checked every {@link #CHECK_INTERVAL_MILLIS} ms) with the blocked thread's stack, so a blocking call that slipped
 * onto an event loop shows in the test's log instead of passing unnoticed. Production keeps Vert.x's defaults.
 */
public final class TestVertx {
    public static final long MAX_EVENT_LOOP_MILLIS = 500;
    public static final long CHECK_INTERVAL_MILLIS = 200;

    private TestVertx() {
    }

    /** Vert.x options with the low blocked-thread warning time. */
    public static VertxOptions options() {
        return new VertxOptions()
                .setBlockedThreadCheckInterval(CHECK_INTERVAL_MILLIS)
                .setBlockedThreadCheckIntervalUnit(TimeUnit.MILLISECONDS)
                .setMaxEventLoopExecuteTime(MAX_EVENT_LOOP_MILLIS)
                .setMaxEventLoopExecuteTimeUnit(TimeUnit.MILLISECONDS)
                .setWarningExceptionTime(MAX_EVENT_LOOP_MILLIS)
                .setWarningExceptionTimeUnit(TimeUnit.MILLISECONDS);
    }

    /** A Vert.x instance with {@link #options()}; the caller closes it. */
    public static Vertx create() {
        return Vertx.vertx(options());
    }
}
