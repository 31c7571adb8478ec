package io.zunvx.api.capsule;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.api.container.ContainerFields;
import io.zunvx.api.container.Defaults;
import io.zunvx.api.container.DownHosts;
import io.zunvx.api.http.ApiRouter;
import io.zunvx.api.http.JsonBodies;
import io.zunvx.api.http.QueryParams;
import io.zunvx.api.http.RequestContext;
import io.zunvx.api.network.ContainerNetworks;
import io.zunvx.api.policy.Policy;
import io.zunvx.api.quota.QuotaGuard;
import io.zunvx.api.volume.VolumeMounts;
import io.zunvx.api.volume.VolumeQuota;
import io.zunvx.model.ApiVersion;
import io.zunvx.model.Capsule;
import io.zunvx.model.CapsuleView;
import io.zunvx.model.Container;
import io.zunvx.model.ContainerCommand;
import io.zunvx.model.Names;
import io.zunvx.model.RestartPolicy;
import io.zunvx.model.Status;
import io.zunvx.model.TaskState;
import io.zunvx.model.Topics;
import io.zunvx.model.Volume;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.capsule.CapsuleEvents;
import io.zunvx.platform.capsule.CapsuleRepository;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerCatalog;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.events.Envelopes;
import io.zunvx.platform.volume.VolumeRepository;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;

/**
 * Zun's capsules (reference §3.5, §6): create from a template, list, show and delete. A capsule is written in one
 * transaction as its row, its sandbox container (which carries the capsule's resources, network and ports and is
 * scheduled like a container) and one container row per init and main container; the agent of the sandbox's host
 * starts the rest once the sandbox runs. Its containers are not containers of {@code /v1/containers}.
 */
public final class CapsuleApi {
    private static final Pattern UUID_LIKE = Pattern.compile(
            "[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}");
    private static final List<String> LIST_PARAMS = List.of("limit", "marker", "sort_key", "sort_dir",
            "all_projects");

    private final SqlClient sql;
    private final ContainerStore store;
    private final ContainerCatalog catalog;
    private final ContainerActionRepository actions;
    private final CapsuleRepository capsules;
    private final ContainerNetworks networks;
    private final Policy policy;
    private final QuotaGuard quotas;
    private final String publicUrl;
    private final String sandboxImage;
    private final int maxLimit;
    private final Clock clock;
    private final RandomGenerator random;
    private final CapsuleVolumes volumes;
    private final DownHosts downHosts;

    public CapsuleApi(Transactions db, ContainerStore store, ContainerCatalog catalog,
                      ContainerActionRepository actions,
                      CapsuleRepository capsules, ContainerNetworks networks, Policy policy, QuotaGuard quotas,
                      String publicUrl, String sandboxImage, int maxLimit, Clock clock, RandomGenerator random,
                      Duration serviceDownTime) {
        this.sql = db.statements();
        this.store = store;
        this.catalog = catalog;
        this.actions = actions;
        this.capsules = capsules;
        this.networks = networks;
        this.policy = policy;
        this.quotas = quotas;
        this.publicUrl = publicUrl;
        this.sandboxImage = sandboxImage;
        this.maxLimit = maxLimit;
        this.clock = clock;
        this.random = random;
        VolumeRepository volumeRows = new VolumeRepository(clock);
        this.volumes = new CapsuleVolumes(volumeRows, new VolumeQuota(volumeRows), UUID::randomUUID);
        this.downHosts = new DownHosts(new VolumeMounts(volumeRows, new VolumeQuota(volumeRows), UUID::randomUUID),
                serviceDownTime, clock);
    }

    public void mount(Router r) {
        r.post("/v1/capsules").handler(this::create);
        r.get("/v1/capsules").handler(this::list);
        r.get("/v1/capsules/:c").handler(this::show);
        r.delete("/v1/capsules/:c").handler(this::delete);
    }

    // ---- create ---------------------------------------------------------------------------------------------------

    private void create(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        ApiVersion v = RequestContext.version(ctx);
        String req = RequestContext.requestId(ctx);
        JsonBodies.requireJson(ctx);
        policy.enforce("capsule:create", who);
        JsonObject body = JsonBodies.object(ctx);
        ContainerFields.noAdditional(body, List.of("template"));
        CapsuleTemplate t = CapsuleTemplate.parse(body.getValue("template"), Defaults.standard());
        boolean pullPolicy = t.initContainers().stream().anyMatch(s -> s.imagePullPolicy() != null)
                || t.containers().stream().anyMatch(s -> s.imagePullPolicy() != null);
        if (pullPolicy) {
            policy.enforce("container:create:image_pull_policy", who);
        }
        UUID uuid = UUID.randomUUID();
        Instant now = clock.instant();
        Capsule asked = new Capsule(uuid, t.name(), who.projectId(), who.userId(), t.labels(), t.annotations(),
                t.restartPolicy(), t.cpu(), t.memory(), List.of(), null, now, now, 0, 0);
        Map<UUID, List<CapsuleTemplate.MountSpec>> mounts = new HashMap<>();
        List<Container> members = members(t, asked, now, mounts);
        Container unhinted = Container.builder().uuid(uuid).name(prefix(asked) + "-sandbox")
                .projectId(who.projectId()).userId(who.userId()).image(sandboxImage)
                .imagePullPolicy("ifnotpresent").cpu(t.cpu()).memory(t.memory()).exposedPorts(t.exposedPorts())
                .restartPolicy(new RestartPolicy("always", 0)).availabilityZone(t.availabilityZone()).run(true)
                .status(Status.CREATING).createdAt(now).updatedAt(now).capsule(uuid, Container.ROLE_SANDBOX)
                .build();
        Future<Void> zone = t.availabilityZone() == null ? Future.succeededFuture()
                : catalog.zoneExists(t.availabilityZone()).compose(exists -> exists ? Future.<Void>succeededFuture()
                        : Future.failedFuture(ZunException.invalid("The availability zone " + t.availabilityZone()
                                + " does not exist.")));
        AtomicReference<Capsule> written = new AtomicReference<>(asked);
        zone.compose(x -> networks.resolve(List.of(), who))
                .compose(wanted -> networks.securityGroups(List.of(), who)
                        .compose(groups -> store.inTransaction(tx -> quotas.reserveCapsule(tx.connection(),
                                        who.projectId(), members.size(), t.cpu(), t.memory())
                                .compose(x -> volumes.apply(tx.connection(), t, who, uuid))
                                .compose(applied -> {
                                    Capsule capsule = new Capsule(uuid, t.name(), who.projectId(), who.userId(),
                                            t.labels(), t.annotations(), t.restartPolicy(), t.cpu(), t.memory(),
                                            applied.volumes(), null, now, now, 0, 0);
                                    written.set(capsule);
                                    Container sandbox = applied.hosts().isEmpty() ? unhinted : unhinted.toBuilder()
                                            .hints(Map.of(Volume.HOST_HINT, String.join(",", applied.hosts())))
                                            .build();
                                    return capsules.insert(tx.connection(), capsule)
                                            .compose(x -> networks.allocate(tx.connection(), sandbox, wanted,
                                                    groups));
                                })
                                .compose(withPorts -> tx.insert(withPorts, req))
                                .compose(saved -> insertAll(tx, members, req).map(saved))
                                .compose(saved -> volumes.attach(tx.connection(), written.get().volumes(), members,
                                        mounts).map(saved))
                                .compose(saved -> actions.start(tx.connection(), saved.uuid(), req, "create",
                                        saved.projectId(), saved.userId(), now).map(saved))
                                .compose(saved -> tx.publish(Envelopes.command(Topics.SCHEDULER_COMMANDS,
                                        new ContainerCommand.ScheduleContainer(saved.uuid(), req))).map(saved))
                                .compose(saved -> {
                                    List<Container> all = new ArrayList<>();
                                    all.add(saved);
                                    all.addAll(members);
                                    return CapsuleEvents.publish(tx.connection(), capsules, written.get(), all,
                                            req, now).map(all);
                                }))))
                .onSuccess(all -> {
                    ctx.response().putHeader("Location", publicUrl + "/v1/capsules/" + uuid);
                    ApiRouter.json(ctx, 202, view(written.get(), all, who, v).encode());
                })
                .onFailure(ctx::fail);
    }

    private static Future<Void> insertAll(ContainerStore.Tx tx, List<Container> members, String req) {
        Future<Void> chain = Future.succeededFuture();
        for (Container m : members) {
            chain = chain.compose(x -> tx.insert(m, req).mapEmpty());
        }
        return chain;
    }

    /**
     * The init and main containers as rows: named {@code capsule-<capsule name or uuid>-<greek>-<n>}, with the
     * capsule's restart policy; init containers under {@code always} get {@code on-failure} with 10 retries (Zun's
     * mapping), applied by the agent.
     */
    private List<Container> members(CapsuleTemplate t, Capsule capsule, Instant now,
                                    Map<UUID, List<CapsuleTemplate.MountSpec>> mounts) {
        List<Container> out = new ArrayList<>();
        for (CapsuleTemplate.Spec s : t.initContainers()) {
            RestartPolicy p = "always".equals(t.restartPolicy()) ? new RestartPolicy("on-failure", 10)
                    : new RestartPolicy(t.restartPolicy(), 0);
            out.add(member(s, capsule, Container.ROLE_INIT, p, now));
            mounts.put(out.getLast().uuid(), s.mounts());
        }
        for (CapsuleTemplate.Spec s : t.containers()) {
            out.add(member(s, capsule, Container.ROLE_CONTAINER, new RestartPolicy(t.restartPolicy(), 0), now));
            mounts.put(out.getLast().uuid(), s.mounts());
        }
        return out;
    }

    private Container member(CapsuleTemplate.Spec s, Capsule capsule, String role, RestartPolicy policy,
                             Instant now) {
        String greek = Names.container(random).replace("-container", "");
        return Container.builder().uuid(UUID.randomUUID()).name(prefix(capsule) + "-" + greek)
                .projectId(capsule.projectId()).userId(capsule.userId()).image(s.image())
                .imagePullPolicy(s.imagePullPolicy()).command(s.command()).environment(s.environment())
                .workdir(s.workdir()).cpu(s.cpu()).memory(s.memory()).exposedPorts(s.exposedPorts())
                .interactive(s.interactive()).tty(s.tty()).restartPolicy(policy).run(true).status(Status.CREATING)
                .labels(capsule.labels()).createdAt(now).updatedAt(now).capsule(capsule.uuid(), role).build();
    }

    private static String prefix(Capsule c) {
        return "capsule-" + (c.name() != null ? c.name() : c.uuid().toString());
    }

    // ---- list and show --------------------------------------------------------------------------------------------

    private void list(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        ApiVersion v = RequestContext.version(ctx);
        policy.enforce("capsule:get_all", who);
        boolean all = QueryParams.allProjects(ctx.queryParams());
        if (all) {
            policy.enforce("capsule:get_all_all_projects", who);
        }
        QueryParams.rejectUnknown(ctx.queryParams(), LIST_PARAMS);
        int limit = QueryParams.limit(ctx.queryParams().get("limit"), maxLimit);
        String sortDir = QueryParams.sortDir(ctx.queryParams().get("sort_dir"));
        String sortKey = ctx.queryParams().contains("sort_key") ? ctx.queryParams().get("sort_key") : "id";
        if (!CapsuleRepository.SORT_KEYS.contains(sortKey)) {
            throw new ZunException(400, "invalid-parameter-value",
                    "The sort_key value \"" + sortKey + "\" is an invalid field for sorting");
        }
        String markerText = ctx.queryParams().get("marker");
        UUID marker = null;
        if (markerText != null && !markerText.isEmpty()) {
            if (!UUID_LIKE.matcher(markerText).matches() || markerText.length() != 36) {
                throw notFound(markerText);
            }
            marker = UUID.fromString(markerText.toLowerCase(Locale.ROOT));
        }
        String project = all ? null : who.projectId();
        UUID m = marker;
        Future<Void> markerCheck = m == null ? Future.succeededFuture()
                : capsules.find(sql, m).compose(found -> found.isPresent()
                        && (project == null || project.equals(found.get().projectId()))
                        ? Future.<Void>succeededFuture() : Future.failedFuture(notFound(markerText)));
        markerCheck.compose(x -> capsules.list(sql, new CapsuleRepository.Page(project, sortKey,
                        "asc".equals(sortDir), m, limit)))
                .compose(rows -> {
                    List<Future<JsonObject>> views = new ArrayList<>();
                    rows.forEach(c -> views.add(catalog.ofCapsule(c.uuid()).map(cs -> view(c, cs, who, v))));
                    return Future.all(views).map(f -> {
                        JsonArray items = new JsonArray();
                        for (int i = 0; i < rows.size(); i++) {
                            items.add(f.resultAt(i));
                        }
                        JsonObject out = new JsonObject().put("capsules", items);
                        if (rows.size() == limit) {
                            out.put("next", publicUrl + "/v1/capsules?sort_key=" + sortKey + "&sort_dir=" + sortDir
                                    + "&limit=" + limit + "&marker=" + rows.getLast().uuid()
                                    + (all ? "&all_projects=True" : ""));
                        } else {
                            out.putNull("next");
                        }
                        return out;
                    });
                })
                .onSuccess(out -> ApiRouter.json(ctx, 200, out.encode()))
                .onFailure(ctx::fail);
    }

    private void show(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        ApiVersion v = RequestContext.version(ctx);
        if (QueryParams.allProjects(ctx.queryParams())) {
            policy.enforce("capsule:get_one_all_projects", who);
        }
        resolve(ctx.pathParam("c"), who)
                .compose(c -> {
                    policy.enforce("capsule:get", who, c.projectId());
                    return catalog.ofCapsule(c.uuid()).map(cs -> view(c, cs, who, v));
                })
                .onSuccess(out -> ApiRouter.json(ctx, 200, out.encode()))
                .onFailure(ctx::fail);
    }

    // ---- delete ---------------------------------------------------------------------------------------------------

    /**
     * Marks the capsule {@code Deleting} and, in the same transaction, asks the host of each placed container to
     * remove it (stopping it first); containers never placed go at once, and so do those of a host that is down
     * (their Docker containers are removed as orphans when it is back). The capsule's row goes with its last
     * container (the agent, or the sync loop after a crash, removes it), or at once when none was sent a command.
     */
    private void delete(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        String req = RequestContext.requestId(ctx);
        if (QueryParams.allProjects(ctx.queryParams())) {
            policy.enforce("capsule:delete_all_projects", who);
        }
        resolve(ctx.pathParam("c"), who)
                .compose(found -> store.inTransaction(tx -> capsules.lock(tx.connection(), found.uuid())
                        .compose(row -> {
                            if (row.isEmpty()) {
                                return Future.failedFuture(notFound(ctx.pathParam("c")));
                            }
                            Capsule c = row.get();
                            policy.enforce("capsule:delete", who, c.projectId());
                            Instant now = clock.instant();
                            return catalog.ofCapsule(c.uuid())
                                    .compose(list -> tx.lockAll(list.stream().map(Container::uuid).toList()))
                                    .compose(locked -> hostDown(tx, locked).compose(down -> removeAll(tx, c,
                                            locked, req, who, down)).compose(placed -> {
                                        if (placed == 0) {
                                            return capsules.delete(tx.connection(), c.uuid())
                                                    .compose(x -> CapsuleEvents.deleted(tx.connection(), c, req,
                                                            now));
                                        }
                                        return capsules.setTaskState(tx.connection(), c,
                                                        TaskState.CONTAINER_DELETING, now)
                                                .compose(x -> CapsuleEvents.publish(tx.connection(), capsules,
                                                        c.withTaskState(TaskState.CONTAINER_DELETING, now), locked,
                                                        req, now));
                                    }));
                        })))
                .onSuccess(x -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    /** Whether the host of the capsule's placed containers is down (see {@link DownHosts}). */
    private Future<Boolean> hostDown(ContainerStore.Tx tx, List<Container> rows) {
        String host = rows.stream().map(Container::host).filter(h -> h != null).findFirst().orElse(null);
        return host == null ? Future.succeededFuture(false) : downHosts.isDown(tx.connection(), host);
    }

    /**
     * Deletes the rows never placed, and those of a host that is down ({@link DownHosts#remove}: no agent could carry
     * out a command), and sends a delete to the host of every other; answers how many were sent.
     */
    private Future<Integer> removeAll(ContainerStore.Tx tx, Capsule capsule, List<Container> rows, String req,
                                      Identity who, boolean hostDown) {
        Future<Integer> chain = Future.succeededFuture(0);
        for (Container c : rows) {
            chain = chain.compose(n -> {
                Future<Void> recorded = actions.start(tx.connection(), c.uuid(), req, "delete", who.projectId(),
                        who.userId(), clock.instant());
                if (c.host() == null) {
                    return recorded.compose(x -> volumes.dropUnplaced(tx.connection(), c.uuid(), capsule.volumes()))
                            .compose(x -> tx.delete(c, req)).map(n);
                }
                if (hostDown) {
                    return recorded.compose(x -> downHosts.remove(tx, c, req)).map(n);
                }
                Container next = c.toBuilder().status(Status.DELETING).taskState(TaskState.CONTAINER_DELETING)
                        .build();
                return recorded.compose(x -> tx.save(c, next, req))
                        .compose(x -> tx.publish(Envelopes.command(Topics.compute(c.host()),
                                new ContainerCommand.DeleteContainer(c.uuid(), req, true, true))))
                        .map(n + 1);
            });
        }
        return chain;
    }

    // ---- shared ---------------------------------------------------------------------------------------------------

    /** A uuid-like identifier by uuid, anything else by name; others' capsules are 404 to non-admins. */
    private Future<Capsule> resolve(String ident, Identity who) {
        if (UUID_LIKE.matcher(ident).matches()) {
            String hex = ident.replace("-", "");
            UUID uuid = UUID.fromString(hex.substring(0, 8) + "-" + hex.substring(8, 12) + "-"
                    + hex.substring(12, 16) + "-" + hex.substring(16, 20) + "-" + hex.substring(20));
            return capsules.find(sql, uuid).compose(found -> found.isPresent()
                    && (who.isAdmin() || who.projectId().equals(found.get().projectId()))
                    ? Future.succeededFuture(found.get()) : Future.failedFuture(notFound(ident)));
        }
        return capsules.findByName(sql, ident, who.isAdmin() ? null : who.projectId()).compose(list -> {
            if (list.isEmpty()) {
                return Future.failedFuture(notFound(ident));
            }
            if (list.size() > 1) {
                return Future.failedFuture(ZunException.conflict(
                        "Multiple capsules exist with same name. Please use the capsule uuid instead."));
            }
            return Future.succeededFuture(list.getFirst());
        });
    }

    private static ZunException notFound(String ident) {
        return ZunException.notFound("not-found", "Capsule " + ident + " could not be found.");
    }

    private JsonObject view(Capsule c, List<Container> containers, Identity who, ApiVersion v) {
        boolean admin = policy.allows("capsule:get:host", who, c.projectId());
        return new JsonObject(CapsuleView.render(c, containers, publicUrl, admin, !v.atLeast(32)));
    }
}
