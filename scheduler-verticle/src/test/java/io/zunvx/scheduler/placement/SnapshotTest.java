package io.zunvx.scheduler.placement;

import static io.zunvx.scheduler.placement.TestHosts.host;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SnapshotTest {

    @Test
    void withAddsAndReplacesWithoutChangingTheOriginal() {
        // GIVEN
        Snapshot empty = Snapshot.empty();
        HostState a = host("a").build();
        HostState a2 = host("a").memory(16384, 1024).build();

        // WHEN
        Snapshot one = empty.with(a);
        Snapshot replaced = one.with(a2);

        // THEN
        assertEquals(0, empty.size());
        assertNull(empty.get("a"));
        assertEquals(1, one.size());
        assertSame(a, one.get("a"));
        assertEquals(1, replaced.size());
        assertSame(a2, replaced.get("a"));
    }

    @Test
    void withoutRemovesOnlyTheNamedHost() {
        // GIVEN
        Snapshot s = Snapshot.of(List.of(host("a").build(), host("b").build(), host("c").build()));

        // WHEN
        Snapshot t = s.without("b");

        // THEN
        assertEquals(3, s.size());
        assertEquals(2, t.size());
        assertNull(t.get("b"));
        assertTrue(t.contains("a"));
        assertTrue(t.contains("c"));
        assertSame(t, t.without("unknown"));
    }

    @Test
    void hostnamesWithTheSameHashAreKeptApart() {
        // GIVEN names whose String hash codes are all equal
        List<String> names = List.of("Aa", "BB", "AaAa", "AaBB", "BBAa", "BBBB");
        assertEquals("AaAa".hashCode(), "BBBB".hashCode());
        Snapshot s = Snapshot.empty();

        // WHEN
        for (String n : names) {
            s = s.with(host(n).build());
        }

        // THEN
        assertEquals(names.size(), s.size());
        for (String n : names) {
            assertEquals(n, s.get(n).hostname());
        }
        Snapshot t = s.without("AaBB").without("BBBB").without("AaAa");
        assertEquals(3, t.size());
        assertNull(t.get("AaBB"));
        assertEquals("BBAa", t.get("BBAa").hostname());
        assertEquals(Set.of("Aa", "BB", "BBAa"), names(t));
    }

    @Test
    void agreesWithAHashMapOverRandomUpdates() {
        // GIVEN
        Random random = new Random(42);
        Map<String, HostState> expected = new HashMap<>();
        Snapshot s = Snapshot.empty();

        // WHEN thousands of random puts and removes over a few thousand names
        for (int i = 0; i < 20_000; i++) {
            String name = "host-" + random.nextInt(3_000);
            if (random.nextInt(4) == 0) {
                expected.remove(name);
                s = s.without(name);
            } else {
                HostState h = host(name).memory(16384, random.nextInt(1000)).build();
                expected.put(name, h);
                s = s.with(h);
            }
        }

        // THEN
        assertEquals(expected.size(), s.size());
        assertEquals(expected.keySet(), names(s));
        for (Map.Entry<String, HostState> e : expected.entrySet()) {
            assertSame(e.getValue(), s.get(e.getKey()));
        }
        assertEquals(expected.size(), s.hosts().stream().count());
    }

    @Test
    void removingEverythingLeavesAnEmptySnapshot() {
        // GIVEN
        Snapshot s = Snapshot.empty();
        for (int i = 0; i < 1_000; i++) {
            s = s.with(host("h" + i).build());
        }

        // WHEN
        for (int i = 0; i < 1_000; i++) {
            s = s.without("h" + i);
        }

        // THEN
        assertTrue(s.isEmpty());
        assertFalse(s.hosts().iterator().hasNext());
    }

    @Test
    void withClaimAppliesThePlacementToItsHost() {
        // GIVEN
        HostState h = host("a").pinning(true).build();
        Snapshot s = Snapshot.of(List.of(h));
        Placed placed = new Placed("a", h.node(), List.of(0, 1), 1024, 2.0, 5);

        // WHEN
        Snapshot t = s.withClaim(placed);

        // THEN
        HostState after = t.get("a");
        assertEquals(1024, after.node().memUsed());
        assertEquals(2.0, after.node().cpuUsed());
        assertEquals(5, after.node().diskUsed());
        assertEquals(CpuSet.of(0, 1), after.pinnedCpus());
        assertEquals(h.node().version() + 1, after.node().version());
        assertThrows(IllegalArgumentException.class,
                () -> s.withClaim(new Placed("b", host("b").node(), List.of(), 1, 1, 1)));
    }

    private static Set<String> names(Snapshot s) {
        Set<String> out = new HashSet<>();
        for (HostState h : s.hosts()) {
            assertTrue(out.add(h.hostname()), "iterated twice: " + h.hostname());
        }
        return out;
    }
}
