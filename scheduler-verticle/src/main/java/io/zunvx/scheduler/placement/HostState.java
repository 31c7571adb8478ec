package io.zunvx.scheduler.placement;

import io.zunvx.model.ComputeNode;
import io.zunvx.model.ZunService;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;

/**
 * What the scheduler knows about one host: its resources and claims, its compute service (for enabled and up), and
 * its CPU pinning state. Immutable, a value of its four parts ({@link #equals} compares those).
 *
 * <p>Not a record because it also keeps copies of the figures every placement reads of every host (free resources,
 * whether the service is usable and when it was last seen): a scan of 10,000 hosts then touches one object per host
 * instead of four (state, node, service, heartbeat instant), which is most of what a placement costs at that size.
 */
public final class HostState {

    private final ComputeNode node;
    private final ZunService service;
    private final CpuSet pinnedCpus;
    private final CpuSet pinnableCpus;

    // Copies for the scan; package-private so that the filters and weighers read them without a hop to the node.
    final String hostname;
    /** {@code hostname.hashCode()}, for tie-breaks without touching the string. */
    final int nameHash;
    final long memTotal;
    final long memUsed;
    final int cpus;
    final double cpuUsed;
    final long diskTotal;
    final long diskUsed;
    final boolean cpuPinning;
    final int freePinnable;
    /** A service exists, is enabled and is not forced down. */
    final boolean serviceUsable;
    /** Last sign of life of the service as Zun's rule picks it, {@link Long#MIN_VALUE} for none. */
    final long seenSecond;
    final int seenNano;

    /**
     * @param node         capacity, claims and what the host offers
     * @param service      the host's {@code zun-compute} service, {@code null} when it has never reported
     * @param pinnedCpus   CPU ids given to dedicated containers, {@code null} for none
     * @param pinnableCpus CPU ids that may be given to dedicated containers, {@code null} for none
     */
    public HostState(ComputeNode node, ZunService service, CpuSet pinnedCpus, CpuSet pinnableCpus) {
        this.node = Objects.requireNonNull(node, "node");
        if (service != null && !service.host().equals(node.hostname())) {
            throw new IllegalArgumentException(
                    "service of host " + service.host() + " given for node " + node.hostname());
        }
        this.service = service;
        this.pinnedCpus = pinnedCpus == null ? CpuSet.EMPTY : pinnedCpus;
        this.pinnableCpus = pinnableCpus == null ? CpuSet.EMPTY : pinnableCpus;

        this.hostname = node.hostname();
        this.nameHash = hostname.hashCode();
        this.memTotal = node.memTotal();
        this.memUsed = node.memUsed();
        this.cpus = node.cpus();
        this.cpuUsed = node.cpuUsed();
        this.diskTotal = node.diskTotal();
        this.diskUsed = node.diskUsed();
        this.cpuPinning = node.enableCpuPinning();
        this.freePinnable = this.pinnableCpus.sizeMinus(this.pinnedCpus);
        this.serviceUsable = service != null && !service.disabled() && !service.forcedDown();
        Instant seen = lastSignOfLife(service);
        this.seenSecond = seen == null ? Long.MIN_VALUE : seen.getEpochSecond();
        this.seenNano = seen == null ? 0 : seen.getNano();
    }

    /** A host with nothing pinned yet and the pinnable CPUs that {@link #defaultPinnable} gives. */
    public static HostState of(ComputeNode node, ZunService service) {
        return new HostState(node, service, CpuSet.EMPTY, defaultPinnable(node));
    }

    /**
     * When the host enables CPU pinning, the CPU ids of its NUMA nodes as its agent reports them, or every CPU
     * ({@code 0..cpus-1}) when it reports no NUMA topology; none otherwise.
     */
    public static CpuSet defaultPinnable(ComputeNode node) {
        if (!node.enableCpuPinning()) {
            return CpuSet.EMPTY;
        }
        return node.numaTopology() == null ? CpuSet.range(0, node.cpus()) : CpuSet.of(node.numaTopology().cpus());
    }

    /** Capacity, claims and what the host offers. */
    public ComputeNode node() {
        return node;
    }

    /** The host's {@code zun-compute} service, {@code null} when it has never reported. */
    public ZunService service() {
        return service;
    }

    /** CPU ids given to dedicated containers. */
    public CpuSet pinnedCpus() {
        return pinnedCpus;
    }

    /** CPU ids that may be given to dedicated containers. */
    public CpuSet pinnableCpus() {
        return pinnableCpus;
    }

    public String hostname() {
        return hostname;
    }

    /** Pinnable CPUs not pinned yet. */
    public int freePinnableCpus() {
        return freePinnable;
    }

    /**
     * Whether the service is enabled and up at {@code now}: the same answer as {@code !service.disabled() &&
     * service.isUp(now, downTime)}, from the copied figures.
     */
    public boolean isUsable(Instant now, Duration downTime) {
        Instant cutoff = now.minus(downTime);
        return usableSince(cutoff.getEpochSecond(), cutoff.getNano());
    }

    /** Whether the service is enabled, not forced down, and was last seen at or after the cutoff instant. */
    boolean usableSince(long cutoffSecond, int cutoffNano) {
        return serviceUsable && (seenSecond > cutoffSecond || (seenSecond == cutoffSecond && seenNano >= cutoffNano));
    }

    /** The same host after a resource report; pinned CPUs are kept and pinnable ones follow the new node. */
    public HostState withNode(ComputeNode newNode) {
        if (!newNode.hostname().equals(hostname)) {
            throw new IllegalArgumentException("node " + newNode.hostname() + " is not host " + hostname);
        }
        return new HostState(newNode, service, pinnedCpus, defaultPinnable(newNode));
    }

    /** The same host after a heartbeat or an enable/disable/force-down. */
    public HostState withService(ZunService newService) {
        return new HostState(node, newService, pinnedCpus, pinnableCpus);
    }

    /** The same host with these CPUs pinned (for instance as loaded from the database). */
    public HostState withPinned(CpuSet pinned) {
        return new HostState(node, service, pinned, pinnableCpus);
    }

    /** The host after the claim of a placement made on it. */
    public HostState claim(Placed placed) {
        if (!placed.hostname().equals(hostname)) {
            throw new IllegalArgumentException("placement on " + placed.hostname() + " claimed on " + hostname);
        }
        return new HostState(node.withClaim(placed.memory(), placed.cpu(), placed.disk()), service,
                pinnedCpus.union(CpuSet.of(placed.pinnedCpus())), pinnableCpus);
    }

    /** The host after a container's resources are given back (on delete or when a claim fails). */
    public HostState release(long memory, double cpu, long disk, CpuSet cpus) {
        return new HostState(node.withClaim(-memory, -cpu, -disk), service, pinnedCpus.minus(cpus), pinnableCpus);
    }

    /** Zun's rule, as in {@link ZunService#isUp}: the last heartbeat, else the last update, else registration. */
    private static Instant lastSignOfLife(ZunService s) {
        if (s == null) {
            return null;
        }
        return s.lastSeenUp() != null ? s.lastSeenUp() : s.updatedAt() != null ? s.updatedAt() : s.createdAt();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof HostState h && node.equals(h.node) && Objects.equals(service, h.service)
                && pinnedCpus.equals(h.pinnedCpus) && pinnableCpus.equals(h.pinnableCpus);
    }

    @Override
    public int hashCode() {
        return Objects.hash(node, service, pinnedCpus, pinnableCpus);
    }

    @Override
    public String toString() {
        return "HostState[node=" + node + ", service=" + service + ", pinnedCpus=" + pinnedCpus
                + ", pinnableCpus=" + pinnableCpus + "]";
    }
}
