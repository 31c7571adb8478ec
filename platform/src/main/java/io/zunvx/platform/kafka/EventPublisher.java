package io.zunvx.platform.kafka;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.producer.KafkaProducer;
import io.vertx.kafka.client.producer.KafkaProducerRecord;
import io.zunvx.platform.outbox.OutboxMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.OffsetDateTime;

/**
 * Sends CloudEvents to Kafka in binary mode ({@code ce_*} headers, the data as the record value) with an idempotent,
 * {@code acks=all} producer. Records sent one after another with the same key keep their order.
 */
public final class EventPublisher {
    /** The CloudEvents extension carrying the per-aggregate sequence number. */
    public static final String SEQUENCE_EXTENSION = "sequence";
    static final String JSON = "application/json";
    private static final long CLOSE_TIMEOUT_MS = 30_000;

    private final KafkaProducer<String, CloudEvent> producer;
    private final Clock clock;

    /** A publisher whose events carry the system clock's time. */
    public EventPublisher(Vertx vertx, KafkaSettings settings, String clientId) {
        this(vertx, settings, clientId, Clock.systemUTC());
    }

    /** @param clock source of the events' {@code time} attribute */
    public EventPublisher(Vertx vertx, KafkaSettings settings, String clientId, Clock clock) {
        // Serializers come from the configuration: Kafka configures (BINARY mode) only those it instantiates itself.
        this.producer = KafkaProducer.create(vertx, settings.producerConfig(clientId));
        this.clock = clock;
    }

    /** Sends {@code event} to {@code topic} under {@code key}; completes once the broker has it on all replicas. */
    public Future<Void> publish(String topic, String key, CloudEvent event) {
        return producer.send(KafkaProducerRecord.create(topic, key, event)).mapEmpty();
    }

    /**
     * Sends an outbox row as a CloudEvent: its id, type, subject and sequence ({@value #SEQUENCE_EXTENSION}
     * extension, when set), JSON data, {@code source} as given and the current time.
     *
     * @param source CloudEvents source URI reference of this process, e.g. {@code /zunvx/api/host-1}
     */
    public Future<Void> publish(OutboxMessage message, String source) {
        CloudEvent event;
        try {
            event = toCloudEvent(message, URI.create(source), OffsetDateTime.now(clock));
        } catch (RuntimeException e) {
            return Future.failedFuture(e);
        }
        return publish(message.topic(), message.key(), event);
    }

    /** The CloudEvent {@link #publish(OutboxMessage, String)} sends. */
    public static CloudEvent toCloudEvent(OutboxMessage message, URI source, OffsetDateTime time) {
        CloudEventBuilder b = CloudEventBuilder.v1()
                .withId(message.id().toString())
                .withType(message.type())
                .withSource(source)
                .withTime(time)
                .withDataContentType(JSON)
                .withData(message.data().getBytes(StandardCharsets.UTF_8));
        if (message.subject() != null) {
            b.withSubject(message.subject());
        }
        if (message.sequence() != null) {
            b.withExtension(SEQUENCE_EXTENSION, message.sequence());
        }
        return b.build();
    }

    /** Sends what is still buffered (waiting at most {@value #CLOSE_TIMEOUT_MS} ms) and closes the producer. */
    public Future<Void> close() {
        return producer.close(CLOSE_TIMEOUT_MS);
    }
}
