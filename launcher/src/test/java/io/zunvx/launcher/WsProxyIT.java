package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.micrometer.core.instrument.Gauge;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.compute.driver.Observed;
import io.zunvx.platform.app.Runtimes;
import io.zunvx.platform.app.TestVertx;
import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Attach and interactive exec end to end through the WebSocket proxy, with a WebSocket client that behaves as the
 * {@code zun} CLI's does (subprotocols {@code binary, base64}, raw keystrokes in binary frames): a busybox shell
 * answers through the real stack (API → proxy → compute agent → Docker), and every kind of bad URL or Origin is refused
 * with nothing attached. Sessions are counted by the agent's gauge, which must come back to zero.
 */
class WsProxyIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    static Path data;
    static AllInOne platform;
    static ZunHttp api;
    static DockerContainerDriver driver;
    static Vertx vertx;
    static WebSocketClient client;

    @BeforeAll
    static void start() throws IOException {
        data = Files.createTempDirectory("zunvx-wsproxy-it");
        platform = Platforms.start(data, CrashPoints.NONE, Map.of());
        api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        driver = new DockerContainerDriver(platform.platform().config().compute().dockerHost());
        vertx = TestVertx.create();
        client = vertx.createWebSocketClient();
    }

    @AfterAll
    static void stop() throws IOException {
        if (platform != null) {
            String host = platform.platform().config().compute().hostName();
            platform.close();
            for (Observed o : driver.listManaged(host)) {
                driver.remove(o.id(), true);
            }
            driver.close();
            vertx.close().await();
            try (var paths = Files.walk(data)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---- sessions that work --------------------------------------------------------------------------------------

    @Test
    void attachToAnInteractiveShellAnswersAndDetachesCleanly() throws Exception {
        // GIVEN a running interactive busybox shell with a terminal
        String uuid = shell();

        // WHEN a client connects to the URL attach hands out and types a line
        Session s = Session.open(attachUrl(uuid), null);
        assertEquals("binary", s.ws.subProtocol());
        awaitSessions(1);
        s.send("echo $((6*7))\r");

        // THEN the shell's answer comes back
        s.awaitOutput("42");

        // WHEN the client closes
        s.ws.close().await();

        // THEN the agent's session ends, and the container keeps running
        awaitSessions(0);
        assertEquals("Running", show(uuid).getString("status"));
    }

    @Test
    void theUrlMayNameTheContainerByNameAsTheReferenceAllows() throws Exception {
        // GIVEN a running interactive shell and the attach URL with its name in place of its uuid
        String uuid = shell();
        String name = show(uuid).getString("name");
        String url = attachUrl(uuid).replace("uuid=" + uuid, "uuid=" + name);

        // WHEN a client connects with it and types a line
        Session s = Session.open(url, null);
        awaitSessions(1);
        s.send("echo $((7*6))\r");

        // THEN the shell answers
        s.awaitOutput("42");
        s.ws.close().await();
        awaitSessions(0);
    }

    @Test
    void interactiveExecAnswersAndEndsItsProcessWhenTheClientCloses() throws Exception {
        // GIVEN an interactive exec instance of sh in a running container
        String uuid = shell();
        JsonObject exec = interactiveExec(uuid);
        String execId = exec.getString("exec_id");
        assertTrue(exec.getString("proxy_url").contains("&exec_id=" + execId), exec.encode());

        // WHEN a client connects to its proxy URL and types a line
        Session s = Session.open(exec.getString("proxy_url"), null);
        awaitSessions(1);
        s.send("echo $((6*7))\r");

        // THEN the exec's shell answers, and it runs
        s.awaitOutput("42");
        assertTrue(driver.execRunning(execId));

        // WHEN the client closes
        s.ws.close().await();

        // THEN the exec's process is gone and no session is left
        Poll.until(WAIT, () -> driver.execRunning(execId), running -> !running, "exec " + execId + " to end");
        awaitSessions(0);
    }

    @Test
    void theContainerEndingClosesTheClientWith1000() throws Exception {
        // GIVEN an attached client
        String uuid = shell();
        Session s = Session.open(attachUrl(uuid), null);
        awaitSessions(1);

        // WHEN the shell exits
        s.send("exit\r");

        // THEN the client is closed with 1000 and the agent keeps no session
        Poll.until(WAIT, () -> s.closeCode, code -> code != null, "the client to be closed");
        assertEquals((short) 1000, s.closeCode);
        awaitSessions(0);
        awaitStatus(uuid, "Stopped");
    }

    // ---- refusals -------------------------------------------------------------------------------------------------

    @Test
    void aWrongTokenIsRefused() throws Exception {
        String uuid = shell();
        String url = attachUrl(uuid).replaceFirst("token=[^&]+", "token=" + "A".repeat(43));
        assertRefused(url, null, 403);
    }

    @Test
    void aTokenWorksOnce() throws Exception {
        // GIVEN a URL used once
        String uuid = shell();
        String url = attachUrl(uuid);
        Session first = Session.open(url, null);
        first.ws.close().await();
        awaitSessions(0);

        // WHEN it is used again THEN it is refused
        assertRefused(url, null, 403);
    }

    @Test
    void anExpiredTokenIsRefused() throws Exception {
        String uuid = shell();
        String url = attachUrl(uuid);
        platform.platform().pool().preparedQuery("UPDATE websocket_tokens SET expires_at = $2 WHERE token_hash = $1")
                .execute(Tuple.of(sha256(param(url, "token")),
                        OffsetDateTime.now(ZoneOffset.UTC).minusMinutes(1))).await();
        assertRefused(url, null, 403);
    }

    @Test
    void aTokenForAnotherContainerIsRefused() throws Exception {
        String mine = shell();
        String other = shell();
        String url = attachUrl(mine).replace("uuid=" + mine, "uuid=" + other);
        assertRefused(url, null, 403);
    }

    @Test
    void anExecIdOfAnotherContainerIsRefused() throws Exception {
        // GIVEN exec instances in two containers
        String mine = shell();
        String other = shell();
        JsonObject myExec = interactiveExec(mine);
        JsonObject otherExec = interactiveExec(other);

        // WHEN my token is presented with the other container's exec id (and its uuid)
        String url = myExec.getString("proxy_url")
                .replace("exec_id=" + myExec.getString("exec_id"), "exec_id=" + otherExec.getString("exec_id"));
        assertRefused(url, null, 403);
        assertRefused(url.replace("uuid=" + mine, "uuid=" + other), null, 403);

        // THEN neither exec was started
        assertFalse(driver.execRunning(myExec.getString("exec_id")));
        assertFalse(driver.execRunning(otherExec.getString("exec_id")));
    }

    @Test
    void aContainerThatIsNotRunningIsRefused() throws Exception {
        String uuid = shell();
        String url = attachUrl(uuid);
        assertEquals(202, api.post("/v1/containers/" + uuid + "/stop?timeout=0", null).status());
        awaitStatus(uuid, "Stopped");
        assertRefused(url, null, 409);
    }

    @Test
    void aContainerThatIsNotInteractiveIsRefused() throws Exception {
        // GIVEN a running container made without -i, and an attach token for it (the API would not hand one out)
        String uuid = create("\"command\": [\"sleep\", \"3600\"]");
        awaitStatus(uuid, "Running");
        String token = "not-interactive-" + UUID.randomUUID();
        OffsetDateTime now = OffsetDateTime.now(ZoneOffset.UTC);
        platform.platform().pool().preparedQuery("""
                        INSERT INTO websocket_tokens (token_hash, container_uuid, project_id, created_at, expires_at)
                        VALUES ($1, $2, $3, $4, $5)""")
                .execute(Tuple.of(sha256(token), UUID.fromString(uuid), platform.bootstrap().projectId(), now,
                        now.plusMinutes(5))).await();

        assertRefused(platform.platform().config().proxy().baseUrl() + "?token=" + token + "&uuid=" + uuid, null,
                409);
    }

    @Test
    void aForeignOriginIsRefusedAndLeavesTheTokenUnspent() throws Exception {
        String uuid = shell();
        String url = attachUrl(uuid);

        assertRefused(url, "http://evil.example:6784", 403);
        assertRefused(url, "https://127.0.0.1:" + URI.create(url).getPort(), 403);

        // The refusal came before the token was looked at: the client's own Origin still gets in.
        Session s = Session.open(url, "http://127.0.0.1:" + URI.create(url).getPort());
        s.ws.close().await();
        awaitSessions(0);
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** A client session: what it received, and how it was closed. */
    static final class Session {
        final WebSocket ws;
        final StringBuffer received = new StringBuffer();
        volatile Short closeCode;

        private Session(WebSocket ws) {
            this.ws = ws;
            ws.handler(b -> received.append(b.toString(StandardCharsets.UTF_8)));
            ws.closeHandler(v -> closeCode = ws.closeStatusCode());
        }

        static Session open(String url, String origin) throws Exception {
            return new Session(connect(url, origin).toCompletionStage().toCompletableFuture()
                    .get(30, TimeUnit.SECONDS));
        }

        void send(String keys) {
            ws.writeBinaryMessage(Buffer.buffer(keys, "UTF-8")).await();
        }

        void awaitOutput(String text) {
            Poll.until(WAIT, received::toString, r -> r.contains(text), "'" + text + "' in the session's output");
        }
    }

    static io.vertx.core.Future<WebSocket> connect(String url, String origin) {
        WebSocketConnectOptions options = new WebSocketConnectOptions().setAbsoluteURI(url)
                .addSubProtocol("binary").addSubProtocol("base64");
        if (origin != null) {
            options.putHeader("Origin", origin);
        }
        return client.connect(options);
    }

    static void assertRefused(String url, String origin, int status) throws Exception {
        assertRefused(url, origin, status, 0);
    }

    /** The upgrade at {@code url} is refused with {@code status}, and the agent still has {@code open} sessions. */
    static void assertRefusedWithSessions(String url, int status, int open) throws Exception {
        assertRefused(url, null, status, open);
    }

    private static void assertRefused(String url, String origin, int status, int open) throws Exception {
        try {
            WebSocket ws = connect(url, origin).toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
            ws.close();
            fail("the proxy accepted " + url);
        } catch (ExecutionException e) {
            assertTrue(e.getCause() instanceof UpgradeRejectedException, e.getCause().toString());
            assertEquals(status, ((UpgradeRejectedException) e.getCause()).getStatus());
        }
        assertEquals(open, sessions(), "sessions open at the agent after a refusal");
    }

    static double sessions() {
        String host = platform.platform().config().compute().hostName();
        Gauge g = Runtimes.registry().find("zunvx.compute.terminal.sessions").tag("host", host).gauge();
        return g == null ? 0 : g.value();
    }

    static void awaitSessions(int n) {
        Poll.until(WAIT, WsProxyIT::sessions, v -> v == n, n + " open session(s) at the agent");
    }

    static String create(String fields) {
        String body = "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 32, \"name\": \"ws-"
                + UUID.randomUUID().toString().substring(0, 8) + "\", " + fields + "}";
        ZunHttp.Response r = api.post("/v1/containers?run=true", body);
        assertEquals(202, r.status(), r.body());
        return r.json().getString("uuid");
    }

    /** A running interactive {@code sh} with a terminal. */
    static String shell() {
        String uuid = create("\"command\": [\"sh\"], \"interactive\": true, \"tty\": true");
        awaitStatus(uuid, "Running");
        return uuid;
    }

    static JsonObject show(String uuid) {
        ZunHttp.Response r = api.get("/v1/containers/" + uuid);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    static void awaitStatus(String uuid, String status) {
        Poll.until(WAIT, () -> show(uuid), c -> status.equals(c.getString("status")) && c.getValue("task_state") == null,
                "container " + uuid + " to be " + status);
    }

    static String attachUrl(String uuid) {
        ZunHttp.Response r = api.get("/v1/containers/" + uuid + "/attach");
        assertEquals(200, r.status(), r.body());
        return (String) Json.decodeValue(r.body());
    }

    static JsonObject interactiveExec(String uuid) {
        ZunHttp.Response r = api.post("/v1/containers/" + uuid + "/execute?command=sh&interactive=True&run=False",
                null);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    static String param(String url, String name) {
        for (String pair : URI.create(url).getRawQuery().split("&")) {
            if (pair.startsWith(name + "=")) {
                return pair.substring(name.length() + 1);
            }
        }
        throw new AssertionError("no " + name + " in " + url);
    }

    static String sha256(String token) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(token.getBytes(StandardCharsets.UTF_8)));
    }
}
