package io.zunvx.api.image;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.json.JsonObject;

/**
 * A failure of the image store's Glance routes, rendered as Glance (webob) renders errors for JSON clients:
 * {@code {"message": ..., "code": "404 Not Found", "title": "Not Found"}}.
 */
public final class GlanceException extends RuntimeException {
    private final int status;

    public GlanceException(int status, String message) {
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
        String reason = HttpResponseStatus.valueOf(status).reasonPhrase();
        return new JsonObject().put("message", message).put("code", status + " " + reason).put("title", reason);
    }

    static GlanceException badRequest(String message) {
        return new GlanceException(400, message);
    }

    static GlanceException forbidden(String message) {
        return new GlanceException(403, message);
    }

    static GlanceException notFound(String id) {
        return new GlanceException(404, "No image found with ID " + id);
    }

    static GlanceException conflict(String message) {
        return new GlanceException(409, message);
    }
}
