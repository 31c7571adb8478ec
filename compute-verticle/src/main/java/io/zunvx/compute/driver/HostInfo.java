package io.zunvx.compute.driver;

import io.zunvx.model.NumaTopology;
import java.util.List;

/**
 * What a container runtime reports about the machine it runs on, for the host's resource report.
 *
 * @param cpus           logical CPUs
 * @param memTotalMiB    total memory in MiB
 * @param diskTotalGb    size in GiB of the filesystem holding the runtime's data (0 when unknown)
 * @param architecture   machine architecture, e.g. {@code x86_64}
 * @param osType         {@code linux} or {@code windows}
 * @param os             operating system name, e.g. {@code Debian GNU/Linux 12 (bookworm)}
 * @param kernelVersion  kernel release
 * @param runtimes       names of the OCI runtimes a container may ask for, sorted
 * @param defaultRuntime runtime used when a container names none
 * @param total          containers on the host, in any state
 * @param running        running containers
 * @param paused         paused containers
 * @param stopped        stopped containers
 * @param numaTopology   the machine's NUMA nodes, {@code null} when the runtime does not tell (the host reporter then
 *                       reads them from {@code /sys/devices/system/node}, see {@link NumaReader})
 */
public record HostInfo(
        int cpus,
        long memTotalMiB,
        long diskTotalGb,
        String architecture,
        String osType,
        String os,
        String kernelVersion,
        List<String> runtimes,
        String defaultRuntime,
        int total,
        int running,
        int paused,
        int stopped,
        NumaTopology numaTopology) {

    public HostInfo {
        runtimes = runtimes == null ? List.of() : List.copyOf(runtimes);
    }

    /** What a runtime reports without NUMA information. */
    public HostInfo(int cpus, long memTotalMiB, long diskTotalGb, String architecture, String osType, String os,
                    String kernelVersion, List<String> runtimes, String defaultRuntime, int total, int running,
                    int paused, int stopped) {
        this(cpus, memTotalMiB, diskTotalGb, architecture, osType, os, kernelVersion, runtimes, defaultRuntime, total,
                running, paused, stopped, null);
    }

    /** The same figures with this NUMA topology. */
    public HostInfo withNumaTopology(NumaTopology topology) {
        return new HostInfo(cpus, memTotalMiB, diskTotalGb, architecture, osType, os, kernelVersion, runtimes,
                defaultRuntime, total, running, paused, stopped, topology);
    }
}
