package io.zunvx.api.container;

/**
 * Resource defaults and bounds applied to create and update bodies (Zun's {@code default_cpu},
 * {@code default_memory}, {@code minimum_cpus}, {@code maximum_cpus}, {@code minimum_memory}, {@code maximum_memory},
 * {@code minimum_disk}, {@code maximum_disk}).
 *
 * @param defaultCpu    vCPUs when none are asked for
 * @param defaultMemory MiB when none are asked for
 * @param minCpu        lowest vCPUs accepted
 * @param maxCpu        highest vCPUs accepted
 * @param minMemory     lowest MiB accepted
 * @param maxMemory     highest MiB accepted
 * @param minDisk       lowest GB accepted
 * @param maxDisk       highest GB accepted
 */
public record Defaults(double defaultCpu, int defaultMemory, double minCpu, double maxCpu, int minMemory,
                       int maxMemory, int minDisk, int maxDisk) {

    public Defaults {
        if (!(minCpu > 0) || minCpu > maxCpu) {
            throw new IllegalArgumentException("cpu bounds must satisfy 0 < min <= max");
        }
        if (minMemory < 0 || minMemory > maxMemory) {
            throw new IllegalArgumentException("memory bounds must satisfy 0 <= min <= max");
        }
        if (minDisk < 0 || minDisk > maxDisk) {
            throw new IllegalArgumentException("disk bounds must satisfy 0 <= min <= max");
        }
        if (defaultCpu < minCpu || defaultCpu > maxCpu) {
            throw new IllegalArgumentException("default cpu must lie within the cpu bounds");
        }
        if (defaultMemory < minMemory || defaultMemory > maxMemory) {
            throw new IllegalArgumentException("default memory must lie within the memory bounds");
        }
    }

    /** Zun's configuration defaults: 1.0 vCPU and 512 MiB, cpu 0.1-16.0, memory 4-8192 MiB, disk 1-160 GB. */
    public static Defaults standard() {
        return new Defaults(1.0, 512, 0.1, 16.0, 4, 8192, 1, 160);
    }
}
