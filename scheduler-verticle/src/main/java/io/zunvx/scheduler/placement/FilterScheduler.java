package io.zunvx.scheduler.placement;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Chooses a host for a request: every host of the snapshot goes through the filters, and the best-scoring host that
 * passes them all wins. A pure function of its arguments and of the policy, weighers and seed given at construction:
 * it keeps no state between calls and reads no clock.
 *
 * <p>One pass over the hosts, keeping only the best so far, and no per-host allocation: at 10,000 hosts a placement
 * is a scan, not a sort. Filters run cheapest and most telling first (requested host, service up, zone, then the
 * resource arithmetic, then the costlier runtime, pinning and label checks); a host is counted against the first
 * filter that rejects it and not checked further.
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

    /** The requested-host filter runs first, which lets a request for one host look up just that host. */
    private static final int REQUESTED_HOST = 0;
    /** How many filters {@link Scan#firstRejecting} checks. */
    private static final int FILTERS = 10;

    private final SchedulerPolicy policy;
    private final HostFilter[] filters;
    private final Weigher[] weighers;
    private final double[] multipliers;
    private final long seed;

    /** A scheduler with the filters and the spread or pack weigher of {@code policy}. */
    public FilterScheduler(SchedulerPolicy policy, long seed) {
        this(policy, defaultWeightings(policy), seed);
    }

    /** A scheduler with the filters of {@code policy} and the given weighers. */
    public FilterScheduler(SchedulerPolicy policy, List<Weighting> weightings, long seed) {
        this.policy = Objects.requireNonNull(policy, "policy");
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
        };
        assert filters.length == FILTERS && filters[REQUESTED_HOST] instanceof RequestedHostFilter;
        this.weighers = new Weigher[weightings.size()];
        this.multipliers = new double[weightings.size()];
        for (int i = 0; i < weightings.size(); i++) {
            weighers[i] = weightings.get(i).weigher();
            multipliers[i] = weightings.get(i).multiplier();
        }
        this.seed = seed;
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

        Scan scan = new Scan(request, now);
        if (request.requestedHost() != null) {
            HostState only = snapshot.get(request.requestedHost());
            scan.rejected[REQUESTED_HOST] = snapshot.size() - (only == null ? 0 : 1);
            if (only != null) {
                scan.visit(only);
            }
        } else {
            snapshot.scan(scan);
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

    /** One placement's pass over the hosts: filter each, score the survivors, keep the best. */
    private final class Scan implements Snapshot.Visitor {
        private final PlacementRequest request;
        private final HostFilter.Check[] checks = new HostFilter.Check[FILTERS];
        private final int[] rejected = new int[FILTERS];
        private final long salt;
        private HostState best;
        private double bestScore;
        /** The tie-break key of {@link #best}, kept so that a tie costs one hash of the challenger only. */
        private long bestTie;

        Scan(PlacementRequest request, Instant now) {
            this.request = request;
            for (int i = 0; i < FILTERS; i++) {
                checks[i] = filters[i].bind(request, now);
            }
            this.salt = salt(request.uuid());
        }

        @Override
        public void visit(HostState host) {
            int f = firstRejecting(host);
            if (f >= 0) {
                rejected[f]++;
                return;
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
