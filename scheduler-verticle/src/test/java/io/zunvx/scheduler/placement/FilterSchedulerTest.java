package io.zunvx.scheduler.placement;

import static io.zunvx.scheduler.placement.TestHosts.NOW;
import static io.zunvx.scheduler.placement.TestHosts.host;
import static io.zunvx.scheduler.placement.TestHosts.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.scheduler.placement.SchedulerPolicy.Strategy;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class FilterSchedulerTest {

    private static final SchedulerPolicy SPREAD = SchedulerPolicy.defaults();
    private static final SchedulerPolicy PACK = SchedulerPolicy.defaults().withWeigher(Strategy.PACK);

    private static Snapshot snapshot(HostState... hosts) {
        return Snapshot.of(List.of(hosts));
    }

    @Test
    void spreadPrefersTheHostWithTheMostFreeResources() {
        // GIVEN
        Snapshot s = snapshot(
                host("busy").memory(16384, 12000).cpus(8, 6).build(),
                host("idle").memory(16384, 1000).cpus(8, 1).build(),
                host("half").memory(16384, 8000).cpus(8, 4).build());

        // WHEN
        Decision d = new FilterScheduler(SPREAD, 7).place(s, request().build(), NOW);

        // THEN
        assertEquals("idle", assertInstanceOf(Placed.class, d).hostname());
    }

    @Test
    void packPrefersTheFullestHostThatStillFits() {
        // GIVEN
        Snapshot s = snapshot(
                host("busy").memory(16384, 12000).cpus(8, 6).build(),
                host("full").memory(16384, 16000).cpus(8, 7.5).build(),
                host("idle").memory(16384, 1000).cpus(8, 1).build());

        // WHEN
        Decision d = new FilterScheduler(PACK, 7).place(s, request().memory(512).cpu(1).build(), NOW);

        // THEN "full" has only 384 MiB and 0.5 vCPU left
        assertEquals("busy", assertInstanceOf(Placed.class, d).hostname());
    }

    @Test
    void weighersCombineByMultiplier() {
        // GIVEN pack counted twice as much as spread
        Snapshot s = snapshot(host("busy").memory(16384, 12000).build(), host("idle").build());
        FilterScheduler scheduler = new FilterScheduler(SPREAD, List.of(
                new FilterScheduler.Weighting(new SpreadWeigher(1, 1), 1.0),
                new FilterScheduler.Weighting(new PackWeigher(1, 1), 2.0)), 7);

        // WHEN
        Decision d = scheduler.place(s, request().build(), NOW);

        // THEN
        assertEquals("busy", assertInstanceOf(Placed.class, d).hostname());
    }

    @Test
    void placedCarriesTheClaimAndTheNodeAfterIt() {
        // GIVEN
        HostState h = host("h").build();

        // WHEN
        Placed p = (Placed) new FilterScheduler(SPREAD, 7)
                .place(snapshot(h), request().cpu(1.5).memory(300).disk(7).build(), NOW);

        // THEN
        assertEquals(h.node(), p.node());
        assertEquals(List.of(), p.pinnedCpus());
        assertEquals(h.node().withClaim(300, 1.5, 7), p.claimed());
    }

    @Test
    void noValidHostCountsEachHostForTheFirstFilterThatRejectedIt() {
        // GIVEN one host that is disabled and also short of memory, two that are only short of memory
        Snapshot s = snapshot(
                host("h1").disabled().memory(1024, 1000).build(),
                host("h2").memory(1024, 1000).build(),
                host("h3").memory(1024, 900).build());

        // WHEN
        Decision d = new FilterScheduler(SPREAD, 7).place(s, request().memory(512).build(), NOW);

        // THEN
        NoValidHost none = assertInstanceOf(NoValidHost.class, d);
        assertEquals(Map.of("ServiceEnabledFilter", 1, "MemoryFilter", 2), none.rejectedByFilter());
        assertEquals(3, none.hostsConsidered());
        assertEquals("There are not enough hosts available. 3 hosts considered: "
                + "MemoryFilter rejected 2 (not enough memory), "
                + "ServiceEnabledFilter rejected 1 (disabled or down).", none.reason());
    }

    @Test
    void everyFilterCanBeTheOneThatRejects() {
        // GIVEN one host failing each filter in turn and passing all the others
        PlacementRequest req = request().zone("az1").cpu(1).memory(512).disk(10).runtime("kata").dedicated()
                .hint("label:ssd", "true").build();
        Snapshot s = snapshot(
                fits("down").forcedDown().build(),
                fits("elsewhere").zone("az2").build(),
                fits("few-cpus").cpus(8, 7.5).build(),
                fits("small").memory(16384, 16000).build(),
                fits("full-disk").disk(100, 95).build(),
                fits("no-kata").runtimes("runc").build(),
                fits("no-pinning").pinning(false).build(),
                fits("no-ssd").labels(Map.of("ssd", "false")).build());

        // WHEN
        Decision d = new FilterScheduler(SPREAD, 7).place(s, req, NOW);

        // THEN
        NoValidHost none = assertInstanceOf(NoValidHost.class, d);
        assertEquals(List.of("ServiceEnabledFilter", "AvailabilityZoneFilter", "CpuFilter", "MemoryFilter",
                "DiskFilter", "RuntimeFilter", "CpuPinningFilter", "LabelFilter"),
                List.copyOf(none.rejectedByFilter().keySet()));
        assertTrue(none.rejectedByFilter().values().stream().allMatch(n -> n == 1));
        assertEquals(8, none.hostsConsidered());
        assertInstanceOf(Placed.class, new FilterScheduler(SPREAD, 7).place(
                s.with(fits("right").build()), req, NOW));
    }

    /** A host that passes every filter for the request of {@link #everyFilterCanBeTheOneThatRejects}. */
    private static TestHosts.Builder fits(String name) {
        return host(name).zone("az1").runtimes("runc", "kata").pinning(true).labels(Map.of("ssd", "true"));
    }

    @Test
    void noHostsAtAll() {
        Decision d = new FilterScheduler(SPREAD, 7).place(Snapshot.empty(), request().build(), NOW);
        assertEquals("There are not enough hosts available. 0 hosts considered.",
                assertInstanceOf(NoValidHost.class, d).reason());
    }

    @Test
    void requestedHostIsChosenEvenWhenOthersRankHigher() {
        // GIVEN
        Snapshot s = snapshot(host("idle").build(), host("busy").memory(16384, 15000).build());

        // WHEN
        Decision d = new FilterScheduler(SPREAD, 7).place(s, request().requestedHost("busy").build(), NOW);

        // THEN
        assertEquals("busy", assertInstanceOf(Placed.class, d).hostname());
    }

    @Test
    void theHostWhereAContainersVolumesOrPortsLiveIsChosenEvenWhenOthersRankHigher() {
        // GIVEN
        Snapshot s = snapshot(host("idle").build(), host("busy").memory(16384, 15000).build());

        for (String hint : List.of(io.zunvx.model.Volume.HOST_HINT, io.zunvx.model.Port.HOST_HINT)) {
            // WHEN
            Decision d = new FilterScheduler(SPREAD, 7).place(s, request().hint(hint, "busy").build(), NOW);
            Decision nowhere = new FilterScheduler(SPREAD, 7).place(s, request().hint(hint, "busy,idle").build(),
                    NOW);

            // THEN
            assertEquals("busy", assertInstanceOf(Placed.class, d).hostname(), hint);
            assertEquals(2, assertInstanceOf(NoValidHost.class, nowhere).rejectedByFilter().values().stream()
                    .mapToInt(Integer::intValue).sum(), hint);
        }
    }

    @Test
    void requestedHostThatIsUnknownRejectsEveryHost() {
        // GIVEN
        Snapshot s = snapshot(host("a").build(), host("b").build());

        // WHEN
        Decision d = new FilterScheduler(SPREAD, 7).place(s, request().requestedHost("zzz").build(), NOW);

        // THEN
        NoValidHost none = assertInstanceOf(NoValidHost.class, d);
        assertEquals(Map.of("RequestedHostFilter", 2), none.rejectedByFilter());
    }

    @Test
    void requestedHostThatIsDownIsBlamedOnItsFilter() {
        // GIVEN
        Snapshot s = snapshot(host("a").build(), host("b").disabled().build(), host("c").build());

        // WHEN
        Decision d = new FilterScheduler(SPREAD, 7).place(s, request().requestedHost("b").build(), NOW);

        // THEN
        NoValidHost none = assertInstanceOf(NoValidHost.class, d);
        assertEquals(Map.of("RequestedHostFilter", 2, "ServiceEnabledFilter", 1), none.rejectedByFilter());
        assertEquals("There are not enough hosts available. 3 hosts considered: "
                + "RequestedHostFilter rejected 2 (not the requested host), "
                + "ServiceEnabledFilter rejected 1 (disabled or down).", none.reason());
    }

    @Test
    void dedicatedPicksTheLowestFreePinnableCpus() {
        // GIVEN
        Snapshot s = snapshot(host("h").cpus(8, 2).pinning(true).pinned(0, 2).build());

        // WHEN
        Decision d = new FilterScheduler(SPREAD, 7).place(s, request().dedicated().cpu(3).build(), NOW);

        // THEN
        Placed p = assertInstanceOf(Placed.class, d);
        assertEquals(List.of(1, 3, 4), p.pinnedCpus());
        assertEquals("1,3-4", p.cpuset());
    }

    @Test
    void dedicatedNeverHandsOutAPinnedCpuUntilTheyRunOut() {
        // GIVEN three pinning hosts with 4 CPUs, some already pinned
        Snapshot s = snapshot(
                host("p1").cpus(4, 1).pinning(true).pinned(3).build(),
                host("p2").cpus(4, 0).pinning(true).build(),
                host("p3").cpus(4, 2).pinning(true).pinned(0, 1).build(),
                host("shared").cpus(16, 0).build());
        FilterScheduler scheduler = new FilterScheduler(SPREAD, 7);
        Map<String, Set<Integer>> given = new HashMap<>();
        for (HostState h : s.hosts()) {
            given.put(h.hostname(), new HashSet<>(h.pinnedCpus().toList()));
        }

        // WHEN placing one-CPU dedicated containers and claiming each, until none fits
        int placed = 0;
        Decision d;
        while ((d = scheduler.place(s, request().uuid(UUID.randomUUID()).dedicated().cpu(1).build(), NOW))
                instanceof Placed p) {
            // THEN no CPU is given twice on a host, nor one that was pinned before
            assertEquals(1, p.pinnedCpus().size());
            for (int cpu : p.pinnedCpus()) {
                assertTrue(given.get(p.hostname()).add(cpu), p.hostname() + " CPU " + cpu + " given twice");
                assertTrue(cpu < 4);
            }
            s = s.withClaim(p);
            placed++;
        }
        assertEquals(3 + 4 + 2, placed);
        NoValidHost none = assertInstanceOf(NoValidHost.class, d);
        assertEquals(Map.of("CpuFilter", 3, "CpuPinningFilter", 1), none.rejectedByFilter());
    }

    @Test
    void theSameSeedAndRequestsGiveTheSameHosts() {
        // GIVEN 20 identical hosts and two schedulers with the same seed
        List<String> first = placeSequence(123L, hostsInOrder(20, false));
        List<String> second = placeSequence(123L, hostsInOrder(20, true));

        // THEN the same hosts in the same order, whatever order the snapshot was built in
        assertEquals(first, second);
        assertNotEquals(first, placeSequence(124L, hostsInOrder(20, false)));
    }

    @Test
    void identicalHostsShareTheLoadAcrossRequests() {
        // GIVEN 10 identical idle hosts under pack, where nothing else separates them
        Snapshot s = hostsInOrder(10, false);
        FilterScheduler scheduler = new FilterScheduler(PACK, 99);
        Random ids = new Random(5);

        // WHEN 100 different requests are placed on the same snapshot
        Set<String> chosen = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            PlacementRequest r = request().uuid(new UUID(ids.nextLong(), ids.nextLong())).build();
            chosen.add(((Placed) scheduler.place(s, r, NOW)).hostname());
        }

        // THEN
        assertTrue(chosen.size() >= 8, "only " + chosen);
    }

    @Test
    void placesOnTenThousandHosts() {
        // GIVEN 10,000 hosts of varied load, a tenth of them down
        Random random = new Random(11);
        Snapshot s = Snapshot.empty();
        List<HostState> all = new ArrayList<>();
        for (int i = 0; i < 10_000; i++) {
            var b = host("node-" + i).memory(65536, random.nextInt(60000)).cpus(32, random.nextInt(30));
            if (i % 10 == 0) {
                b.lastSeenUp(NOW.minusSeconds(600));
            }
            HostState h = b.build();
            all.add(h);
            s = s.with(h);
        }
        FilterScheduler scheduler = new FilterScheduler(SPREAD, 3);

        // WHEN
        Decision d = scheduler.place(s, request().memory(2048).cpu(2).build(), NOW);
        Decision impossible = scheduler.place(s, request().memory(70_000).build(), NOW);

        // THEN the host with the largest free share among the live ones
        HostState expected = all.stream()
                .filter(h -> h.service().isUp(NOW, SPREAD.serviceDownTime()))
                .filter(h -> h.node().cpuFree() >= 2 && h.node().memFree() >= 2048)
                .max(Comparator.comparingDouble(h -> Weigher.freeShare(h, 1, 1)))
                .orElseThrow();
        assertEquals(expected.hostname(), assertInstanceOf(Placed.class, d).hostname());
        NoValidHost none = assertInstanceOf(NoValidHost.class, impossible);
        assertEquals(Map.of("ServiceEnabledFilter", 1_000, "MemoryFilter", 9_000), none.rejectedByFilter());
        assertEquals(10_000, none.hostsConsidered());
    }

    private static Snapshot hostsInOrder(int n, boolean reversed) {
        Snapshot s = Snapshot.empty();
        for (int i = 0; i < n; i++) {
            int k = reversed ? n - 1 - i : i;
            s = s.with(host("twin-" + k).build());
        }
        return s;
    }

    private static List<String> placeSequence(long seed, Snapshot s) {
        FilterScheduler scheduler = new FilterScheduler(PACK, seed);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            PlacementRequest r = request().uuid(new UUID(0, i)).memory(4096).cpu(2).build();
            Placed p = (Placed) scheduler.place(s, r, NOW);
            out.add(p.hostname());
            s = s.withClaim(p);
        }
        return out;
    }
}
