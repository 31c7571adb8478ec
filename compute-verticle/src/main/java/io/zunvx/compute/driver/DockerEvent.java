package io.zunvx.compute.driver;

import java.time.Instant;
import java.util.Objects;

/**
 * One container event reported by the runtime.
 *
 * @param containerId the runtime's container id
 * @param action      the runtime's action name, e.g. {@code die}, {@code start}, {@code stop}, {@code pause},
 *                    {@code unpause}, {@code oom}, {@code destroy} or {@code health_status: healthy}
 * @param uuid        the Zun-VX uuid label of the container, {@code null} if it carries none
 * @param time        when the runtime recorded the event
 */
public record DockerEvent(String containerId, String action, String uuid, Instant time) {

    public DockerEvent {
        Objects.requireNonNull(containerId, "containerId");
        Objects.requireNonNull(action, "action");
        Objects.requireNonNull(time, "time");
    }
}
