package io.zunvx.scheduler.app;

import io.zunvx.platform.app.Platform;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.scheduler.claim.PlacementService;
import io.zunvx.scheduler.placement.FilterScheduler;
import io.zunvx.scheduler.placement.SchedulerPolicy;

/**
 * The scheduler role's composition root: builds its collaborators from the typed configuration and the shared
 * platform pieces, and its one entry point, {@link #verticle()}. Tests reach the placement service through it (its
 * snapshot and counts) instead of through the verticle.
 */
public final class SchedulerComponents {
    private final Platform platform;
    private final SchedulerPolicy policy;
    private final PlacementService placement;

    private SchedulerComponents(Platform platform, SchedulerPolicy policy, PlacementService placement) {
        this.platform = platform;
        this.policy = policy;
        this.placement = placement;
    }

    /** The components of one scheduler instance, configured by {@code platform.config().scheduler()}. */
    public static SchedulerComponents create(Platform platform) {
        SchedulerPolicy policy = policy(platform.config().scheduler());
        PlacementService placement = new PlacementService(platform.transactions(),
                new ContainerStore(platform.transactions(), platform.clock()),
                new FilterScheduler(policy, System.nanoTime()), policy, platform.clock());
        return new SchedulerComponents(platform, policy, placement);
    }

    /** The placement policy the configuration asks for (ratios, weigher, service down time). */
    static SchedulerPolicy policy(ZunvxConfig.Scheduler cfg) {
        return SchedulerPolicy.defaults()
                .withServiceDownTime(cfg.serviceDownTime())
                .withAllocationRatios(cfg.cpuAllocationRatio(), cfg.ramAllocationRatio(), cfg.diskAllocationRatio())
                .withWeigher("pack".equals(cfg.weigher()) ? SchedulerPolicy.Strategy.PACK
                        : SchedulerPolicy.Strategy.SPREAD);
    }

    public SchedulerPolicy policy() {
        return policy;
    }

    /** The snapshot, the queue and the claims of this instance (its counts are what tests and metrics read). */
    public PlacementService placement() {
        return placement;
    }

    /** The role's entry point: the verticle that feeds the placement service from Kafka. Deploy it once. */
    public SchedulerVerticle verticle() {
        return new SchedulerVerticle(placement, platform.kafka(), platform.readiness());
    }
}
