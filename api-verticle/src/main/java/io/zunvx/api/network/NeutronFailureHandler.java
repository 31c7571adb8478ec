package io.zunvx.api.network;

import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.zunvx.platform.error.ErrorRendering;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.network.NeutronException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders failures under {@code /network} as Neutron does: {@code {"NeutronError": {"type", "message", "detail"}}};
 * a missing or bad token as keystonemiddleware's 401; anything unexpected as 500 with a logged correlation id.
 */
public final class NeutronFailureHandler implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(NeutronFailureHandler.class);

    @Override
    public void handle(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        Throwable t = ctx.failure();
        int status;
        JsonObject body;
        if (t instanceof NeutronException n) {
            status = n.status();
            body = body(n.type(), n.getMessage());
        } else if (t instanceof ZunException z && z.status() == 401) {
            status = 401;
            body = ErrorRendering.unauthorized();
            ctx.response().putHeader("WWW-Authenticate", "Keystone uri=\"" + ctx.request().scheme() + "://"
                    + ctx.request().authority() + "/identity/v3\"");
        } else if (t instanceof ZunException z && z.status() < 500) {
            status = z.status();
            body = body(status == 403 ? "PolicyNotAuthorized" : status == 404 ? "HTTPNotFound" : "HTTPBadRequest",
                    z.getMessage());
        } else if (t instanceof HttpException h && h.getStatusCode() < 500) {
            status = h.getStatusCode();
            body = body(status == 413 ? "HTTPRequestEntityTooLarge" : "HTTPBadRequest",
                    h.getPayload() == null ? "The request could not be handled." : h.getPayload());
        } else if (t == null && ctx.statusCode() > 0 && ctx.statusCode() < 500) {
            status = ctx.statusCode();
            body = body(status == 404 ? "HTTPNotFound" : "HTTPBadRequest", "The resource could not be found.");
        } else {
            UUID id = UUID.randomUUID();
            LOG.error("request {} {} failed; correlation id {}", ctx.request().method(), ctx.request().path(), id, t);
            status = 500;
            body = body("HTTPInternalServerError", "Request Failed: internal server error while processing your"
                    + " request. Error correlation id: " + id);
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    public static JsonObject body(String type, String message) {
        return new JsonObject().put("NeutronError", new JsonObject().put("type", type).put("message", message)
                .put("detail", ""));
    }
}
