package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The synchronous container actions through the HTTP API on the real all-in-one, which reach Docker through the
 * compute host's internal endpoint: execute (with and without run), execute_resize, resize, top, stats, get_archive,
 * put_archive; and the ones the API answers itself: network_list and attach.
 */
class ActionsSyncIT extends ActionsBaseIT {
    /**
     * Long enough for any command of these tests on a loaded machine, short enough for the timeout test to wait out;
     * the command that must time out never ends by itself.
     */
    private static final String EXECUTE_TIMEOUT = "15s";

    @BeforeAll
    static void startPlatform() throws IOException {
        startPlatform(Map.of("ZUNVX_COMPUTE_EXECUTE_TIMEOUT", EXECUTE_TIMEOUT));
    }

    private static String q(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    // ---- execute --------------------------------------------------------------------------------------------------

    @Test
    void executeRunsTheCommandAndAnswersItsOutputAndExitCode() {
        String uuid = sleeper("");

        ZunHttp.Response r = api.post("/v1/containers/" + uuid + "/execute?command=" + q("\"echo\" \"hello world\""),
                null);
        assertEquals(200, r.status(), r.body());
        assertEquals(new JsonObject().put("output", "hello world\n").put("exit_code", 0).putNull("exec_id")
                .putNull("proxy_url"), r.json());

        ZunHttp.Response failing = api.post("/v1/containers/" + uuid + "/execute?run=True&command="
                + q("sh -c 'echo oops >&2; exit 3'"), null);
        assertEquals(200, failing.status(), failing.body());
        assertEquals("oops\n", failing.json().getString("output"));
        assertEquals(3, failing.json().getInteger("exit_code"));
    }

    @Test
    void interactiveExecWithoutRunRecordsTheExecInstanceAndAnswersAProxyUrl() throws Exception {
        String uuid = sleeper("");

        ZunHttp.Response r = api.post("/v1/containers/" + uuid + "/execute?command=%22sh%22&interactive=True&run=False",
                null);

        assertEquals(200, r.status(), r.body());
        JsonObject body = r.json();
        assertNull(body.getValue("output"));
        assertNull(body.getValue("exit_code"));
        String execId = body.getString("exec_id");
        assertTrue(execId.matches("[0-9a-f]{64}"), execId);
        String url = body.getString("proxy_url");
        String base = platform.platform().config().proxy().baseUrl();
        assertTrue(url.startsWith(base + "?token="), url);
        assertTrue(url.endsWith("&uuid=" + uuid + "&exec_id=" + execId), url);
        String token = url.substring((base + "?token=").length(), url.indexOf("&uuid="));

        // AND the exec instance and the token's hash (never the token) are stored, the token expiring
        Row exec = one("SELECT * FROM exec_instances WHERE exec_id = $1", execId);
        assertEquals(UUID.fromString(uuid), exec.getUUID("container_uuid"));
        assertTrue(exec.getBoolean("tty"));
        Row stored = one("SELECT * FROM websocket_tokens WHERE exec_id = $1", execId);
        assertEquals(sha256(token), stored.getString("token_hash"));
        assertTrue(stored.getOffsetDateTime("expires_at").isAfter(stored.getOffsetDateTime("created_at")));

        // AND its terminal can be resized (200 null) while execute_resize checks what it is given
        ZunHttp.Response resized = api.post("/v1/containers/" + uuid + "/execute_resize?exec_id=" + execId
                + "&w=120&h=40", null);
        assertEquals(200, resized.status(), resized.body());
        assertEquals("null", resized.body());
        assertZunError(api.post("/v1/containers/" + uuid + "/execute_resize?exec_id=abc&w=1&h=1", null), 400,
                "container.schema-validation-error",
                "Invalid input for query parameters 'exec_id'. Value: 'abc'. 'abc' is too short");
        assertZunError(api.post("/v1/containers/" + uuid + "/execute_resize?exec_id=" + execId + "&w=0&h=1", null),
                400, "container.schema-validation-error",
                "Invalid input for query parameters 'w'. Value: '0'. 0 is less than the minimum of 1");
        String unknown = "0".repeat(64);
        JsonObject e = assertZunError(api.post("/v1/containers/" + uuid + "/execute_resize?exec_id=" + unknown
                + "&w=1&h=1", null), 400, "container.invalid-value", null);
        assertTrue(e.getString("title").startsWith("no such exec instance: "), e.encode());
    }

    @Test
    void executeIsValidatedAndNeedsARunningContainer() {
        String uuid = sleeper("");
        assertZunError(api.post("/v1/containers/" + uuid + "/execute", null), 400,
                "container.schema-validation-error", "'command' is a required property");
        assertZunError(api.post("/v1/containers/" + uuid + "/execute?command=", null), 400,
                "container.schema-validation-error",
                "Invalid input for query parameters 'command'. Value: ''. '' is too short");
        assertZunError(api.post("/v1/containers/" + uuid + "/execute?command=ls&run=maybe", null), 400,
                "container.schema-validation-error",
                "Invalid input for query parameters 'run'. Value: 'maybe'. 'maybe' is not one of [True, 'True', "
                        + "'true', False, 'False', 'false']");
        assertZunError(api.post("/v1/containers/" + uuid + "/execute?command=ls&tty=1", null), 400,
                "container.schema-validation-error", "Additional properties are not allowed ('tty' was unexpected)");
        assertZunError(api.post("/v1/containers/" + UUID.randomUUID() + "/execute?command=ls", null), 404,
                "container.container-not-found", null);
        stop(uuid);
        assertZunError(api.post("/v1/containers/" + uuid + "/execute?command=ls", null), 409,
                "container.invalid-state-exception", "Cannot execute container " + uuid + " in Stopped state");
    }

    @Test
    void executeThatOutlivesTheTimeoutIs409() {
        String uuid = sleeper("");
        assertZunError(api.post("/v1/containers/" + uuid + "/execute?command=" + q("sleep 3600"), null), 409,
                "container.conflict", "Timeout on executing command: sleep 3600");
    }

    // ---- resize (tty), top, stats -----------------------------------------------------------------------------------

    @Test
    void resizeOfTheContainersTerminal() {
        String uuid = sleeper("\"interactive\": true, \"tty\": true");
        ZunHttp.Response r = api.post("/v1/containers/" + uuid + "/resize?w=80&h=24", null);
        assertEquals(200, r.status(), r.body());
        assertEquals("null", r.body());
        // The container's terminal now has that size (rows, then columns), and follows a second resize
        assertEquals("24 80\n", terminalSize(uuid));
        assertEquals(200, api.post("/v1/containers/" + uuid + "/resize?w=132&h=43", null).status());
        assertEquals("43 132\n", terminalSize(uuid));
        assertZunError(api.post("/v1/containers/" + uuid + "/resize?w=80", null), 400,
                "container.schema-validation-error", "'h' is a required property");
        assertZunError(api.post("/v1/containers/" + uuid + "/resize?w=80&h=abc", null), 400,
                "container.schema-validation-error",
                "Invalid input for query parameters 'h'. Value: 'abc'. 'abc' does not match '^[0-9]*$'");
        stop(uuid);
        assertZunError(api.post("/v1/containers/" + uuid + "/resize?w=80&h=24", null), 409,
                "container.invalid-state-exception", "Cannot resize container " + uuid + " in Stopped state");
    }

    @Test
    void topListsTheContainersProcesses() {
        String uuid = sleeper("");

        JsonObject def = api.get("/v1/containers/" + uuid + "/top?ps_args=None").json();
        assertTrue(array(def, "Titles").contains("PID"), def.encode());
        JsonArray processes = array(def, "Processes");
        assertEquals(1, processes.size(), def.encode());
        assertTrue(processes.getJsonArray(0).getString(processes.getJsonArray(0).size() - 1).contains("sleep 3600"));

        ZunHttp.Response aux = api.get("/v1/containers/" + uuid + "/top?ps_args=aux");
        assertEquals(200, aux.status(), aux.body());
        assertTrue(array(aux.json(), "Titles").contains("USER"), aux.body());

        assertZunError(api.get("/v1/containers/" + uuid + "/top?ps_args=x&all=1"), 400,
                "container.schema-validation-error", "Additional properties are not allowed ('all' was unexpected)");
        stop(uuid);
        assertZunError(api.get("/v1/containers/" + uuid + "/top"), 409, "container.invalid-state-exception",
                "Cannot top container " + uuid + " in Stopped state");
    }

    @Test
    void statsAnswersZunsKeys() {
        String uuid = sleeper("");
        String name = show(uuid).getString("name");

        ZunHttp.Response r = api.get("/v1/containers/" + uuid + "/stats");

        assertEquals(200, r.status(), r.body());
        JsonObject s = r.json();
        assertEquals(STATS_KEYS, new ArrayList<>(s.fieldNames()));
        assertEquals(name, s.getString("CONTAINER"));
        assertEquals(32.0, s.getDouble("MEM LIMIT(MiB)"));
        assertTrue(s.getDouble("MEM USAGE(MiB)") > 0, s.encode());
        assertTrue(s.getValue("CPU %") instanceof Number && s.getValue("MEM %") instanceof Number, s.encode());
        assertTrue(s.getString("BLOCK I/O(B)").matches("[0-9]+/[0-9]+"), s.encode());
        assertTrue(s.getString("NET I/O(B)").matches("[0-9]+/[0-9]+"), s.encode());
        stop(uuid);
        assertZunError(api.get("/v1/containers/" + uuid + "/stats"), 409, "container.invalid-state-exception",
                "Cannot stats container " + uuid + " in Stopped state");
    }

    // ---- archives -------------------------------------------------------------------------------------------------

    @Test
    void getArchiveReturnsTheTarBase64From125AndRawBefore() {
        String uuid = sleeper("");

        ZunHttp.Response r = api.get("/v1/containers/" + uuid + "/get_archive?path=%2Fetc%2Fpasswd");
        assertEquals(200, r.status(), r.body());
        JsonObject stat = r.json().getJsonObject("stat");
        assertEquals("passwd", stat.getString("name"));
        assertTrue(stat.getLong("size") > 0);
        assertEquals(0644, stat.getLong("mode") & 0777);
        assertTrue(stat.containsKey("mtime") && stat.containsKey("linkTarget"), stat.encode());
        byte[] tar = Base64.getDecoder().decode(r.json().getString("data"));
        assertTrue(untar(tar).get("passwd").startsWith("root:"), "the tar holds /etc/passwd");

        ZunHttp.Response old = api.withVersion("1.24").get("/v1/containers/" + uuid + "/get_archive?path=/etc/passwd");
        assertEquals(200, old.status(), old.body());
        byte[] raw = old.json().getString("data").getBytes(StandardCharsets.ISO_8859_1);
        assertEquals(untar(tar), untar(raw));

        assertZunError(api.get("/v1/containers/" + uuid + "/get_archive"), 400, "container.schema-validation-error",
                "'path' is a required property");
        JsonObject e = assertZunError(api.get("/v1/containers/" + uuid + "/get_archive?path=/nonexistent"), 400,
                "container.invalid-value", null);
        assertTrue(e.getString("title").contains("/nonexistent"), e.encode());
    }

    @Test
    void putArchiveWritesFilesThatExecCanRead() {
        String uuid = sleeper("");
        byte[] tar = tar(Map.of("hello.txt", "hello from put_archive\n"));

        ZunHttp.Response r = api.post("/v1/containers/" + uuid + "/put_archive?path=/tmp",
                new JsonObject().put("data", Base64.getEncoder().encodeToString(tar)).encode());
        assertEquals(200, r.status(), r.body());
        assertEquals("null", r.body());
        ZunHttp.Response cat = api.post("/v1/containers/" + uuid + "/execute?command=" + q("cat /tmp/hello.txt"), null);
        assertEquals("hello from put_archive\n", cat.json().getString("output"));

        // Before 1.25 the data is the raw archive
        byte[] second = tar(Map.of("old.txt", "raw archive\n"));
        ZunHttp.Response raw = api.withVersion("1.24").post("/v1/containers/" + uuid + "/put_archive?path=/tmp",
                new JsonObject().put("data", new String(second, StandardCharsets.ISO_8859_1)).encode());
        assertEquals(200, raw.status(), raw.body());
        assertEquals("raw archive\n", api.post("/v1/containers/" + uuid + "/execute?command=" + q("cat /tmp/old.txt"),
                null).json().getString("output"));

        assertZunError(api.post("/v1/containers/" + uuid + "/put_archive?path=/tmp", "{}"), 400,
                "container.schema-validation-error", "'data' is a required property");
        assertZunError(api.post("/v1/containers/" + uuid + "/put_archive?path=/tmp", "{\"data\": \"%%%\"}"), 400,
                "container.invalid-value", null);
        assertZunError(api.post("/v1/containers/" + uuid + "/put_archive?path=/nonexistent",
                new JsonObject().put("data", Base64.getEncoder().encodeToString(tar)).encode()), 400,
                "container.invalid-value", null);
    }

    // ---- network_list ---------------------------------------------------------------------------------------------

    @Test
    void networkListExistsFrom113AndShowsTheProjectNetwork() {
        String uuid = sleeper("");
        ZunHttp.Response r = api.get("/v1/containers/" + uuid + "/network_list");
        assertEquals(200, r.status(), r.body());
        JsonArray nets = r.json().getJsonArray("networks");
        assertEquals(1, nets.size(), r.body());
        assertEquals(4, nets.getJsonObject(0).getJsonArray("fixed_ips").getJsonObject(0).getInteger("version"));
        assertEquals(200, api.withVersion("1.13").get("/v1/containers/" + uuid + "/network_list").status());
        assertZunError(api.withVersion("1.12").get("/v1/containers/" + uuid + "/network_list"), 406, "container.",
                "Not Acceptable");
        stop(uuid);
        assertEquals(200, api.get("/v1/containers/" + uuid + "/network_list").status(), "no state check");
    }

    // ---- attach ---------------------------------------------------------------------------------------------------

    @Test
    void attachAnswersAProxyUrlWithAFreshTokenForInteractiveContainersOnly() throws Exception {
        String plain = sleeper("");
        assertZunError(api.get("/v1/containers/" + plain + "/attach"), 400, "container.no-interactive-flag",
                "Container doesn't support to be attached, please check the interactive set properly");

        String uuid = sleeper("\"interactive\": true");
        ZunHttp.Response first = api.get("/v1/containers/" + uuid + "/attach");
        assertEquals(200, first.status(), first.body());
        String url = (String) io.vertx.core.json.Json.decodeValue(first.body());
        String base = platform.platform().config().proxy().baseUrl();
        assertTrue(url.startsWith(base + "?token=") && url.endsWith("&uuid=" + uuid), url);
        assertTrue(url.startsWith("ws://") || url.startsWith("wss://"), url);

        // A second attach mints another token and retires the first
        String second = (String) io.vertx.core.json.Json.decodeValue(api.get("/v1/containers/" + uuid + "/attach")
                .body());
        assertFalse(second.equals(url));
        String token = second.substring((base + "?token=").length(), second.indexOf("&uuid="));
        Row stored = one("SELECT * FROM websocket_tokens WHERE container_uuid = $1 AND exec_id IS NULL",
                UUID.fromString(uuid));
        assertEquals(sha256(token), stored.getString("token_hash"));

        stop(uuid);
        assertZunError(api.get("/v1/containers/" + uuid + "/attach"), 409, "container.invalid-state-exception",
                "Cannot attach container " + uuid + " in Stopped state");
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** {@code stty size} of the container's own terminal (its main process's), read through execute. */
    private static String terminalSize(String uuid) {
        ZunHttp.Response r = api.post("/v1/containers/" + uuid + "/execute?command="
                + q("stty -F /dev/console size"), null);
        assertEquals(200, r.status(), r.body());
        assertEquals(0, r.json().getInteger("exit_code"), r.body());
        return r.json().getString("output");
    }

    /** The single row the query finds. */
    private static Row one(String sql, Object arg) {
        List<Row> rows = new ArrayList<>();
        platform.platform().pool().preparedQuery(sql).execute(Tuple.of(arg)).await().forEach(rows::add);
        assertEquals(1, rows.size(), sql);
        return rows.getFirst();
    }

    private static String sha256(String s) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
    }
}
