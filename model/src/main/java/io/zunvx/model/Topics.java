package io.zunvx.model;

/** Kafka topic names. Keys are the aggregate's uuid (or host name for host events), so per-aggregate order holds. */
public final class Topics {
    /** Placement requests, api → scheduler. */
    public static final String SCHEDULER_COMMANDS = "zunvx.scheduler.commands";
    /** Every container status/task-state transition, compute and api → subscribers. */
    public static final String CONTAINER_EVENTS = "zunvx.container.events";
    /** Host reports and heartbeats, compute → scheduler. */
    public static final String HOST_EVENTS = "zunvx.host.events";
    /** Host image state changes (pulling, ready, error, deleted), compute and api → subscribers. */
    public static final String IMAGE_EVENTS = "zunvx.image.events";
    /** Capsule lifecycle facts (created, status changed, deleting, deleted), api and compute → subscribers. */
    public static final String CAPSULE_EVENTS = "zunvx.capsule.events";
    /** Records no consumer could handle, with the reason in headers. */
    public static final String DEAD_LETTER = "zunvx.dlq";

    private static final String COMPUTE_PREFIX = "zunvx.compute.";

    private Topics() {
    }

    /** Lifecycle commands for one compute host. */
    public static String compute(String host) {
        if (host == null || host.isEmpty() || !host.matches("[A-Za-z0-9._-]+")) {
            throw new IllegalArgumentException("host name not usable in a topic name: " + host);
        }
        return COMPUTE_PREFIX + host;
    }
}
