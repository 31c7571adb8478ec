package io.zunvx.api.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.model.Address;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The response shapes the actions build from what the compute host reports (reference §3.2). */
class ActionShapesTest {

    @Test
    void statsUseZunsKeysAndArithmetic() {
        // GIVEN raw counters WHEN shaped THEN Zun's keys, MiB as floats, CPU % as container over host time
        JsonObject raw = new JsonObject().put("cpu_total", 50L).put("system_cpu", 1000L)
                .put("memory_usage", 8L * 1024 * 1024).put("memory_limit", 32L * 1024 * 1024)
                .put("block_read", 4096L).put("block_write", 0L).put("net_rx", 10L).put("net_tx", 20L);

        JsonObject s = ContainerActionsApi.zunStats("web", raw);

        assertEquals(List.of("CONTAINER", "CPU %", "MEM USAGE(MiB)", "MEM LIMIT(MiB)", "MEM %", "BLOCK I/O(B)",
                "NET I/O(B)"), new ArrayList<>(s.fieldNames()));
        assertEquals("web", s.getString("CONTAINER"));
        assertEquals(5.0, s.getDouble("CPU %"));
        assertEquals(8.0, s.getDouble("MEM USAGE(MiB)"));
        assertEquals(32.0, s.getDouble("MEM LIMIT(MiB)"));
        assertEquals(25.0, s.getDouble("MEM %"));
        assertEquals("4096/0", s.getString("BLOCK I/O(B)"));
        assertEquals("10/20", s.getString("NET I/O(B)"));
    }

    @Test
    void statsWithoutHostCpuOrLimitAreZeroNotAnError() {
        JsonObject s = ContainerActionsApi.zunStats("web", new JsonObject());
        assertEquals(0.0, s.getDouble("CPU %"));
        assertEquals(0.0, s.getDouble("MEM %"));
        assertEquals("0/0", s.getString("NET I/O(B)"));
    }

    @Test
    void recordedAddressesInBothNetworkListShapes() {
        Map<String, List<Address>> addresses = Map.of("net-1", List.of(
                new Address("10.0.0.5", 4, "port-1", "subnet-1", false),
                new Address("fd00::5", 6, "port-1", "subnet-6", false)));

        assertEquals(new JsonArray().add(new JsonObject().put("net_id", "net-1").put("port_id", "port-1")
                        .put("fixed_ips", new JsonArray()
                                .add(new JsonObject().put("subnet_id", "subnet-1").put("version", 4)
                                        .put("ip_address", "10.0.0.5"))
                                .add(new JsonObject().put("subnet_id", "subnet-6").put("version", 6)
                                        .put("ip_address", "fd00::5")))),
                ContainerActionsApi.fromAddresses(addresses, true));
        assertEquals(new JsonArray()
                        .add(new JsonObject().put("net_id", "net-1").put("subnet_id", "subnet-1").put("port_id", "port-1")
                                .put("version", 4).put("ip_address", "10.0.0.5"))
                        .add(new JsonObject().put("net_id", "net-1").put("subnet_id", "subnet-6").put("port_id", "port-1")
                                .put("version", 6).put("ip_address", "fd00::5")),
                ContainerActionsApi.fromAddresses(addresses, false));
    }

    @Test
    void runtimeNetworksInBothShapes() {
        JsonArray reported = new JsonArray()
                .add(new JsonObject().put("name", "zunvx-default").put("network_id", "n1").put("endpoint_id", "e1")
                        .put("ipv4", "172.18.0.2").putNull("ipv6"))
                .add(new JsonObject().put("name", "stopped").put("network_id", "n2").putNull("endpoint_id")
                        .putNull("ipv4").putNull("ipv6"));

        JsonArray grouped = ContainerActionsApi.fromRuntime(reported, true);
        assertEquals(new JsonObject().put("net_id", "n1").put("port_id", "e1").put("fixed_ips", new JsonArray()
                        .add(new JsonObject().putNull("subnet_id").put("version", 4).put("ip_address", "172.18.0.2"))),
                grouped.getJsonObject(0));
        assertEquals(new JsonArray(), grouped.getJsonObject(1).getJsonArray("fixed_ips"));

        assertEquals(new JsonArray().add(new JsonObject().put("net_id", "n1").putNull("subnet_id")
                        .put("port_id", "e1").put("version", 4).put("ip_address", "172.18.0.2")),
                ContainerActionsApi.fromRuntime(reported, false));
    }

    @Test
    void sessionTokensAreRandomAndStoredOnlyAsTheirHash() {
        SessionTokens tokens = new SessionTokens(new SecureRandom(), Clock.systemUTC(), Duration.ofMinutes(10));
        String a = tokens.newToken();
        String b = tokens.newToken();
        assertNotEquals(a, b);
        assertTrue(a.matches("[A-Za-z0-9_-]{43}"), a);
        assertEquals("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", SessionTokens.hash("abc"));
    }
}
