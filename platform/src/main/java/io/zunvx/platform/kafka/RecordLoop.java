package io.zunvx.platform.kafka;

import io.cloudevents.CloudEvent;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.kafka.client.consumer.KafkaReadStream;
import io.vertx.kafka.client.producer.KafkaWriteStream;
import io.zunvx.model.Topics;
import io.zunvx.platform.concurrent.Blocking;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An at-least-once consumer of CloudEvents for one consumer group.
 *
 * <p>The loop polls a batch, groups its records by key and hands them to the handler: records of one key strictly one
 * after another in offset order, different keys concurrently. Once every record of the batch is settled it commits
 * the batch's offsets and polls again, so an offset is committed only after the handler's Future for that record
 * (and every earlier one in its partition) succeeded.
 *
 * <p>A failed handler Future is retried with exponential backoff; after the last attempt the record goes to the
 * dead-letter topic with the reason and its origin in headers ({@value #DLQ_REASON}, {@value #DLQ_TOPIC},
 * {@value #DLQ_PARTITION}, {@value #DLQ_OFFSET}) and the loop moves on. Records that are not CloudEvents go to the
 * dead-letter topic at once. If even the dead-letter write fails, the record is not committed and is read again.
 *
 * <p>The handler is called on the loop's Vert.x context (the one {@link #start()} was called on, or a new event-loop
 * context) and must not block it. Handlers must be idempotent: after a crash, a rebalance or a stop with a handler
 * still running, records are delivered again. Their Futures must complete in bounded time: a key waits for its
 * previous record, and a batch still running after the consumer's {@code max.poll.interval.ms} (5 minutes) costs the
 * loop its partitions, whose records then go to another member again.
 */
public final class RecordLoop {
    /** Dead-letter header: why the record could not be handled. */
    public static final String DLQ_REASON = "zunvx.dlq.reason";
    /** Dead-letter header: the topic the record was read from. */
    public static final String DLQ_TOPIC = "zunvx.dlq.topic";
    /** Dead-letter header: its partition, in decimal. */
    public static final String DLQ_PARTITION = "zunvx.dlq.partition";
    /** Dead-letter header: its offset, in decimal. */
    public static final String DLQ_OFFSET = "zunvx.dlq.offset";

    private static final Logger LOG = LoggerFactory.getLogger(RecordLoop.class);
    private static final AtomicInteger INSTANCES = new AtomicInteger();
    private static final String DLQ_HEADER_PREFIX = "zunvx.dlq.";
    private static final int MAX_REASON_LENGTH = 2000;
    private static final long POLL_FAILURE_PAUSE_MS = 1000;

    /**
     * Tuning of a loop.
     *
     * @param maxPollRecords  records per batch (bounds the records in flight)
     * @param attempts        handler calls per record before it is dead-lettered (at least 1)
     * @param firstBackoff    pause after the first failure; doubled after each further one
     * @param maxBackoff      longest pause between attempts
     * @param pollTimeout     how long one poll waits for records
     * @param stopTimeout     how long {@link #stop()} waits for the batch in flight before committing what is done
     * @param deadLetterTopic where records that cannot be handled go
     */
    public record Options(int maxPollRecords, int attempts, Duration firstBackoff, Duration maxBackoff,
                          Duration pollTimeout, Duration stopTimeout, String deadLetterTopic,
                          boolean fromLatest) {
        public Options {
            if (maxPollRecords < 1 || attempts < 1) {
                throw new IllegalArgumentException("maxPollRecords and attempts must be positive");
            }
            if (firstBackoff.toMillis() < 1 || maxBackoff.compareTo(firstBackoff) < 0) {
                throw new IllegalArgumentException("backoff must be at least 1 ms and max >= first");
            }
            if (pollTimeout.isNegative() || stopTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("bad poll or stop timeout");
            }
            Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        }

        /** 200 records per batch, 3 attempts backing off 100 ms to 1 s, 10 s to stop, {@link Topics#DEAD_LETTER}. */
        public static Options defaults() {
            return new Options(200, 3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(500),
                    Duration.ofSeconds(10), Topics.DEAD_LETTER, false);
        }

        public Options withMaxPollRecords(int n) {
            return new Options(n, attempts, firstBackoff, maxBackoff, pollTimeout, stopTimeout, deadLetterTopic, fromLatest);
        }

        public Options withAttempts(int n) {
            return new Options(maxPollRecords, n, firstBackoff, maxBackoff, pollTimeout, stopTimeout, deadLetterTopic, fromLatest);
        }

        public Options withBackoff(Duration first, Duration max) {
            return new Options(maxPollRecords, attempts, first, max, pollTimeout, stopTimeout, deadLetterTopic, fromLatest);
        }

        public Options withStopTimeout(Duration d) {
            return new Options(maxPollRecords, attempts, firstBackoff, maxBackoff, pollTimeout, d, deadLetterTopic, fromLatest);
        }

        public Options withDeadLetterTopic(String topic) {
            return new Options(maxPollRecords, attempts, firstBackoff, maxBackoff, pollTimeout, stopTimeout, topic,
                    fromLatest);
        }

        /**
         * A new group starts at the end of its topics instead of the beginning: for consumers that load current
         * state from the database first and only need what happens next.
         */
        public Options startingAtLatest() {
            return new Options(maxPollRecords, attempts, firstBackoff, maxBackoff, pollTimeout, stopTimeout,
                    deadLetterTopic, true);
        }
    }

    private enum State { NEW, STARTING, RUNNING, STOPPING, CLOSING, CLOSED }

    private final Vertx vertx;
    private final KafkaSettings settings;
    private final String groupId;
    private final Set<String> topics;
    private final Pattern pattern;
    private final Function<Consumed, Future<Void>> handler;
    private final Options options;
    private final CloudEventDeserializer decoder = new CloudEventDeserializer();
    private final AtomicBoolean startCalled = new AtomicBoolean();
    private final Promise<Void> closed = Promise.promise();
    private volatile Context context;

    // Touched only on `context`.
    private State state = State.NEW;
    private KafkaReadStream<String, byte[]> consumer;
    private KafkaWriteStream<String, byte[]> deadLetters;
    private final Set<TopicPartition> owned = new HashSet<>();
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    private Batch current;
    private long stopTimer = -1;

    private RecordLoop(Vertx vertx, KafkaSettings settings, String groupId, Set<String> topics, Pattern pattern,
                       Options options, Function<Consumed, Future<Void>> handler) {
        this.vertx = Objects.requireNonNull(vertx, "vertx");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.groupId = Objects.requireNonNull(groupId, "groupId");
        this.topics = topics;
        this.pattern = pattern;
        this.options = Objects.requireNonNull(options, "options");
        this.handler = Objects.requireNonNull(handler, "handler");
    }

    /** A loop over the given topics with {@link Options#defaults()}. */
    public static RecordLoop of(Vertx vertx, KafkaSettings settings, String groupId, Collection<String> topics,
                                Function<Consumed, Future<Void>> handler) {
        return of(vertx, settings, groupId, topics, Options.defaults(), handler);
    }

    /** A loop over the given topics. */
    public static RecordLoop of(Vertx vertx, KafkaSettings settings, String groupId, Collection<String> topics,
                                Options options, Function<Consumed, Future<Void>> handler) {
        if (topics.isEmpty()) {
            throw new IllegalArgumentException("no topics to consume");
        }
        return new RecordLoop(vertx, settings, groupId, new LinkedHashSet<>(topics), null, options, handler);
    }

    /** A loop over every topic matching {@code topics} (including ones created later) with default options. */
    public static RecordLoop of(Vertx vertx, KafkaSettings settings, String groupId, Pattern topics,
                                Function<Consumed, Future<Void>> handler) {
        return of(vertx, settings, groupId, topics, Options.defaults(), handler);
    }

    /** A loop over every topic matching {@code topics} (including ones created later). */
    public static RecordLoop of(Vertx vertx, KafkaSettings settings, String groupId, Pattern topics,
                                Options options, Function<Consumed, Future<Void>> handler) {
        return new RecordLoop(vertx, settings, groupId, null, Objects.requireNonNull(topics, "topics"), options,
                handler);
    }

    /** Creates the consumer and subscribes; completes once subscribed, then records flow to the handler. */
    public Future<Void> start() {
        if (!startCalled.compareAndSet(false, true)) {
            return Future.failedFuture(new IllegalStateException("record loop already started"));
        }
        Context ctx = vertx.getOrCreateContext();
        context = ctx;
        Promise<Void> started = Promise.promise();
        ctx.runOnContext(v -> {
            if (state != State.NEW) {
                started.fail(new IllegalStateException("record loop stopped before it started"));
                return;
            }
            state = State.STARTING;
            open().onComplete(ar -> {
                if (ar.failed()) {
                    LOG.warn("consumer group {} could not start: {}", groupId, ar.cause().toString());
                    finishStop();
                    started.fail(ar.cause());
                } else if (state == State.STARTING) {
                    state = State.RUNNING;
                    started.complete();
                    pollNext();
                } else {
                    // stop() was called while subscribing.
                    started.complete();
                    finishStop();
                }
            });
        });
        return started.future();
    }

    /**
     * Stops polling, waits (at most {@link Options#stopTimeout()}) for the batch in flight, commits what was handled
     * and closes the clients. Records whose handler had not finished are delivered again to the group's next member.
     */
    public Future<Void> stop() {
        Context ctx = context;
        if (ctx == null) {
            startCalled.set(true);
            return Future.succeededFuture();
        }
        Promise<Void> result = Promise.promise();
        ctx.runOnContext(v -> {
            switch (state) {
                case NEW -> {
                    state = State.CLOSED;
                    closed.tryComplete();
                }
                case STARTING -> state = State.STOPPING;
                case RUNNING -> {
                    state = State.STOPPING;
                    stopTimer = vertx.setTimer(options.stopTimeout().toMillis(), t -> {
                        stopTimer = -1;
                        LOG.warn("consumer group {}: handlers still running after {}; committing what is done",
                                groupId, options.stopTimeout());
                        finishStop();
                    });
                }
                default -> {
                }
            }
            closed.future().onComplete(result);
        });
        return result.future();
    }

    private Future<Void> open() {
        int n = INSTANCES.incrementAndGet();
        Map<String, Object> consumerConfig = new HashMap<>(settings.consumerConfig(groupId));
        consumerConfig.put(CommonClientConfigs.CLIENT_ID_CONFIG, consumerConfig.get(CommonClientConfigs.CLIENT_ID_CONFIG)
                + "-" + n);
        consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, String.valueOf(options.maxPollRecords()));
        if (options.fromLatest()) {
            consumerConfig.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        }
        Map<String, Object> producerConfig = new HashMap<>(settings.producerConfig(groupId + "-dlq-" + n));
        producerConfig.keySet().removeIf(k -> k.startsWith("cloudevents."));
        producerConfig.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, "10000");
        producerConfig.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, "30000");
        // Client constructors resolve the bootstrap host names: keep them off the event loop.
        return Blocking.once(context, "kafka-consumer-" + groupId, () -> new KafkaConsumer<>(consumerConfig,
                        new StringDeserializer(), new ByteArrayDeserializer()))
                .compose(c -> {
                    consumer = KafkaReadStream.create(vertx, c);
                    // Vert.x runs these on this context before it delivers the poll that caused the rebalance.
                    consumer.partitionsAssignedHandler(this::assigned);
                    consumer.partitionsRevokedHandler(this::revoked);
                    return Blocking.once(context, "kafka-producer-" + groupId, () -> new KafkaProducer<>(
                            producerConfig, new StringSerializer(), new ByteArraySerializer()));
                })
                .compose(p -> {
                    deadLetters = KafkaWriteStream.create(vertx, p);
                    return pattern != null ? consumer.subscribe(pattern) : consumer.subscribe(topics);
                });
    }

    private void assigned(Set<TopicPartition> partitions) {
        owned.addAll(partitions);
        LOG.debug("consumer group {} assigned {}", groupId, partitions);
    }

    private void revoked(Set<TopicPartition> partitions) {
        owned.removeAll(partitions);
        // Committing for them once the group has handed them to another member could move its offsets backwards.
        uncommitted.keySet().removeAll(partitions);
        LOG.debug("consumer group {} revoked {}", groupId, partitions);
    }

    private void pollNext() {
        if (state != State.RUNNING) {
            finishStop();
            return;
        }
        consumer.poll(options.pollTimeout()).onComplete(ar -> {
            if (state != State.RUNNING) {
                // Records polled while stopping are left uncommitted for the group's next owner.
                finishStop();
            } else if (ar.failed()) {
                LOG.warn("consumer group {} poll failed: {}", groupId, ar.cause().toString());
                vertx.setTimer(POLL_FAILURE_PAUSE_MS, t -> pollNext());
            } else if (ar.result().isEmpty()) {
                // Retries offsets an earlier commit could not write.
                commit(Map.of()).onComplete(v -> pollNext());
            } else {
                Batch batch = new Batch(ar.result());
                current = batch;
                runBatch(batch).onComplete(v -> afterBatch(batch));
            }
        });
    }

    private void afterBatch(Batch batch) {
        if (state == State.CLOSING || state == State.CLOSED) {
            return;
        }
        current = null;
        Future<Void> rewind = state == State.RUNNING ? rewind(batch.unfinished()) : Future.succeededFuture();
        rewind.compose(v -> commit(batch.committable())).onComplete(v -> pollNext());
    }

    private Future<Void> runBatch(Batch batch) {
        Map<Object, List<ConsumerRecord<String, byte[]>>> byKey = new LinkedHashMap<>();
        for (ConsumerRecord<String, byte[]> r : batch.records) {
            // Records without a key keep their partition's order.
            Object orderingKey = r.key() != null ? r.key() : new TopicPartition(r.topic(), r.partition());
            byKey.computeIfAbsent(orderingKey, k -> new ArrayList<>()).add(r);
        }
        List<Future<Void>> chains = new ArrayList<>(byKey.size());
        for (List<ConsumerRecord<String, byte[]>> sameKey : byKey.values()) {
            Future<Void> chain = Future.succeededFuture();
            for (ConsumerRecord<String, byte[]> r : sameKey) {
                // A record that could not be settled stops its key: later ones must not overtake it.
                chain = chain.compose(v -> process(r).map(x -> {
                    batch.settled(r);
                    return null;
                }));
            }
            chains.add(chain);
        }
        return Future.join(chains).<Void>mapEmpty().otherwiseEmpty();
    }

    private Future<Void> process(ConsumerRecord<String, byte[]> r) {
        if (!active()) {
            return Future.failedFuture(new IllegalStateException("record loop closed"));
        }
        CloudEvent event;
        try {
            event = decoder.deserialize(r.topic(), r.headers(), r.value());
            if (event == null) {
                throw new IllegalArgumentException("no event in record");
            }
        } catch (RuntimeException e) {
            LOG.warn("consumer group {}: {}-{}@{} is not a CloudEvent ({}); dead-lettering it", groupId, r.topic(),
                    r.partition(), r.offset(), e.toString());
            return deadLetter(r, "undecodable CloudEvent: " + describe(e));
        }
        Consumed consumed = new Consumed(r.topic(), r.partition(), r.offset(), r.key(), event);
        return attempt(consumed, r, 1, options.firstBackoff().toMillis());
    }

    private Future<Void> attempt(Consumed consumed, ConsumerRecord<String, byte[]> r, int attempt, long backoffMs) {
        if (!active()) {
            return Future.failedFuture(new IllegalStateException("record loop closed"));
        }
        return invoke(consumed).recover(err -> {
            if (!active()) {
                return Future.failedFuture(err);
            }
            if (attempt >= options.attempts()) {
                LOG.warn("consumer group {}: handler failed {} time(s) on {}-{}@{} ({}); dead-lettering it", groupId,
                        attempt, r.topic(), r.partition(), r.offset(), err.toString());
                return deadLetter(r, "handler failed " + attempt + " time(s): " + describe(err));
            }
            LOG.debug("consumer group {}: handler failed on {}-{}@{}, retrying in {} ms", groupId, r.topic(),
                    r.partition(), r.offset(), backoffMs, err);
            long next = Math.min(backoffMs * 2, options.maxBackoff().toMillis());
            return vertx.timer(backoffMs, TimeUnit.MILLISECONDS)
                    .compose(v -> attempt(consumed, r, attempt + 1, next));
        });
    }

    private Future<Void> invoke(Consumed consumed) {
        Future<Void> f;
        try {
            f = handler.apply(consumed);
            if (f == null) {
                f = Future.failedFuture(new IllegalStateException("handler returned no Future"));
            }
        } catch (RuntimeException e) {
            f = Future.failedFuture(e);
        }
        // The handler may complete on any thread; the loop's state is only touched on its context.
        Context ctx = context;
        Promise<Void> onContext = Promise.promise();
        f.onComplete(ar -> ctx.runOnContext(v -> onContext.handle(ar)));
        return onContext.future();
    }

    private Future<Void> deadLetter(ConsumerRecord<String, byte[]> r, String reason) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : r.headers()) {
            if (!h.key().startsWith(DLQ_HEADER_PREFIX)) {
                headers.add(h);
            }
        }
        headers.add(DLQ_REASON, utf8(reason.length() > MAX_REASON_LENGTH
                ? reason.substring(0, MAX_REASON_LENGTH) : reason));
        headers.add(DLQ_TOPIC, utf8(r.topic()));
        headers.add(DLQ_PARTITION, utf8(String.valueOf(r.partition())));
        headers.add(DLQ_OFFSET, utf8(String.valueOf(r.offset())));
        ProducerRecord<String, byte[]> out = new ProducerRecord<>(options.deadLetterTopic(), null, r.key(), r.value(),
                headers);
        return sendDeadLetter(out, 1, options.firstBackoff().toMillis());
    }

    private Future<Void> sendDeadLetter(ProducerRecord<String, byte[]> out, int attempt, long backoffMs) {
        return deadLetters.send(out).<Void>mapEmpty().recover(err -> {
            if (!active() || attempt >= options.attempts()) {
                LOG.error("consumer group {}: could not write to {} ({}); the record will be read again", groupId,
                        out.topic(), err.toString());
                return Future.failedFuture(err);
            }
            long next = Math.min(backoffMs * 2, options.maxBackoff().toMillis());
            return vertx.timer(backoffMs, TimeUnit.MILLISECONDS)
                    .compose(v -> sendDeadLetter(out, attempt + 1, next));
        });
    }

    /** Moves partitions with unsettled records back to the first of them, so the next poll reads them again. */
    private Future<Void> rewind(Map<TopicPartition, Long> firstUnsettled) {
        List<Future<Void>> seeks = new ArrayList<>();
        firstUnsettled.forEach((tp, offset) -> {
            if (owned.contains(tp)) {
                seeks.add(consumer.seek(tp, offset).onFailure(e -> LOG.warn("consumer group {}: seek {} to {} failed: {}",
                        groupId, tp, offset, e.toString())));
            }
        });
        return Future.join(seeks).<Void>mapEmpty().otherwiseEmpty();
    }

    /**
     * Commits {@code offsets} together with any an earlier commit failed to write, for partitions still owned. A
     * failed commit is logged and retried with the next one; the records stay safe because nothing past them is
     * committed.
     */
    private Future<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> uncommitted.merge(tp, o, (a, b) -> a.offset() >= b.offset() ? a : b));
        uncommitted.keySet().retainAll(owned);
        if (uncommitted.isEmpty()) {
            return Future.succeededFuture();
        }
        Map<TopicPartition, OffsetAndMetadata> sending = Map.copyOf(uncommitted);
        return consumer.commit(sending)
                .<Void>map(r -> {
                    sending.forEach(uncommitted::remove);
                    return null;
                })
                .otherwise(e -> {
                    LOG.warn("consumer group {}: commit failed ({}); retrying with the next one", groupId,
                            e.toString());
                    return null;
                });
    }

    private void finishStop() {
        if (state == State.CLOSING || state == State.CLOSED) {
            return;
        }
        state = State.CLOSING;
        if (stopTimer >= 0) {
            vertx.cancelTimer(stopTimer);
            stopTimer = -1;
        }
        Map<TopicPartition, OffsetAndMetadata> done = current == null ? Map.of() : current.committable();
        current = null;
        Future<Void> commit = consumer == null ? Future.<Void>succeededFuture() : commit(done);
        commit.eventually(() -> consumer == null ? Future.<Void>succeededFuture() : consumer.close())
                .eventually(() -> deadLetters == null ? Future.<Void>succeededFuture() : deadLetters.close())
                .onComplete(ar -> {
                    if (ar.failed()) {
                        LOG.warn("consumer group {}: close failed: {}", groupId, ar.cause().toString());
                    }
                    state = State.CLOSED;
                    closed.tryComplete();
                });
    }

    /** Running, or stopping while the batch in flight finishes. */
    private boolean active() {
        return state == State.RUNNING || state == State.STOPPING;
    }

    private static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? e.getClass().getName() : e.getClass().getSimpleName() + ": "
                + message;
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** One poll's records and which of them are settled (handled, or dead-lettered). */
    private static final class Batch {
        final List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
        private final Map<TopicPartition, List<ConsumerRecord<String, byte[]>>> byPartition = new LinkedHashMap<>();
        private final Set<ConsumerRecord<String, byte[]>> settled = Collections.newSetFromMap(new IdentityHashMap<>());

        Batch(ConsumerRecords<String, byte[]> polled) {
            for (TopicPartition tp : polled.partitions()) {
                List<ConsumerRecord<String, byte[]>> inPartition = polled.records(tp);
                byPartition.put(tp, inPartition);
                records.addAll(inPartition);
            }
        }

        void settled(ConsumerRecord<String, byte[]> r) {
            settled.add(r);
        }

        /** Per partition, the offset after the unbroken run of settled records from the batch's start. */
        Map<TopicPartition, OffsetAndMetadata> committable() {
            Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
            byPartition.forEach((tp, inPartition) -> {
                ConsumerRecord<String, byte[]> last = null;
                for (ConsumerRecord<String, byte[]> r : inPartition) {
                    if (!settled.contains(r)) {
                        break;
                    }
                    last = r;
                }
                if (last != null) {
                    Optional<Integer> epoch = last.leaderEpoch();
                    offsets.put(tp, new OffsetAndMetadata(last.offset() + 1, epoch, ""));
                }
            });
            return offsets;
        }

        /** Per partition with an unsettled record, the offset of the first one. */
        Map<TopicPartition, Long> unfinished() {
            Map<TopicPartition, Long> offsets = new HashMap<>();
            byPartition.forEach((tp, inPartition) -> {
                for (ConsumerRecord<String, byte[]> r : inPartition) {
                    if (!settled.contains(r)) {
                        offsets.put(tp, r.offset());
                        break;
                    }
                }
            });
            return offsets;
        }
    }
}
