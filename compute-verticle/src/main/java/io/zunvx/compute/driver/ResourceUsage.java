package io.zunvx.compute.driver;

/**
 * One sample of a container's resource counters, as the runtime reports them (all cumulative since the container
 * started, except memory).
 *
 * @param cpuTotalNanos    CPU time the container used
 * @param systemCpuNanos   CPU time the host used, in the same unit, 0 when unknown
 * @param memoryUsageBytes memory in use now
 * @param memoryLimitBytes the memory the container may use (the host's memory when it has no limit)
 * @param blockReadBytes   bytes read from block devices
 * @param blockWriteBytes  bytes written to block devices
 * @param netRxBytes       bytes received over every network interface
 * @param netTxBytes       bytes sent over every network interface
 */
public record ResourceUsage(long cpuTotalNanos, long systemCpuNanos, long memoryUsageBytes, long memoryLimitBytes,
                            long blockReadBytes, long blockWriteBytes, long netRxBytes, long netTxBytes) {
}
