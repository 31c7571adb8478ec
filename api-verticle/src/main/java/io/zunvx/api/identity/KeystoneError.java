package io.zunvx.api.identity;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.DatabaseException;
import io.zunvx.platform.error.ZunException;

/**
 * A failure of the identity API, rendered in Keystone's shape
 * {@code {"error": {"code": 401, "title": "Unauthorized", "message": "..."}}} (keystoneauth and the OpenStack
 * clients read {@code error.message}). Authentication failures never say which part was wrong.
 */
final class KeystoneError extends RuntimeException {
    static final String AUTHENTICATION_REQUIRED = "The request you have made requires authentication.";

    private final int status;
    private final String title;

    KeystoneError(int status, String title, String message) {
        super(message, null, false, false);
        this.status = status;
        this.title = title;
    }

    int status() {
        return status;
    }

    JsonObject body() {
        return new JsonObject().put("error", new JsonObject()
                .put("code", status)
                .put("title", title)
                .put("message", getMessage()));
    }

    static KeystoneError unauthorized() {
        return new KeystoneError(401, "Unauthorized", AUTHENTICATION_REQUIRED);
    }

    static KeystoneError forbidden(String action) {
        return new KeystoneError(403, "Forbidden",
                "You are not authorized to perform the requested action: identity:" + action + ".");
    }

    static KeystoneError notFound(String kind, String id) {
        return new KeystoneError(404, "Not Found", "Could not find " + kind + ": " + id + ".");
    }

    static KeystoneError badRequest(String message) {
        return new KeystoneError(400, "Bad Request", message);
    }

    static KeystoneError conflict(String kind, String detail) {
        return new KeystoneError(409, "Conflict",
                "Conflict occurred attempting to store " + kind + " - " + detail + ".");
    }

    static KeystoneError tooManyAttempts() {
        return new KeystoneError(429, "Too Many Requests",
                "Too many failed authentication attempts. Try again later.");
    }

    /** Anything a handler failed with, as the Keystone error to answer; {@code null} for unexpected failures. */
    static KeystoneError of(Throwable t) {
        if (t instanceof KeystoneError k) {
            return k;
        }
        if (t instanceof ZunException z && z.status() == 401) {
            return unauthorized();
        }
        if (t instanceof DecodeException) {
            return badRequest("The request body is not valid JSON of the expected shape.");
        }
        if (t instanceof DatabaseException d && "23505".equals(d.getSqlState())) {
            return conflict("the resource", "Duplicate entry");
        }
        return null;
    }
}
