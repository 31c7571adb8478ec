package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.docker.DockerVolumeDriver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Volumes through the HTTP API, and volumes surviving an agent that dies between two steps: it is stopped dead right
 * after it made a volume's storage (before recording it), and after a container's row was deleted, before the storage
 * of its sized volume was removed; the
 * restarted agent ends with storage for every row and no storage without a row. The reconcile timer also removes
 * storage nobody asked for and marks a row whose storage vanished. Besides: the {@code volumes} and {@code gigabytes}
 * quotas hold exactly under concurrent creates, and Cinder's and Zun's error bodies for bad requests.
 */
class VolumesIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp api;
    static DockerVolumeDriver volumes;
    static String host;
    static final Crash crash = new Crash();

    /** When armed for a step, blocks the agent there as a killed process would stop; released on undeploy. */
    static final class Crash implements CrashPoints {
        final AtomicReference<CountDownLatch> afterStorage = new AtomicReference<>();
        final AtomicReference<CountDownLatch> beforeRelease = new AtomicReference<>();

        @Override
        public void afterVolumeStorage(UUID volume) {
            stopHere(afterStorage);
        }

        @Override
        public void beforeVolumeRemoved(UUID volume) {
            stopHere(beforeRelease);
        }

        /** Blocks the calling (agent) thread for good when {@code armed} holds a latch, after counting it down. */
        static void stopHere(AtomicReference<CountDownLatch> armed) {
            CountDownLatch reached = armed.getAndSet(null);
            if (reached != null) {
                reached.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("agent stopped at the crash point");
            }
        }
    }

    @BeforeAll
    static void start() {
        platform = Platforms.start(data, crash, Map.of());
        api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        host = platform.platform().config().compute().hostName();
        volumes = DockerVolumeDriver.open(platform.platform().config().compute().dockerHost(),
                data.resolve("volumes").toAbsolutePath());
    }

    @AfterAll
    static void stop() {
        Platforms.stop(platform);
        if (volumes != null) {
            volumes.list(host).forEach(volumes::remove);
            volumes.close();
        }
    }

    private static JsonObject volume(String id) {
        ZunHttp.Response r = api.get("/volume/v3/admin/volumes/" + id);
        return r.status() == 200 ? r.json().getJsonObject("volume") : new JsonObject().put("status", "gone");
    }

    private static String awaitVolume(String id, String status) {
        return Poll.until(WAIT, () -> volume(id).getString("status"), status::equals, id + " to be " + status);
    }

    private static long rows(String where) {
        return platform.platform().pool().query("SELECT count(*) AS n FROM volumes WHERE " + where).execute()
                .await().iterator().next().getLong("n");
    }

    /** Creates a volume with the agent armed to stop dead right after making its storage; returns its id. */
    private static String createdUpToTheStorage(String name) {
        CountDownLatch reached = new CountDownLatch(1);
        crash.afterStorage.set(reached);
        ZunHttp.Response created = api.post("/volume/v3/admin/volumes",
                new JsonObject().put("volume", new JsonObject().put("size", 1).put("name", name)).encode());
        assertEquals(202, created.status(), created.body());
        Poll.until(WAIT, reached::getCount, n -> n == 0, "the agent to reach the crash point");
        return created.json().getJsonObject("volume").getString("id");
    }

    @Test
    void anAgentKilledAfterMakingTheStorageFinishesTheVolumeOnce() {
        // GIVEN the agent stopped dead right after it made a volume's storage
        String id = createdUpToTheStorage("crash-made");

        // WHEN it is killed there: the storage exists, the row still says creating
        Platforms.stopCompute(platform);
        assertTrue(volumes.list(host).contains(UUID.fromString(id)));
        assertEquals("creating", volume(id).getString("status"));

        // THEN the restarted agent finishes it: available, one storage
        Platforms.startCompute(platform, crash); // disarmed: the next test may arm it again
        awaitVolume(id, "available");
        assertEquals(1, volumes.list(host).stream().filter(u -> u.toString().equals(id)).count());
        assertEquals(202, api.delete("/volume/v3/admin/volumes/" + id).status());
        awaitVolume(id, "gone");
        Poll.until(WAIT, () -> volumes.list(host), l -> !l.contains(UUID.fromString(id)), "the storage to go");
    }

    @Test
    void anAgentKilledBetweenDeletingAContainerAndReleasingItsVolumeLeavesNoOrphan() {
        // GIVEN a container with a sized volume, and an agent that will stop dead once the container's row is gone
        ZunHttp.Response c = api.post("/v1/containers?run=true", """
                {"image": "busybox", "cpu": 0.1, "memory": 32, "command": ["sleep", "300"],
                 "mounts": [{"size": 1, "destination": "/data"}]}""");
        assertEquals(202, c.status(), c.body());
        String uuid = c.json().getString("uuid");
        Poll.until(WAIT, () -> api.get("/v1/containers/" + uuid).json().getString("status"), "Running"::equals,
                "the container to run");
        UUID vol = platform.platform().pool().query("SELECT volume_uuid FROM volume_attachments WHERE "
                + "container_uuid = '" + uuid + "'").execute().await().iterator().next().getUUID("volume_uuid");
        assertEquals("in-use", volume(vol.toString()).getString("status"));
        CountDownLatch reached = new CountDownLatch(1);
        crash.beforeRelease.set(reached);

        // WHEN the container is deleted and the agent is killed before it released the volume
        assertEquals(204, api.delete("/v1/containers/" + uuid + "?force=true").status());
        Poll.until(WAIT, reached::getCount, n -> n == 0, "the agent to reach the crash point");
        Platforms.stopCompute(platform);
        assertEquals(404, api.get("/v1/containers/" + uuid).status());
        assertEquals(1, rows("uuid = '" + vol + "'"), "the volume row outlived its container");

        // THEN the restarted agent's reconcile removes the volume and its storage
        Platforms.startCompute(platform, crash); // disarmed: the next test may arm it again
        awaitVolume(vol.toString(), "gone");
        Poll.until(WAIT, () -> volumes.list(host), l -> !l.contains(vol), "the storage to go");
    }

    @Test
    void reconcileRemovesStorageNoRowNamesAndMarksARowWhoseStorageVanished() {
        // GIVEN storage made behind the platform's back, labelled as this host's
        UUID stray = UUID.randomUUID();
        volumes.create(stray, 1, host);
        // AND an available volume whose storage is then removed behind the platform's back
        ZunHttp.Response created = api.post("/volume/v3/admin/volumes", """
                {"volume": {"size": 1, "name": "to-vanish"}}""");
        String id = created.json().getJsonObject("volume").getString("id");
        awaitVolume(id, "available");
        volumes.remove(UUID.fromString(id));

        // THEN the stray storage goes and the row says what happened
        Poll.until(WAIT, () -> volumes.list(host), l -> !l.contains(stray), "the stray storage to go");
        awaitVolume(id, "error");
        assertTrue(volume(id).getJsonObject("metadata").getString("zunvx:status_reason").contains("missing"), volume(id).encode());
        assertEquals(202, api.delete("/volume/v3/admin/volumes/" + id).status());
        awaitVolume(id, "gone");
        assertFalse(volumes.list(host).contains(UUID.fromString(id)));
    }

    @Test
    void theVolumeQuotaHoldsExactlyUnderConcurrentCreates() throws Exception {
        // GIVEN the project may make three more volumes
        JsonObject usage = api.get("/volume/v3/admin/os-quota-sets/" + projectId() + "?usage=true").json()
                .getJsonObject("quota_set");
        long inUse = usage.getJsonObject("volumes").getLong("in_use");
        assertEquals(200, api.put("/volume/v3/admin/os-quota-sets/" + projectId(),
                "{\"quota_set\": {\"volumes\": " + (inUse + 3) + "}}").status());
        try {
            // WHEN eight creates race
            List<java.util.concurrent.Future<ZunHttp.Response>> sent = new ArrayList<>();
            try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int i = 0; i < 8; i++) {
                    int n = i;
                    sent.add(pool.submit(() -> api.post("/volume/v3/admin/volumes",
                            "{\"volume\": {\"size\": 1, \"name\": \"race-" + n + "\"}}")));
                }
            }
            List<String> made = new ArrayList<>();
            int refused = 0;
            for (var f : sent) {
                ZunHttp.Response r = f.get();
                if (r.status() == 202) {
                    made.add(r.json().getJsonObject("volume").getString("id"));
                } else {
                    assertEquals(413, r.status(), r.body());
                    assertTrue(r.json().getJsonObject("overLimit").getString("message")
                            .contains("exceeded for quota 'volumes'"), r.body());
                    refused++;
                }
            }
            // THEN exactly three were made
            assertEquals(3, made.size());
            assertEquals(5, refused);
            // AND a sized mount over the quota is refused by the container API, leaving nothing
            ZunHttp.Response c = api.post("/v1/containers", """
                    {"image": "busybox", "mounts": [{"size": 1, "destination": "/data"}]}""");
            assertEquals(403, c.status(), c.body());
            assertTrue(c.body().contains("Quota exceeded for resources: ['volumes']"), c.body());
            for (String id : made) {
                awaitVolume(id, "available");
                assertEquals(202, api.delete("/volume/v3/admin/volumes/" + id).status());
            }
        } finally {
            api.put("/volume/v3/admin/os-quota-sets/" + projectId(), "{\"quota_set\": {\"volumes\": -1}}");
        }
    }

    @Test
    void aContainerNamingAVolumeStillCreatingIsAcceptedAndRunsOnceTheVolumeIsReady() {
        // GIVEN a volume whose create the agent has not finished (it stopped dead after making the storage)
        String id = createdUpToTheStorage("still-creating");
        assertEquals("creating", volume(id).getString("status"));

        // WHEN a container names it at once (as Zun's clients do right after creating it) THEN it is accepted
        ZunHttp.Response run = api.post("/v1/containers?run=true", """
                {"image": "busybox", "command": ["sleep", "600"], "cpu": 0.1, "memory": 32,
                 "mounts": [{"source": "%s", "destination": "/data"}]}""".formatted(id));
        assertEquals(202, run.status(), run.body());
        String uuid = run.json().getString("uuid");

        // THEN once the (restarted) agent has the volume ready, the container runs with it and the volume is in-use
        Platforms.stopCompute(platform);
        Platforms.startCompute(platform, crash);
        Poll.until(WAIT, () -> api.get("/v1/containers/" + uuid).json().getString("status"), "Running"::equals,
                "the container to run once its volume is ready");
        awaitVolume(id, "in-use");
        assertEquals(204, api.delete("/v1/containers/" + uuid + "?stop=true").status());
        Poll.until(WAIT, () -> api.get("/v1/containers/" + uuid).status(), st -> st == 404, "the container to go");
        awaitVolume(id, "available");
        assertEquals(202, api.delete("/volume/v3/admin/volumes/" + id).status());
        awaitVolume(id, "gone");
    }

    @Test
    void badRequestsAnswerInTheirApisErrorShape() {
        String base = "/volume/v3/admin/volumes";
        ZunHttp.Response missing = api.get(base + "/" + UUID.randomUUID());
        assertEquals(404, missing.status());
        assertTrue(missing.json().getJsonObject("itemNotFound").getString("message").contains("could not be found"));
        for (String body : List.of("{\"volume\": {\"size\": 0}}", "{\"volume\": {\"size\": -1}}",
                "{\"volume\": {\"size\": 1.5}}", "{\"volume\": {\"size\": 1, \"snapshot_id\": \"x\"}}",
                "{\"volume\": {\"size\": 1, \"bogus\": 1}}", "{\"nothing\": 1}", "not json")) {
            ZunHttp.Response r = api.post(base, body);
            assertEquals(400, r.status(), body + " -> " + r.body());
            assertEquals(400, r.json().getJsonObject("badRequest").getInteger("code"), r.body());
        }
        ZunHttp.Response noSuch = api.post("/v1/containers", """
                {"image": "busybox", "mounts": [{"source": "no-such-volume", "destination": "/data"}]}""");
        assertEquals(404, noSuch.status(), noSuch.body());
        assertTrue(noSuch.json().getJsonArray("errors").getJsonObject(0).getString("detail")
                .contains("could not be found"), noSuch.body());
        ZunHttp.Response notBase64 = api.post("/v1/containers", """
                {"image": "busybox", "mounts": [{"type": "bind", "source": "%%%", "destination": "/f"}]}""");
        assertEquals(400, notBase64.status(), notBase64.body());
        ZunHttp.Response reserved = api.post("/v1/containers", """
                {"image": "busybox", "hints": {"zunvx:volume-hosts": "elsewhere"}}""");
        assertEquals(400, reserved.status(), reserved.body());
        assertEquals(0, rows("name = 'no-such-volume' OR (auto_remove AND host IS NULL)"));
    }

    private static String projectId() {
        return platform.platform().pool().query("SELECT id FROM projects WHERE name = 'admin'").execute().await()
                .iterator().next().getValue("id").toString();
    }
}
