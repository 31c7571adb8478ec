package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cpu_policy dedicated: a container gets host CPUs of its own (Docker's cpuset), no two containers ever share one, a
 * host without free pinnable CPUs is filtered out, and deleting a container frees its CPUs.
 */
class PinningIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp api;
    static String host;
    static int cpus;

    @BeforeAll
    static void start() {
        platform = Platforms.start(data, CrashPoints.NONE, Map.of("ZUNVX_COMPUTE_CPU_PINNING", "true",
                "ZUNVX_COMPUTE_LABELS", "disk=ssd,rack=r1"));
        api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        host = platform.platform().config().compute().hostName();
        cpus = api.get("/v1/hosts/" + host).json().getInteger("cpus");
    }

    @AfterAll
    static void stop() {
        Platforms.stop(platform);
    }

    private static String dedicated(String name) {
        ZunHttp.Response r = api.post("/v1/containers?run=true", "{\"image\": \"busybox\", \"name\": \"" + name
                + "\", \"cpu\": 1, \"memory\": 32, \"cpu_policy\": \"dedicated\", \"command\": [\"sleep\", \"300\"]}");
        assertEquals(202, r.status(), r.body());
        return r.json().getString("uuid");
    }

    private static JsonObject settle(String uuid) {
        return Poll.until(WAIT, () -> api.get("/v1/containers/" + uuid).json(),
                x -> "Running".equals(x.getString("status")) || "Error".equals(x.getString("status")), "settled");
    }

    private static String cpuset(String uuid) {
        String engine = platform.platform().config().compute().dockerHost();
        var cfg = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(engine).build();
        try (DockerClient docker = DockerClientImpl.getInstance(cfg, new ApacheDockerHttpClient.Builder()
                .dockerHost(URI.create(engine)).build())) {
            return docker.inspectContainerCmd("zun-" + uuid).exec().getHostConfig().getCpusetCpus();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void dedicatedContainersGetCpusOfTheirOwnUntilNoneAreLeft() {
        JsonObject h = api.get("/v1/hosts/" + host).json();
        assertEquals(true, h.getBoolean("enable_cpu_pinning"));
        assertEquals(new JsonObject().put("disk", "ssd").put("rack", "r1"), h.getJsonObject("labels"));

        // GIVEN as many dedicated one-CPU containers as the host has CPUs
        String[] uuids = new String[cpus];
        java.util.Set<String> sets = new java.util.HashSet<>();
        for (int i = 0; i < cpus; i++) {
            uuids[i] = dedicated("pinned-" + i);
        }
        // THEN each runs pinned to a CPU of its own
        for (String uuid : uuids) {
            assertEquals("Running", settle(uuid).getString("status"));
            String set = cpuset(uuid);
            assertTrue(set != null && set.matches("[0-9]+"), "cpuset " + set);
            sets.add(set);
        }
        assertEquals(cpus, sets.size(), "no CPU is shared: " + sets);

        // WHEN one more asks THEN no host has a free CPU for it
        String extra = dedicated("pinned-extra");
        JsonObject refused = settle(extra);
        assertEquals("Error", refused.getString("status"));
        assertTrue(refused.getString("status_reason").contains("CpuPinningFilter"),
                refused.getString("status_reason"));
        assertEquals(204, api.delete("/v1/containers/" + extra).status());

        // WHEN a pinned container is deleted THEN its CPU goes to the next one
        String freed = cpuset(uuids[0]);
        assertEquals(204, api.delete("/v1/containers/" + uuids[0] + "?stop=true").status());
        Poll.until(WAIT, () -> api.get("/v1/containers/" + uuids[0]).status(), s -> s == 404, "deleted");
        String next = dedicated("pinned-next");
        assertEquals("Running", settle(next).getString("status"));
        assertEquals(freed, cpuset(next));

        // AND a shared container is not pinned: Docker has no cpuset for it at all
        ZunHttp.Response shared = api.post("/v1/containers?run=true", """
                {"image": "busybox", "cpu": 0.1, "memory": 32, "command": ["sleep", "300"]}""");
        assertEquals(202, shared.status(), shared.body());
        String sharedUuid = shared.json().getString("uuid");
        assertEquals("Running", settle(sharedUuid).getString("status"));
        assertEquals("", cpuset(sharedUuid));
    }

    @Test
    void labelHintsSelectHostsByTheirLabels() {
        ZunHttp.Response ok = api.post("/v1/containers", """
                {"image": "busybox", "cpu": 0.1, "memory": 32, "hints": {"label:disk": "ssd"}}""");
        assertEquals(202, ok.status(), ok.body());
        Poll.until(WAIT, () -> api.get("/v1/containers/" + ok.json().getString("uuid")).json().getString("status"),
                "Created"::equals, "placed on the ssd host");
        ZunHttp.Response no = api.post("/v1/containers", """
                {"image": "busybox", "cpu": 0.1, "memory": 32, "hints": {"label:disk": "tape"}}""");
        JsonObject refused = Poll.until(WAIT, () -> api.get("/v1/containers/" + no.json().getString("uuid")).json(),
                x -> "Error".equals(x.getString("status")), "no host with tape");
        assertTrue(refused.getString("status_reason").contains("LabelFilter"), refused.getString("status_reason"));
    }
}
