package io.zunvx.api.http;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.RoutingContext;
import io.zunvx.api.container.ContainerActionsApi;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Input no resource can store or mean, refused before any handler sees it, in the error shape of the service the
 * path belongs to ({@link ApiRouter#framework}):
 * <ul>
 *   <li>a NUL character in the path or the query (raw {@code %00} or decoded): 400. PostgreSQL cannot store NUL in
 *       text, Docker cuts strings at it, and no name, id or filter of any service contains one;</li>
 *   <li>a request body with a NUL character ({@code \u0000} escape or raw byte) or a lone UTF-16 surrogate
 *       ({@code \ud800} without its pair): 400; except a put_archive's, whose raw (before 1.25) tar is a JSON string
 *       full of escaped NULs;</li>
 *   <li>a form ({@code multipart/*} or {@code application/x-www-form-urlencoded}) {@code Content-Type}, on any
 *       method: 415;</li>
 *   <li>a non-empty body on POST, PUT or PATCH whose {@code Content-Type} is not JSON: 415. JSON is
 *       {@code application/json}, any {@code application/*+json}, and Glance's
 *       {@code application/openstack-images-v2.1-json-patch}. Image uploads never reach this check: their body is
 *       streamed by their handler.</li>
 * </ul>
 */
public final class HostileInput {
    private static final String UNSUPPORTED = "The server could not comply with the request since it is either "
            + "malformed or otherwise incorrect. The request body must be JSON (Content-Type: application/json).";
    private HostileInput() {
    }

    /** Refuses NUL in the path or the query, and form content types; call first, before authentication. */
    public static void target(RoutingContext ctx) {
        String uri = ctx.request().uri();
        if (uri.toLowerCase(Locale.ROOT).contains("%00") || uri.indexOf('\0') >= 0
                || ctx.normalizedPath().indexOf('\0') >= 0) {
            ApiRouter.framework(ctx, 400, "Bad Request", "The request URL contains a NUL character.");
            return;
        }
        String type = ctx.request().getHeader("Content-Type");
        if (type != null) {
            String t = type.strip().toLowerCase(Locale.ROOT);
            if (t.startsWith("multipart/") || t.startsWith("application/x-www-form-urlencoded")) {
                // No service here takes forms; the body handler would try to decode one, whatever the method.
                ApiRouter.framework(ctx, 415, "Unsupported Media Type", UNSUPPORTED);
                return;
            }
        }
        ctx.next();
    }

    /** Refuses bodies that are not JSON or hold NUL or lone surrogates; call after the body handler. */
    public static void body(RoutingContext ctx) {
        var body = ctx.body();
        Buffer buf = body == null ? null : body.buffer();
        if (buf == null || buf.length() == 0) {
            ctx.next();
            return;
        }
        HttpMethod m = ctx.request().method();
        if ((m == HttpMethod.POST || m == HttpMethod.PUT || m == HttpMethod.PATCH)
                && !isJson(ctx.request().getHeader("Content-Type"))) {
            ApiRouter.framework(ctx, 415, "Unsupported Media Type", UNSUPPORTED);
            return;
        }
        // A put_archive before 1.25 carries the raw tar as a JSON string, NULs escaped; its archive is checked as a
        // tar by its handler.
        String problem = ContainerActionsApi.isArchiveUpload(ctx) ? null
                : problem(buf.toString(StandardCharsets.UTF_8));
        if (problem != null) {
            ApiRouter.framework(ctx, 400, "Bad Request", problem);
            return;
        }
        ctx.next();
    }

    /** Whether a {@code Content-Type} names JSON (parameters such as {@code charset} allowed). */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return false;
        }
        String t = contentType.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        return t.equals("application/json") || (t.startsWith("application/") && t.endsWith("+json"))
                || t.equals("application/openstack-images-v2.1-json-patch");
    }

    /**
     * What makes a JSON text unacceptable, or {@code null}: a NUL (raw or {@code \u0000}), or a lone surrogate
     * (raw, which UTF-8 decoding has already replaced, or escaped). Escaped backslashes are skipped as pairs, so the
     * six characters {@code \\u0000} (a backslash and the text "u0000") are fine.
     */
    static String problem(String json) {
        int n = json.length();
        for (int i = 0; i < n; i++) {
            char c = json.charAt(i);
            if (c == '\0') {
                return "The request body contains a NUL character.";
            }
            if (c != '\\' || i + 1 >= n) {
                continue;
            }
            char e = json.charAt(i + 1);
            if (e != 'u') {
                i++;
                continue;
            }
            int code = hex(json, i + 2);
            if (code < 0) {
                i++;
                continue;
            }
            if (code == 0) {
                return "The request body contains a NUL character (\\u0000).";
            }
            if (Character.isHighSurrogate((char) code)) {
                int next = json.startsWith("\\u", i + 6) ? hex(json, i + 8) : -1;
                if (next < 0 || !Character.isLowSurrogate((char) next)) {
                    return "The request body contains a lone UTF-16 surrogate.";
                }
                i += 11;
                continue;
            }
            if (Character.isLowSurrogate((char) code)) {
                return "The request body contains a lone UTF-16 surrogate.";
            }
            i += 5;
        }
        return null;
    }

    private static int hex(String s, int from) {
        if (from + 4 > s.length()) {
            return -1;
        }
        int v = 0;
        for (int k = from; k < from + 4; k++) {
            int d = Character.digit(s.charAt(k), 16);
            if (d < 0) {
                return -1;
            }
            v = v * 16 + d;
        }
        return v;
    }
}
