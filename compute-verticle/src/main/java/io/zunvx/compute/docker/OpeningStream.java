package io.zunvx.compute.docker;

import com.github.dockerjava.api.async.ResultCallback;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.DriverException.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * A streaming callback that tells when the engine has opened the stream ({@link #onStart}), or why it could not,
 * so callers can wait for the stream before they rely on it.
 */
abstract class OpeningStream<T> extends ResultCallback.Adapter<T> {
    private static final Logger LOG = LoggerFactory.getLogger(OpeningStream.class);

    private final CountDownLatch opened = new CountDownLatch(1);
    protected volatile boolean shutdown;
    private volatile Throwable openFailure;

    @Override
    public void onStart(Closeable stream) {
        super.onStart(stream);
        opened.countDown();
        if (shutdown) {
            closeQuietly();
        }
    }

    /** Records a failure that came before the stream opened; false if it had opened already. */
    protected boolean failedToOpen(Throwable t) {
        if (opened.getCount() > 0) {
            openFailure = t;
            opened.countDown();
            return true;
        }
        return false;
    }

    /** Marks the end of a stream that completed normally (it had opened, or never will). */
    protected void markOpened() {
        opened.countDown();
    }

    void awaitOpen(Duration timeout, String what) {
        try {
            if (!opened.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                shutdown();
                throw new DriverException(Kind.UNAVAILABLE, "the Docker " + what + " did not open within "
                        + timeout);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            shutdown();
            throw new DriverException(Kind.OTHER, "interrupted while opening the Docker " + what, e);
        }
        Throwable failure = openFailure;
        if (failure != null) {
            shutdown();
            throw DockerErrors.translate(failure);
        }
    }

    abstract void shutdown();

    protected void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            // the connection is gone either way
            LOG.debug("closing a Docker stream", e);
        }
    }
}
