package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.compute.docker.DockerVolumeDriver;
import io.zunvx.compute.driver.Observed;
import io.zunvx.model.Container;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A container on a host that is down can be deleted by its owner with {@code force}: its row goes at once, with its
 * claim, its quota usage and its volumes, and a {@code Deleted} event; the Docker container left on the host is removed
 * by the host's agent when it is back, and nothing brings the row back. The host goes down because its compute agent
 * is stopped (no heartbeats) on the real Docker engine, which keeps the containers running meanwhile.
 */
@Timeout(value = 6, unit = java.util.concurrent.TimeUnit.MINUTES)
class ForceDeleteIT {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp admin;
    static ZunHttp member;
    static String base;
    static String memberToken;
    static Map<String, String> memberCli;
    static String projectId;
    static String host;
    static DockerContainerDriver docker;
    static DockerVolumeDriver volumes;

    @BeforeAll
    static void start() {
        // A live host misses twenty heartbeats before it counts as down, however busy the machine; a host that is back
        // compares its rows with Docker every two seconds and removes an orphan seen for two seconds.
        platform = Platforms.start(data, CrashPoints.NONE, Map.of("ZUNVX_SERVICE_DOWN_TIME", "20s",
                "ZUNVX_COMPUTE_HEARTBEAT", "1s", "ZUNVX_COMPUTE_SYNC_INTERVAL", "2s",
                "ZUNVX_COMPUTE_ORPHAN_GRACE", "2s"));
        base = "http://127.0.0.1:" + platform.apiPort();
        admin = new ZunHttp(base, platform.adminToken(), "1.40");
        host = platform.platform().config().compute().hostName();
        docker = new DockerContainerDriver(platform.platform().config().compute().dockerHost());
        volumes = DockerVolumeDriver.open(platform.platform().config().compute().dockerHost(),
                data.resolve("volumes").toAbsolutePath());

        IdentityIT.Keystone keystone = new IdentityIT.Keystone(base);
        String adminToken = keystone.login("admin", IdentityIT.ADMIN_PASSWORD, "admin");
        String projectName = "force-" + ProcessHandle.current().pid();
        projectId = keystone.createProject(adminToken, projectName).getString("id");
        String password = "pw-" + UUID.randomUUID();
        JsonObject user = keystone.createUser(adminToken, projectName + "-user", password, projectId);
        keystone.grant(adminToken, projectId, user.getString("id"), "member");
        memberToken = keystone.login(user.getString("name"), password, projectName);
        member = admin.withToken(memberToken);
        memberCli = ZunCliIT.credentials(platform, user.getString("name"), password, projectName);
    }

    @AfterAll
    static void stop() {
        Platforms.stop(platform);
        if (docker != null) {
            docker.close();
        }
        if (volumes != null) {
            volumes.list(host).forEach(volumes::remove);
            volumes.close();
        }
    }

    @Test
    void theOwnerForceDeletesContainersOfADownHostAndTheHostRemovesThemWhenBack() {
        // GIVEN two running containers of a member's project, one with a volume made for it, and a running capsule
        String withVolume = run("fd-vol", ", \"mounts\": [{\"size\": 1, \"destination\": \"/data\"}]");
        String viaCli = run("fd-cli", "");
        JsonObject capsule = runCapsule("fd-capsule");
        String capsuleUuid = capsule.getString("uuid");
        Set<String> capsuleParts = new HashSet<>(Set.of(capsuleUuid));
        capsule.getJsonArray("containers").forEach(c -> capsuleParts.add(((JsonObject) c).getString("uuid")));
        UUID volume = platform.platform().pool().query("SELECT volume_uuid FROM volume_attachments "
                + "WHERE container_uuid = '" + withVolume + "'").execute().await().iterator().next()
                .getUUID("volume_uuid");
        assertEquals(3L, usage().getJsonObject("containers").getLong("in_use"));
        assertTrue(hostFigures().getLong("mem_used") >= 128L, hostFigures().encode());
        assertTrue(dockerUuids().containsAll(capsuleParts), dockerUuids().toString());
        assertTrue(dockerUuids().containsAll(Set.of(withVolume, viaCli)), dockerUuids().toString());

        // AND the member watches its events
        try (SseClient events = SseClient.open(base + "/v1/events", memberToken, null)) {
            Poll.until(WAIT, () -> events.matching("ready", d -> true).size(), n -> n == 1, "the stream to be ready");

            // WHEN the host's compute agent stops, so that its heartbeats stop and the host goes down
            Platforms.stopCompute(platform);
            Poll.until(WAIT, ForceDeleteIT::serviceState, "down"::equals, "the host to go down");

            // THEN a plain delete is refused (the container's state is not deletable without force) ...
            ZunHttp.Response plain = member.delete("/v1/containers/" + withVolume);
            assertEquals(409, plain.status(), plain.body());

            // ... AND the owner's forced delete removes it at once, though only the down host could touch Docker
            ZunHttp.Response forced = member.delete("/v1/containers/" + withVolume + "?force=true");
            assertEquals(204, forced.status(), forced.body());
            assertEquals(404, member.get("/v1/containers/" + withVolume).status());

            // AND so does the zun CLI's delete --force
            ZunCliIT.Cli cli = ZunCliIT.zun(memberCli, "delete", "--force", viaCli);
            cli.assertOk();
            assertEquals(404, member.get("/v1/containers/" + viaCli).status());

            // AND so does the capsule's delete (which always forces), with every container of it
            assertEquals(204, member.delete("/v1/capsules/" + capsuleUuid).status());
            assertEquals(404, member.get("/v1/capsules/" + capsuleUuid).status());
            for (String part : capsuleParts) {
                assertEquals(404, admin.get("/v1/containers/" + part).status(), part);
            }

            // AND the quota, the host's claims and the volume are given back, and each got its Deleted event
            JsonObject usage = usage();
            assertEquals(0L, usage.getJsonObject("containers").getLong("in_use"), usage.encode());
            assertEquals(0L, usage.getJsonObject("memory").getLong("in_use"), usage.encode());
            JsonObject figures = hostFigures();
            assertEquals(0L, figures.getLong("mem_used"), figures.encode());
            assertEquals(0.0, figures.getDouble("cpu_used"), figures.encode());
            assertEquals(0L, platform.platform().pool().query("SELECT count(*) AS n FROM volumes WHERE uuid = '"
                    + volume + "'").execute().await().iterator().next().getLong("n"), "the volume made for it");
            for (String uuid : List.of(withVolume, viaCli)) {
                Poll.until(WAIT, () -> events.matching("container", d -> uuid.equals(d.getString("uuid"))
                                && "Deleted".equals(d.getJsonObject("container").getString("status"))).size(),
                        n -> n == 1, "the Deleted event of " + uuid);
            }
        }
        // AND the Docker containers are still on the host, which nobody could reach
        assertTrue(dockerUuids().containsAll(Set.of(withVolume, viaCli)), dockerUuids().toString());
        assertTrue(dockerUuids().containsAll(capsuleParts), dockerUuids().toString());

        // WHEN the host's agent comes back
        Platforms.startCompute(platform, CrashPoints.NONE);
        Poll.until(WAIT, ForceDeleteIT::serviceState, "up"::equals, "the host to be up again");

        // THEN it removes the Docker containers no row names, and the volume's storage
        Poll.until(WAIT, ForceDeleteIT::dockerUuids, Set::isEmpty, "the orphans to be removed");
        Poll.until(WAIT, () -> volumes.list(host), l -> !l.contains(volume), "the volume's storage to go");

        // AND nothing brought the rows back
        for (String uuid : List.of(withVolume, viaCli)) {
            assertEquals(404, admin.get("/v1/containers/" + uuid).status());
        }
        assertEquals(404, admin.get("/v1/capsules/" + capsuleUuid).status());
        assertFalse(admin.get("/v1/containers?all_projects=True").body().contains(withVolume));
        assertEquals(0L, usage().getJsonObject("containers").getLong("in_use"));
        assertTrue(hostFigures().getLong("mem_used") == 0L, hostFigures().encode());
    }

    @Test
    void aContainerNoHostTookReleasesItsResourcesButCountsUntilDeleted() {
        // GIVEN a create that no host fits (a label no host has): the scheduler records it as Error, as the sweep of
        // a dead-lettered create does when it finds no host
        ZunHttp.Response r = member.post("/v1/containers", "{\"image\": \"busybox\", \"cpu\": 1.5, \"memory\": 96, "
                + "\"hints\": {\"label:fd-nowhere\": \"yes\"}}");
        assertEquals(202, r.status(), r.body());
        String uuid = r.json().getString("uuid");
        JsonObject failed = Poll.until(WAIT, () -> member.get("/v1/containers/" + uuid).json(),
                c -> "Error".equals(c.getString("status")), "the create to fail");
        assertEquals(null, failed.getValue("host"), failed.encode());

        // THEN its vCPUs and memory no longer count, but the container does until it is deleted
        JsonObject usage = usage();
        assertEquals(1L, usage.getJsonObject("containers").getLong("in_use"), usage.encode());
        assertEquals(0.0, usage.getJsonObject("cpu").getDouble("in_use"), usage.encode());
        assertEquals(0L, usage.getJsonObject("memory").getLong("in_use"), usage.encode());
        assertEquals(204, member.delete("/v1/containers/" + uuid).status());
        assertEquals(0L, usage().getJsonObject("containers").getLong("in_use"));
    }

    /** Runs a busybox sleep in the member's project and waits until it runs; answers its uuid. */
    private static String run(String name, String extra) {
        ZunHttp.Response r = member.post("/v1/containers?run=true", "{\"image\": \"busybox\", \"name\": \"" + name
                + "\", \"cpu\": 0.5, \"memory\": 64, \"command\": [\"sleep\", \"600\"]" + extra + "}");
        assertEquals(202, r.status(), r.body());
        String uuid = r.json().getString("uuid");
        Poll.until(WAIT, () -> member.get("/v1/containers/" + uuid).json().getString("status"), "Running"::equals,
                name + " to run");
        return uuid;
    }

    /** Runs a capsule of one busybox sleep in the member's project and waits until it runs; answers it. */
    private static JsonObject runCapsule(String name) {
        ZunHttp.Response r = member.post("/v1/capsules", new JsonObject().put("template", new JsonObject()
                .put("kind", "capsule").put("metadata", new JsonObject().put("name", name))
                .put("spec", new JsonObject().put("containers", List.of(new JsonObject().put("image", "busybox")
                        .put("command", List.of("sleep", "600")).put("resources", new JsonObject()
                                .put("requests", new JsonObject().put("cpu", 0.1).put("memory", 16)))))))
                .encode());
        assertEquals(202, r.status(), r.body());
        String uuid = r.json().getString("uuid");
        return Poll.until(WAIT, () -> member.get("/v1/capsules/" + uuid).json(),
                c -> "Running".equals(c.getString("status")), name + " to run");
    }

    private static JsonObject usage() {
        return member.get("/v1/quotas/" + projectId + "?usages=True").json();
    }

    private static JsonObject hostFigures() {
        return admin.get("/v1/hosts").json().getJsonArray("hosts").stream().map(JsonObject.class::cast)
                .filter(h -> host.equals(h.getString("hostname"))).findFirst().orElseThrow();
    }

    private static String serviceState() {
        return admin.get("/v1/services").json().getJsonArray("services").stream().map(JsonObject.class::cast)
                .filter(s -> host.equals(s.getString("host"))).findFirst().orElseThrow().getString("state");
    }

    /** The uuids of the Docker containers labelled for this host. */
    private static Set<String> dockerUuids() {
        return docker.listManaged(host).stream().map(Observed::labels).map(l -> l.get(Container.LABEL_UUID))
                .collect(Collectors.toSet());
    }
}
