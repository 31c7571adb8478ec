package io.zunvx.platform.network;

import java.time.OffsetDateTime;
import java.util.function.Function;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.zunvx.platform.db.Transactions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.Network;
import io.zunvx.model.Port;
import io.zunvx.model.Subnet;
import io.zunvx.platform.db.Keyset;
import java.time.Clock;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Networks, subnets and ports. Every subnet lies in one address space (see {@link Subnet}); a project's first
 * container gets the project's own network with a /22 from {@link #DEFAULT_POOL}. Port addresses are assigned here,
 * so a container's addresses are known before any host is chosen.
 */
public final class NetworkRepository {
    /** Where project networks made on first use take their /22 from. */
    public static final String DEFAULT_POOL = "10.128.0.0/10";
    /** The size of a project network made on first use: a /22, 1022 addresses, 4096 of them in the pool. */
    static final int DEFAULT_PREFIX = 22;
    private static final long DEFAULT_SIZE = 1L << (32 - DEFAULT_PREFIX);
    /** The name of the network a project gets on first use. */
    public static final String DEFAULT_NAME = "private";

    private static final String NET_COLS = "uuid, name, project_id, shared, admin_state_up, description, "
            + "project_default, created_at, updated_at";
    private static final String SUBNET_COLS = "uuid, network_id, name, project_id, cidr::text AS cidr, "
            + "host(gateway_ip) AS gateway_ip, allocation_pools, enable_dhcp, description, created_at";
    private static final String PORT_COLS = "uuid, network_id, subnet_id, name, project_id, host(ip_address) AS ip, "
            + "mac_address, device_id, device_owner, host, preserve_on_delete, security_groups, description, "
            + "created_at";

    private final Clock clock;

    public NetworkRepository(Clock clock) {
        this.clock = clock;
    }

    // ---- networks -------------------------------------------------------------------------------------------------

    public Future<Network> createNetwork(SqlClient db, Network n) {
        return db.preparedQuery("INSERT INTO networks (" + NET_COLS + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,$9)"
                        + " RETURNING " + NET_COLS)
                .execute(Tuple.of(n.uuid(), n.name(), n.projectId(), n.shared(), n.adminStateUp(), n.description(),
                        n.projectDefault(), now()).addValue(null))
                .map(rs -> network(rs.iterator().next()));
    }

    public Future<Optional<Network>> findNetwork(SqlClient db, UUID uuid) {
        return db.preparedQuery("SELECT " + NET_COLS + " FROM networks WHERE uuid = $1").execute(Tuple.of(uuid))
                .map(rs -> first(rs).map(NetworkRepository::network));
    }

    /** Networks visible to {@code project} ({@code null}: all), ordered by creation. */
    public Future<List<Network>> listNetworks(SqlClient db, String project) {
        return db.preparedQuery("SELECT " + NET_COLS + " FROM networks WHERE $1::text IS NULL OR project_id = $1"
                        + " OR shared ORDER BY id")
                .execute(Tuple.of(project))
                .map(rs -> all(rs, NetworkRepository::network));
    }

    public Future<Network> updateNetwork(SqlClient db, UUID uuid, String name, String description, Boolean shared) {
        return db.preparedQuery("""
                        UPDATE networks SET name = COALESCE($2, name), description = COALESCE($3, description),
                            shared = COALESCE($4, shared), updated_at = $5, version = version + 1
                        WHERE uuid = $1 RETURNING\s""" + NET_COLS)
                .execute(Tuple.of(uuid, name, description, shared, now()))
                .map(rs -> network(rs.iterator().next()));
    }

    /**
     * Deletes a network with its subnets and free ports, in one transaction; a port a container uses makes it fail
     * with Neutron's {@code NetworkInUse} (409).
     */
    public Future<Void> deleteNetwork(Transactions db, UUID uuid) {
        return db.inTransaction(tx -> tx.preparedQuery("SELECT 1 FROM networks WHERE uuid = $1 FOR UPDATE")
                .execute(Tuple.of(uuid))
                .compose(rs -> rs.size() == 0 ? Future.failedFuture(NeutronException.notFound("Network",
                        uuid.toString())) : tx.preparedQuery("SELECT 1 FROM ports WHERE network_id = $1 AND"
                        + " device_id <> '' LIMIT 1").execute(Tuple.of(uuid)))
                .compose(rs -> rs.size() > 0 ? Future.failedFuture(NeutronException.conflict("NetworkInUse",
                        "Unable to complete operation on network " + uuid + ". There are one or more ports still in"
                                + " use on the network."))
                        : tx.preparedQuery("DELETE FROM ports WHERE network_id = $1").execute(Tuple.of(uuid)))
                .compose(rs -> tx.preparedQuery("DELETE FROM subnets WHERE network_id = $1").execute(Tuple.of(uuid)))
                .compose(rs -> tx.preparedQuery("DELETE FROM networks WHERE uuid = $1").execute(Tuple.of(uuid)))
                .mapEmpty());
    }

    /**
     * The project's own network, made with a subnet on first use. Two first uses at once make one network: the loser
     * of the race reads the winner's.
     */
    public Future<Network> projectNetwork(Transactions db, String project) {
        return findDefault(db.statements(), project).compose(found -> found.isPresent()
                ? Future.succeededFuture(found.get())
                : makeDefault(db, project, 0));
    }

    private Future<Optional<Network>> findDefault(SqlClient db, String project) {
        return db.preparedQuery("SELECT " + NET_COLS + " FROM networks WHERE project_id = $1 AND project_default")
                .execute(Tuple.of(project)).map(rs -> first(rs).map(NetworkRepository::network));
    }

    private Future<Network> makeDefault(Transactions db, String project, int attempt) {
        Network n = new Network(UUID.randomUUID(), DEFAULT_NAME, project, false, true, "", true, null, null);
        return db.inTransaction(tx -> tx.preparedQuery("INSERT INTO networks (" + NET_COLS
                                + ") VALUES ($1,$2,$3,$4,$5,$6,$7,$8,NULL) ON CONFLICT (project_id) WHERE project_default"
                                + " DO NOTHING RETURNING " + NET_COLS)
                        .execute(Tuple.of(n.uuid(), n.name(), project, false, true, "", true, now()))
                        .compose(rs -> {
                            if (rs.size() == 0) {
                                return Future.succeededFuture(Optional.<Network>empty());
                            }
                            Network made = network(rs.iterator().next());
                            return freeDefaultCidr(tx).compose(cidr -> {
                                Ipam.Cidr c = Ipam.cidr(cidr);
                                String gw = Ipam.defaultGateway(c);
                                return insertSubnet(tx, new Subnet(UUID.randomUUID(), made.uuid(), "private-subnet",
                                        project, cidr, gw, Ipam.defaultPools(c, gw), true, "", null));
                            }).map(s -> Optional.of(made));
                        }))
                .compose(made -> made.isPresent() ? Future.succeededFuture(made.get())
                        : findDefault(db.statements(), project).map(Optional::orElseThrow))
                .recover(err -> overlap(err) && attempt < 8 ? makeDefault(db, project, attempt + 1)
                        : Future.failedFuture(err));
    }

    private static Future<String> freeDefaultCidr(SqlClient db) {
        Ipam.Cidr pool = Ipam.cidr(DEFAULT_POOL);
        return db.preparedQuery("SELECT cidr::text AS cidr FROM subnets WHERE cidr && $1::text::cidr")
                .execute(Tuple.of(DEFAULT_POOL))
                .map(rs -> {
                    List<Ipam.Cidr> taken = new ArrayList<>();
                    rs.forEach(r -> taken.add(Ipam.cidr(r.getString("cidr"))));
                    long blocks = pool.size() / DEFAULT_SIZE;
                    // A random start spreads concurrent first uses; the exclusion constraint settles any clash.
                    long start = ThreadLocalRandom.current().nextLong(blocks);
                    for (long i = 0; i < blocks; i++) {
                        long base = pool.base() + ((start + i) % blocks) * DEFAULT_SIZE;
                        boolean free = taken.stream().noneMatch(t -> base <= t.last()
                                && base + DEFAULT_SIZE - 1 >= t.base());
                        if (free) {
                            return new Ipam.Cidr(base, DEFAULT_PREFIX).toString();
                        }
                    }
                    throw new NeutronException(409, "IpAddressGenerationFailure",
                            "No more IP addresses available for project networks in " + DEFAULT_POOL + ".");
                });
    }

    // ---- subnets --------------------------------------------------------------------------------------------------

    /** Stores a subnet; one overlapping any other subnet fails with Neutron's 400. */
    public Future<Subnet> createSubnet(SqlClient db, Subnet s) {
        return insertSubnet(db, s).recover(err -> Future.failedFuture(overlap(err)
                ? NeutronException.invalidInput("Requested subnet with cidr: " + s.cidr() + " for network: "
                        + s.networkId() + " overlaps with another subnet.")
                : err));
    }

    private Future<Subnet> insertSubnet(SqlClient db, Subnet s) {
        return db.preparedQuery("INSERT INTO subnets (uuid, network_id, name, project_id, cidr, gateway_ip,"
                        + " allocation_pools, enable_dhcp, description, created_at) VALUES ($1,$2,$3,$4,$5::text::cidr,"
                        + " $6::text::inet,$7,$8,$9,$10) RETURNING " + SUBNET_COLS)
                .execute(Tuple.of(s.uuid(), s.networkId(), s.name(), s.projectId(), s.cidr(), s.gatewayIp(),
                        pools(s.allocationPools()), s.enableDhcp(), s.description(), now()))
                .map(rs -> subnet(rs.iterator().next()));
    }

    public Future<Optional<Subnet>> findSubnet(SqlClient db, UUID uuid) {
        return db.preparedQuery("SELECT " + SUBNET_COLS + " FROM subnets WHERE uuid = $1").execute(Tuple.of(uuid))
                .map(rs -> first(rs).map(NetworkRepository::subnet));
    }

    /** Subnets on networks visible to {@code project} ({@code null}: all). */
    public Future<List<Subnet>> listSubnets(SqlClient db, String project) {
        return db.preparedQuery("SELECT s.uuid, s.network_id, s.name, s.project_id, s.cidr::text AS cidr,"
                        + " host(s.gateway_ip) AS gateway_ip, s.allocation_pools, s.enable_dhcp, s.description,"
                        + " s.created_at FROM subnets s JOIN networks n ON n.uuid = s.network_id"
                        + " WHERE $1::text IS NULL OR s.project_id = $1 OR n.shared ORDER BY s.id")
                .execute(Tuple.of(project))
                .map(rs -> all(rs, NetworkRepository::subnet));
    }

    public Future<List<Subnet>> subnetsOf(SqlClient db, UUID network) {
        return db.preparedQuery("SELECT " + SUBNET_COLS + " FROM subnets WHERE network_id = $1 ORDER BY id")
                .execute(Tuple.of(network)).map(rs -> all(rs, NetworkRepository::subnet));
    }

    /** Deletes a subnet without ports; one with ports fails with Neutron's {@code SubnetInUse} (409). */
    public Future<Void> deleteSubnet(Transactions db, UUID uuid) {
        return db.inTransaction(tx -> tx.preparedQuery("SELECT 1 FROM ports WHERE subnet_id = $1 LIMIT 1")
                .execute(Tuple.of(uuid))
                .compose(rs -> rs.size() > 0 ? Future.failedFuture(NeutronException.conflict("SubnetInUse",
                        "Unable to complete operation on subnet " + uuid + ": One or more ports have an IP allocation"
                                + " from this subnet."))
                        : tx.preparedQuery("DELETE FROM subnets WHERE uuid = $1").execute(Tuple.of(uuid)))
                .compose(rs -> rs.rowCount() == 0 ? Future.failedFuture(NeutronException.notFound("Subnet",
                        uuid.toString())) : Future.<Void>succeededFuture()));
    }

    // ---- ports ----------------------------------------------------------------------------------------------------

    /**
     * Makes a port on {@code network} (on {@code subnet} when not {@code null}): at {@code fixedIp} when given (it must
     * lie in a subnet and be free), else at the next free address of the first subnet with one. Call it inside a
     * transaction: allocations on one subnet take turns under a transaction-scoped lock.
     */
    public Future<Port> createPort(SqlClient db, UUID network, UUID subnet, String project, String name,
                                   String fixedIp, String deviceId, boolean preserveOnDelete, List<String> groups,
                                   String description) {
        return subnetsOf(db, network).map(all -> subnet == null ? all
                : all.stream().filter(s -> s.uuid().equals(subnet)).toList()).compose(subnets -> {
            if (subnets.isEmpty()) {
                return Future.failedFuture(NeutronException.badRequest("Network " + network
                        + " has no subnet to allocate an address from."));
            }
            if (fixedIp != null) {
                long ip;
                try {
                    ip = Ipam.parse(fixedIp);
                } catch (IllegalArgumentException e) {
                    return Future.failedFuture(NeutronException.invalidInput(e.getMessage()));
                }
                Optional<Subnet> in = subnets.stream().filter(s -> Ipam.cidr(s.cidr()).contains(ip)).findFirst();
                if (in.isEmpty()) {
                    return Future.failedFuture(NeutronException.badRequest("IP address " + fixedIp
                            + " is not a valid IP for any of the subnets on network " + network + "."));
                }
                Ipam.Cidr c = Ipam.cidr(in.get().cidr());
                if (ip == c.base() || ip == c.last()
                        || fixedIp.equals(Ipam.bridgeAddress(in.get().cidr(), in.get().gatewayIp()))) {
                    return Future.failedFuture(NeutronException.badRequest("IP address " + fixedIp
                            + " is not a valid IP for the specified subnet."));
                }
                return insertPort(db, network, in.get().uuid(), project, name, fixedIp, deviceId, preserveOnDelete,
                        groups, description).recover(err -> Future.failedFuture(unique(err)
                        ? NeutronException.conflict("IpAddressAlreadyAllocated", "IP address " + fixedIp
                                + " already allocated in subnet " + in.get().uuid() + ".")
                        : err));
            }
            return allocate(db, subnets, 0, project, name, deviceId, preserveOnDelete, groups, description);
        });
    }

    private Future<Port> allocate(SqlClient db, List<Subnet> subnets, int i, String project, String name,
                                  String deviceId, boolean preserve, List<String> groups, String description) {
        if (i >= subnets.size()) {
            return Future.failedFuture(NeutronException.conflict("IpAddressGenerationFailure",
                    "No more IP addresses available on network " + subnets.get(0).networkId() + "."));
        }
        Subnet s = subnets.get(i);
        // Allocations on one subnet take turns (a transaction-scoped lock), so two never pick the same address.
        return db.preparedQuery("SELECT pg_advisory_xact_lock(hashtext($1))").execute(Tuple.of(s.uuid().toString()))
                .compose(locked -> db.preparedQuery("SELECT host(ip_address) AS ip FROM ports WHERE subnet_id = $1")
                .execute(Tuple.of(s.uuid())))
                .compose(rs -> {
                    Set<String> used = new HashSet<>();
                    rs.forEach(r -> used.add(r.getString("ip")));
                    used.add(Ipam.bridgeAddress(s.cidr(), s.gatewayIp()));
                    String ip = Ipam.nextFree(s.allocationPools(), used);
                    if (ip == null) {
                        return allocate(db, subnets, i + 1, project, name, deviceId, preserve, groups, description);
                    }
                    return insertPort(db, s.networkId(), s.uuid(), project, name, ip, deviceId, preserve, groups,
                            description);
                });
    }

    private Future<Port> insertPort(SqlClient db, UUID network, UUID subnet, String project, String name, String ip,
                                    String deviceId, boolean preserve, List<String> groups, String description) {
        UUID uuid = UUID.randomUUID();
        return db.preparedQuery("INSERT INTO ports (uuid, network_id, subnet_id, name, project_id, ip_address,"
                        + " mac_address, device_id, device_owner, preserve_on_delete, security_groups, description,"
                        + " created_at) VALUES ($1,$2,$3,$4,$5,$6::text::inet,$7,$8,$9,$10,$11,$12,$13) RETURNING "
                        + PORT_COLS)
                .execute(Tuple.of(uuid, network, subnet, name == null ? "" : name, project, ip, mac(ip),
                        deviceId == null ? "" : deviceId, deviceId == null || deviceId.isEmpty() ? "" : Port.OWNER_ZUN,
                        preserve, new JsonArray(new ArrayList<>(groups == null ? List.of() : groups)),
                        description == null ? "" : description).addValue(now()))
                .map(rs -> port(rs.iterator().next()));
    }

    /** Docker's MAC scheme: 02:42 then the IPv4 address, so a port's MAC is the one its endpoint gets. */
    static String mac(String ip) {
        long x = Ipam.parse(ip);
        return String.format("02:42:%02x:%02x:%02x:%02x", (x >> 24) & 0xFF, (x >> 16) & 0xFF, (x >> 8) & 0xFF,
                x & 0xFF);
    }

    public Future<Optional<Port>> findPort(SqlClient db, UUID uuid) {
        return db.preparedQuery("SELECT " + PORT_COLS + " FROM ports WHERE uuid = $1").execute(Tuple.of(uuid))
                .map(rs -> first(rs).map(NetworkRepository::port));
    }

    /** Ports of {@code project} ({@code null}: all). */
    public Future<List<Port>> listPorts(SqlClient db, String project) {
        return db.preparedQuery("SELECT " + PORT_COLS + " FROM ports WHERE $1::text IS NULL OR project_id = $1"
                        + " ORDER BY id").execute(Tuple.of(project))
                .map(rs -> all(rs, NetworkRepository::port));
    }

    /** The ports a container uses, oldest first (the first is its primary network). */
    /** Adds security group {@code group} to every port of {@code device} ({@code add}), or takes it off them. */
    public Future<Void> changeDeviceGroup(SqlClient db, UUID device, String group, boolean add) {
        return db.preparedQuery(add
                        ? "UPDATE ports SET security_groups = security_groups || to_jsonb($2::text) WHERE device_id = $1"
                        : "UPDATE ports SET security_groups = security_groups - $2::text WHERE device_id = $1")
                .execute(Tuple.of(device.toString(), group)).mapEmpty();
    }

    public Future<List<Port>> portsOf(SqlClient db, UUID container) {
        return db.preparedQuery("SELECT " + PORT_COLS + " FROM ports WHERE device_id = $1 ORDER BY id")
                .execute(Tuple.of(container.toString())).map(rs -> all(rs, NetworkRepository::port));
    }

    /**
     * Gives a free port to a container; a port already in use fails with Neutron's {@code PortInUse} (409).
     */
    public Future<Port> bindPort(SqlClient db, UUID port, UUID container) {
        return db.preparedQuery("UPDATE ports SET device_id = $2, device_owner = $3, updated_at = $4"
                        + " WHERE uuid = $1 AND device_id = '' RETURNING " + PORT_COLS)
                .execute(Tuple.of(port, container.toString(), Port.OWNER_ZUN, now()))
                .compose(rs -> rs.size() == 1 ? Future.succeededFuture(port(rs.iterator().next()))
                        : Future.failedFuture(NeutronException.conflict("PortInUse", "Unable to complete operation"
                        + " on port " + port + ". The port is already in use.")));
    }

    /**
     * Binds a free port to a compute host before any container uses it (Neutron's {@code binding:host_id}, an admin's
     * choice): a container given the port is placed on that host. A host that is not registered is Neutron's 400.
     */
    public Future<Port> bindHost(SqlClient db, UUID port, String host) {
        return db.preparedQuery("UPDATE ports SET host = $2 WHERE uuid = $1 AND EXISTS"
                        + " (SELECT 1 FROM compute_nodes WHERE hostname = $2) RETURNING " + PORT_COLS)
                .execute(Tuple.of(port, host))
                .compose(rs -> rs.size() == 1 ? Future.succeededFuture(port(rs.iterator().next()))
                        : Future.failedFuture(NeutronException.badRequest("Invalid input for binding:host_id."
                        + " Reason: no compute host " + host + " is registered.")));
    }

    /** Records where the container's endpoints live (the scheduler's choice). */
    public Future<Void> placePorts(SqlClient db, UUID container, String host) {
        return db.preparedQuery("UPDATE ports SET host = $2 WHERE device_id = $1")
                .execute(Tuple.of(container.toString(), host)).mapEmpty();
    }

    /** Detaches one port from its container: deleted if it was made for it, freed otherwise. */
    public Future<Void> releasePort(SqlClient db, UUID port) {
        return db.preparedQuery("DELETE FROM ports WHERE uuid = $1 AND NOT preserve_on_delete").execute(Tuple.of(port))
                .compose(rs -> db.preparedQuery("UPDATE ports SET device_id = '', device_owner = '', host = NULL,"
                        + " updated_at = $2 WHERE uuid = $1").execute(Tuple.of(port, now())))
                .mapEmpty();
    }

    /** A container is gone: the ports made for it go, the others are freed (Zun's {@code preserve_on_delete}). */
    public Future<Void> releaseContainer(SqlClient db, UUID container) {
        String id = container.toString();
        return db.preparedQuery("DELETE FROM ports WHERE device_id = $1 AND NOT preserve_on_delete")
                .execute(Tuple.of(id))
                .compose(rs -> db.preparedQuery("UPDATE ports SET device_id = '', device_owner = '', host = NULL,"
                        + " updated_at = $2 WHERE device_id = $1").execute(Tuple.of(id, now())))
                .mapEmpty();
    }

    /** Deletes a port; one a container uses fails with Neutron's {@code PortInUse} (409). */
    public Future<Void> deletePort(SqlClient db, UUID uuid) {
        return db.preparedQuery("DELETE FROM ports WHERE uuid = $1 AND device_id = ''").execute(Tuple.of(uuid))
                .compose(rs -> rs.rowCount() == 1 ? Future.<Void>succeededFuture()
                        : findPort(db, uuid).compose(p -> Future.failedFuture(p.isEmpty()
                        ? NeutronException.notFound("Port", uuid.toString())
                        : NeutronException.conflict("PortInUse", "Port " + uuid + " cannot be deleted directly via"
                        + " the port API: it is used by container " + p.get().deviceId() + "."))));
    }

    /** The networks (with subnets) whose ports have an endpoint on {@code host}. */
    public Future<List<UUID>> networksOnHost(SqlClient db, String host) {
        return db.preparedQuery("SELECT DISTINCT network_id FROM ports WHERE host = $1").execute(Tuple.of(host))
                .map(rs -> all(rs, r -> r.getUUID("network_id")));
    }

    /** Every network id (the sync loop's view of which Docker networks should exist). */
    public Future<Set<UUID>> networkIds(SqlClient db) {
        return db.query("SELECT uuid FROM networks").execute()
                .map(rs -> new HashSet<>(all(rs, r -> r.getUUID("uuid"))));
    }

    // ---- rows -----------------------------------------------------------------------------------------------------

    private OffsetDateTime now() {
        return clock.instant().atOffset(ZoneOffset.UTC);
    }

    static Network network(Row r) {
        return new Network(r.getUUID("uuid"), r.getString("name"), r.getString("project_id"), r.getBoolean("shared"),
                r.getBoolean("admin_state_up"), r.getString("description"), r.getBoolean("project_default"),
                Keyset.instant(r.getOffsetDateTime("created_at")), Keyset.instant(r.getOffsetDateTime("updated_at")));
    }

    static Subnet subnet(Row r) {
        List<Subnet.Pool> pools = new ArrayList<>();
        Object raw = r.getValue("allocation_pools");
        if (raw instanceof JsonArray a) {
            for (int i = 0; i < a.size(); i++) {
                JsonObject p = a.getJsonObject(i);
                pools.add(new Subnet.Pool(p.getString("start"), p.getString("end")));
            }
        }
        return new Subnet(r.getUUID("uuid"), r.getUUID("network_id"), r.getString("name"), r.getString("project_id"),
                r.getString("cidr"), r.getString("gateway_ip"), pools, r.getBoolean("enable_dhcp"),
                r.getString("description"), Keyset.instant(r.getOffsetDateTime("created_at")));
    }

    static Port port(Row r) {
        List<String> groups = new ArrayList<>();
        Object raw = r.getValue("security_groups");
        if (raw instanceof JsonArray a) {
            a.forEach(g -> groups.add(String.valueOf(g)));
        }
        return new Port(r.getUUID("uuid"), r.getUUID("network_id"), r.getUUID("subnet_id"), r.getString("name"),
                r.getString("project_id"), r.getString("ip"), r.getString("mac_address"), r.getString("device_id"),
                r.getString("device_owner"), r.getString("host"), r.getBoolean("preserve_on_delete"), groups,
                r.getString("description"), Keyset.instant(r.getOffsetDateTime("created_at")));
    }

    private static JsonArray pools(List<Subnet.Pool> pools) {
        JsonArray a = new JsonArray();
        pools.forEach(p -> a.add(new JsonObject().put("start", p.start()).put("end", p.end())));
        return a;
    }

    private static <T> List<T> all(RowSet<Row> rs, Function<Row, T> f) {
        List<T> out = new ArrayList<>();
        rs.forEach(r -> out.add(f.apply(r)));
        return out;
    }

    private static Optional<Row> first(RowSet<Row> rs) {
        return rs.size() == 0 ? Optional.empty() : Optional.of(rs.iterator().next());
    }

    static boolean overlap(Throwable err) {
        return err instanceof PgException pg && "23P01".equals(pg.getSqlState());
    }

    static boolean unique(Throwable err) {
        return err instanceof PgException pg && "23505".equals(pg.getSqlState());
    }
}
