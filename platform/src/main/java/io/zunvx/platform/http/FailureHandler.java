package io.zunvx.platform.http;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Handler;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.zunvx.platform.error.ErrorRendering;
import io.zunvx.platform.error.ZunException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place failures become responses: {@link ZunException} → Zun's error body with its status; framework
 * errors (404 route, 405, 413) → Zun's framework variant; anything else → 500 with a correlation id that is logged
 * beside the cause and never shows the cause to the client.
 */
public final class FailureHandler implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(FailureHandler.class);

    @Override
    public void handle(RoutingContext ctx) {
        if (ctx.response().headWritten()) {
            ctx.response().reset();
            return;
        }
        Throwable t = ctx.failure();
        int status = ctx.statusCode();
        JsonObject body;
        if (t instanceof ZunException z) {
            status = z.status();
            body = z.status() == 401 ? ErrorRendering.unauthorized() : ErrorRendering.of(z);
            if (z.status() == 401) {
                // As keystonemiddleware does: point at the identity service clients authenticate against.
                ctx.response().putHeader("WWW-Authenticate", "Keystone uri=\"" + ctx.request().scheme() + "://"
                        + ctx.request().authority() + "/identity/v3\"");
            }
        } else if (t instanceof DecodeException) {
            status = 400;
            body = ErrorRendering.zunBody(400, "", "Bad Request", "Malformed JSON in request body.");
        } else if (t instanceof HttpException h && h.getStatusCode() < 500) {
            status = h.getStatusCode();
            body = ErrorRendering.zunBody(status, "", reason(status), h.getPayload());
        } else if (t == null && status > 0 && status < 500) {
            body = status == 401 ? ErrorRendering.unauthorized()
                    : ErrorRendering.zunBody(status, "", reason(status), reason(status));
        } else {
            UUID id = UUID.randomUUID();
            LOG.error("request {} {} failed; correlation id {}", ctx.request().method(), ctx.request().path(), id, t);
            status = 500;
            body = ErrorRendering.internal(id);
        }
        ctx.response().setStatusCode(status).putHeader("Content-Type", "application/json").end(body.encode());
    }

    private static String reason(int status) {
        return HttpResponseStatus.valueOf(status).reasonPhrase();
    }
}
