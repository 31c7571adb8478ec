package io.zunvx.platform.error;

import io.zunvx.model.Operation;
import io.zunvx.model.Status;

/**
 * The one failure type of the API: an HTTP status, Zun's error code (the kebab-case exception name, rendered as
 * {@code container.<code>}) and a message that becomes both {@code title} and {@code detail}. Rendered once, by
 * {@link ErrorRendering}.
 */
public class ZunException extends RuntimeException {
    private final int status;
    private final String code;
    private final boolean retryable;

    public ZunException(int status, String code, String message) {
        this(status, code, message, false, null);
    }

    public ZunException(int status, String code, String message, boolean retryable, Throwable cause) {
        super(message, cause, false, false);
        this.status = status;
        this.code = code;
        this.retryable = retryable;
    }

    public int status() {
        return status;
    }

    /** Zun's code without the {@code container.} prefix, e.g. {@code container-not-found}. */
    public String code() {
        return code;
    }

    /** The error body's {@code title}; the message unless a subclass says otherwise. */
    public String title() {
        return getMessage();
    }

    /** The error body's {@code detail}; the message unless a subclass says otherwise. */
    public String detail() {
        return getMessage();
    }

    /** Whether trying the same request again may succeed. */
    public boolean retryable() {
        return retryable;
    }

    public static ZunException invalid(String message) {
        return new ZunException(400, "invalid-value", message);
    }

    public static ZunException schema(String message) {
        return new ZunException(400, "schema-validation-error", message);
    }

    public static ZunException invalidParamInVersion(String param, String requested, String since) {
        return new ZunException(400, "invalid-param-in-version", "Invalid param " + param
                + " because current request version is " + requested + ". " + param + " is only supported from version "
                + since);
    }

    public static ZunException containerNotFound(String ident) {
        return new ZunException(404, "container-not-found", "Container " + ident + " could not be found.");
    }

    public static ZunException notFound(String code, String message) {
        return new ZunException(404, code, message);
    }

    public static ZunException invalidState(Operation op, String uuid, Status status) {
        return new ZunException(409, "invalid-state-exception", op.refusal(uuid, status));
    }

    public static ZunException conflict(String message) {
        return new ZunException(409, "conflict", message);
    }

    public static ZunException forbidden(String rule) {
        return new ZunException(403, "policy-not-authorized", "Policy doesn't allow " + rule + " to be performed.");
    }

    public static ZunException unsupportedMediaType(String message) {
        return new ZunException(415, "", message);
    }

    public static ZunException unavailable(String message, Throwable cause) {
        return new ZunException(503, "", message, true, cause);
    }
}
