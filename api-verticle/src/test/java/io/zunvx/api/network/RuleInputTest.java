package io.zunvx.api.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.vertx.core.json.JsonObject;
import io.zunvx.platform.network.NeutronException;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class RuleInputTest {

    private static JsonObject rule() {
        return new JsonObject().put("security_group_id", UUID.randomUUID().toString()).put("direction", "ingress");
    }

    private static String type(JsonObject b) {
        return assertThrows(NeutronException.class, () -> RuleInput.parse(b)).type();
    }

    @Test
    void protocolsByNameOrNumberAndPortRanges() {
        RuleInput r = RuleInput.parse(rule().put("protocol", "6").put("port_range_min", 80).put("port_range_max", 81));
        assertEquals("tcp", r.protocol());
        assertEquals(80, r.min());
        assertEquals(81, r.max());
        assertEquals("IPv4", r.ethertype());
        assertNull(RuleInput.parse(rule().put("protocol", "any")).protocol());
        RuleInput single = RuleInput.parse(rule().put("protocol", "udp").put("port_range_min", 53));
        assertEquals(53, single.max());
    }

    @Test
    void remotePrefixesAreNormalisedAndExclusiveWithRemoteGroups() {
        assertEquals("10.0.0.0/8", RuleInput.parse(rule().put("remote_ip_prefix", "10.1.2.3/8")).remoteIp());
        assertEquals("10.1.2.3/32", RuleInput.parse(rule().put("remote_ip_prefix", "10.1.2.3")).remoteIp());
        assertEquals("0.0.0.0/0", RuleInput.parse(rule().put("remote_ip_prefix", "0.0.0.0/0")).remoteIp());
        assertEquals("SecurityGroupRemoteGroupAndRemoteIpPrefix", type(rule().put("remote_ip_prefix", "10.0.0.0/8")
                .put("remote_group_id", UUID.randomUUID().toString())));
    }

    @Test
    void badRulesAnswerNeutronsErrors() {
        assertEquals("InvalidInput", type(rule().put("direction", "sideways")));
        assertEquals("InvalidInput", type(rule().put("ethertype", "IPX")));
        assertEquals("SecurityGroupRuleInvalidProtocol", type(rule().put("protocol", "gre")));
        assertEquals("SecurityGroupProtocolRequiredWithPorts", type(rule().put("port_range_min", 22)));
        assertEquals("SecurityGroupInvalidPortRange", type(rule().put("protocol", "tcp").put("port_range_min", 90)
                .put("port_range_max", 80)));
        assertEquals("SecurityGroupInvalidPortRange", type(rule().put("protocol", "tcp").put("port_range_min", 0)
                .put("port_range_max", 80)));
        assertEquals("SecurityGroupInvalidIcmpValue", type(rule().put("protocol", "icmp").put("port_range_min", 300)));
        assertEquals("InvalidInput", type(rule().put("remote_ip_prefix", "not-an-ip")));
        assertEquals("InvalidInput", type(rule().put("protocol", "tcp").put("port_range_min", "eighty")));
    }
}
