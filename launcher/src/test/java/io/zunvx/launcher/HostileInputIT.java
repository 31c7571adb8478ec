package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The hostile inputs that once answered 500, each a named regression: NUL characters in paths, queries and every
 * kind of body field, logs {@code tail} outside its range, put_archive data that is no tar or a tar writing through
 * a symlink; and the loose edges: non-JSON bodies (415), quotas of projects that do not exist, projects with a
 * made-up parent. Every answer is a 4xx in the error shape of the service the path belongs to.
 */
@Timeout(600)
class HostileInputIT extends ActionsBaseIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    static ZunHttp.Response raw(String method, String path, String contentType, String body) {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.apiPort() + path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .header("X-Auth-Token", platform.adminToken())
                .header("OpenStack-API-Version", "container 1.40")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (contentType != null) {
            b.header("Content-Type", contentType);
        }
        try {
            var r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return new ZunHttp.Response(r.statusCode(), r.body(), r);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void zunError(ZunHttp.Response r, int status) {
        assertEquals(status, r.status(), r.body());
        JsonObject e = r.json().getJsonArray("errors").getJsonObject(0);
        assertEquals(status, e.getInteger("status"), r.body());
    }

    private static void keystoneError(ZunHttp.Response r, int status) {
        assertEquals(status, r.status(), r.body());
        assertEquals(status, r.json().getJsonObject("error").getInteger("code"), r.body());
    }

    private static void glanceError(ZunHttp.Response r, int status) {
        assertEquals(status, r.status(), r.body());
        assertTrue(r.body().contains(String.valueOf(status)), r.body());
    }

    private static String container(String fields) {
        return "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 32, \"name\": \"" + uniqueName("hostile") + "\", "
                + fields + "}";
    }

    private static long containerRows() {
        return api.get("/v1/containers?all_projects=1").json().getJsonArray("containers").size();
    }

    // ---- NUL -------------------------------------------------------------------------------------------------------

    @Test
    void nulInAPathIsA400() {
        zunError(raw("GET", "/v1/containers/abc%00def", null, null), 400);
        zunError(raw("DELETE", "/v1/containers/abc%00", null, null), 400);
        keystoneError(raw("GET", "/identity/v3/users/x%00y", null, null), 400);
        glanceError(raw("GET", "/image/v2/images/x%00y", null, null), 400);
    }

    @Test
    void nulInANameQueryIsA400() {
        zunError(raw("GET", "/v1/containers?name=a%00b", null, null), 400);
        keystoneError(raw("GET", "/identity/v3/users?name=a%00b", null, null), 400);
        keystoneError(raw("GET", "/identity/v3/projects?name=%00", null, null), 400);
    }

    @Test
    void nulInContainerFieldsIsA400AndCreatesNothing() {
        long before = containerRows();
        for (String fields : new String[] {
                "\"environment\": {\"A\": \"x\\u0000y\"}",
                "\"environment\": {\"A\\u0000\": \"x\"}",
                "\"labels\": {\"k\": \"\\u0000\"}",
                "\"workdir\": \"/tmp\\u0000\"",
                "\"command\": [\"echo\", \"a\\u0000b\"]",
                "\"command\": \"echo a\\u0000b\""}) {
            zunError(api.post("/v1/containers", container(fields)), 400);
        }
        zunError(api.post("/v1/containers", "{\"image\": \"busy\\u0000box\", \"cpu\": 0.1, \"memory\": 32}"), 400);
        zunError(api.post("/v1/containers", container("\"labels\": {\"k\": \"\\ud800\"}")), 400);
        assertEquals(before, containerRows());
    }

    @Test
    void nulInARegistryUsernameIsA400() {
        zunError(api.post("/v1/registries", "{\"registry\": {\"name\": \"" + uniqueName("reg")
                + "\", \"domain\": \"127.0.0.1:5999\", \"username\": \"a\\u0000b\", \"password\": \"p\"}}"), 400);
    }

    @Test
    void nulInAnImageNameIsA400() {
        zunError(api.post("/v1/images", "{\"repo\": \"busy\\u0000box\"}"), 400);
        glanceError(raw("POST", "/image/v2/images", "application/json",
                "{\"name\": \"a\\u0000\", \"container_format\": \"docker\", \"disk_format\": \"raw\"}"), 400);
    }

    @Test
    void nulInIdentityNamesIsA400() {
        keystoneError(raw("POST", "/identity/v3/users", "application/json",
                "{\"user\": {\"name\": \"eve\\u0000\", \"password\": \"secret-secret\"}}"), 400);
        keystoneError(raw("POST", "/identity/v3/projects", "application/json",
                "{\"project\": {\"name\": \"p\\u0000\"}}"), 400);
        keystoneError(raw("POST", "/identity/v3/auth/tokens", "application/json",
                "{\"auth\": {\"identity\": {\"methods\": [\"password\"], \"password\": {\"user\": {\"name\":"
                        + " \"admin\\u0000\", \"domain\": {\"id\": \"default\"}, \"password\": \"x\"}}}}}"), 400);
    }

    @Test
    void nulInADisabledReasonIsA400() {
        String host = platform.platform().config().compute().hostName();
        zunError(raw("PUT", "/v1/services/disable?host=" + host + "&binary=zun-compute&disabled_reason=a%00b",
                null, null), 400);
    }

    // ---- logs ----------------------------------------------------------------------------------------------------

    @Test
    void logsTailOutsideItsRangeIsA400() {
        String uuid = create(api, "\"command\": [\"echo\", \"hi\"]", true);
        awaitStatus(uuid, "Stopped");
        for (String tail : new String[] {"99999999999999999999999999", "-1", "abc", "1000001"}) {
            zunError(api.get("/v1/containers/" + uuid + "/logs?tail=" + tail), 400);
        }
        assertEquals(200, api.get("/v1/containers/" + uuid + "/logs?tail=all").status());
        assertEquals(200, api.get("/v1/containers/" + uuid + "/logs?tail=5").status());
        zunError(api.get("/v1/containers/" + uuid + "/logs?tail=%00"), 400);
    }

    // ---- put_archive ---------------------------------------------------------------------------------------------

    @Test
    void putArchiveOfSomethingThatIsNoTarIsA400() {
        String uuid = sleeper("");
        String notTar = Base64.getEncoder().encodeToString("this is no tar archive at all".repeat(40)
                .getBytes(StandardCharsets.UTF_8));
        zunError(api.post("/v1/containers/" + uuid + "/put_archive?path=/tmp",
                "{\"data\": \"" + notTar + "\"}"), 400);
        zunError(api.post("/v1/containers/" + uuid + "/put_archive?path=/tmp%00",
                "{\"data\": \"" + Base64.getEncoder().encodeToString(tar(java.util.Map.of("a", "b"))) + "\"}"),
                400);
    }

    @Test
    void putArchiveWritingThroughASymlinkIsA400() {
        String uuid = sleeper("");
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        tarEntry(out, "escape", '2', "/etc", new byte[0]);
        tarEntry(out, "escape/owned", '0', "", "owned\n".getBytes(StandardCharsets.UTF_8));
        out.writeBytes(new byte[1024]);
        zunError(api.post("/v1/containers/" + uuid + "/put_archive?path=/tmp",
                "{\"data\": \"" + Base64.getEncoder().encodeToString(out.toByteArray()) + "\"}"), 400);
        JsonObject cat = api.post("/v1/containers/" + uuid + "/execute?run=true&command="
                + "ls%20/etc/owned", null).json();
        assertTrue(cat.getInteger("exit_code") != 0, cat.encode());
    }

    // ---- bounded containers ----------------------------------------------------------------------------------------

    @Test
    void containersGetAPidsLimitAndRotatedLogs() {
        String uuid = create(api, "", false);
        awaitStatus(uuid, "Created");
        var host = dockerContainer(uuid).getHostConfig();
        assertEquals(1024L, host.getPidsLimit());
        assertEquals("json-file", host.getLogConfig().getType().getType());
        assertEquals("10m", host.getLogConfig().getConfig().get("max-size"));
        assertEquals("3", host.getLogConfig().getConfig().get("max-file"));
    }

    // ---- content types -------------------------------------------------------------------------------------------

    @Test
    void bodiesThatAreNotJsonAre415() {
        String uuid = create(api, "", false);
        zunError(raw("PATCH", "/v1/containers/" + uuid, "text/plain", "{\"name\": \"x\"}"), 415);
        zunError(raw("PUT", "/v1/quotas/" + adminProject(), "text/plain", "{\"containers\": 5}"), 415);
        zunError(raw("POST", "/v1/containers", "text/plain", container("")), 415);
        glanceError(raw("POST", "/image/v2/images", "text/plain", "{\"name\": \"x\"}"), 415);
        keystoneError(raw("POST", "/identity/v3/users", "text/plain",
                "{\"user\": {\"name\": \"u\", \"password\": \"secret-secret\"}}"), 415);
        keystoneError(raw("POST", "/identity/v3/projects", "text/plain", "{\"project\": {\"name\": \"p\"}}"), 415);
        keystoneError(raw("POST", "/identity/v3/projects", null, "{\"project\": {\"name\": \"p\"}}"), 415);
        assertEquals(415, raw("POST", "/network/v2.0/networks", "text/plain", "{\"network\": {}}").status());
        assertEquals(415, raw("POST", "/volume/v3/volumes", "text/plain", "{\"volume\": {\"size\": 1}}").status());
    }

    // ---- projects and quotas -------------------------------------------------------------------------------------

    @Test
    void quotaOfAProjectThatDoesNotExistIsA404() {
        zunError(api.put("/v1/quotas/" + UUID.randomUUID().toString().replace("-", ""), "{\"containers\": 5}"), 404);
        assertEquals(200, api.put("/v1/quotas/" + adminProject(), "{\"containers\": 40}").status());
    }

    @Test
    void aProjectWithAMadeUpParentIsA400() {
        String name = uniqueName("child");
        keystoneError(raw("POST", "/identity/v3/projects", "application/json",
                "{\"project\": {\"name\": \"" + name + "\", \"parent_id\": \"garbage\"}}"), 400);
        assertEquals(0, api.get("/identity/v3/projects?name=" + name).json().getJsonArray("projects").size());
        assertEquals(201, raw("POST", "/identity/v3/projects", "application/json",
                "{\"project\": {\"name\": \"" + name + "\", \"parent_id\": \"default\"}}").status());
    }

    private static String adminProject() {
        return platform.bootstrap().projectId();
    }
}
