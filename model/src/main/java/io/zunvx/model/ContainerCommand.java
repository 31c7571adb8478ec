package io.zunvx.model;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Requests about one container, sent over Kafka keyed by the container uuid. A command names the container and the
 * request; the receiver reads the container's current row, so a re-delivered command is checked against the truth.
 */
public sealed interface ContainerCommand {

    /** The container the command is about. */
    UUID uuid();

    /** The API request that caused it ({@code req-<uuid>}), for action records. */
    String requestId();

    /** The versioned CloudEvents type, e.g. {@code io.zunvx.command.create-container.v1}. */
    default String type() {
        return "io.zunvx.command." + kebab(getClass().getSimpleName()) + ".v1";
    }

    /** Extra fields beyond uuid and request id, for the wire. */
    default Map<String, Object> arguments() {
        return Map.of();
    }

    /** Place a new container on a host. */
    record ScheduleContainer(UUID uuid, String requestId) implements ContainerCommand {
        public ScheduleContainer {
            Objects.requireNonNull(uuid, "uuid");
        }
    }

    /** Create (and start, if the container was created with {@code run}) on the receiving host. */
    record CreateContainer(UUID uuid, String requestId) implements ContainerCommand {
        public CreateContainer {
            Objects.requireNonNull(uuid, "uuid");
        }
    }

    record StartContainer(UUID uuid, String requestId) implements ContainerCommand {
        public StartContainer {
            Objects.requireNonNull(uuid, "uuid");
        }
    }

    /** @param timeout seconds to wait before killing */
    record StopContainer(UUID uuid, String requestId, int timeout) implements ContainerCommand {
        public StopContainer {
            Objects.requireNonNull(uuid, "uuid");
            if (timeout < 0) {
                throw new IllegalArgumentException("timeout must not be negative");
            }
        }

        @Override
        public Map<String, Object> arguments() {
            return Map.of("timeout", timeout);
        }
    }

    /** @param timeout seconds to wait before killing */
    record RebootContainer(UUID uuid, String requestId, int timeout) implements ContainerCommand {
        public RebootContainer {
            Objects.requireNonNull(uuid, "uuid");
            if (timeout < 0) {
                throw new IllegalArgumentException("timeout must not be negative");
            }
        }

        @Override
        public Map<String, Object> arguments() {
            return Map.of("timeout", timeout);
        }
    }

    record PauseContainer(UUID uuid, String requestId) implements ContainerCommand {
        public PauseContainer {
            Objects.requireNonNull(uuid, "uuid");
        }
    }

    record UnpauseContainer(UUID uuid, String requestId) implements ContainerCommand {
        public UnpauseContainer {
            Objects.requireNonNull(uuid, "uuid");
        }
    }

    /** @param signal signal name or number, {@code null} for Docker's default (KILL) */
    record KillContainer(UUID uuid, String requestId, String signal) implements ContainerCommand {
        public KillContainer {
            Objects.requireNonNull(uuid, "uuid");
        }

        @Override
        public Map<String, Object> arguments() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("signal", signal);
            return m;
        }
    }

    /**
     * @param force remove even if running
     * @param stop  stop (10 s) before removing
     */
    record DeleteContainer(UUID uuid, String requestId, boolean force, boolean stop) implements ContainerCommand {
        public DeleteContainer {
            Objects.requireNonNull(uuid, "uuid");
        }

        @Override
        public Map<String, Object> arguments() {
            return Map.of("force", force, "stop", stop);
        }
    }

    /**
     * Removes the container's runtime container and creates it again from the stored spec (whose image the API may
     * just have changed), keeping uuid and name; starts it again when it was running.
     *
     * @param run start the new runtime container once created (the container was running when rebuild was asked)
     */
    record RebuildContainer(UUID uuid, String requestId, boolean run) implements ContainerCommand {
        public RebuildContainer {
            Objects.requireNonNull(uuid, "uuid");
        }

        @Override
        public Map<String, Object> arguments() {
            return Map.of("run", run);
        }
    }

    /**
     * Commits the container's filesystem to a local image {@code repository:tag} labelled with {@code imageUuid}, the
     * id the API already answered with.
     *
     * @param repository image repository, e.g. {@code myrepo/snapshot}
     * @param tag        image tag
     * @param imageUuid  the id the new image is known by
     */
    record CommitContainer(UUID uuid, String requestId, String repository, String tag, UUID imageUuid)
            implements ContainerCommand {
        public CommitContainer {
            Objects.requireNonNull(uuid, "uuid");
            Objects.requireNonNull(repository, "repository");
            Objects.requireNonNull(tag, "tag");
            Objects.requireNonNull(imageUuid, "imageUuid");
            if (repository.isBlank() || tag.isBlank()) {
                throw new IllegalArgumentException("repository and tag must not be blank");
            }
        }

        @Override
        public Map<String, Object> arguments() {
            return Map.of("repository", repository, "tag", tag, "image_uuid", imageUuid.toString());
        }
    }

    /** The wire fields of {@code command}: uuid, request id and arguments. */
    static Map<String, Object> toFields(ContainerCommand command) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", command.uuid().toString());
        m.put("request_id", command.requestId());
        m.putAll(command.arguments());
        return m;
    }

    /** Rebuilds a command from its type and wire fields; throws {@link IllegalArgumentException} if unknown. */
    static ContainerCommand fromFields(String type, Map<String, ?> f) {
        UUID uuid = UUID.fromString(String.valueOf(f.get("uuid")));
        String req = f.get("request_id") == null ? null : String.valueOf(f.get("request_id"));
        String name = type == null ? "" : type.replaceFirst("^io\\.zunvx\\.command\\.", "").replaceFirst("\\.v1$", "");
        return switch (name) {
            case "schedule-container" -> new ScheduleContainer(uuid, req);
            case "create-container" -> new CreateContainer(uuid, req);
            case "start-container" -> new StartContainer(uuid, req);
            case "stop-container" -> new StopContainer(uuid, req, intField(f, "timeout"));
            case "reboot-container" -> new RebootContainer(uuid, req, intField(f, "timeout"));
            case "pause-container" -> new PauseContainer(uuid, req);
            case "unpause-container" -> new UnpauseContainer(uuid, req);
            case "kill-container" -> new KillContainer(uuid, req, f.get("signal") == null ? null
                    : String.valueOf(f.get("signal")));
            case "delete-container" -> new DeleteContainer(uuid, req, Boolean.TRUE.equals(f.get("force")),
                    Boolean.TRUE.equals(f.get("stop")));
            case "rebuild-container" -> new RebuildContainer(uuid, req, Boolean.TRUE.equals(f.get("run")));
            case "commit-container" -> new CommitContainer(uuid, req, stringField(f, "repository"),
                    stringField(f, "tag"), UUID.fromString(stringField(f, "image_uuid")));
            default -> throw new IllegalArgumentException("unknown command type: " + type);
        };
    }

    private static int intField(Map<String, ?> f, String key) {
        Object v = f.get(key);
        if (v instanceof Number n) {
            return n.intValue();
        }
        throw new IllegalArgumentException("command field " + key + " must be a number");
    }

    private static String stringField(Map<String, ?> f, String key) {
        Object v = f.get(key);
        if (v instanceof String s) {
            return s;
        }
        throw new IllegalArgumentException("command field " + key + " must be a string");
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }
}
