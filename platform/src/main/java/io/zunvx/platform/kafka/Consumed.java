package io.zunvx.platform.kafka;

import io.cloudevents.CloudEvent;
import java.util.Objects;

/**
 * One record a {@link RecordLoop} hands to its handler.
 *
 * @param topic     where it was read
 * @param partition its partition
 * @param offset    its offset in that partition
 * @param key       the record key (aggregate uuid or host name), may be {@code null}
 * @param event     the decoded CloudEvent
 */
public record Consumed(String topic, int partition, long offset, String key, CloudEvent event) {
    public Consumed {
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(event, "event");
    }
}
