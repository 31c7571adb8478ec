package io.zunvx.platform.container;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.Container;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Explicit SQL over the {@code containers} table. Writes check the row's {@code version}. */
public final class ContainerRepository {

    public Future<Void> insert(SqlClient db, Container c) {
        return db.preparedQuery(ContainerRows.INSERT).execute(ContainerRows.params(c)).mapEmpty();
    }

    public Future<Optional<Container>> find(SqlClient db, UUID uuid) {
        return db.preparedQuery(ContainerRows.SELECT + " WHERE uuid = $1").execute(Tuple.of(uuid))
                .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(ContainerRows.from(rs.iterator().next())));
    }

    /** Reads and locks the row for the rest of the transaction. */
    public Future<Optional<Container>> findForUpdate(SqlClient tx, UUID uuid) {
        return tx.preparedQuery(ContainerRows.SELECT + " WHERE uuid = $1 FOR UPDATE").execute(Tuple.of(uuid))
                .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(ContainerRows.from(rs.iterator().next())));
    }

    /** Containers named {@code name}, in {@code projectId} or in every project when it is {@code null}. */
    public Future<List<Container>> findByName(SqlClient db, String name, String projectId) {
        String sql = ContainerRows.SELECT + " WHERE name = $1" + (projectId == null ? "" : " AND project_id = $2")
                + " ORDER BY id LIMIT 2";
        Tuple t = projectId == null ? Tuple.of(name) : Tuple.of(name, projectId);
        return db.preparedQuery(sql).execute(t).map(ContainerRepository::all);
    }

    /**
     * Writes {@code next} if the stored row still has {@code expectedVersion}; {@code next.version()} is stored.
     *
     * @return whether the row was updated
     */
    public Future<Boolean> update(SqlClient db, Container next, long expectedVersion) {
        Tuple t = ContainerRows.params(next).addLong(expectedVersion);
        return db.preparedQuery(ContainerRows.UPDATE).execute(t).map(rs -> rs.rowCount() == 1);
    }

    public Future<Boolean> delete(SqlClient db, UUID uuid) {
        return db.preparedQuery("DELETE FROM containers WHERE uuid = $1").execute(Tuple.of(uuid))
                .map(rs -> rs.rowCount() == 1);
    }

    public Future<List<Container>> byHost(SqlClient db, String host) {
        return db.preparedQuery(ContainerRows.SELECT + " WHERE host = $1 ORDER BY id").execute(Tuple.of(host))
                .map(ContainerRepository::all);
    }

    /** Whether a container of that name exists in the project (or anywhere, with a {@code null} project). */
    public Future<Boolean> nameTaken(SqlClient db, String name, String projectId) {
        return findByName(db, name, projectId).map(l -> !l.isEmpty());
    }

    /** One page, keyset-paginated on ({@code sortKey}, id). */
    public Future<List<Container>> list(SqlClient db, ContainerQuery q) {
        StringBuilder sql = new StringBuilder(ContainerRows.SELECT_ALIASED).append(" WHERE true");
        List<Object> args = new ArrayList<>();
        if (q.projectId() != null) {
            args.add(q.projectId());
            sql.append(" AND c.project_id = $").append(args.size());
        }
        for (Map.Entry<String, Object> f : q.filters().entrySet()) {
            args.add(f.getValue());
            sql.append(" AND c.").append(f.getKey()).append(" = $").append(args.size());
        }
        String col = "c." + q.sortKey();
        String m = "m." + q.sortKey();
        if (q.marker() != null) {
            args.add(q.marker());
            int n = args.size();
            // NULL-aware keyset: NULLs sort last ascending and first descending, ties broken by id.
            String after = q.ascending()
                    ? "(" + m + " IS NULL AND " + col + " IS NULL AND c.id > m.id) OR (" + m + " IS NOT NULL AND ("
                            + col + " > " + m + " OR (" + col + " = " + m + " AND c.id > m.id) OR " + col
                            + " IS NULL))"
                    : "(" + m + " IS NULL AND (" + col + " IS NOT NULL OR c.id < m.id)) OR (" + m + " IS NOT NULL AND ("
                            + col + " < " + m + " OR (" + col + " = " + m + " AND c.id < m.id)))";
            sql.append(" AND EXISTS (SELECT 1 FROM containers m WHERE m.uuid = $").append(n).append(" AND (")
                    .append(after).append("))");
        }
        String dir = q.ascending() ? " ASC NULLS LAST" : " DESC NULLS FIRST";
        sql.append(" ORDER BY ").append(col).append(dir);
        if (!"id".equals(q.sortKey())) {
            sql.append(", c.id").append(q.ascending() ? " ASC" : " DESC");
        }
        args.add(q.limit());
        sql.append(" LIMIT $").append(args.size());
        return db.preparedQuery(sql.toString()).execute(Tuple.tuple(args)).map(ContainerRepository::all);
    }

    private static List<Container> all(Iterable<Row> rows) {
        List<Container> out = new ArrayList<>();
        for (Row r : rows) {
            out.add(ContainerRows.from(r));
        }
        return out;
    }
}
