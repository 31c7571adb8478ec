package io.zunvx.api.host;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.zunvx.api.http.ApiRouter;
import io.zunvx.api.http.Microversions;
import io.zunvx.api.http.QueryParams;
import io.zunvx.api.http.RequestContext;
import io.zunvx.api.policy.Policy;
import io.zunvx.model.ComputeNode;
import io.zunvx.model.ZunService;
import io.zunvx.model.ZunTime;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.host.CpuPins;
import io.zunvx.platform.host.HostEvents;
import io.zunvx.platform.host.NumaJson;
import io.zunvx.platform.host.ServiceRepository;
import io.zunvx.platform.outbox.Outbox;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Pattern;

/**
 * Hosts (admin, 1.4 and later), Zun services (admin) and availability zones, as in reference §3.6, §3.7 and §3.10.
 * An operator's change to a service is written with a {@code host.service-changed} event in the same transaction,
 * so schedulers stop (or resume) placing on that host at once.
 */
public final class HostApi {
    private static final Pattern HOST = Pattern.compile("^[a-zA-Z0-9-._]*$");
    private static final Set<String> HOST_SORT_KEYS = Set.of("hostname", "uuid", "mem_total", "mem_used", "cpus",
            "cpu_used", "disk_total", "disk_used", "total_containers", "architecture", "os_type", "os",
            "kernel_version", "created_at", "updated_at");

    private final Transactions db;
    private final Policy policy;
    private final ComputeNodeRepository nodes = new ComputeNodeRepository();
    private final ServiceRepository services = new ServiceRepository();
    private final CpuPins pins = new CpuPins();
    private final String publicUrl;
    private final int maxLimit;
    private final Duration downTime;
    private final Clock clock;

    public HostApi(Transactions db, Policy policy, String publicUrl, int maxLimit, Duration downTime, Clock clock) {
        this.db = db;
        this.policy = policy;
        this.publicUrl = publicUrl;
        this.maxLimit = maxLimit;
        this.downTime = downTime;
        this.clock = clock;
    }

    public void mount(Router r) {
        r.get("/v1/hosts").handler(this::listHosts);
        r.get("/v1/hosts/:id").handler(this::showHost);
        r.get("/v1/services").handler(this::listServices);
        r.put("/v1/services/enable").handler(ctx -> disable(ctx, false));
        r.put("/v1/services/disable").handler(ctx -> disable(ctx, true));
        r.put("/v1/services/force_down").handler(this::forceDown);
        r.delete("/v1/services").handler(this::deleteService);
        r.get("/v1/availability_zones").handler(this::zones);
    }

    // ---- hosts ----------------------------------------------------------------------------------------------------

    private void listHosts(RoutingContext ctx) {
        Microversions.requireAtLeast(RequestContext.version(ctx), 4);
        policy.enforce("host:get_all", RequestContext.identity(ctx));
        MultiMap q = ctx.queryParams();
        int limit = q.get("limit") == null ? maxLimit : QueryParams.limit(q.get("limit"), maxLimit);
        String sortKey = q.get("sort_key") == null ? "hostname" : q.get("sort_key");
        if (!HOST_SORT_KEYS.contains(sortKey)) {
            throw new ZunException(400, "invalid-parameter-value",
                    "The sort_key value \"" + sortKey + "\" is an invalid field for sorting");
        }
        String sortDir = q.get("sort_dir") == null ? "asc" : QueryParams.sortDir(q.get("sort_dir"));
        String marker = q.get("marker");
        Future<Optional<ComputeNode>> markerNode = marker == null ? Future.succeededFuture(Optional.empty())
                : find(marker).map(Optional::of);
        markerNode.compose(m -> db.read(sql -> nodes.page(sql, sortKey, "asc".equals(sortDir),
                        m.map(ComputeNode::hostname).orElse(null), limit)))
                .compose(page -> db.read(sql -> pins.ofHosts(sql, page.stream().map(ComputeNode::hostname).toList()))
                        .map(pinned -> {
                            JsonArray hosts = new JsonArray();
                            page.forEach(n -> hosts.add(host(n, pinned.getOrDefault(n.hostname(), List.of()))));
                            return Map.entry(page, hosts);
                        }))
                .onSuccess(listed -> {
                    List<ComputeNode> page = listed.getKey();
                    JsonArray hosts = listed.getValue();
                    JsonObject out = new JsonObject().put("hosts", hosts);
                    out.put("next", page.size() == limit ? publicUrl + "/v1/hosts?sort_key=" + sortKey
                            + "&sort_dir=" + sortDir + "&limit=" + limit + "&marker=" + page.getLast().uuid() : null);
                    ApiRouter.json(ctx, 200, out.encode());
                })
                .onFailure(ctx::fail);
    }

    private void showHost(RoutingContext ctx) {
        Microversions.requireAtLeast(RequestContext.version(ctx), 4);
        policy.enforce("host:get", RequestContext.identity(ctx));
        find(ctx.pathParam("id"))
                .compose(n -> db.read(sql -> pins.ofHost(sql, n.hostname())).map(pinned -> host(n, pinned)))
                .onSuccess(h -> ApiRouter.json(ctx, 200, h.encode()))
                .onFailure(ctx::fail);
    }

    private Future<ComputeNode> find(String ident) {
        UUID uuid = null;
        try {
            uuid = UUID.fromString(ident);
        } catch (IllegalArgumentException e) {
            // not a uuid: a host name
        }
        UUID byUuid = uuid;
        Future<Optional<ComputeNode>> found = db.read(sql -> byUuid != null ? nodes.findByUuid(sql, byUuid)
                : nodes.find(sql, ident));
        return found.compose(n -> n.isPresent() ? Future.succeededFuture(n.get())
                : Future.failedFuture(ZunException.notFound("compute-node-not-found",
                        "Compute node " + ident + " could not be found.")));
    }

    /** Zun's host object; {@code numa_topology} shows the reported nodes with the CPUs pinned now ({@code cpu_pins}). */
    private JsonObject host(ComputeNode n, List<Integer> pinned) {
        return new JsonObject()
                .put("uuid", n.uuid().toString())
                .put("links", new JsonArray()
                        .add(new JsonObject().put("href", publicUrl + "/v1/hosts/" + n.uuid()).put("rel", "self"))
                        .add(new JsonObject().put("href", publicUrl + "/hosts/" + n.uuid()).put("rel", "bookmark")))
                .put("hostname", n.hostname())
                .put("mem_total", n.memTotal())
                .put("mem_used", n.memUsed())
                .put("cpus", n.cpus())
                .put("cpu_used", n.cpuUsed())
                .put("disk_total", n.diskTotal())
                .put("disk_used", n.diskUsed())
                .put("total_containers", n.totalContainers())
                .put("architecture", n.architecture())
                .put("os_type", n.osType())
                .put("os", n.os())
                .put("kernel_version", n.kernelVersion())
                .put("labels", new JsonObject(new LinkedHashMap<>(n.labels())))
                .put("disk_quota_supported", false)
                .put("runtimes", new JsonArray(new ArrayList<>(n.runtimes())))
                .put("enable_cpu_pinning", n.enableCpuPinning())
                .put("numa_topology", n.numaTopology() == null ? null
                        : NumaJson.encode(n.numaTopology().withPinned(new HashSet<>(pinned))));
    }

    // ---- services -------------------------------------------------------------------------------------------------

    private void listServices(RoutingContext ctx) {
        policy.enforce("zun-service:get_all", RequestContext.identity(ctx));
        db.read(sql -> services.list(sql)).onSuccess(list -> {
            JsonArray out = new JsonArray();
            list.forEach(s -> out.add(service(s)));
            ApiRouter.json(ctx, 200, new JsonObject().put("services", out).encode());
        }).onFailure(ctx::fail);
    }

    private JsonObject service(ZunService s) {
        return new JsonObject()
                .put("id", s.id())
                .put("host", s.host())
                .put("binary", s.binary())
                .put("disabled", s.disabled())
                .put("disabled_reason", s.disabledReason())
                .put("forced_down", s.forcedDown())
                .put("last_seen_up", ZunTime.iso(s.lastSeenUp()))
                .put("report_count", s.reportCount())
                .put("availability_zone", s.availabilityZone() == null ? "nova" : s.availabilityZone())
                .put("created_at", ZunTime.iso(s.createdAt()))
                .put("updated_at", ZunTime.iso(s.updatedAt()))
                .put("state", s.isUp(clock.instant(), downTime) ? "up" : "down");
    }

    /** {@code host} and {@code binary}, from the query (validated as Zun does) or, as Zun also accepts, the body. */
    private record ServiceKey(String host, String binary, MultiMap params) {
    }

    private static ServiceKey key(RoutingContext ctx, Set<String> extra) {
        MultiMap q = MultiMap.caseInsensitiveMultiMap().addAll(ctx.queryParams());
        if (q.isEmpty() && ctx.body() != null && !ctx.body().isEmpty()) {
            try {
                JsonObject b = ctx.body().asJsonObject();
                if (b != null) {
                    b.forEach(e -> q.add(e.getKey(), String.valueOf(e.getValue())));
                }
            } catch (RuntimeException e) {
                throw ZunException.schema("Request body is not a JSON object.");
            }
        }
        Set<String> allowed = new TreeSet<>(Set.of("host", "binary"));
        allowed.addAll(extra);
        QueryParams.rejectAdditional(q, allowed);
        String host = q.get("host");
        String binary = q.get("binary");
        if (host == null || binary == null) {
            throw ZunException.schema("'" + (host == null ? "host" : "binary") + "' is a required property");
        }
        if (host.isEmpty() || host.length() > 255 || !HOST.matcher(host).matches()) {
            throw ZunException.schema("Invalid input for query parameters 'host'. Value: '" + host + "'.");
        }
        if (binary.isEmpty() || binary.length() > 255) {
            throw ZunException.schema("Invalid input for query parameters 'binary'. Value: '" + binary + "'.");
        }
        return new ServiceKey(host, binary, q);
    }

    private static ZunException unknownService(ServiceKey k) {
        return ZunException.notFound("zun-service-not-found",
                "Zun service " + k.binary() + " on host " + k.host() + " could not be found.");
    }

    private void disable(RoutingContext ctx, boolean disable) {
        Identity who = RequestContext.identity(ctx);
        policy.enforce(disable ? "zun-service:disable" : "zun-service:enable", who);
        ServiceKey k = key(ctx, disable ? Set.of("disabled_reason") : Set.of());
        String reason = k.params().get("disabled_reason");
        if (reason != null && (reason.isEmpty() || reason.length() > 255)) {
            throw ZunException.schema("Invalid input for query parameters 'disabled_reason'. Value: '" + reason
                    + "'.");
        }
        db.inTransaction(tx -> services.setDisabled(tx, k.host(), k.binary(), disable, reason)
                        .compose(s -> s.isEmpty() ? Future.<ZunService>failedFuture(unknownService(k))
                                : Outbox.add(tx, HostEvents.serviceChanged(s.get())).map(s.get())))
                .onSuccess(s -> ApiRouter.json(ctx, 200, new JsonObject().put("service", new JsonObject()
                        .put("host", s.host()).put("binary", s.binary()).put("disabled", s.disabled())
                        .put("disabled_reason", s.disabledReason())).encode()))
                .onFailure(ctx::fail);
    }

    private void forceDown(RoutingContext ctx) {
        policy.enforce("zun-service:force_down", RequestContext.identity(ctx));
        ServiceKey k = key(ctx, Set.of("forced_down"));
        boolean down = QueryParams.narrowBool(k.params(), "forced_down", true);
        db.inTransaction(tx -> services.setForcedDown(tx, k.host(), k.binary(), down)
                        .compose(s -> s.isEmpty() ? Future.<ZunService>failedFuture(unknownService(k))
                                : Outbox.add(tx, HostEvents.serviceChanged(s.get())).map(s.get())))
                .onSuccess(s -> ApiRouter.json(ctx, 200, new JsonObject().put("service", new JsonObject()
                        .put("host", s.host()).put("binary", s.binary()).put("forced_down", s.forcedDown()))
                        .encode()))
                .onFailure(ctx::fail);
    }

    private void deleteService(RoutingContext ctx) {
        policy.enforce("zun-service:delete", RequestContext.identity(ctx));
        ServiceKey k = key(ctx, Set.of());
        db.read(sql -> services.delete(sql, k.host(), k.binary()))
                .compose(gone -> gone ? Future.succeededFuture() : Future.failedFuture(unknownService(k)))
                .onSuccess(v -> ApiRouter.json(ctx, 200, "null"))
                .onFailure(ctx::fail);
    }

    // ---- availability zones ---------------------------------------------------------------------------------------

    private void zones(RoutingContext ctx) {
        policy.enforce("availability_zones:get_all", RequestContext.identity(ctx));
        db.read(sql -> services.list(sql)).onSuccess(list -> {
            Set<String> zones = new TreeSet<>();
            list.forEach(s -> zones.add(s.availabilityZone() == null ? "nova" : s.availabilityZone()));
            JsonArray out = new JsonArray();
            zones.forEach(z -> out.add(new JsonObject().put("availability_zone", z)));
            ApiRouter.json(ctx, 200, new JsonObject().put("availability_zones", out).putNull("next").encode());
        }).onFailure(ctx::fail);
    }
}
