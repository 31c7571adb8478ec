package io.zunvx.api.http;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.zunvx.platform.error.ZunException;
import java.util.Locale;

/** Request bodies of the {@code /v1} routes: Zun's content-type check and JSON object parsing. */
public final class JsonBodies {
    private JsonBodies() {
    }

    /**
     * Zun's {@code enforce_content_types(['application/json'])}: any other (or no) {@code Content-Type} is a 415 in
     * the framework's error shape.
     */
    public static void requireJson(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            throw new ZunException(415, "", "The server could not comply with the request since it is either "
                    + "malformed or otherwise incorrect.") {
                @Override
                public String title() {
                    return "Unsupported Media Type";
                }
            };
        }
    }

    /** The request body as a JSON object; {@code null} for a JSON {@code null}; 400 for anything else. */
    public static JsonObject object(RoutingContext ctx) {
        var body = ctx.body();
        if (body == null || body.isEmpty()) {
            throw ZunException.schema("Request body is empty.");
        }
        Object parsed;
        try {
            parsed = Json.decodeValue(body.buffer());
        } catch (DecodeException e) {
            throw new ZunException(400, "", "Malformed JSON in request body.") {
                @Override
                public String title() {
                    return "Bad Request";
                }
            };
        }
        if (parsed == null) {
            return null;
        }
        if (!(parsed instanceof JsonObject o)) {
            throw ZunException.schema(parsed + " is not of type 'object'");
        }
        return o;
    }
}
