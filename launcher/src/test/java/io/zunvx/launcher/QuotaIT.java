package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Quotas and quota classes (reference §3.8, §7.1) on the real platform, exact under concurrency. */
class QuotaIT {
    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp admin;
    static String host;

    @BeforeAll
    static void start() {
        platform = Platforms.start(data, CrashPoints.NONE, Map.of("ZUNVX_QUOTA_CONTAINERS", "40"));
        admin = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        host = platform.platform().config().compute().hostName();
    }

    @AfterAll
    static void stop() {
        Platforms.stop(platform);
    }

    private static ZunHttp member(String project) {
        return admin.withToken(Platforms.token(platform, "user-" + project, project, List.of("member")));
    }

    private static ZunHttp.Response put(ZunHttp who, String path, String body) {
        return who.put(path, body);
    }

    @Test
    void defaultsAndOverridesAreReportedInZunsShapes() {
        String project = "qp-" + UUID.randomUUID().toString().substring(0, 8);
        Platforms.project(platform, project);
        JsonObject q = admin.get("/v1/quotas/" + project).json();
        assertEquals(new JsonObject().put("containers", 40).put("cpu", 20).put("memory", 51200).put("disk", 100), q);
        assertEquals(q, admin.get("/v1/quotas/" + project + "/defaults").json());

        ZunHttp.Response updated = put(admin, "/v1/quotas/" + project, "{\"cpu\": 5, \"memory\": \"100\"}");
        assertEquals(200, updated.status(), updated.body());
        assertEquals(5, updated.json().getInteger("cpu"));
        assertEquals(100, updated.json().getInteger("memory"));
        assertEquals(40, updated.json().getInteger("containers"));

        JsonObject usages = member(project).get("/v1/quotas/" + project + "?usages=True").json();
        assertEquals(new JsonObject().put("limit", 5).put("in_use", 0.0), usages.getJsonObject("cpu"));
        assertEquals(0, usages.getJsonObject("containers").getInteger("in_use"));

        assertEquals(200, admin.delete("/v1/quotas/" + project).status());
        assertEquals(20, admin.get("/v1/quotas/" + project).json().getInteger("cpu"));
    }

    @Test
    void onlyAdminsChangeQuotasAndMembersSeeOnlyTheirOwn() {
        String project = "qm-" + UUID.randomUUID().toString().substring(0, 8);
        Platforms.project(platform, project);
        ZunHttp m = member(project);
        ZunHttp.Response denied = put(m, "/v1/quotas/" + project, "{\"containers\": 100}");
        assertEquals(403, denied.status());
        assertTrue(denied.body().contains("container.policy-not-authorized"), denied.body());
        assertEquals(200, m.get("/v1/quotas/" + project).status());
        assertEquals(403, m.get("/v1/quotas/another-project").status());
        assertEquals(403, m.get("/v1/quota_classes/default").status());
    }

    @Test
    void badBodiesAndOldVersionsAreRefused() {
        assertEquals(400, put(admin, "/v1/quotas/x", "{\"containers\": -2}").status());
        assertEquals(400, put(admin, "/v1/quotas/x", "{\"gpus\": 1}").status());
        assertEquals(400, put(admin, "/v1/quotas/x", "{\"cpu\": \"lots\"}").status());
        assertEquals(406, admin.withVersion("1.25").get("/v1/quotas/x").status());
    }

    @Test
    void quotaClassDefaultAppliesToProjectsWithoutOverrides() {
        ZunHttp.Response r = put(admin, "/v1/quota_classes/gold", "{\"containers\": 7}");
        assertEquals(200, r.status(), r.body());
        assertEquals(7, admin.get("/v1/quota_classes/gold").json().getInteger("containers"));
        assertEquals(40, admin.get("/v1/quota_classes/silver").json().getInteger("containers"),
                "a class without values shows the configured defaults");
    }

    @Test
    void fiftyParallelCreatesAgainstAQuotaOfTenCreateExactlyTen() throws Exception {
        // GIVEN a project limited to 10 containers
        String project = "qc-" + UUID.randomUUID().toString().substring(0, 8);
        Platforms.project(platform, project);
        assertEquals(200, put(admin, "/v1/quotas/" + project, "{\"containers\": 10}").status());
        ZunHttp m = member(project);

        // WHEN 50 creates race
        List<CompletableFuture<ZunHttp.Response>> all = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(50)) {
            for (int i = 0; i < 50; i++) {
                all.add(CompletableFuture.supplyAsync(() -> m.post("/v1/containers",
                        "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 32}"), pool));
            }
        }
        List<ZunHttp.Response> answers = all.stream().map(CompletableFuture::join).toList();

        // THEN exactly 10 were accepted, 40 refused as over quota, and usage equals what exists
        assertEquals(10, answers.stream().filter(r -> r.status() == 202).count());
        List<ZunHttp.Response> refused = answers.stream().filter(r -> r.status() == 403).toList();
        assertEquals(40, refused.size());
        refused.forEach(r -> assertTrue(r.body().contains("container.over-quota")
                && r.body().contains("Quota exceeded for resources: ['containers']"), r.body()));
        assertEquals(10, m.get("/v1/containers").json().getJsonArray("containers").size());
        JsonObject used = m.get("/v1/quotas/" + project + "?usages=True").json();
        assertEquals(new JsonObject().put("limit", 10).put("in_use", 10), used.getJsonObject("containers"));

        // AND deleting one gives its unit back
        String victim = answers.stream().filter(r -> r.status() == 202).findFirst().orElseThrow().json()
                .getString("uuid");
        Poll.until(Duration.ofSeconds(60), () -> m.get("/v1/containers/" + victim).json().getString("status"),
                s -> "Created".equals(s) || "Error".equals(s), "created");
        assertEquals(204, m.delete("/v1/containers/" + victim).status());
        Poll.until(Duration.ofSeconds(60), () -> m.get("/v1/containers/" + victim).status(), s -> s == 404, "gone");
        assertEquals(9, m.get("/v1/quotas/" + project + "?usages=True").json().getJsonObject("containers")
                .getInteger("in_use"));
        assertEquals(202, m.post("/v1/containers", "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 32}")
                .status());
    }

    @Test
    void cpuAndMemoryAreCountedToo() {
        String project = "qr-" + UUID.randomUUID().toString().substring(0, 8);
        Platforms.project(platform, project);
        assertEquals(200, put(admin, "/v1/quotas/" + project, "{\"memory\": 100}").status());
        ZunHttp m = member(project);
        assertEquals(202, m.post("/v1/containers", "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 64}")
                .status());
        ZunHttp.Response over = m.post("/v1/containers", "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 64}");
        assertEquals(403, over.status());
        assertTrue(over.body().contains("['memory']"), over.body());
    }
}
