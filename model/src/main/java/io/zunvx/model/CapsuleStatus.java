package io.zunvx.model;

import java.util.List;

/**
 * A capsule's status, aggregated from its containers; the rules are written in docs/api.md ("Capsules"), first match
 * wins:
 * <ol>
 *   <li>the capsule is being deleted: {@code Deleting};</li>
 *   <li>the sandbox, an init container or a main container is {@code Error} (or {@code Dead}): {@code Error}, with
 *       that container's reason;</li>
 *   <li>the sandbox or a container is still {@code Creating}, or an init container has not finished: {@code Creating};</li>
 *   <li>every main container is {@code Running}: {@code Running};</li>
 *   <li>some main container is {@code Running} or {@code Restarting}: {@code Running}, the reason naming the others;</li>
 *   <li>every main container has the same status: that status ({@code Created}, {@code Stopped}, {@code Paused},
 *       {@code Unknown});</li>
 *   <li>otherwise {@code Unknown}.</li>
 * </ol>
 */
public final class CapsuleStatus {
    private CapsuleStatus() {
    }

    /**
     * The aggregate.
     *
     * @param status the capsule's status
     * @param reason why, when something is not as it should be; {@code null} otherwise
     */
    public record Aggregate(Status status, String reason) {
    }

    /** The status of a capsule whose containers are {@code containers} (sandbox included, any order). */
    public static Aggregate of(Capsule capsule, List<Container> containers) {
        if (capsule.taskState() == TaskState.CONTAINER_DELETING) {
            return new Aggregate(Status.DELETING, null);
        }
        for (Container c : containers) {
            if (c.status() == Status.ERROR || c.status() == Status.DEAD) {
                String who = c.isSandbox() ? "sandbox" : (Container.ROLE_INIT.equals(c.capsuleRole())
                        ? "init container " : "container ") + c.name();
                return new Aggregate(Status.ERROR, who + ": "
                        + (c.statusReason() == null ? c.status().wire() : c.statusReason()));
            }
        }
        List<Container> mains = containers.stream().filter(c -> Container.ROLE_CONTAINER.equals(c.capsuleRole()))
                .toList();
        for (Container c : containers) {
            if (c.status() == Status.CREATING) {
                return new Aggregate(Status.CREATING, null);
            }
            if (Container.ROLE_INIT.equals(c.capsuleRole()) && c.status() != Status.STOPPED) {
                return new Aggregate(Status.CREATING, null);
            }
        }
        if (mains.isEmpty()) {
            return new Aggregate(Status.UNKNOWN, "the capsule has no containers");
        }
        if (mains.stream().allMatch(c -> c.status() == Status.RUNNING)) {
            return new Aggregate(Status.RUNNING, null);
        }
        List<Container> notRunning = mains.stream().filter(c -> c.status() != Status.RUNNING).toList();
        if (notRunning.size() < mains.size()
                || mains.stream().anyMatch(c -> c.status() == Status.RESTARTING)) {
            return new Aggregate(Status.RUNNING, "not running: " + String.join(", ",
                    notRunning.stream().map(c -> c.name() + " (" + c.status().wire() + ")").toList()));
        }
        Status first = mains.getFirst().status();
        if (mains.stream().allMatch(c -> c.status() == first)) {
            return new Aggregate(first, null);
        }
        return new Aggregate(Status.UNKNOWN, String.join(", ",
                mains.stream().map(c -> c.name() + " " + c.status().wire()).toList()));
    }
}
