package io.zunvx.api.http;

import io.vertx.core.MultiMap;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.Locale;
import java.util.Map;

/**
 * The parameters of a {@code POST} or {@code DELETE} action as Zun's controllers receive them: the query string and,
 * when the request is {@code application/json} with a JSON object body, that object's members too (reference §3.2).
 *
 * <p>A body member is seen as its Python {@code str()}: strings as sent, {@code true} as {@code True}, {@code null} as
 * {@code None}, numbers as Python prints them; an array gives one value per element. A parameter named in both the
 * query and the body is seen twice, as a repeated query parameter is, so every scalar check refuses it with
 * {@code 400 schema-validation-error} (Zun passes such a value on as a list, which its actions do not handle). A body
 * that is not JSON or not an object leaves the query alone, as Zun's framework does.
 */
public final class ActionParams {
    private ActionParams() {
    }

    /** The query string merged with the JSON object body, if any. */
    public static MultiMap of(RoutingContext ctx) {
        return withBody(ctx.queryParams(), body(ctx));
    }

    /** The query merged with the members of {@code body} ({@code null}: the query alone). */
    public static MultiMap withBody(MultiMap query, JsonObject body) {
        // the same kind of map the router gives for the query
        MultiMap merged = MultiMap.caseInsensitiveMultiMap();
        merged.addAll(query);
        if (body != null) {
            for (Map.Entry<String, Object> e : body) {
                if (e.getValue() instanceof JsonArray a) {
                    a.forEach(x -> merged.add(e.getKey(), Py.str(x)));
                } else {
                    merged.add(e.getKey(), Py.str(e.getValue()));
                }
            }
        }
        return merged;
    }

    /** The body as a JSON object when the request is JSON and the body one; else {@code null}. */
    public static JsonObject body(RoutingContext ctx) {
        String type = ctx.request().getHeader("Content-Type");
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json") || ctx.body() == null
                || ctx.body().isEmpty()) {
            return null;
        }
        try {
            return Json.decodeValue(ctx.body().buffer()) instanceof JsonObject o ? o : null;
        } catch (DecodeException e) {
            return null;
        }
    }
}
