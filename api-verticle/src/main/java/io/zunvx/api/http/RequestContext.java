package io.zunvx.api.http;

import io.vertx.ext.web.RoutingContext;
import io.zunvx.model.ApiVersion;
import io.zunvx.platform.auth.Identity;

/** Typed access to what the API's handlers put on a request: its id, microversion and caller. */
public final class RequestContext {
    static final String REQUEST_ID = "zunvx.requestId";
    static final String VERSION = "zunvx.version";
    static final String IDENTITY = "zunvx.identity";

    private RequestContext() {
    }

    public static String requestId(RoutingContext ctx) {
        return ctx.get(REQUEST_ID);
    }

    public static ApiVersion version(RoutingContext ctx) {
        ApiVersion v = ctx.get(VERSION);
        return v == null ? ApiVersion.MIN : v;
    }

    public static Identity identity(RoutingContext ctx) {
        return ctx.get(IDENTITY);
    }
}
