package io.zunvx.platform.outbox;

import java.util.Objects;
import java.util.UUID;

/**
 * One record to publish, written to the {@code outbox} table in the same transaction as the change it reports and
 * sent to Kafka by the relay as a binary-mode CloudEvent.
 *
 * @param id       CloudEvents id (unique per message; consumers may use it to drop duplicates)
 * @param topic    Kafka topic
 * @param key      Kafka key (aggregate uuid or host name): per-key order is kept end to end
 * @param type     CloudEvents type, e.g. {@code io.zunvx.container.state-changed.v1}
 * @param subject  CloudEvents subject (the aggregate id)
 * @param sequence per-aggregate sequence number, or {@code null} for commands
 * @param data     the JSON payload as text
 */
public record OutboxMessage(UUID id, String topic, String key, String type, String subject, Long sequence,
                            String data) {
    public OutboxMessage {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(topic, "topic");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(data, "data");
    }
}
