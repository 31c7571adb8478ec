package io.zunvx.scheduler.placement;

import static io.zunvx.scheduler.placement.TestHosts.NOW;
import static io.zunvx.scheduler.placement.TestHosts.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.model.ComputeNode;
import io.zunvx.model.ZunService;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class HostStateTest {

    private static final Duration DOWN_TIME = Duration.ofSeconds(180);

    private static ZunService service(boolean disabled, boolean forcedDown, Instant lastSeenUp, Instant updatedAt,
            Instant createdAt) {
        return new ZunService(1, "h", ZunService.COMPUTE, disabled, null, forcedDown, lastSeenUp, 1, null,
                createdAt, updatedAt);
    }

    @Test
    void usableAgreesWithZunsRuleForEveryKindOfService() {
        // GIVEN services up, down, just on the edge, with and without a heartbeat, disabled and forced down
        Instant edge = NOW.minus(DOWN_TIME);
        List<ZunService> services = new ArrayList<>();
        for (Instant t : new Instant[] {null, NOW, edge, edge.minusNanos(1), edge.plusNanos(1), NOW.plusSeconds(5)}) {
            services.add(service(false, false, t, null, null));
            services.add(service(false, false, null, t, null));
            services.add(service(false, false, null, null, t));
            services.add(service(false, false, null, t, NOW));
            services.add(service(true, false, t, null, null));
            services.add(service(false, true, t, null, null));
        }
        ComputeNode node = host("h").node();

        for (ZunService s : services) {
            // WHEN
            HostState h = HostState.of(node, s);

            // THEN
            boolean expected = !s.disabled() && s.isUp(NOW, DOWN_TIME);
            assertEquals(expected, h.isUsable(NOW, DOWN_TIME), s.toString());
            assertEquals(expected, new ServiceEnabledFilter(DOWN_TIME).passes(h, TestHosts.request().build(), NOW));
        }
    }

    @Test
    void ofOffersEveryCpuForPinningOnlyWhenTheHostEnablesIt() {
        assertEquals(CpuSet.range(0, 8), HostState.of(host("h").pinning(true).node(), null).pinnableCpus());
        assertEquals(CpuSet.EMPTY, HostState.of(host("h").pinning(false).node(), null).pinnableCpus());
    }

    @Test
    void claimAndReleaseMoveResourcesAndPinnedCpus() {
        // GIVEN
        HostState h = host("h").pinning(true).pinned(0).build();
        Placed placed = new Placed("h", h.node(), List.of(1, 2), 1024, 2, 10);

        // WHEN
        HostState claimed = h.claim(placed);
        HostState released = claimed.release(1024, 2, 10, CpuSet.of(1, 2));

        // THEN
        assertEquals(CpuSet.of(0, 1, 2), claimed.pinnedCpus());
        assertEquals(5, claimed.freePinnableCpus());
        assertEquals(1024, claimed.node().memUsed());
        assertEquals(CpuSet.of(0), released.pinnedCpus());
        assertEquals(0, released.node().memUsed());
        assertEquals(7, released.freePinnableCpus());
        assertThrows(IllegalArgumentException.class,
                () -> h.claim(new Placed("other", host("other").node(), List.of(), 1, 1, 1)));
    }

    @Test
    void withNodeKeepsPinnedCpusAndFollowsTheNewCpuCount() {
        // GIVEN
        HostState h = host("h").pinning(true).pinned(1).build();

        // WHEN
        HostState grown = h.withNode(host("h").cpus(16, 0).pinning(true).node());

        // THEN
        assertEquals(CpuSet.of(1), grown.pinnedCpus());
        assertEquals(CpuSet.range(0, 16), grown.pinnableCpus());
        assertEquals(15, grown.freePinnableCpus());
        assertThrows(IllegalArgumentException.class, () -> h.withNode(host("x").node()));
    }

    @Test
    void isAValueOfItsFourParts() {
        HostState a = host("h").build();
        HostState b = host("h").build();
        assertEquals(a, b);
        assertEquals(a.hashCode(), b.hashCode());
        assertNotEquals(a, b.withPinned(CpuSet.of(3)));
        assertTrue(a.toString().startsWith("HostState[node="));
    }

    @Test
    void rejectsTheServiceOfAnotherHost() {
        ZunService other = new ZunService(1, "other", ZunService.COMPUTE, false, null, false, NOW, 1, null, NOW, NOW);
        assertThrows(IllegalArgumentException.class, () -> HostState.of(host("h").node(), other));
    }
}
