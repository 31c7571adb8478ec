package io.zunvx.scheduler.placement;

import io.zunvx.model.ComputeNode;
import java.util.List;
import java.util.Objects;

/**
 * The request goes to {@code hostname}. Nothing is claimed yet: the caller claims {@link #memory}, {@link #cpu},
 * {@link #disk} and {@link #pinnedCpus} on the node, then applies the claim to its snapshot
 * ({@link Snapshot#withClaim}).
 *
 * @param hostname   chosen host
 * @param node       the host's node as the snapshot had it when chosen
 * @param pinnedCpus CPU ids to pin the container to, ascending; empty unless the request is dedicated
 * @param memory     MiB to claim
 * @param cpu        vCPUs to claim
 * @param disk       GB to claim
 */
public record Placed(String hostname, ComputeNode node, List<Integer> pinnedCpus, long memory, double cpu, long disk)
        implements Decision {

    public Placed {
        Objects.requireNonNull(hostname, "hostname");
        Objects.requireNonNull(node, "node");
        if (!hostname.equals(node.hostname())) {
            throw new IllegalArgumentException("node " + node.hostname() + " is not host " + hostname);
        }
        pinnedCpus = pinnedCpus == null ? List.of() : List.copyOf(pinnedCpus);
    }

    /** The node after the claim: {@code node.withClaim(memory, cpu, disk)}. */
    public ComputeNode claimed() {
        return node.withClaim(memory, cpu, disk);
    }

    /** The pinned CPUs in cpuset list format ({@code 0-1,4}) for Docker; empty when none. */
    public String cpuset() {
        return CpuSet.of(pinnedCpus).toString();
    }
}
