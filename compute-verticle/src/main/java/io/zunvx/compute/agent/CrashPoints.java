package io.zunvx.compute.agent;

import java.util.UUID;

/**
 * Places where fault-injection tests stop the agent as a crash would. Production wiring uses {@link #NONE}.
 */
public interface CrashPoints {
    CrashPoints NONE = new CrashPoints() {
    };

    /** After Docker created the container and before the agent recorded it. */
    default void afterDockerCreate(UUID uuid) {
    }

    /** After the host made a volume's storage and before the agent recorded it. */
    default void afterVolumeStorage(UUID volume) {
    }

    /** After a container's row was deleted and before its volumes were released. */
    default void beforeVolumesReleased(UUID container) {
    }
}
