package io.zunvx.api.network;

import java.util.ArrayList;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.model.Network;
import io.zunvx.model.Port;
import io.zunvx.model.SecurityGroup;
import io.zunvx.model.Subnet;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/** Neutron v2.0's JSON shapes for the resources of the subset. */
final class NeutronViews {
    private NeutronViews() {
    }

    static JsonObject network(Network n, List<Subnet> subnets) {
        JsonArray ids = new JsonArray();
        subnets.stream().filter(s -> s.networkId().equals(n.uuid())).forEach(s -> ids.add(s.uuid().toString()));
        return new JsonObject()
                .put("id", n.uuid().toString()).put("name", n.name())
                .put("tenant_id", n.projectId()).put("project_id", n.projectId())
                .put("admin_state_up", n.adminStateUp()).put("status", "ACTIVE").put("subnets", ids)
                .put("shared", n.shared()).put("mtu", 1500).put("description", n.description())
                .put("availability_zone_hints", new JsonArray()).put("availability_zones", new JsonArray().add("nova"))
                .put("ipv4_address_scope", null).put("ipv6_address_scope", null).put("router:external", false)
                .put("port_security_enabled", true).put("is_default", n.projectDefault())
                .put("tags", new JsonArray()).put("revision_number", 0)
                .put("created_at", time(n.createdAt())).put("updated_at", time(n.updatedAt() != null
                        ? n.updatedAt() : n.createdAt()));
    }

    static JsonObject subnet(Subnet s) {
        JsonArray pools = new JsonArray();
        s.allocationPools().forEach(p -> pools.add(new JsonObject().put("start", p.start()).put("end", p.end())));
        return new JsonObject()
                .put("id", s.uuid().toString()).put("name", s.name()).put("network_id", s.networkId().toString())
                .put("tenant_id", s.projectId()).put("project_id", s.projectId())
                .put("ip_version", 4).put("cidr", s.cidr()).put("gateway_ip", s.gatewayIp())
                .put("allocation_pools", pools).put("enable_dhcp", s.enableDhcp())
                .put("dns_nameservers", new JsonArray()).put("host_routes", new JsonArray())
                .put("ipv6_ra_mode", null).put("ipv6_address_mode", null).put("subnetpool_id", null)
                .put("service_types", new JsonArray()).put("description", s.description())
                .put("tags", new JsonArray()).put("revision_number", 0)
                .put("created_at", time(s.createdAt())).put("updated_at", time(s.createdAt()));
    }

    static JsonObject port(Port p) {
        return new JsonObject()
                .put("id", p.uuid().toString()).put("name", p.name()).put("network_id", p.networkId().toString())
                .put("tenant_id", p.projectId()).put("project_id", p.projectId())
                .put("mac_address", p.macAddress()).put("admin_state_up", true)
                .put("status", p.deviceId().isEmpty() ? "DOWN" : "ACTIVE")
                .put("device_id", p.deviceId()).put("device_owner", p.deviceOwner())
                .put("fixed_ips", new JsonArray().add(new JsonObject().put("subnet_id", p.subnetId().toString())
                        .put("ip_address", p.ipAddress())))
                .put("security_groups", new JsonArray(new ArrayList<>(p.securityGroups())))
                .put("allowed_address_pairs", new JsonArray()).put("extra_dhcp_opts", new JsonArray())
                .put("binding:host_id", p.host() == null ? "" : p.host()).put("binding:vnic_type", "normal")
                // a bound port is a veth on the host's bridge, which is what Neutron calls "bridge"
                .put("binding:vif_type", p.host() == null ? "unbound" : "bridge")
                .put("binding:vif_details", new JsonObject()).put("binding:profile", new JsonObject())
                .put("port_security_enabled", true).put("description", p.description())
                .put("tags", new JsonArray()).put("revision_number", 0)
                .put("created_at", time(p.createdAt())).put("updated_at", time(p.createdAt()));
    }

    static JsonObject group(SecurityGroup g) {
        JsonArray rules = new JsonArray();
        g.rules().forEach(r -> rules.add(rule(r)));
        return new JsonObject()
                .put("id", g.uuid().toString()).put("name", g.name()).put("description", g.description())
                .put("tenant_id", g.projectId()).put("project_id", g.projectId())
                .put("security_group_rules", rules).put("stateful", true).put("tags", new JsonArray())
                .put("revision_number", g.revision())
                .put("created_at", time(g.createdAt())).put("updated_at", time(g.createdAt()));
    }

    static JsonObject rule(SecurityGroup.Rule r) {
        return new JsonObject()
                .put("id", r.uuid().toString()).put("security_group_id", r.groupId().toString())
                .put("tenant_id", r.projectId()).put("project_id", r.projectId())
                .put("direction", r.direction()).put("ethertype", r.ethertype()).put("protocol", r.protocol())
                .put("port_range_min", r.portMin()).put("port_range_max", r.portMax())
                .put("remote_ip_prefix", r.remoteIpPrefix())
                .put("remote_group_id", r.remoteGroupId() == null ? null : r.remoteGroupId().toString())
                .put("remote_address_group_id", null)
                .put("description", r.description()).put("revision_number", 0)
                .put("created_at", time(r.createdAt())).put("updated_at", time(r.createdAt()));
    }

    /** Neutron writes times as {@code 2026-01-02T03:04:05Z}. */
    static String time(Instant t) {
        return t == null ? null : t.truncatedTo(ChronoUnit.SECONDS).toString();
    }
}
