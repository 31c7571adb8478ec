package io.zunvx.api.registry;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import io.zunvx.api.http.ApiRouter;
import io.zunvx.api.http.JsonBodies;
import io.zunvx.api.http.Microversions;
import io.zunvx.api.http.PageQuery;
import io.zunvx.api.http.RequestContext;
import io.zunvx.api.policy.Policy;
import io.zunvx.model.Registry;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.registry.RegistryRepository;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.UUID;

/**
 * Zun's registries (reference §3.9, 1.30 and later, else 406): a project's private Docker registries and their
 * credentials, wrapped as {@code {"registry": ...}}. Passwords are encrypted at rest by the repository and never
 * leave it through the API: the {@code password} key shows {@code "***"} when one is stored.
 */
public final class RegistryApi {
    /** Filters a registry list accepts, as Zun's. */
    public static final List<String> FILTERS = List.of("name", "domain", "username", "project_id", "user_id");
    /** Fields a registry list may be sorted on. */
    public static final Set<String> SORT_KEYS = Set.of("id", "uuid", "name", "domain", "username", "project_id",
            "user_id", "created_at", "updated_at");
    static final int MIN_MINOR = 30;

    private final Transactions db;
    private final RegistryRepository registries;
    private final RegistryLookup lookup;
    private final Policy policy;
    private final String publicUrl;
    private final int maxLimit;
    private final Clock clock;

    public RegistryApi(Transactions db, RegistryRepository registries, Policy policy, String publicUrl, int maxLimit,
                       Clock clock) {
        this.db = db;
        this.registries = registries;
        this.lookup = new RegistryLookup(registries);
        this.policy = policy;
        this.publicUrl = publicUrl;
        this.maxLimit = maxLimit;
        this.clock = clock;
    }

    public void mount(Router r) {
        r.post("/v1/registries").handler(this::create);
        r.get("/v1/registries").handler(this::list);
        r.get("/v1/registries/:r").handler(this::show);
        r.patch("/v1/registries/:r").handler(this::update);
        r.delete("/v1/registries/:r").handler(this::delete);
    }

    private void create(RoutingContext ctx) {
        Microversions.requireAtLeast(RequestContext.version(ctx), MIN_MINOR);
        Identity who = RequestContext.identity(ctx);
        JsonBodies.requireJson(ctx);
        policy.enforce("registry:create", who);
        RegistryRequest req = RegistryRequest.create(JsonBodies.object(ctx));
        Instant now = clock.instant();
        Registry r = new Registry(UUID.randomUUID(), req.name(), req.domain(), req.username(),
                req.password() != null, who.projectId(), who.userId(), now, null);
        nameFree(req.name(), who.projectId(), null)
                .compose(v -> db.read(sql -> registries.create(sql, r, req.password())))
                .recover(err -> Future.failedFuture(conflictOnDuplicate(err, req.name())))
                .onSuccess(saved -> {
                    ctx.response().putHeader("Location", publicUrl + "/v1/registries/" + saved.uuid());
                    ApiRouter.json(ctx, 201, new JsonObject().put("registry", view(saved)).encode());
                })
                .onFailure(ctx::fail);
    }

    private void list(RoutingContext ctx) {
        Microversions.requireAtLeast(RequestContext.version(ctx), MIN_MINOR);
        Identity who = RequestContext.identity(ctx);
        policy.enforce("registry:get_all", who);
        PageQuery q = PageQuery.parse(ctx.queryParams(), maxLimit, new PageQuery.Spec(FILTERS, SORT_KEYS, true,
                true, RegistryLookup::notFound));
        if (q.allProjects()) {
            policy.enforce("registry:get_all_all_projects", who);
        }
        for (String field : q.filters().keySet()) {
            policy.enforce("registry:get_one:" + field, who);
        }
        String project = q.allProjects() ? null : who.projectId();
        Future<Void> marker = q.marker() == null ? Future.succeededFuture()
                : db.read(sql -> registries.find(sql, q.marker())).compose(found ->
                        found.isPresent() && (project == null || project.equals(found.get().projectId()))
                                ? Future.<Void>succeededFuture()
                                : Future.failedFuture(RegistryLookup.notFound(q.marker().toString())));
        marker.compose(v -> db.read(sql -> registries.list(sql, project, q.filters(), q.limit(), q.marker(),
                        q.sortKey(), q.sortDir())))
                .onSuccess(rows -> {
                    JsonArray items = new JsonArray();
                    rows.forEach(reg -> items.add(view(reg)));
                    JsonObject out = new JsonObject().put("registries", items);
                    if (rows.size() == q.limit()) {
                        out.put("next", publicUrl + "/v1/registries?sort_key=" + q.sortKey() + "&sort_dir="
                                + q.sortDir() + "&limit=" + q.limit() + "&marker=" + rows.getLast().uuid());
                    } else {
                        out.putNull("next");
                    }
                    ApiRouter.json(ctx, 200, out.encode());
                })
                .onFailure(ctx::fail);
    }

    private void show(RoutingContext ctx) {
        Microversions.requireAtLeast(RequestContext.version(ctx), MIN_MINOR);
        Identity who = RequestContext.identity(ctx);
        db.read(sql -> lookup.resolve(sql, ctx.pathParam("r"), who))
                .map(reg -> {
                    policy.enforce("registry:get_one", who, reg.projectId());
                    return reg;
                })
                .onSuccess(reg -> ApiRouter.json(ctx, 200, new JsonObject().put("registry", view(reg)).encode()))
                .onFailure(ctx::fail);
    }

    private void update(RoutingContext ctx) {
        Microversions.requireAtLeast(RequestContext.version(ctx), MIN_MINOR);
        Identity who = RequestContext.identity(ctx);
        JsonBodies.requireJson(ctx);
        RegistryRequest req = RegistryRequest.update(JsonBodies.object(ctx));
        db.read(sql -> lookup.resolve(sql, ctx.pathParam("r"), who))
                .compose(reg -> {
                    policy.enforce("registry:update", who, reg.projectId());
                    if (req.isEmpty()) {
                        return Future.succeededFuture(reg);
                    }
                    if (req.domain() != null && !req.domain().equals(reg.domain()) && req.password() == null) {
                        // The stored password was given for the old host; never send it to a new one unasked.
                        return Future.failedFuture(ZunException.invalid("Changing the domain of registry "
                                + reg.uuid() + " requires its password again."));
                    }
                    return nameFree(req.name(), reg.projectId(), reg.uuid())
                            .compose(v -> db.read(sql -> registries.update(sql, reg.uuid(), req.name(), req.domain(),
                                    req.username(), req.password())))
                            .recover(err -> Future.failedFuture(conflictOnDuplicate(err, req.name())))
                            .compose(updated -> updated.isPresent() ? Future.succeededFuture(updated.get())
                                    : Future.failedFuture(RegistryLookup.notFound(ctx.pathParam("r"))));
                })
                .onSuccess(reg -> ApiRouter.json(ctx, 200, new JsonObject().put("registry", view(reg)).encode()))
                .onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx) {
        Microversions.requireAtLeast(RequestContext.version(ctx), MIN_MINOR);
        Identity who = RequestContext.identity(ctx);
        db.read(sql -> lookup.resolve(sql, ctx.pathParam("r"), who))
                .compose(reg -> {
                    policy.enforce("registry:delete", who, reg.projectId());
                    return db.read(sql -> registries.delete(sql, reg.uuid()));
                })
                .onSuccess(deleted -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    /** 409 when another registry of the project already has the name. */
    private Future<Void> nameFree(String name, String projectId, UUID self) {
        if (name == null) {
            return Future.succeededFuture();
        }
        return db.read(sql -> registries.findByName(sql, projectId, name)).compose(found ->
                found.stream().anyMatch(reg -> !reg.uuid().equals(self))
                        ? Future.failedFuture(alreadyExists(name))
                        : Future.succeededFuture());
    }

    /** The unique index on (project, name) is the final word when two creates race. */
    private static Throwable conflictOnDuplicate(Throwable err, String name) {
        if (err instanceof PgException pg && "23505".equals(pg.getSqlState())) {
            return alreadyExists(name);
        }
        return err;
    }

    private static ZunException alreadyExists(String name) {
        return new ZunException(409, "registry-already-exists",
                "A registry with name " + name + " already exists.");
    }

    /** Zun's registry object; the password masked. */
    JsonObject view(Registry r) {
        return view(r, publicUrl);
    }

    /**
     * {@code uuid, links, user_id, project_id, name, domain, username, password}: the password is {@code "***"}
     * when one is stored and {@code null} when none is.
     */
    public static JsonObject view(Registry r, String publicUrl) {
        return new JsonObject()
                .put("uuid", r.uuid().toString())
                .put("links", new JsonArray()
                        .add(new JsonObject().put("href", publicUrl + "/v1/registries/" + r.uuid())
                                .put("rel", "self"))
                        .add(new JsonObject().put("href", publicUrl + "/registries/" + r.uuid())
                                .put("rel", "bookmark")))
                .put("user_id", r.userId())
                .put("project_id", r.projectId())
                .put("name", r.name())
                .put("domain", r.domain())
                .put("username", r.username())
                .put("password", r.hasPassword() ? "***" : null);
    }
}
