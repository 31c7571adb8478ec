package io.zunvx.api.network;

import io.vertx.core.json.JsonObject;
import io.zunvx.model.SecurityGroup;
import io.zunvx.platform.network.Ipam;
import io.zunvx.platform.network.NeutronException;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A security group rule as asked, checked the way Neutron checks it: direction, ethertype, protocol by name or number,
 * port range only for tcp/udp (1-65535, min ≤ max) or type/code for icmp (0-255), at most one of remote prefix and
 * remote group. Pure; failures are Neutron's 400s.
 */
record RuleInput(String direction, String ethertype, String protocol, Integer min, Integer max, String remoteIp,
                 UUID remoteGroup, String description) {
    private static final Map<String, String> NUMBERS = Map.of("6", "tcp", "17", "udp", "1", "icmp");

    static RuleInput parse(JsonObject b) {
        String direction = NeutronApi.string(b, "direction", 16);
        if (!direction.equals("ingress") && !direction.equals("egress")) {
            throw NeutronException.invalidInput("'" + b.getValue("direction") + "' is not in ['ingress', 'egress']");
        }
        String ethertype = b.getValue("ethertype") == null ? "IPv4" : NeutronApi.string(b, "ethertype", 8);
        if (!ethertype.equals("IPv4") && !ethertype.equals("IPv6")) {
            throw NeutronException.invalidInput("'" + ethertype + "' is not in ['IPv4', 'IPv6']");
        }
        String protocol = null;
        if (b.getValue("protocol") != null) {
            String p = String.valueOf(b.getValue("protocol")).toLowerCase(Locale.ROOT);
            p = NUMBERS.getOrDefault(p, p);
            if (p.equals("any")) {
                p = null;
            } else if (!p.equals("tcp") && !p.equals("udp") && !p.equals("icmp")) {
                throw new NeutronException(400, "SecurityGroupRuleInvalidProtocol", "Security group rule protocol "
                        + b.getValue("protocol") + " not supported. Only protocol values [None, tcp, udp, icmp] and"
                        + " integer representations [1, 6, 17] are supported.");
            }
            protocol = p;
        }
        Integer min = integer(b, "port_range_min");
        Integer max = integer(b, "port_range_max");
        if (protocol == null && (min != null || max != null)) {
            throw new NeutronException(400, "SecurityGroupProtocolRequiredWithPorts",
                    "Must also specify protocol if port range is given.");
        }
        if ("tcp".equals(protocol) || "udp".equals(protocol)) {
            if (min != null && max == null || min == null && max != null) {
                max = max == null ? min : max;
                min = min == null ? max : min;
            }
            if (min != null && (min < 1 || max > 65535 || min > max)) {
                throw new NeutronException(400, "SecurityGroupInvalidPortRange", "For TCP/UDP protocols,"
                        + " port_range_min must be <= port_range_max and both within 1-65535.");
            }
        } else if ("icmp".equals(protocol)) {
            if (min != null && (min < 0 || min > 255) || max != null && (max < 0 || max > 255)) {
                throw new NeutronException(400, "SecurityGroupInvalidIcmpValue", "Invalid value for ICMP type or"
                        + " code: must be between 0 and 255.");
            }
        }
        String remoteIp = null;
        if (b.getValue("remote_ip_prefix") != null) {
            String raw = NeutronApi.string(b, "remote_ip_prefix", 64);
            if (ethertype.equals("IPv6")) {
                throw NeutronException.invalidInput("IPv6 rules take no remote_ip_prefix on this service.");
            }
            try {
                remoteIp = raw.contains("/") ? normal(raw) : new Ipam.Cidr(Ipam.parse(raw), 32).toString();
            } catch (IllegalArgumentException e) {
                throw NeutronException.invalidInput(e.getMessage());
            }
        }
        UUID remoteGroup = null;
        if (b.getValue("remote_group_id") != null) {
            remoteGroup = NeutronApi.uuid(NeutronApi.string(b, "remote_group_id", 64), "SecurityGroup");
        }
        if (remoteIp != null && remoteGroup != null) {
            throw new NeutronException(400, "SecurityGroupRemoteGroupAndRemoteIpPrefix",
                    "Only remote_ip_prefix or remote_group_id may be provided.");
        }
        return new RuleInput(direction, ethertype, protocol, min, max, remoteIp, remoteGroup,
                NeutronApi.string(b, "description", 255));
    }

    /** A prefix with host bits set is taken as its network, as Neutron does. */
    private static String normal(String raw) {
        int slash = raw.indexOf('/');
        int prefix;
        try {
            prefix = Integer.parseInt(raw.substring(slash + 1));
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("'" + raw + "' is not a valid IP subnet.");
        }
        if (prefix < 0 || prefix > 32) {
            throw new IllegalArgumentException("'" + raw + "' is not a valid IP subnet.");
        }
        long ip = Ipam.parse(raw.substring(0, slash));
        long mask = prefix == 0 ? 0 : (0xFFFFFFFFL << (32 - prefix)) & 0xFFFFFFFFL;
        return Ipam.format(ip & mask) + "/" + prefix;
    }

    private static Integer integer(JsonObject b, String key) {
        Object v = b.getValue(key);
        if (v == null) {
            return null;
        }
        try {
            return v instanceof Number n && n.doubleValue() == n.intValue() ? n.intValue()
                    : Integer.parseInt(String.valueOf(v));
        } catch (NumberFormatException e) {
            throw NeutronException.invalidInput("'" + v + "' is not an integer for " + key);
        }
    }

    boolean sameAs(SecurityGroup.Rule r) {
        return r.direction().equals(direction) && r.ethertype().equals(ethertype)
                && Objects.equals(r.protocol(), protocol) && Objects.equals(r.portMin(), min)
                && Objects.equals(r.portMax(), max) && Objects.equals(r.remoteIpPrefix(), remoteIp)
                && Objects.equals(r.remoteGroupId(), remoteGroup);
    }
}
