package io.zunvx.platform.events;

import io.cloudevents.CloudEvent;
import io.cloudevents.CloudEventData;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.model.ContainerCommand;
import io.zunvx.model.ContainerEvent;
import io.zunvx.model.HostImage;
import io.zunvx.model.ImageCommand;
import io.zunvx.model.Topics;
import io.zunvx.model.VolumeCommand;
import io.zunvx.platform.outbox.OutboxMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.UUID;

/**
 * The wire form of commands and events: model objects to outbox messages (published as CloudEvents with JSON data)
 * and received CloudEvents back to model objects. The JSON shapes here are the contract with subscribers; golden
 * tests pin them.
 */
public final class Envelopes {
    /** CloudEvents type of a host image's state change (created, pulled, failed, deleted). */
    public static final String IMAGE_STATE_CHANGED = "io.zunvx.image.state-changed.v1";

    private Envelopes() {
    }

    /**
     * A command for {@code topic}, keyed by the container uuid. Data: {@code uuid}, {@code request_id}, then the
     * command's arguments in name order.
     */
    public static OutboxMessage command(String topic, ContainerCommand c) {
        return command(topic, c.uuid().toString(), c.type(), ContainerCommand.toFields(c));
    }

    /** A command keyed and subjected by {@code uuid}: uuid, request id, then the arguments in name order. */
    private static OutboxMessage command(String topic, String uuid, String type, Map<String, Object> fields) {
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("uuid", fields.remove("uuid"));
        data.put("request_id", fields.remove("request_id"));
        // Arguments come from Map.of, whose iteration order changes from one JVM run to the next.
        data.putAll(new TreeMap<>(fields));
        return of(topic, uuid, type, uuid, null, new JsonObject(data));
    }

    /**
     * The command a received CloudEvent carries.
     *
     * @throws IllegalArgumentException if the type is unknown or the data is not a valid command object
     */
    public static ContainerCommand command(CloudEvent e) {
        try {
            return ContainerCommand.fromFields(e.getType(), data(e).getMap());
        } catch (IllegalArgumentException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException("not a container command: " + ex.getMessage(), ex);
        }
    }

    /**
     * A state-changed event for {@link Topics#CONTAINER_EVENTS}, keyed by the container uuid. Data: {@code uuid},
     * {@code sequence}, {@code time} (ISO-8601, UTC), {@code request_id} and {@code container} (nulls kept).
     */
    public static OutboxMessage stateChanged(ContainerEvent.StateChanged e) {
        JsonObject data = new JsonObject()
                .put("uuid", e.uuid().toString())
                .put("sequence", e.sequence())
                .put("time", e.time().toString())
                .put("request_id", e.requestId())
                .put("container", new JsonObject(new LinkedHashMap<>(e.container())));
        String uuid = e.uuid().toString();
        return of(Topics.CONTAINER_EVENTS, uuid, e.type(), uuid, e.sequence(), data);
    }

    /**
     * The state-changed event a received CloudEvent carries.
     *
     * @throws IllegalArgumentException if the type is not {@link ContainerEvent.StateChanged#TYPE} or the data is
     *                                  not a valid event object
     */
    public static ContainerEvent.StateChanged stateChanged(CloudEvent e) {
        if (!ContainerEvent.StateChanged.TYPE.equals(e.getType())) {
            throw new IllegalArgumentException("not a state-changed event: " + e.getType());
        }
        JsonObject data = data(e);
        try {
            Object container = data.getValue("container");
            if (!(container instanceof JsonObject json)) {
                throw new IllegalArgumentException("state-changed event without a container object");
            }
            return new ContainerEvent.StateChanged(
                    UUID.fromString(Objects.requireNonNull(data.getString("uuid"), "uuid")),
                    Objects.requireNonNull(data.getLong("sequence"), "sequence"),
                    Instant.parse(Objects.requireNonNull(data.getString("time"), "time")),
                    data.getString("request_id"),
                    plain(json));
        } catch (IllegalArgumentException ex) {
            throw ex;
        } catch (ClassCastException | NullPointerException | DateTimeParseException ex) {
            throw new IllegalArgumentException("bad state-changed event data: " + ex.getMessage(), ex);
        }
    }

    /**
     * An image command for {@code topic} (a compute topic), keyed by the image uuid. Data: {@code uuid},
     * {@code request_id}, then the command's arguments in name order.
     */
    public static OutboxMessage imageCommand(String topic, ImageCommand c) {
        return command(topic, c.uuid().toString(), c.type(), ImageCommand.toFields(c));
    }

    /**
     * The image command a received CloudEvent carries.
     *
     * @throws IllegalArgumentException if the type is not an image command's or the data is not a valid command
     */
    public static ImageCommand imageCommand(CloudEvent e) {
        try {
            return ImageCommand.fromFields(e.getType(), data(e).getMap());
        } catch (IllegalArgumentException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException("not an image command: " + ex.getMessage(), ex);
        }
    }

    /** A volume command for {@code topic} (a compute topic), keyed by the volume uuid. */
    public static OutboxMessage volumeCommand(String topic, VolumeCommand c) {
        return command(topic, c.uuid().toString(), c.type(), VolumeCommand.toFields(c));
    }

    /**
     * The volume command a received CloudEvent carries.
     *
     * @throws IllegalArgumentException if the type is not a volume command's or the data is not a valid command
     */
    public static VolumeCommand volumeCommand(CloudEvent e) {
        try {
            return VolumeCommand.fromFields(e.getType(), data(e).getMap());
        } catch (IllegalArgumentException ex) {
            throw ex;
        } catch (RuntimeException ex) {
            throw new IllegalArgumentException("not a volume command: " + ex.getMessage(), ex);
        }
    }

    /**
     * A state-changed event for {@link Topics#IMAGE_EVENTS}, keyed by the image uuid. Data: {@code uuid},
     * {@code sequence} (per image, increasing), {@code time} (ISO-8601, UTC), {@code deleted}, and {@code image}
     * with the row's fields in Zun's names (nulls kept).
     */
    public static OutboxMessage imageStateChanged(HostImage image, long sequence, Instant time, boolean deleted) {
        JsonObject data = new JsonObject()
                .put("uuid", image.uuid().toString())
                .put("sequence", sequence)
                .put("time", time.toString())
                .put("deleted", deleted)
                .put("image", imageFields(image));
        String uuid = image.uuid().toString();
        return of(Topics.IMAGE_EVENTS, uuid, IMAGE_STATE_CHANGED, uuid, sequence, data);
    }

    private static JsonObject imageFields(HostImage i) {
        JsonObject o = new JsonObject();
        o.put("uuid", i.uuid().toString());
        o.put("image_id", i.imageId());
        o.put("repo", i.repo());
        o.put("tag", i.tag());
        o.put("size", i.size());
        o.put("project_id", i.projectId());
        o.put("user_id", i.userId());
        o.put("host", i.host());
        o.put("status", i.status());
        o.put("status_reason", i.statusReason());
        o.put("image_pull_policy", i.pullPolicy());
        o.put("created_at", i.createdAt() == null ? null : i.createdAt().toString());
        o.put("updated_at", i.updatedAt() == null ? null : i.updatedAt().toString());
        return o;
    }

    /** A message with a random id carrying {@code data} as JSON text. */
    public static OutboxMessage of(String topic, String key, String type, String subject, Long sequence,
                                   JsonObject data) {
        return new OutboxMessage(UUID.randomUUID(), topic, key, type, subject, sequence, data.encode());
    }

    private static JsonObject data(CloudEvent e) {
        CloudEventData data = e.getData();
        if (data == null) {
            throw new IllegalArgumentException("event " + e.getId() + " has no data");
        }
        try {
            return new JsonObject(new String(data.toBytes(), StandardCharsets.UTF_8));
        } catch (DecodeException | ClassCastException ex) {
            throw new IllegalArgumentException("event " + e.getId() + " data is not a JSON object", ex);
        }
    }

    /** Decoded JSON as plain maps and lists, so model records hold no Vert.x types. */
    private static Map<String, Object> plain(JsonObject json) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (String key : json.fieldNames()) {
            m.put(key, plainValue(json.getValue(key)));
        }
        return m;
    }

    private static Object plainValue(Object v) {
        if (v instanceof JsonObject o) {
            return plain(o);
        }
        if (v instanceof JsonArray a) {
            List<Object> l = new ArrayList<>(a.size());
            for (int i = 0; i < a.size(); i++) {
                l.add(plainValue(a.getValue(i)));
            }
            return l;
        }
        return v;
    }
}
