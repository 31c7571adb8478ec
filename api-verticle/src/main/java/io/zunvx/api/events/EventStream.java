package io.zunvx.api.events;

import io.vertx.core.Context;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.zunvx.model.Topics;
import io.zunvx.platform.kafka.KafkaSettings;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code GET /v1/events} connection: its own Kafka consumer (assigned every partition of the event topics, no
 * consumer group, nothing committed) on its own virtual thread, positioned at the client's {@link StreamPosition} or
 * at the end. Records are handed to the connection's Vert.x context one poll at a time; the thread polls again only
 * once the previous batch is written, so at most one poll's records wait in memory. Written bytes the client has not
 * taken yet are bounded by the response's write queue: above it the stream ends with an {@code overflow} event, so a
 * slow client costs only its own connection.
 */
final class EventStream {
    private static final Logger LOG = LoggerFactory.getLogger(EventStream.class);
    private static final List<String> TOPICS = List.of(Topics.CONTAINER_EVENTS,
            Topics.IMAGE_EVENTS, Topics.CAPSULE_EVENTS);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final AtomicInteger IDS = new AtomicInteger();

    private final Context context;
    private final HttpServerResponse response;
    private final KafkaSettings kafka;
    private final EventView view;
    private final StreamPosition resumeFrom;
    private final Duration heartbeat;
    private final int bufferBytes;
    private final Instant expiresAt;
    private final Runnable onClose;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile KafkaConsumer<String, byte[]> consumer;
    // Touched only on `context`.
    private StreamPosition position;
    private long heartbeatTimer = -1;
    private long expiryTimer = -1;

    EventStream(Context context, HttpServerResponse response, KafkaSettings kafka, EventView view,
                StreamPosition resumeFrom, Duration heartbeat, int bufferBytes, Instant expiresAt, Runnable onClose) {
        this.context = context;
        this.response = response;
        this.kafka = kafka;
        this.view = view;
        this.resumeFrom = resumeFrom;
        this.heartbeat = heartbeat;
        this.bufferBytes = bufferBytes;
        this.expiresAt = expiresAt;
        this.onClose = onClose;
    }

    /** Opens the consumer; the response's head is written once it is positioned, or a 503 if Kafka fails. */
    void start(Consumer<Throwable> failed) {
        response.closeHandler(v -> close());
        Thread.ofVirtual().name("zunvx-events-" + IDS.incrementAndGet()).start(() -> run(failed));
    }

    private void run(Consumer<Throwable> failed) {
        StreamPosition start;
        boolean reset;
        try {
            Map<String, Object> config = new HashMap<>(kafka.consumerConfig("events"));
            config.remove(ConsumerConfig.GROUP_ID_CONFIG);
            config.put(ConsumerConfig.CLIENT_ID_CONFIG, config.get(ConsumerConfig.CLIENT_ID_CONFIG) + "-"
                    + IDS.get());
            config.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "100");
            config.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "15000");
            consumer = new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer());
            if (closed.get()) {
                consumer.close(Duration.ZERO);
                return;
            }
            List<TopicPartition> partitions = new ArrayList<>();
            for (String topic : TOPICS) {
                for (PartitionInfo p : consumer.partitionsFor(topic, Duration.ofSeconds(15))) {
                    partitions.add(new TopicPartition(topic, p.partition()));
                }
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> beginning = consumer.beginningOffsets(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            Map<TopicPartition, Long> next = new LinkedHashMap<>();
            boolean lost = false;
            for (TopicPartition tp : partitions) {
                Long wanted = resumeFrom == null ? end.get(tp) : resumeFrom.next(tp);
                if (wanted == null) {
                    // A partition the client's id does not name was added since: everything in it is newer.
                    wanted = beginning.get(tp);
                }
                if (wanted < beginning.get(tp)) {
                    lost = true;
                    wanted = beginning.get(tp);
                }
                if (wanted > end.get(tp)) {
                    // An id from another cluster or a recreated topic: nothing to resume from.
                    lost = true;
                    wanted = end.get(tp);
                }
                consumer.seek(tp, wanted);
                next.put(tp, wanted);
            }
            start = StreamPosition.of(next);
            reset = lost;
        } catch (RuntimeException e) {
            LOG.warn("event stream could not open its consumer: {}", e.toString());
            closeConsumer();
            context.runOnContext(v -> {
                if (closed.compareAndSet(false, true)) {
                    onClose.run();
                    failed.accept(e);
                }
            });
            return;
        }
        CompletableFuture<Void> opened = new CompletableFuture<>();
        context.runOnContext(v -> {
            open(start, reset);
            opened.complete(null);
        });
        await(opened);
        while (!closed.get()) {
            ConsumerRecords<String, byte[]> records;
            try {
                records = consumer.poll(POLL);
            } catch (WakeupException e) {
                break;
            } catch (RuntimeException e) {
                LOG.warn("event stream consumer failed: {}", e.toString());
                context.runOnContext(v -> end("error", new JsonObject().put("reason",
                        "the event source failed; reconnect with Last-Event-ID")));
                break;
            }
            if (records.isEmpty()) {
                continue;
            }
            CompletableFuture<Void> written = new CompletableFuture<>();
            context.runOnContext(v -> {
                try {
                    deliver(records);
                } finally {
                    written.complete(null);
                }
            });
            await(written);
        }
        closeConsumer();
    }

    /** Waits for the context to run a hand-off, giving up when the stream closes (the context may be gone). */
    private void await(CompletableFuture<Void> handOff) {
        while (!closed.get()) {
            try {
                handOff.get(1, TimeUnit.SECONDS);
                return;
            } catch (TimeoutException e) {
                // check closed again
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (ExecutionException e) {
                return;
            }
        }
    }

    private void closeConsumer() {
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            try {
                c.close(Duration.ofSeconds(1));
            } catch (RuntimeException e) {
                LOG.debug("event stream consumer close: {}", e.toString());
            }
        }
    }

    private void open(StreamPosition start, boolean reset) {
        position = start;
        if (closed.get()) {
            return;
        }
        response.setStatusCode(200)
                .putHeader(HttpHeaders.CONTENT_TYPE, "text/event-stream; charset=utf-8")
                .putHeader(HttpHeaders.CACHE_CONTROL, "no-store")
                // Compression would hold events back in the compressor's buffer.
                .putHeader(HttpHeaders.CONTENT_ENCODING, HttpHeaders.IDENTITY)
                .putHeader("X-Accel-Buffering", "no")
                .setChunked(true)
                .setWriteQueueMaxSize(bufferBytes);
        StringBuilder head = new StringBuilder("retry: 2000\n\n");
        if (reset) {
            head.append(frame(start.id(), "reset", new JsonObject().put("reason",
                    "events before this one are no longer kept (or the id is unknown); reload the state")));
        }
        head.append(frame(start.id(), "ready", new JsonObject().put("position", start.id())));
        write(head.toString());
        heartbeatTimer = context.owner().setPeriodic(heartbeat.toMillis(), t -> {
            if (!closed.get()) {
                write(": heartbeat " + Instant.now() + "\n\n");
            }
        });
        if (expiresAt != null) {
            long ms = Math.max(1, Duration.between(Instant.now(), expiresAt).toMillis());
            expiryTimer = context.owner().setTimer(ms, t -> end("expired", new JsonObject().put("reason",
                    "the token expired; authenticate again and reconnect with Last-Event-ID")));
        }
    }

    private void deliver(ConsumerRecords<String, byte[]> records) {
        for (ConsumerRecord<String, byte[]> r : records) {
            if (closed.get()) {
                return;
            }
            TopicPartition tp = new TopicPartition(r.topic(), r.partition());
            position = position.after(tp, r.offset());
            EventView.Shown shown = show(r);
            if (shown == null) {
                continue;
            }
            write(frame(position.id(), shown.event(), shown.data()));
            if (response.writeQueueFull()) {
                end("overflow", new JsonObject().put("reason", "the client reads more slowly than events arrive "
                        + "(more than " + bufferBytes + " bytes waiting); reconnect with Last-Event-ID"));
                return;
            }
        }
    }

    private EventView.Shown show(ConsumerRecord<String, byte[]> r) {
        Header type = r.headers().lastHeader("ce_type");
        if (type == null || r.value() == null) {
            return null;
        }
        try {
            return view.show(new String(type.value(), StandardCharsets.UTF_8),
                    new JsonObject(new String(r.value(), StandardCharsets.UTF_8)));
        } catch (DecodeException | ClassCastException e) {
            return null;
        }
    }

    /** Writes a last event and ends the response. */
    private void end(String event, JsonObject data) {
        if (closed.get()) {
            return;
        }
        write(frame(position == null ? null : position.id(), event, data));
        response.end();
        close();
    }

    private void write(String text) {
        if (!response.ended() && !response.closed()) {
            response.write(text);
        }
    }

    private static String frame(String id, String event, JsonObject data) {
        StringBuilder f = new StringBuilder();
        if (id != null) {
            f.append("id: ").append(id).append('\n');
        }
        // JSON encoding escapes line breaks, so the data is one line.
        return f.append("event: ").append(event).append('\n').append("data: ").append(data.encode())
                .append("\n\n").toString();
    }

    /** Stops the consumer and the timers; safe to call more than once and from any thread. */
    void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        context.runOnContext(v -> {
            if (heartbeatTimer >= 0) {
                context.owner().cancelTimer(heartbeatTimer);
            }
            if (expiryTimer >= 0) {
                context.owner().cancelTimer(expiryTimer);
            }
            onClose.run();
        });
        KafkaConsumer<String, byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
    }
}
