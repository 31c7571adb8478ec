package io.zunvx.scheduler.placement;

import java.time.Duration;
import java.util.Objects;

/**
 * How the scheduler filters and ranks hosts.
 *
 * @param cpuAllocationRatio  virtual-to-physical CPU ratio; 1.0 means no overcommit
 * @param ramAllocationRatio  memory overcommit ratio
 * @param diskAllocationRatio disk overcommit ratio
 * @param weigher             spread containers over hosts or pack them onto as few as possible
 * @param serviceDownTime     a compute service whose last heartbeat is older than this is down (Zun's
 *                            {@code service_down_time})
 */
public record SchedulerPolicy(
        double cpuAllocationRatio,
        double ramAllocationRatio,
        double diskAllocationRatio,
        Strategy weigher,
        Duration serviceDownTime) {

    public static final double DEFAULT_ALLOCATION_RATIO = 1.0;
    public static final Duration DEFAULT_SERVICE_DOWN_TIME = Duration.ofSeconds(180);

    /** Which weigher ranks the feasible hosts. */
    public enum Strategy {
        /** Prefer the host with the most free memory and CPU ({@link SpreadWeigher}). */
        SPREAD,
        /** Prefer the host with the least free memory and CPU ({@link PackWeigher}). */
        PACK
    }

    public SchedulerPolicy {
        requirePositive(cpuAllocationRatio, "cpuAllocationRatio");
        requirePositive(ramAllocationRatio, "ramAllocationRatio");
        requirePositive(diskAllocationRatio, "diskAllocationRatio");
        Objects.requireNonNull(weigher, "weigher");
        Objects.requireNonNull(serviceDownTime, "serviceDownTime");
        if (serviceDownTime.isNegative()) {
            throw new IllegalArgumentException("serviceDownTime must not be negative");
        }
    }

    /** No overcommit, spread, 180 s down time. */
    public static SchedulerPolicy defaults() {
        return new SchedulerPolicy(DEFAULT_ALLOCATION_RATIO, DEFAULT_ALLOCATION_RATIO, DEFAULT_ALLOCATION_RATIO,
                Strategy.SPREAD, DEFAULT_SERVICE_DOWN_TIME);
    }

    public SchedulerPolicy withWeigher(Strategy strategy) {
        return new SchedulerPolicy(cpuAllocationRatio, ramAllocationRatio, diskAllocationRatio, strategy,
                serviceDownTime);
    }

    public SchedulerPolicy withAllocationRatios(double cpu, double ram, double disk) {
        return new SchedulerPolicy(cpu, ram, disk, weigher, serviceDownTime);
    }

    public SchedulerPolicy withServiceDownTime(Duration downTime) {
        return new SchedulerPolicy(cpuAllocationRatio, ramAllocationRatio, diskAllocationRatio, weigher, downTime);
    }

    private static void requirePositive(double v, String name) {
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException(name + " must be a positive number: " + v);
        }
    }
}
