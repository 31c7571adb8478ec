package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Tokens end: one renewed from another keeps the first one's expiry (Keystone's rule), and
 * {@code DELETE /identity/v3/auth/tokens} revokes a token, which then fails on every service and for renewal.
 */
@Timeout(300)
class TokenLifetimeIT extends ActionsBaseIT {
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    private static HttpResponse<String> identity(String method, String token, String subject, String body) {
        var b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.apiPort()
                        + "/identity/v3/auth/tokens"))
                .timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body));
        if (body != null) {
            b.header("Content-Type", "application/json");
        }
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        if (subject != null) {
            b.header("X-Subject-Token", subject);
        }
        try {
            return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static HttpResponse<String> login() {
        HttpResponse<String> r = identity("POST", null, null, "{\"auth\": {\"identity\": {\"methods\": [\"password\"],"
                + " \"password\": {\"user\": {\"name\": \"admin\", \"domain\": {\"id\": \"default\"}, \"password\":"
                + " \"e2e-admin-secret\"}}}, \"scope\": {\"project\": {\"name\": \"admin\", \"domain\": {\"id\":"
                + " \"default\"}}}}}");
        assertEquals(201, r.statusCode(), r.body());
        return r;
    }

    private static HttpResponse<String> renew(String token) {
        return identity("POST", null, null, "{\"auth\": {\"identity\": {\"methods\": [\"token\"], \"token\": "
                + "{\"id\": \"" + token + "\"}}}}");
    }

    private static String expiry(HttpResponse<String> r) {
        return new JsonObject(r.body()).getJsonObject("token").getString("expires_at");
    }

    private static String subject(HttpResponse<String> r) {
        String t = r.headers().firstValue("X-Subject-Token").orElse(null);
        assertNotNull(t);
        return t;
    }

    @Test
    void aRenewedTokenKeepsTheFirstOnesExpiry() {
        HttpResponse<String> first = login();
        HttpResponse<String> second = renew(subject(first));
        assertEquals(201, second.statusCode(), second.body());
        HttpResponse<String> third = renew(subject(second));
        assertEquals(201, third.statusCode(), third.body());
        assertNotEquals(subject(first), subject(third));
        assertEquals(expiry(first), expiry(second));
        assertEquals(expiry(first), expiry(third));
    }

    @Test
    void aRevokedTokenFailsEverywhere() {
        String token = subject(login());
        String other = subject(login());
        assertEquals(200, api.withToken(token).get("/v1/containers").status());

        assertEquals(204, identity("DELETE", token, token, null).statusCode());

        Poll.until(WAIT, () -> api.withToken(token).get("/v1/containers").status(), s -> s == 401,
                "the revoked token to be refused");
        assertEquals(401, api.withToken(token).get("/image/v2/images").status());
        assertEquals(401, api.withToken(token).get("/network/v2.0/networks").status());
        assertEquals(401, api.withToken(token).get("/volume/v3/" + platform.bootstrap().projectId()
                + "/volumes").status());
        assertEquals(401, identity("GET", token, token, null).statusCode());
        assertEquals(404, identity("GET", other, token, null).statusCode());
        assertEquals(401, renew(token).statusCode());
        // Another token of the same user is untouched.
        assertEquals(200, api.withToken(other).get("/v1/containers").status());
        // Revoking what is no token of the identity service is a 404, as Keystone's.
        assertEquals(404, identity("DELETE", other, "not-a-token", null).statusCode());
    }
}
