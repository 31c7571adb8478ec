package io.zunvx.platform.network;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.model.Subnet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IpamTest {

    @Test
    void parsesCidrsAndRejectsHostBitsAndOddPrefixes() {
        Ipam.Cidr c = Ipam.cidr("10.1.2.0/24");
        assertEquals("10.1.2.0/24", c.toString());
        assertEquals(256, c.size());
        assertTrue(c.contains(Ipam.parse("10.1.2.255")));
        assertFalse(c.contains(Ipam.parse("10.1.3.0")));
        assertTrue(assertThrows(IllegalArgumentException.class, () -> Ipam.cidr("10.1.2.5/24")).getMessage()
                .contains("10.1.2.0/24"));
        assertThrows(IllegalArgumentException.class, () -> Ipam.cidr("10.1.2.0"));
        assertThrows(IllegalArgumentException.class, () -> Ipam.cidr("10.1.2.0/31"));
        assertThrows(IllegalArgumentException.class, () -> Ipam.cidr("300.1.2.0/24"));
        assertThrows(IllegalArgumentException.class, () -> Ipam.parse("host.example"));
    }

    @Test
    void defaultPoolsLeaveOutTheGatewayNetworkAndBroadcast() {
        Ipam.Cidr c = Ipam.cidr("10.0.0.0/24");
        assertEquals(List.of(new Subnet.Pool("10.0.0.2", "10.0.0.254")), Ipam.defaultPools(c, "10.0.0.1"));
        assertEquals(List.of(new Subnet.Pool("10.0.0.1", "10.0.0.99"), new Subnet.Pool("10.0.0.101", "10.0.0.254")),
                Ipam.defaultPools(c, "10.0.0.100"));
        assertEquals(List.of(new Subnet.Pool("10.0.0.1", "10.0.0.254")), Ipam.defaultPools(c, null));
    }

    @Test
    void poolsMustLieInTheSubnetNotOverlapAndNotHoldTheGateway() {
        Ipam.Cidr c = Ipam.cidr("10.0.0.0/24");
        Ipam.checkPools(c, "10.0.0.1", List.of(new Subnet.Pool("10.0.0.10", "10.0.0.20")));
        assertThrows(IllegalArgumentException.class, () -> Ipam.checkPools(c, "10.0.0.1",
                List.of(new Subnet.Pool("10.0.0.10", "10.0.1.20"))));
        assertThrows(IllegalArgumentException.class, () -> Ipam.checkPools(c, "10.0.0.1",
                List.of(new Subnet.Pool("10.0.0.20", "10.0.0.10"))));
        assertThrows(IllegalArgumentException.class, () -> Ipam.checkPools(c, "10.0.0.15",
                List.of(new Subnet.Pool("10.0.0.10", "10.0.0.20"))));
        assertThrows(IllegalArgumentException.class, () -> Ipam.checkPools(c, null,
                List.of(new Subnet.Pool("10.0.0.10", "10.0.0.20"), new Subnet.Pool("10.0.0.20", "10.0.0.30"))));
    }

    @Test
    void nextFreeSkipsUsedAddressesAndSaysWhenThePoolsAreExhausted() {
        List<Subnet.Pool> pools = List.of(new Subnet.Pool("10.0.0.2", "10.0.0.3"));
        assertEquals("10.0.0.2", Ipam.nextFree(pools, Set.of()));
        assertEquals("10.0.0.3", Ipam.nextFree(pools, Set.of("10.0.0.2")));
        assertNull(Ipam.nextFree(pools, Set.of("10.0.0.2", "10.0.0.3")));
        assertTrue(Ipam.inPools(pools, "10.0.0.3"));
        assertFalse(Ipam.inPools(pools, "10.0.0.4"));
    }

    @Test
    void macsFollowDockersSchemeFromTheAddress() {
        assertEquals("02:42:0a:fa:07:32", NetworkRepository.mac("10.250.7.50"));
    }
}
