package io.zunvx.api.network;

import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.api.compute.ComputeClient;
import io.zunvx.api.container.ContainerLookup;
import io.zunvx.api.http.ActionParams;
import io.zunvx.api.http.ApiRouter;
import io.zunvx.api.http.Microversions;
import io.zunvx.api.http.RequestContext;
import io.zunvx.api.policy.Policy;
import io.zunvx.model.Address;
import io.zunvx.model.ApiVersion;
import io.zunvx.model.Container;
import io.zunvx.model.Network;
import io.zunvx.model.Port;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerCatalog;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.network.NetworkRepository;
import io.zunvx.platform.network.NeutronException;
import io.zunvx.platform.network.SecurityGroupRepository;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

/**
 * Networks on containers: what {@code nets} on create means (a project's own network when none is asked), the
 * ports a container gets inside its create transaction (so its {@code addresses} are known at once and nothing is
 * half-made), {@code network_attach} / {@code network_detach}, and Zun's admin-only {@code /v1/networks}.
 */
public final class ContainerNetworks {
    private final Transactions db;
    private final SqlClient sql;
    private final NetworkRepository networks;
    private final SecurityGroupRepository groups;
    private final ContainerStore store;
    private final ContainerActionRepository actions;
    private final ComputeClient compute;
    private final Policy policy;
    private final Clock clock;
    private final ContainerLookup lookup;

    public ContainerNetworks(Transactions db, NetworkRepository networks, SecurityGroupRepository groups,
                             ContainerStore store, ContainerCatalog catalog, ContainerActionRepository actions,
                             ComputeClient compute, Policy policy, Clock clock) {
        this.db = db;
        this.sql = db.statements();
        this.networks = networks;
        this.groups = groups;
        this.store = store;
        this.actions = actions;
        this.compute = compute;
        this.policy = policy;
        this.clock = clock;
        this.lookup = new ContainerLookup(catalog);
    }

    /**
     * One entry of {@code nets} resolved: a network (a new port is made on it, at {@code fixedIp} when given) or an
     * existing free port of the caller's project (kept as it is).
     */
    public record Wanted(Network network, String fixedIp, Port port) {
    }

    /**
     * Resolves {@code nets} entries ({@code network} by id or name, {@code port} by id or name, {@code v4-fixed-ip})
     * against what the caller may use; none asked means the project's own network, made on first use.
     */
    public Future<List<Wanted>> resolve(List<Net> nets, Identity who) {
        if (nets.isEmpty()) {
            return networks.projectNetwork(db, who.projectId()).map(n -> List.of(new Wanted(n, null, null)));
        }
        List<Future<Wanted>> out = new ArrayList<>();
        for (Net n : nets) {
            if (n.v6FixedIp() != null) {
                return Future.failedFuture(ZunException.invalid("IPv6 fixed addresses are not supported: "
                        + n.v6FixedIp()));
            }
            out.add(n.port() != null ? port(n.port(), who).map(p -> new Wanted(null, null, p))
                    : network(n.network(), who).map(net -> new Wanted(net, n.v4FixedIp(), null)));
        }
        return Future.all(out).map(all -> {
            List<Wanted> list = new ArrayList<>();
            Set<UUID> seen = new HashSet<>();
            for (int i = 0; i < all.size(); i++) {
                Wanted w = all.resultAt(i);
                UUID net = w.port() != null ? w.port().networkId() : w.network().uuid();
                if (!seen.add(net)) {
                    throw ZunException.invalid("Network " + net + " is asked for more than once.");
                }
                list.add(w);
            }
            return list;
        });
    }

    /** A {@code nets} entry without a {@code network} or {@code port} is not one (the request parser's type). */
    public record Net(String network, String port, String v4FixedIp, String v6FixedIp) {
    }

    /**
     * Gives the container its ports inside the create transaction and returns it with {@code addresses} and
     * {@code security_groups} filled. A fixed IP outside the network's subnets or taken fails the whole create.
     */
    public Future<Container> allocate(SqlClient tx, Container c, List<Wanted> wanted, List<String> securityGroups) {
        Map<String, List<Address>> addresses = new LinkedHashMap<>();
        Set<String> boundHosts = new TreeSet<>();
        Future<Void> chain = Future.succeededFuture();
        for (Wanted w : wanted) {
            if (w.port() != null && w.port().host() != null && !w.port().host().isEmpty()) {
                boundHosts.add(w.port().host());
            }
            chain = chain.compose(v -> (w.port() != null ? networks.bindPort(tx, w.port().uuid(), c.uuid())
                    : networks.createPort(tx, w.network().uuid(), null, c.projectId(), "", w.fixedIp(),
                    c.uuid().toString(), false, securityGroups, ""))
                    .map(p -> {
                        addresses.computeIfAbsent(p.networkId().toString(), k -> new ArrayList<>()).add(p.address());
                        return null;
                    }));
        }
        return chain.map(v -> {
            Container.Builder b = c.toBuilder().addresses(addresses).securityGroups(securityGroups);
            if (!boundHosts.isEmpty()) {
                // The scheduler's PortHostFilter: an endpoint lives on one host's engine.
                Map<String, String> hints = new LinkedHashMap<>(c.hints());
                hints.put(Port.HOST_HINT, String.join(",", boundHosts));
                b.hints(hints);
            }
            return b.build();
        });
    }

    /** The name of the group a container with {@code exposed_ports} gets (Zun's {@code zun-<container uuid>}). */
    public static String exposedPortsGroupName(UUID container) {
        return "zun-" + container;
    }

    /**
     * Zun's group for a container with {@code exposed_ports}, inside the create's transaction: a group of the
     * container's project named {@link #exposedPortsGroupName}, with Neutron's egress rules and one IPv4 ingress rule
     * per exposed port from anywhere; the container carries it instead of {@code default}. It goes with the container
     * (the {@code containers} delete trigger, V17), unless a port or another group's rule still names it.
     *
     * @param exposedPorts as {@code "<port>/<tcp|udp>"}
     * @return the group's id, as the one entry of the container's {@code security_groups}
     */
    public Future<List<String>> exposedPortsGroup(SqlClient tx, Container c, List<String> exposedPorts) {
        return groups.create(tx, c.projectId(), exposedPortsGroupName(c.uuid()),
                        "Opens the exposed ports of container " + c.uuid())
                .compose(g -> {
                    Future<Void> chain = Future.succeededFuture();
                    for (String p : exposedPorts) {
                        int slash = p.indexOf('/');
                        int port = Integer.parseInt(slash < 0 ? p : p.substring(0, slash));
                        String protocol = slash < 0 ? "tcp" : p.substring(slash + 1);
                        chain = chain.compose(x -> groups.addRuleIn(tx, g.uuid(), c.projectId(), "ingress", "IPv4",
                                protocol, port, port, "0.0.0.0/0").mapEmpty());
                    }
                    return chain.map(x -> List.of(g.uuid().toString()));
                });
    }

    /** Security group names or ids as ids of groups the project may use; none means its default group. */
    public Future<List<String>> securityGroups(List<String> asked, Identity who) {
        return new NeutronApi(db, networks, groups, "").resolveGroups(who, who.projectId(), asked)
                .recover(err -> Future.failedFuture(err instanceof NeutronException n && n.status() == 404
                        ? ZunException.invalid(n.getMessage()) : err));
    }

    private Future<Network> network(String ident, Identity who) {
        return networks.listNetworks(sql, who.isAdmin() ? null : who.projectId()).map(all -> {
            List<Network> match = all.stream().filter(n -> n.uuid().toString().equals(ident)).toList();
            if (match.isEmpty()) {
                match = all.stream().filter(n -> n.name().equals(ident)
                        && (n.projectId().equals(who.projectId()) || n.shared())).toList();
            }
            if (match.isEmpty()) {
                throw new NeutronException(404, "NetworkNotFound", "Neutron network " + ident
                        + " could not be found.");
            }
            if (match.size() > 1) {
                throw new NeutronException(409, "Conflict", "Multiple neutron networks exist with same name "
                        + ident + ". Please use the uuid instead.");
            }
            return match.get(0);
        });
    }

    private Future<Port> port(String ident, Identity who) {
        return networks.listPorts(sql, who.isAdmin() ? null : who.projectId()).map(all -> {
            List<Port> match = all.stream().filter(p -> p.uuid().toString().equals(ident)).toList();
            if (match.isEmpty()) {
                match = all.stream().filter(p -> p.name().equals(ident) && p.projectId().equals(who.projectId()))
                        .toList();
            }
            if (match.isEmpty()) {
                throw new NeutronException(404, "PortNotFound", "Neutron port " + ident + " could not be found.");
            }
            if (match.size() > 1) {
                throw new NeutronException(409, "Conflict", "Multiple neutron ports exist with same name " + ident
                        + ". Please use the uuid instead.");
            }
            Port p = match.get(0);
            if (!p.deviceId().isEmpty()) {
                throw new NeutronException(409, "PortInUse", "Port " + p.uuid() + " is still in use.");
            }
            return p;
        });
    }

    // ---- routes ---------------------------------------------------------------------------------------------------

    public void mount(Router r) {
        r.post("/v1/containers/:c/network_attach").handler(this::attach);
        r.post("/v1/containers/:c/network_detach").handler(this::detach);
        r.post("/v1/containers/:c/add_security_group").handler(ctx -> securityGroup(ctx, true));
        r.post("/v1/containers/:c/remove_security_group").handler(ctx -> securityGroup(ctx, false));
        r.post("/v1/networks").handler(this::createZunNetwork);
        r.delete("/v1/networks/:id").handler(this::deleteZunNetwork);
    }

    private static final Set<String> ATTACH_PARAMS = Set.of("network", "port", "fixed_ip");
    private static final Set<String> DETACH_PARAMS = Set.of("network", "port");

    /** {@code network_attach} (1.8-): a new port on a network (or an existing port) given to the container; 200. */
    private void attach(RoutingContext ctx) {
        ApiVersion v = RequestContext.version(ctx);
        Microversions.requireAtLeast(v, 8);
        Identity who = RequestContext.identity(ctx);
        String req = RequestContext.requestId(ctx);
        MultiMap q = ActionParams.of(ctx);
        params(q, ATTACH_PARAMS);
        String network = single(q, "network");
        String portName = single(q, "port");
        String fixedIp = single(q, "fixed_ip");
        if ((network == null) == (portName == null)) {
            throw ZunException.invalid("Exactly one of network and port must be given.");
        }
        if (fixedIp != null && !fixedIp.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            throw ZunException.invalid("fixed_ip " + fixedIp + " is not an IPv4 address.");
        }
        Future<Wanted> wanted = network != null
                ? network(network, who).map(n -> new Wanted(n, fixedIp, null))
                : port(portName, who).map(p -> new Wanted(null, null, p));
        lookup.resolve(ctx.pathParam("c"), who)
                .compose(c -> {
                    policy.enforce("container:network_attach", who, c.projectId());
                    return wanted.map(w -> Map.entry(c, w));
                })
                .compose(e -> {
                    Container c = e.getKey();
                    Wanted w = e.getValue();
                    UUID net = w.port() != null ? w.port().networkId() : w.network().uuid();
                    if (c.addresses().containsKey(net.toString())) {
                        return Future.failedFuture(ZunException.invalid("Container " + c.uuid()
                                + " is already connected to network " + net + "."));
                    }
                    return store.inTransaction(tx -> tx.lock(c.uuid()).compose(row -> {
                        Container now = row.orElseThrow(() -> ZunException.containerNotFound(c.uuid().toString()));
                        if (w.port() != null && w.port().host() != null && !w.port().host().isEmpty()
                                && now.host() != null && !now.host().equals(w.port().host())) {
                            return Future.failedFuture(ZunException.invalid("Port " + w.port().uuid()
                                    + " is bound to host " + w.port().host() + "; container " + now.uuid()
                                    + " runs on host " + now.host() + "."));
                        }
                        List<String> sgs = now.securityGroups();
                        return allocate(tx.connection(), now, List.of(w), sgs).compose(one -> {
                            Map<String, List<Address>> merged = new LinkedHashMap<>(now.addresses());
                            merged.putAll(one.addresses());
                            return actions.start(tx.connection(), now.uuid(), req, "network_attach",
                                            now.projectId(), now.userId(), clock.instant())
                                    .compose(x -> tx.save(now, now.toBuilder().addresses(merged).build(), req));
                        });
                    })).compose(saved -> connect(saved, net, req));
                })
                .onSuccess(c -> ctx.response().setStatusCode(200).end())
                .onFailure(ctx::fail);
    }

    /**
     * Connects the running side; when the host refuses, the port given is taken back so that the row and the host
     * agree (nothing half-made).
     */
    private Future<Container> connect(Container c, UUID net, String req) {
        if (c.host() == null || c.containerId() == null) {
            // Not on a host yet: the agent connects every port of the row when it creates the container.
            return Future.succeededFuture(c);
        }
        Address a = c.addresses().get(net.toString()).get(0);
        return compute.postJson(c.host(), "/containers/" + c.uuid() + "/networks/attach", Map.of(),
                        new JsonObject().put("port", a.port()))
                .map(c)
                .recover(err -> takeBack(c, net, req).compose(v -> Future.failedFuture(err)));
    }

    private Future<Void> takeBack(Container c, UUID net, String req) {
        return store.inTransaction(tx -> tx.lock(c.uuid()).compose(row -> {
            if (row.isEmpty()) {
                return Future.<Void>succeededFuture();
            }
            Container now = row.get();
            List<Address> gone = now.addresses().getOrDefault(net.toString(), List.of());
            Map<String, List<Address>> left = new LinkedHashMap<>(now.addresses());
            left.remove(net.toString());
            Future<Void> released = Future.succeededFuture();
            for (Address a : gone) {
                released = released.compose(v -> networks.releasePort(tx.connection(), UUID.fromString(a.port())));
            }
            return released.compose(v -> tx.save(now, now.toBuilder().addresses(left).build(), req)).mapEmpty();
        }));
    }

    /** {@code network_detach} (1.6-): the container leaves a network (given by network or port); 202. */
    private void detach(RoutingContext ctx) {
        ApiVersion v = RequestContext.version(ctx);
        Microversions.requireAtLeast(v, 6);
        Identity who = RequestContext.identity(ctx);
        String req = RequestContext.requestId(ctx);
        MultiMap q = ActionParams.of(ctx);
        params(q, DETACH_PARAMS);
        String network = single(q, "network");
        String portIdent = single(q, "port");
        if ((network == null) == (portIdent == null)) {
            throw ZunException.invalid("Exactly one of network and port must be given.");
        }
        Future<UUID> byNetwork = network == null ? Future.succeededFuture() : network(network, who).map(Network::uuid);
        lookup.resolve(ctx.pathParam("c"), who)
                .compose(c -> {
                    policy.enforce("container:network_detach", who, c.projectId());
                    return byNetwork.compose(asked -> networks.portsOf(sql, c.uuid()).map(ports -> {
                        UUID net = null;
                        for (Port p : ports) {
                            boolean match = asked != null ? p.networkId().equals(asked)
                                    : p.uuid().toString().equals(portIdent) || p.name().equals(portIdent);
                            if (match) {
                                net = p.networkId();
                            }
                        }
                        if (net == null) {
                            throw ZunException.invalid("Container " + c.uuid() + " is not connected to "
                                    + (network != null ? "network " + network : "port " + portIdent) + ".");
                        }
                        return Map.entry(c, net);
                    }));
                })
                .compose(e -> {
                    Container c = e.getKey();
                    UUID net = e.getValue();
                    Future<JsonObject> host = c.host() == null || c.containerId() == null
                            ? Future.succeededFuture(new JsonObject())
                            : compute.postJson(c.host(), "/containers/" + c.uuid() + "/networks/detach",
                            Map.of(), new JsonObject().put("network", net.toString()));
                    return host.compose(x -> takeBackAndRecord(c, net, req));
                })
                .onSuccess(x -> ctx.response().setStatusCode(202).end())
                .onFailure(ctx::fail);
    }

    private Future<Void> takeBackAndRecord(Container c, UUID net, String req) {
        return actions.start(sql, c.uuid(), req, "network_detach", c.projectId(), c.userId(), clock.instant())
                .compose(v -> takeBack(c, net, req));
    }

    /**
     * {@code add_security_group} / {@code remove_security_group} (1.1-1.14, 406 above): the group is added to or
     * removed from every port of the container, and from its {@code security_groups}; the host applies the change
     * within a second. Already present (add) or absent (remove) → 400. 202.
     */
    private void securityGroup(RoutingContext ctx, boolean add) {
        Microversions.requireRange(RequestContext.version(ctx), 1, 14);
        Identity who = RequestContext.identity(ctx);
        String req = RequestContext.requestId(ctx);
        MultiMap q = ActionParams.of(ctx);
        params(q, Set.of("name"));
        String name = single(q, "name");
        if (name == null) {
            throw ZunException.schema("'name' is a required property");
        }
        String action = add ? "add_security_group" : "remove_security_group";
        lookup.resolve(ctx.pathParam("c"), who)
                .compose(c -> {
                    policy.enforce("container:" + action, who, c.projectId());
                    return securityGroups(List.of(name), who).map(ids -> Map.entry(c, ids.get(0)));
                })
                .compose(e -> store.inTransaction(tx -> tx.lock(e.getKey().uuid()).compose(row -> {
                    Container now = row.orElseThrow(() -> ZunException.containerNotFound(e.getKey().uuid().toString()));
                    String id = e.getValue();
                    List<String> sgs = new ArrayList<>(now.securityGroups());
                    if (add == sgs.contains(id)) {
                        return Future.failedFuture(ZunException.invalid(add
                                ? "Security group " + name + " is already added to container " + now.uuid() + "."
                                : "Security group " + name + " is not added to container " + now.uuid() + "."));
                    }
                    if (add) {
                        sgs.add(id);
                    } else {
                        sgs.remove(id);
                    }
                    return networks.changeDeviceGroup(tx.connection(), now.uuid(), id, add)
                            .compose(x -> actions.start(tx.connection(), now.uuid(), req, action, now.projectId(),
                                    now.userId(), clock.instant()))
                            .compose(x -> tx.save(now, now.toBuilder().securityGroups(sgs).build(), req));
                })))
                .onSuccess(c -> ctx.response().setStatusCode(202).end())
                .onFailure(ctx::fail);
    }

    /** Zun's {@code POST /v1/networks} (admin): records a Neutron network for Docker; here networks are the subset's. */
    private void createZunNetwork(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        policy.enforce("network:create", who);
        JsonObject body = ctx.body().asJsonObject();
        Object id = body == null ? null : body.getValue("neutron_net_id");
        if (!(id instanceof String s) || s.isEmpty() || body.size() != 1) {
            throw ZunException.schema("Additional properties are not allowed or 'neutron_net_id' is a required"
                    + " property");
        }
        network(s, who).onSuccess(n -> ApiRouter.json(ctx, 200, new JsonObject()
                        .put("network", new JsonObject().put("uuid", n.uuid().toString()).put("name", n.name())
                                .put("project_id", n.projectId()).put("user_id", who.userId())
                                .put("network_id", DockerNames.network(n.uuid()))
                                .put("neutron_net_id", n.uuid().toString())).encode()))
                .onFailure(ctx::fail);
    }

    /** Zun's {@code DELETE /v1/networks/{id}} (1.27-, admin): the network goes unless containers use it. */
    private void deleteZunNetwork(RoutingContext ctx) {
        Microversions.requireAtLeast(RequestContext.version(ctx), 27);
        Identity who = RequestContext.identity(ctx);
        policy.enforce("network:delete", who);
        network(ctx.pathParam("id"), who)
                .compose(n -> networks.deleteNetwork(db, n.uuid()))
                .onSuccess(v -> ctx.response().setStatusCode(204).end())
                .onFailure(ctx::fail);
    }

    private static void params(MultiMap q, Set<String> allowed) {
        for (String k : q.names()) {
            if (!allowed.contains(k)) {
                throw ZunException.schema("Additional properties are not allowed ('" + k + "' was unexpected)");
            }
        }
    }

    private static String single(MultiMap q, String key) {
        List<String> all = q.getAll(key);
        if (all.isEmpty()) {
            return null;
        }
        String v = all.get(all.size() - 1);
        if (v.isEmpty() || v.length() > 255) {
            throw ZunException.schema("'" + v + "' is not a valid value for " + key);
        }
        return v;
    }

    /** Docker's names for platform networks, as the compute agent makes them. */
    static final class DockerNames {
        private DockerNames() {
        }

        static String network(UUID uuid) {
            return "zunvx-net-" + uuid;
        }
    }
}
