package io.zunvx.platform.http;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.micrometer.backends.BackendRegistries;

/** {@code /healthz} (the process answers), {@code /readyz} (every check passes) and Prometheus {@code /metrics}. */
public final class OpsRoutes {
    private OpsRoutes() {
    }

    public static void mount(Router router, Readiness readiness) {
        router.get("/healthz").handler(ctx -> ctx.json(new JsonObject().put("status", "ok")));
        router.get("/readyz").handler(ctx -> readiness.evaluate().onComplete(ar -> {
            boolean ready = ar.succeeded() && ar.result().getBoolean("ready");
            ctx.response().setStatusCode(ready ? 200 : 503)
                    .putHeader("Content-Type", "application/json")
                    .end(ar.succeeded() ? ar.result().encode() : "{\"ready\":false}");
        }));
        router.get("/metrics").handler(ctx -> {
            var registry = BackendRegistries.getDefaultNow();
            if (registry instanceof PrometheusMeterRegistry prom) {
                ctx.response().putHeader("Content-Type", "text/plain; version=0.0.4; charset=utf-8")
                        .end(prom.scrape());
            } else {
                ctx.response().setStatusCode(404).end();
            }
        });
    }
}
