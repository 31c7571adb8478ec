package io.zunvx.compute.docker;

import java.time.Instant;
import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.ConflictException;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.api.model.ContainerNetwork;
import com.github.dockerjava.api.model.Network;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.ProjectNetworkDriver;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Platform networks as Docker bridge networks named {@code zunvx-net-<uuid>}, each on its own Linux bridge
 * {@code zv<8 hex of the network><4 hex of the engine>} so the host firewall can tell them apart by interface name.
 * Isolation is an iptables chain this agent owns ({@value #CHAIN}, jumped to from {@code FORWARD}): traffic routed
 * from one platform bridge to another (or to any other Docker bridge) is dropped; traffic within one bridge passes.
 * It does not depend on how dockerd was started ({@code --iptables=false} included).
 */
public final class DockerNetworkDriver implements ProjectNetworkDriver {
    static final String CHAIN = "ZUNVX-ISOLATION";
    static final String LABEL = "zunvx.network";
    private static final String PREFIX = "zunvx-net-";

    private final DockerClient docker;
    private final String engineTag;
    /** One lock per network being made, so concurrent creates of one network make it once. */
    private final Map<UUID, Object> creating = new ConcurrentHashMap<>();

    public DockerNetworkDriver(String dockerHost) {
        Objects.requireNonNull(dockerHost, "dockerHost");
        DockerClientConfig config = DefaultDockerClientConfig.createDefaultConfigBuilder()
                .withDockerHost(dockerHost).build();
        this.docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).sslConfig(config.getSSLConfig()).maxConnections(20)
                .connectionTimeout(Duration.ofSeconds(5)).responseTimeout(Duration.ofMinutes(2)).build());
        // Engines sharing one kernel (test set-ups with several daemons) must not want the same bridge name.
        this.engineTag = String.format("%04x", dockerHost.hashCode() & 0xFFFF);
    }

    static String name(UUID network) {
        return PREFIX + network;
    }

    String bridge(UUID network) {
        return "zv" + network.toString().substring(0, 8) + engineTag;
    }

    @Override
    public String ensure(Spec spec) {
        // Concurrent creates of one project's first containers ask for the same network at once: one of them makes
        // it, the others wait and find it (Docker would refuse a second network on the same subnet).
        synchronized (creating.computeIfAbsent(spec.uuid(), k -> new Object())) {
            return ensureOnce(spec);
        }
    }

    private String ensureOnce(Spec spec) {
        String name = name(spec.uuid());
        try {
            docker.inspectNetworkCmd().withNetworkId(name).exec();
            return name;
        } catch (NotFoundException absent) {
            // made below
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        try {
            create(spec, name);
        } catch (ConflictException createdMeanwhile) {
            // another caller made it: that is all that was asked
        } catch (RuntimeException e) {
            if (exists(name)) {
                return name;    // made by another agent of this engine meanwhile
            }
            // Neutron lets networks of different projects (or a deleted one and its successor) share a subnet; one
            // Docker engine does not. A platform network on this subnet that no container uses yields its bridge (it
            // is made again when next used): the periodic sweep may not have removed a deleted one yet.
            if (String.valueOf(e.getMessage()).contains("overlap") && yieldUnused(spec)) {
                try {
                    create(spec, name);
                    return name;
                } catch (RuntimeException again) {
                    throw DockerErrors.translate(again);
                }
            }
            throw DockerErrors.translate(e);
        }
        return name;
    }

    private void create(Spec spec, String name) {
        Network.Ipam.Config pool = new Network.Ipam.Config().withSubnet(spec.cidr());
        if (spec.gateway() != null) {
            pool.withGateway(spec.gateway());
        }
        docker.createNetworkCmd().withName(name).withDriver("bridge").withCheckDuplicate(true)
                .withIpam(new Network.Ipam().withConfig(pool))
                .withLabels(Map.of(LABEL, spec.uuid().toString()))
                .withOptions(Map.of("com.docker.network.bridge.name", bridge(spec.uuid())))
                .exec();
    }

    /** Removes this platform's other networks on {@code spec}'s subnet that no container names; whether any went. */
    private boolean yieldUnused(Spec spec) {
        boolean removed = false;
        for (Network n : docker.listNetworksCmd().withFilter("label", List.of(LABEL)).exec()) {
            String id = n.getLabels() == null ? null : n.getLabels().get(LABEL);
            boolean sameSubnet = n.getIpam() != null && n.getIpam().getConfig() != null && n.getIpam().getConfig()
                    .stream().anyMatch(c -> spec.cidr().equals(c.getSubnet()));
            if (id != null && !id.equals(spec.uuid().toString()) && sameSubnet && remove(UUID.fromString(id))) {
                removed = true;
            }
        }
        return removed;
    }

    private boolean exists(String name) {
        try {
            docker.inspectNetworkCmd().withNetworkId(name).exec();
            return true;
        } catch (RuntimeException e) {
            return false;
        }
    }

    @Override
    public void connect(String containerId, Endpoint endpoint) {
        String name = name(endpoint.network().uuid());
        try {
            String current = docker.inspectNetworkCmd().withNetworkId(name).exec().getId();
            Map<String, ContainerNetwork> now = docker.inspectContainerCmd(containerId).exec().getNetworkSettings()
                    .getNetworks();
            if (now != null && now.containsKey("none")) {
                docker.disconnectFromNetworkCmd().withContainerId(containerId).withNetworkId("none").exec();
            }
            if (now != null && now.containsKey(name)) {
                // A stopped container names its networks by id: one made again under the same name is another
                // network to Docker, and the stale entry must go before the container can start.
                ContainerNetwork.Ipam ipam = now.get(name).getIpamConfig();
                if (ipam != null && endpoint.ip().equals(ipam.getIpv4Address())
                        && (now.get(name).getNetworkID() == null || now.get(name).getNetworkID().equals(current))) {
                    return;
                }
                docker.disconnectFromNetworkCmd().withContainerId(containerId).withNetworkId(name).withForce(true)
                        .exec();
            }
            docker.connectToNetworkCmd().withContainerId(containerId).withNetworkId(name)
                    .withContainerNetwork(new ContainerNetwork()
                            .withIpamConfig(new ContainerNetwork.Ipam().withIpv4Address(endpoint.ip()))
                            .withAliases(endpoint.aliases()))
                    .exec();
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    @Override
    public void disconnect(String containerId, UUID network) {
        try {
            docker.disconnectFromNetworkCmd().withContainerId(containerId).withNetworkId(name(network))
                    .withForce(true).exec();
        } catch (NotFoundException gone) {
            // neither the network nor the container: nothing is connected
        } catch (RuntimeException e) {
            DriverException d = DockerErrors.translate(e);
            if (!d.getMessage().contains("is not connected")) {
                throw d;
            }
        }
    }

    @Override
    public Set<UUID> networks(Duration minAge) {
        try {
            Set<UUID> out = new HashSet<>();
            Instant before = Instant.now().minus(minAge);
            for (Network n : docker.listNetworksCmd().withFilter("label", List.of(LABEL)).exec()) {
                String id = n.getLabels() == null ? null : n.getLabels().get(LABEL);
                if (id != null && (n.getCreated() == null || n.getCreated().toInstant().isBefore(before))) {
                    out.add(UUID.fromString(id));
                }
            }
            return out;
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
    }

    @Override
    public boolean remove(UUID network) {
        try {
            // Docker removes a network whose only containers are stopped, which would leave them unable to start:
            // a network any container still names stays.
            if (!docker.listContainersCmd().withShowAll(true).withNetworkFilter(List.of(name(network))).exec()
                    .isEmpty()) {
                return false;
            }
            docker.removeNetworkCmd(name(network)).exec();
            return true;
        } catch (NotFoundException gone) {
            return true;
        } catch (RuntimeException e) {
            DriverException d = DockerErrors.translate(e);
            if (d.kind() == DriverException.Kind.CONFLICT || d.getMessage().contains("active endpoints")) {
                return false;
            }
            throw d;
        }
    }

    @Override
    public void isolate() {
        // -C answers whether a rule exists; only missing rules are added, so agents can run this concurrently.
        iptables(true, "-N", CHAIN);
        ensureRule(CHAIN, "-m", "physdev", "--physdev-is-bridged", "-j", "RETURN");
        ensureRule(CHAIN, "-i", "zv+", "-o", "zv+", "-j", "DROP");
        ensureRule(CHAIN, "-i", "zv+", "-o", "br-+", "-j", "DROP");
        ensureRule(CHAIN, "-i", "br-+", "-o", "zv+", "-j", "DROP");
        if (iptables(true, "-C", "FORWARD", "-j", CHAIN) != 0) {
            iptables(false, "-I", "FORWARD", "1", "-j", CHAIN);
        }
    }

    private static void ensureRule(String chain, String... rule) {
        String[] check = new String[rule.length + 2];
        check[0] = "-C";
        check[1] = chain;
        System.arraycopy(rule, 0, check, 2, rule.length);
        if (iptables(true, check) != 0) {
            check[0] = "-A";
            iptables(false, check);
        }
    }

    /** Runs iptables (waiting for its lock); a failure throws unless {@code tolerate}, which returns the exit code. */
    static int iptables(boolean tolerate, String... args) {
        String[] cmd = new String[args.length + 2];
        cmd[0] = "iptables";
        cmd[1] = "-w";
        System.arraycopy(args, 0, cmd, 2, args.length);
        return Processes.run(tolerate, null, cmd);
    }

    static final String IN = "ZUNVX-IN";
    static final String OUT = "ZUNVX-OUT";

    @Override
    public void enforce(String containerId, List<String> ingress, List<String> egress) {
        Long pid;
        try {
            var state = docker.inspectContainerCmd(containerId).exec().getState();
            pid = Boolean.TRUE.equals(state.getRunning()) ? state.getPidLong() : null;
        } catch (NotFoundException gone) {
            return;
        } catch (RuntimeException e) {
            throw DockerErrors.translate(e);
        }
        if (pid == null || pid <= 0) {
            return;
        }
        String ns = "/proc/" + pid + "/ns/net";
        StringBuilder b = new StringBuilder("*filter\n:" + IN + " - [0:0]\n:" + OUT + " - [0:0]\n");
        for (String chain : List.of(IN, OUT)) {
            b.append("-A ").append(chain).append(" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT\n");
            b.append("-A ").append(chain).append(chain.equals(IN) ? " -i" : " -o").append(" lo -j ACCEPT\n");
            for (String rule : chain.equals(IN) ? ingress : egress) {
                b.append("-A ").append(chain).append(rule.isEmpty() ? "" : " " + rule).append(" -j ACCEPT\n");
            }
            b.append("-A ").append(chain).append(" -j DROP\n");
        }
        b.append("COMMIT\n");
        // --noflush: only the two chains declared above are replaced, atomically; the jumps to them are added once.
        Processes.run(false, b.toString(), "nsenter", "--net=" + ns, "iptables-restore", "-w", "--noflush");
        if (Processes.run(true, null, "nsenter", "--net=" + ns, "iptables", "-w", "-C", "INPUT", "-j", IN) != 0) {
            Processes.run(false, null, "nsenter", "--net=" + ns, "iptables", "-w", "-I", "INPUT", "1", "-j", IN);
        }
        if (Processes.run(true, null, "nsenter", "--net=" + ns, "iptables", "-w", "-C", "OUTPUT", "-j", OUT) != 0) {
            Processes.run(false, null, "nsenter", "--net=" + ns, "iptables", "-w", "-I", "OUTPUT", "1", "-j", OUT);
        }
    }

    @Override
    public void close() {
        try {
            docker.close();
        } catch (IOException e) {
            // closing: nothing left to do
        }
    }

    /** Small helper to run a host command to completion. */
    static final class Processes {
        private Processes() {
        }

        /** Runs {@code cmd} with {@code input} (may be null) on its standard input. */
        static int run(boolean tolerate, String input, String... cmd) {
            try {
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                try (var stdin = p.getOutputStream()) {
                    if (input != null) {
                        stdin.write(input.getBytes(StandardCharsets.UTF_8));
                    }
                }
                byte[] out = p.getInputStream().readAllBytes();
                if (!p.waitFor(30, TimeUnit.SECONDS)) {
                    p.destroyForcibly();
                    throw new DriverException(DriverException.Kind.TIMEOUT, String.join(" ", cmd) + " hung");
                }
                if (p.exitValue() != 0 && !tolerate) {
                    throw new DriverException(DriverException.Kind.OTHER, String.join(" ", cmd) + " failed: "
                            + new String(out, StandardCharsets.UTF_8).strip());
                }
                return p.exitValue();
            } catch (IOException e) {
                throw new DriverException(DriverException.Kind.UNAVAILABLE, "cannot run " + cmd[0] + ": " + e, e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new DriverException(DriverException.Kind.OTHER, "interrupted running " + cmd[0], e);
            }
        }
    }
}
