package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.compute.driver.Observed;
import io.zunvx.model.Container;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The compute agent's registration and the sync verticle keeping PostgreSQL true to Docker. */
class SyncIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp api;
    static DockerContainerDriver docker;
    static String host;

    @BeforeAll
    static void start() {
        platform = Platforms.start(data, CrashPoints.NONE, Map.of());
        api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        docker = new DockerContainerDriver(platform.platform().config().compute().dockerHost());
        host = platform.platform().config().compute().hostName();
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
            docker.listManaged(host).forEach(o -> docker.remove(o.id(), true));
            docker.close();
        }
    }

    private static JsonObject show(String uuid) {
        return api.get("/v1/containers/" + uuid).json();
    }

    private static String run(String command) {
        ZunHttp.Response r = api.post("/v1/containers?run=true", new JsonObject().put("image", "busybox")
                .put("cpu", 0.1).put("memory", 32).put("command", new io.vertx.core.json.JsonArray(List.of(
                        "sh", "-c", command))).encode());
        assertEquals(202, r.status(), r.body());
        String uuid = r.json().getString("uuid");
        Poll.until(WAIT, () -> show(uuid).getString("status"), "Running"::equals, "Running");
        return uuid;
    }

    @Test
    void computeHostRegistersWithDockersRealFigures() {
        Row node = platform.platform().pool().query("SELECT * FROM compute_nodes WHERE hostname = '" + host + "'")
                .execute().await().iterator().next();
        assertTrue(node.getInteger("cpus") >= 1);
        assertTrue(node.getLong("mem_total") > 256, "MiB from docker info");
        assertTrue(node.getValue("runtimes").toString().contains("runc"));
        Row svc = platform.platform().pool().query(
                "SELECT * FROM zun_services WHERE host = '" + host + "' AND \"binary\" = 'zun-compute'")
                .execute().await().iterator().next();
        assertTrue(svc.getLong("report_count") >= 1);
    }

    @Test
    void containerRemovedBehindTheDatabasesBackBecomesError() {
        // GIVEN a running container
        String uuid = run("sleep 300");
        // WHEN someone removes it from Docker directly
        Observed o = docker.listManaged(host).stream().filter(x -> uuid.equals(x.uuid())).findFirst().orElseThrow();
        docker.remove(o.id(), true);
        // THEN the sync verticle marks it Error and says why
        JsonObject c = Poll.until(WAIT, () -> show(uuid), x -> "Error".equals(x.getString("status")), "Error");
        assertTrue(c.getString("status_reason").contains("missing"), c.getString("status_reason"));
    }

    @Test
    void containerStoppedBehindTheDatabasesBackBecomesStopped() {
        String uuid = run("sleep 300");
        Observed o = docker.listManaged(host).stream().filter(x -> uuid.equals(x.uuid())).findFirst().orElseThrow();
        docker.stop(o.id(), 0);
        Poll.until(WAIT, () -> show(uuid).getString("status"), "Stopped"::equals, "Stopped");
    }

    @Test
    void labelledContainerUnknownToTheDatabaseIsRemovedAfterTheGracePeriod() {
        // GIVEN a container carrying this host's labels that the database has never heard of
        Container orphan = Container.builder().uuid(UUID.randomUUID()).name("orphan").projectId("none")
                .image("busybox").command(List.of("sleep", "300")).build();
        String id = docker.create(orphan, host, "none");
        docker.start(id);
        // THEN it is removed once the grace period (2 s in this test) has passed
        Poll.until(WAIT, () -> docker.inspect(id).isPresent(), present -> !present, "orphan removed");
    }

    @Test
    void autoRemoveContainerIsDeletedWhenItExits() {
        ZunHttp.Response r = api.post("/v1/containers?run=true", """
                {"image": "busybox", "cpu": 0.1, "memory": 32, "auto_remove": true,
                 "command": ["sh", "-c", "sleep 1"]}""");
        assertEquals(202, r.status(), r.body());
        String uuid = r.json().getString("uuid");
        Poll.until(WAIT, () -> api.get("/v1/containers/" + uuid), x -> x.status() == 404, "row deleted");
    }

    @Test
    void autoHealRestartsAContainerThatDiesAndTheActionLogSaysSo() {
        ZunHttp.Response r = api.post("/v1/containers?run=true", """
                {"image": "busybox", "cpu": 0.1, "memory": 32, "auto_heal": true,
                 "command": ["sleep", "300"]}""");
        assertEquals(202, r.status(), r.body());
        String uuid = r.json().getString("uuid");
        Poll.until(WAIT, () -> show(uuid).getString("status"), "Running"::equals, "Running");
        Observed o = docker.listManaged(host).stream().filter(x -> uuid.equals(x.uuid())).findFirst().orElseThrow();
        docker.kill(o.id(), "KILL");
        Poll.until(WAIT, () -> api.get("/v1/containers/" + uuid + "/container_actions").json()
                .getJsonArray("containerActions").size(), n -> n >= 2, "an auto-heal action");
        Poll.until(WAIT, () -> docker.inspect(o.id()).map(Observed::status).orElse(null),
                s -> s == io.zunvx.model.Status.RUNNING, "restarted in Docker");
        assertEquals("Running", Poll.until(WAIT, () -> show(uuid).getString("status"), "Running"::equals, "Running"));
    }

    @Test
    void unknownZoneOrHostIsTheRequestsFault() {
        ZunHttp.Response zone = api.post("/v1/containers", """
                {"image": "busybox", "cpu": 0.1, "memory": 32, "availability_zone": "mars"}""");
        assertEquals(400, zone.status(), zone.body());
        assertTrue(zone.body().contains("The availability zone mars does not exist."), zone.body());
        ZunHttp.Response host = api.post("/v1/containers", """
                {"image": "busybox", "cpu": 0.1, "memory": 32, "host": "atlantis"}""");
        assertEquals(400, host.status(), host.body());
        assertTrue(host.body().contains("The host atlantis does not exist."), host.body());
    }

    @Test
    void noValidHostLeavesTheContainerInErrorWithTheReason() {
        ZunHttp.Response r = api.post("/v1/containers", """
                {"image": "busybox", "cpu": 0.1, "memory": 32, "runtime": "no-such-runtime"}""");
        assertEquals(202, r.status(), r.body());
        String uuid = r.json().getString("uuid");
        JsonObject c = Poll.until(WAIT, () -> show(uuid), x -> "Error".equals(x.getString("status")), "Error");
        assertTrue(c.getString("status_reason").contains("RuntimeFilter"), c.getString("status_reason"));
        assertEquals(204, api.delete("/v1/containers/" + uuid).status(), "a never-placed container deletes at once");
        assertEquals(404, api.get("/v1/containers/" + uuid).status());
    }
}
