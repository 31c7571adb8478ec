package io.zunvx.platform.host;

import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Dedicated CPUs held by containers ({@code cpu_pins}). The table's key (host, cpu) is what guarantees that no two
 * containers ever share a dedicated CPU; a pin that is already taken fails with {@link Taken}.
 */
public final class CpuPins {

    /** A CPU that another container holds already. */
    public static final class Taken extends RuntimeException {
        public Taken(String host) {
            super("a dedicated CPU on " + host + " was taken meanwhile", null, false, false);
        }
    }

    /** Pins {@code cpus} of {@code host} to the container, in the caller's transaction. */
    public Future<Void> pin(SqlClient tx, String host, UUID container, List<Integer> cpus) {
        if (cpus.isEmpty()) {
            return Future.succeededFuture();
        }
        List<Tuple> rows = new ArrayList<>();
        cpus.forEach(cpu -> rows.add(Tuple.of(host, cpu, container)));
        return tx.preparedQuery("INSERT INTO cpu_pins (host, cpu, container_uuid) VALUES ($1, $2, $3)")
                .executeBatch(rows)
                .<Void>mapEmpty()
                .recover(err -> err instanceof PgException pg && "23505".equals(pg.getSqlState())
                        ? Future.failedFuture(new Taken(host)) : Future.failedFuture(err));
    }

    /** Releases whatever the container holds. */
    public Future<Void> unpin(SqlClient tx, UUID container) {
        return tx.preparedQuery("DELETE FROM cpu_pins WHERE container_uuid = $1").execute(Tuple.of(container))
                .mapEmpty();
    }

    /** The pinned CPUs of every host. */
    public Future<Map<String, List<Integer>>> all(SqlClient db) {
        return db.query("SELECT host, cpu FROM cpu_pins ORDER BY host, cpu").execute().map(rs -> {
            Map<String, List<Integer>> out = new HashMap<>();
            rs.forEach(r -> out.computeIfAbsent(r.getString("host"), h -> new ArrayList<>()).add(r.getInteger("cpu")));
            return out;
        });
    }

    /** The pinned CPUs of the named hosts (those with any), by host. */
    public Future<Map<String, List<Integer>>> ofHosts(SqlClient db, Collection<String> hosts) {
        if (hosts.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        return db.preparedQuery("SELECT host, cpu FROM cpu_pins WHERE host = ANY($1) ORDER BY host, cpu")
                .execute(Tuple.tuple().addArrayOfString(hosts.toArray(new String[0])))
                .map(rs -> {
                    Map<String, List<Integer>> out = new HashMap<>();
                    rs.forEach(r -> out.computeIfAbsent(r.getString("host"), h -> new ArrayList<>())
                            .add(r.getInteger("cpu")));
                    return out;
                });
    }

    /** The pinned CPUs of one host. */
    public Future<List<Integer>> ofHost(SqlClient db, String host) {
        return db.preparedQuery("SELECT cpu FROM cpu_pins WHERE host = $1 ORDER BY cpu").execute(Tuple.of(host))
                .map(rs -> {
                    List<Integer> out = new ArrayList<>();
                    rs.forEach(r -> out.add(r.getInteger("cpu")));
                    return out;
                });
    }
}
