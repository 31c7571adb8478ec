package io.zunvx.compute.docker;

import com.github.dockerjava.api.async.ResultCallback;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.DriverException.Kind;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * A callback for a finite stream that reports failures through {@link #await()} instead of logging them, as
 * docker-java's adapter does even for an expected 404.
 */
abstract class Collecting<T> extends ResultCallback.Adapter<T> {
    private static final Logger LOG = LoggerFactory.getLogger(Collecting.class);

    private volatile Throwable failure;

    @Override
    public void onError(Throwable t) {
        failure = t;
        try {
            close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing a Docker stream", e);
        }
    }

    /** Runs on the caller's thread once the stream completed without an error. */
    void afterCompletion() {
    }

    /**
     * Like {@link #await()}, but gives up after {@code timeout}, closing the stream.
     *
     * @return whether the stream completed in time
     */
    final boolean await(Duration timeout) {
        boolean done;
        try {
            done = awaitCompletion(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            closeQuietly();
            throw new DriverException(Kind.OTHER, "interrupted while waiting for Docker", e);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        if (!done) {
            closeQuietly();
            return false;
        }
        if (failure != null) {
            throw DockerErrors.translate(failure);
        }
        afterCompletion();
        return true;
    }

    private void closeQuietly() {
        try {
            close();
        } catch (IOException | RuntimeException e) {
            LOG.debug("closing a Docker stream", e);
        }
    }

    final void await() {
        try {
            awaitCompletion();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            try {
                close();
            } catch (IOException | RuntimeException ignored) {
                // the interruption is what the caller needs to hear about
            }
            throw new DriverException(Kind.OTHER, "interrupted while waiting for Docker", e);
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        if (failure != null) {
            throw DockerErrors.translate(failure);
        }
        afterCompletion();
    }
}
