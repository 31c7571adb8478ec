package io.zunvx.api.console;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web console: static assets from the jar's {@code ui/} folder at {@code /ui/}, plain ES modules with no build
 * step. Every answer carries a Content-Security-Policy that allows scripts and styles only from the API's own origin
 * (no inline script, no {@code eval}), WebSocket connections (the terminal goes through the WebSocket proxy, on its
 * own port), and no framing.
 */
public final class ConsoleRoutes {
    /** The policy of every console response. */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
            + "connect-src 'self' ws: wss:; font-src 'self'; base-uri 'none'; form-action 'none'; "
            + "frame-ancestors 'none'";

    private ConsoleRoutes() {
    }

    public static void mount(Router router) {
        // A route for /ui also matches /ui/: redirect only the path without the slash.
        router.get("/ui").handler(ctx -> {
            if ("/ui".equals(ctx.request().path())) {
                ctx.redirect("/ui/");
            } else {
                ctx.next();
            }
        });
        router.route("/ui/*").handler(ConsoleRoutes::headers)
                .handler(StaticHandler.create("ui").setCachingEnabled(false).setDirectoryListing(false)
                        .setIndexPage("index.html").setDefaultContentEncoding("UTF-8"));
    }

    private static void headers(RoutingContext ctx) {
        ctx.response().putHeader("Content-Security-Policy", CSP)
                .putHeader("X-Content-Type-Options", "nosniff")
                .putHeader("Referrer-Policy", "no-referrer")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-cache");
        ctx.next();
    }
}
