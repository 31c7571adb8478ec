package io.zunvx.model;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * An image in the platform's image store, shaped like a Glance v2 image. Its data is a {@code docker save} archive
 * (for {@code container_format} {@code docker}) kept by a blob store at {@code location}.
 *
 * @param id              id
 * @param name            name, may be {@code null}
 * @param status          {@link #QUEUED}, {@link #SAVING}, {@link #ACTIVE}, {@link #KILLED} or {@link #DELETED}
 * @param containerFormat e.g. {@code docker} or {@code bare}, may be {@code null} until set
 * @param diskFormat      e.g. {@code raw}, may be {@code null} until set
 * @param visibility      {@code private}, {@code public}, {@code shared} or {@code community}
 * @param owner           owning project id
 * @param size            data size in bytes, {@code null} until uploaded
 * @param checksum        MD5 of the data (hex), {@code null} until uploaded
 * @param osHashAlgo      {@code sha256} once uploaded
 * @param osHashValue     SHA-256 of the data (hex), {@code null} until uploaded
 * @param tags            image tags (Glance tags, not Docker tags)
 * @param minDisk         GB needed to boot, 0 when unset
 * @param minRam          MB needed to boot, 0 when unset
 * @param protectedImage  whether deletion is refused
 * @param location        where the blob store keeps the data; never shown by the API
 * @param dockerImageId   {@code sha256:<config hex>} from the archive's manifest, {@code null} until validated
 * @param repoTags        {@code RepoTags} from the archive's manifest
 * @param createdAt       creation time
 * @param updatedAt       last change
 */
public record StoreImage(
        UUID id,
        String name,
        String status,
        String containerFormat,
        String diskFormat,
        String visibility,
        String owner,
        Long size,
        String checksum,
        String osHashAlgo,
        String osHashValue,
        List<String> tags,
        int minDisk,
        int minRam,
        boolean protectedImage,
        String location,
        String dockerImageId,
        List<String> repoTags,
        Instant createdAt,
        Instant updatedAt) {

    public static final String QUEUED = "queued";
    public static final String SAVING = "saving";
    public static final String ACTIVE = "active";
    public static final String KILLED = "killed";
    public static final String DELETED = "deleted";
    public static final Set<String> STATUSES = Set.of(QUEUED, SAVING, ACTIVE, KILLED, DELETED);
    public static final Set<String> VISIBILITIES = Set.of("private", "public", "shared", "community");

    public StoreImage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(status, "status");
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("unknown store image status: " + status);
        }
        visibility = visibility == null ? "shared" : visibility;
        if (!VISIBILITIES.contains(visibility)) {
            throw new IllegalArgumentException("unknown visibility: " + visibility);
        }
        if (minDisk < 0 || minRam < 0) {
            throw new IllegalArgumentException("min_disk and min_ram must not be negative");
        }
        tags = tags == null ? List.of() : List.copyOf(tags);
        repoTags = repoTags == null ? List.of() : List.copyOf(repoTags);
    }

    /** A new, empty image record ({@link #QUEUED}). */
    public static StoreImage queued(UUID id, String name, String containerFormat, String diskFormat,
                                    String visibility, String owner, List<String> tags, int minDisk, int minRam,
                                    boolean protectedImage, Instant createdAt) {
        return new StoreImage(id, name, QUEUED, containerFormat, diskFormat, visibility, owner, null, null, null,
                null, tags, minDisk, minRam, protectedImage, null, null, List.of(), createdAt, createdAt);
    }
}
