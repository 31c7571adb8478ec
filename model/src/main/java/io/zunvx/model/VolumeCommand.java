package io.zunvx.model;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;

/**
 * Requests about one volume, sent to its host's compute topic ({@link Topics#compute(String)}) keyed by the volume
 * uuid. A command names the volume and the receiver reads the current row, so a re-delivered command is checked
 * against the truth.
 */
public sealed interface VolumeCommand {
    String TYPE_PREFIX = "io.zunvx.command.";

    /** The volume the command is about. */
    UUID uuid();

    /** The API request that caused it ({@code req-<uuid>}). */
    String requestId();

    /** The versioned CloudEvents type. */
    String type();

    /** Make the storage of a {@code creating} volume, then mark it {@code available} (or {@code error}). */
    record CreateVolume(UUID uuid, String requestId) implements VolumeCommand {
        public static final String TYPE = TYPE_PREFIX + "create-volume.v1";

        public CreateVolume {
            Objects.requireNonNull(uuid, "uuid");
        }

        @Override
        public String type() {
            return TYPE;
        }
    }

    /** Remove the storage of a {@code deleting} volume, then its row. */
    record DeleteVolume(UUID uuid, String requestId) implements VolumeCommand {
        public static final String TYPE = TYPE_PREFIX + "delete-volume.v1";

        public DeleteVolume {
            Objects.requireNonNull(uuid, "uuid");
        }

        @Override
        public String type() {
            return TYPE;
        }
    }

    /** Whether {@code type} is the CloudEvents type of a volume command. */
    static boolean isVolumeCommandType(String type) {
        return CreateVolume.TYPE.equals(type) || DeleteVolume.TYPE.equals(type);
    }

    /** The wire fields of {@code command}. */
    static Map<String, Object> toFields(VolumeCommand command) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", command.uuid().toString());
        m.put("request_id", command.requestId());
        return m;
    }

    /** Rebuilds a command from its type and wire fields; throws {@link IllegalArgumentException} if unknown. */
    static VolumeCommand fromFields(String type, Map<String, ?> f) {
        UUID uuid = UUID.fromString(String.valueOf(f.get("uuid")));
        Object r = f.get("request_id");
        String req = r == null ? null : String.valueOf(r);
        if (CreateVolume.TYPE.equals(type)) {
            return new CreateVolume(uuid, req);
        }
        if (DeleteVolume.TYPE.equals(type)) {
            return new DeleteVolume(uuid, req);
        }
        throw new IllegalArgumentException("unknown volume command type: " + type);
    }
}
