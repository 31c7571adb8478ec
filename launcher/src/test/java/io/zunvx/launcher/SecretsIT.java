package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Secrets stay where they were put: container environment values never ride on {@code container.state-changed}
 * events (the names do, with {@code ***}), and registry passwords, tokens and environment values never reach the
 * platform's log, even when what they were given for fails.
 */
@Timeout(300)
class SecretsIT extends ActionsBaseIT {
    private static final ByteArrayOutputStream LOG = new ByteArrayOutputStream();
    private static PrintStream err;
    private static PrintStream out;

    /** Copies everything the platform logs (slf4j-simple writes to the current System.err) into {@link #LOG}. */
    @BeforeAll
    static void captureLog() {
        err = System.err;
        out = System.out;
        System.setErr(new PrintStream(tee(err), true, StandardCharsets.UTF_8));
        System.setOut(new PrintStream(tee(out), true, StandardCharsets.UTF_8));
    }

    @AfterAll
    static void restoreLog() {
        System.setErr(err);
        System.setOut(out);
    }

    private static OutputStream tee(PrintStream original) {
        return new OutputStream() {
            @Override
            public void write(int b) {
                original.write(b);
                synchronized (LOG) {
                    LOG.write(b);
                }
            }

            @Override
            public void write(byte[] b, int off, int len) {
                original.write(b, off, len);
                synchronized (LOG) {
                    LOG.write(b, off, len);
                }
            }
        };
    }

    private static String log() {
        synchronized (LOG) {
            return LOG.toString(StandardCharsets.UTF_8);
        }
    }

    @Test
    void environmentValuesNeverRideOnEvents() {
        String secret = "env-secret-" + UUID.randomUUID();
        try (Transitions t = new Transitions()) {
            String uuid = create(api, "\"command\": [\"sh\", \"-c\", \"test -n \\\"$DB_PASSWORD\\\"\"], "
                    + "\"environment\": {\"DB_PASSWORD\": \"" + secret + "\"}", true);
            t.until(uuid, steps -> steps.contains("Stopped/null"));
            List<JsonObject> events = t.events();
            assertFalse(events.isEmpty());
            for (JsonObject e : events) {
                assertFalse(e.encode().contains(secret), e.encode());
                assertEquals(new JsonObject().put("DB_PASSWORD", "***"),
                        e.getJsonObject("container").getJsonObject("environment"));
            }
            // The container itself got the value: the command checks it is set.
            assertEquals(secret, show(uuid).getJsonObject("environment").getString("DB_PASSWORD"));
        }
        assertFalse(log().contains(secret), "the environment value was logged");
    }

    @Test
    void registryPasswordsAndTokensNeverReachTheLog() {
        String password = "registry-secret-" + UUID.randomUUID();
        ZunHttp.Response reg = api.post("/v1/registries", "{\"registry\": {\"name\": \"" + uniqueName("reg")
                + "\", \"domain\": \"127.0.0.1:1\", \"username\": \"demo\", \"password\": \"" + password + "\"}}");
        assertEquals(201, reg.status(), reg.body());
        String registry = reg.json().getJsonObject("registry").getString("uuid");
        // A pull that fails against the registry, with its credentials.
        ZunHttp.Response created = api.post("/v1/containers?run=true", "{\"image\": \"127.0.0.1:1/team/app:v1\", "
                + "\"registry\": \"" + registry + "\", \"cpu\": 0.1, \"memory\": 32, \"name\": \""
                + uniqueName("pull") + "\"}");
        assertEquals(202, created.status(), created.body());
        String uuid = created.json().getString("uuid");
        awaitStatus(uuid, "Error");
        // A login with a wrong password, and requests with a made-up token.
        String wrong = "login-secret-" + UUID.randomUUID();
        ZunHttp.Response login = api.post("/identity/v3/auth/tokens", "{\"auth\": {\"identity\": {\"methods\": "
                + "[\"password\"], \"password\": {\"user\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"},"
                + " \"password\": \"" + wrong + "\"}}}}}");
        assertEquals(401, login.status(), login.body());
        String badToken = "eyJhbGciOiJFUzI1NiJ9.token-secret-" + UUID.randomUUID() + ".x";
        assertEquals(401, api.withToken(badToken).get("/v1/containers").status());

        String log = log();
        assertTrue(log.length() > 0, "nothing was captured");
        assertFalse(log.contains(password), "a registry password was logged");
        assertFalse(log.contains(wrong), "a login password was logged");
        assertFalse(log.contains(badToken.substring(21, 40)), "a token was logged");
        assertFalse(log.contains(platform.adminToken().substring(40)), "the admin token was logged");
    }
}
