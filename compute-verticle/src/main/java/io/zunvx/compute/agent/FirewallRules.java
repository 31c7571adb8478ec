package io.zunvx.compute.agent;

import io.zunvx.model.SecurityGroup;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * A container's security groups as iptables rules for its own network namespace: what may come in ({@code ingress},
 * matched on the source) and go out ({@code egress}, on the destination). Anything no rule allows is dropped; replies
 * to allowed traffic and loopback always pass (the driver adds those). A remote group becomes one rule per address of
 * the group's members. Networks here are IPv4, so IPv6 rules have nothing to match and are left out. Pure.
 */
public final class FirewallRules {
    private FirewallRules() {
    }

    /**
     * The allowed traffic as iptables match arguments (without chain and target).
     *
     * @param ingress one entry per allowed inbound flow
     * @param egress  one entry per allowed outbound flow
     */
    public record Rules(List<String> ingress, List<String> egress) {
        /**
         * These rules plus inbound traffic from anywhere to the container's exposed ports ({@code "80/tcp"}), which
         * is what publishing them promises (Zun opens them the same way).
         */
        public Rules exposing(List<String> exposedPorts) {
            List<String> in = new ArrayList<>(ingress);
            for (String p : exposedPorts) {
                int slash = p.indexOf('/');
                String rule = "-p " + (slash < 0 ? "tcp" : p.substring(slash + 1)) + " --dport "
                        + (slash < 0 ? p : p.substring(0, slash));
                if (!in.contains(rule)) {
                    in.add(rule);
                }
            }
            return new Rules(List.copyOf(in), egress);
        }
    }

    /**
     * @param groups  the container's groups with their rules
     * @param members the IPv4 addresses of every port carrying a group, by group id
     */
    public static Rules render(Collection<SecurityGroup> groups, Map<UUID, List<String>> members) {
        List<String> in = new ArrayList<>();
        List<String> out = new ArrayList<>();
        for (SecurityGroup g : groups) {
            for (SecurityGroup.Rule r : g.rules()) {
                if (!"IPv4".equals(r.ethertype())) {
                    continue;
                }
                String flag = r.ingress() ? "-s" : "-d";
                List<String> remotes = new ArrayList<>();
                if (r.remoteGroupId() != null) {
                    for (String ip : members.getOrDefault(r.remoteGroupId(), List.of())) {
                        remotes.add(flag + " " + ip + "/32");
                    }
                    if (remotes.isEmpty()) {
                        continue;
                    }
                } else if (r.remoteIpPrefix() != null && !"0.0.0.0/0".equals(r.remoteIpPrefix())) {
                    remotes.add(flag + " " + r.remoteIpPrefix());
                } else {
                    remotes.add("");
                }
                String match = match(r);
                for (String remote : remotes) {
                    String rule = (remote + " " + match).strip();
                    List<String> target = r.ingress() ? in : out;
                    if (!target.contains(rule)) {
                        target.add(rule);
                    }
                }
            }
        }
        return new Rules(List.copyOf(in), List.copyOf(out));
    }

    private static String match(SecurityGroup.Rule r) {
        if (r.protocol() == null) {
            return "";
        }
        StringBuilder b = new StringBuilder("-p ").append(r.protocol());
        if (("tcp".equals(r.protocol()) || "udp".equals(r.protocol())) && r.portMin() != null) {
            b.append(" --dport ").append(r.portMin());
            if (r.portMax() != null && !r.portMax().equals(r.portMin())) {
                b.append(':').append(r.portMax());
            }
        } else if ("icmp".equals(r.protocol()) && r.portMin() != null) {
            b.append(" --icmp-type ").append(r.portMin());
            if (r.portMax() != null) {
                b.append('/').append(r.portMax());
            }
        }
        return b.toString();
    }
}
