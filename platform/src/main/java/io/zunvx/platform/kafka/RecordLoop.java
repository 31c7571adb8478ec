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
import java.util.ArrayDeque;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
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
 * An at-least-once consumer of CloudEvents for one consumer group, without head-of-line blocking.
 *
 * <p>The loop polls continuously. Each record joins the queue of its key (records without a key use their
 * partition as the key): the handler sees the records of one key strictly one after another in offset order, and
 * different keys concurrently, so a slow record holds back only the later records of its own key. Polling goes on
 * while handlers run; what is in flight (records polled and not yet settled) is bounded by
 * {@link Options#maxInFlight()}: at the bound the loop pauses its partitions (it keeps polling, so it stays in the
 * group) and resumes them once half of that has settled. One poll may overshoot the bound by up to
 * {@link Options#maxPollRecords()} records.
 *
 * <p>A record is settled when its handler's Future succeeded or it went to the dead-letter topic. Per partition the
 * loop commits only up to its lowest unsettled offset, so a committed offset never passes a record whose handler is
 * still running, even when later records of other keys in that partition are done. Commits are written between
 * polls, at most {@link Options#pollTimeout()} after a record settles.
 *
 * <p>A failed handler Future is retried with exponential backoff; after the last attempt the record goes to the
 * dead-letter topic with the reason and its origin in headers ({@value #DLQ_REASON}, {@value #DLQ_TOPIC},
 * {@value #DLQ_PARTITION}, {@value #DLQ_OFFSET}) and its key moves on. Records that are not CloudEvents go to the
 * dead-letter topic at once. If even the dead-letter write fails, it is tried again (at the longest backoff) for as
 * long as the loop owns the partition; the record stays uncommitted meanwhile and its key waits.
 *
 * <p>The handler is called on the loop's Vert.x context (the one {@link #start()} was called on, or a new event-loop
 * context) and must not block it. Handlers must be idempotent: after a crash, a rebalance or a stop with a handler
 * still running, records are delivered again (a redelivered record waits behind the copy still running here). Their
 * Futures should complete in bounded time: a key waits for its previous record, and the partition's commit waits
 * for its oldest unsettled record.
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
     * @param maxPollRecords  records one poll returns at most
     * @param maxInFlight     records polled and not yet settled at which the loop pauses its partitions
     * @param attempts        handler calls per record before it is dead-lettered (at least 1)
     * @param firstBackoff    pause after the first failure; doubled after each further one
     * @param maxBackoff      longest pause between attempts
     * @param pollTimeout     how long one poll waits for records
     * @param stopTimeout     how long {@link #stop()} waits for running handlers before committing what is done
     * @param deadLetterTopic where records that cannot be handled go
     * @param fromLatest      whether a new group starts at the end of its topics
     */
    public record Options(int maxPollRecords, int maxInFlight, int attempts, Duration firstBackoff,
                          Duration maxBackoff, Duration pollTimeout, Duration stopTimeout, String deadLetterTopic,
                          boolean fromLatest) {
        public Options {
            if (maxPollRecords < 1 || maxInFlight < 1 || attempts < 1) {
                throw new IllegalArgumentException("maxPollRecords, maxInFlight and attempts must be positive");
            }
            if (firstBackoff.toMillis() < 1 || maxBackoff.compareTo(firstBackoff) < 0) {
                throw new IllegalArgumentException("backoff must be at least 1 ms and max >= first");
            }
            if (pollTimeout.isNegative() || stopTimeout.toMillis() < 1) {
                throw new IllegalArgumentException("bad poll or stop timeout");
            }
            Objects.requireNonNull(deadLetterTopic, "deadLetterTopic");
        }

        /**
         * 200 records per poll, 1000 in flight, 3 attempts backing off 100 ms to 1 s, 10 s to stop,
         * {@link Topics#DEAD_LETTER}.
         */
        public static Options defaults() {
            return new Options(200, 1000, 3, Duration.ofMillis(100), Duration.ofSeconds(1), Duration.ofMillis(500),
                    Duration.ofSeconds(10), Topics.DEAD_LETTER, false);
        }

        public Options withMaxPollRecords(int n) {
            return new Options(n, maxInFlight, attempts, firstBackoff, maxBackoff, pollTimeout, stopTimeout,
                    deadLetterTopic, fromLatest);
        }

        public Options withMaxInFlight(int n) {
            return new Options(maxPollRecords, n, attempts, firstBackoff, maxBackoff, pollTimeout, stopTimeout,
                    deadLetterTopic, fromLatest);
        }

        public Options withAttempts(int n) {
            return new Options(maxPollRecords, maxInFlight, n, firstBackoff, maxBackoff, pollTimeout, stopTimeout,
                    deadLetterTopic, fromLatest);
        }

        public Options withBackoff(Duration first, Duration max) {
            return new Options(maxPollRecords, maxInFlight, attempts, first, max, pollTimeout, stopTimeout,
                    deadLetterTopic, fromLatest);
        }

        public Options withStopTimeout(Duration d) {
            return new Options(maxPollRecords, maxInFlight, attempts, firstBackoff, maxBackoff, pollTimeout, d,
                    deadLetterTopic, fromLatest);
        }

        public Options withDeadLetterTopic(String topic) {
            return new Options(maxPollRecords, maxInFlight, attempts, firstBackoff, maxBackoff, pollTimeout,
                    stopTimeout, topic, fromLatest);
        }

        /**
         * A new group starts at the end of its topics instead of the beginning: for consumers that load current
         * state from the database first and only need what happens next.
         */
        public Options startingAtLatest() {
            return new Options(maxPollRecords, maxInFlight, attempts, firstBackoff, maxBackoff, pollTimeout,
                    stopTimeout, deadLetterTopic, true);
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
    /** The partitions this member owns, each with its records in flight. */
    private final Map<TopicPartition, Partition> partitions = new HashMap<>();
    /** Per ordering key, its records in flight in offset order; the head is in the handler. */
    private final Map<Object, ArrayDeque<InFlight>> keys = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> uncommitted = new HashMap<>();
    /** Records polled and neither settled nor dropped: the sum of the key queues' sizes. */
    private int held;
    /** A poll cycle (poll, flow control, commit) is under way. */
    private boolean polling;
    private boolean paused;
    private long stopTimer = -1;
    // Copies for observers on other threads.
    private volatile int heldSeen;
    private volatile boolean pausedSeen;

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
     * Stops polling, drops the records still waiting for their key, waits (at most {@link Options#stopTimeout()}) for
     * the handlers running, commits what was settled and closes the clients. Records not settled are delivered again
     * to the group's next member.
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
                    dropWaiting();
                    stopTimer = vertx.setTimer(options.stopTimeout().toMillis(), t -> {
                        stopTimer = -1;
                        LOG.warn("consumer group {}: handlers still running after {}; committing what is done",
                                groupId, options.stopTimeout());
                        finishStop();
                    });
                    maybeFinishStop();
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
        consumerConfig.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                String.valueOf(Math.min(options.maxPollRecords(), options.maxInFlight())));
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

    private void assigned(Set<TopicPartition> assigned) {
        for (TopicPartition tp : assigned) {
            partitions.computeIfAbsent(tp, k -> new Partition());
        }
        if (paused && consumer != null) {
            // A rebalance hands partitions over unpaused.
            consumer.pause(assigned).onFailure(e -> LOG.warn("consumer group {}: pause {} failed: {}", groupId,
                    assigned, e.toString()));
        }
        LOG.debug("consumer group {} assigned {}", groupId, assigned);
    }

    private void revoked(Set<TopicPartition> revoked) {
        for (TopicPartition tp : revoked) {
            Partition p = partitions.remove(tp);
            if (p != null) {
                p.revoked = true;
            }
        }
        // Their new owner reads again from the committed offset: records not started here are left to it, and
        // handlers running here finish but are not committed (that could move the new owner's offsets backwards).
        dropWaiting(f -> f.partition.revoked);
        uncommitted.keySet().removeAll(revoked);
        LOG.debug("consumer group {} revoked {}", groupId, revoked);
    }

    /** One poll cycle: poll, queue the records by key, pause or resume, commit what settled; then again. */
    private void pollNext() {
        if (state != State.RUNNING) {
            polling = false;
            maybeFinishStop();
            return;
        }
        polling = true;
        consumer.poll(options.pollTimeout()).onComplete(ar -> {
            if (state != State.RUNNING) {
                // Records polled while stopping are left uncommitted for the group's next owner.
                pollNext();
            } else if (ar.failed()) {
                LOG.warn("consumer group {} poll failed: {}", groupId, ar.cause().toString());
                vertx.setTimer(POLL_FAILURE_PAUSE_MS, t -> pollNext());
            } else {
                ar.result().forEach(this::accept);
                // With nothing new, the commit still retries offsets an earlier one could not write.
                flowControl().compose(v -> commit(settledOffsets())).onComplete(v -> pollNext());
            }
        });
    }

    private void accept(ConsumerRecord<String, byte[]> r) {
        TopicPartition tp = new TopicPartition(r.topic(), r.partition());
        InFlight f = new InFlight(r, partitions.computeIfAbsent(tp, k -> new Partition()));
        f.partition.records.addLast(f);
        // Records without a key keep their partition's order.
        Object orderingKey = r.key() != null ? r.key() : tp;
        ArrayDeque<InFlight> queue = keys.computeIfAbsent(orderingKey, k -> new ArrayDeque<>());
        queue.addLast(f);
        held(+1);
        if (queue.size() == 1) {
            runHead(orderingKey, queue);
        }
    }

    /** Hands the head of a key's queue to the handler; when it is done, the next one of that key. */
    private void runHead(Object orderingKey, ArrayDeque<InFlight> queue) {
        InFlight f = queue.peekFirst();
        process(f).onComplete(ar -> {
            if (ar.succeeded()) {
                settle(f);
            } else if (state == State.RUNNING && !f.partition.revoked) {
                // Later records of the key must not overtake one that could not be settled.
                LOG.warn("consumer group {}: {}-{}@{} not settled ({}); trying it again", groupId, f.record.topic(),
                        f.record.partition(), f.record.offset(), ar.cause().toString());
                vertx.setTimer(options.maxBackoff().toMillis(), t -> runHead(orderingKey, queue));
                return;
            }
            queue.pollFirst();
            held(-1);
            if (state != State.RUNNING) {
                held(-queue.size());
                queue.clear();
            }
            if (queue.isEmpty()) {
                keys.remove(orderingKey);
                maybeFinishStop();
            } else {
                runHead(orderingKey, queue);
            }
        });
    }

    private void settle(InFlight f) {
        f.settled = true;
        Partition p = f.partition;
        InFlight last = null;
        while (!p.records.isEmpty() && p.records.peekFirst().settled) {
            last = p.records.pollFirst();
        }
        if (last != null && !p.revoked) {
            p.commitAt = new OffsetAndMetadata(last.record.offset() + 1, last.record.leaderEpoch(), "");
        }
    }

    /** Per owned partition whose lowest unsettled offset moved since the last call, that offset. */
    private Map<TopicPartition, OffsetAndMetadata> settledOffsets() {
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        partitions.forEach((tp, p) -> {
            if (p.commitAt != null) {
                offsets.put(tp, p.commitAt);
                p.commitAt = null;
            }
        });
        return offsets;
    }

    /** Pauses every owned partition at {@link Options#maxInFlight()}, resumes them at half of it. */
    private Future<Void> flowControl() {
        if (!paused && held >= options.maxInFlight()) {
            return setPaused(true);
        }
        if (paused && held <= options.maxInFlight() / 2) {
            return setPaused(false);
        }
        return Future.succeededFuture();
    }

    private Future<Void> setPaused(boolean pause) {
        paused = pause;
        pausedSeen = pause;
        String what = pause ? "pause" : "resume";
        LOG.debug("consumer group {}: {} records in flight, {}", groupId, held, what);
        Set<TopicPartition> all = Set.copyOf(partitions.keySet());
        return (pause ? consumer.pause(all) : consumer.resume(all)).otherwise(e -> {
            LOG.warn("consumer group {}: {} failed: {}", groupId, what, e.toString());
            return null;
        });
    }

    /** Drops every record still waiting behind its key's head (at stop). */
    private void dropWaiting() {
        dropWaiting(f -> true);
    }

    private void dropWaiting(Predicate<InFlight> which) {
        for (ArrayDeque<InFlight> queue : keys.values()) {
            // The head is in the handler; only those behind it wait.
            InFlight head = queue.pollFirst();
            int before = queue.size();
            queue.removeIf(which);
            held(queue.size() - before);
            if (head != null) {
                queue.addFirst(head);
            }
        }
    }

    private void held(int delta) {
        held += delta;
        heldSeen = held;
    }

    /** Records polled and not yet settled, as last seen on the loop's context (for tests and metrics). */
    int inFlight() {
        return heldSeen;
    }

    /** Whether the loop has paused its partitions because {@link Options#maxInFlight()} was reached. */
    boolean paused() {
        return pausedSeen;
    }

    private Future<Void> process(InFlight f) {
        ConsumerRecord<String, byte[]> r = f.record;
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
            return deadLetter(f, "undecodable CloudEvent: " + describe(e));
        }
        Consumed consumed = new Consumed(r.topic(), r.partition(), r.offset(), r.key(), event);
        return attempt(consumed, f, 1, options.firstBackoff().toMillis());
    }

    private Future<Void> attempt(Consumed consumed, InFlight f, int attempt, long backoffMs) {
        ConsumerRecord<String, byte[]> r = f.record;
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
                return deadLetter(f, "handler failed " + attempt + " time(s): " + describe(err));
            }
            LOG.debug("consumer group {}: handler failed on {}-{}@{}, retrying in {} ms", groupId, r.topic(),
                    r.partition(), r.offset(), backoffMs, err);
            long next = Math.min(backoffMs * 2, options.maxBackoff().toMillis());
            return vertx.timer(backoffMs, TimeUnit.MILLISECONDS)
                    .compose(v -> attempt(consumed, f, attempt + 1, next));
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

    private Future<Void> deadLetter(InFlight f, String reason) {
        ConsumerRecord<String, byte[]> r = f.record;
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
        return sendDeadLetter(f, out, 1, options.firstBackoff().toMillis());
    }

    /** Tries the dead-letter write until it succeeds, for as long as the loop runs and owns the partition. */
    private Future<Void> sendDeadLetter(InFlight f, ProducerRecord<String, byte[]> out, int attempt,
                                        long backoffMs) {
        return deadLetters.send(out).<Void>mapEmpty().recover(err -> {
            if (state != State.RUNNING || f.partition.revoked) {
                LOG.error("consumer group {}: could not write to {} ({}); the record will be read again", groupId,
                        out.topic(), err.toString());
                return Future.failedFuture(err);
            }
            if (attempt == options.attempts()) {
                LOG.error("consumer group {}: could not write to {} ({}); trying again every {} ms", groupId,
                        out.topic(), err.toString(), options.maxBackoff().toMillis());
            }
            long next = Math.min(backoffMs * 2, options.maxBackoff().toMillis());
            return vertx.timer(backoffMs, TimeUnit.MILLISECONDS)
                    .compose(v -> sendDeadLetter(f, out, attempt + 1, next));
        });
    }

    /**
     * Commits {@code offsets} together with any an earlier commit failed to write, for partitions still owned. A
     * failed commit is logged and retried with the next one; the records stay safe because nothing past them is
     * committed.
     */
    private Future<Void> commit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        offsets.forEach((tp, o) -> uncommitted.merge(tp, o, (a, b) -> a.offset() >= b.offset() ? a : b));
        uncommitted.keySet().retainAll(partitions.keySet());
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
        Future<Void> commit = consumer == null ? Future.<Void>succeededFuture() : commit(settledOffsets());
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

    /** Stopping once no poll cycle and no handler runs any more. */
    private void maybeFinishStop() {
        if (state == State.STOPPING && !polling && keys.isEmpty()) {
            finishStop();
        }
    }

    /** Running, or stopping while the handlers in flight finish. */
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

    /** An owned partition: its records in flight in offset order, and the offset to commit next. */
    private static final class Partition {
        final ArrayDeque<InFlight> records = new ArrayDeque<>();
        OffsetAndMetadata commitAt;
        boolean revoked;
    }

    /** A polled record until it is settled (handled, or dead-lettered) or dropped. */
    private static final class InFlight {
        final ConsumerRecord<String, byte[]> record;
        final Partition partition;
        boolean settled;

        InFlight(ConsumerRecord<String, byte[]> record, Partition partition) {
            this.record = record;
            this.partition = partition;
        }
    }
}
