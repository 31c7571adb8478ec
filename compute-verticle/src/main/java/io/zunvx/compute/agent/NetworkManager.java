package io.zunvx.compute.agent;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.compute.driver.ProjectNetworkDriver;
import io.zunvx.model.Container;
import io.zunvx.model.Port;
import io.zunvx.model.SecurityGroup;
import io.zunvx.model.Subnet;
import io.zunvx.platform.concurrent.Blocking;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.network.Ipam;
import io.zunvx.platform.network.NetworkRepository;
import io.zunvx.platform.network.SecurityGroupRepository;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes this host's networking match the ports in PostgreSQL. A container with ports is created outside any network
 * and then connected, before it starts, to one Docker network per port's network at the port's address (the network
 * is made on this host on first use); the container's name is its alias there, so the project's other containers
 * reach it by name. A container without ports (rows from before networks existed) joins the host's configured
 * network as before. On a timer, Docker networks whose platform network was deleted are removed once nothing uses
 * them; the rows' side is kept true by the database itself (ports follow their container's row).
 */
public final class NetworkManager {
    private static final Logger LOG = LoggerFactory.getLogger(NetworkManager.class);

    private final Vertx vertx;
    private final Context context;
    private final ProjectNetworkDriver driver;
    private final Blocking blocking;
    private final SqlClient sql;
    private final NetworkRepository networks;
    private final String fallback;
    private final Duration interval;
    private final SecurityGroupRepository groups;
    private final String host;
    /** What each container's firewall was last set to (by Docker id), so unchanged ones are not rewritten. */
    private final Map<String, FirewallRules.Rules> applied = new ConcurrentHashMap<>();
    private final AtomicBoolean enforcing = new AtomicBoolean();
    private long timer = -1;
    private long firewallTimer = -1;
    private volatile boolean isolated;

    public NetworkManager(Vertx vertx, Context context, ProjectNetworkDriver driver, Blocking blocking, Transactions db,
                          NetworkRepository networks, SecurityGroupRepository groups,
                          String host, String fallback, Duration interval) {
        this.groups = groups;
        this.host = host;
        this.vertx = vertx;
        this.context = context;
        this.driver = driver;
        this.blocking = blocking;
        this.sql = db.statements();
        this.networks = networks;
        this.fallback = fallback;
        this.interval = interval;
    }

    /** Installs the isolation rules (a host that cannot enforce them is logged loudly, not refused) and the timer. */
    public Future<Void> start() {
        return blocking.run(context, () -> {
            try {
                driver.isolate();
                isolated = true;
            } catch (RuntimeException e) {
                LOG.error("networks of different projects are NOT isolated on this host: {}", e.getMessage());
            }
            return null;
        }).onComplete(ar -> {
            timer = vertx.setPeriodic(interval.toMillis(), t -> sweep());
            firewallTimer = vertx.setPeriodic(FIREWALL_PERIOD.toMillis(), t -> enforce());
        }).mapEmpty();
    }

    /** How often security groups are re-read and applied: rule changes reach running containers within it. */
    static final Duration FIREWALL_PERIOD = Duration.ofMillis(400);

    public void stop() {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (firewallTimer >= 0) {
            vertx.cancelTimer(firewallTimer);
        }
        driver.close();
    }

    /** Whether this host enforces isolation between networks. */
    public boolean isolated() {
        return isolated;
    }

    /** The network mode to create {@code c} in: none when it has ports (they are connected next), else the fallback. */
    public String mode(Container c) {
        String joined = joinedMode(c);
        if (joined != null) {
            return joined;
        }
        return c.addresses().isEmpty() ? fallback : "none";
    }

    /**
     * The network mode of a capsule's init or main container: the namespaces of its sandbox, whose uuid is the
     * capsule's; {@code null} for any other container.
     */
    public static String joinedMode(Container c) {
        return c.inCapsule() && !c.isSandbox() ? "container:zun-" + c.capsuleId() : null;
    }

    /** Connects the created container {@code dockerId} to the networks of its ports, at their addresses. */
    public Future<Void> connect(Container c, String dockerId) {
        if (c.addresses().isEmpty() || c.inCapsule() && !c.isSandbox()) {
            return Future.succeededFuture();
        }
        return networks.portsOf(sql, c.uuid()).compose(ports -> endpoints(c, ports))
                .compose(endpoints -> blocking.run(context, () -> {
                    for (ProjectNetworkDriver.Endpoint e : endpoints) {
                        driver.ensure(e.network());
                        driver.connect(dockerId, e);
                    }
                    return null;
                }));
    }

    /** Connects a container to one more port's network (network_attach). */
    public Future<Void> attach(Container c, String dockerId, Port port) {
        return endpoints(c, List.of(port)).compose(endpoints -> blocking.run(context, () -> {
            ProjectNetworkDriver.Endpoint e = endpoints.get(0);
            driver.ensure(e.network());
            driver.connect(dockerId, e);
            return null;
        }));
    }

    /** The port's row. */
    public Future<Port> port(UUID uuid) {
        return networks.findPort(sql, uuid).map(p -> p.orElseThrow(() -> new IllegalStateException("port " + uuid
                + " is gone")));
    }

    /** Disconnects a container from a network (network_detach). */
    public Future<Void> detach(String dockerId, UUID network) {
        return blocking.run(context, () -> {
            driver.disconnect(dockerId, network);
            return null;
        });
    }

    private Future<List<ProjectNetworkDriver.Endpoint>> endpoints(Container c, List<Port> ports) {
        List<Future<ProjectNetworkDriver.Endpoint>> out = new ArrayList<>();
        List<String> aliases = c.name() != null && c.name().matches("[A-Za-z0-9][A-Za-z0-9_.-]*")
                ? List.of(c.name()) : List.of();
        for (Port p : ports) {
            out.add(networks.findSubnet(sql, p.subnetId()).map(s -> {
                Subnet subnet = s.orElseThrow(() -> new IllegalStateException("subnet " + p.subnetId()
                        + " of port " + p.uuid() + " is gone"));
                return new ProjectNetworkDriver.Endpoint(new ProjectNetworkDriver.Spec(p.networkId(), subnet.cidr(),
                        Ipam.bridgeAddress(subnet.cidr(), subnet.gatewayIp())), p.ipAddress(), aliases);
            }));
        }
        return Future.all(out).map(all -> {
            List<ProjectNetworkDriver.Endpoint> list = new ArrayList<>();
            for (int i = 0; i < all.size(); i++) {
                list.add(all.resultAt(i));
            }
            return list;
        });
    }

    /**
     * Applies every running container's security groups on this host (see {@link FirewallRules}); a container whose
     * rules did not change since the last round is not touched. One round at a time.
     */
    Future<Void> enforce() {
        if (!enforcing.compareAndSet(false, true)) {
            return Future.succeededFuture();
        }
        return sql.preparedQuery("""
                        SELECT c.container_id, p.security_groups, c.exposed_ports FROM ports p
                        JOIN containers c ON c.uuid::text = p.device_id
                        WHERE c.host = $1 AND c.container_id IS NOT NULL AND c.status = 'Running'""")
                .execute(Tuple.of(host))
                .compose(rows -> {
                    Map<String, Set<UUID>> wanted = new HashMap<>();
                    Map<String, List<String>> exposed = new HashMap<>();
                    rows.forEach(r -> {
                        List<String> ports = new ArrayList<>();
                        ((JsonArray) r.getValue("exposed_ports")).forEach(p -> ports.add(
                                String.valueOf(p)));
                        exposed.put(r.getString("container_id"), ports);
                        Set<UUID> gs = wanted.computeIfAbsent(r.getString("container_id"), k -> new HashSet<>());
                        ((JsonArray) r.getValue("security_groups"))
                                .forEach(g -> gs.add(UUID.fromString(String.valueOf(g))));
                    });
                    if (wanted.isEmpty()) {
                        return Future.succeededFuture();
                    }
                    Set<UUID> all = new HashSet<>();
                    wanted.values().forEach(all::addAll);
                    return groups.withIds(sql, new ArrayList<>(all)).compose(found -> members().compose(m ->
                            blocking.run(context, () -> {
                                Map<UUID, SecurityGroup> byId = new HashMap<>();
                                found.forEach(g -> byId.put(g.uuid(), g));
                                wanted.forEach((dockerId, ids) -> {
                                    FirewallRules.Rules rules = FirewallRules.render(ids.stream().map(byId::get)
                                            .filter(Objects::nonNull).toList(), m)
                                            .exposing(exposed.getOrDefault(dockerId, List.of()));
                                    if (!rules.equals(applied.get(dockerId))) {
                                        try {
                                            driver.enforce(dockerId, rules.ingress(), rules.egress());
                                            applied.put(dockerId, rules);
                                        } catch (RuntimeException e) {
                                            LOG.warn("security groups not applied to {}: {}", dockerId,
                                                    e.getMessage());
                                        }
                                    }
                                });
                                applied.keySet().retainAll(wanted.keySet());
                                return null;
                            })));
                })
                .<Void>mapEmpty()
                .onFailure(e -> LOG.debug("security group round failed: {}", e.toString()))
                .onComplete(ar -> enforcing.set(false));
    }

    /** The addresses of every port in use, by each group it carries (remote groups of rules match on these). */
    private Future<Map<UUID, List<String>>> members() {
        return sql.query("SELECT host(ip_address) AS ip, security_groups FROM ports WHERE device_id <> ''").execute()
                .map(rows -> {
                    Map<UUID, List<String>> out = new HashMap<>();
                    rows.forEach(r -> ((JsonArray) r.getValue("security_groups")).forEach(g ->
                            out.computeIfAbsent(UUID.fromString(String.valueOf(g)), k -> new ArrayList<>())
                                    .add(r.getString("ip"))));
                    return out;
                });
    }

    /** Removes Docker networks whose platform network no longer exists (those still in use stay for the next round). */
    Future<Void> sweep() {
        return networks.networkIds(sql).compose(known -> blocking.run(context, () -> {
            Set<UUID> here = new HashSet<>(driver.networks(interval.multipliedBy(2)));
            here.removeAll(known);
            for (UUID gone : here) {
                if (driver.remove(gone)) {
                    LOG.info("removed Docker network of deleted network {}", gone);
                }
            }
            return null;
        })).<Void>mapEmpty().onFailure(e -> LOG.debug("network sweep failed: {}", e.toString()));
    }
}
