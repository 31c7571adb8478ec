package io.zunvx.api.quota;

import io.vertx.core.json.JsonObject;
import io.vertx.core.Future;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.zunvx.api.http.ApiRouter;
import io.zunvx.api.http.RequestContext;
import io.zunvx.api.policy.Policy;
import io.zunvx.api.http.Microversions;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.error.ZunException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code /v1/quotas} and {@code /v1/quota_classes} (microversion 1.26 and later), as in reference §3.8. */
public final class QuotaApi {
    private static final Pattern INT = Pattern.compile("^-?[0-9]+$");

    private final Transactions db;
    private final QuotaService quotas;
    private final Policy policy;

    public QuotaApi(Transactions db, QuotaService quotas, Policy policy) {
        this.db = db;
        this.quotas = quotas;
        this.policy = policy;
    }

    public void mount(Router r) {
        r.get("/v1/quotas/:project/defaults").handler(this::defaults);
        r.get("/v1/quotas/:project").handler(this::get);
        r.put("/v1/quotas/:project").handler(this::update);
        r.delete("/v1/quotas/:project").handler(this::delete);
        r.get("/v1/quota_classes/:cls").handler(this::getClass);
        r.put("/v1/quota_classes/:cls").handler(this::updateClass);
    }

    private Identity begin(RoutingContext ctx, String rule, String target) {
        Microversions.requireAtLeast(RequestContext.version(ctx), 26);
        Identity who = RequestContext.identity(ctx);
        policy.enforce(rule, who, target);
        return who;
    }

    private void get(RoutingContext ctx) {
        String project = ctx.pathParam("project");
        begin(ctx, "quota:get", project);
        String usages = ctx.queryParams().get("usages");
        boolean withUsage = usages != null && !usages.isEmpty();
        db.read(sql -> quotas.limits(sql, project)).compose(limits -> !withUsage
                        ? Future.succeededFuture(flat(limits))
                        : db.read(sql -> quotas.usage(sql, project)).map(used -> {
                            JsonObject o = new JsonObject();
                            limits.forEach((k, v) -> o.put(k, new JsonObject().put("limit", v)
                                    .put("in_use", "cpu".equals(k) ? used.get(k) : used.get(k).longValue())));
                            return o;
                        }))
                .onSuccess(o -> ApiRouter.json(ctx, 200, o.encode()))
                .onFailure(ctx::fail);
    }

    private void defaults(RoutingContext ctx) {
        begin(ctx, "quota:get_default", ctx.pathParam("project"));
        db.read(sql -> quotas.classLimits(sql, QuotaService.DEFAULT_CLASS))
                .onSuccess(m -> ApiRouter.json(ctx, 200, flat(m).encode()))
                .onFailure(ctx::fail);
    }

    /**
     * Sets a project's quotas: the project must exist in the identity service, or be the caller's own (a project
     * of an external issuer exists only in its tokens); any other is 404, so a typo cannot make orphan quotas.
     */
    private void update(RoutingContext ctx) {
        String project = ctx.pathParam("project");
        begin(ctx, "quota:update", project);
        Map<String, Long> values = values(ctx);
        db.read(sql -> quotas.projectExists(sql, project))
                .compose(exists -> !exists && !project.equals(RequestContext.identity(ctx).projectId())
                        ? Future.failedFuture(ZunException.notFound("not-found", "Project " + project
                                + " could not be found."))
                        : Future.succeededFuture())
                .compose(v -> db.read(sql -> quotas.set(sql, false, project, values)))
                .compose(v -> db.read(sql -> quotas.limits(sql, project)))
                .onSuccess(m -> ApiRouter.json(ctx, 200, flat(m).encode()))
                .onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx) {
        String project = ctx.pathParam("project");
        begin(ctx, "quota:delete", project);
        db.read(sql -> quotas.clear(sql, project))
                .onSuccess(v -> ApiRouter.json(ctx, 200, "null"))
                .onFailure(ctx::fail);
    }

    private void getClass(RoutingContext ctx) {
        begin(ctx, "quota_class:get", null);
        db.read(sql -> quotas.classLimits(sql, ctx.pathParam("cls")))
                .onSuccess(m -> ApiRouter.json(ctx, 200, flat(m).encode()))
                .onFailure(ctx::fail);
    }

    private void updateClass(RoutingContext ctx) {
        String cls = ctx.pathParam("cls");
        begin(ctx, "quota_class:update", null);
        Map<String, Long> values = values(ctx);
        db.read(sql -> quotas.set(sql, true, cls, values))
                .compose(v -> db.read(sql -> quotas.classLimits(sql, cls)))
                .onSuccess(m -> ApiRouter.json(ctx, 200, flat(m).encode()))
                .onFailure(ctx::fail);
    }

    /** The body: a subset of the four resources, each an integer or integer string, −1 or more. */
    private static Map<String, Long> values(RoutingContext ctx) {
        JsonObject body;
        try {
            body = ctx.body() == null || ctx.body().isEmpty() ? new JsonObject() : ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            throw ZunException.schema("Request body is not a JSON object.");
        }
        if (body == null) {
            body = new JsonObject();
        }
        Map<String, Long> out = new LinkedHashMap<>();
        for (String k : body.fieldNames()) {
            if (!QuotaService.RESOURCES.contains(k)) {
                throw ZunException.schema("Additional properties are not allowed ('" + k + "' was unexpected)");
            }
            Object v = body.getValue(k);
            long n;
            if (v instanceof Integer || v instanceof Long) {
                n = ((Number) v).longValue();
            } else if (v instanceof String s && INT.matcher(s).matches() && s.length() < 19) {
                n = Long.parseLong(s);
            } else {
                throw ZunException.schema("Invalid input for field '" + k + "'.Value: '" + v
                        + "'. " + (v == null ? "None" : "'" + v + "'") + " is not valid under any of the given schemas");
            }
            if (n < -1) {
                throw ZunException.schema("Invalid input for field '" + k + "'.Value: '" + v + "'. " + n
                        + " is less than the minimum of -1");
            }
            out.put(k, n);
        }
        return out;
    }

    private static JsonObject flat(Map<String, Long> m) {
        JsonObject o = new JsonObject();
        m.forEach(o::put);
        return o;
    }
}
