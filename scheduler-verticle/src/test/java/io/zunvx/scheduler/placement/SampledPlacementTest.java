package io.zunvx.scheduler.placement;

import static io.zunvx.scheduler.placement.TestHosts.NOW;
import static io.zunvx.scheduler.placement.TestHosts.host;
import static io.zunvx.scheduler.placement.TestHosts.request;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.scheduler.placement.FilterScheduler.Sampling;
import io.zunvx.scheduler.placement.SchedulerPolicy.Strategy;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Placement that stops after enough passing hosts ({@link Sampling#SCALED}) is as exact as a full scan in everything
 * but the choice among passing hosts: it never overcommits, and when it places nothing it has counted every host.
 */
class SampledPlacementTest {
    private static final SchedulerPolicy SPREAD = SchedulerPolicy.defaults();
    private static final SchedulerPolicy PACK = SchedulerPolicy.defaults().withWeigher(Strategy.PACK);

    private static Snapshot cluster(int n, Random random) {
        Snapshot s = Snapshot.empty();
        for (int i = 0; i < n; i++) {
            s = s.with(host("node-" + i).memory(8192, random.nextInt(6000)).cpus(8, random.nextInt(6)).build());
        }
        return s;
    }

    @Test
    void everyStartVisitsEveryHostOnceAndStopsWhenAsked() {
        // GIVEN 5,000 hosts
        Snapshot s = cluster(5_000, new Random(1));
        Random starts = new Random(2);
        for (int k = 0; k < 20; k++) {
            int start = starts.nextInt();
            // WHEN scanned from any start without stopping, THEN each host is seen exactly once
            List<String> seen = new ArrayList<>();
            assertTrue(s.scan(h -> seen.add(h.hostname()), start));
            assertEquals(5_000, seen.size());
            assertEquals(5_000, new HashSet<>(seen).size());
            // AND a visitor that stops after 10 hosts sees 10
            int[] count = {0};
            assertTrue(!s.scan(h -> ++count[0] < 10, start));
            assertEquals(10, count[0]);
        }
    }

    @Test
    void differentStartsBeginInDifferentPlaces() {
        Snapshot s = cluster(5_000, new Random(1));
        Set<String> firsts = new HashSet<>();
        Random starts = new Random(3);
        for (int k = 0; k < 50; k++) {
            s.scan(h -> {
                firsts.add(h.hostname());
                return false;
            }, starts.nextInt());
        }
        assertTrue(firsts.size() >= 40, "only " + firsts.size() + " different first hosts of 50 starts");
    }

    @Test
    void sampledPlacementNeverOvercommitsAndFinallyCountsEveryHost() {
        for (SchedulerPolicy policy : List.of(SPREAD, PACK)) {
            // GIVEN 3,000 partly used hosts
            Snapshot s = cluster(3_000, new Random(4));
            FilterScheduler scheduler = new FilterScheduler(policy, 7, Sampling.SCALED);
            Random ids = new Random(5);

            // WHEN requests are placed, each claim applied, until nothing fits any more
            Decision d;
            int placed = 0;
            do {
                d = scheduler.place(s, request().uuid(new UUID(ids.nextLong(), ids.nextLong()))
                        .memory(1024).cpu(1).disk(1).build(), NOW);
                if (d instanceof Placed p) {
                    s = s.withClaim(p);
                    placed++;
                }
            } while (d instanceof Placed);

            // THEN no host holds more than it has
            for (HostState h : s.hosts()) {
                assertTrue(h.memUsed <= h.memTotal && h.cpuUsed <= h.cpus, h.hostname() + " is overcommitted");
            }
            // AND the final refusal counted every host against the filter that rejected it
            NoValidHost none = assertInstanceOf(NoValidHost.class, d);
            assertEquals(3_000, none.hostsConsidered());
            assertEquals(3_000, none.rejectedByFilter().values().stream().mapToInt(Integer::intValue).sum());
            assertTrue(placed > 3_000, policy.weigher() + " placed only " + placed);
        }
    }

    @Test
    void withFewerPassingHostsThanItWantsItFindsTheGlobalBest() {
        // GIVEN 10,000 hosts of which only 60 (fewer than the 100 a sample wants at least) have 4 GiB free
        Random random = new Random(6);
        Snapshot s = Snapshot.empty();
        for (int i = 0; i < 10_000; i++) {
            long used = i % 166 == 0 ? random.nextInt(4000) : 6000 + random.nextInt(2000);
            s = s.with(host("node-" + i).memory(8192, used).build());
        }

        // WHEN one request for 4 GiB is placed sampled and by a full scan, under spread and under pack
        for (SchedulerPolicy policy : List.of(SPREAD, PACK)) {
            PlacementRequest r = request().memory(4096).build();
            Placed sampled = assertInstanceOf(Placed.class,
                    new FilterScheduler(policy, 8, Sampling.SCALED).place(s, r, NOW));
            Placed full = assertInstanceOf(Placed.class,
                    new FilterScheduler(policy, 8, Sampling.EXHAUSTIVE).place(s, r, NOW));

            // THEN the same host
            assertEquals(full.hostname(), sampled.hostname(), policy.weigher().name());
        }
    }

    @Test
    void anImpossibleRequestIsCountedAsAFullScanCountsIt() {
        Snapshot s = cluster(10_000, new Random(9));
        PlacementRequest r = request().memory(9000).build();
        NoValidHost sampled = assertInstanceOf(NoValidHost.class,
                new FilterScheduler(SPREAD, 1, Sampling.SCALED).place(s, r, NOW));
        NoValidHost full = assertInstanceOf(NoValidHost.class,
                new FilterScheduler(SPREAD, 1, Sampling.EXHAUSTIVE).place(s, r, NOW));
        assertEquals(full.rejectedByFilter(), sampled.rejectedByFilter());
        assertEquals(Map.of("MemoryFilter", 10_000), sampled.rejectedByFilter());
    }

    @Test
    void sampledSpreadUsesTheWholeClusterAndSampledPackFillsFewHosts() {
        // GIVEN 2,000 idle identical hosts
        Snapshot idle = Snapshot.empty();
        for (int i = 0; i < 2_000; i++) {
            idle = idle.with(host("idle-" + i).build());
        }
        Map<String, Integer> spread = placeMany(idle, SPREAD, 1_000);
        Map<String, Integer> pack = placeMany(idle, PACK, 1_000);

        // THEN spread never doubles up while idle hosts remain, and pack fills hosts of 8 CPUs with 8 1-CPU requests
        assertEquals(1_000, spread.size());
        assertEquals(125, pack.size());
    }

    private static Map<String, Integer> placeMany(Snapshot s, SchedulerPolicy policy, int n) {
        FilterScheduler scheduler = new FilterScheduler(policy, 11, Sampling.SCALED);
        Random ids = new Random(12);
        Map<String, Integer> perHost = new HashMap<>();
        for (int i = 0; i < n; i++) {
            Placed p = assertInstanceOf(Placed.class, scheduler.place(s,
                    request().uuid(new UUID(ids.nextLong(), ids.nextLong())).memory(512).cpu(1).build(), NOW));
            perHost.merge(p.hostname(), 1, Integer::sum);
            s = s.withClaim(p);
        }
        return perHost;
    }

    @Test
    void howManyPassingHostsASampleWants() {
        assertEquals(10, Sampling.SCALED.wanted(10));
        assertEquals(100, Sampling.SCALED.wanted(1_000));
        assertEquals(100, Sampling.SCALED.wanted(10_000));
        assertEquals(200, Sampling.SCALED.wanted(20_000));
        assertEquals(250, Sampling.SCALED.wanted(100_000));
        assertEquals(1_000_000, Sampling.EXHAUSTIVE.wanted(1_000_000));
        assertThrows(IllegalArgumentException.class, () -> new Sampling(0, 5, 10));
        assertThrows(IllegalArgumentException.class, () -> new Sampling(10, 5, 9));
        assertThrows(IllegalArgumentException.class, () -> new Sampling(10, 101, 100));
    }
}
