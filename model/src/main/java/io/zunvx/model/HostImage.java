package io.zunvx.model;

import java.time.Instant;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;

/**
 * An image on one host (Zun's {@code image} object): asked for by an administrator, pulled by that host's compute
 * agent.
 *
 * @param uuid         id
 * @param imageId      Docker image id ({@code sha256:...}), {@code null} until pulled
 * @param repo         repository, e.g. {@code busybox} or {@code 127.0.0.1:5000/team/app}
 * @param tag          tag, e.g. {@code latest}
 * @param size         size in bytes, {@code null} until pulled
 * @param projectId    project of the requester
 * @param userId       requester
 * @param host         the host the image is (to be) on
 * @param status       {@link #PULLING}, {@link #READY} or {@link #ERROR}
 * @param statusReason why the pull failed, when {@link #ERROR}
 * @param pullPolicy   {@code always}, {@code ifnotpresent} or {@code never}; {@code null} means {@code always}
 * @param createdAt    creation time
 * @param updatedAt    last change
 */
public record HostImage(
        UUID uuid,
        String imageId,
        String repo,
        String tag,
        Long size,
        String projectId,
        String userId,
        String host,
        String status,
        String statusReason,
        String pullPolicy,
        Instant createdAt,
        Instant updatedAt) {

    public static final String PULLING = "pulling";
    public static final String READY = "ready";
    public static final String ERROR = "error";
    private static final Set<String> STATUSES = Set.of(PULLING, READY, ERROR);

    public HostImage {
        Objects.requireNonNull(uuid, "uuid");
        Objects.requireNonNull(repo, "repo");
        Objects.requireNonNull(status, "status");
        if (!STATUSES.contains(status)) {
            throw new IllegalArgumentException("unknown image status: " + status);
        }
    }
}
