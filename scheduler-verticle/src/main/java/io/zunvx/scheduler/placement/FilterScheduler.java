package io.zunvx.scheduler.placement;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Chooses a host for a request: hosts of the snapshot go through the filters, and the best-scoring host that passes
 * them all wins. A pure function of its arguments and of the policy, weighers, sampling and seed given at
 * construction: it keeps no state between calls and reads no clock.
 *
 * <p>One pass over the hosts, keeping only the best so far, and no per-host allocation. Filters run cheapest and most
 * telling first (requested host, service up, zone, then the resource arithmetic, then the costlier runtime, pinning
 * and label checks); a host is counted against the first filter that rejects it and not checked further.
 *
 * <p>How far the pass goes is the {@link Sampling}: {@link Sampling#EXHAUSTIVE} scores every host that passes, and
 * {@link Sampling#SCALED} stops once it has found enough hosts that pass, as Kubernetes' {@code
 * percentageOfNodesToScore} and Nomad's limit iterator do, so a placement among 100,000 hosts costs about what it
 * costs among a thousand. Sampling never weakens a decision's exactness: every host that is visited goes through
 * every filter (no placement overcommits), and a pass that finds fewer hosts than it wants visits them all, so a
 * {@link NoValidHost} still counts every host against the filter that rejected it. What sampling gives up is only
 * the guarantee of the global best score, for the best of a large part of the hosts. Under spread that part starts
 * at a place drawn from the request (requests spread over the whole cluster); under pack it starts at a place drawn
 * from the seed alone, the same for every request, so the hosts there fill up first and the rest stay empty.
 *
 * <p>Equal scores (identical idle hosts) are broken by a hash of the seed, the request's uuid and the hostname, so
 * that identical hosts share the load across requests while the same seed and request always give the same host.
 */
public final class FilterScheduler {

    /** A weigher and how much its score counts. */
    public record Weighting(Weigher weigher, double multiplier) {
        public Weighting {
            Objects.requireNonNull(weigher, "weigher");
            if (!Double.isFinite(multiplier)) {
                throw new IllegalArgumentException("multiplier must be finite: " + multiplier);
            }
        }
    }

    /**
     * How many hosts that pass every filter a placement looks for before it stops: {@code percent} of the hosts, but
     * at least {@code minFeasible} and at most {@code maxFeasible} (never more than there are).
     */
    public record Sampling(int minFeasible, int percent, int maxFeasible) {
        /** Every host is scored: the global best, at the cost of a scan of the whole cluster. */
        public static final Sampling EXHAUSTIVE = new Sampling(Integer.MAX_VALUE, 100, Integer.MAX_VALUE);
        /**
         * Every host up to 100 that pass; then 1 % of the hosts, at least 100 and at most 250 that pass: a full scan
         * of small clusters, 100 passing hosts up to 10,000 hosts and 250 at 100,000. The cost of a placement is the
         * hosts it visits, and past a few thousand hosts each visit is a cache miss (the hosts no longer fit in the
         * CPU's caches), so it grows with this number, not with the cluster: with 5 % (at most 1,000) a placement at
         * 10,000 hosts visited five times the hosts of one at 1,000, each visit two to three times dearer. The best
         * of 100 passing hosts is within a fraction of a percent of the global best under spread
         * ({@code PlacementBench}'s quality rows).
         */
        public static final Sampling SCALED = new Sampling(100, 1, 250);

        public Sampling {
            if (minFeasible < 1 || percent < 1 || percent > 100 || maxFeasible < minFeasible) {
                throw new IllegalArgumentException("sampling needs 1 <= minFeasible <= maxFeasible and a percent "
                        + "of 1 to 100: " + minFeasible + ", " + percent + ", " + maxFeasible);
            }
        }

        /** How many passing hosts to look for among {@code hosts}. */
        int wanted(int hosts) {
            long share = (long) hosts * percent / 100;
            return (int) Math.min(hosts, Math.max(minFeasible, Math.min(maxFeasible, share)));
        }
    }

    /** The requested-host filter runs first, which lets a request for one host look up just that host. */
    private static final int REQUESTED_HOST = 0;
    /** How many filters {@link Scan#firstRejecting} checks. */
    private static final int FILTERS = 11;

    private final SchedulerPolicy policy;
    private final HostFilter[] filters;
    private final Weigher[] weighers;
    private final double[] multipliers;
    private final long seed;
    private final Sampling sampling;
    /** Where a pack scan starts: the same for every request. */
    private final int packStart;

    /** A scheduler with the filters and the spread or pack weigher of {@code policy}, scoring every host. */
    public FilterScheduler(SchedulerPolicy policy, long seed) {
        this(policy, defaultWeightings(policy), seed, Sampling.EXHAUSTIVE);
    }

    /** A scheduler with the filters of {@code policy} and the given weighers, scoring every host. */
    public FilterScheduler(SchedulerPolicy policy, List<Weighting> weightings, long seed) {
        this(policy, weightings, seed, Sampling.EXHAUSTIVE);
    }

    /** A scheduler with the filters and the spread or pack weigher of {@code policy}, sampling as given. */
    public FilterScheduler(SchedulerPolicy policy, long seed, Sampling sampling) {
        this(policy, defaultWeightings(policy), seed, sampling);
    }

    /** A scheduler with the filters of {@code policy}, the given weighers, and the given sampling. */
    public FilterScheduler(SchedulerPolicy policy, List<Weighting> weightings, long seed, Sampling sampling) {
        this.policy = Objects.requireNonNull(policy, "policy");
        this.sampling = Objects.requireNonNull(sampling, "sampling");
        this.filters = new HostFilter[] {
                new RequestedHostFilter(),
                new ServiceEnabledFilter(policy.serviceDownTime()),
                new AvailabilityZoneFilter(),
                new CpuFilter(policy.cpuAllocationRatio()),
                new MemoryFilter(policy.ramAllocationRatio()),
                new DiskFilter(policy.diskAllocationRatio()),
                new RuntimeFilter(),
                new CpuPinningFilter(),
                new LabelFilter(),
                new VolumeHostFilter(),
                new PortHostFilter(),
        };
        if (filters.length != FILTERS || !(filters[REQUESTED_HOST] instanceof RequestedHostFilter)) {
            throw new IllegalStateException("the scan checks " + FILTERS + " filters, the requested host first");
        }
        this.weighers = new Weigher[weightings.size()];
        this.multipliers = new double[weightings.size()];
        for (int i = 0; i < weightings.size(); i++) {
            weighers[i] = weightings.get(i).weigher();
            multipliers[i] = weightings.get(i).multiplier();
        }
        this.seed = seed;
        this.packStart = (int) mix(seed);
    }

    /** {@link SpreadWeigher} or {@link PackWeigher} as the policy says, multiplier 1. */
    public static List<Weighting> defaultWeightings(SchedulerPolicy policy) {
        Weigher w = switch (policy.weigher()) {
            case SPREAD -> new SpreadWeigher(policy.cpuAllocationRatio(), policy.ramAllocationRatio());
            case PACK -> new PackWeigher(policy.cpuAllocationRatio(), policy.ramAllocationRatio());
        };
        return List.of(new Weighting(w, 1.0));
    }

    public SchedulerPolicy policy() {
        return policy;
    }

    public Sampling sampling() {
        return sampling;
    }

    /** The filters in the order they run. */
    public List<HostFilter> filters() {
        return List.of(filters);
    }

    /**
     * Places {@code request} on one of the hosts of {@code snapshot}, judging service liveness at {@code now}.
     *
     * @return {@link Placed} with the chosen host, or {@link NoValidHost} with how many hosts each filter rejected
     */
    public Decision place(Snapshot snapshot, PlacementRequest request, Instant now) {
        Objects.requireNonNull(snapshot, "snapshot");
        Objects.requireNonNull(request, "request");
        Objects.requireNonNull(now, "now");

        Scan scan = new Scan(request, now, sampling.wanted(snapshot.size()));
        if (request.requestedHost() != null) {
            HostState only = snapshot.get(request.requestedHost());
            scan.rejected[REQUESTED_HOST] = snapshot.size() - (only == null ? 0 : 1);
            if (only != null) {
                scan.visit(only);
            }
        } else {
            snapshot.scan(scan, policy.weigher() == SchedulerPolicy.Strategy.PACK ? packStart : (int) scan.salt);
        }

        HostState best = scan.best;
        if (best == null) {
            Map<String, Integer> counts = new LinkedHashMap<>();
            for (int i = 0; i < filters.length; i++) {
                if (scan.rejected[i] > 0) {
                    counts.put(filters[i].name(), scan.rejected[i]);
                }
            }
            return new NoValidHost(counts, snapshot.size());
        }
        List<Integer> pinned = request.dedicated()
                ? best.pinnableCpus().lowest(request.dedicatedCpus(), best.pinnedCpus())
                : List.of();
        return new Placed(best.hostname(), best.node(), pinned, request.memory(), request.cpu(), request.disk());
    }

    /** One placement's pass over the hosts: filter each, score the survivors, keep the best, stop at enough. */
    private final class Scan implements Snapshot.Visitor {
        private final PlacementRequest request;
        /** How many passing hosts are enough. */
        private final int wanted;
        private int passed;
        private final HostFilter.Check[] checks = new HostFilter.Check[FILTERS];
        private final int[] rejected = new int[FILTERS];
        private final long salt;
        private HostState best;
        private double bestScore;
        /** The tie-break key of {@link #best}, kept so that a tie costs one hash of the challenger only. */
        private long bestTie;

        Scan(PlacementRequest request, Instant now, int wanted) {
            this.request = request;
            this.wanted = wanted;
            for (int i = 0; i < FILTERS; i++) {
                checks[i] = filters[i].bind(request, now);
            }
            this.salt = salt(request.uuid());
        }

        @Override
        public boolean visit(HostState host) {
            int f = firstRejecting(host);
            if (f >= 0) {
                rejected[f]++;
                return true;
            }
            double score = 0;
            for (int w = 0; w < weighers.length; w++) {
                score += multipliers[w] * weighers[w].weigh(host, request);
            }
            if (best == null || score > bestScore) {
                best = host;
                bestScore = score;
                bestTie = tieKey(salt, host);
            } else if (score == bestScore) {
                long tie = tieKey(salt, host);
                if (tie > bestTie || (tie == bestTie && host.hostname.compareTo(best.hostname) < 0)) {
                    best = host;
                    bestTie = tie;
                }
            }
            return ++passed < wanted;
        }

        /**
         * The index of the first filter rejecting {@code host}, or -1. Unrolled on purpose: one call site per filter
         * sees one check class and is inlined, where a loop's single call site would see them all and dispatch
         * each call; at 10,000 hosts that is most of the cost of a placement.
         */
        private int firstRejecting(HostState host) {
            HostFilter.Check c;
            if ((c = checks[0]) != null && !c.test(host)) {
                return 0;
            }
            if ((c = checks[1]) != null && !c.test(host)) {
                return 1;
            }
            if ((c = checks[2]) != null && !c.test(host)) {
                return 2;
            }
            if ((c = checks[3]) != null && !c.test(host)) {
                return 3;
            }
            if ((c = checks[4]) != null && !c.test(host)) {
                return 4;
            }
            if ((c = checks[5]) != null && !c.test(host)) {
                return 5;
            }
            if ((c = checks[6]) != null && !c.test(host)) {
                return 6;
            }
            if ((c = checks[7]) != null && !c.test(host)) {
                return 7;
            }
            if ((c = checks[8]) != null && !c.test(host)) {
                return 8;
            }
            if ((c = checks[9]) != null && !c.test(host)) {
                return 9;
            }
            if ((c = checks[10]) != null && !c.test(host)) {
                return 10;
            }
            return -1;
        }
    }

    /**
     * A host's tie-break key for one request: the higher wins a tie, and equal keys go to the smaller host name (a total
     * order, so the scan order does not matter). From the host name's hash as {@link HostState} keeps it: reading the
     * {@code String} itself would cost a cache miss per host at 10,000 hosts.
     */
    private static long tieKey(long salt, HostState host) {
        return mix(salt + host.nameHash);
    }

    private long salt(UUID uuid) {
        return mix(seed ^ mix(uuid.getMostSignificantBits()) ^ uuid.getLeastSignificantBits());
    }

    /** SplitMix64's finaliser. */
    private static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
        z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
        return z ^ (z >>> 31);
    }
}
