package io.zunvx.api.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ClientAddressTest {
    private final ClientAddress behindProxies = new ClientAddress(List.of("10.0.0.0/8", "192.0.2.7", "fd00::/8"));

    @Test
    void aTrustedProxysHeaderNamesTheClientFromItsRightEnd() {
        assertEquals("198.51.100.1", behindProxies.of("10.1.2.3", List.of("198.51.100.1")));
        // a client-sent hop in front is not believed: the rightmost address the trusted proxies did not add wins
        assertEquals("198.51.100.1", behindProxies.of("10.1.2.3", List.of("203.0.113.9, 198.51.100.1, 10.9.9.9")));
        assertEquals("198.51.100.2", behindProxies.of("192.0.2.7", List.of("203.0.113.9", "198.51.100.2")));
        assertEquals("2001:db8:0:0:0:0:0:1", behindProxies.of("fd00:0:0:0:0:0:0:1", List.of("2001:db8::1"))
                .replace("2001:db8::1", "2001:db8:0:0:0:0:0:1"));
    }

    @Test
    void anUntrustedPeersHeaderIsIgnored() {
        assertEquals("127.0.0.1", behindProxies.of("127.0.0.1", List.of("198.51.100.1")));
        assertEquals("192.0.2.8", behindProxies.of("192.0.2.8", List.of("198.51.100.1")));
        assertEquals("127.0.0.1", new ClientAddress(List.of()).of("127.0.0.1", List.of("198.51.100.1")));
    }

    @Test
    void garbageInTheHeaderLeavesTheProxyAsTheClient() {
        assertEquals("10.1.2.3", behindProxies.of("10.1.2.3", List.of("not-an-address")));
        assertEquals("10.1.2.3", behindProxies.of("10.1.2.3", List.of("")));
        assertEquals("10.1.2.3", behindProxies.of("10.1.2.3", List.of()));
    }

    @Test
    void badConfigurationIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new ClientAddress(List.of("proxy.example")));
        assertThrows(IllegalArgumentException.class, () -> new ClientAddress(List.of("10.0.0.0/33")));
    }
}
