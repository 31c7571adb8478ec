package io.zunvx.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * A volume (Cinder's): storage of {@link #size} GiB on exactly one host, mounted by containers placed there.
 *
 * @param uuid         public id
 * @param name         user-visible name, {@code null} for none
 * @param description  free text, {@code null} for none
 * @param projectId    owning project
 * @param userId       creating user
 * @param size         GiB asked for
 * @param status       Cinder's status: {@code creating}, {@code available}, {@code in-use}, {@code deleting},
 *                     {@code error}, {@code error_deleting}
 * @param statusReason why it is in {@code error}, {@code null} otherwise
 * @param host         the host the storage lives on; {@code null} only for a sized mount's volume before its container
 *                     is placed
 * @param autoRemove   made by a container's sized mount and removed with that container
 * @param sizeEnforced whether the host holds writes to {@link #size}; {@code null} until the host made it
 * @param attachments  the containers that mount it
 * @param createdAt    creation time
 * @param updatedAt    last change, {@code null} if never changed
 * @param version      optimistic-lock version
 */
public record Volume(UUID uuid, String name, String description, String projectId, String userId, int size,
                     String status, String statusReason, String host, boolean autoRemove, Boolean sizeEnforced,
                     List<Attachment> attachments, Instant createdAt, Instant updatedAt, long version) {

    public static final String CREATING = "creating";
    public static final String AVAILABLE = "available";
    public static final String IN_USE = "in-use";
    public static final String DELETING = "deleting";
    public static final String ERROR = "error";
    public static final String ERROR_DELETING = "error_deleting";

    /** Docker label holding the volume uuid on every Docker volume this platform makes. */
    public static final String LABEL_UUID = "zunvx.volume.uuid";

    /**
     * Scheduler hint the API sets on a container that mounts existing volumes: their hosts, comma-separated. Users
     * cannot send it themselves.
     */
    public static final String HOST_HINT = "zunvx:volume-hosts";

    public Volume {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(projectId, "projectId");
        Objects.requireNonNull(status, "status");
        if (size <= 0) {
            throw new IllegalArgumentException("size must be positive: " + size);
        }
        attachments = attachments == null ? List.of() : List.copyOf(attachments);
    }

    /** The Docker volume's name on its host: derived from the uuid, so making it twice finds the first. */
    public String dockerName() {
        return dockerName(uuid);
    }

    /** The Docker volume name of volume {@code uuid}. */
    public static String dockerName(UUID uuid) {
        return "zunvx-vol-" + uuid;
    }

    /**
     * One container's mount of a volume.
     *
     * @param id            attachment id
     * @param volumeUuid    the volume
     * @param containerUuid the container that mounts it
     * @param mountPath     where, inside the container
     * @param readOnly      mounted read-only
     * @param attachedAt    when the host mounted it, {@code null} before
     */
    public record Attachment(UUID id, UUID volumeUuid, UUID containerUuid, String mountPath, boolean readOnly,
                             Instant attachedAt) {
        public Attachment {
            Objects.requireNonNull(id, "id");
            Objects.requireNonNull(volumeUuid, "volumeUuid");
            Objects.requireNonNull(containerUuid, "containerUuid");
            Objects.requireNonNull(mountPath, "mountPath");
        }
    }
}
