package io.zunvx.api.network;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.sqlclient.SqlClient;
import io.zunvx.api.http.ApiRouter;
import io.zunvx.api.http.RequestContext;
import io.zunvx.model.Network;
import io.zunvx.model.Port;
import io.zunvx.model.SecurityGroup;
import io.zunvx.model.Subnet;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.network.Ipam;
import io.zunvx.platform.network.NetworkRepository;
import io.zunvx.platform.network.NeutronException;
import io.zunvx.platform.network.SecurityGroupRepository;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;

/**
 * Neutron's v2.0 API, the part {@code openstack network|subnet|port|security group|security group rule} uses:
 * create, list (with Neutron's equality filters), show and delete, plus renaming networks. Non-admins see their
 * project's resources and shared networks; another project's answer 404 as if absent. Addresses are IPv4.
 */
public final class NeutronApi {
    static final String BASE = "/network/v2.0";
    private static final Set<String> NOT_FILTERS = Set.of("fields", "limit", "marker", "sort_key", "sort_dir",
            "page_reverse");

    private final Transactions db;
    private final SqlClient sql;
    private final NetworkRepository networks;
    private final SecurityGroupRepository groups;
    private final String publicUrl;

    public NeutronApi(Transactions db, NetworkRepository networks, SecurityGroupRepository groups, String publicUrl) {
        this.db = db;
        this.sql = db.statements();
        this.networks = networks;
        this.groups = groups;
        this.publicUrl = publicUrl;
    }

    public void mount(Router r) {
        r.get("/network").handler(this::versions);
        r.get("/network/").handler(this::versions);
        r.get(BASE).handler(this::index);
        r.get(BASE + "/").handler(this::index);
        r.get(BASE + "/extensions").handler(ctx -> ok(ctx, 200, new JsonObject().put("extensions", new JsonArray())));

        r.post(BASE + "/networks").handler(ctx -> handle(ctx, this::createNetwork));
        r.get(BASE + "/networks").handler(ctx -> handle(ctx, this::listNetworks));
        r.get(BASE + "/networks/:id").handler(ctx -> handle(ctx, this::showNetwork));
        r.put(BASE + "/networks/:id").handler(ctx -> handle(ctx, this::updateNetwork));
        r.delete(BASE + "/networks/:id").handler(ctx -> handle(ctx, this::deleteNetwork));

        r.post(BASE + "/subnets").handler(ctx -> handle(ctx, this::createSubnet));
        r.get(BASE + "/subnets").handler(ctx -> handle(ctx, this::listSubnets));
        r.get(BASE + "/subnets/:id").handler(ctx -> handle(ctx, this::showSubnet));
        r.delete(BASE + "/subnets/:id").handler(ctx -> handle(ctx, this::deleteSubnet));

        r.post(BASE + "/ports").handler(ctx -> handle(ctx, this::createPort));
        r.get(BASE + "/ports").handler(ctx -> handle(ctx, this::listPorts));
        r.get(BASE + "/ports/:id").handler(ctx -> handle(ctx, this::showPort));
        r.delete(BASE + "/ports/:id").handler(ctx -> handle(ctx, this::deletePort));

        r.post(BASE + "/security-groups").handler(ctx -> handle(ctx, this::createGroup));
        r.get(BASE + "/security-groups").handler(ctx -> handle(ctx, this::listGroups));
        r.get(BASE + "/security-groups/:id").handler(ctx -> handle(ctx, this::showGroup));
        r.delete(BASE + "/security-groups/:id").handler(ctx -> handle(ctx, this::deleteGroup));

        r.post(BASE + "/security-group-rules").handler(ctx -> handle(ctx, this::createRule));
        r.get(BASE + "/security-group-rules").handler(ctx -> handle(ctx, this::listRules));
        r.get(BASE + "/security-group-rules/:id").handler(ctx -> handle(ctx, this::showRule));
        r.delete(BASE + "/security-group-rules/:id").handler(ctx -> handle(ctx, this::deleteRule));
    }

    /** An answer: status and body ({@code null} for none). */
    record Reply(int status, JsonObject body) {
    }

    private void handle(RoutingContext ctx, Function<RoutingContext, Future<Reply>> h) {
        Future<Reply> f;
        try {
            f = h.apply(ctx);
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        f.onSuccess(reply -> {
            if (reply.body() == null) {
                ctx.response().setStatusCode(reply.status()).end();
            } else {
                ok(ctx, reply.status(), reply.body());
            }
        }).onFailure(ctx::fail);
    }

    private static void ok(RoutingContext ctx, int status, JsonObject body) {
        ApiRouter.json(ctx, status, body.encode());
    }

    private void versions(RoutingContext ctx) {
        ok(ctx, 200, new JsonObject().put("versions", new JsonArray().add(new JsonObject().put("id", "v2.0")
                .put("status", "CURRENT").put("links", new JsonArray().add(new JsonObject()
                        .put("href", publicUrl + BASE + "/").put("rel", "self"))))));
    }

    private void index(RoutingContext ctx) {
        JsonArray resources = new JsonArray();
        for (String[] r : new String[][] {{"network", "networks"}, {"subnet", "subnets"}, {"port", "ports"},
                {"security_group", "security-groups"}, {"security_group_rule", "security-group-rules"}}) {
            resources.add(new JsonObject().put("name", r[0]).put("collection", r[1]).put("links", new JsonArray()
                    .add(new JsonObject().put("href", publicUrl + BASE + "/" + r[1]).put("rel", "self"))));
        }
        ok(ctx, 200, new JsonObject().put("resources", resources));
    }

    // ---- networks -------------------------------------------------------------------------------------------------

    private Future<Reply> createNetwork(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        JsonObject b = body(ctx, "network", Set.of("name", "description", "shared", "admin_state_up", "project_id",
                "tenant_id", "availability_zone_hints", "port_security_enabled", "router:external", "mtu"));
        defaultOnly(b, "availability_zone_hints", new JsonArray());
        defaultOnly(b, "port_security_enabled", true);
        defaultOnly(b, "router:external", false);
        defaultOnly(b, "mtu", 1500);
        String project = owner(b, who);
        boolean shared = bool(b, "shared", false);
        if (shared && !who.isAdmin()) {
            throw new NeutronException(403, "PolicyNotAuthorized", "(rule:create_network and"
                    + " rule:create_network:shared) is disallowed by policy");
        }
        Network n = new Network(UUID.randomUUID(), string(b, "name", 255), project, shared,
                bool(b, "admin_state_up", true), string(b, "description", 255), false, null, null);
        return networks.createNetwork(sql, n).map(made -> new Reply(201, new JsonObject().put("network",
                NeutronViews.network(made, List.of()))));
    }

    private Future<Reply> listNetworks(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        return networks.listNetworks(sql, scope(who)).compose(list -> networks.listSubnets(sql, scope(who))
                .map(subnets -> new Reply(200, new JsonObject().put("networks",
                        filter(ctx, list.stream().map(n -> NeutronViews.network(n, subnets)).toList())))));
    }

    private Future<Reply> showNetwork(RoutingContext ctx) {
        return visibleNetwork(ctx, ctx.pathParam("id")).compose(n -> networks.subnetsOf(sql, n.uuid())
                .map(s -> new Reply(200, new JsonObject().put("network", NeutronViews.network(n, s)))));
    }

    private Future<Reply> updateNetwork(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        JsonObject b = body(ctx, "network", Set.of("name", "description", "shared"));
        Boolean shared = b.containsKey("shared") ? bool(b, "shared", false) : null;
        if (shared != null && !who.isAdmin()) {
            throw new NeutronException(403, "PolicyNotAuthorized", "rule:update_network:shared is disallowed by"
                    + " policy");
        }
        String name = b.containsKey("name") ? string(b, "name", 255) : null;
        String description = b.containsKey("description") ? string(b, "description", 255) : null;
        return ownedNetwork(ctx, ctx.pathParam("id"))
                .compose(n -> networks.updateNetwork(sql, n.uuid(), name, description, shared))
                .compose(n -> networks.subnetsOf(sql, n.uuid())
                        .map(s -> new Reply(200, new JsonObject().put("network", NeutronViews.network(n, s)))));
    }

    private Future<Reply> deleteNetwork(RoutingContext ctx) {
        return ownedNetwork(ctx, ctx.pathParam("id")).compose(n -> networks.deleteNetwork(db, n.uuid()))
                .map(v -> new Reply(204, null));
    }

    private Future<Network> visibleNetwork(RoutingContext ctx, String id) {
        Identity who = RequestContext.identity(ctx);
        UUID uuid = uuid(id, "Network");
        return networks.findNetwork(sql, uuid).compose(found -> found.isPresent()
                && (who.isAdmin() || found.get().visibleTo(who.projectId()))
                ? Future.succeededFuture(found.get())
                : Future.failedFuture(NeutronException.notFound("Network", id)));
    }

    private Future<Network> ownedNetwork(RoutingContext ctx, String id) {
        Identity who = RequestContext.identity(ctx);
        return visibleNetwork(ctx, id).compose(n -> who.isAdmin() || n.projectId().equals(who.projectId())
                ? Future.succeededFuture(n)
                : Future.failedFuture(new NeutronException(403, "PolicyNotAuthorized",
                "rule:admin_or_owner is disallowed by policy for network " + id + ".")));
    }

    // ---- subnets --------------------------------------------------------------------------------------------------

    private Future<Reply> createSubnet(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        JsonObject b = body(ctx, "subnet", Set.of("name", "description", "network_id", "cidr", "ip_version",
                "gateway_ip", "allocation_pools", "enable_dhcp", "project_id", "tenant_id", "dns_nameservers",
                "host_routes"));
        defaultOnly(b, "dns_nameservers", new JsonArray());
        defaultOnly(b, "host_routes", new JsonArray());
        Object version = b.getValue("ip_version");
        if (version != null && !Integer.valueOf(4).equals(version) && !"4".equals(version)) {
            throw NeutronException.invalidInput(Integer.valueOf(6).equals(version) || "6".equals(version)
                    ? "IPv6 subnets are not supported by this service." : "'" + version + "' is not in [4, 6]");
        }
        String networkId = required(b, "network_id");
        String cidrText = required(b, "cidr");
        Ipam.Cidr cidr;
        try {
            cidr = Ipam.cidr(cidrText);
        } catch (IllegalArgumentException e) {
            throw NeutronException.invalidInput(e.getMessage());
        }
        String gateway;
        if (!b.containsKey("gateway_ip")) {
            gateway = Ipam.defaultGateway(cidr);
        } else if (b.getValue("gateway_ip") == null) {
            gateway = null;
        } else {
            gateway = string(b, "gateway_ip", 64);
            try {
                if (!cidr.contains(Ipam.parse(gateway))) {
                    throw NeutronException.badRequest("Gateway is not valid on subnet: gateway " + gateway
                            + " is outside " + cidr + ".");
                }
            } catch (IllegalArgumentException e) {
                throw NeutronException.invalidInput(e.getMessage());
            }
        }
        List<Subnet.Pool> pools;
        if (b.getValue("allocation_pools") != null) {
            pools = new ArrayList<>();
            JsonArray raw = array(b, "allocation_pools");
            for (int i = 0; i < raw.size(); i++) {
                if (!(raw.getValue(i) instanceof JsonObject p) || !(p.getValue("start") instanceof String s)
                        || !(p.getValue("end") instanceof String e)) {
                    throw NeutronException.invalidInput("Invalid data format for IP pool: '" + raw.getValue(i) + "'");
                }
                pools.add(new Subnet.Pool(s, e));
            }
            try {
                Ipam.checkPools(cidr, gateway, pools);
            } catch (IllegalArgumentException e) {
                throw NeutronException.badRequest(e.getMessage());
            }
        } else {
            pools = Ipam.defaultPools(cidr, gateway);
        }
        String project = owner(b, who);
        boolean dhcp = bool(b, "enable_dhcp", true);
        String name = string(b, "name", 255);
        String description = string(b, "description", 255);
        return ownedNetwork(ctx, networkId).compose(n -> networks.createSubnet(sql, new Subnet(UUID.randomUUID(),
                        n.uuid(), name, project, cidr.toString(), gateway, pools, dhcp, description, null)))
                .map(s -> new Reply(201, new JsonObject().put("subnet", NeutronViews.subnet(s))));
    }

    private Future<Reply> listSubnets(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        return networks.listSubnets(sql, scope(who)).map(list -> new Reply(200, new JsonObject().put("subnets",
                filter(ctx, list.stream().map(NeutronViews::subnet).toList()))));
    }

    private Future<Reply> showSubnet(RoutingContext ctx) {
        return visibleSubnet(ctx, ctx.pathParam("id"))
                .map(s -> new Reply(200, new JsonObject().put("subnet", NeutronViews.subnet(s))));
    }

    private Future<Reply> deleteSubnet(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        return visibleSubnet(ctx, ctx.pathParam("id")).compose(s -> who.isAdmin()
                        || s.projectId().equals(who.projectId()) ? networks.deleteSubnet(db, s.uuid())
                        : Future.failedFuture(new NeutronException(403, "PolicyNotAuthorized",
                        "rule:admin_or_owner is disallowed by policy for subnet " + s.uuid() + ".")))
                .map(v -> new Reply(204, null));
    }

    private Future<Subnet> visibleSubnet(RoutingContext ctx, String id) {
        Identity who = RequestContext.identity(ctx);
        UUID uuid = uuid(id, "Subnet");
        return networks.findSubnet(sql, uuid).compose(found -> found.isEmpty()
                ? Future.failedFuture(NeutronException.notFound("Subnet", id))
                : networks.findNetwork(sql, found.get().networkId()).compose(n -> n.isPresent()
                && (who.isAdmin() || n.get().visibleTo(who.projectId()))
                ? Future.succeededFuture(found.get())
                : Future.failedFuture(NeutronException.notFound("Subnet", id))));
    }

    // ---- ports ----------------------------------------------------------------------------------------------------

    private Future<Reply> createPort(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        JsonObject b = body(ctx, "port", Set.of("name", "description", "network_id", "fixed_ips", "project_id",
                "tenant_id", "security_groups", "admin_state_up", "port_security_enabled", "binding:vnic_type",
                "binding:host_id"));
        defaultOnly(b, "admin_state_up", true);
        defaultOnly(b, "port_security_enabled", true);
        defaultOnly(b, "binding:vnic_type", "normal");
        String networkId = required(b, "network_id");
        String project = owner(b, who);
        String fixedIp = null;
        String subnetId = null;
        if (b.getValue("fixed_ips") != null) {
            JsonArray ips = array(b, "fixed_ips");
            if (ips.size() > 1) {
                throw NeutronException.badRequest("Exceeded maximum amount of fixed ips per port: this service"
                        + " gives a port one address.");
            }
            if (ips.size() == 1) {
                if (!(ips.getValue(0) instanceof JsonObject f)) {
                    throw NeutronException.invalidInput("Invalid data format for fixed IP: '" + ips.getValue(0) + "'");
                }
                for (String k : f.fieldNames()) {
                    if (!k.equals("ip_address") && !k.equals("subnet_id")) {
                        throw NeutronException.invalidInput("Invalid data format for fixed IP: '" + f + "'");
                    }
                }
                fixedIp = f.getValue("ip_address") == null ? null : String.valueOf(f.getValue("ip_address"));
                subnetId = f.getValue("subnet_id") == null ? null : String.valueOf(f.getValue("subnet_id"));
            }
        }
        List<String> asked = b.getValue("security_groups") == null ? null : strings(array(b, "security_groups"));
        String host = string(b, "binding:host_id", 255);
        if (host != null && !host.isEmpty() && !who.isAdmin()) {
            // Neutron's policy: only an admin chooses where a port is bound.
            throw new NeutronException(403, "PolicyNotAuthorized", "(rule:create_port and"
                    + " rule:create_port:binding:host_id) is disallowed by policy");
        }
        String name = string(b, "name", 255);
        String description = string(b, "description", 255);
        String ip = fixedIp;
        String subnet = subnetId;
        return visibleNetwork(ctx, networkId)
                .compose(n -> subnet == null ? Future.succeededFuture(n) : visibleSubnet(ctx, subnet).compose(s ->
                        s.networkId().equals(n.uuid()) ? Future.succeededFuture(n)
                                : Future.failedFuture(NeutronException.badRequest("Failed to create port on network "
                                + n.uuid() + ", because fixed_ips included invalid subnet " + subnet + "."))))
                .compose(n -> resolveGroups(who, project, asked).compose(gs -> db.inTransaction(tx ->
                        networks.createPort(tx, n.uuid(), subnet == null ? null : UUID.fromString(subnet), project,
                                name, ip, "", true, gs, description).compose(p -> host == null || host.isEmpty()
                                ? Future.succeededFuture(p) : networks.bindHost(tx, p.uuid(), host)))))
                .map(p -> new Reply(201, new JsonObject().put("port", NeutronViews.port(p))));
    }

    private Future<Reply> listPorts(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        return networks.listPorts(sql, scope(who)).map(list -> new Reply(200, new JsonObject().put("ports",
                filter(ctx, list.stream().map(NeutronViews::port).toList()))));
    }

    private Future<Reply> showPort(RoutingContext ctx) {
        return visiblePort(ctx, ctx.pathParam("id"))
                .map(p -> new Reply(200, new JsonObject().put("port", NeutronViews.port(p))));
    }

    private Future<Reply> deletePort(RoutingContext ctx) {
        return visiblePort(ctx, ctx.pathParam("id")).compose(p -> networks.deletePort(sql, p.uuid()))
                .map(v -> new Reply(204, null));
    }

    private Future<Port> visiblePort(RoutingContext ctx, String id) {
        Identity who = RequestContext.identity(ctx);
        UUID uuid = uuid(id, "Port");
        return networks.findPort(sql, uuid).compose(found -> found.isPresent()
                && (who.isAdmin() || found.get().projectId().equals(who.projectId()))
                ? Future.succeededFuture(found.get())
                : Future.failedFuture(NeutronException.notFound("Port", id)));
    }

    /** Group names or ids as ids, each visible to the caller; none asked means the project's default group. */
    Future<List<String>> resolveGroups(Identity who, String project, List<String> asked) {
        if (asked == null || asked.isEmpty()) {
            return groups.defaultGroup(db, project).map(g -> List.of(g.uuid().toString()));
        }
        return groups.defaultGroup(db, project).compose(d -> groups.list(sql, who.isAdmin() ? null : project))
                .map(all -> {
                    List<String> out = new ArrayList<>();
                    for (String a : asked) {
                        List<SecurityGroup> match = all.stream().filter(g -> g.uuid().toString().equals(a)
                                || (g.name().equals(a) && g.projectId().equals(project))).toList();
                        if (match.isEmpty()) {
                            throw NeutronException.notFound("SecurityGroup", a);
                        }
                        if (match.size() > 1) {
                            throw NeutronException.conflict("NoUniqueMatch", "Multiple security groups named " + a
                                    + "; use an id.");
                        }
                        String id = match.get(0).uuid().toString();
                        if (!out.contains(id)) {
                            out.add(id);
                        }
                    }
                    return out;
                });
    }

    // ---- security groups ------------------------------------------------------------------------------------------

    private Future<Reply> createGroup(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        JsonObject b = body(ctx, "security_group", Set.of("name", "description", "project_id", "tenant_id",
                "stateful"));
        defaultOnly(b, "stateful", true);
        String project = owner(b, who);
        String name = string(b, "name", 255);
        String description = string(b, "description", 255);
        return groups.defaultGroup(db, project).compose(d -> groups.create(sql, project, name, description))
                .map(g -> new Reply(201, new JsonObject().put("security_group", NeutronViews.group(g))));
    }

    private Future<Reply> listGroups(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        // Neutron makes a project's default group the first time the project looks.
        return groups.defaultGroup(db, who.projectId()).compose(d -> groups.list(sql, scope(who)))
                .map(list -> new Reply(200, new JsonObject().put("security_groups",
                        filter(ctx, list.stream().map(NeutronViews::group).toList()))));
    }

    private Future<Reply> showGroup(RoutingContext ctx) {
        return visibleGroup(ctx, ctx.pathParam("id"))
                .map(g -> new Reply(200, new JsonObject().put("security_group", NeutronViews.group(g))));
    }

    private Future<Reply> deleteGroup(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        return visibleGroup(ctx, ctx.pathParam("id")).compose(g -> {
            if (SecurityGroup.DEFAULT.equals(g.name()) && !who.isAdmin()) {
                return Future.failedFuture(NeutronException.conflict("SecurityGroupCannotRemoveDefault",
                        "Insufficient rights for removing default security group."));
            }
            return groups.delete(db, g.uuid());
        }).map(v -> new Reply(204, null));
    }

    private Future<SecurityGroup> visibleGroup(RoutingContext ctx, String id) {
        Identity who = RequestContext.identity(ctx);
        UUID uuid = uuid(id, "SecurityGroup");
        return groups.find(sql, uuid).compose(found -> found.isPresent()
                && (who.isAdmin() || found.get().projectId().equals(who.projectId()))
                ? Future.succeededFuture(found.get())
                : Future.failedFuture(NeutronException.notFound("SecurityGroup", id)));
    }

    // ---- security group rules -------------------------------------------------------------------------------------

    private Future<Reply> createRule(RoutingContext ctx) {
        JsonObject b = body(ctx, "security_group_rule", Set.of("security_group_id", "direction", "ethertype",
                "protocol", "port_range_min", "port_range_max", "remote_ip_prefix", "remote_group_id",
                "description", "project_id", "tenant_id"));
        RuleInput in = RuleInput.parse(b);
        String groupId = required(b, "security_group_id");
        return visibleGroup(ctx, groupId)
                .compose(g -> in.remoteGroup() == null ? Future.succeededFuture(g)
                        : visibleGroup(ctx, in.remoteGroup().toString()).map(g))
                .compose(g -> {
                    boolean duplicate = g.rules().stream().anyMatch(in::sameAs);
                    if (duplicate) {
                        return Future.failedFuture(NeutronException.conflict("SecurityGroupRuleExists",
                                "Security group rule already exists."));
                    }
                    return groups.addRule(db, g.uuid(), g.projectId(), in.direction(), in.ethertype(),
                            in.protocol(), in.min(), in.max(), in.remoteIp(), in.remoteGroup(), in.description());
                })
                .map(r -> new Reply(201, new JsonObject().put("security_group_rule", NeutronViews.rule(r))));
    }

    private Future<Reply> listRules(RoutingContext ctx) {
        Identity who = RequestContext.identity(ctx);
        return groups.defaultGroup(db, who.projectId()).compose(d -> groups.listRules(sql, scope(who)))
                .map(list -> new Reply(200, new JsonObject().put("security_group_rules",
                        filter(ctx, list.stream().map(NeutronViews::rule).toList()))));
    }

    private Future<Reply> showRule(RoutingContext ctx) {
        return visibleRule(ctx, ctx.pathParam("id"))
                .map(r -> new Reply(200, new JsonObject().put("security_group_rule", NeutronViews.rule(r))));
    }

    private Future<Reply> deleteRule(RoutingContext ctx) {
        return visibleRule(ctx, ctx.pathParam("id")).compose(r -> groups.deleteRule(db, r))
                .map(v -> new Reply(204, null));
    }

    private Future<SecurityGroup.Rule> visibleRule(RoutingContext ctx, String id) {
        Identity who = RequestContext.identity(ctx);
        UUID uuid = uuid(id, "SecurityGroupRule");
        return groups.findRule(sql, uuid).compose(found -> found.isPresent()
                && (who.isAdmin() || found.get().projectId().equals(who.projectId()))
                ? Future.succeededFuture(found.get())
                : Future.failedFuture(NeutronException.notFound("SecurityGroupRule", id)));
    }

    // ---- request parsing ------------------------------------------------------------------------------------------

    /** The caller's project, or {@code null} (everything) for an admin. */
    private static String scope(Identity who) {
        return who.isAdmin() ? null : who.projectId();
    }

    /** The project a new resource belongs to: the caller's, or the one an admin names. */
    static String owner(JsonObject b, Identity who) {
        Object asked = b.getValue("project_id", b.getValue("tenant_id"));
        if (asked == null || Objects.equals(asked, who.projectId())) {
            return who.projectId();
        }
        if (!(asked instanceof String s) || s.isEmpty() || s.length() > 255) {
            throw NeutronException.invalidInput("'" + asked + "' is not a valid project id");
        }
        if (!who.isAdmin()) {
            throw new NeutronException(403, "PolicyNotAuthorized", "Specifying 'project_id' or 'tenant_id' other"
                    + " than the authenticated project in request requires admin privileges");
        }
        return s;
    }

    /** The resource object of the body, with only {@code allowed} attributes. */
    static JsonObject body(RoutingContext ctx, String resource, Set<String> allowed) {
        JsonObject whole;
        try {
            whole = ctx.body().asJsonObject();
        } catch (RuntimeException e) {
            throw NeutronException.badRequest("Malformed request body: the body is not a JSON object.");
        }
        if (whole == null || !(whole.getValue(resource) instanceof JsonObject b)) {
            throw NeutronException.badRequest("Resource body required: a JSON object under '" + resource + "'.");
        }
        List<String> unknown = b.fieldNames().stream().filter(k -> !allowed.contains(k)).sorted().toList();
        if (!unknown.isEmpty()) {
            throw NeutronException.badRequest("Unrecognized attribute(s) '" + String.join(", ", unknown) + "'");
        }
        return b;
    }

    /** An attribute this service accepts only at Neutron's default value (it has no other behaviour for it). */
    static void defaultOnly(JsonObject b, String key, Object dflt) {
        if (b.containsKey(key) && !Objects.equals(b.getValue(key), dflt)) {
            throw NeutronException.invalidInput("'" + key + "' can only be " + dflt + " on this service.");
        }
    }

    static String required(JsonObject b, String key) {
        if (b.getValue(key) == null) {
            throw NeutronException.badRequest("Failed to parse request. Required attribute '" + key
                    + "' not specified");
        }
        return string(b, key, 255);
    }

    static String string(JsonObject b, String key, int max) {
        Object v = b.getValue(key);
        if (v == null) {
            return "";
        }
        if (!(v instanceof String s)) {
            throw NeutronException.invalidInput("'" + v + "' is not a valid string for " + key);
        }
        if (s.length() > max) {
            throw NeutronException.invalidInput("'" + s + "' exceeds maximum length of " + max + " for " + key);
        }
        return s;
    }

    static boolean bool(JsonObject b, String key, boolean dflt) {
        Object v = b.getValue(key);
        if (v == null) {
            return dflt;
        }
        if (v instanceof Boolean x) {
            return x;
        }
        String s = String.valueOf(v).toLowerCase(Locale.ROOT);
        if (s.equals("true") || s.equals("1")) {
            return true;
        }
        if (s.equals("false") || s.equals("0")) {
            return false;
        }
        throw NeutronException.invalidInput("'" + v + "' cannot be converted to boolean");
    }

    static JsonArray array(JsonObject b, String key) {
        if (!(b.getValue(key) instanceof JsonArray a)) {
            throw NeutronException.invalidInput("'" + b.getValue(key) + "' is not a list for " + key);
        }
        return a;
    }

    static List<String> strings(JsonArray a) {
        List<String> out = new ArrayList<>();
        for (Object o : a) {
            if (!(o instanceof String s) || s.isEmpty()) {
                throw NeutronException.invalidInput("'" + o + "' is not a valid security group");
            }
            out.add(s);
        }
        return out;
    }

    static UUID uuid(String id, String kind) {
        try {
            UUID u = UUID.fromString(id);
            if (u.toString().equalsIgnoreCase(id)) {
                return u;
            }
        } catch (IllegalArgumentException e) {
            // below
        }
        throw NeutronException.notFound(kind, id);
    }

    /** Neutron's list filters: every query parameter but paging ones is an equality test on an attribute. */
    static JsonArray filter(RoutingContext ctx, List<JsonObject> items) {
        JsonArray out = new JsonArray();
        Map<String, List<String>> filters = new LinkedHashMap<>();
        ctx.queryParams().forEach(e -> {
            if (!NOT_FILTERS.contains(e.getKey())) {
                filters.computeIfAbsent(e.getKey(), k -> new ArrayList<>()).add(e.getValue());
            }
        });
        for (JsonObject item : items) {
            boolean keep = filters.entrySet().stream().allMatch(f -> matches(item.getValue(f.getKey()),
                    f.getValue()));
            if (keep) {
                out.add(item);
            }
        }
        return out;
    }

    private static boolean matches(Object value, List<String> wanted) {
        if (value instanceof JsonArray a) {
            return wanted.stream().anyMatch(w -> a.stream().anyMatch(x -> String.valueOf(x).equals(w)
                    || (x instanceof JsonObject o && o.stream().anyMatch(en -> String.valueOf(en.getValue())
                    .equals(w.contains("=") ? w.substring(w.indexOf('=') + 1) : w)))));
        }
        String v = value == null ? "" : String.valueOf(value);
        return wanted.stream().anyMatch(w -> w.equalsIgnoreCase(v) && (value instanceof Boolean || w.equals(v)));
    }
}
