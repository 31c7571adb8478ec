package io.zunvx.api.volume;

import io.vertx.core.json.JsonObject;

/**
 * A failure under {@code /volume}, rendered as Cinder renders faults: {@code {"<kind>": {"message": ..., "code": N}}}
 * with the kind Cinder uses for the status ({@code badRequest}, {@code itemNotFound}, {@code overLimit}, ...).
 */
public final class CinderException extends RuntimeException {
    private final int status;

    public CinderException(int status, String message) {
        super(message, null, false, false);
        this.status = status;
    }

    public int status() {
        return status;
    }

    /** The response body. */
    public JsonObject body() {
        return body(status, getMessage());
    }

    static JsonObject body(int status, String message) {
        String kind = switch (status) {
            case 400 -> "badRequest";
            case 401 -> "unauthorized";
            case 403 -> "forbidden";
            case 404 -> "itemNotFound";
            case 405 -> "badMethod";
            case 409 -> "conflictingRequest";
            case 413 -> "overLimit";
            case 415 -> "badMediaType";
            case 501 -> "notImplemented";
            default -> status >= 500 ? "computeFault" : "badRequest";
        };
        return new JsonObject().put(kind, new JsonObject().put("message", message).put("code", status));
    }

    static CinderException badRequest(String message) {
        return new CinderException(400, message);
    }

    static CinderException notFound(String id) {
        return new CinderException(404, "Volume " + id + " could not be found.");
    }
}
