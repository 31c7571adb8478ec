package io.zunvx.api.http;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.AllowForwardHeaders;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.zunvx.api.container.ContainerActionsApi;
import io.zunvx.api.identity.AccountCheck;
import io.zunvx.api.image.GlanceApi;
import io.zunvx.api.image.GlanceFailureHandler;
import io.zunvx.api.network.NeutronFailureHandler;
import io.zunvx.api.volume.CinderFailureHandler;
import io.zunvx.model.ApiVersion;
import io.zunvx.platform.auth.TokenService;
import io.zunvx.platform.error.ErrorRendering;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.http.FailureHandler;
import io.zunvx.platform.http.OpsRoutes;
import io.zunvx.platform.http.Readiness;
import java.util.Set;
import java.util.UUID;

/**
 * The API's router frame: request ids, microversion negotiation and headers on every {@code /v1} response, token
 * authentication for everything under {@code /v1/} but the version document and under {@code /image/v2/} (the image
 * store; a token of the identity service only while its user, project and role there are still in place, see
 * {@link AccountCheck}), body limits, and the failure handlers (Glance's error shape under {@code /image}, Zun's
 * elsewhere). Resource routes are added by the feature packages.
 *
 * <p>Bodies are limited to {@link #MAX_BODY} (413 above it) with two exceptions. An image upload
 * ({@code PUT /image/v2/images/{id}/file}) bypasses the JSON body handler: the request stays paused after
 * authentication until the upload handler streams it. A put_archive ({@code POST /v1/containers/{c}/put_archive})
 * carries a whole tar archive in its JSON and is limited to {@link ContainerActionsApi#PUT_ARCHIVE_MAX_BODY}, derived
 * from the largest archive the compute agent accepts.
 */
public final class ApiRouter {
    public static final String REQUEST_ID_HEADER = "x-openstack-request-id";
    /** The limit of every request body but put_archive's and image uploads'. */
    public static final long MAX_BODY = 1024 * 1024;
    /** The limit of identity request bodies (credentials and small records). */
    public static final long IDENTITY_MAX_BODY = 64 * 1024;
    private static final Set<String> UNVERSIONED = Set.of("", "v1", "identity", "image", "volume", "network",
            "healthz", "readyz", "metrics", "ui");

    private ApiRouter() {
    }

    public static Router create(Vertx vertx, String publicUrl, TokenService tokens, AccountCheck accounts,
                                Readiness readiness) {
        Router router = Router.router(vertx);
        router.allowForward(AllowForwardHeaders.NONE);
        router.route().handler(ApiRouter::requestId);
        router.route().handler(HostileInput::target);
        // Zun routes any first path segment that is not v1 as if it were under /v1.
        router.route().handler(ctx -> {
            String path = ctx.normalizedPath();
            String first = path.length() <= 1 ? "" : path.substring(1).split("/", 2)[0];
            if (!UNVERSIONED.contains(first) && !ctx.get("zunvx.rerouted", false)) {
                ctx.put("zunvx.rerouted", true);
                String q = ctx.request().query();
                ctx.reroute("/v1" + path + (q == null ? "" : "?" + q));
            } else {
                ctx.next();
            }
        });
        OpsRoutes.mount(router, readiness);
        router.get("/").handler(ctx -> json(ctx, 200, Versions.root(publicUrl).encode()));
        router.route("/v1*").handler(ApiRouter::microversion);
        router.get("/v1").handler(ctx -> json(ctx, 200, Versions.v1(publicUrl).encode()));
        router.get("/v1/").handler(ctx -> json(ctx, 200, Versions.v1(publicUrl).encode()));
        router.route("/v1/*").handler(ctx -> authenticate(ctx, tokens, accounts));
        BodyHandler bodies = BodyHandler.create(false).setBodyLimit(MAX_BODY);
        BodyHandler archives = BodyHandler.create(false).setBodyLimit(ContainerActionsApi.PUT_ARCHIVE_MAX_BODY);
        router.route("/v1/*").handler(ctx -> {
            if (ContainerActionsApi.isArchiveUpload(ctx)) {
                archives.handle(ctx);
            } else {
                bodies.handle(ctx);
            }
        });
        router.route("/v1/*").handler(HostileInput::body);
        router.route("/image/v2/*").handler(ctx -> authenticate(ctx, tokens, accounts));
        BodyHandler imageBodies = BodyHandler.create(false).setBodyLimit(MAX_BODY);
        router.route("/image/v2/*").handler(ctx -> {
            if (GlanceApi.isUpload(ctx.request())) {
                ctx.next();
            } else {
                imageBodies.handle(ctx);
            }
        });
        router.route("/image/v2/*").handler(HostileInput::body);
        router.route("/network/v2.0/*").handler(ctx -> authenticate(ctx, tokens, accounts));
        router.route("/network/v2.0/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
        router.route("/network/v2.0/*").handler(HostileInput::body);
        router.route("/network*").failureHandler(new NeutronFailureHandler());
        router.route("/image/*").failureHandler(new GlanceFailureHandler());
        router.route("/image").failureHandler(new GlanceFailureHandler());
        router.route("/volume/v3/*").handler(ctx -> authenticate(ctx, tokens, accounts));
        router.route("/volume/v3/*").handler(BodyHandler.create(false).setBodyLimit(MAX_BODY));
        router.route("/volume/v3/*").handler(HostileInput::body);
        // The identity service authenticates in its handlers (token issue needs none).
        router.route("/identity*").handler(BodyHandler.create(false).setBodyLimit(IDENTITY_MAX_BODY));
        router.route("/identity*").handler(HostileInput::body);
        router.route("/volume*").failureHandler(new CinderFailureHandler());
        router.route().failureHandler(new FailureHandler());
        return router;
    }

    /**
     * Renders the router's own 404 (no route for the path) and 405 (the path exists for other methods) in Zun's
     * framework error body; called after every feature has mounted its routes.
     */
    public static void finish(Router router) {
        router.errorHandler(404, ctx -> framework(ctx, 404, "Not Found", "The resource could not be found."));
        router.errorHandler(405, ctx -> framework(ctx, 405, "Method Not Allowed",
                "The method " + ctx.request().method() + " is not allowed for this resource."));
    }

    static void framework(RoutingContext ctx, int status, String title, String detail) {
        if (ctx.response().headWritten()) {
            return;
        }
        if (ctx.normalizedPath().equals("/image") || ctx.normalizedPath().startsWith("/image/")) {
            GlanceFailureHandler.end(ctx.request(), ctx.response().setStatusCode(status),
                    new JsonObject().put("message", detail)
                            .put("code", status + " " + title).put("title", title));
            return;
        }
        if (ctx.normalizedPath().startsWith("/network")) {
            json(ctx, status, NeutronFailureHandler.body(status == 404 ? "HTTPNotFound"
                    : status == 405 ? "HTTPMethodNotAllowed" : status == 415 ? "HTTPUnsupportedMediaType"
                    : "HTTPBadRequest", detail).encode());
            return;
        }
        if (ctx.normalizedPath().startsWith("/volume")) {
            CinderFailureHandler.end(ctx, status, detail);
            return;
        }
        if (ctx.normalizedPath().startsWith("/identity")) {
            // Keystone's clients read its own error shape.
            json(ctx, status, new JsonObject().put("error", new JsonObject()
                    .put("code", status).put("title", title).put("message", detail)).encode());
            return;
        }
        json(ctx, status, ErrorRendering.zunBody(status, "", title, detail).encode());
    }

    private static void requestId(RoutingContext ctx) {
        String id = ctx.get(RequestContext.REQUEST_ID);
        if (id == null) {
            id = "req-" + UUID.randomUUID();
            ctx.put(RequestContext.REQUEST_ID, id);
        }
        // Set on every pass: a reroute clears the response headers but keeps the context data.
        ctx.response().putHeader(REQUEST_ID_HEADER, id);
        ctx.next();
    }

    private static void microversion(RoutingContext ctx) {
        if (ctx.get(RequestContext.VERSION) != null) {
            ctx.next();
            return;
        }
        try {
            ApiVersion v = Microversions.parse(ctx.request().getHeader(Microversions.HEADER));
            ctx.put(RequestContext.VERSION, v);
            Microversions.responseHeaders(v).forEach((k, val) -> ctx.response().putHeader(k, val));
            ctx.next();
        } catch (MicroversionNotAcceptable e) {
            e.responseHeaders().forEach((k, val) -> ctx.response().putHeader(k, val));
            ctx.fail(e);
        }
    }

    private static void authenticate(RoutingContext ctx, TokenService tokens, AccountCheck accounts) {
        String token = ctx.request().getHeader("X-Auth-Token");
        if (token == null) {
            String h = ctx.request().getHeader(HttpHeaders.AUTHORIZATION);
            if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
                token = h.substring(7).trim();
            }
        }
        // Verifying may wait for I/O (an external issuer's keys, the identity tables); hold the body back for the body
        // handler meanwhile. An upload's body stays held back until its handler streams it.
        boolean streamed = GlanceApi.isUpload(ctx.request());
        ctx.request().pause();
        tokens.inspect(token).compose(accounts::check).onComplete(ar -> {
            if (!streamed) {
                ctx.request().resume();
            }
            if (ar.succeeded()) {
                ctx.put(RequestContext.IDENTITY, ar.result());
                ctx.next();
            } else {
                ctx.fail(ar.cause());
            }
        });
    }

    public static void json(RoutingContext ctx, int status, String body) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(body);
    }
}
