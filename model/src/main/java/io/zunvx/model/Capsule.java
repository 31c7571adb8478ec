package io.zunvx.model;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * A capsule (Zun's pod) as Zun-VX stores it: what the template asked for that belongs to the capsule as a whole. Its
 * containers are {@link Container} rows carrying {@link Container#capsuleId()}; its status is aggregated from them by
 * {@link CapsuleStatus}.
 *
 * @param uuid          public id; also the uuid of its sandbox container
 * @param name          {@code metadata.name}, {@code null} when the template gave none
 * @param projectId     owning project
 * @param userId        creating user
 * @param labels        {@code metadata.labels}
 * @param annotations   {@code metadata.annotations}
 * @param restartPolicy {@code always}, {@code on-failure} or {@code no}
 * @param cpu           vCPUs: the containers' sum, or the largest init container's when that is larger
 * @param memory        MiB, summed the same way
 * @param volumes       the template's volumes, with the volume each became
 * @param taskState     operation in progress ({@link TaskState#CONTAINER_DELETING}), {@code null} when idle
 * @param createdAt     creation time
 * @param updatedAt     last change
 * @param version       optimistic-lock version
 * @param eventSequence sequence number of the last capsule event published for it
 */
public record Capsule(
        UUID uuid,
        String name,
        String projectId,
        String userId,
        Map<String, String> labels,
        Map<String, String> annotations,
        String restartPolicy,
        double cpu,
        int memory,
        List<CapsuleVolume> volumes,
        TaskState taskState,
        Instant createdAt,
        Instant updatedAt,
        long version,
        long eventSequence) {

    public Capsule {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(restartPolicy, "restartPolicy");
        if (!RestartPolicy.NAMES.contains(restartPolicy)) {
            throw new IllegalArgumentException("unknown restart policy " + restartPolicy);
        }
        labels = labels == null ? Map.of() : Map.copyOf(labels);
        annotations = annotations == null ? Map.of() : Map.copyOf(annotations);
        volumes = volumes == null ? List.of() : List.copyOf(volumes);
    }

    /** The same capsule with another task state. */
    public Capsule withTaskState(TaskState next, Instant at) {
        return new Capsule(uuid, name, projectId, userId, labels, annotations, restartPolicy, cpu, memory, volumes,
                next, createdAt, at, version, eventSequence);
    }

    /**
     * A volume of the template: its name there, the volume it stands for, and whether the capsule's delete removes it.
     *
     * @param name       the template's name for it
     * @param volumeUuid the volume
     * @param autoRemove whether it goes with the capsule
     */
    public record CapsuleVolume(String name, UUID volumeUuid, boolean autoRemove) {
        public CapsuleVolume {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(volumeUuid, "volumeUuid");
        }
    }
}
