package io.zunvx.platform.host;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.ComputeNode;
import io.zunvx.platform.error.ZunException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Compute nodes: what each host has (written by its agent) and what is claimed on it (written by the scheduler and
 * released by the agent). Claims are conditional updates, so concurrent schedulers can never overcommit a host.
 */
public final class ComputeNodeRepository {
    private static final String SELECT = "SELECT * FROM compute_nodes";

    /**
     * Registers or refreshes a host's inventory and counts. Claimed figures ({@code *_used}) are left as they are:
     * only claims and releases change them.
     */
    public Future<ComputeNode> report(SqlClient db, ComputeNode n, Instant now) {
        if (n.cpus() < 1 || n.memTotal() < 1 || n.cpus() > 65_536 || n.memTotal() > (1L << 40)
                || n.diskTotal() > (1L << 30) || n.totalContainers() < n.running() + n.paused()) {
            return Future.failedFuture(new IllegalArgumentException("impossible figures in the report of "
                    + n.hostname() + ": cpus=" + n.cpus() + ", mem_total=" + n.memTotal() + " MiB, disk_total="
                    + n.diskTotal() + " GB, containers=" + n.totalContainers() + "; not stored"));
        }
        if (n.numaTopology() != null && n.numaTopology().cpus().size() > n.cpus()) {
            return Future.failedFuture(new IllegalArgumentException("impossible figures in the report of "
                    + n.hostname() + ": NUMA nodes hold " + n.numaTopology().cpus().size() + " CPUs of " + n.cpus()
                    + "; not stored"));
        }
        return db.preparedQuery("""
                        INSERT INTO compute_nodes (uuid, hostname, mem_total, cpus, disk_total, total_containers, running,
                            paused, stopped, architecture, os_type, os, kernel_version, labels, runtimes,
                            enable_cpu_pinning, availability_zone, internal_endpoint, created_at, updated_at,
                            numa_topology)
                        VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $19,
                            $20)
                        ON CONFLICT (hostname) DO UPDATE SET mem_total = EXCLUDED.mem_total, cpus = EXCLUDED.cpus,
                            disk_total = EXCLUDED.disk_total, total_containers = EXCLUDED.total_containers,
                            running = EXCLUDED.running, paused = EXCLUDED.paused, stopped = EXCLUDED.stopped,
                            architecture = EXCLUDED.architecture, os_type = EXCLUDED.os_type, os = EXCLUDED.os,
                            kernel_version = EXCLUDED.kernel_version, labels = EXCLUDED.labels,
                            runtimes = EXCLUDED.runtimes, enable_cpu_pinning = EXCLUDED.enable_cpu_pinning,
                            availability_zone = EXCLUDED.availability_zone,
                            internal_endpoint = EXCLUDED.internal_endpoint, updated_at = EXCLUDED.updated_at,
                            numa_topology = EXCLUDED.numa_topology
                        RETURNING *""")
                .execute(Tuple.tuple(List.of(n.uuid(), n.hostname(), n.memTotal(), n.cpus(), n.diskTotal(),
                        n.totalContainers(), n.running(), n.paused(), n.stopped(), (n.architecture()),
                        (n.osType()), (n.os()), (n.kernelVersion()), new JsonObject(new LinkedHashMap<>(n.labels())),
                        new JsonArray(new ArrayList<>(n.runtimes())), n.enableCpuPinning(), (n.availabilityZone()),
                        (n.internalEndpoint()), now.atOffset(ZoneOffset.UTC)))
                        .addValue(NumaJson.encode(n.numaTopology())))
                .map(rs -> from(rs.iterator().next()));
    }

    public Future<Optional<ComputeNode>> find(SqlClient db, String hostname) {
        return db.preparedQuery(SELECT + " WHERE hostname = $1").execute(Tuple.of(hostname))
                .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(from(rs.iterator().next())));
    }

    public Future<Optional<ComputeNode>> findByUuid(SqlClient db, UUID uuid) {
        return db.preparedQuery(SELECT + " WHERE uuid = $1").execute(Tuple.of(uuid))
                .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(from(rs.iterator().next())));
    }

    /** One page of hosts ordered by {@code sortKey} (a column), keyset on (column, hostname). */
    public Future<List<ComputeNode>> page(SqlClient db, String sortKey, boolean ascending, String markerHostname,
                                          int limit) {
        String op = ascending ? ">" : "<";
        String dir = ascending ? " ASC" : " DESC";
        String sql = SELECT + (markerHostname == null ? "" : " WHERE (" + sortKey + ", hostname) " + op
                + " (SELECT " + sortKey + ", hostname FROM compute_nodes WHERE hostname = $2)")
                + " ORDER BY " + sortKey + dir + ", hostname" + dir + " LIMIT $1";
        Tuple t = markerHostname == null ? Tuple.of(limit) : Tuple.of(limit, markerHostname);
        return db.preparedQuery(sql).execute(t).map(rs -> {
            List<ComputeNode> out = new ArrayList<>();
            rs.forEach(r -> out.add(from(r)));
            return out;
        });
    }

    public Future<List<ComputeNode>> list(SqlClient db) {
        return db.query(SELECT + " ORDER BY hostname").execute().map(rs -> {
            List<ComputeNode> out = new ArrayList<>();
            rs.forEach(r -> out.add(from(r)));
            return out;
        });
    }

    /**
     * Claims resources on a host if it still has room for them: the capacity test is part of the update, so however
     * many schedulers race, a host is never overcommitted. {@code expectedVersion} (or a negative value for "any")
     * additionally requires that nothing else changed the node since it was read, for claims that depend on more than
     * the totals (dedicated CPUs).
     *
     * @return the node after the claim, or empty if the condition failed (re-read and try again)
     */
    public Future<Optional<ComputeNode>> claim(SqlClient tx, String hostname, long expectedVersion, long mem,
                                               double cpu, long disk, double cpuRatio, double memRatio,
                                               double diskRatio) {
        return tx.preparedQuery("""
                        UPDATE compute_nodes SET mem_used = mem_used + $3,
                            cpu_used = round((cpu_used + $4)::numeric, 6)::double precision,
                            disk_used = disk_used + $5, version = version + 1
                        WHERE hostname = $1 AND ($2 < 0 OR version = $2)
                          AND mem_used + $3 <= mem_total * $7::double precision
                          AND cpu_used + $4 <= cpus * $6::double precision + 1e-9
                          AND disk_used + $5 <= disk_total * $8::double precision
                        RETURNING *""")
                .execute(Tuple.of(hostname, expectedVersion, mem, cpu, disk, cpuRatio, memRatio, diskRatio))
                .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(from(rs.iterator().next())));
    }

    /** Resources to claim on one host; see {@link #claimAll}. */
    public record Claim(String hostname, long mem, double cpu, long disk) {
        public Claim {
            Objects.requireNonNull(hostname, "hostname");
            if (mem < 0 || !(cpu >= 0) || disk < 0) {
                throw new IllegalArgumentException("claims must not be negative");
            }
        }
    }

    /**
     * {@link #claim} for many hosts in one statement (shared resources only, no version condition). The claims on one
     * host are summed and tested together against its capacity inside the update, so they go through all or none
     * whatever else claims concurrently; each host stands alone, so a full host does not stop the others. The rows
     * are locked in hostname order first, so concurrent batches over overlapping hosts cannot deadlock.
     *
     * @return the node after the claim for every host whose claims went through; the others (full, or unknown) are
     *         missing
     */
    public Future<Map<String, ComputeNode>> claimAll(SqlClient tx, Collection<Claim> claims, double cpuRatio,
                                                     double memRatio, double diskRatio) {
        Map<String, double[]> byHost = new TreeMap<>();
        for (Claim c : claims) {
            double[] sum = byHost.computeIfAbsent(c.hostname(), h -> new double[3]);
            sum[0] += c.mem();
            sum[1] += c.cpu();
            sum[2] += c.disk();
        }
        if (byHost.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        int n = byHost.size();
        String[] hosts = new String[n];
        Long[] mem = new Long[n];
        Double[] cpu = new Double[n];
        Long[] disk = new Long[n];
        int i = 0;
        for (Map.Entry<String, double[]> e : byHost.entrySet()) {
            hosts[i] = e.getKey();
            mem[i] = (long) e.getValue()[0];
            // Sums of decimal fractions (0.1 + 0.2 ...) are rounded as the stored figure is.
            cpu[i] = Math.round(e.getValue()[1] * 1e6) / 1e6;
            disk[i] = (long) e.getValue()[2];
            i++;
        }
        return tx.preparedQuery("""
                        WITH r AS (
                            SELECT * FROM unnest($1::text[], $2::bigint[], $3::double precision[], $4::bigint[])
                                AS r(hostname, mem, cpu, disk)
                        ), locked AS MATERIALIZED (
                            SELECT hostname FROM compute_nodes WHERE hostname IN (SELECT hostname FROM r)
                            ORDER BY hostname FOR UPDATE
                        )
                        UPDATE compute_nodes n SET mem_used = n.mem_used + r.mem,
                            cpu_used = round((n.cpu_used + r.cpu)::numeric, 6)::double precision,
                            disk_used = n.disk_used + r.disk, version = n.version + 1
                        FROM r JOIN locked l ON l.hostname = r.hostname
                        WHERE n.hostname = r.hostname
                          AND n.mem_used + r.mem <= n.mem_total * $6::double precision
                          AND n.cpu_used + r.cpu <= n.cpus * $5::double precision + 1e-9
                          AND n.disk_used + r.disk <= n.disk_total * $7::double precision
                        RETURNING n.*""")
                .execute(Tuple.tuple().addArrayOfString(hosts).addArrayOfLong(mem).addArrayOfDouble(cpu)
                        .addArrayOfLong(disk).addDouble(cpuRatio).addDouble(memRatio).addDouble(diskRatio))
                .map(rs -> {
                    Map<String, ComputeNode> out = new LinkedHashMap<>();
                    rs.forEach(r -> {
                        ComputeNode node = from(r);
                        out.put(node.hostname(), node);
                    });
                    return out;
                });
    }

    /** The nodes of the named hosts that exist, by hostname. */
    public Future<Map<String, ComputeNode>> findAll(SqlClient db, Collection<String> hostnames) {
        if (hostnames.isEmpty()) {
            return Future.succeededFuture(Map.of());
        }
        return db.preparedQuery(SELECT + " WHERE hostname = ANY($1)")
                .execute(Tuple.tuple().addArrayOfString(hostnames.toArray(new String[0])))
                .map(rs -> {
                    Map<String, ComputeNode> out = new LinkedHashMap<>();
                    rs.forEach(r -> {
                        ComputeNode node = from(r);
                        out.put(node.hostname(), node);
                    });
                    return out;
                });
    }

    /** Gives resources back (never below zero). */
    public Future<Optional<ComputeNode>> release(SqlClient tx, String hostname, long mem, double cpu, long disk) {
        return tx.preparedQuery("""
                        UPDATE compute_nodes SET mem_used = GREATEST(mem_used - $2, 0),
                            cpu_used = GREATEST(round((cpu_used - $3)::numeric, 6)::double precision, 0),
                            disk_used = GREATEST(disk_used - $4, 0),
                            version = version + 1
                        WHERE hostname = $1 RETURNING *""")
                .execute(Tuple.of(hostname, mem, cpu, disk))
                .map(rs -> rs.size() == 0 ? Optional.empty() : Optional.of(from(rs.iterator().next())));
    }

    static ComputeNode from(Row r) {
        Map<String, String> labels = new LinkedHashMap<>();
        JsonObject l = (JsonObject) r.getValue("labels");
        if (l != null) {
            l.forEach(e -> labels.put(e.getKey(), String.valueOf(e.getValue())));
        }
        List<String> runtimes = new ArrayList<>();
        JsonArray rt = (JsonArray) r.getValue("runtimes");
        if (rt != null) {
            rt.forEach(x -> runtimes.add(String.valueOf(x)));
        }
        return new ComputeNode(r.getUUID("uuid"), r.getString("hostname"), r.getLong("mem_total"),
                r.getLong("mem_used"), r.getInteger("cpus"), r.getDouble("cpu_used"), r.getLong("disk_total"),
                r.getLong("disk_used"), r.getInteger("total_containers"), r.getInteger("running"),
                r.getInteger("paused"), r.getInteger("stopped"), r.getString("architecture"), r.getString("os_type"),
                r.getString("os"), r.getString("kernel_version"), labels, runtimes,
                r.getBoolean("enable_cpu_pinning"), r.getString("availability_zone"),
                r.getString("internal_endpoint"), instant(r.getOffsetDateTime("created_at")),
                instant(r.getOffsetDateTime("updated_at")), r.getLong("version"),
                NumaJson.decode((JsonObject) r.getValue("numa_topology")));
    }

    static Instant instant(OffsetDateTime t) {
        return t == null ? null : t.toInstant();
    }

    /**
     * The answer to a claim that does not fit: 409 {@code resources-unavailable}, naming what grew.
     *
     * @param memDelta MiB the claim grew by (nothing named when not positive)
     * @param cpuDelta vCPUs the claim grew by (nothing named when not positive)
     */
    public static ZunException noRoom(String hostname, long memDelta, double cpuDelta) {
        StringBuilder b = new StringBuilder();
        if (memDelta > 0) {
            b.append(memDelta).append(" MiB of memory");
        }
        if (cpuDelta > 0) {
            if (!b.isEmpty()) {
                b.append(" and ");
            }
            b.append(cpuDelta).append(" vCPUs");
        }
        return new ZunException(409, "resources-unavailable", "Insufficient compute resources: host " + hostname
                + " cannot fit " + (b.isEmpty() ? "the change" : b.toString()) + " more.");
    }

    /** A fresh id for a host that registers for the first time (the stored one wins on conflict). */
    public static UUID newId() {
        return UUID.randomUUID();
    }
}
