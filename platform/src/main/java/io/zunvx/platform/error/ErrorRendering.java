package io.zunvx.platform.error;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.UUID;

/** Zun's error body (reference §9.1) and Keystone's 401 body. */
public final class ErrorRendering {
    private ErrorRendering() {
    }

    /** {@code {"errors":[{"request_id","code","status","title","detail","links"}]}}. */
    public static JsonObject zunBody(int status, String code, String title, String detail) {
        JsonObject e = new JsonObject()
                .put("request_id", "")
                .put("code", "container." + (code == null ? "" : code))
                .put("status", status)
                .put("title", title)
                .put("detail", detail)
                .put("links", new JsonArray());
        return new JsonObject().put("errors", new JsonArray().add(e));
    }

    public static JsonObject of(ZunException e) {
        return zunBody(e.status(), e.code(), e.title(), e.detail());
    }

    /** A 500 body that reveals nothing but a correlation id, which is also logged with the cause. */
    public static JsonObject internal(UUID correlationId) {
        return zunBody(500, "", "Internal Server Error",
                "Your request could not be handled because of a problem in the server. Error Correlation id is: "
                        + correlationId);
    }

    /** keystonemiddleware's 401 body. */
    public static JsonObject unauthorized() {
        return new JsonObject().put("error", new JsonObject()
                .put("code", 401)
                .put("title", "Unauthorized")
                .put("message", "The request you have made requires authentication."));
    }
}
