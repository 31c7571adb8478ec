package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.docker.DockerContainerDriver;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three hosts on one machine: the main Docker engine and two more engines, each with its own compute agent. Placement
 * spreads across them, a runtime only some hosts offer selects those, and a host whose agent stops gets no new work.
 */
class MultiHostIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp api;
    static DockerDaemons daemons;
    static DockerDaemons.Daemon b;
    static DockerDaemons.Daemon c;
    static String hostA;
    static final String HOST_B = "mh-b-" + ProcessHandle.current().pid();
    static final String HOST_C = "mh-c-" + ProcessHandle.current().pid();
    static String deploymentB;

    @BeforeAll
    static void start() {
        daemons = new DockerDaemons();
        b = daemons.start("b");
        c = daemons.start("c");
        // A live host misses twenty heartbeats before it counts as down, however busy the machine: only the host
        // whose agent a test stops goes down.
        platform = Platforms.start(data, CrashPoints.NONE, Map.of("ZUNVX_SERVICE_DOWN_TIME", "20s",
                "ZUNVX_COMPUTE_HEARTBEAT", "1s"));
        hostA = platform.platform().config().compute().hostName();
        deploymentB = Platforms.startExtraCompute(platform, HOST_B, b.host(), Platforms.freePort());
        Platforms.startExtraCompute(platform, HOST_C, c.host(), Platforms.freePort());
        api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        Poll.until(WAIT, () -> api.get("/v1/hosts").json().getJsonArray("hosts").size(), n -> n == 3,
                "three hosts registered");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
            try (DockerContainerDriver docker = new DockerContainerDriver("unix:///var/run/docker.sock")) {
                docker.listManaged(hostA).forEach(o -> docker.remove(o.id(), true));
            }
        }
        if (daemons != null) {
            daemons.close();
        }
    }

    /** The host the container was placed on; fails if it could not be placed. */
    private static String hostOf(String uuid) {
        JsonObject c = Poll.until(WAIT, () -> api.get("/v1/containers/" + uuid).json(),
                x -> x.getString("host") != null || "Error".equals(x.getString("status")), "placement");
        assertNotEquals("Error", c.getString("status"), c.encode());
        return c.getString("host");
    }

    /** The compute hosts whose service is up. */
    private static Set<String> upHosts() {
        return api.get("/v1/services").json().getJsonArray("services").stream().map(JsonObject.class::cast)
                .filter(s -> "zun-compute".equals(s.getString("binary")) && "up".equals(s.getString("state")))
                .map(s -> s.getString("host")).collect(java.util.stream.Collectors.toSet());
    }

    private static String create(String extra) {
        ZunHttp.Response r = api.post("/v1/containers", "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 32"
                + extra + "}");
        assertEquals(202, r.status(), r.body());
        return r.json().getString("uuid");
    }

    @Test
    void aPortBoundToAHostPlacesItsContainerThereAndAnUnknownHostIsRefused() {
        // GIVEN a network of the admin's project with a subnet of its own
        String network = api.post("/network/v2.0/networks", "{\"network\": {\"name\": \"mh-bound-"
                + ProcessHandle.current().pid() + "\"}}").json().getJsonObject("network").getString("id");
        ZunHttp.Response subnet = api.post("/network/v2.0/subnets", "{\"subnet\": {\"network_id\": \"" + network
                + "\", \"cidr\": \"10.251.7.0/24\", \"ip_version\": 4}}");
        assertEquals(201, subnet.status(), subnet.body());

        // WHEN a port is bound to a host that is not registered THEN Neutron's 400
        ZunHttp.Response unknown = api.post("/network/v2.0/ports", "{\"port\": {\"network_id\": \"" + network
                + "\", \"binding:host_id\": \"no-such-host\"}}");
        assertEquals(400, unknown.status(), unknown.body());
        assertTrue(unknown.json().getJsonObject("NeutronError").getString("message").contains("no-such-host"),
                unknown.body());

        // WHEN containers are given ports bound to two of the hosts THEN each is placed on its port's host, although
        // spreading alone would pick a host without containers (two rounds: chance would do it one time in three)
        List<String> placed = new ArrayList<>();
        for (String host : new String[] {HOST_C, hostA, HOST_C}) {
            ZunHttp.Response port = api.post("/network/v2.0/ports", "{\"port\": {\"network_id\": \"" + network
                    + "\", \"binding:host_id\": \"" + host + "\"}}");
            assertEquals(201, port.status(), port.body());
            assertEquals(host, port.json().getJsonObject("port").getString("binding:host_id"));
            String portId = port.json().getJsonObject("port").getString("id");
            String uuid = create(", \"nets\": [{\"port\": \"" + portId + "\"}], \"command\": [\"sleep\", \"300\"]");
            placed.add(uuid);
            assertEquals(host, hostOf(uuid));
        }
        removeAll(placed);
    }

    @Test
    void aContainerMountingAnExistingVolumeIsPlacedOnTheVolumesHost() {
        // GIVEN three volumes: each goes to the live host holding the fewest, so they spread over the hosts
        Map<String, String> hostOfVolume = new HashMap<>();
        for (int i = 0; i < 3; i++) {
            ZunHttp.Response created = api.post("/volume/v3/admin/volumes", "{\"volume\": {\"size\": 1, \"name\": "
                    + "\"mh-vol-" + i + "\"}}");
            assertEquals(202, created.status(), created.body());
            String id = created.json().getJsonObject("volume").getString("id");
            JsonObject available = Poll.until(WAIT, () -> api.get("/volume/v3/admin/volumes/" + id).json()
                    .getJsonObject("volume"), v -> !"creating".equals(v.getString("status")), id + " to be made");
            assertEquals("available", available.getString("status"), available.encode());
            hostOfVolume.put(id, available.getString("os-vol-host-attr:host"));
        }
        assertTrue(hostOfVolume.values().stream().distinct().count() > 1, hostOfVolume.toString());

        // WHEN a container mounts each THEN it is placed on that volume's host
        List<String> containers = new ArrayList<>();
        hostOfVolume.forEach((volume, host) -> {
            String uuid = create(", \"mounts\": [{\"source\": \"" + volume + "\", \"destination\": \"/data\"}],"
                    + " \"command\": [\"sleep\", \"300\"]");
            containers.add(uuid);
            assertEquals(host, hostOf(uuid), "volume " + volume);
        });
        removeAll(containers);
        for (String volume : hostOfVolume.keySet()) {
            Poll.until(WAIT, () -> api.delete("/volume/v3/admin/volumes/" + volume).status(),
                    s -> s == 202 || s == 404, "volume " + volume + " to be deletable");
            Poll.until(WAIT, () -> api.get("/volume/v3/admin/volumes/" + volume).status(), s -> s == 404,
                    "volume " + volume + " to go");
        }
    }

    /** Deletes the containers (stopping them) and waits until they are gone, so later placements see empty hosts. */
    private static void removeAll(List<String> containers) {
        for (String uuid : containers) {
            Poll.until(WAIT, () -> api.delete("/v1/containers/" + uuid + "?force=true").status(),
                    s -> s == 204 || s == 404, uuid + " to be deletable");
        }
        for (String uuid : containers) {
            Poll.until(WAIT, () -> api.get("/v1/containers/" + uuid).status(), s -> s == 404, uuid + " to go");
        }
    }

    @Test
    void hostsReportTheirOwnEnginesAndRuntimes() {
        Map<String, JsonObject> byName = new HashMap<>();
        api.get("/v1/hosts").json().getJsonArray("hosts").forEach(h -> byName.put(((JsonObject) h)
                .getString("hostname"), (JsonObject) h));
        assertEquals(Set.of(hostA, HOST_B, HOST_C), byName.keySet());
        assertTrue(byName.get(HOST_B).getJsonArray("runtimes").contains(DockerDaemons.ALT_RUNTIME));
        assertFalse(byName.get(hostA).getJsonArray("runtimes").contains(DockerDaemons.ALT_RUNTIME),
                byName.get(hostA).encode());
    }

    @Test
    void placementsSpreadAcrossHosts() {
        // GIVEN the hosts that are up, some perhaps still holding containers of other tests (or, for a heartbeat or
        // two, the claims of containers just deleted): spreading evens those out before it reaches the emptiest host
        Set<String> up = upHosts();
        assertTrue(up.size() >= 2, "hosts up: " + up);
        int existing = api.get("/v1/containers?all_projects=True").json().getJsonArray("containers").size();
        int bound = existing + 3 * up.size();

        // WHEN equal containers are placed one after another THEN every host that is up gets some, within as many
        // placements as there are containers already plus three rounds
        Set<String> used = new HashSet<>();
        List<String> placed = new ArrayList<>();
        while (!used.containsAll(up) && placed.size() < bound) {
            String uuid = create("");
            placed.add(uuid);
            used.add(hostOf(uuid));
        }
        assertEquals(up, used, "containers spread over every host that is up, within " + bound
                + " placements; hosts: " + api.get("/v1/hosts").body());
        removeAll(placed);
    }

    @Test
    void aRuntimeOnlySomeHostsOfferSelectsThemAndDockerUsesIt() throws Exception {
        String uuid = create(", \"runtime\": \"" + DockerDaemons.ALT_RUNTIME + "\", \"command\": [\"sleep\", \"300\"]");
        String host = hostOf(uuid);
        assertTrue(Set.of(HOST_B, HOST_C).contains(host), "placed on " + host);
        JsonObject done = Poll.until(WAIT, () -> api.get("/v1/containers/" + uuid).json(),
                x -> "Created".equals(x.getString("status")), "created");
        assertEquals(DockerDaemons.ALT_RUNTIME, done.getString("runtime"));
        String engine = host.equals(HOST_B) ? b.host() : c.host();
        var cfg = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(engine).build();
        try (DockerClient docker = DockerClientImpl.getInstance(cfg, new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(engine)).build())) {
            assertEquals(DockerDaemons.ALT_RUNTIME, docker.inspectContainerCmd("zun-" + uuid).exec()
                    .getHostConfig().getRuntime());
        }
        String nowhere = create(", \"runtime\": \"no-such-runtime\"");
        JsonObject refused = Poll.until(WAIT, () -> api.get("/v1/containers/" + nowhere).json(),
                x -> "Error".equals(x.getString("status")), "no valid host");
        assertTrue(refused.getString("status_reason").contains("RuntimeFilter"), refused.getString("status_reason"));
        removeAll(List.of(uuid, nowhere));
    }

    @Test
    void aHostWhoseAgentStopsGoesDownAndGetsNoNewContainers() {
        Platforms.stopExtraCompute(platform, deploymentB);
        Poll.until(WAIT, () -> api.get("/v1/services").json().getJsonArray("services").stream()
                        .map(JsonObject.class::cast).filter(s -> HOST_B.equals(s.getString("host")))
                        .findFirst().orElseThrow().getString("state"), "down"::equals, "host B down");
        for (int i = 0; i < 6; i++) {
            assertNotEquals(HOST_B, hostOf(create("")));
        }
    }
}
