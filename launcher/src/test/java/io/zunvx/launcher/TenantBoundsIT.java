package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.micrometer.core.instrument.Counter;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.platform.app.Runtimes;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.auth.TokenService;
import io.zunvx.platform.logs.LogTail;
import io.zunvx.platform.registry.CredentialCipher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * What one tenant may cost the platform, on the real all-in-one: {@code logs} answers are capped however much a
 * container writes (on the agent and on the API, through {@code zun logs} too); the login limiter counts per account
 * and per client, believing {@code X-Forwarded-For} only from a trusted proxy, and stops hashing for a client that
 * tries name after name; the WebSocket proxy limits sessions per user and closes idle ones; and a signing key rotated
 * while everything runs is taken up without a restart.
 */
@Timeout(value = 15, unit = java.util.concurrent.TimeUnit.MINUTES)
class TenantBoundsIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final long LOGS_CAP = 1 << 20;
    private static final int MAX_FAILURES = 3;
    private static final int MAX_CLIENT_FAILURES = 8;
    /** The address the test's "reverse proxy" connects from; configured as trusted. */
    private static final String PROXY = "127.0.0.2";

    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp api;
    static Map<String, String> cli;

    @BeforeAll
    static void start() {
        platform = Platforms.start(data, CrashPoints.NONE, Map.of(
                "ZUNVX_LOGS_MAX_BYTES", String.valueOf(LOGS_CAP),
                "ZUNVX_LOGIN_MAX_FAILURES", String.valueOf(MAX_FAILURES),
                "ZUNVX_LOGIN_MAX_FAILURES_PER_CLIENT", String.valueOf(MAX_CLIENT_FAILURES),
                "ZUNVX_LOGIN_WINDOW", "30m",
                "ZUNVX_TRUSTED_PROXIES", PROXY,
                "ZUNVX_WSPROXY_MAX_SESSIONS_PER_USER", "2",
                "ZUNVX_WSPROXY_IDLE_TIMEOUT", "10s",
                "ZUNVX_SIGNING_KEY_REFRESH", "500ms"));
        api = new ZunHttp(platform.apiUrl(), platform.adminToken(), "1.40");
        cli = ZunCliIT.credentials(platform, "admin", IdentityIT.ADMIN_PASSWORD, "admin");
        WsProxyIT.platform = platform;
        WsProxyIT.api = api;
        WsProxyIT.vertx = io.zunvx.platform.app.TestVertx.create();
        WsProxyIT.client = WsProxyIT.vertx.createWebSocketClient();
    }

    @AfterAll
    static void stop() {
        if (WsProxyIT.vertx != null) {
            WsProxyIT.vertx.close().await();
        }
        Platforms.stop(platform);
    }

    // ---- logs -----------------------------------------------------------------------------------------------------

    @Test
    void aContainerWritingSixteenMibGetsCappedLogsFromTheAgentTheApiAndZunLogs() {
        // GIVEN a container that writes 16 MiB of lines, then a last line, then keeps running
        String uuid = WsProxyIT.create("\"command\": [\"sh\", \"-c\", \"yes 0123456789abcdefghijklmnopqrstuvwxyz0123 "
                + "| head -c 16777216; echo; echo END-OF-LOG; sleep 3600\"]");
        Poll.until(WAIT, () -> api.get("/v1/containers/" + uuid + "/logs?tail=1"),
                r -> r.status() == 200 && r.body().contains("END-OF-LOG"), "the container's last line");

        // WHEN its whole log is asked for over HTTP
        ZunHttp.Response all = api.get("/v1/containers/" + uuid + "/logs");

        // THEN the answer holds the log's end after the truncation marker, within the cap
        assertEquals(200, all.status(), all.body().length() > 500 ? all.body().substring(0, 500) : all.body());
        String text = (String) Json.decodeValue(all.body());
        assertTrue(text.startsWith(LogTail.MARKER_PREFIX), text.substring(0, Math.min(200, text.length())));
        assertTrue(text.getBytes(StandardCharsets.UTF_8).length <= LOGS_CAP + LogTail.MARKER_ROOM, "" + text.length());
        assertTrue(text.endsWith("END-OF-LOG\n"), text.substring(text.length() - 100));
        String firstKept = text.substring(text.indexOf('\n') + 1, text.indexOf('\n', text.indexOf('\n') + 1));
        assertTrue(firstKept.isEmpty() || firstKept.startsWith("0123456789"), firstKept);

        // AND the agent itself answers no more than the cap
        String agent = agentLogs(uuid);
        assertTrue(agent.length() <= LOGS_CAP + LogTail.MARKER_ROOM, "" + agent.length());
        assertTrue(agent.startsWith(LogTail.MARKER_PREFIX));

        // AND tail and timestamps work as before on such a log
        String stamped = (String) Json.decodeValue(api.get("/v1/containers/" + uuid + "/logs?tail=2&timestamps=true")
                .body());
        assertEquals(2, stamped.strip().split("\n").length, stamped);
        assertTrue(stamped.strip().endsWith("END-OF-LOG"), stamped);

        // AND zun logs prints the same bounded end
        ZunCliIT.Cli out = ZunCliIT.zun(cli, "logs", uuid);
        out.assertOk();
        assertTrue(out.out().contains(LogTail.MARKER_PREFIX), out.out().substring(0, Math.min(300, out.out().length())));
        assertTrue(out.out().length() <= LOGS_CAP + LogTail.MARKER_ROOM + 16, "" + out.out().length());
        assertTrue(out.out().strip().endsWith("END-OF-LOG"));

        // AND the processes stay healthy: the API and the agent keep answering
        assertEquals(200, api.get("/v1/containers/" + uuid).status());
        assertEquals(200, api.get("/v1/containers/" + uuid + "/logs?tail=1").status());
        assertEquals(204, api.delete("/v1/containers/" + uuid + "?force=true").status());
    }

    private static String agentLogs(String uuid) {
        String token = platform.platform().tokens().issue(new Identity("zunvx-api", "zunvx-api", "service",
                "service", List.of("service"), null)).value();
        HttpRequest req = HttpRequest.newBuilder(URI.create(platform.platform().config().compute().internalUrl()
                        + "/internal/v1/containers/" + uuid + "/logs?stdout=true&stderr=true&tail=all"))
                .header("Authorization", "Bearer " + token).timeout(Duration.ofMinutes(2)).build();
        HttpResponse<String> r = send(HttpClient.newHttpClient(), req);
        assertEquals(200, r.statusCode(), r.body().substring(0, Math.min(300, r.body().length())));
        return r.body();
    }

    // ---- login limiter --------------------------------------------------------------------------------------------

    @Test
    void twoClientsBehindATrustedProxyAreLimitedApart() {
        // GIVEN client A behind the proxy that has used up the admin's attempts with wrong passwords
        String a = "198.51.100." + (10 + (int) (Math.random() * 100));
        String b = "203.0.113." + (10 + (int) (Math.random() * 100));
        for (int i = 0; i < MAX_FAILURES; i++) {
            assertEquals(401, login(PROXY, a, "admin", "wrong-" + i).statusCode());
        }

        // WHEN A then B log in with the right password through the same proxy
        HttpResponse<String> blocked = login(PROXY, a, "admin", IdentityIT.ADMIN_PASSWORD);
        HttpResponse<String> other = login(PROXY, b, "admin", IdentityIT.ADMIN_PASSWORD);

        // THEN A is held back with Keystone's 429, and B gets in
        assertKeystone429(blocked);
        assertEquals(201, other.statusCode(), other.body());
    }

    @Test
    void anUntrustedPeersForwardedForIsIgnored() {
        // GIVEN an unknown name tried from the loopback address (no trusted proxy) under a new X-Forwarded-For each
        // time
        String name = "nobody-" + UUID.randomUUID();
        for (int i = 0; i < MAX_FAILURES; i++) {
            assertEquals(401, login("127.0.0.1", "192.0.2." + (i + 1), name, "x").statusCode());
        }

        // WHEN it tries once more, claiming yet another address
        HttpResponse<String> r = login("127.0.0.1", "192.0.2.200", name, "x");

        // THEN the header changed nothing: the attempts were counted for the socket's address, and it is held back
        assertKeystone429(r);
    }

    @Test
    void manyUnknownNamesFromOneClientGet429WithoutAnyMoreHashing() {
        // GIVEN a client behind the proxy trying random user names, each answered 401 while under the limit
        String c = "198.18.0." + (10 + (int) (Math.random() * 100));
        for (int i = 0; i < MAX_CLIENT_FAILURES; i++) {
            assertEquals(401, login(PROXY, c, "random-" + UUID.randomUUID(), "x").statusCode());
        }
        Counter checks = Runtimes.registry().find("zunvx.identity.password.checks").counter();
        double before = checks.count();

        // WHEN it goes on with more names, and even the admin's right password
        for (int i = 0; i < 5; i++) {
            assertKeystone429(login(PROXY, c, "random-" + UUID.randomUUID(), "x"));
        }
        assertKeystone429(login(PROXY, c, "admin", IdentityIT.ADMIN_PASSWORD));

        // THEN every answer was 429 and no password was hashed for them
        assertEquals(before, checks.count());
    }

    private static HttpResponse<String> login(String from, String forwardedFor, String user, String password) {
        try {
            HttpClient http = HttpClient.newBuilder().localAddress(InetAddress.getByName(from))
                    .connectTimeout(Duration.ofSeconds(10)).build();
            HttpRequest req = HttpRequest.newBuilder(URI.create(platform.apiUrl() + "/identity/v3/auth/tokens"))
                    .timeout(Duration.ofSeconds(60))
                    .header("Content-Type", "application/json").header("X-Forwarded-For", forwardedFor)
                    .POST(HttpRequest.BodyPublishers.ofString(IdentityIT.Keystone.password(user, password, "admin")
                            .encode()))
                    .build();
            return send(http, req);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void assertKeystone429(HttpResponse<String> r) {
        assertEquals(429, r.statusCode(), r.body());
        JsonObject error = new JsonObject(r.body()).getJsonObject("error");
        assertEquals(429, error.getInteger("code"), r.body());
        assertEquals("Too Many Requests", error.getString("title"), r.body());
        assertFalse(error.getString("message").isBlank());
    }

    // ---- WebSocket proxy ------------------------------------------------------------------------------------------

    @Test
    void aUserGetsTwoSessionsAtOnceAndTheThirdIsRefusedUntilOneEnds() throws Exception {
        // GIVEN a running shell and two interactive sessions of the admin through the proxy
        String uuid = WsProxyIT.shell();
        WsProxyIT.Session one = WsProxyIT.Session.open(WsProxyIT.interactiveExec(uuid).getString("proxy_url"), null);
        WsProxyIT.Session two = WsProxyIT.Session.open(WsProxyIT.interactiveExec(uuid).getString("proxy_url"), null);
        WsProxyIT.awaitSessions(2);

        // WHEN a third is asked for
        // THEN its upgrade is refused with 429 and nothing attaches
        String third = WsProxyIT.interactiveExec(uuid).getString("proxy_url");
        try {
            WsProxyIT.assertRefusedWithSessions(third, 429, 2);
        } finally {
            // AND once one session ends, a new one gets in
            one.ws.close().await();
        }
        WsProxyIT.awaitSessions(1);
        WsProxyIT.Session again = WsProxyIT.Session.open(WsProxyIT.interactiveExec(uuid).getString("proxy_url"),
                null);
        again.send("echo $((6*7))\r");
        again.awaitOutput("42");
        again.ws.close().await();
        two.ws.close().await();
        WsProxyIT.awaitSessions(0);
    }

    @Test
    void anIdleSessionIsClosedWithGoingAwayAndAReason() throws Exception {
        // GIVEN an interactive session that answers once and then carries nothing
        String uuid = WsProxyIT.shell();
        WsProxyIT.Session s = WsProxyIT.Session.open(WsProxyIT.interactiveExec(uuid).getString("proxy_url"), null);
        s.send("echo $((7*6))\r");
        s.awaitOutput("42");

        // WHEN it stays idle past ZUNVX_WSPROXY_IDLE_TIMEOUT
        Poll.until(WAIT, () -> s.closeCode, code -> code != null, "the idle session to be closed");

        // THEN the proxy closed it with 1001 and a reason naming the idle timeout, and the agent's session ended
        assertEquals((short) 1001, s.closeCode);
        assertTrue(s.ws.closeReason() != null && s.ws.closeReason().contains("idle"), s.ws.closeReason());
        WsProxyIT.awaitSessions(0);
    }

    // ---- signing keys ---------------------------------------------------------------------------------------------

    @Test
    void aKeyRotatedWhileThePlatformRunsSignsNewTokensAndOldOnesStillWork() {
        // GIVEN a token from a login, signed with the current key
        IdentityIT.Keystone keystone = new IdentityIT.Keystone(platform.apiUrl());
        String old = keystone.login("admin", IdentityIT.ADMIN_PASSWORD, "admin");
        String oldKid = kid(old);

        // WHEN a key is added the way `zunvx rotate-signing-key` adds it, while the platform runs
        TokenService.rotate(platform.platform().pool(), java.time.Clock.systemUTC(),
                CredentialCipher.forSigningKeys(platform.platform().config())).await();

        // THEN new logins get tokens of the new kid without a restart, listed in the JWKS
        String fresh = Poll.until(WAIT, () -> keystone.login("admin", IdentityIT.ADMIN_PASSWORD, "admin"),
                t -> !kid(t).equals(oldKid), "a token signed with the new key");
        assertNotEquals(oldKid, kid(fresh));
        String jwks = keystone.send("GET", "/identity/v3/auth/jwks", null, Map.of(), null).body();
        assertTrue(jwks.contains(kid(fresh)) && jwks.contains(oldKid), jwks);

        // AND both the old and the new token work on /v1 and at the compute agent's side of the platform
        assertEquals(200, new ZunHttp(platform.apiUrl(), old, "1.40").get("/v1/containers").status());
        assertEquals(200, new ZunHttp(platform.apiUrl(), fresh, "1.40").get("/v1/containers").status());
    }

    private static String kid(String jwt) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[0]),
                StandardCharsets.UTF_8)).getString("kid");
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest req) {
        try {
            return http.send(req, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
