package io.zunvx.api.console;

import io.vertx.core.http.HttpHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.StaticHandler;

/**
 * The web console: static assets from the jar's {@code ui/} folder at {@code /ui/}, plain ES modules; the npm packages
 * it uses (xterm.js, js-yaml) are copied into {@code ui/vendor/} at build time. Every answer carries a
 * Content-Security-Policy that allows scripts only from the API's own origin (no inline script, no {@code eval}),
 * styles from it and inline ones (xterm.js writes its cell geometry into {@code <style>} elements and the colours
 * of some cells into {@code style} attributes; styles cannot run code, and the console inserts every name as text so
 * no markup of a user's reaches the page), WebSocket connections (the terminal goes through the WebSocket proxy, on
 * its own port), and no framing.
 */
public final class ConsoleRoutes {
    /** The policy of every console response. */
    public static final String CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
            + "img-src 'self' data:; connect-src 'self' ws: wss:; font-src 'self'; base-uri 'none'; form-action 'none'; "
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
