package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Hosts, services and availability zones (reference §3.6, §3.7, §3.10) on the real platform. */
class HostsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp admin;
    static ZunHttp member;
    static String host;

    @BeforeAll
    static void start() {
        // The host misses twenty heartbeats before it counts as down, however busy the machine: it goes down only
        // when a test stops its agent.
        platform = Platforms.start(data, CrashPoints.NONE, Map.of("ZUNVX_SERVICE_DOWN_TIME", "20s",
                "ZUNVX_COMPUTE_HEARTBEAT", "1s", "ZUNVX_COMPUTE_AVAILABILITY_ZONE", "zone-a"));
        admin = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        member = admin.withToken(Platforms.token(platform, "u-hosts", "p-hosts", List.of("member")));
        host = platform.platform().config().compute().hostName();
    }

    @AfterAll
    static void stop() {
        Platforms.stop(platform);
    }

    @Test
    void hostsAreListedAndShownForAdminsOnly() {
        JsonObject list = admin.get("/v1/hosts").json();
        JsonArray hosts = list.getJsonArray("hosts");
        assertEquals(1, hosts.size());
        JsonObject h = hosts.getJsonObject(0);
        assertEquals(host, h.getString("hostname"));
        for (String k : List.of("uuid", "links", "mem_total", "mem_used", "cpus", "cpu_used", "disk_total",
                "disk_used", "total_containers", "architecture", "os_type", "os", "kernel_version", "labels",
                "disk_quota_supported", "runtimes", "enable_cpu_pinning")) {
            assertTrue(h.containsKey(k), k);
        }
        assertTrue(h.getInteger("cpus") > 0 && h.getLong("mem_total") > 0);
        assertEquals(host, admin.get("/v1/hosts/" + h.getString("uuid")).json().getString("hostname"));
        assertEquals(h.getString("uuid"), admin.get("/v1/hosts/" + host).json().getString("uuid"));
        assertEquals(404, admin.get("/v1/hosts/nowhere").status());
        assertEquals(406, admin.withVersion("1.3").get("/v1/hosts").status());
        assertEquals(403, member.get("/v1/hosts").status());
        assertEquals(400, admin.get("/v1/hosts?sort_key=colour").status());
    }

    @Test
    void servicesAndZonesAreReported() {
        JsonObject svc = findService();
        assertEquals("up", svc.getString("state"));
        assertEquals("zone-a", svc.getString("availability_zone"));
        assertTrue(svc.getLong("report_count") >= 1);
        assertEquals(403, member.get("/v1/services").status());
        JsonArray zones = member.get("/v1/availability_zones").json().getJsonArray("availability_zones");
        assertEquals(new JsonArray().add(new JsonObject().put("availability_zone", "zone-a")), zones);
    }

    @Test
    void disabledHostReceivesNoContainersUntilEnabledAgain() {
        // GIVEN the only host is disabled
        ZunHttp.Response d = admin.put("/v1/services/disable?host=" + host + "&binary=zun-compute"
                + "&disabled_reason=maintenance", "");
        assertEquals(200, d.status(), d.body());
        assertEquals(new JsonObject().put("host", host).put("binary", "zun-compute").put("disabled", true)
                .put("disabled_reason", "maintenance"), d.json().getJsonObject("service"));
        try {
            // WHEN a container is created THEN placement fails naming the filter
            String uuid = admin.post("/v1/containers", "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 32}")
                    .json().getString("uuid");
            JsonObject c = Poll.until(WAIT, () -> admin.get("/v1/containers/" + uuid).json(),
                    x -> "Error".equals(x.getString("status")), "no valid host");
            assertTrue(c.getString("status_reason").contains("ServiceEnabledFilter"), c.getString("status_reason"));
        } finally {
            assertEquals(200, admin.put("/v1/services/enable?host=" + host + "&binary=zun-compute", "").status());
        }
        // AND once enabled it receives work again
        String uuid = admin.post("/v1/containers", "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 32}")
                .json().getString("uuid");
        Poll.until(WAIT, () -> admin.get("/v1/containers/" + uuid).json().getString("status"), "Created"::equals,
                "placed again");
    }

    @Test
    void silentHostGoesDownItsContainersTurnUnknownAndComeBack() {
        // GIVEN a running container on the host
        String uuid = admin.post("/v1/containers?run=true", """
                {"image": "busybox", "cpu": 0.1, "memory": 32, "command": ["sleep", "300"]}""")
                .json().getString("uuid");
        Poll.until(WAIT, () -> admin.get("/v1/containers/" + uuid).json().getString("status"), "Running"::equals,
                "Running");
        // WHEN the agent stops heartbeating
        Platforms.stopCompute(platform);
        try {
            // THEN the service is down and the container Unknown
            Poll.until(WAIT, () -> findService().getString("state"), "down"::equals, "service down");
            Poll.until(WAIT, () -> admin.get("/v1/containers/" + uuid).json().getString("status"),
                    "Unknown"::equals, "Unknown");
        } finally {
            Platforms.startCompute(platform, CrashPoints.NONE);
        }
        // AND when it comes back the container returns to its true status
        Poll.until(WAIT, () -> findService().getString("state"), "up"::equals, "service up");
        Poll.until(WAIT, () -> admin.get("/v1/containers/" + uuid).json().getString("status"), "Running"::equals,
                "Running again");
    }

    @Test
    void forceDownAndDeleteAnswerInZunsShapes() {
        ZunHttp.Response f = admin.put("/v1/services/force_down?host=" + host + "&binary=zun-compute&forced_down=True",
                "");
        assertEquals(200, f.status(), f.body());
        assertEquals(true, f.json().getJsonObject("service").getBoolean("forced_down"));
        assertEquals("down", findService().getString("state"));
        assertEquals(200, admin.put("/v1/services/force_down?host=" + host + "&binary=zun-compute&forced_down=False",
                "").status());
        assertEquals(404, admin.put("/v1/services/disable?host=ghost&binary=zun-compute", "").status());
        assertTrue(admin.put("/v1/services/disable?host=ghost&binary=zun-compute", "").body()
                .contains("Zun service zun-compute on host ghost could not be found."));
        assertEquals(400, admin.put("/v1/services/enable?host=" + host + "&binary=zun-compute&colour=red", "")
                .status());
        assertEquals(404, admin.delete("/v1/services?host=ghost&binary=zun-compute").status());
    }

    private static JsonObject findService() {
        JsonArray all = admin.get("/v1/services").json().getJsonArray("services");
        for (int i = 0; i < all.size(); i++) {
            JsonObject s = all.getJsonObject(i);
            if (host.equals(s.getString("host")) && "zun-compute".equals(s.getString("binary"))) {
                return s;
            }
        }
        throw new AssertionError("no zun-compute service for " + host + " in " + all.encode());
    }
}
