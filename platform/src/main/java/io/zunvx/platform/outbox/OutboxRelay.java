package io.zunvx.platform.outbox;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.pgclient.PgConnection;
import io.vertx.pgclient.pubsub.PgSubscriber;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zunvx.platform.db.Database;
import io.zunvx.platform.http.Readiness;
import io.zunvx.platform.kafka.EventPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Publishes outbox rows to Kafka in id order, then deletes them (at-least-once; consumers are idempotent).
 *
 * <p>Exactly one relay is active across all instances: the holder of a PostgreSQL session advisory lock, taken on a
 * dedicated connection so it is released the moment that connection dies. The active relay drains when PostgreSQL
 * notifies it of a commit to the outbox ({@code LISTEN zunvx_outbox}), so there is no polling delay between a commit
 * and its publication. A slow safety sweep covers notifications lost while the listening connection reconnects.
 */
public final class OutboxRelay extends VerticleBase {
    private static final Logger LOG = LoggerFactory.getLogger(OutboxRelay.class);
    /** Advisory lock key ("zunvx" in ASCII). */
    static final long LOCK_KEY = 0x7a756e7678L;
    private static final int BATCH = 500;

    private final Database database;
    private final EventPublisher publisher;
    private final String source;
    private final Readiness readiness;
    private final Duration standbyRetry;
    private final Duration sweep;

    private Pool pool;
    private PgSubscriber subscriber;
    private PgConnection lockConnection;
    private final AtomicBoolean active = new AtomicBoolean();
    private boolean draining;
    private boolean dirty;
    private boolean stopped;
    private long published;

    public OutboxRelay(Database database, EventPublisher publisher, String source, Readiness readiness,
                       Duration standbyRetry, Duration sweep) {
        this.database = database;
        this.publisher = publisher;
        this.source = source;
        this.readiness = readiness;
        this.standbyRetry = standbyRetry;
        this.sweep = sweep;
    }

    /** Whether this instance currently holds the lock and publishes. */
    public boolean isActive() {
        return active.get();
    }

    /** Rows published by this instance since it started. */
    public long published() {
        return published;
    }

    @Override
    public Future<?> start() {
        pool = database.pool(vertx, 2, "zunvx-outbox-" + UUID.randomUUID());
        subscriber = PgSubscriber.subscriber(vertx, database.options());
        subscriber.reconnectPolicy(attempt -> 1000L);
        subscriber.channel("zunvx_outbox").handler(payload -> drain())
                .subscribeHandler(v -> drain());
        readiness.register("outbox-relay", () -> Future.succeededFuture(!subscriber.closed()));
        vertx.setPeriodic(sweep.toMillis(), id -> drain());
        return connectSubscriber().onSuccess(v -> tryLock());
    }

    private Future<Void> connectSubscriber() {
        return subscriber.connect().recover(err -> {
            LOG.warn("outbox relay cannot reach PostgreSQL ({}); retrying", err.getMessage());
            return sleep(1000).compose(v -> stopped ? Future.succeededFuture() : connectSubscriber());
        });
    }

    private void tryLock() {
        if (stopped) {
            return;
        }
        PgConnection.connect(vertx, database.options())
                .compose(conn -> conn.preparedQuery("SELECT pg_try_advisory_lock($1) AS locked")
                        .execute(Tuple.of(LOCK_KEY))
                        .map(rs -> rs.iterator().next().getBoolean("locked"))
                        .compose(locked -> {
                            if (locked) {
                                lockConnection = conn;
                                conn.closeHandler(v -> lostLock());
                                active.set(true);
                                LOG.info("outbox relay active");
                                drain();
                                return Future.succeededFuture(true);
                            }
                            return conn.close().map(false);
                        }))
                .onComplete(ar -> {
                    if (ar.failed() || !ar.result()) {
                        vertx.setTimer(standbyRetry.toMillis(), id -> tryLock());
                    }
                });
    }

    private void lostLock() {
        if (active.getAndSet(false)) {
            LOG.warn("outbox relay lost its lock connection; standing by");
        }
        lockConnection = null;
        if (!stopped) {
            vertx.setTimer(standbyRetry.toMillis(), id -> tryLock());
        }
    }

    /** Publishes everything pending, one batch after another; concurrent calls coalesce. */
    private void drain() {
        if (!active.get() || stopped) {
            return;
        }
        if (draining) {
            dirty = true;
            return;
        }
        draining = true;
        dirty = false;
        pool.preparedQuery("""
                        SELECT id, message_id, topic, key, type, subject, sequence, data
                        FROM outbox ORDER BY id LIMIT $1""")
                .execute(Tuple.of(BATCH))
                .compose(rows -> {
                    List<Long> ids = new ArrayList<>(rows.size());
                    List<String> keys = new ArrayList<>(rows.size());
                    List<Future<Void>> sends = new ArrayList<>(rows.size());
                    // Sends are issued in id order on one producer, so per-partition (per-key) order holds.
                    for (Row r : rows) {
                        ids.add(r.getLong("id"));
                        keys.add(r.getString("topic") + "/" + r.getString("key"));
                        sends.add(publisher.publish(new OutboxMessage(r.getUUID("message_id"), r.getString("topic"),
                                r.getString("key"), r.getString("type"), r.getString("subject"),
                                r.getLong("sequence"), r.getString("data")), source));
                    }
                    if (ids.isEmpty()) {
                        return Future.succeededFuture(0);
                    }
                    return Future.join(sends).transform(ar -> {
                        // Delete what was published, except rows of a key with an earlier failure in this batch:
                        // those are sent again after it, so that key's order holds (consumers drop duplicates).
                        List<Long> done = new ArrayList<>();
                        Set<String> blocked = new HashSet<>();
                        Throwable firstFailure = null;
                        for (int i = 0; i < ids.size(); i++) {
                            if (sends.get(i).succeeded() && !blocked.contains(keys.get(i))) {
                                done.add(ids.get(i));
                            } else {
                                blocked.add(keys.get(i));
                                if (firstFailure == null && sends.get(i).failed()) {
                                    firstFailure = sends.get(i).cause();
                                }
                            }
                        }
                        Throwable failure = firstFailure;
                        Future<Integer> deleted = done.isEmpty() ? Future.succeededFuture(0)
                                : pool.preparedQuery("DELETE FROM outbox WHERE id = ANY($1)")
                                        .execute(Tuple.of(done.toArray(Long[]::new))).map(done.size());
                        return failure == null ? deleted : deleted.compose(n -> {
                            published += n;
                            return Future.failedFuture(failure);
                        });
                    });
                })
                .onComplete(ar -> {
                    draining = false;
                    if (ar.failed()) {
                        LOG.warn("outbox relay could not publish ({}); retrying", ar.cause().toString());
                        vertx.setTimer(1000, id -> drain());
                    } else {
                        published += ar.result();
                        if (ar.result() == BATCH || dirty) {
                            drain();
                        }
                    }
                });
    }

    private Future<Void> sleep(long ms) {
        return Future.future(p -> vertx.setTimer(ms, id -> p.complete()));
    }

    @Override
    public Future<?> stop() {
        stopped = true;
        active.set(false);
        List<Future<?>> closing = new ArrayList<>();
        if (lockConnection != null) {
            closing.add(lockConnection.close());
        }
        if (subscriber != null) {
            closing.add(subscriber.close());
        }
        if (pool != null) {
            closing.add(pool.close());
        }
        return Future.join(closing);
    }
}
