package io.zunvx.api.image;

import io.netty.handler.codec.http.HttpResponseStatus;
import io.vertx.core.Context;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.HttpException;
import io.zunvx.platform.error.ErrorRendering;
import io.zunvx.platform.error.ZunException;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Renders failures under {@code /image} in Glance's shape: {@link GlanceException} as it says, a missing or bad token
 * as keystonemiddleware's 401 (the same as under {@code /v1}), a too large body as 413, anything unexpected as 500
 * with a correlation id that is logged with the cause. When the request body was not read (an upload refused before
 * or while streaming), the connection is closed after the answer so that the unread data cannot be taken for the
 * next request.
 */
public final class GlanceFailureHandler implements Handler<RoutingContext> {
    private static final Logger LOG = LoggerFactory.getLogger(GlanceFailureHandler.class);

    @Override
    public void handle(RoutingContext ctx) {
        HttpServerResponse resp = ctx.response();
        if (resp.headWritten()) {
            resp.reset();
            return;
        }
        Throwable t = ctx.failure();
        int status;
        JsonObject body;
        if (t instanceof GlanceException g) {
            status = g.status();
            body = g.body();
        } else if (t instanceof ZunException z && z.status() == 401) {
            status = 401;
            body = ErrorRendering.unauthorized();
            resp.putHeader("WWW-Authenticate", "Keystone uri=\"" + ctx.request().scheme() + "://"
                    + ctx.request().authority() + "/identity/v3\"");
        } else if (t instanceof ZunException z && z.status() < 500) {
            status = z.status();
            body = GlanceException.body(status, z.getMessage());
        } else if (t instanceof HttpException h && h.getStatusCode() < 500) {
            status = h.getStatusCode();
            body = GlanceException.body(status, status == 413
                    ? "The request body is larger than this endpoint accepts." : h.getPayload());
        } else if (t == null && ctx.statusCode() > 0 && ctx.statusCode() < 500) {
            status = ctx.statusCode();
            body = GlanceException.body(status, HttpResponseStatus.valueOf(status)
                    .reasonPhrase());
        } else {
            UUID id = UUID.randomUUID();
            LOG.error("request {} {} failed; correlation id {}", ctx.request().method(), ctx.request().path(), id, t);
            status = 500;
            body = GlanceException.body(500, "The server could not handle the request. Error correlation id: " + id);
        }
        end(ctx.request(), resp.setStatusCode(status), body);
    }

    /**
     * Ends with {@code body}. If the request's body is still unread, the rest is read and dropped (so that a client
     * that sends it all before reading sees the answer) and the connection closed once it ends, or after
     * {@value #DRAIN_LIMIT} more bytes or {@value #DRAIN_MILLIS} ms, whichever comes first.
     */
    public static void end(HttpServerRequest req, HttpServerResponse resp, JsonObject body) {
        // HTTP/2 ends just the stream; only an HTTP/1.x connection carries unread data into the next request.
        boolean unread = !req.isEnded() && req.version() != HttpVersion.HTTP_2;
        resp.putHeader("Content-Type", "application/json");
        if (unread) {
            resp.putHeader("Connection", "close");
        }
        resp.end(body.encode());
        if (unread) {
            drainThenClose(req);
        }
    }

    private static final long DRAIN_LIMIT = 64L << 20;
    private static final long DRAIN_MILLIS = 30_000;

    private static void drainThenClose(HttpServerRequest req) {
        var conn = req.connection();
        long[] dropped = {0};
        Context context = Vertx.currentContext();
        long timer = context == null ? -1 : context.owner().setTimer(DRAIN_MILLIS, id -> conn.close());
        Runnable close = () -> {
            if (timer >= 0) {
                context.owner().cancelTimer(timer);
            }
            conn.close();
        };
        try {
            req.exceptionHandler(e -> close.run());
            req.endHandler(v -> close.run());
            req.handler(b -> {
                dropped[0] += b.length();
                if (dropped[0] > DRAIN_LIMIT) {
                    close.run();
                }
            });
            req.resume();
        } catch (IllegalStateException e) {
            // Already read to its end meanwhile: nothing to drop.
            close.run();
        }
    }
}
