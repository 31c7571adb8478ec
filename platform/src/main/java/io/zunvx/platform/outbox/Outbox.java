package io.zunvx.platform.outbox;

import io.vertx.core.Future;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.List;
import java.util.UUID;

/** Writes outbox rows; call it with the connection of the transaction that makes the change being reported. */
public final class Outbox {
    private static final String INSERT = """
            INSERT INTO outbox (message_id, topic, key, type, subject, sequence, data)
            VALUES ($1, $2, $3, $4, $5, $6, $7)""";

    private static final String INSERT_MANY = """
            INSERT INTO outbox (message_id, topic, key, type, subject, sequence, data)
            SELECT m.id, m.topic, m.key, m.type, m.subject, m.sequence, m.data
            FROM unnest($1::uuid[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[])
                WITH ORDINALITY AS m(id, topic, key, type, subject, sequence, data, n)
            ORDER BY m.n""";

    private Outbox() {
    }

    /** {@link #add(SqlClient, List)} for one message. */
    public static Future<Void> add(SqlClient tx, OutboxMessage m) {
        return add(tx, List.of(m));
    }

    /**
     * The one way into the outbox: writes {@code messages} with the client of the transaction that makes the change
     * they report, in one statement whose row ids (and so the relay's publication order) follow the list. One round
     * trip and one relay notification however many rows.
     */
    public static Future<Void> add(SqlClient tx, List<OutboxMessage> messages) {
        if (messages.isEmpty()) {
            return Future.succeededFuture();
        }
        if (messages.size() == 1) {
            return tx.preparedQuery(INSERT).execute(tuple(messages.getFirst())).mapEmpty();
        }
        int n = messages.size();
        UUID[] ids = new UUID[n];
        String[] topics = new String[n];
        String[] keys = new String[n];
        String[] types = new String[n];
        String[] subjects = new String[n];
        Long[] sequences = new Long[n];
        String[] data = new String[n];
        for (int i = 0; i < n; i++) {
            OutboxMessage m = messages.get(i);
            ids[i] = m.id();
            topics[i] = m.topic();
            keys[i] = m.key();
            types[i] = m.type();
            subjects[i] = m.subject();
            sequences[i] = m.sequence();
            data[i] = m.data();
        }
        return tx.preparedQuery(INSERT_MANY)
                .execute(Tuple.tuple().addArrayOfUUID(ids).addArrayOfString(topics).addArrayOfString(keys)
                        .addArrayOfString(types).addArrayOfString(subjects).addArrayOfLong(sequences)
                        .addArrayOfString(data))
                .mapEmpty();
    }

    private static Tuple tuple(OutboxMessage m) {
        return Tuple.of(m.id(), m.topic(), m.key(), m.type(), m.subject(), m.sequence(), m.data());
    }
}
