package io.zunvx.platform.host;

import static io.zunvx.platform.db.TestWaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.zunvx.model.ComputeNode;
import io.zunvx.model.ZunService;
import io.zunvx.platform.db.PgSession;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Host inventory, claims and heartbeats on a real PostgreSQL: reports never touch claims, claims are conditional on
 * version and capacity, so concurrent schedulers cannot overcommit a host.
 */
class ComputeNodeRepositoryIT {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");

    @RegisterExtension
    static final PgSession pg = PgSession.perClass(10);
    private final ComputeNodeRepository nodes = new ComputeNodeRepository();
    private final ServiceRepository services = new ServiceRepository();

    // ---- report ---------------------------------------------------------------------------------------------------

    @Test
    void firstReportRegistersTheHostWithNothingClaimed() {
        // GIVEN a host never seen
        ComputeNode reported = node(host(), 4096, 10, 100);

        // WHEN its agent reports
        ComputeNode stored = await(nodes.report(pg.pool(), reported, T0));

        // THEN it is stored as reported, with no claims, version 0, created and updated now
        assertEquals(reported.uuid(), stored.uuid());
        assertEquals(List.of(4096L, 10, 100L), List.of(stored.memTotal(), stored.cpus(), stored.diskTotal()));
        assertEquals(List.of(0L, 0.0, 0L), List.of(stored.memUsed(), stored.cpuUsed(), stored.diskUsed()));
        assertEquals(0, stored.version());
        assertEquals(T0, stored.createdAt());
        assertEquals(T0, stored.updatedAt());
        assertEquals(Map.of("zone", "a"), stored.labels());
        assertEquals(List.of("runc", "crun"), stored.runtimes());
        assertEquals(Optional.of(stored), await(nodes.find(pg.pool(), reported.hostname())));
    }

    @Test
    void laterReportRefreshesInventoryButNeverClaimsOrIdentity() {
        // GIVEN a host with resources claimed on it
        String host = host();
        ComputeNode first = await(nodes.report(pg.pool(), node(host, 4096, 10, 100), T0));
        ComputeNode claimed = claim(host, first.version(), 1024, 3, 10, 1.0).orElseThrow();

        // WHEN its agent reports again, with new totals and counts, a fresh id and zero claims of its own
        ComputeNode again = new ComputeNode(UUID.randomUUID(), host, 8192, 0, 16, 0, 200, 0, 5, 3, 1, 1,
                "aarch64", "linux", "Debian", "6.1", Map.of("zone", "b"), List.of("runc"), true, "az-2",
                "http://" + host + ":9999", T0, null, 0);
        ComputeNode stored = await(nodes.report(pg.pool(), again, T0.plusSeconds(10)));

        // THEN inventory and counts are the new ones, claims and version as they were, id and creation as first
        assertEquals(first.uuid(), stored.uuid());
        assertEquals(T0, stored.createdAt());
        assertEquals(T0.plusSeconds(10), stored.updatedAt());
        assertEquals(List.of(8192L, 16, 200L), List.of(stored.memTotal(), stored.cpus(), stored.diskTotal()));
        assertEquals(List.of(5, 3, 1, 1), List.of(stored.totalContainers(), stored.running(), stored.paused(),
                stored.stopped()));
        assertEquals(List.of("aarch64", "linux", "Debian", "6.1", "az-2", "http://" + host + ":9999"),
                List.of(stored.architecture(), stored.osType(), stored.os(), stored.kernelVersion(),
                        stored.availabilityZone(), stored.internalEndpoint()));
        assertEquals(Map.of("zone", "b"), stored.labels());
        assertTrue(stored.enableCpuPinning());
        assertEquals(List.of(1024L, 3.0, 10L), List.of(stored.memUsed(), stored.cpuUsed(), stored.diskUsed()));
        assertEquals(claimed.version(), stored.version());
    }

    @Test
    void listReturnsHostsByName() {
        // GIVEN hosts reported in reverse name order
        String prefix = host();
        await(nodes.report(pg.pool(), node(prefix + "-b", 1, 1, 1), T0));
        await(nodes.report(pg.pool(), node(prefix + "-a", 1, 1, 1), T0));

        // THEN they are listed by host name
        List<String> names = await(nodes.list(pg.pool())).stream().map(ComputeNode::hostname)
                .filter(n -> n.startsWith(prefix)).toList();
        assertEquals(List.of(prefix + "-a", prefix + "-b"), names);
        assertEquals(Optional.empty(), await(nodes.find(pg.pool(), prefix + "-none")));
    }

    // ---- claim and release ----------------------------------------------------------------------------------------

    @Test
    void claimSucceedsWhileCapacityRemainsAndTheVersionMatches() {
        // GIVEN a host with 4096 MiB, 10 CPUs and 100 GB
        String host = host();
        ComputeNode n0 = await(nodes.report(pg.pool(), node(host, 4096, 10, 100), T0));

        // WHEN two claims are made, each with the version just read
        ComputeNode n1 = claim(host, n0.version(), 1024, 2.5, 20, 1.0).orElseThrow();
        ComputeNode n2 = claim(host, n1.version(), 3072, 7.5, 80, 1.0).orElseThrow();

        // THEN both hold, the second filling the host exactly, and each bumped the version
        assertEquals(List.of(1024L, 2.5, 20L, 1L), List.of(n1.memUsed(), n1.cpuUsed(), n1.diskUsed(), n1.version()));
        assertEquals(List.of(4096L, 10.0, 100L, 2L), List.of(n2.memUsed(), n2.cpuUsed(), n2.diskUsed(),
                n2.version()));
        assertEquals(Optional.of(n2), await(nodes.find(pg.pool(), host)));
    }

    @Test
    void claimWithAStaleVersionFailsAndChangesNothing() {
        // GIVEN a host claimed once since its version 0 was read
        String host = host();
        ComputeNode n0 = await(nodes.report(pg.pool(), node(host, 4096, 10, 100), T0));
        ComputeNode n1 = claim(host, n0.version(), 512, 1, 1, 1.0).orElseThrow();

        // WHEN another scheduler claims with version 0
        Optional<ComputeNode> stale = claim(host, n0.version(), 512, 1, 1, 1.0);

        // THEN the claim fails and the host is as the first claim left it
        assertEquals(Optional.empty(), stale);
        assertEquals(Optional.of(n1), await(nodes.find(pg.pool(), host)));
    }

    @Test
    void claimBeyondCapacityTimesRatioFails() {
        // GIVEN a host with 1000 MiB, 4 CPUs and 10 GB
        String host = host();
        ComputeNode n0 = await(nodes.report(pg.pool(), node(host, 1000, 4, 10), T0));

        // THEN with ratio 1 a claim of one unit more than the host has fails, for each resource
        assertEquals(Optional.empty(), claim(host, n0.version(), 1001, 1, 1, 1.0), "memory");
        assertEquals(Optional.empty(), claim(host, n0.version(), 1, 4.5, 1, 1.0), "cpu");
        assertEquals(Optional.empty(), claim(host, n0.version(), 1, 1, 11, 1.0), "disk");
        assertEquals(Optional.of(n0), await(nodes.find(pg.pool(), host)));

        // AND with ratio 2 twice the host's resources can be claimed, but not more
        ComputeNode n1 = claim(host, n0.version(), 2000, 8, 20, 2.0).orElseThrow();
        assertEquals(List.of(2000L, 8.0, 20L), List.of(n1.memUsed(), n1.cpuUsed(), n1.diskUsed()));
        assertEquals(Optional.empty(), claim(host, n1.version(), 0, 0.5, 0, 2.0), "cpu beyond 2x");
        assertEquals(Optional.empty(), claim(host, n1.version(), 1, 0, 0, 2.0), "memory beyond 2x");
        assertEquals(Optional.empty(), claim(host, n1.version(), 0, 0, 1, 2.0), "disk beyond 2x");
    }
    @Test
    void fractionalAllocationRatiosAreHonoured() {
        // GIVEN a host with 1000 MiB, 10 CPUs and 10 GB, and ratios of 1.5
        String host = host();
        ComputeNode n0 = await(nodes.report(pg.pool(), node(host, 1000, 10, 10), T0));

        // WHEN one and a half times its resources are claimed
        Optional<ComputeNode> claimed = claim(host, n0.version(), 1500, 15, 15, 1.5);

        // THEN the claim holds
        assertTrue(claimed.isPresent(), "claim within capacity x 1.5 refused");
        assertEquals(List.of(1500L, 15.0, 15L), List.of(claimed.get().memUsed(), claimed.get().cpuUsed(),
                claimed.get().diskUsed()));
    }

    @Test
    void claimOnAnUnknownHostFails() {
        assertEquals(Optional.empty(), claim(host(), 0, 1, 1, 1, 1.0));
    }

    @Test
    void fiftyConcurrentClaimsOnTenCpusLetExactlyTenThrough() {
        // GIVEN a host with 10 CPUs
        String host = host();
        await(nodes.report(pg.pool(), node(host, 1_000_000, 10, 1_000_000), T0));

        // WHEN 50 schedulers each claim 1 CPU at once, re-reading and retrying whenever the version moved
        AtomicInteger retries = new AtomicInteger();
        List<Future<Boolean>> attempts = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
            attempts.add(claimWithRetry(host, retries, 0));
        }
        List<Boolean> outcomes = await(Future.all(attempts)).list();

        // THEN exactly ten succeed, and the host has exactly 10 CPUs claimed
        assertEquals(10, outcomes.stream().filter(Boolean::booleanValue).count(), "successes");
        ComputeNode after = await(nodes.find(pg.pool(), host)).orElseThrow();
        assertEquals(10.0, after.cpuUsed());
        assertEquals(10, after.memUsed());
        assertEquals(10, after.version());
        System.out.printf("50 concurrent claims: 10 succeeded after %d version conflicts%n", retries.get());
    }

    @Test
    void releaseNeverGoesBelowZero() {
        // GIVEN a host with some resources claimed
        String host = host();
        ComputeNode n0 = await(nodes.report(pg.pool(), node(host, 4096, 10, 100), T0));
        ComputeNode n1 = claim(host, n0.version(), 512, 2, 5, 1.0).orElseThrow();

        // WHEN part is released, then more than what remains
        ComputeNode n2 = await(nodes.release(pg.pool(), host, 256, 0.5, 1)).orElseThrow();
        ComputeNode n3 = await(nodes.release(pg.pool(), host, 10_000, 50, 500)).orElseThrow();

        // THEN the first release subtracts, the second stops at zero, and each bumps the version
        assertEquals(List.of(256L, 1.5, 4L), List.of(n2.memUsed(), n2.cpuUsed(), n2.diskUsed()));
        assertEquals(List.of(0L, 0.0, 0L), List.of(n3.memUsed(), n3.cpuUsed(), n3.diskUsed()));
        assertEquals(List.of(n1.version() + 1, n1.version() + 2), List.of(n2.version(), n3.version()));
        assertEquals(Optional.empty(), await(nodes.release(pg.pool(), host + "-unknown", 1, 1, 1)));
    }

    // ---- services -------------------------------------------------------------------------------------------------

    @Test
    void heartbeatRegistersTheServiceThenCountsReports() {
        // GIVEN a compute service never seen
        String host = host();

        // WHEN it sends three heartbeats
        ZunService first = await(services.heartbeat(pg.pool(), host, ZunService.COMPUTE, "nova", T0));
        await(services.heartbeat(pg.pool(), host, ZunService.COMPUTE, "nova", T0.plusSeconds(10)));
        ZunService third = await(services.heartbeat(pg.pool(), host, ZunService.COMPUTE, "az-2", T0.plusSeconds(20)));

        // THEN it is one service whose report count went 1, 2, 3 and whose last heartbeat is the latest
        assertEquals(1, first.reportCount());
        assertEquals(T0, first.lastSeenUp());
        assertEquals(first.id(), third.id());
        assertEquals(3, third.reportCount());
        assertEquals(T0.plusSeconds(20), third.lastSeenUp());
        assertEquals(T0, third.createdAt());
        assertEquals("az-2", third.availabilityZone());
        assertTrue(third.isUp(T0.plusSeconds(60), java.time.Duration.ofSeconds(180)));
        assertEquals(Optional.of(third), await(services.find(pg.pool(), host, ZunService.COMPUTE)));
        assertEquals(Optional.empty(), await(services.find(pg.pool(), host, "zun-other")));
    }

    @Test
    void servicesOfTheSameHostWithDifferentBinariesAreSeparate() {
        // GIVEN two binaries on one host, heartbeating
        String host = host();
        await(services.heartbeat(pg.pool(), host, ZunService.COMPUTE, "nova", T0));
        await(services.heartbeat(pg.pool(), host, "zun-wsproxy", "nova", T0));
        await(services.heartbeat(pg.pool(), host, ZunService.COMPUTE, "nova", T0.plusSeconds(1)));

        // THEN each has its own count, and both are listed
        List<ZunService> mine = await(services.list(pg.pool())).stream().filter(s -> s.host().equals(host)).toList();
        assertEquals(List.of(ZunService.COMPUTE, "zun-wsproxy"), mine.stream().map(ZunService::binary).toList());
        assertEquals(List.of(2L, 1L), mine.stream().map(ZunService::reportCount).toList());
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /**
     * One scheduler's claim of 1 CPU and 1 MiB: read the node, claim on its version, and on a lost race read again;
     * gives up (false) once the node has no CPU left.
     */
    private Future<Boolean> claimWithRetry(String host, AtomicInteger retries, int attempt) {
        if (attempt > 500) {
            return Future.failedFuture(new AssertionError("claim still racing after 500 attempts"));
        }
        return nodes.find(pg.pool(), host).compose(found -> {
            ComputeNode n = found.orElseThrow();
            if (n.cpuUsed() + 1 > n.cpus()) {
                return Future.succeededFuture(false);
            }
            return pg.pool().withTransaction(tx -> nodes.claim(tx, host, n.version(), 1, 1, 0, 1.0, 1.0, 1.0))
                    .compose(claimed -> {
                        if (claimed.isPresent()) {
                            return Future.succeededFuture(true);
                        }
                        retries.incrementAndGet();
                        return claimWithRetry(host, retries, attempt + 1);
                    });
        });
    }

    private Optional<ComputeNode> claim(String host, long version, long mem, double cpu, long disk, double ratio) {
        return await(pg.pool().withTransaction(
                tx -> nodes.claim(tx, host, version, mem, cpu, disk, ratio, ratio, ratio)));
    }

    private static ComputeNode node(String host, long mem, int cpus, long disk) {
        return new ComputeNode(ComputeNodeRepository.newId(), host, mem, 0, cpus, 0, disk, 0, 0, 0, 0, 0, "x86_64",
                "linux", "Ubuntu", "6.8", Map.of("zone", "a"), List.of("runc", "crun"), false, "nova",
                "http://" + host + ":9518", null, null, 0);
    }

    private static String host() {
        return "host-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
