package io.zunvx.api.events;

import io.zunvx.model.Topics;
import io.zunvx.platform.error.ZunException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.TopicPartition;

/**
 * Where an event stream stands in Kafka: for every partition of the event topics, the offset of the next record to
 * read. It is the SSE event id ({@code c0:12,c1:7,i0:3,k0:2}: {@code c} for {@value Topics#CONTAINER_EVENTS}, {@code i}
 * for {@value Topics#IMAGE_EVENTS}, {@code k} for {@value Topics#CAPSULE_EVENTS}, then the partition and the next
 * offset), so a client that reconnects with
 * {@code Last-Event-ID} continues exactly after the last event it saw, on any API replica and across restarts.
 */
public final class StreamPosition {
    /** The longest id accepted (a few hundred partitions). */
    static final int MAX_LENGTH = 4096;
    private static final Map<String, String> CODES = Map.of("c", Topics.CONTAINER_EVENTS, "i", Topics.IMAGE_EVENTS,
            "k", Topics.CAPSULE_EVENTS);
    private static final Map<String, String> TOPIC_CODES = Map.of(Topics.CONTAINER_EVENTS, "c", Topics.IMAGE_EVENTS, "i",
            Topics.CAPSULE_EVENTS, "k");

    private final Map<TopicPartition, Long> next;

    private StreamPosition(Map<TopicPartition, Long> next) {
        this.next = next;
    }

    /** The position made of these next offsets. */
    public static StreamPosition of(Map<TopicPartition, Long> next) {
        return new StreamPosition(new LinkedHashMap<>(next));
    }

    /**
     * Parses an id written by {@link #id()}; a 400 in Zun's error body for anything else.
     */
    public static StreamPosition parse(String id) {
        if (id == null || id.isBlank() || id.length() > MAX_LENGTH) {
            throw bad(id);
        }
        Map<TopicPartition, Long> next = new LinkedHashMap<>();
        for (String part : id.trim().split(",", -1)) {
            int colon = part.indexOf(':');
            if (part.length() < 4 || colon < 2) {
                throw bad(id);
            }
            String topic = CODES.get(part.substring(0, 1));
            try {
                int partition = Integer.parseInt(part.substring(1, colon));
                long offset = Long.parseLong(part.substring(colon + 1));
                if (topic == null || partition < 0 || offset < 0
                        || next.put(new TopicPartition(topic, partition), offset) != null) {
                    throw bad(id);
                }
            } catch (NumberFormatException e) {
                throw bad(id);
            }
        }
        return new StreamPosition(next);
    }

    private static ZunException bad(String id) {
        String shown = id == null ? "" : id.length() > 64 ? id.substring(0, 64) + "..." : id;
        return ZunException.invalid("Invalid Last-Event-ID '" + shown + "': expected the id of an event of this "
                + "stream, such as c0:12,i0:3.");
    }

    /** The next offset to read in {@code tp}, or {@code null} when the position does not name it. */
    public Long next(TopicPartition tp) {
        return next.get(tp);
    }

    /** This position after the record at {@code offset} of {@code tp}. */
    public StreamPosition after(TopicPartition tp, long offset) {
        Map<TopicPartition, Long> copy = new LinkedHashMap<>(next);
        copy.put(tp, offset + 1);
        return new StreamPosition(copy);
    }

    /** The SSE event id: partitions in a stable order. */
    public String id() {
        Map<String, Long> sorted = new TreeMap<>();
        next.forEach((tp, o) -> sorted.put(String.format("%s%05d", TOPIC_CODES.get(tp.topic()), tp.partition()),
                o));
        StringBuilder out = new StringBuilder();
        sorted.forEach((k, o) -> {
            if (!out.isEmpty()) {
                out.append(',');
            }
            out.append(k.charAt(0)).append(Integer.parseInt(k.substring(1))).append(':').append(o);
        });
        return out.toString();
    }

    @Override
    public String toString() {
        return id();
    }
}
