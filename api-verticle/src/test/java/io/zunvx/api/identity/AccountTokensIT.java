package io.zunvx.api.identity;

import static io.zunvx.api.ApiPlatform.assertZunError;
import static io.zunvx.platform.db.TestWaits.await;
import static io.zunvx.platform.db.TestWaits.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import io.zunvx.api.ApiPlatform;
import io.zunvx.api.ApiPlatform.Resp;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.auth.TokenService;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.error.ZunException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tokens of the identity service on {@code /v1} and {@code /image/v2} are only as good as the identity tables are now,
 * as with Keystone: disabling or deleting the user or the project, or taking away the user's last role on the
 * project, refuses the token with 401 at once in this process; undoing it makes the token work again; the roles that
 * count are those assigned now. Answers are cached for a few seconds, which is what other API processes wait.
 */
class AccountTokensIT {
    @TempDir
    static Path dir;

    private static ApiPlatform api;
    private static String admin;

    @BeforeAll
    static void start() {
        api = ApiPlatform.start(dir, Map.of());
        admin = login("admin", ApiPlatform.ADMIN_PASSWORD, ApiPlatform.ADMIN_PROJECT);
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    @Test
    void disablingTheUserRefusesItsTokenAtOnceAndEnablingItAgainRestoresIt() {
        // GIVEN a member of a project with a token from the identity service, working on /v1 and /image/v2
        Tenant t = Tenant.create("disable");
        String token = t.login();
        assertEquals(200, api.call("GET", "/v1/containers", token, null).status());
        assertEquals(200, glance(token).status());

        // WHEN the admin disables the user
        patch("/identity/v3/users/" + t.userId, new JsonObject().put("user", new JsonObject().put("enabled", false)));

        // THEN the token is refused at once, with the same 401 as any bad token, on /v1 and on /image/v2
        assertRefused(api.call("GET", "/v1/containers", token, null));
        assertEquals(401, glance(token).status());
        // AND the identity API's validation agrees
        assertEquals(404, validate(token).status());

        // WHEN the admin enables the user again
        patch("/identity/v3/users/" + t.userId, new JsonObject().put("user", new JsonObject().put("enabled", true)));

        // THEN the same token works again
        assertEquals(200, api.call("GET", "/v1/containers", token, null).status());
        assertEquals(200, glance(token).status());
        assertEquals(200, validate(token).status());
    }

    @Test
    void removingTheLastRoleOnTheProjectRefusesTheTokenAndGrantingOneRestoresIt() {
        // GIVEN a member with a working token
        Tenant t = Tenant.create("revoke");
        String token = t.login();
        assertEquals(200, api.call("GET", "/v1/containers", token, null).status());

        // WHEN the admin revokes the member role, the only one the user has on the project
        assertEquals(204, keystone("DELETE", "/identity/v3/projects/" + t.projectId + "/users/" + t.userId
                + "/roles/member", admin, null).status());

        // THEN the token is refused at once
        assertRefused(api.call("GET", "/v1/containers", token, null));
        assertEquals(404, validate(token).status());

        // AND granting a role there again makes it work (with the role granted now)
        grant(t.projectId, t.userId, "reader");
        assertEquals(200, api.call("GET", "/v1/containers", token, null).status());
        assertEquals(Set.of("reader"), roleNames(validate(token).json().getJsonObject("token")));
    }

    @Test
    void disablingOrDeletingTheProjectRefusesTheToken() {
        // GIVEN a member with a working token
        Tenant t = Tenant.create("project");
        String token = t.login();
        assertEquals(200, api.call("GET", "/v1/containers", token, null).status());

        // WHEN the admin disables the project, THEN the token is refused at once
        patch("/identity/v3/projects/" + t.projectId,
                new JsonObject().put("project", new JsonObject().put("enabled", false)));
        assertRefused(api.call("GET", "/v1/containers", token, null));
        assertEquals(404, validate(token).status());

        // AND once enabled it works again
        patch("/identity/v3/projects/" + t.projectId,
                new JsonObject().put("project", new JsonObject().put("enabled", true)));
        assertEquals(200, api.call("GET", "/v1/containers", token, null).status());

        // WHEN the project is deleted, THEN the token is refused for good
        assertEquals(204, keystone("DELETE", "/identity/v3/projects/" + t.projectId, admin, null).status());
        assertRefused(api.call("GET", "/v1/containers", token, null));
    }

    @Test
    void deletingTheUserRefusesItsToken() {
        Tenant t = Tenant.create("delete");
        String token = t.login();
        assertEquals(200, api.call("GET", "/v1/containers", token, null).status());

        assertEquals(204, keystone("DELETE", "/identity/v3/users/" + t.userId, admin, null).status());

        assertRefused(api.call("GET", "/v1/containers", token, null));
        assertEquals(401, glance(token).status());
    }

    @Test
    void theRolesThatCountAreThoseAssignedNowNotThoseInTheToken() {
        // GIVEN a user who is admin and member of a project, with a token listing admin
        Tenant t = Tenant.create("demote");
        grant(t.projectId, t.userId, "admin");
        String token = t.login();
        assertTrue(claims(token).getJsonArray("roles").contains("admin"));
        assertEquals(200, api.call("GET", "/v1/hosts", token, null).status());

        // WHEN the admin role is revoked, the member role staying
        assertEquals(204, keystone("DELETE", "/identity/v3/projects/" + t.projectId + "/users/" + t.userId
                + "/roles/admin", admin, null).status());

        // THEN the same token still works, but as a member: admin-only endpoints are forbidden
        assertEquals(200, api.call("GET", "/v1/containers", token, null).status());
        assertZunError(api.call("GET", "/v1/hosts", token, null), 403, null, null);
        // AND the identity API no longer takes it for an admin's either
        assertEquals(403, keystone("GET", "/identity/v3/users", token, null).status());
        // AND validation shows the roles as they are now
        assertEquals(Set.of("member", "reader"), roleNames(validate(token).json().getJsonObject("token")));
    }

    @Test
    void aDisabledAdminCannotUseTheAdminApiWithAnOldToken() {
        // GIVEN a second admin with a token
        Tenant t = Tenant.create("admin2");
        grant(t.projectId, t.userId, "admin");
        String token = t.login();
        assertEquals(200, keystone("GET", "/identity/v3/users", token, null).status());

        // WHEN it is disabled, THEN its token opens neither the admin API nor /v1
        patch("/identity/v3/users/" + t.userId, new JsonObject().put("user", new JsonObject().put("enabled", false)));
        assertEquals(401, keystone("GET", "/identity/v3/users", token, null).status());
        assertRefused(api.call("GET", "/v1/hosts", token, null));
    }

    @Test
    void servicePlatformTokensAreNotCheckedAgainstTheTables() {
        // GIVEN a token the platform minted itself for a user and project that are not in the identity tables
        String token = api.memberToken(ApiPlatform.newProject());
        assertFalse(claims(token).containsKey(TokenService.ACCOUNT_CLAIM));

        // THEN it is honoured as before
        assertEquals(200, api.call("GET", "/v1/containers", token, null).status());
        // while identity service tokens carry the mark
        assertEquals(TokenService.LOCAL_ACCOUNT, claims(admin).getString(TokenService.ACCOUNT_CLAIM));
    }

    @Test
    void answersAreCachedForTheTtlSoAChangeFromElsewhereTakesEffectWhenTheEntryExpires() {
        // GIVEN a check with a clock the test moves, and a member's verified token
        Tenant t = Tenant.create("ttl");
        AtomicLong now = new AtomicLong(0);
        AccountCheck check = new AccountCheck(new Transactions(api.pool()), Duration.ofSeconds(5), now::get);
        TokenService.Verified v = await(api.platform().tokens().inspect(t.login()));
        assertTrue(v.account());
        Identity who = await(check.check(v));
        assertEquals(List.of("member", "reader"), who.roles());
        assertEquals(t.projectName, who.projectName());
        assertEquals(1, check.size());

        // WHEN another process disables the user (straight in the database: this process hears nothing)
        await(api.pool().preparedQuery("UPDATE users SET enabled = false WHERE id = $1")
                .execute(Tuple.of(t.userId)));

        // THEN the cached answer is used until the TTL has passed: no query per request
        now.addAndGet(Duration.ofMillis(4_900).toNanos());
        assertEquals(t.userId, await(check.check(v)).userId());

        // AND after it, the token is refused
        now.addAndGet(Duration.ofMillis(200).toNanos());
        Throwable refused = awaitFailure(check.check(v));
        assertTrue(refused instanceof ZunException z && z.status() == 401, refused.toString());

        // AND a refusal is cached too, until an invalidation (what the admin API does after every change)
        await(api.pool().preparedQuery("UPDATE users SET enabled = true WHERE id = $1")
                .execute(Tuple.of(t.userId)));
        assertTrue(awaitFailure(check.check(v)) instanceof ZunException);
        check.invalidate();
        assertEquals(0, check.size());
        assertEquals(t.userId, await(check.check(v)).userId());
    }

    @Test
    void theApiVerticlesOfAProcessShareOneCheck() {
        assertSame(AccountCheck.of(api.vertx(), new Transactions(api.pool())),
                AccountCheck.of(api.vertx(), new Transactions(api.pool())));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** The 401 every refused token gets on {@code /v1} (keystonemiddleware's body, as Zun answers behind it). */
    private static void assertRefused(Resp r) {
        assertEquals(401, r.status(), r.toString());
        JsonObject error = r.json().getJsonObject("error");
        assertNotNull(error, r.toString());
        assertEquals(401, error.getInteger("code"), r.toString());
        assertEquals("Unauthorized", error.getString("title"), r.toString());
        assertEquals("The request you have made requires authentication.", error.getString("message"));
        assertNotNull(r.header("WWW-Authenticate"), r.toString());
        assertEquals(r.json(), api.call("GET", "/v1/containers", "not-a-token", null).json(),
                "the same answer as for a bad token");
    }

    /** A project with one member user, made through the admin API. */
    private record Tenant(String projectId, String projectName, String userId, String userName, String password) {
        static Tenant create(String prefix) {
            String s = UUID.randomUUID().toString().substring(0, 8);
            JsonObject project = created(keystone("POST", "/identity/v3/projects", admin,
                    new JsonObject().put("project", new JsonObject().put("name", prefix + "-" + s))))
                    .getJsonObject("project");
            String password = "pw-" + UUID.randomUUID();
            JsonObject user = created(keystone("POST", "/identity/v3/users", admin, new JsonObject().put("user",
                    new JsonObject().put("name", prefix + "-user-" + s).put("password", password)
                            .put("default_project_id", project.getString("id"))))).getJsonObject("user");
            grant(project.getString("id"), user.getString("id"), "member");
            return new Tenant(project.getString("id"), project.getString("name"), user.getString("id"),
                    user.getString("name"), password);
        }

        String login() {
            return AccountTokensIT.login(userName, password, projectName);
        }
    }

    private static JsonObject created(Resp r) {
        assertEquals(201, r.status(), r.toString());
        return r.json();
    }

    private static void grant(String projectId, String userId, String role) {
        Resp r = keystone("PUT", "/identity/v3/projects/" + projectId + "/users/" + userId + "/roles/" + role, admin,
                null);
        assertEquals(204, r.status(), r.toString());
    }

    private static void patch(String path, JsonObject body) {
        Resp r = keystone("PATCH", path, admin, body);
        assertEquals(200, r.status(), r.toString());
    }

    private static String login(String user, String password, String project) {
        JsonObject body = new JsonObject().put("auth", new JsonObject()
                .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
                        .put("password", new JsonObject().put("user", new JsonObject().put("name", user)
                                .put("domain", new JsonObject().put("name", "Default")).put("password", password))))
                .put("scope", new JsonObject().put("project", new JsonObject().put("name", project)
                        .put("domain", new JsonObject().put("name", "Default")))));
        Resp r = keystone("POST", "/identity/v3/auth/tokens", null, body);
        assertEquals(201, r.status(), r.toString());
        return r.header("X-Subject-Token");
    }

    private static Resp validate(String token) {
        return api.send(HttpRequest.newBuilder(URI.create(api.url() + "/identity/v3/auth/tokens"))
                .header("X-Auth-Token", admin).header("X-Subject-Token", token).GET().build());
    }

    private static Resp keystone(String method, String path, String token, JsonObject body) {
        return api.call(method, path, token, body, null);
    }

    private static Resp glance(String token) {
        return api.send(HttpRequest.newBuilder(URI.create(api.url() + "/image/v2/images"))
                .header("X-Auth-Token", token).GET().build());
    }

    private static JsonObject claims(String jwt) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[1]),
                StandardCharsets.UTF_8));
    }

    private static Set<String> roleNames(JsonObject token) {
        Set<String> out = new HashSet<>();
        token.getJsonArray("roles").forEach(r -> out.add(((JsonObject) r).getString("name")));
        return out;
    }
}
