package io.zunvx.compute.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zunvx.model.SecurityGroup;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FirewallRulesTest {
    private static final UUID G = UUID.randomUUID();

    private static SecurityGroup.Rule rule(String dir, String eth, String proto, Integer min, Integer max,
                                           String prefix, UUID remote) {
        return new SecurityGroup.Rule(UUID.randomUUID(), G, "p", dir, eth, proto, min, max, prefix, remote, "", null);
    }

    @Test
    void neutronsDefaultGroupAllowsAllEgressAndIngressFromItsMembers() {
        SecurityGroup g = new SecurityGroup(G, "default", "p", "", List.of(
                rule("egress", "IPv4", null, null, null, null, null),
                rule("egress", "IPv6", null, null, null, null, null),
                rule("ingress", "IPv4", null, null, null, null, G),
                rule("ingress", "IPv6", null, null, null, null, G)), 0, null);
        FirewallRules.Rules r = FirewallRules.render(List.of(g), Map.of(G, List.of("10.0.0.2", "10.0.0.3")));
        assertEquals(List.of("-s 10.0.0.2/32", "-s 10.0.0.3/32"), r.ingress());
        assertEquals(List.of(""), r.egress());
    }

    @Test
    void portsProtocolsAndPrefixes() {
        SecurityGroup g = new SecurityGroup(G, "web", "p", "", List.of(
                rule("ingress", "IPv4", "tcp", 80, 80, "0.0.0.0/0", null),
                rule("ingress", "IPv4", "udp", 1000, 2000, "10.0.0.0/8", null),
                rule("ingress", "IPv4", "icmp", 8, 0, null, null),
                rule("ingress", "IPv4", null, null, null, null, UUID.randomUUID())), 0, null);
        FirewallRules.Rules r = FirewallRules.render(List.of(g), Map.of());
        assertEquals(List.of("-p tcp --dport 80", "-s 10.0.0.0/8 -p udp --dport 1000:2000", "-p icmp --icmp-type 8/0"),
                r.ingress());
        assertEquals(List.of(), r.egress());
        assertEquals(List.of("-p tcp --dport 80", "-s 10.0.0.0/8 -p udp --dport 1000:2000", "-p icmp --icmp-type 8/0",
                "-p tcp --dport 8080"), r.exposing(List.of("80/tcp", "8080/tcp")).ingress());
    }
}
