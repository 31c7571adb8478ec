package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.compute.driver.Observed;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Networks end to end on the real Docker engine, with the real {@code zun} and {@code openstack} CLIs: every project's
 * containers land on the project's own network; a container of another project can neither connect to nor ping them
 * (proven from inside the containers with busybox {@code nc} and {@code ping}); containers of one project reach each
 * other by address and by name; networks, subnets and ports made with {@code openstack} carry containers at the
 * asked addresses ({@code nets}); {@code network-attach}, {@code network-list} and {@code network-detach}; and the
 * faults (overlapping CIDRs, taken or foreign addresses, unknown networks, deleting a network in use) answer
 * Neutron's and Zun's errors. Tests reach only the addresses of containers they created, on networks they created.
 */
class NetworksIT {
    private static final String OPENSTACK = "/usr/bin/openstack";
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final Pattern ADDR = Pattern.compile("\\b(\\d{1,3}(?:\\.\\d{1,3}){3})\\b");

    @TempDir
    static Path data;

    static AllInOne platform;
    static IdentityIT.Keystone keystone;
    static String adminToken;
    static Map<String, String> alice;
    static Map<String, String> bob;

    @BeforeAll
    static void start() {
        assertTrue(Files.isExecutable(Path.of("/usr/bin/zun")), "the zun CLI is not installed;"
                + " scripts/bootstrap.sh installs it");
        assertTrue(Files.isExecutable(Path.of(OPENSTACK)), "the openstack CLI is not installed;"
                + " scripts/bootstrap.sh installs it");
        platform = Platforms.start(data, CrashPoints.NONE, Map.of());
        keystone = new IdentityIT.Keystone("http://127.0.0.1:" + platform.apiPort());
        adminToken = keystone.login("admin", IdentityIT.ADMIN_PASSWORD, "admin");
        alice = tenant("alice");
        bob = tenant("bob");
    }

    @AfterAll
    static void stop() {
        if (platform == null) {
            return;
        }
        String host = platform.platform().config().compute().hostName();
        String dockerHost = platform.platform().config().compute().dockerHost();
        Map<String, String> admin = ZunCliIT.credentials(platform, "admin", IdentityIT.ADMIN_PASSWORD, "admin");
        String ours = openstack(admin, "network", "list", "-f", "value", "-c", "ID").out().strip();
        platform.close();
        try (DockerContainerDriver docker = new DockerContainerDriver(dockerHost)) {
            for (Observed o : docker.listManaged(host)) {
                docker.remove(o.id(), true);
            }
        }
        // The Docker networks of this test's networks (their rows go with its database).
        for (String id : ours.split("\n")) {
            if (id.matches("[0-9a-f-]{36}")) {
                ZunCliIT.cli("/usr/bin/docker", Map.of(), "-H", dockerHost, "network", "rm", "zunvx-net-" + id);
            }
        }
    }

    /** A project with one member, and the environment its user would source. */
    private static Map<String, String> tenant(String who) {
        String s = ZunCliIT.suffix();
        JsonObject project = keystone.createProject(adminToken, "net-" + who + "-" + s);
        String password = "pw-" + UUID.randomUUID();
        JsonObject user = keystone.createUser(adminToken, who + "-" + s, password, project.getString("id"));
        keystone.grant(adminToken, project.getString("id"), user.getString("id"), "member");
        return ZunCliIT.credentials(platform, user.getString("name"), password, project.getString("name"));
    }

    private static ZunCliIT.Cli zun(Map<String, String> env, String... args) {
        return ZunCliIT.zun(env, args);
    }

    private static ZunCliIT.Cli openstack(Map<String, String> env, String... args) {
        return ZunCliIT.cli(OPENSTACK, env, args);
    }

    /** Runs a busybox container and waits until it is Running; returns its addresses. */
    private static List<String> run(Map<String, String> env, String name, String... rest) {
        List<String> args = new ArrayList<>(List.of("run", "--name", name, "--cpu", "0.1", "--memory", "32"));
        args.addAll(List.of(rest));
        zun(env, args.toArray(String[]::new)).assertOk();
        Map<String, String> shown = ZunCliIT.awaitStatus(env, name, "Running");
        return addresses(shown.get("addresses"));
    }

    private static List<String> addresses(String field) {
        List<String> out = new ArrayList<>();
        Matcher m = ADDR.matcher(field == null ? "" : field);
        while (m.find()) {
            out.add(m.group(1));
        }
        return out;
    }

    /** A listener answering {@code marker} to every TCP connection on {@code port}. */
    private static String[] listener(int port, String marker, String... options) {
        List<String> args = new ArrayList<>(List.of(options));
        args.addAll(List.of("busybox", "nc", "-ll", "-p", String.valueOf(port), "-e", "echo", marker));
        return args.toArray(String[]::new);
    }

    private static String connect(Map<String, String> env, String from, String target, int port) {
        return zun(env, "exec", from, "sh", "-c", "nc -w 2 " + target + " " + port + " </dev/null; echo rc=$?").out();
    }

    @Test
    void projectsAreIsolatedAndOneProjectsContainersReachEachOtherByAddressAndName() {
        String s = ZunCliIT.suffix();
        List<String> serverIps = run(alice, "a-srv-" + s, listener(8080, "hello-" + s));
        List<String> clientIps = run(alice, "a-cli-" + s, "busybox", "sleep", "600");
        List<String> otherIps = run(bob, "b-cli-" + s, "busybox", "sleep", "600");
        assertEquals(1, serverIps.size(), serverIps.toString());
        assertEquals(1, otherIps.size(), otherIps.toString());
        String server = serverIps.get(0);
        // the two projects got different networks: their first three octets differ (a /24 each)
        assertNotEquals(server.substring(0, server.lastIndexOf('.')),
                otherIps.get(0).substring(0, otherIps.get(0).lastIndexOf('.')));
        assertEquals(server.substring(0, server.lastIndexOf('.')),
                clientIps.get(0).substring(0, clientIps.get(0).lastIndexOf('.')));

        // GIVEN the listener answers; WHEN its project's other container connects, by address and by name
        Poll.until(WAIT, () -> connect(alice, "a-cli-" + s, server, 8080), out -> out.contains("hello-" + s),
                "the same project's container to reach the listener by address");
        assertTrue(connect(alice, "a-cli-" + s, "a-srv-" + s, 8080).contains("hello-" + s),
                "by name (the container's name is its alias on the network)");
        String ping = zun(alice, "exec", "a-cli-" + s, "ping", "-c", "1", "-W", "2", server).out();
        assertTrue(ping.contains("1 packets received"), ping);

        // THEN the other project's container can neither connect nor ping
        String foreign = connect(bob, "b-cli-" + s, server, 8080);
        assertFalse(foreign.contains("hello-" + s), foreign);
        assertTrue(foreign.contains("rc=1"), foreign);
        String foreignPing = zun(bob, "exec", "b-cli-" + s, "sh", "-c", "ping -c 1 -W 2 " + server
                + "; echo rc=$?").out();
        assertTrue(foreignPing.contains("0 packets received") && foreignPing.contains("rc=1"), foreignPing);

        // and neither sees the other's network
        String bobNets = openstack(bob, "network", "list", "-f", "value", "-c", "ID").out();
        String aliceNets = openstack(alice, "network", "list", "-f", "value", "-c", "ID").out();
        for (String id : aliceNets.strip().split("\n")) {
            assertFalse(bobNets.contains(id), bobNets);
        }
        for (String name : List.of("a-srv-" + s, "a-cli-" + s)) {
            zun(alice, "delete", "--stop", name).assertOk();
        }
        zun(bob, "delete", "--stop", "b-cli-" + s).assertOk();
    }

    @Test
    void openstackNetworksAndPortsCarryContainersAtTheirAddresses() {
        String s = ZunCliIT.suffix();
        int third = 100 + Math.floorMod(s.hashCode(), 100);
        String cidr = "10.251." + third + ".0/24";
        String prefix = "10.251." + third + ".";
        String net = "net-" + s;
        openstack(alice, "network", "create", net).assertOk();
        openstack(alice, "subnet", "create", "--network", net, "--subnet-range", cidr,
                "--allocation-pool", "start=" + prefix + "10,end=" + prefix + "200", "sub-" + s).assertOk();
        ZunCliIT.Cli port = openstack(alice, "port", "create", "--network", net, "--fixed-ip",
                "subnet=sub-" + s + ",ip-address=" + prefix + "50", "port-" + s);
        port.assertOk();

        // a port made in the subset keeps its address on the container; a fixed IP is honoured
        assertEquals(List.of(prefix + "50"), run(alice, "p-" + s, "--net", "port=port-" + s,
                "busybox", "sleep", "600"));
        assertEquals(List.of(prefix + "60"), run(alice, "f-" + s, listener(80, "fixed-" + s, "--net",
                "network=" + net + ",v4-fixed-ip=" + prefix + "60")));
        Poll.until(WAIT, () -> connect(alice, "p-" + s, "f-" + s, 80), out -> out.contains("fixed-" + s),
                "containers on the user's network to reach each other by name");

        // network-list (1.18 grouped shape), then attach the project's own network and detach it again
        String list = zun(alice, "network-list", "p-" + s).out();
        assertTrue(list.contains(prefix + "50") && list.contains("fixed_ips"), list);
        zun(alice, "network-attach", "--network", "private", "p-" + s).assertOk();
        List<String> two = addresses(ZunCliIT.show(alice, "p-" + s).get("addresses"));
        assertEquals(2, two.size(), two.toString());
        String inside = zun(alice, "exec", "p-" + s, "ip", "-4", "addr").out();
        for (String ip : two) {
            assertTrue(inside.contains(ip + "/"), inside);
        }
        assertTrue(zun(alice, "network-attach", "--network", "private", "p-" + s).out().contains("already"));
        zun(alice, "network-detach", "--network", "private", "p-" + s).assertOk();
        assertEquals(List.of(prefix + "50"), addresses(ZunCliIT.show(alice, "p-" + s).get("addresses")));
        String attached = two.stream().filter(ip -> !ip.equals(prefix + "50")).findFirst().orElseThrow();
        assertFalse(zun(alice, "exec", "p-" + s, "ip", "-4", "addr").out().contains(attached + "/"));

        // faults: overlapping CIDR, a taken or foreign fixed IP, an unknown network, a network in use; none of them
        // makes anything (the port count stays)
        int ports = openstack(alice, "port", "list", "--network", net, "-f", "value", "-c", "ID").out().strip()
                .split("\n").length;
        ZunCliIT.Cli overlap = openstack(alice, "subnet", "create", "--network", net, "--subnet-range",
                "10.251." + third + ".128/25", "over-" + s);
        assertNotEquals(0, overlap.exit());
        assertTrue(overlap.out().contains("overlaps with another subnet"), overlap.out());
        ZunCliIT.Cli taken = zun(alice, "run", "--net", "network=" + net + ",v4-fixed-ip=" + prefix + "60",
                "busybox", "true");
        assertTrue(taken.out().contains("already allocated") && taken.out().contains("409"), taken.out());
        ZunCliIT.Cli outside = zun(alice, "run", "--net", "network=" + net + ",v4-fixed-ip=10.9.9.9",
                "busybox", "true");
        assertTrue(outside.out().contains("400"), outside.out());
        ZunCliIT.Cli unknown = zun(alice, "run", "--net", "network=no-such-" + s, "busybox", "true");
        assertTrue(unknown.out().contains("404"), unknown.out());
        ZunCliIT.Cli foreign = zun(bob, "run", "--net", "network=" + net, "busybox", "true");
        assertTrue(foreign.out().contains("404"), foreign.out());
        ZunCliIT.Cli inUse = openstack(alice, "network", "delete", net);
        assertNotEquals(0, inUse.exit());
        assertTrue(inUse.out().contains("still in use"), inUse.out());
        assertEquals(ports, openstack(alice, "port", "list", "--network", net, "-f", "value", "-c", "ID").out()
                .strip().split("\n").length, "the failed runs left no port behind");

        // preserve_on_delete: the user's port outlives its container, free again; the other port goes
        String fixedPort = property(openstack(alice, "port", "list", "--fixed-ip", "ip-address=" + prefix + "60",
                "-f", "value", "-c", "ID").out());
        zun(alice, "delete", "--stop", "p-" + s).assertOk();
        zun(alice, "delete", "--stop", "f-" + s).assertOk();
        Poll.until(WAIT, () -> openstack(alice, "port", "show", "port-" + s, "-f", "value", "-c", "device_id").out(),
                out -> out.strip().isEmpty(), "the user's port to be free again");
        Poll.until(WAIT, () -> openstack(alice, "port", "show", fixedPort).exit(), code -> code != 0,
                "the port made for the container to go with it");
        openstack(alice, "port", "delete", "port-" + s).assertOk();
        openstack(alice, "subnet", "delete", "sub-" + s).assertOk();
        openstack(alice, "network", "delete", net).assertOk();
    }

    @Test
    void securityGroupsDecideWhatComesInAndRuleChangesApplyToRunningContainers() {
        String s = ZunCliIT.suffix();
        String web = "web-" + s;
        openstack(alice, "security", "group", "create", web).assertOk();
        // GIVEN a listener carrying only the new group (egress only) and a client in the default group
        List<String> ips = run(alice, "sg-srv-" + s, listener(8080, "sg-" + s, "--security-group", web));
        String server = ips.get(0);
        run(alice, "sg-cli-" + s, "busybox", "sleep", "600");
        Poll.until(WAIT, () -> connect(alice, "sg-cli-" + s, server, 8080), out -> out.contains("rc=1"),
                "the group without ingress rules to keep the listener closed");

        // WHEN a rule opens the port THEN it is reachable; WHEN it is deleted THEN it is closed again
        ZunCliIT.Cli rule = openstack(alice, "security", "group", "rule", "create", "--protocol", "tcp",
                "--dst-port", "8080", "--remote-ip", "0.0.0.0/0", "-f", "value", "-c", "id", web);
        rule.assertOk();
        Poll.until(WAIT, () -> connect(alice, "sg-cli-" + s, server, 8080), out -> out.contains("sg-" + s),
                "the new rule to open the port");
        openstack(alice, "security", "group", "rule", "delete", rule.out().strip()).assertOk();
        Poll.until(WAIT, () -> connect(alice, "sg-cli-" + s, server, 8080), out -> out.contains("rc=1"),
                "deleting the rule to close the port");

        // add_security_group (up to 1.14): the default group admits its own members; removing it closes again
        zun(alice, "--zun-api-version", "1.14", "add-security-group", "sg-srv-" + s, "default").assertOk();
        Poll.until(WAIT, () -> connect(alice, "sg-cli-" + s, server, 8080), out -> out.contains("sg-" + s),
                "the default group to admit its members");
        assertTrue(zun(alice, "--zun-api-version", "1.14", "add-security-group", "sg-srv-" + s, "default")
                .out().contains("400"));
        zun(alice, "--zun-api-version", "1.14", "remove-security-group", "sg-srv-" + s, "default")
                .assertOk();
        Poll.until(WAIT, () -> connect(alice, "sg-cli-" + s, server, 8080), out -> out.contains("rc=1"),
                "removing the default group to close the port");

        ZunCliIT.Cli inUse = openstack(alice, "security", "group", "delete", web);
        assertNotEquals(0, inUse.exit(), inUse.out());
        zun(alice, "delete", "--stop", "sg-srv-" + s).assertOk();
        zun(alice, "delete", "--stop", "sg-cli-" + s).assertOk();
        ZunCliIT.awaitGone(alice, "sg-srv-" + s);
        openstack(alice, "security", "group", "delete", web).assertOk();
    }

    @Test
    void aStoppedContainerWhoseNetworkWasRemovedFromTheEngineStartsAgainAtItsAddress() {
        // GIVEN a container stopped by a kill (exit 137), and its Docker network removed meanwhile, which Docker
        // allows while the network's only containers are stopped
        String s = ZunCliIT.suffix();
        String name = "heal-" + s;
        List<String> before = run(alice, name, "busybox", "sleep", "600");
        String uuid = ZunCliIT.show(alice, name).get("uuid");
        zun(alice, "stop", "--timeout", "1", name).assertOk();
        ZunCliIT.awaitStatus(alice, name, "Stopped");
        String dockerHost = platform.platform().config().compute().dockerHost();
        String dockerId = ZunCliIT.cli("/usr/bin/docker", Map.of(), "-H", dockerHost, "ps", "-aq", "--filter",
                "label=zunvx.uuid=" + uuid).out().strip();
        String nets = ZunCliIT.cli("/usr/bin/docker", Map.of(), "-H", dockerHost, "inspect", "-f",
                "{{range $k, $v := .NetworkSettings.Networks}}{{$k}} {{end}}", dockerId).out().strip();
        assertTrue(nets.startsWith("zunvx-net-"), nets);
        ZunCliIT.cli("/usr/bin/docker", Map.of(), "-H", dockerHost, "network", "rm", nets).assertOk();

        // WHEN it is started again
        zun(alice, "start", name).assertOk();

        // THEN the agent makes the network again, the container runs at its address and is reachable there
        Map<String, String> shown = ZunCliIT.awaitStatus(alice, name, "Running");
        assertEquals(before, addresses(shown.get("addresses")));
        String ip = zun(alice, "exec", name, "ip", "-4", "addr").out();
        assertTrue(ip.contains(before.get(0) + "/"), ip);
        zun(alice, "delete", "--stop", name).assertOk();
    }

    @Test
    void aDeletedNetworksSubnetCanBeUsedAgainAtOnce() {
        // GIVEN a user's network that carried a container, then was deleted (its Docker bridge may still be on the
        // host until the agent's sweep)
        String s = ZunCliIT.suffix();
        String cidr = "10.253." + (100 + Math.floorMod(s.hashCode(), 100)) + ".0/24";
        for (String round : List.of("first", "second")) {
            String net = round + "-" + s;
            openstack(alice, "network", "create", net).assertOk();
            openstack(alice, "subnet", "create", "--network", net, "--subnet-range", cidr, net + "-sub").assertOk();

            // WHEN a container is run on a network of the same subnet
            List<String> ips = run(alice, net + "-c", "--net", "network=" + net, "busybox", "sleep", "600");

            // THEN it runs there (the unused bridge of the deleted network yields)
            assertTrue(ips.get(0).startsWith(cidr.substring(0, cidr.lastIndexOf('.'))), ips.toString());
            String uuid = ZunCliIT.show(alice, net + "-c").get("uuid");
            zun(alice, "delete", "--stop", net + "-c").assertOk();
            ZunCliIT.awaitGone(alice, uuid);
            openstack(alice, "network", "delete", net).assertOk();
        }
    }

    @Test
    void aSubnetWithoutAGatewayCarriesAContainerAtItsFirstAddress() {
        // GIVEN a subnet made with --gateway none: its first address is a port's, not the host bridge's
        String s = ZunCliIT.suffix();
        String prefix = "10.254." + (100 + Math.floorMod(s.hashCode(), 100)) + ".";
        String net = "nogw-" + s;
        openstack(alice, "network", "create", net).assertOk();
        openstack(alice, "subnet", "create", "--network", net, "--subnet-range", prefix + "0/24", "--gateway", "none",
                net + "-sub").assertOk();

        // WHEN a container joins it THEN it runs at the first address
        assertEquals(List.of(prefix + "1"), run(alice, net + "-c", "--net", "network=" + net, "busybox", "sleep",
                "600"));
        zun(alice, "delete", "--stop", net + "-c").assertOk();
    }

    @Test
    void aNetworkTheHostCannotProvideGivesErrorWithTheReason() {
        // GIVEN a Docker network made outside the platform on the subnet a user's network asks for
        String s = ZunCliIT.suffix();
        String cidr = "10.252." + (100 + Math.floorMod(s.hashCode(), 100)) + ".0/24";
        String dockerHost = platform.platform().config().compute().dockerHost();
        String clash = "clash-" + s;
        ZunCliIT.cli("/usr/bin/docker", Map.of(), "-H", dockerHost, "network", "create", "--subnet", cidr,
                clash).assertOk();
        try {
            openstack(alice, "network", "create", "busy-" + s).assertOk();
            openstack(alice, "subnet", "create", "--network", "busy-" + s, "--subnet-range", cidr,
                    "busy-sub-" + s).assertOk();

            // WHEN a container asks for that network
            zun(alice, "run", "--name", "busy-c-" + s, "--cpu", "0.1", "--memory", "32", "--net",
                    "network=busy-" + s, "busybox", "sleep", "600").assertOk();

            // THEN it goes to Error with the host's reason, and nothing of it is left running
            Map<String, String> shown = ZunCliIT.awaitStatus(alice, "busy-c-" + s, "Error");
            assertTrue(shown.get("status_reason").toLowerCase(java.util.Locale.ROOT).contains("overlap"),
                    shown.toString());
            zun(alice, "delete", "busy-c-" + s).assertOk();
            ZunCliIT.awaitGone(alice, shown.get("uuid"));
        } finally {
            ZunCliIT.cli("/usr/bin/docker", Map.of(), "-H", dockerHost, "network", "rm", clash);
        }
    }

    @Test
    void exposedPortsGetAGroupOfTheContainersOwnThatOpensThemAndGoesWithIt() {
        String s = ZunCliIT.suffix();
        int port = Platforms.freePort();
        // GIVEN a listener started with an exposed port (no security group asked for)
        String server = run(alice, "exp-" + s, listener(port, "exp-" + s, "-p", port + "/tcp")).get(0);
        Map<String, String> shown = ZunCliIT.show(alice, "exp-" + s);

        // THEN it carries one group, zun-<uuid>, not default, whose ingress rule opens that port
        ZunCliIT.Cli group = openstack(alice, "security", "group", "show", "-f", "value", "-c", "id",
                "zun-" + shown.get("uuid"));
        group.assertOk();
        String id = property(group.out());
        assertTrue(shown.get("security_groups").contains(id), shown.toString());
        String defaultId = property(openstack(alice, "security", "group", "show", "-f", "value", "-c", "id",
                "default").out());
        assertFalse(shown.get("security_groups").contains(defaultId), shown.toString());
        String rules = openstack(alice, "security", "group", "rule", "list", "-f", "json", id).out();
        assertTrue(rules.contains(port + ":" + port) && rules.contains("tcp"), rules);
        // and a container of the project reaches the port through it
        run(alice, "exp-cli-" + s, "busybox", "sleep", "600");
        Poll.until(WAIT, () -> connect(alice, "exp-cli-" + s, server, port), out -> out.contains("exp-" + s),
                "the exposed port to be reachable");

        // WHEN the container is deleted THEN its group goes with it
        zun(alice, "delete", "--stop", "exp-" + s).assertOk();
        ZunCliIT.awaitGone(alice, shown.get("uuid"));
        Poll.until(WAIT, () -> openstack(alice, "security", "group", "show", id).exit(), rc -> rc != 0,
                "the container's group to go with it");
        zun(alice, "delete", "--stop", "exp-cli-" + s).assertOk();
    }

    @Test
    void exposedPortsArePublishedOnTheHostAndASecondClaimIsAClearError() throws Exception {
        String s = ZunCliIT.suffix();
        int port = Platforms.freePort();
        run(alice, "pub-" + s, listener(port, "pub-" + s, "-p", port + "/tcp"));
        String shown = ZunCliIT.show(alice, "pub-" + s).get("ports");
        assertTrue(shown.contains(String.valueOf(port)), shown);
        Poll.until(WAIT, () -> readLine("127.0.0.1", port), line -> ("pub-" + s).equals(line),
                "the published port to answer on the host's loopback");

        zun(alice, "run", "--name", "pub2-" + s, "--cpu", "0.1", "--memory", "32", "-p", port + "/tcp",
                "busybox", "sleep", "600").assertOk();
        Map<String, String> second = ZunCliIT.awaitStatus(alice, "pub2-" + s, "Error");
        assertTrue(second.get("status_reason").contains("already allocated"), second.toString());
        zun(alice, "delete", "--stop", "pub-" + s).assertOk();
        zun(alice, "delete", "pub2-" + s).assertOk();
    }

    private static String readLine(String host, int port) {
        try (java.net.Socket socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(host, port), 2000);
            socket.setSoTimeout(2000);
            var in = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.UTF_8));
            return in.readLine();
        } catch (java.io.IOException e) {
            return null;
        }
    }

    private static String property(String out) {
        return out.strip().split("\n")[0].strip();
    }
}
