package io.zunvx.api.volume;

import io.vertx.core.Future;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.SqlConnection;
import io.zunvx.api.http.RequestContext;
import io.zunvx.model.Topics;
import io.zunvx.model.Volume;
import io.zunvx.model.VolumeCommand;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.events.Envelopes;
import io.zunvx.platform.outbox.Outbox;
import io.zunvx.platform.volume.VolumeRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Supplier;

/**
 * The part of Cinder's block storage API v3 that {@code openstack volume create|list|show|set|delete} and Zun's
 * clients use, at {@code /volume/v3/{project_id}}: volumes with Cinder's statuses, attachments that name the
 * containers, Cinder's fault bodies, and the project's {@code volumes} and {@code gigabytes} quotas
 * ({@code os-quota-sets}).
 *
 * <p>A new volume is placed at once on the enabled, live compute host holding the fewest volumes, as a
 * {@code creating} row with a {@code CreateVolume} command to that host in the same transaction; the host's agent
 * makes the storage and marks it {@code available}. Non-admins see and touch only their own project's volumes (others
 * answer 404); an admin sees all with {@code all_tenants}, which for anyone else lists their own project, as in Cinder.
 */
public final class CinderApi {
    private static final String BASE = "/volume/v3/:project";
    private static final Set<String> CREATE_KEYS = Set.of("size", "name", "description", "display_name",
            "display_description", "availability_zone", "volume_type", "snapshot_id", "source_volid", "imageRef",
            "backup_id", "consistencygroup_id", "group_id", "metadata", "multiattach", "user_id", "project_id",
            "status", "attach_status", "source_replica", "scheduler_hints");
    private static final Set<String> UPDATE_KEYS = Set.of("name", "description", "display_name",
            "display_description", "metadata");
    private static final String IN_USE_MESSAGE = "Invalid volume: Volume status must be available or error or "
            + "error_restoring or error_extending or error_managing and must not be migrating, attached, belong to "
            + "a group, have snapshots, awaiting a transfer, or be disassociated from snapshots after volume "
            + "transfer.";

    private final Transactions db;
    private final SqlClient sql;
    private final VolumeRepository volumes;
    private final VolumeQuota quota;
    private final CinderViews views;
    private final Duration serviceDownTime;
    private final Clock clock;
    private final Supplier<UUID> ids;
    private final int maxLimit;

    public CinderApi(Transactions db, VolumeRepository volumes, VolumeQuota quota, String publicUrl,
                     Duration serviceDownTime, int maxLimit, Clock clock, Supplier<UUID> ids) {
        this.db = db;
        this.sql = db.statements();
        this.volumes = volumes;
        this.quota = quota;
        this.views = new CinderViews(publicUrl);
        this.serviceDownTime = serviceDownTime;
        this.maxLimit = maxLimit;
        this.clock = clock;
        this.ids = ids;
    }

    public void mount(Router r) {
        r.get("/volume").handler(this::versions);
        r.get("/volume/").handler(this::versions);
        r.get("/volume/v3").handler(ctx -> send(ctx, 200, new JsonObject().put("version", views.version())));
        r.get("/volume/v3/").handler(ctx -> send(ctx, 200, new JsonObject().put("version", views.version())));
        r.post(BASE + "/volumes").handler(this::create);
        r.get(BASE + "/volumes").handler(ctx -> list(ctx, false));
        r.get(BASE + "/volumes/detail").handler(ctx -> list(ctx, true));
        r.get(BASE + "/volumes/:id").handler(this::show);
        r.put(BASE + "/volumes/:id").handler(this::update);
        r.delete(BASE + "/volumes/:id").handler(this::delete);
        r.get(BASE + "/os-quota-sets/:target").handler(this::quotaShow);
        r.put(BASE + "/os-quota-sets/:target").handler(this::quotaUpdate);
    }

    // ---- versions -------------------------------------------------------------------------------------------------

    private void versions(RoutingContext ctx) {
        send(ctx, 300, new JsonObject().put("versions", new JsonArray().add(views.version())));
    }

    // ---- create ---------------------------------------------------------------------------------------------------

    private void create(RoutingContext ctx) {
        Identity who = caller(ctx);
        JsonObject v = member(ctx, "volume");
        for (String k : v.fieldNames()) {
            if (!CREATE_KEYS.contains(k)) {
                throw CinderException.badRequest("Invalid input received: unknown volume field '" + k + "'.");
            }
        }
        int size = size(v.getValue("size"));
        for (String k : List.of("volume_type", "snapshot_id", "source_volid", "imageRef", "backup_id",
                "consistencygroup_id", "group_id", "source_replica", "scheduler_hints")) {
            Object x = v.getValue(k);
            if (x != null && !(k.equals("volume_type") && "__DEFAULT__".equals(x))) {
                throw CinderException.badRequest("Invalid input received: '" + k + "' is not supported here.");
            }
        }
        Object zone = v.getValue("availability_zone");
        if (zone != null && !"nova".equals(zone)) {
            throw CinderException.badRequest("Invalid input received: Availability zone '" + zone
                    + "' is invalid.");
        }
        if (Boolean.TRUE.equals(v.getValue("multiattach"))) {
            throw CinderException.badRequest("Invalid input received: multiattach volumes are not supported.");
        }
        Object metadata = v.getValue("metadata");
        if (metadata != null && !(metadata instanceof JsonObject m && m.isEmpty())) {
            throw CinderException.badRequest("Invalid input received: volume metadata is not supported.");
        }
        String name = text(v, "name", "display_name");
        String description = text(v, "description", "display_description");
        String req = RequestContext.requestId(ctx);
        db.inTransaction(tx -> quota.check(tx, who.projectId(), 1, size).compose(refusal -> {
            if (refusal != null) {
                return Future.failedFuture(overQuota(refusal));
            }
            return chooseHost(tx);
        }).compose(host -> {
            UUID id = ids.get();
            Volume row = new Volume(id, name, description, who.projectId(), who.userId(), size,
                    host == null ? Volume.ERROR : Volume.CREATING,
                    host == null ? "No valid host was found: no enabled compute host is up." : null,
                    host, false, null, List.of(), null, null, 0);
            return volumes.insert(tx, row).compose(saved -> host == null ? Future.succeededFuture(saved)
                    : Outbox.add(tx, Envelopes.volumeCommand(Topics.compute(host),
                            new VolumeCommand.CreateVolume(id, req))).map(saved));
        })).onSuccess(saved -> send(ctx, 202, new JsonObject().put("volume", views.detail(saved, who))))
                .onFailure(ctx::fail);
    }

    private static CinderException overQuota(VolumeQuota.Refusal r) {
        if ("volumes".equals(r.resource())) {
            return new CinderException(413, "VolumeLimitExceeded: Maximum number of volumes allowed ("
                    + r.limit() + ") exceeded for quota 'volumes'.");
        }
        return new CinderException(413, "VolumeSizeExceedsAvailableQuota: Requested volume or snapshot exceeds "
                + "allowed gigabytes quota. Requested " + r.wanted() + "G, quota is " + r.limit() + "G and "
                + r.used() + "G has been consumed.");
    }

    /** The enabled, live compute host with the fewest volumes (then the most free disk), or {@code null}. */
    private Future<String> chooseHost(SqlConnection tx) {
        return volumes.leastLoadedHost(tx, clock.instant().minus(serviceDownTime));
    }

    static int size(Object raw) {
        String s = raw == null ? null : String.valueOf(raw).strip();
        if (s == null || !s.matches("[0-9]{1,9}") || Integer.parseInt(s) <= 0) {
            throw CinderException.badRequest("Invalid input received: Volume size '" + raw
                    + "' must be an integer and greater than 0.");
        }
        int n = Integer.parseInt(s);
        if (n > VolumeMounts.MAX_SIZE) {
            throw CinderException.badRequest("Invalid input received: Volume size '" + raw + "' is larger than "
                    + VolumeMounts.MAX_SIZE + " GiB.");
        }
        return n;
    }

    // ---- list and show --------------------------------------------------------------------------------------------

    private void list(RoutingContext ctx, boolean detail) {
        Identity who = caller(ctx);
        var q = ctx.queryParams();
        // Cinder's rule: all_tenants widens an admin's list; anyone else sees their own project's volumes, as the
        // clients expect (openstackclient looks a volume up by name with all_tenants=1 whoever asks).
        boolean all = truthy(q.get("all_tenants")) && who.isAdmin();
        Map<String, String> filters = new LinkedHashMap<>();
        for (String k : List.of("name", "status")) {
            if (q.get(k) != null) {
                filters.put(k, q.get(k));
            }
        }
        for (String k : q.names()) {
            if (!Set.of("name", "status", "all_tenants", "limit", "marker", "sort", "sort_key", "sort_dir",
                    "with_count", "project_id").contains(k)) {
                throw CinderException.badRequest("Invalid input received: Invalid filter keys: " + k);
            }
        }
        int limit = maxLimit;
        if (q.get("limit") != null) {
            try {
                limit = Integer.parseInt(q.get("limit"));
            } catch (NumberFormatException e) {
                throw CinderException.badRequest("Invalid input received: limit must be an integer.");
            }
            if (limit < 0) {
                throw CinderException.badRequest("Invalid input received: limit must be >= 0.");
            }
            limit = Math.min(limit, maxLimit);
        }
        UUID marker = null;
        if (q.get("marker") != null) {
            try {
                marker = UUID.fromString(q.get("marker"));
            } catch (IllegalArgumentException e) {
                throw CinderException.badRequest("Invalid input received: marker [" + q.get("marker")
                        + "] not found.");
            }
        }
        String project = all ? (q.get("project_id") == null ? null : q.get("project_id")) : who.projectId();
        volumes.list(sql, project, filters, marker, limit).onSuccess(found -> {
            JsonArray items = new JsonArray();
            found.forEach(v -> items.add(detail ? views.detail(v, who) : views.summary(v)));
            send(ctx, 200, new JsonObject().put("volumes", items));
        }).onFailure(ctx::fail);
    }

    private void show(RoutingContext ctx) {
        Identity who = caller(ctx);
        visible(ctx.pathParam("id"), who)
                .onSuccess(v -> send(ctx, 200, new JsonObject().put("volume", views.detail(v, who))))
                .onFailure(ctx::fail);
    }

    /** The volume if the caller may see it: their project's, or any for an admin; else 404 as Cinder answers. */
    private Future<Volume> visible(String id, Identity who) {
        UUID uuid;
        try {
            uuid = UUID.fromString(id);
        } catch (IllegalArgumentException e) {
            return Future.failedFuture(CinderException.notFound(id));
        }
        return volumes.find(sql, uuid).compose(found -> found.isPresent()
                && (who.isAdmin() || found.get().projectId().equals(who.projectId()))
                ? Future.succeededFuture(found.get())
                : Future.failedFuture(CinderException.notFound(id)));
    }

    // ---- update ---------------------------------------------------------------------------------------------------

    private void update(RoutingContext ctx) {
        Identity who = caller(ctx);
        JsonObject v = member(ctx, "volume");
        for (String k : v.fieldNames()) {
            if (!UPDATE_KEYS.contains(k)) {
                throw CinderException.badRequest("Invalid input received: '" + k + "' cannot be updated.");
            }
        }
        if (v.isEmpty()) {
            throw CinderException.badRequest("Invalid input received: nothing to update.");
        }
        Object metadata = v.getValue("metadata");
        if (metadata != null && !(metadata instanceof JsonObject m && m.isEmpty())) {
            throw CinderException.badRequest("Invalid input received: volume metadata is not supported.");
        }
        boolean nameGiven = v.containsKey("name") || v.containsKey("display_name");
        boolean descriptionGiven = v.containsKey("description") || v.containsKey("display_description");
        String name = text(v, "name", "display_name");
        String description = text(v, "description", "display_description");
        visible(ctx.pathParam("id"), who)
                .compose(found -> volumes.rename(sql, found.uuid(), name, nameGiven, description, descriptionGiven)
                        .compose(ok -> volumes.find(sql, found.uuid())))
                .compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
                        : Future.failedFuture(CinderException.notFound(ctx.pathParam("id"))))
                .onSuccess(saved -> send(ctx, 200, new JsonObject().put("volume", views.detail(saved, who))))
                .onFailure(ctx::fail);
    }

    // ---- delete ---------------------------------------------------------------------------------------------------

    /**
     * Cinder's delete: only a volume that nothing mounts and that is {@code available} or in an error status; it
     * becomes {@code deleting} and its host removes the storage, then the row. A volume that never got storage (no
     * host) goes at once.
     */
    private void delete(RoutingContext ctx) {
        Identity who = caller(ctx);
        String req = RequestContext.requestId(ctx);
        visible(ctx.pathParam("id"), who).compose(found -> db.inTransaction(tx ->
                volumes.lock(tx, found.uuid()).compose(locked -> {
                    if (locked.isEmpty()) {
                        return Future.failedFuture(CinderException.notFound(ctx.pathParam("id")));
                    }
                    Volume v = locked.get();
                    boolean deletable = v.attachments().isEmpty() && Set.of(Volume.AVAILABLE, Volume.ERROR,
                            Volume.ERROR_DELETING).contains(v.status());
                    if (!deletable) {
                        return Future.failedFuture(CinderException.badRequest(IN_USE_MESSAGE));
                    }
                    if (v.host() == null) {
                        return volumes.delete(tx, v.uuid()).mapEmpty();
                    }
                    return volumes.transition(tx, v.uuid(), v.status(), Volume.DELETING, null, null, null)
                            .compose(ok -> Outbox.add(tx, Envelopes.volumeCommand(Topics.compute(v.host()),
                                    new VolumeCommand.DeleteVolume(v.uuid(), req))));
                })))
                .onSuccess(x -> ctx.response().setStatusCode(202).end())
                .onFailure(ctx::fail);
    }

    // ---- quotas ---------------------------------------------------------------------------------------------------

    private void quotaShow(RoutingContext ctx) {
        Identity who = caller(ctx);
        String target = ctx.pathParam("target");
        if (!who.isAdmin() && !target.equals(who.projectId())) {
            throw new CinderException(403, "Policy doesn't allow volume_extension:quotas:show to be performed.");
        }
        boolean usage = truthy(ctx.queryParams().get("usage"));
        Future.all(quota.limits(sql, target), quota.usage(sql, target)).onSuccess(all -> {
            Map<String, Long> limits = all.resultAt(0);
            long[] used = all.resultAt(1);
            JsonObject set = new JsonObject().put("id", target);
            if (usage) {
                set.put("volumes", new JsonObject().put("limit", limits.get("volumes")).put("in_use", used[0])
                        .put("reserved", 0).put("allocated", 0));
                set.put("gigabytes", new JsonObject().put("limit", limits.get("gigabytes")).put("in_use", used[1])
                        .put("reserved", 0).put("allocated", 0));
            } else {
                set.put("volumes", limits.get("volumes")).put("gigabytes", limits.get("gigabytes"));
            }
            send(ctx, 200, new JsonObject().put("quota_set", set));
        }).onFailure(ctx::fail);
    }

    private void quotaUpdate(RoutingContext ctx) {
        Identity who = caller(ctx);
        if (!who.isAdmin()) {
            throw new CinderException(403, "Policy doesn't allow volume_extension:quotas:update to be performed.");
        }
        JsonObject set = member(ctx, "quota_set");
        Map<String, Long> values = new LinkedHashMap<>();
        for (String k : set.fieldNames()) {
            if (k.equals("tenant_id")) {
                continue;
            }
            if (!k.equals("volumes") && !k.equals("gigabytes")) {
                throw CinderException.badRequest("Bad key(s) in quota set: " + k);
            }
            Object x = set.getValue(k);
            long n;
            try {
                n = Long.parseLong(String.valueOf(x).strip());
            } catch (NumberFormatException e) {
                throw CinderException.badRequest("Invalid input received: Quota '" + k + "' must be an integer.");
            }
            if (n < -1) {
                throw CinderException.badRequest("Invalid input received: Quota limit " + n + " for '" + k
                        + "' must be greater than or equal to -1.");
            }
            values.put(k, n);
        }
        String target = ctx.pathParam("target");
        quota.set(sql, target, values).compose(v -> quota.limits(sql, target))
                .onSuccess(limits -> send(ctx, 200, new JsonObject().put("quota_set", new JsonObject()
                        .put("volumes", limits.get("volumes")).put("gigabytes", limits.get("gigabytes")))))
                .onFailure(ctx::fail);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** The caller, who must be scoped to the project in the path (an admin may name any). */
    private static Identity caller(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        String project = ctx.pathParam("project");
        if (!who.isAdmin() && !who.projectId().equals(project)) {
            throw new CinderException(403, "Policy doesn't allow access to project " + project + ".");
        }
        return who;
    }

    private static JsonObject member(RoutingContext ctx, String key) {
        JsonObject body;
        try {
            body = ctx.body() == null || ctx.body().buffer() == null ? null : ctx.body().asJsonObject();
        } catch (DecodeException | ClassCastException e) {
            throw CinderException.badRequest("Malformed request body");
        }
        if (body == null || !(body.getValue(key) instanceof JsonObject inner)) {
            throw CinderException.badRequest("Missing required element '" + key + "' in request body.");
        }
        return inner;
    }

    private static String text(JsonObject v, String key, String legacy) {
        Object x = v.containsKey(key) ? v.getValue(key) : v.getValue(legacy);
        if (x != null && !(x instanceof String)) {
            throw CinderException.badRequest("Invalid input received: '" + key + "' must be a string.");
        }
        String s = (String) x;
        if (s != null && s.length() > 255) {
            throw CinderException.badRequest("Invalid input received: '" + key + "' exceeds 255 characters.");
        }
        return s;
    }

    private static boolean truthy(String s) {
        return s != null && Set.of("1", "true", "yes", "on", "t", "y").contains(s.strip().toLowerCase());
    }

    private static void send(RoutingContext ctx, int status, JsonObject body) {
        ctx.response().setStatusCode(status)
                .putHeader("Content-Type", "application/json")
                .putHeader("OpenStack-API-Version", "volume 3.0")
                .end(body.encode());
    }
}
