package io.zunvx.compute.driver;

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
        int stopped) {

    public HostInfo {
        runtimes = runtimes == null ? List.of() : List.copyOf(runtimes);
    }
}
