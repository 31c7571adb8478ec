package io.zunvx.api.image;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.pgclient.PgException;
import io.zunvx.api.http.ApiRouter;
import io.zunvx.api.http.JsonBodies;
import io.zunvx.api.http.PageQuery;
import io.zunvx.api.http.RequestContext;
import io.zunvx.api.policy.Policy;
import io.zunvx.model.ComputeNode;
import io.zunvx.model.HostImage;
import io.zunvx.model.ImageCommand;
import io.zunvx.model.Topics;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.events.Envelopes;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.image.HostImageRepository;
import io.zunvx.platform.outbox.Outbox;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * Zun's images (reference §3.4): images on compute hosts, asked for by administrators. A pull writes the
 * {@code images} row and its {@code PullImage} command for the host in one transaction and answers 202; the host pulls
 * (de-duplicated with container pulls) and records the Docker id and size, or the registry's error. A delete removes
 * the row and sends {@code DeleteImage} in one transaction and answers 200 {@code null}. Search ({@code image:search},
 * any project member) asks the configured registry or the image store.
 *
 * <p>Images are addressed by uuid only, as in Zun. The image object is Zun's
 * ({@code uuid, links, image_id, repo, tag, size, project_id, host}) followed by {@code status} and
 * {@code status_reason}, which say whether the pull is still running, done, or failed and why.
 */
public final class ImageApi {
    /** Fields an image list may be sorted on. */
    public static final Set<String> SORT_KEYS = HostImageRepository.SORT_KEYS;

    private final Transactions db;
    private final HostImageRepository images;
    private final ComputeNodeRepository nodes = new ComputeNodeRepository();
    private final ImageSearch search;
    private final Policy policy;
    private final String publicUrl;
    private final int maxLimit;
    private final Clock clock;

    public ImageApi(Transactions db, HostImageRepository images, ImageSearch search, Policy policy, String publicUrl,
                    int maxLimit, Clock clock) {
        this.db = db;
        this.images = images;
        this.search = search;
        this.policy = policy;
        this.publicUrl = publicUrl;
        this.maxLimit = maxLimit;
        this.clock = clock;
    }

    public void mount(Router r) {
        r.post("/v1/images").handler(this::pull);
        r.get("/v1/images").handler(this::list);
        // The term may hold a registry host and path ("127.0.0.1:5000/team/app"), so it may span segments.
        r.getWithRegex("/v1/images/(?<image>.+)/search/?").handler(this::search);
        r.get("/v1/images/:id").handler(this::show);
        r.delete("/v1/images/:id").handler(this::delete);
    }

    // ---- pull -----------------------------------------------------------------------------------------------------

    private void pull(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        String req = RequestContext.requestId(ctx);
        JsonBodies.requireJson(ctx);
        policy.enforce("image:pull", who);
        ImagePullRequest body = ImagePullRequest.parse(JsonBodies.object(ctx));
        host(body.host())
                .compose(node -> {
                    Instant now = clock.instant();
                    HostImage image = new HostImage(UUID.randomUUID(), null, body.repo(), body.tag(), null,
                            who.projectId(), who.userId(), node.hostname(), HostImage.PULLING, null,
                            body.pullPolicy(), now, now);
                    return db.inTransaction(tx -> images.create(tx, image)
                                    .compose(saved -> Outbox.add(tx, Envelopes.imageCommand(
                                                    Topics.compute(saved.host()),
                                                    new ImageCommand.PullImage(saved.uuid(), req)))
                                            .map(saved)))
                            .recover(err -> Future.failedFuture(isUniqueViolation(err)
                                    ? new ZunException(409, "image-already-exists", "An image with tag "
                                    + body.tag() + " and repo " + body.repo() + " already exists on host "
                                    + node.hostname() + ".")
                                    : err));
                })
                .onSuccess(saved -> {
                    ctx.response().putHeader("Location", publicUrl + "/v1/images/" + saved.uuid());
                    ApiRouter.json(ctx, 202, view(saved).encode());
                })
                .onFailure(ctx::fail);
    }

    /** The compute host named by uuid or host name; 400 when there is none, as Zun answers. */
    private Future<ComputeNode> host(String ident) {
        Future<Optional<ComputeNode>> found = PageQuery.isUuidLike(ident)
                ? db.read(sql -> nodes.findByUuid(sql, PageQuery.toUuid(ident)))
                : db.read(sql -> nodes.find(sql, ident));
        return found.compose(n -> n.isPresent() ? Future.succeededFuture(n.get())
                : Future.failedFuture(ZunException.invalid("The host " + ident + " does not exist.")));
    }

    // ---- list, show, delete ---------------------------------------------------------------------------------------

    private void list(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        policy.enforce("image:get_all", who);
        PageQuery q = PageQuery.parse(ctx.queryParams(), maxLimit, new PageQuery.Spec(List.of(), SORT_KEYS, false,
                false, ImageApi::notFound));
        Future<Void> marker = q.marker() == null ? Future.succeededFuture()
                : db.read(sql -> images.find(sql, q.marker())).compose(found -> found.isPresent()
                        ? Future.<Void>succeededFuture()
                        : Future.failedFuture(notFound(q.marker().toString())));
        marker.compose(v -> db.read(sql -> images.list(sql, q.limit(), q.marker(), q.sortKey(), q.sortDir())))
                .onSuccess(rows -> {
                    JsonArray items = new JsonArray();
                    rows.forEach(i -> items.add(view(i)));
                    JsonObject out = new JsonObject().put("images", items);
                    if (rows.size() == q.limit()) {
                        out.put("next", publicUrl + "/v1/images?sort_key=" + q.sortKey() + "&sort_dir="
                                + q.sortDir() + "&limit=" + q.limit() + "&marker=" + rows.getLast().uuid());
                    } else {
                        out.putNull("next");
                    }
                    ApiRouter.json(ctx, 200, out.encode());
                })
                .onFailure(ctx::fail);
    }

    private void show(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        policy.enforce("image:get_one", who);
        String ident = ctx.pathParam("id");
        find(ident).onSuccess(i -> ApiRouter.json(ctx, 200, view(i).encode())).onFailure(ctx::fail);
    }

    private void delete(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        String req = RequestContext.requestId(ctx);
        policy.enforce("image:delete", who);
        String ident = ctx.pathParam("id");
        if (!PageQuery.isUuidLike(ident)) {
            throw notFound(ident);
        }
        db.inTransaction(tx -> images.delete(tx, PageQuery.toUuid(ident)).compose(deleted -> {
                    if (deleted.isEmpty()) {
                        return Future.failedFuture(notFound(ident));
                    }
                    HostImage i = deleted.get();
                    if (i.host() == null) {
                        return Future.succeededFuture();
                    }
                    return Outbox.add(tx, Envelopes.imageCommand(Topics.compute(i.host()),
                            new ImageCommand.DeleteImage(i.uuid(), req, i.repo(), i.tag(), i.imageId(),
                                    i.projectId())));
                }))
                .onSuccess(v -> ApiRouter.json(ctx, 200, "null"))
                .onFailure(ctx::fail);
    }

    private Future<HostImage> find(String ident) {
        if (!PageQuery.isUuidLike(ident)) {
            return Future.failedFuture(notFound(ident));
        }
        return db.read(sql -> images.find(sql, PageQuery.toUuid(ident))).compose(found -> found.isPresent()
                ? Future.succeededFuture(found.get()) : Future.failedFuture(notFound(ident)));
    }

    // ---- search ---------------------------------------------------------------------------------------------------

    private void search(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        policy.enforce("image:search", who);
        SearchQuery q = SearchQuery.parse(ctx.queryParams());
        String term = ctx.pathParam("image");
        Future<JsonArray> found = "glance".equals(q.imageDriver())
                ? search.store(term, q.exactMatch(), who)
                : search.registry(term, q.exactMatch(), who);
        found.onSuccess(a -> ApiRouter.json(ctx, 200, a.encode())).onFailure(ctx::fail);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** Zun's {@code ImageNotFound}. */
    public static ZunException notFound(String ident) {
        return ZunException.notFound("image-not-found", "Image " + ident + " could not be found.");
    }

    static boolean isUniqueViolation(Throwable err) {
        return err instanceof PgException pg && "23505".equals(pg.getSqlState());
    }

    /** Zun's image object, then the pull's {@code status} and {@code status_reason}. */
    JsonObject view(HostImage i) {
        return new JsonObject()
                .put("uuid", i.uuid().toString())
                .put("links", new JsonArray()
                        .add(new JsonObject().put("href", publicUrl + "/v1/images/" + i.uuid()).put("rel", "self"))
                        .add(new JsonObject().put("href", publicUrl + "/images/" + i.uuid()).put("rel", "bookmark")))
                .put("image_id", i.imageId())
                .put("repo", i.repo())
                .put("tag", i.tag())
                .put("size", i.size())
                .put("project_id", i.projectId())
                .put("host", i.host())
                .put("status", i.status())
                .put("status_reason", i.statusReason());
    }
}
