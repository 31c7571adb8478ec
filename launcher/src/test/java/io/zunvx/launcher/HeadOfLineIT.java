package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Commands never wait for another container's command: while project A's stop of a container that ignores SIGTERM
 * runs out its 30 s timeout, project B's containers on the same host are created, started, exec'd into, stopped and
 * deleted at the pace they have on an idle host.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class HeadOfLineIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int CYCLES = 1;

    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp a;
    static ZunHttp b;

    @BeforeAll
    static void start() {
        platform = Platforms.start(data, CrashPoints.NONE, Map.of());
        ZunHttp admin = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        a = admin.withToken(Platforms.token(platform, "user-a", "hol-a-" + suffix(), List.of("member")));
        b = admin.withToken(Platforms.token(platform, "user-b", "hol-b-" + suffix(), List.of("member")));
    }

    @AfterAll
    static void stop() {
        Platforms.stop(platform);
    }

    @Test
    void aSlowStopOfOneProjectDoesNotHoldAnotherProjectsCommands() {
        // GIVEN project A's running busybox sleep (PID 1 without a TERM handler: a stop waits its whole timeout)
        String slow = create(a, "\"command\": [\"sleep\", \"3600\"]", true);
        awaitStatus(a, slow, "Running");

        // AND the time project B's create/start/exec/stop/delete cycles take on the idle host
        long idleNanos = cycles();

        // WHEN A stops its container with a 30 s timeout
        ZunHttp.Response stopping = a.post("/v1/containers/" + slow + "/stop?timeout=30", null);
        assertEquals(202, stopping.status(), stopping.body());
        Poll.until(WAIT, () -> show(a, slow), c -> "container_stopping".equals(c.getString("task_state")),
                "A stopping");

        // THEN B's same cycles all finish while A's stop is still under way
        long busyNanos = cycles();
        JsonObject slowNow = show(a, slow);
        System.out.printf("B's %d cycles: idle %d ms, during A's 30 s stop %d ms; A then: %s / %s%n", CYCLES,
                idleNanos / 1_000_000, busyNanos / 1_000_000, slowNow.getString("status"),
                slowNow.getString("task_state"));
        assertEquals("container_stopping", slowNow.getString("task_state"),
                "B's commands finished only after A's stop");
        assertNotEquals("Stopped", slowNow.getString("status"));
        // The two durations are printed for the record, not asserted: speed is measured by benchmarks.

        // AND A's stop completes on its own (Docker kills the sleep when the timeout runs out)
        awaitStatus(a, slow, "Stopped");
    }

    /** Project B's create, start, exec, stop and delete, {@link #CYCLES} times; returns the nanoseconds taken. */
    private static long cycles() {
        long t0 = System.nanoTime();
        for (int i = 0; i < CYCLES; i++) {
            String uuid = create(b, "\"command\": [\"sleep\", \"3600\"]", false);
            awaitStatus(b, uuid, "Created");
            assertEquals(202, b.post("/v1/containers/" + uuid + "/start", null).status());
            awaitStatus(b, uuid, "Running");
            ZunHttp.Response exec = b.post("/v1/containers/" + uuid + "/execute?run=true&command=echo+hol", null);
            assertEquals(200, exec.status(), exec.body());
            assertTrue(exec.body().contains("hol"), exec.body());
            assertEquals(202, b.post("/v1/containers/" + uuid + "/stop?timeout=0", null).status());
            awaitStatus(b, uuid, "Stopped");
            assertEquals(204, b.delete("/v1/containers/" + uuid).status());
            Poll.until(WAIT, () -> b.get("/v1/containers/" + uuid).status(), s -> s == 404, uuid + " deleted");
        }
        return System.nanoTime() - t0;
    }

    private static String create(ZunHttp client, String fields, boolean run) {
        String body = "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 32, \"name\": \"hol-" + suffix() + "\", "
                + fields + "}";
        ZunHttp.Response r = client.post("/v1/containers" + (run ? "?run=true" : ""), body);
        assertEquals(202, r.status(), r.body());
        return r.json().getString("uuid");
    }

    private static JsonObject show(ZunHttp client, String uuid) {
        ZunHttp.Response r = client.get("/v1/containers/" + uuid);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private static void awaitStatus(ZunHttp client, String uuid, String status) {
        Poll.until(WAIT, () -> show(client, uuid),
                c -> status.equals(c.getString("status")) && c.getValue("task_state") == null,
                uuid + " to be " + status);
    }

    private static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }
}
