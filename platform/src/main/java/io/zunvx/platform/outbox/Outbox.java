package io.zunvx.platform.outbox;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;

/** Writes outbox rows; call it with the connection of the transaction that makes the change being reported. */
public final class Outbox {
    private static final String INSERT = """
            INSERT INTO outbox (message_id, topic, key, type, subject, sequence, data)
            VALUES ($1, $2, $3, $4, $5, $6, $7)""";

    private Outbox() {
    }

    public static Future<Void> add(SqlClient tx, OutboxMessage m) {
        return tx.preparedQuery(INSERT).execute(tuple(m)).mapEmpty();
    }

    public static Future<Void> addAll(SqlClient tx, List<OutboxMessage> messages) {
        if (messages.isEmpty()) {
            return Future.succeededFuture();
        }
        if (messages.size() == 1) {
            return add(tx, messages.getFirst());
        }
        return tx.preparedQuery(INSERT).executeBatch(messages.stream().map(Outbox::tuple).toList()).mapEmpty();
    }

    private static Tuple tuple(OutboxMessage m) {
        return Tuple.of(m.id(), m.topic(), m.key(), m.type(), m.subject(), m.sequence(), m.data());
    }
}
