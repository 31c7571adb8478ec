package io.zunvx.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A Docker host as the scheduler sees it: capacity, current claims and what it offers.
 *
 * @param uuid             id
 * @param hostname         unique host name (also the compute topic suffix)
 * @param memTotal         MiB
 * @param memUsed          MiB claimed by containers placed here
 * @param cpus             CPUs
 * @param cpuUsed          vCPUs claimed
 * @param diskTotal        GB
 * @param diskUsed         GB claimed
 * @param totalContainers  containers known on the host
 * @param running          running containers
 * @param paused           paused containers
 * @param stopped          stopped containers
 * @param architecture     e.g. {@code x86_64}
 * @param osType           e.g. {@code linux}
 * @param os               operating system name
 * @param kernelVersion    kernel version
 * @param labels           operator labels
 * @param runtimes         OCI runtimes Docker offers
 * @param enableCpuPinning whether dedicated CPUs can be given out
 * @param availabilityZone zone of the host
 * @param internalEndpoint base URL of the agent's internal HTTP endpoint
 * @param createdAt        first registration
 * @param updatedAt        last report
 * @param version          optimistic-lock version; every claim increments it
 * @param numaTopology     NUMA nodes with their CPU ids and memory as the agent reports them, {@code null} when not
 *                         reported (hosts registered before agents reported it)
 */
public record ComputeNode(
        UUID uuid,
        String hostname,
        long memTotal,
        long memUsed,
        int cpus,
        double cpuUsed,
        long diskTotal,
        long diskUsed,
        int totalContainers,
        int running,
        int paused,
        int stopped,
        String architecture,
        String osType,
        String os,
        String kernelVersion,
        Map<String, String> labels,
        List<String> runtimes,
        boolean enableCpuPinning,
        String availabilityZone,
        String internalEndpoint,
        Instant createdAt,
        Instant updatedAt,
        long version,
        NumaTopology numaTopology) {

    public ComputeNode {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(hostname, "hostname");
        if (memTotal < 0 || cpus < 0 || diskTotal < 0 || memUsed < 0 || cpuUsed < 0 || diskUsed < 0) {
            throw new IllegalArgumentException("resource figures must not be negative");
        }
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        runtimes = runtimes == null ? List.of() : List.copyOf(runtimes);
    }

    /** A node without NUMA information (as before agents reported it). */
    public ComputeNode(UUID uuid, String hostname, long memTotal, long memUsed, int cpus, double cpuUsed,
                       long diskTotal, long diskUsed, int totalContainers, int running, int paused, int stopped,
                       String architecture, String osType, String os, String kernelVersion, Map<String, String> labels,
                       List<String> runtimes, boolean enableCpuPinning, String availabilityZone,
                       String internalEndpoint, Instant createdAt, Instant updatedAt, long version) {
        this(uuid, hostname, memTotal, memUsed, cpus, cpuUsed, diskTotal, diskUsed, totalContainers, running, paused,
                stopped, architecture, osType, os, kernelVersion, labels, runtimes, enableCpuPinning, availabilityZone,
                internalEndpoint, createdAt, updatedAt, version, null);
    }

    /** A copy with this NUMA topology. */
    public ComputeNode withNumaTopology(NumaTopology topology) {
        return new ComputeNode(uuid, hostname, memTotal, memUsed, cpus, cpuUsed, diskTotal, diskUsed,
                totalContainers, running, paused, stopped, architecture, osType, os, kernelVersion, labels, runtimes,
                enableCpuPinning, availabilityZone, internalEndpoint, createdAt, updatedAt, version, topology);
    }

    public long memFree() {
        return memTotal - memUsed;
    }

    public double cpuFree() {
        return cpus - cpuUsed;
    }

    public long diskFree() {
        return diskTotal - diskUsed;
    }

    /** A copy with claims added (negative values release). */
    public ComputeNode withClaim(long mem, double cpu, long disk) {
        return new ComputeNode(uuid, hostname, memTotal, memUsed + mem, cpus, cpuUsed + cpu, diskTotal,
                diskUsed + disk, totalContainers, running, paused, stopped, architecture, osType, os, kernelVersion,
                labels, runtimes, enableCpuPinning, availabilityZone, internalEndpoint, createdAt, updatedAt,
                version + 1, numaTopology);
    }
}
