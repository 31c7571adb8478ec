package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A compute agent killed half-way through a capsule's launch: the restarted agent finishes the capsule, with one
 * Docker container per container of it (no orphan, no duplicate), and its delete then removes everything.
 */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class CapsuleCrashIT {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp api;
    static final Crash crash = new Crash();

    /** When armed, blocks the agent right after its n-th Docker create from then on, as a killed process stops. */
    static final class Crash implements CrashPoints {
        final AtomicReference<CountDownLatch> armed = new AtomicReference<>();
        final AtomicInteger countdown = new AtomicInteger();
        final AtomicReference<CountDownLatch> armedOnRemove = new AtomicReference<>();

        @Override
        public void afterDockerRemove(String dockerId) {
            if (armedOnRemove.get() != null) {
                VolumesIT.Crash.stopHere(armedOnRemove);
            }
        }

        @Override
        public void afterDockerCreate(UUID uuid) {
            if (armed.get() != null && countdown.decrementAndGet() <= 0) {
                VolumesIT.Crash.stopHere(armed);
            }
        }
    }

    @BeforeAll
    static void start() {
        platform = Platforms.start(data, crash, Map.of());
        api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
    }

    @AfterAll
    static void stop() {
        Platforms.stop(platform);
    }

    private static JsonObject capsule(String name) {
        ZunHttp.Response r = api.get("/v1/capsules/" + name);
        return r.status() == 200 ? r.json() : new JsonObject().put("status", "HTTP " + r.status());
    }

    private static int dockerContainersLabelled(String uuid) {
        ZunCliIT.Cli r = ZunCliIT.cli("docker", Map.of(), "ps", "-a", "-q", "--filter", "label=zunvx.uuid=" + uuid);
        return (int) r.out().lines().filter(l -> !l.isBlank()).count();
    }

    @Test
    void anAgentKilledAfterRemovingTheFirstDockerContainerOfADeleteFinishesTheDeleteAfterItsRestart() {
        // GIVEN a running capsule of two containers
        String name = "crash-del-" + ZunCliIT.suffix();
        ZunHttp.Response created = api.post("/v1/capsules", new JsonObject().put("template", new JsonObject()
                .put("kind", "capsule").put("metadata", new JsonObject().put("name", name))
                .put("spec", new JsonObject().put("containers", List.of(
                        new JsonObject().put("image", "busybox").put("command", List.of("sleep", "600")),
                        new JsonObject().put("image", "busybox").put("command", List.of("sleep", "600"))))))
                .encode());
        assertEquals(202, created.status(), created.body());
        JsonObject running = Poll.until(WAIT, () -> capsule(name), c -> "Running".equals(c.getString("status")),
                name + " to run");
        String uuid = running.getString("uuid");
        List<String> all = new ArrayList<>(List.of(uuid));
        running.getJsonArray("containers").forEach(c -> all.add(((JsonObject) c).getString("uuid")));

        // WHEN its delete is under way and the agent stops dead right after the first Docker container went
        CountDownLatch reached = new CountDownLatch(1);
        crash.armedOnRemove.set(reached);
        assertEquals(204, api.delete("/v1/capsules/" + name).status());
        Poll.until(WAIT, reached::getCount, n -> n == 0, "the agent to reach the crash point");
        Platforms.stopCompute(platform);
        assertEquals(200, api.get("/v1/capsules/" + uuid).status(), "the capsule is still there, half-deleted");
        Platforms.startCompute(platform, crash);

        // THEN the restarted agent finishes it: the capsule and every Docker container of it are gone
        Poll.until(WAIT, () -> api.get("/v1/capsules/" + uuid).status(), s -> s == 404, "the capsule to go");
        for (String u : all) {
            Poll.until(WAIT, () -> dockerContainersLabelled(u), n -> n == 0, u + " to be removed from Docker");
        }
    }

    @Test
    void anAgentKilledAfterCreatingTheFirstMainContainerFinishesTheCapsuleOnceAfterItsRestart() {
        // GIVEN the agent will stop dead right after its second Docker create: the sandbox's, then the first
        // main container's
        String name = "crash-cap-" + ZunCliIT.suffix();
        CountDownLatch reached = new CountDownLatch(1);
        crash.countdown.set(2);
        crash.armed.set(reached);
        ZunHttp.Response created = api.post("/v1/capsules", new JsonObject().put("template", new JsonObject()
                .put("kind", "capsule").put("metadata", new JsonObject().put("name", name))
                .put("spec", new JsonObject().put("containers", List.of(
                        new JsonObject().put("image", "busybox").put("command", List.of("sleep", "600"))
                                .put("resources", new JsonObject().put("requests",
                                        new JsonObject().put("cpu", 0.1).put("memory", 16))),
                        new JsonObject().put("image", "busybox").put("command", List.of("sleep", "600"))
                                .put("resources", new JsonObject().put("requests",
                                        new JsonObject().put("cpu", 0.1).put("memory", 16)))))))
                .encode());
        assertEquals(202, created.status(), created.body());
        Poll.until(WAIT, reached::getCount, n -> n == 0, "the agent to reach the crash point");

        // WHEN it is killed there and started again
        Platforms.stopCompute(platform);
        assertEquals("Creating", capsule(name).getString("status"));
        Platforms.startCompute(platform, crash);

        // THEN the capsule runs, with exactly one Docker container per container of it
        JsonObject running = Poll.until(WAIT, () -> capsule(name), c -> "Running".equals(c.getString("status")),
                name + " to run");
        String uuid = running.getString("uuid");
        List<String> all = new ArrayList<>();
        all.add(uuid);
        JsonArray containers = running.getJsonArray("containers");
        for (int i = 0; i < containers.size(); i++) {
            all.add(containers.getJsonObject(i).getString("uuid"));
        }
        for (String u : all) {
            assertEquals(1, dockerContainersLabelled(u), u);
        }

        // AND its delete removes all of them
        assertEquals(204, api.delete("/v1/capsules/" + name).status());
        Poll.until(WAIT, () -> api.get("/v1/capsules/" + uuid).status(), s -> s == 404, "the capsule to go");
        for (String u : all) {
            Poll.until(WAIT, () -> dockerContainersLabelled(u), n -> n == 0, u + " to be removed from Docker");
        }
    }
}
