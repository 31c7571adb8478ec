package io.zunvx.platform.kafka;

import io.cloudevents.core.message.Encoding;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Where Kafka is and how this process names its clients, plus the client configurations every producer, consumer and
 * admin client of Zun-VX starts from. Built by whoever reads the configuration.
 *
 * @param bootstrapServers {@code host:port[,host:port...]}
 * @param clientIdPrefix   prefix of every {@code client.id}, e.g. the role and host name, so broker logs and metrics
 *                         tell processes apart
 */
public record KafkaSettings(String bootstrapServers, String clientIdPrefix) {
    /** The largest record a producer sends, serialized and before compression (1 MiB). */
    public static final int MAX_RECORD_BYTES = 1024 * 1024;

    public KafkaSettings {
        if (bootstrapServers == null || bootstrapServers.isBlank()) {
            throw new IllegalArgumentException("bootstrap servers must be set");
        }
        Objects.requireNonNull(clientIdPrefix, "clientIdPrefix");
    }

    /**
     * A producer of binary-mode CloudEvents: string keys, {@code acks=all}, idempotent (so retries keep per-partition
     * order), no lingering. Returns a fresh mutable map the caller may adjust.
     */
    public Map<String, String> producerConfig(String clientId) {
        Map<String, String> c = common(clientId);
        c.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        c.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, CloudEventSerializer.class.getName());
        c.put(CloudEventSerializer.ENCODING_CONFIG, Encoding.BINARY.name());
        c.put(ProducerConfig.ACKS_CONFIG, "all");
        c.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, "true");
        // One request in flight per broker: with several, a batch refused while a partition's leader is still being
        // set up (a topic created moments ago) can be overtaken by the next one, which the broker accepts; the
        // producer then retries the first until its delivery timeout and per-key order is lost.
        c.put(ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, "1");
        // Kafka 4 defaults to 5 ms; events are sent one by one and latency matters more than batching.
        c.put(ProducerConfig.LINGER_MS_CONFIG, "0");
        // A send to a missing topic waits this long for metadata before failing.
        c.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "30000");
        // Set on purpose rather than inherited: a record (an event with its container, whose fields the API bounds
        // by its 1 MiB body limit) may be up to 1 MiB serialized, what a broker with default settings accepts
        // (message.max.bytes). A larger one is refused here, before it is sent; the outbox relay dead-letters it.
        c.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, String.valueOf(MAX_RECORD_BYTES));
        // Events are JSON: lz4 shrinks them several times at little CPU cost.
        c.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        return c;
    }

    /**
     * A group member reading CloudEvents that commits by hand, starting from the earliest record when the group has no
     * committed offset. Returns a fresh mutable map the caller may adjust.
     */
    public Map<String, String> consumerConfig(String groupId) {
        Map<String, String> c = common(groupId);
        c.put(ConsumerConfig.GROUP_ID_CONFIG, Objects.requireNonNull(groupId, "groupId"));
        c.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        c.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, CloudEventDeserializer.class.getName());
        c.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        c.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        c.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "200");
        return c;
    }

    /** An admin client. Returns a fresh mutable map the caller may adjust. */
    public Map<String, String> adminConfig(String clientId) {
        return common(clientId);
    }

    private Map<String, String> common(String clientId) {
        Map<String, String> c = new LinkedHashMap<>();
        c.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        c.put(CommonClientConfigs.CLIENT_ID_CONFIG, clientIdPrefix.isEmpty() ? clientId : clientIdPrefix + "-" + clientId);
        return c;
    }
}
