package io.zunvx.scheduler.placement;

import io.zunvx.model.ComputeNode;
import io.zunvx.model.ZunService;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;

/**
 * Placement throughput and latency on synthetic clusters of 1,000, 10,000 and 100,000 hosts, sampled as the
 * scheduler verticle does ({@link FilterScheduler.Sampling#SCALED}) and by a full scan, and the quality of sampled
 * placements against full scans; single-threaded as the scheduler runs. Each placement is followed by applying its claim to the snapshot, as the scheduler does. Each
 * measured round starts again from the same snapshot (it is immutable); every round is printed, then the median
 * round, because on a shared machine one round alone says more about the neighbours than about the code.
 *
 * <p>Not a test: run its {@code main} with the test classpath. Arguments: placements per round (default 20,000),
 * measured rounds (default 5), host counts (default {@code 1000,10000,100000}).
 */
public final class PlacementBench {

    private static final Instant NOW = Instant.parse("2026-03-01T12:00:00Z");
    private static final String[] ZONES = {"az1", "az2", "az3"};

    private PlacementBench() {
    }

    public static void main(String[] args) {
        int placements = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        int[] sizes = args.length > 2 ? Arrays.stream(args[2].split(",")).mapToInt(Integer::parseInt).toArray()
                : new int[] {1_000, 10_000, 100_000};
        System.out.printf("java %s, %d CPUs available%n", Runtime.version(),
                Runtime.getRuntime().availableProcessors());
        for (int hosts : sizes) {
            Snapshot cluster = cluster(hosts, new Random(hosts));
            for (FilterScheduler.Sampling sampling : List.of(FilterScheduler.Sampling.SCALED,
                    FilterScheduler.Sampling.EXHAUSTIVE)) {
                String mode = sampling == FilterScheduler.Sampling.SCALED ? "scaled" : "exhaustive";
                FilterScheduler scheduler = new FilterScheduler(SchedulerPolicy.defaults(), 42L, sampling);
                // A full scan of 100,000 hosts per placement is slow: it gets fewer placements, same rounds.
                int n = sampling == FilterScheduler.Sampling.SCALED ? placements
                        : Math.min(placements, 20_000_000 / hosts);
                List<PlacementRequest> requests = requests(n, new Random(7));
                // Warm-up on the same immutable starting snapshot (so measured rounds start from it too), long
                // enough for the JIT and for the cluster to reach the old generation, whose first copies cost most.
                for (int round = 0; round < (sampling == FilterScheduler.Sampling.SCALED ? 5 : 2); round++) {
                    run(scheduler, cluster, requests.subList(0, Math.min(requests.size(), 20_000_000 / hosts)));
                }
                List<Result> results = new ArrayList<>();
                for (int round = 1; round <= rounds; round++) {
                    Result r = run(scheduler, cluster, requests);
                    results.add(r);
                    System.out.println("  " + mode + " round " + round + ": " + r.describe(hosts));
                }
                results.sort((a, b) -> Long.compare(a.totalNanos(), b.totalNanos()));
                Result median = results.get(results.size() / 2);
                System.out.println("median " + mode + ": " + median.describe(hosts));
                System.out.println("ROW|" + hosts + "|" + mode + "|" + median.row());
            }
            for (SchedulerPolicy.Strategy strategy : SchedulerPolicy.Strategy.values()) {
                System.out.println("QUALITY|" + quality(cluster, hosts, strategy, Math.min(placements, 20_000_000 / hosts)));
            }
            System.out.println(hostUpdates(cluster, hosts));
        }
    }

    /**
     * How good sampled placements are against full scans, over the same {@code n} requests from the same cluster:
     * at each step of the sampled run, the chosen host's score over the best score a full scan finds on the same
     * snapshot; and, after each run, how many hosts received containers (under spread more is better, under pack
     * fewer) and the most any one host received.
     */
    private static String quality(Snapshot cluster, int hosts, SchedulerPolicy.Strategy strategy, int n) {
        SchedulerPolicy policy = SchedulerPolicy.defaults().withWeigher(strategy);
        FilterScheduler sampled = new FilterScheduler(policy, 42L, FilterScheduler.Sampling.SCALED);
        FilterScheduler full = new FilterScheduler(policy, 42L, FilterScheduler.Sampling.EXHAUSTIVE);
        Weigher weigher = FilterScheduler.defaultWeightings(policy).getFirst().weigher();
        List<PlacementRequest> requests = requests(n, new Random(7));
        Snapshot s = cluster;
        double sum = 0;
        double worst = Double.MAX_VALUE;
        int compared = 0;
        Map<String, Integer> sampledHosts = new HashMap<>();
        for (PlacementRequest r : requests) {
            Decision d = sampled.place(s, r, NOW);
            Decision best = full.place(s, r, NOW);
            if (d instanceof Placed p && best instanceof Placed b) {
                double bestScore = weigher.weigh(s.get(b.hostname()), r);
                double ratio = bestScore <= 0 ? 1 : weigher.weigh(s.get(p.hostname()), r) / bestScore;
                sum += ratio;
                worst = Math.min(worst, ratio);
                compared++;
                sampledHosts.merge(p.hostname(), 1, Integer::sum);
                s = s.withClaim(p);
            }
        }
        Map<String, Integer> fullHosts = new HashMap<>();
        s = cluster;
        for (PlacementRequest r : requests) {
            if (full.place(s, r, NOW) instanceof Placed p) {
                fullHosts.merge(p.hostname(), 1, Integer::sum);
                s = s.withClaim(p);
            }
        }
        return String.format(Locale.ROOT, "hosts=%d %s quality over %d placements: score vs full scan mean %.4f,"
                        + " worst %.4f; hosts used %d (full scan %d), most on one host %d (full scan %d)",
                hosts, strategy.name().toLowerCase(Locale.ROOT), compared, sum / Math.max(1, compared),
                compared == 0 ? 0 : worst, sampledHosts.size(), fullHosts.size(),
                sampledHosts.values().stream().mapToInt(Integer::intValue).max().orElse(0),
                fullHosts.values().stream().mapToInt(Integer::intValue).max().orElse(0));
    }

    /**
     * One round: wall-clock and the thread's CPU time. On a machine shared with other work the wall-clock rate
     * counts the time the thread waited for a CPU; the rate per CPU-second does not.
     */
    private record Result(int placed, int noValidHost, long totalNanos, long cpuNanos, long[] latencies) {
        /** placements/s, p50 and p99 in µs, n, placements per CPU-second. */
        String row() {
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return String.format(Locale.ROOT, "%.0f|%.1f|%.1f|%d|%.0f", n / (totalNanos / 1e9), sorted[n / 2] / 1e3,
                    sorted[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1e3, n, n / (cpuNanos / 1e9));
        }

        String describe(int hosts) {
            long[] sorted = latencies.clone();
            Arrays.sort(sorted);
            int n = sorted.length;
            return String.format(Locale.ROOT,
                    "hosts=%d placements=%d placed=%d noValidHost=%d  %.0f placements/s (%.0f per CPU-second)"
                            + "  p50=%.1f us  p99=%.1f us  max=%.1f us",
                    hosts, n, placed, noValidHost, n / (totalNanos / 1e9), n / (cpuNanos / 1e9), sorted[n / 2] / 1e3,
                    sorted[(int) Math.min(n - 1, Math.ceil(n * 0.99) - 1)] / 1e3, sorted[n - 1] / 1e3);
        }
    }

    private static Result run(FilterScheduler scheduler, Snapshot start, List<PlacementRequest> requests) {
        Snapshot s = start;
        long[] latencies = new long[requests.size()];
        int placed = 0;
        int none = 0;
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        long cpuBegin = threads.getCurrentThreadCpuTime();
        long begin = System.nanoTime();
        for (int i = 0; i < requests.size(); i++) {
            long t0 = System.nanoTime();
            Decision d = scheduler.place(s, requests.get(i), NOW);
            if (d instanceof Placed p) {
                s = s.withClaim(p);
                placed++;
            } else {
                none++;
            }
            latencies[i] = System.nanoTime() - t0;
        }
        long total = System.nanoTime() - begin;
        return new Result(placed, none, total, threads.getCurrentThreadCpuTime() - cpuBegin, latencies);
    }

    /** Heartbeat-style updates of random hosts, to show what a host event costs the snapshot. */
    private static String hostUpdates(Snapshot cluster, int hosts) {
        Random random = new Random(3);
        int n = 200_000;
        String[] names = new String[n];
        for (int i = 0; i < n; i++) {
            names[i] = name(random.nextInt(hosts));
        }
        Snapshot s = cluster;
        long best = Long.MAX_VALUE;
        for (int round = 0; round < 5; round++) {
            long t0 = System.nanoTime();
            for (int i = 0; i < n; i++) {
                HostState h = s.get(names[i]);
                s = s.with(h.withService(h.service()));
            }
            best = Math.min(best, System.nanoTime() - t0);
        }
        return String.format(Locale.ROOT, "hosts=%d snapshot updates: %.0f host events/s (%.2f us each)%n",
                hosts, n / (best / 1e9), best / 1e3 / n);
    }

    private static String name(int i) {
        return String.format(Locale.ROOT, "compute-%05d", i);
    }

    /**
     * Hosts of 32-256 GiB and 16-128 CPUs, already 0-50 % used; a fifth offer kata, a tenth enable pinning, half
     * have SSDs, three zones; 2 % disabled and 2 % with a stale heartbeat.
     */
    static Snapshot cluster(int hosts, Random random) {
        Snapshot s = Snapshot.empty();
        for (int i = 0; i < hosts; i++) {
            String name = name(i);
            long mem = 32768L << random.nextInt(4);
            int cpus = 16 << random.nextInt(4);
            long disk = 500L + random.nextInt(3500);
            double load = random.nextDouble() * 0.5;
            Map<String, String> labels = new HashMap<>();
            labels.put("ssd", Boolean.toString(random.nextBoolean()));
            labels.put("rack", "r" + random.nextInt(40));
            List<String> runtimes = random.nextInt(5) == 0 ? List.of("runc", "kata") : List.of("runc");
            boolean pinning = random.nextInt(10) == 0;
            ComputeNode node = new ComputeNode(UUID.nameUUIDFromBytes(name.getBytes()), name, mem,
                    (long) (mem * load), cpus, pinning ? 0 : Math.floor(cpus * load * 10) / 10, disk,
                    (long) (disk * load), 0, 0, 0, 0, "x86_64", "linux", "Debian", "6.1", labels, runtimes, pinning,
                    ZONES[random.nextInt(ZONES.length)], "http://" + name + ":9518", NOW, NOW, 1);
            int health = random.nextInt(50);
            ZunService service = new ZunService(i, name, ZunService.COMPUTE, health == 0, null, false,
                    health == 1 ? NOW.minusSeconds(3600) : NOW.minusSeconds(random.nextInt(60)), 10, null, NOW, NOW);
            s = s.with(HostState.of(node, service));
        }
        return s;
    }

    /**
     * Mostly small shared containers; 5 % dedicated, 5 % with an SSD label hint, 3 % with a zone, 2 % asking for
     * kata.
     */
    static List<PlacementRequest> requests(int n, Random random) {
        List<PlacementRequest> out = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            int kind = random.nextInt(100);
            boolean dedicated = kind < 5;
            double cpu = dedicated ? 1 + random.nextInt(4) : (1 + random.nextInt(10)) / 10.0;
            long memory = 64L << random.nextInt(5);
            long disk = 1 + random.nextInt(20);
            Map<String, String> hints = kind >= 5 && kind < 10 ? Map.of("label:ssd", "true") : Map.of();
            String zone = kind >= 10 && kind < 13 ? ZONES[random.nextInt(ZONES.length)] : null;
            String runtime = kind >= 13 && kind < 15 ? "kata" : null;
            out.add(new PlacementRequest(new UUID(random.nextLong(), random.nextLong()), cpu, memory, disk, runtime,
                    dedicated ? PlacementRequest.DEDICATED : PlacementRequest.SHARED, zone, null, hints));
        }
        return out;
    }
}
