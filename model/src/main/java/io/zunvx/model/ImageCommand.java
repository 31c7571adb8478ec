package io.zunvx.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Requests about one host image, sent to that host's compute topic ({@link Topics#compute(String)}) keyed by the
 * image uuid. Like {@link ContainerCommand}, a command names the image and the receiver reads the current row, so a
 * re-delivered command is checked against the truth.
 */
public sealed interface ImageCommand {
    String TYPE_PREFIX = "io.zunvx.command.";

    /** The image the command is about. */
    UUID uuid();

    /** The API request that caused it ({@code req-<uuid>}). */
    String requestId();

    /** The versioned CloudEvents type, e.g. {@code io.zunvx.command.pull-image.v1}. */
    default String type() {
        return TYPE_PREFIX + getClass().getSimpleName().replaceAll("([a-z0-9])([A-Z])", "$1-$2")
                .toLowerCase(Locale.ROOT) + ".v1";
    }

    /** Extra fields beyond uuid and request id, for the wire. */
    default Map<String, Object> arguments() {
        return Map.of();
    }

    /**
     * Pull the image the {@code images} row describes (with the row's pull policy, {@code always} when unset), then
     * record its Docker id and size, or the error.
     */
    record PullImage(UUID uuid, String requestId) implements ImageCommand {
        public static final String TYPE = TYPE_PREFIX + "pull-image.v1";

        public PullImage {
            Objects.requireNonNull(uuid, "uuid");
        }
    }

    /**
     * Remove the Docker image the deleted row described (not forced: an image a container still uses stays, and
     * the conflict is only logged).
     *
     * @param repo    repository of the deleted row
     * @param tag     tag of the deleted row
     * @param imageId   Docker image id of the deleted row, {@code null} if it was never pulled
     * @param projectId project of the deleted row, whose name for the image is removed ({@code null} in commands
     *                  sent before images were named per project: nothing is removed)
     */
    record DeleteImage(UUID uuid, String requestId, String repo, String tag, String imageId, String projectId)
            implements ImageCommand {
        public static final String TYPE = TYPE_PREFIX + "delete-image.v1";

        public DeleteImage {
            Objects.requireNonNull(uuid, "uuid");
            Objects.requireNonNull(repo, "repo");
        }

        /** A command without a project. */
        public DeleteImage(UUID uuid, String requestId, String repo, String tag, String imageId) {
            this(uuid, requestId, repo, tag, imageId, null);
        }

        @Override
        public Map<String, Object> arguments() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("repo", repo);
            m.put("tag", tag);
            m.put("image_id", imageId);
            if (projectId != null) {
                m.put("project_id", projectId);
            }
            return m;
        }
    }

    /** Whether {@code type} is the CloudEvents type of an image command. */
    static boolean isImageCommandType(String type) {
        return PullImage.TYPE.equals(type) || DeleteImage.TYPE.equals(type);
    }

    /** The wire fields of {@code command}: uuid, request id and arguments. */
    static Map<String, Object> toFields(ImageCommand command) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", command.uuid().toString());
        m.put("request_id", command.requestId());
        m.putAll(command.arguments());
        return m;
    }

    /** Rebuilds a command from its type and wire fields; throws {@link IllegalArgumentException} if unknown. */
    static ImageCommand fromFields(String type, Map<String, ?> f) {
        UUID uuid = UUID.fromString(String.valueOf(f.get("uuid")));
        String req = optional(f, "request_id");
        if (PullImage.TYPE.equals(type)) {
            return new PullImage(uuid, req);
        }
        if (DeleteImage.TYPE.equals(type)) {
            String repo = optional(f, "repo");
            if (repo == null) {
                throw new IllegalArgumentException("command field repo must be a string");
            }
            return new DeleteImage(uuid, req, repo, optional(f, "tag"), optional(f, "image_id"),
                    optional(f, "project_id"));
        }
        throw new IllegalArgumentException("unknown image command type: " + type);
    }

    private static String optional(Map<String, ?> f, String key) {
        Object v = f.get(key);
        return v == null ? null : String.valueOf(v);
    }
}
