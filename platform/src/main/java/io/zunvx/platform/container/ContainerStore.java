package io.zunvx.platform.container;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlConnection;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.Container;
import io.zunvx.model.ContainerEvent;
import io.zunvx.model.Status;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.events.Envelopes;
import io.zunvx.platform.outbox.Outbox;
import io.zunvx.platform.outbox.OutboxMessage;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.UnaryOperator;

/**
 * Container state changes with their events: every write of a container row happens in a transaction that also puts
 * a {@code container.state-changed} event (next sequence number) into the outbox, so the database and the event
 * stream cannot disagree.
 */
public final class ContainerStore {
    private final Transactions transactions;
    private final ContainerRepository repo;
    private final Clock clock;

    /** The store over the platform's transactions. */
    public ContainerStore(Transactions transactions, Clock clock) {
        this(transactions, new ContainerRepository(), clock);
    }

    private ContainerStore(Transactions transactions, ContainerRepository repo, Clock clock) {
        this.transactions = transactions;
        this.repo = repo;
        this.clock = clock;
    }

    /** The transactions this store runs in, for a unit of work that spans it and other repositories. */
    public Transactions transactions() {
        return transactions;
    }

    public Future<Optional<Container>> find(UUID uuid) {
        return transactions.withoutTransaction(client -> repo.find(client, uuid));
    }

    /** The containers placed on {@code host}. */
    public Future<List<Container>> onHost(String host) {
        return transactions.withoutTransaction(client -> repo.byHost(client, host));
    }

    /** Runs {@code work} in one transaction; a failed Future rolls everything back. */
    public <T> Future<T> inTransaction(Function<Tx, Future<T>> work) {
        return transactions.inTransaction(conn -> work.apply(new Tx(conn)));
    }

    /**
     * Locks the container, applies {@code change}, and saves the result with its event unless {@code change} returned
     * the same instance (nothing to do). Empty when the container does not exist.
     */
    public Future<Optional<Container>> update(UUID uuid, String requestId, UnaryOperator<Container> change) {
        return inTransaction(tx -> tx.lock(uuid).compose(found -> {
            if (found.isEmpty()) {
                return Future.succeededFuture(Optional.<Container>empty());
            }
            Container prev = found.get();
            Container next = change.apply(prev);
            if (next == prev) {
                return Future.succeededFuture(Optional.of(prev));
            }
            return tx.save(prev, next, requestId).map(Optional::of);
        }));
    }

    private Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MICROS);
    }

    /** A transaction's view: container writes that emit events, and raw outbox access. */
    public final class Tx {
        private final SqlConnection conn;

        private Tx(SqlConnection conn) {
            this.conn = conn;
        }

        public SqlConnection connection() {
            return conn;
        }

        /** Inserts a new container (sequence 1, version 0) and its first event. */
        public Future<Container> insert(Container c, String requestId) {
            Instant now = now();
            Container row = c.toBuilder()
                    .createdAt(c.createdAt() == null ? now : c.createdAt())
                    .updatedAt(null)
                    .version(0)
                    .eventSequence(1)
                    .build();
            return repo.insert(conn, row)
                    .compose(v -> publish(Envelopes.stateChanged(ContainerEvent.StateChanged.of(row, now, requestId))))
                    .map(row);
        }

        public Future<Optional<Container>> lock(UUID uuid) {
            return repo.findForUpdate(conn, uuid);
        }

        /**
         * Reads and locks the rows of {@code uuids} that exist, in uuid order (see
         * {@link ContainerRepository#findAllForUpdate}).
         */
        public Future<List<Container>> lockAll(Collection<UUID> uuids) {
            return repo.findAllForUpdate(conn, uuids);
        }

        /**
         * {@link #save} for many containers at once: writes each {@code nexts[i]} over {@code prevs[i]} (the stored,
         * locked versions) and emits their events in one outbox insert, in list order. When the changes touch only
         * the placement columns ({@code host}, {@code claimed}, {@code cpuset}), which is what the scheduler writes,
         * one multi-row statement writes them all. Fails with {@link ConcurrentUpdateException} if any row changed
         * since it was read.
         */
        public Future<List<Container>> saveAll(List<Container> prevs, List<Container> nexts, List<String> requestIds) {
            return saveAll(prevs, nexts, requestIds, List.of());
        }

        /**
         * {@link #saveAll(List, List, List)}, with {@code thenPublish} written to the outbox in the same insert, after
         * the state-changed events (for instance the commands that follow from the change). The row update and the
         * outbox insert are sent together (one round trip); a failed update rolls both back with the transaction.
         */
        public Future<List<Container>> saveAll(List<Container> prevs, List<Container> nexts, List<String> requestIds,
                                               List<OutboxMessage> thenPublish) {
            if (prevs.size() != nexts.size() || prevs.size() != requestIds.size()) {
                throw new IllegalArgumentException("prevs, nexts and request ids differ in length");
            }
            if (prevs.isEmpty()) {
                return Outbox.add(conn, thenPublish).map(List.of());
            }
            Instant now = now();
            List<Container> rows = new ArrayList<>(nexts.size());
            List<Long> expected = new ArrayList<>(nexts.size());
            List<OutboxMessage> events = new ArrayList<>(nexts.size());
            boolean placementsOnly = true;
            for (int i = 0; i < nexts.size(); i++) {
                Container prev = prevs.get(i);
                Container next = nexts.get(i);
                if (!prev.uuid().equals(next.uuid())) {
                    throw new IllegalArgumentException("prevs and nexts are not the same containers");
                }
                placementsOnly &= next.equals(prev.toBuilder().host(next.host()).claimed(next.claimed())
                        .cpuset(next.cpuset()).build());
                Container row = next.toBuilder()
                        .version(prev.version() + 1)
                        .eventSequence(prev.eventSequence() + 1)
                        .updatedAt(now)
                        .build();
                rows.add(row);
                expected.add(prev.version());
                events.add(Envelopes.stateChanged(ContainerEvent.StateChanged.of(row, now, requestIds.get(i))));
            }
            Future<Integer> written;
            if (placementsOnly) {
                written = repo.updatePlacements(conn, rows, expected);
            } else {
                List<Tuple> params = new ArrayList<>(rows.size());
                for (int i = 0; i < rows.size(); i++) {
                    params.add(ContainerRows.params(rows.get(i)).addLong(expected.get(i)));
                }
                written = conn.preparedQuery(ContainerRows.UPDATE).executeBatch(params).map(rs -> {
                    int count = 0;
                    for (RowSet<Row> r = rs; r != null; r = r.next()) {
                        count += r.rowCount();
                    }
                    return count;
                });
            }
            events.addAll(thenPublish);
            Future<Void> published = Outbox.add(conn, events);
            return Future.all(written, published).compose(both -> written.result() == rows.size()
                    ? Future.succeededFuture(rows)
                    : Future.failedFuture(new ConcurrentUpdateException(prevs.getFirst().uuid())));
        }

        /**
         * Writes {@code next} over {@code prev} (which must be the stored version) and emits its event. Fails with
         * {@link ConcurrentUpdateException} if the row changed since {@code prev} was read.
         */
        public Future<Container> save(Container prev, Container next, String requestId) {
            Instant now = now();
            Container row = next.toBuilder()
                    .version(prev.version() + 1)
                    .eventSequence(prev.eventSequence() + 1)
                    .updatedAt(now)
                    .build();
            return repo.update(conn, row, prev.version()).compose(ok -> ok
                    ? publish(Envelopes.stateChanged(ContainerEvent.StateChanged.of(row, now, requestId))).map(row)
                    : Future.failedFuture(new ConcurrentUpdateException(prev.uuid())));
        }

        /** Removes the row and emits its last event, with status {@code Deleted}. */
        public Future<Void> delete(Container prev, String requestId) {
            Instant now = now();
            Container gone = prev.toBuilder().status(Status.DELETED).taskState(null)
                    .eventSequence(prev.eventSequence() + 1).updatedAt(now).build();
            return repo.delete(conn, prev.uuid()).compose(ok -> ok
                    ? publish(Envelopes.stateChanged(ContainerEvent.StateChanged.of(gone, now, requestId)))
                    : Future.succeededFuture());
        }

        public Future<Void> publish(OutboxMessage m) {
            return Outbox.add(conn, m);
        }

        /** Writes {@code messages} in one multi-row insert, in list order (see {@link Outbox}). */
        public Future<Void> publish(List<OutboxMessage> messages) {
            return Outbox.add(conn, messages);
        }
    }
}
