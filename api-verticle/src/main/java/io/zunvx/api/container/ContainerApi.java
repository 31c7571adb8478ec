package io.zunvx.api.container;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.zunvx.api.compute.ComputeClient;
import io.zunvx.api.http.ActionParams;
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
import io.zunvx.model.Container;
import io.zunvx.model.ContainerCommand;
import io.zunvx.model.ContainerView;
import io.zunvx.model.Operation;
import io.zunvx.model.Status;
import io.zunvx.model.TaskState;
import io.zunvx.model.Topics;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerCatalog;
import io.zunvx.platform.container.ContainerQuery;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.events.Envelopes;
import io.zunvx.platform.image.StoreImageRepository;
import io.zunvx.platform.registry.RegistryRepository;
import io.zunvx.platform.volume.VolumeRepository;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.random.RandomGenerator;

/**
 * Zun's container resource: create, list, show, delete and the lifecycle actions. Every write is a desired-state
 * change made in one transaction with its action record and its command in the outbox; the API never talks to Docker.
 */
public final class ContainerApi {
    private final ContainerStore store;
    private final ContainerCatalog catalog;
    private final Transactions db;
    private final ContainerActionRepository actions;
    private final ContainerLookup lookup;
    private final UniqueNames names;
    private final ComputeClient compute;
    private final String publicUrl;
    private final int maxLimit;
    private final Clock clock;
    private final RandomGenerator random;
    private final Policy policy;
    private final QuotaGuard quotas;
    private final ImageChecks images;
    private final VolumeMounts mounts;
    private final ContainerNetworks networks;
    private final DownHosts downHosts;

    /**
     * @param store           container writes with their events
     * @param catalog         container reads
     * @param db              transactions and reads of the other repositories
     * @param uniqueNameScope {@code ""}, {@code project} or {@code global}: where a new name must be unique
     * @param registries      the projects' registries, for {@code registry} and the registry a pull uses
     * @param storeImages     the image store, for {@code image_driver} {@code glance}
     * @param serviceDownTime a compute service whose last heartbeat is older than this is down
     */
    public ContainerApi(ContainerStore store, ContainerCatalog catalog, Transactions db,
                        ContainerActionRepository actions, ComputeClient compute, String publicUrl,
                        String uniqueNameScope, int maxLimit, Clock clock, RandomGenerator random, Policy policy,
                        QuotaGuard quotas, RegistryRepository registries, StoreImageRepository storeImages,
                        ContainerNetworks networks, Duration serviceDownTime) {
        this.networks = networks;
        this.store = store;
        this.catalog = catalog;
        this.db = db;
        this.actions = actions;
        this.lookup = new ContainerLookup(catalog);
        this.names = new UniqueNames(catalog, uniqueNameScope);
        this.compute = compute;
        this.publicUrl = publicUrl;
        this.maxLimit = maxLimit;
        this.clock = clock;
        this.random = random;
        this.policy = policy;
        this.quotas = quotas;
        this.images = new ImageChecks(registries, storeImages);
        this.mounts = new VolumeMounts(new VolumeRepository(clock), new VolumeQuota(new VolumeRepository(clock)),
                UUID::randomUUID);
        this.downHosts = new DownHosts(mounts, serviceDownTime, clock);
    }

    public void mount(Router r) {
        r.post("/v1/containers").handler(this::create);
        r.get("/v1/containers").handler(this::list);
        r.get("/v1/containers/:c").handler(this::show);
        r.delete("/v1/containers/:c").handler(this::delete);
        r.post("/v1/containers/:c/start").handler(ctx -> action(ctx, Operation.START, TaskState.CONTAINER_STARTING,
                null, "start", (c, req) -> new ContainerCommand.StartContainer(c.uuid(), req)));
        r.post("/v1/containers/:c/stop").handler(ctx -> {
            int timeout = timeout(ActionParams.of(ctx));
            action(ctx, Operation.STOP, TaskState.CONTAINER_STOPPING, null, "stop",
                    (c, req) -> new ContainerCommand.StopContainer(c.uuid(), req, timeout));
        });
        r.post("/v1/containers/:c/reboot").handler(ctx -> {
            int timeout = timeout(ActionParams.of(ctx));
            action(ctx, Operation.REBOOT, TaskState.CONTAINER_REBOOTING, Status.RESTARTING, "reboot",
                    (c, req) -> new ContainerCommand.RebootContainer(c.uuid(), req, timeout));
        });
        r.post("/v1/containers/:c/pause").handler(ctx -> action(ctx, Operation.PAUSE, TaskState.CONTAINER_PAUSING,
                null, "pause", (c, req) -> new ContainerCommand.PauseContainer(c.uuid(), req)));
        r.post("/v1/containers/:c/unpause").handler(ctx -> action(ctx, Operation.UNPAUSE,
                TaskState.CONTAINER_UNPAUSING, null, "unpause",
                (c, req) -> new ContainerCommand.UnpauseContainer(c.uuid(), req)));
        r.post("/v1/containers/:c/kill").handler(ctx -> {
            String signal = KillQuery.parse(ActionParams.of(ctx)).signal();
            action(ctx, Operation.KILL, TaskState.CONTAINER_KILLING, null, "kill",
                    (c, req) -> new ContainerCommand.KillContainer(c.uuid(), req, signal));
        });
        r.get("/v1/containers/:c/logs").handler(this::logs);
        r.get("/v1/containers/:c/container_actions").handler(this::actionList);
        r.get("/v1/containers/:c/container_actions/:req").handler(this::actionShow);
    }

    // ---- create ---------------------------------------------------------------------------------------------------

    private void create(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        ApiVersion v = RequestContext.version(ctx);
        String req = RequestContext.requestId(ctx);
        JsonBodies.requireJson(ctx);
        policy.enforce("container:create", who);
        boolean run = RunQuery.parse(ctx.queryParams()).run();
        JsonObject body = ContainerHttp.bodyObject(ctx);
        if (body != null && body.containsKey("run")) {
            // Zun takes run from the query or the body, and the rest of the body is the container
            body = body.copy();
            run = RunQuery.parse(ActionParams.withBody(ctx.queryParams(),
                    new JsonObject().put("run", body.remove("run")))).run();
        }
        CreateContainerRequest parsed = CreateContainerRequest.parse(body, v, who.projectId(), who.userId(),
                Defaults.standard(), UUID::randomUUID, random);
        if (parsed.privilegedRequested()) {
            policy.enforce("container:create:privileged", who);
        }
        if (parsed.runtimeRequested()) {
            policy.enforce("container:create:runtime", who);
        }
        if (parsed.hostRequested()) {
            policy.enforce("container:create:requested_destination", who);
        }
        if (parsed.imagePullPolicyRequested()) {
            policy.enforce("container:create:image_pull_policy", who);
        }
        Container asked = parsed.container().run(run).status(Status.CREATING).taskState(null).build();
        VolumeMounts.checkHints(asked.hints());
        VolumeMounts.Requested volumes = VolumeMounts.validate(parsed.mounts());
        AtomicReference<VolumeMounts.Resolved> resolved = new AtomicReference<>();
        db.read(conn -> images.check(conn, asked.image(), asked.imageDriver(), who.projectId())
                        .compose(v0 -> images.registry(conn, parsed.registry(), asked.image(), asked.imageDriver(),
                                who.projectId())))
                .map(registry -> registry == null ? asked : asked.toBuilder().registryId(registry).build())
                .compose(c -> names.check(c.name(), who).compose(v1 -> checkPlacementHints(c)).map(c))
                .compose(c -> networks.resolve(parsed.nets().stream().map(n -> new ContainerNetworks.Net(
                                n.network(), n.port(), n.v4FixedIp(), n.v6FixedIp())).toList(), who)
                        .compose(wanted -> (openPorts(c, wanted) ? Future.succeededFuture(List.<String>of())
                                : networks.securityGroups(c.securityGroups(), who))
                        .compose(groups -> store.inTransaction(tx -> quotas.reserve(tx.connection(), c)
                        .compose(v3 -> openPorts(c, wanted)
                                ? networks.exposedPortsGroup(tx.connection(), c, c.exposedPorts())
                                : Future.succeededFuture(groups))
                        .compose(sgs -> networks.allocate(tx.connection(), c, wanted, sgs))
                        .compose(withPorts -> mounts.apply(tx.connection(), withPorts, volumes, who, resolved))
                        .compose(withVolumes -> tx.insert(withVolumes, req))
                        .compose(saved -> mounts.record(tx.connection(), saved, resolved.get()).map(saved))
                        .compose(saved -> actions.start(tx.connection(), saved.uuid(), req, "create",
                                saved.projectId(), saved.userId(), clock.instant()).map(saved))
                        .compose(saved -> tx.publish(Envelopes.command(Topics.SCHEDULER_COMMANDS,
                                new ContainerCommand.ScheduleContainer(saved.uuid(), req))).map(saved))))))
                .onSuccess(saved -> {
                    ctx.response().putHeader("Location", publicUrl + "/v1/containers/" + saved.uuid());
                    ApiRouter.json(ctx, 202, view(ctx, saved, who).encode());
                })
                .onFailure(ctx::fail);
    }

    /**
     * Whether the container gets a group of its own opening its {@code exposed_ports} (Zun does so when it has
     * ports on a network; {@code security_groups} cannot be given with {@code exposed_ports}).
     */
    private static boolean openPorts(Container c, List<ContainerNetworks.Wanted> wanted) {
        return !c.exposedPorts().isEmpty() && !wanted.isEmpty();
    }

    /** A zone or host that does not exist is the request's fault (400), not a placement failure. */
    private Future<Void> checkPlacementHints(Container c) {
        Future<Void> zone = c.availabilityZone() == null ? Future.succeededFuture()
                : catalog.zoneExists(c.availabilityZone()).compose(exists -> exists ? Future.<Void>succeededFuture()
                        : Future.failedFuture(ZunException.invalid("The availability zone " + c.availabilityZone()
                                + " does not exist.")));
        return zone.compose(v -> c.requestedHost() == null ? Future.<Void>succeededFuture()
                : catalog.hostExists(c.requestedHost()).compose(exists -> exists ? Future.<Void>succeededFuture()
                        : Future.failedFuture(ZunException.invalid("The host " + c.requestedHost()
                                + " does not exist."))));
    }

    // ---- list and show --------------------------------------------------------------------------------------------

    private void list(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        ListQuery q = ListQuery.parse(ctx.queryParams(), maxLimit);
        policy.enforce("container:get_all", who);
        if (q.allProjects()) {
            policy.enforce("container:get_all_all_projects", who);
        }
        for (String field : ContainerView.ADMIN_ONLY) {
            if (q.filters().containsKey(field)) {
                policy.enforce("container:get_one:" + field, who);
            }
        }
        if (q.matchesNothing()) {
            ApiRouter.json(ctx, 200, new JsonObject().put("containers", new JsonArray()).putNull("next").encode());
            return;
        }
        Map<String, Object> filters = new LinkedHashMap<>();
        q.filters().forEach((k, val) -> filters.put(k, switch (k) {
            case "memory" -> Integer.valueOf(val);
            case "auto_remove" -> q.autoRemove();
            default -> val;
        }));
        String project = q.allProjects() ? null : who.projectId();
        String sortKey = switch (q.sortKey()) {
            case "ports" -> "exposed_ports";
            case "started_at" -> "created_at";
            default -> q.sortKey();
        };
        ContainerQuery query = new ContainerQuery(project, filters, sortKey, "asc".equals(q.sortDir()), q.marker(),
                q.limit());
        Future<Void> marker = q.marker() == null ? Future.succeededFuture()
                : catalog.find(q.marker()).compose(found ->
                        found.isPresent() && (project == null || project.equals(found.get().projectId()))
                                ? Future.<Void>succeededFuture()
                                : Future.failedFuture(ZunException.containerNotFound(q.marker().toString())));
        marker.compose(v -> catalog.list(query)).onSuccess(rows -> {
            JsonArray items = new JsonArray();
            rows.forEach(c -> items.add(view(ctx, c, who)));
            JsonObject out = new JsonObject().put("containers", items);
            if (rows.size() == q.limit()) {
                out.put("next", publicUrl + "/v1/containers?sort_key=" + q.sortKey() + "&sort_dir=" + q.sortDir()
                        + "&limit=" + q.limit() + "&marker=" + rows.getLast().uuid());
            } else {
                out.putNull("next");
            }
            ApiRouter.json(ctx, 200, out.encode());
        }).onFailure(ctx::fail);
    }

    private void show(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        if (QueryParams.allProjects(ctx.queryParams())) {
            policy.enforce("container:get_one_all_projects", who);
        }
        lookup.resolve(ctx.pathParam("c"), who)
                .map(c -> {
                    policy.enforce("container:get_one", who, c.projectId());
                    return c;
                })
                .onSuccess(c -> ApiRouter.json(ctx, 200, view(ctx, c, who).encode()))
                .onFailure(ctx::fail);
    }

    // ---- delete ---------------------------------------------------------------------------------------------------

    private void delete(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        ApiVersion v = RequestContext.version(ctx);
        String req = RequestContext.requestId(ctx);
        DeleteQuery q = DeleteQuery.parse(ActionParams.of(ctx));
        if (q.stop() && !v.atLeast(12)) {
            throw ZunException.invalidParamInVersion("stop", v.toString(), "1.12");
        }
        if (q.force() && !v.atLeast(7)) {
            throw ZunException.invalidParamInVersion("force", v.toString(), "1.7");
        }
        boolean stop = q.stop();
        boolean force = q.force() && !stop;
        if (stop) {
            policy.enforce("container:stop", who);
        }
        if (q.allProjects()) {
            policy.enforce("container:delete_all_projects", who);
        }
        Operation op = Operation.forDelete(q.force(), stop);
        lookup.resolve(ctx.pathParam("c"), who)
                .compose(found -> store.inTransaction(tx -> tx.lock(found.uuid()).compose(row -> {
                    if (row.isEmpty()) {
                        return Future.failedFuture(ZunException.containerNotFound(ctx.pathParam("c")));
                    }
                    Container c = row.get();
                    Future<Boolean> hostDown = force && c.host() != null
                            ? downHosts.isDown(tx.connection(), c.host()) : Future.succeededFuture(false);
                    return hostDown.compose(down -> {
                        if (force) {
                            // Forcing a live host's agent is an administrator's act (Zun's rule); on a host that is
                            // down nothing is forced: the row goes, and the owner may do that.
                            if (down) {
                                policy.enforce("container:delete_force_host_down", who, c.projectId());
                            } else {
                                policy.enforce("container:delete_force", who);
                            }
                        }
                        policy.enforce("container:delete", who, c.projectId());
                        if (!op.allows(c.status())) {
                            return Future.failedFuture(ZunException.invalidState(op, c.uuid().toString(),
                                    c.status()));
                        }
                        Future<Void> recorded = actions.start(tx.connection(), c.uuid(), req, "delete",
                                who.projectId(), who.userId(), clock.instant());
                        if (c.host() == null) {
                            // Never placed: nothing exists outside the database.
                            return recorded.compose(x -> mounts.dropUnplaced(tx.connection(), c.uuid()))
                                    .compose(x -> tx.delete(c, req));
                        }
                        if (down) {
                            return recorded.compose(x -> downHosts.remove(tx, c, req));
                        }
                        Container next = c.toBuilder().status(Status.DELETING)
                                .taskState(TaskState.CONTAINER_DELETING).build();
                        return recorded.compose(x -> tx.save(c, next, req))
                                .compose(saved -> tx.publish(Envelopes.command(Topics.compute(c.host()),
                                        new ContainerCommand.DeleteContainer(c.uuid(), req, q.force(), stop))));
                    });
                })))
                .onSuccess(x -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    // ---- lifecycle actions ----------------------------------------------------------------------------------------

    /**
     * The shape every asynchronous action shares: check the state table inside the transaction, set the task state
     * (and the status Zun sets at once, e.g. {@code Restarting}), record the action and send the command to the
     * container's host. Answers 202 with a {@code null} body.
     */
    private void action(RoutingContext ctx, Operation op, TaskState task, Status immediate, String actionName,
                        BiFunction<Container, String, ContainerCommand> command) {
        Identity who = RequestContext.identity(ctx);
        String req = RequestContext.requestId(ctx);
        lookup.resolve(ctx.pathParam("c"), who)
                .compose(found -> store.inTransaction(tx -> tx.lock(found.uuid()).compose(row -> {
                    if (row.isEmpty()) {
                        return Future.failedFuture(ZunException.containerNotFound(ctx.pathParam("c")));
                    }
                    Container c = row.get();
                    policy.enforce("container:" + op.key(), who, c.projectId());
                    if (!op.allows(c.status())) {
                        return Future.failedFuture(ZunException.invalidState(op, c.uuid().toString(), c.status()));
                    }
                    if (c.host() == null) {
                        return Future.failedFuture(ZunException.invalidState(op, c.uuid().toString(), c.status()));
                    }
                    Container.Builder next = c.toBuilder().taskState(task);
                    if (immediate != null) {
                        next.status(immediate);
                    }
                    return actions.start(tx.connection(), c.uuid(), req, actionName, who.projectId(), who.userId(),
                                    clock.instant())
                            .compose(x -> tx.save(c, next.build(), req))
                            .compose(saved -> tx.publish(Envelopes.command(Topics.compute(c.host()),
                                    command.apply(c, req))));
                })))
                .onSuccess(x -> ApiRouter.json(ctx, 202, "null"))
                .onFailure(ctx::fail);
    }

    private static int timeout(MultiMap query) {
        Integer t = TimeoutQuery.parse(query).timeout();
        return t == null ? 10 : t;
    }

    // ---- logs -----------------------------------------------------------------------------------------------------

    private void logs(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        LogsQuery q = LogsQuery.parse(ctx.queryParams());
        lookup.resolve(ctx.pathParam("c"), who).compose(c -> {
            policy.enforce("container:logs", who, c.projectId());
            if (!Operation.LOGS.allows(c.status())) {
                return Future.failedFuture(ZunException.invalidState(Operation.LOGS, c.uuid().toString(),
                        c.status()));
            }
            if (c.host() == null || c.containerId() == null) {
                return Future.succeededFuture("");
            }
            Map<String, String> params = new LinkedHashMap<>();
            params.put("stdout", String.valueOf(q.stdout()));
            params.put("stderr", String.valueOf(q.stderr()));
            params.put("timestamps", String.valueOf(q.timestamps()));
            params.put("tail", q.tail() == null ? "all" : String.valueOf(q.tail()));
            params.put("since", q.since() == null ? null : String.valueOf(q.since()));
            return compute.getLogText(c.host(), "/containers/" + c.uuid() + "/logs", params);
        }).onSuccess(text -> ApiRouter.json(ctx, 200, Json.encode(text)))
                .onFailure(ctx::fail);
    }

    // ---- action records -------------------------------------------------------------------------------------------

    private void actionList(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        lookup.resolve(ctx.pathParam("c"), who)
                .compose(c -> {
                    policy.enforce("container:actions", who, c.projectId());
                    return catalog.actions(c.uuid());
                })
                .onSuccess(a -> ApiRouter.json(ctx, 200, new JsonObject().put("containerActions", a).encode()))
                .onFailure(ctx::fail);
    }

    private void actionShow(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        String req = ctx.pathParam("req");
        lookup.resolve(ctx.pathParam("c"), who)
                .compose(c -> {
                    policy.enforce("container:actions", who, c.projectId());
                    return catalog.action(c.uuid(), req, policy.allows("container:action:events", who,
                            c.projectId()));
                })
                .compose(found -> found.isPresent() ? Future.succeededFuture(found.get())
                        : Future.failedFuture(new ZunException(404, "resource-not-found",
                                "The Action resource " + req + " could not be found.")))
                .onSuccess(a -> ApiRouter.json(ctx, 200, a.encode()))
                .onFailure(ctx::fail);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private JsonObject view(RoutingContext ctx, Container c, Identity who) {
        return ContainerHttp.view(c, who, RequestContext.version(ctx), policy, publicUrl);
    }

}
