package io.zunvx.api.volume;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Handler;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.zunvx.platform.error.ErrorRendering;
import io.zunvx.platform.error.ZunException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders failures under {@code /volume} in Cinder's fault shape: {@link CinderException} as it says, a missing or
 * bad token as keystonemiddleware's 401, other client errors with their status, anything unexpected as 500 with a
 * correlation id that is logged with the cause.
 */
public final class CinderFailureHandler implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(CinderFailureHandler.class);

    @Override
    public void handle(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        Throwable t = ctx.failure();
        if (t instanceof CinderException c) {
            send(ctx, c.status(), c.body());
        } else if (t instanceof ZunException z && z.status() == 401) {
            ctx.response().putHeader("WWW-Authenticate", "Keystone uri=\"" + ctx.request().scheme() + "://"
                    + ctx.request().authority() + "/identity/v3\"");
            send(ctx, 401, ErrorRendering.unauthorized());
        } else if (t instanceof ZunException z && z.status() < 500) {
            end(ctx, z.status(), z.getMessage());
        } else if (t instanceof HttpException h && h.getStatusCode() < 500) {
            end(ctx, h.getStatusCode(), h.getStatusCode() == 413
                    ? "Request is too large." : String.valueOf(h.getPayload()));
        } else if (t == null && ctx.statusCode() > 0 && ctx.statusCode() < 500) {
            end(ctx, ctx.statusCode(), HttpResponseStatus.valueOf(ctx.statusCode())
                    .reasonPhrase());
        } else {
            UUID id = UUID.randomUUID();
            LOG.error("request {} {} failed; correlation id {}", ctx.request().method(), ctx.request().path(), id, t);
            end(ctx, 500, "The server has either erred or is incapable of performing the requested operation. "
                    + "Error correlation id: " + id);
        }
    }

    /** Ends the response with a Cinder fault of {@code status}. */
    public static void end(RoutingContext ctx, int status, String message) {
        send(ctx, status, CinderException.body(status, message));
    }

    private static void send(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }
}
