package io.zunvx.platform.container;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.Container;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Collection;
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

    /**
     * Reads and locks the rows of {@code uuids} (those that exist) for the rest of the transaction, in uuid order so
     * that two transactions locking overlapping sets cannot deadlock on them.
     */
    public Future<List<Container>> findAllForUpdate(SqlClient tx, Collection<UUID> uuids) {
        if (uuids.isEmpty()) {
            return Future.succeededFuture(List.of());
        }
        return tx.preparedQuery(ContainerRows.SELECT + " WHERE uuid = ANY($1) ORDER BY uuid FOR UPDATE")
                .execute(Tuple.tuple().addArrayOfUUID(uuids.toArray(new UUID[0])))
                .map(ContainerRepository::all);
    }

    /**
     * Writes the placement columns ({@code host}, {@code claimed}, {@code cpuset}) and the bookkeeping columns
     * ({@code version}, {@code event_seq}, {@code updated_at}) of each of {@code next} in one statement, where the
     * stored row still has the matching entry of {@code expectedVersions}. No other column is written.
     *
     * @return how many rows were updated
     */
    public Future<Integer> updatePlacements(SqlClient db, List<Container> next, List<Long> expectedVersions) {
        if (next.size() != expectedVersions.size()) {
            throw new IllegalArgumentException("one expected version per container");
        }
        if (next.isEmpty()) {
            return Future.succeededFuture(0);
        }
        int n = next.size();
        UUID[] uuids = new UUID[n];
        String[] hosts = new String[n];
        Boolean[] claimed = new Boolean[n];
        String[] cpusets = new String[n];
        Long[] versions = new Long[n];
        Long[] expected = new Long[n];
        Long[] seqs = new Long[n];
        OffsetDateTime[] updated = new OffsetDateTime[n];
        for (int i = 0; i < n; i++) {
            Container c = next.get(i);
            uuids[i] = c.uuid();
            hosts[i] = c.host();
            claimed[i] = c.claimed();
            cpusets[i] = c.cpuset();
            versions[i] = c.version();
            expected[i] = expectedVersions.get(i);
            seqs[i] = c.eventSequence();
            updated[i] = ContainerRows.odt(c.updatedAt());
        }
        return db.preparedQuery("""
                        UPDATE containers c SET host = v.host, claimed = v.claimed, cpuset = v.cpuset,
                            version = v.version, event_seq = v.event_seq, updated_at = v.updated_at
                        FROM unnest($1::uuid[], $2::text[], $3::boolean[], $4::text[], $5::bigint[], $6::bigint[],
                                $7::bigint[], $8::timestamptz[])
                            AS v(uuid, host, claimed, cpuset, version, expected, event_seq, updated_at)
                        WHERE c.uuid = v.uuid AND c.version = v.expected""")
                .execute(Tuple.tuple().addArrayOfUUID(uuids).addArrayOfString(hosts).addArrayOfBoolean(claimed)
                        .addArrayOfString(cpusets).addArrayOfLong(versions).addArrayOfLong(expected)
                        .addArrayOfLong(seqs).addArrayOfOffsetDateTime(updated))
                .map(rs -> rs.rowCount());
    }

    /** Containers named {@code name}, in {@code projectId} or in every project when it is {@code null}. */
    public Future<List<Container>> findByName(SqlClient db, String name, String projectId) {
        // A capsule's containers are reached through the capsule, never by name (as in Zun).
        String sql = ContainerRows.SELECT + " WHERE name = $1 AND capsule_id IS NULL"
                + (projectId == null ? "" : " AND project_id = $2") + " ORDER BY id LIMIT 2";
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

    /** The containers of a capsule, sandbox included, in template order. */
    public Future<List<Container>> byCapsule(SqlClient db, UUID capsule) {
        return db.preparedQuery(ContainerRows.SELECT + " WHERE capsule_id = $1 ORDER BY id").execute(Tuple.of(capsule))
                .map(ContainerRepository::all);
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
        StringBuilder sql = new StringBuilder(ContainerRows.SELECT_ALIASED).append(" WHERE c.capsule_id IS NULL");
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
