package io.zunvx.compute.driver;

import java.util.Objects;

/**
 * A container runtime refused or failed an operation.
 *
 * <p>The {@link Kind} says what went wrong in runtime-neutral terms, so callers can decide without knowing the runtime:
 * {@link Kind#NOT_FOUND} and {@link Kind#CONFLICT} usually mean the desired state must be re-read, {@link Kind#BAD_REQUEST}
 * that the spec cannot work as given, and {@link #retryable()} that trying the same call again later may succeed.
 */
public final class DriverException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    /** What kind of failure this is. */
    public enum Kind {
        /** The container, image or network does not exist. */
        NOT_FOUND,
        /** The object is in a state that does not allow the operation, or a name is taken. */
        CONFLICT,
        /** The runtime rejected the request as invalid. */
        BAD_REQUEST,
        /** The runtime could not be reached or did not answer in time. */
        UNAVAILABLE,
        /** The operation was still running when the time allowed for it ran out; it may go on in the runtime. */
        TIMEOUT,
        /** Anything else, including failures inside the runtime. */
        OTHER
    }

    private final Kind kind;
    private final boolean retryable;

    /** A failure that is retryable exactly when its kind is {@link Kind#UNAVAILABLE}. */
    public DriverException(Kind kind, String message) {
        this(kind, message, null);
    }

    /** A failure that is retryable exactly when its kind is {@link Kind#UNAVAILABLE}. */
    public DriverException(Kind kind, String message, Throwable cause) {
        this(kind, message, kind == Kind.UNAVAILABLE, cause);
    }

    /** A failure whose retryability is given explicitly. */
    public DriverException(Kind kind, String message, boolean retryable, Throwable cause) {
        super(message, cause);
        this.kind = Objects.requireNonNull(kind, "kind");
        this.retryable = retryable;
    }

    /** What kind of failure this is. */
    public Kind kind() {
        return kind;
    }

    /** Whether the same call may succeed if tried again later without changing anything. */
    public boolean retryable() {
        return retryable;
    }
}
