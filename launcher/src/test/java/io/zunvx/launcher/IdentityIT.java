package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.RowSet;
import io.vertx.sqlclient.Tuple;
import io.zunvx.api.identity.AdminBootstrap;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.platform.auth.TokenService;
import io.zunvx.platform.registry.CredentialCipher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The Keystone v3 subset under {@code /identity} on the real all-in-one: version discovery, password logins issuing
 * JWTs with a catalog, failures that give nothing away, login rate limiting, token validation, the admin API for
 * projects, users and grants, the bootstrap admin, and refusal of forged or stale tokens on {@code /v1}.
 */
class IdentityIT {
    static final String ADMIN_PASSWORD = "e2e-admin-secret";
    private static final int MAX_FAILURES = 3;
    /**
     * Long, so that however slowly the logins of a test follow each other they fall in one window; the test of the
     * window's end moves the window's start back in the database instead of waiting.
     */
    private static final Duration WINDOW = Duration.ofMinutes(10);

    @TempDir
    static Path data;

    static AllInOne platform;
    static Keystone keystone;
    static String adminToken;

    @BeforeAll
    static void start() {
        platform = Platforms.start(data, CrashPoints.NONE, Map.of(
                "ZUNVX_LOGIN_MAX_FAILURES", String.valueOf(MAX_FAILURES),
                "ZUNVX_LOGIN_WINDOW", WINDOW.toMinutes() + "m"));
        keystone = new Keystone("http://127.0.0.1:" + platform.apiPort());
        adminToken = keystone.login("admin", ADMIN_PASSWORD, "admin");
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
    }

    // ---- discovery and login --------------------------------------------------------------------------------------

    @Test
    void versionDocumentsAreWhatKeystoneauthDiscovers() {
        // WHEN the unversioned and the v3 roots are read without a token
        ZunHttp.Response root = keystone.send("GET", "/identity", null, Map.of(), null);
        ZunHttp.Response v3 = keystone.send("GET", "/identity/v3", null, Map.of(), null);
        ZunHttp.Response v3Slash = keystone.send("GET", "/identity/v3/", null, Map.of(), null);

        // THEN the root lists v3 with 300 Multiple Choices, as Keystone does, and v3 describes itself
        assertEquals(300, root.status(), root.body());
        assertJson(root);
        JsonObject listed = root.json().getJsonObject("versions").getJsonArray("values").getJsonObject(0);
        for (ZunHttp.Response r : List.of(v3, v3Slash)) {
            assertEquals(200, r.status(), r.body());
            assertJson(r);
            JsonObject version = r.json().getJsonObject("version");
            assertEquals(listed, version);
            assertEquals("v3.14", version.getString("id"));
            assertEquals("stable", version.getString("status"));
            assertEquals(platform.apiUrl() + "/identity/v3/",
                    version.getJsonArray("links").getJsonObject(0).getString("href"));
            assertEquals("application/vnd.openstack.identity-v3+json",
                    version.getJsonArray("media-types").getJsonObject(0).getString("type"));
        }
    }

    @Test
    void passwordLoginByNamesGivesAJwtAndAKeystoneTokenWithZunInTheCatalog() {
        // WHEN the bootstrap admin logs in the way keystoneauth does (names in the Default domain)
        ZunHttp.Response r = keystone.auth(Keystone.password("admin", ADMIN_PASSWORD, "admin"));

        // THEN 201, the token in X-Subject-Token, and Keystone's body
        assertEquals(201, r.status(), r.body());
        assertJson(r);
        String token = r.header("X-Subject-Token");
        assertNotNull(token);
        assertEquals(3, token.split("\\.").length, "a JWT");
        assertEquals("ES256", part(token, 0).getString("alg"));
        JsonObject t = r.json().getJsonObject("token");
        assertEquals(new JsonArray().add("password"), t.getJsonArray("methods"));
        assertEquals(platform.bootstrap().userId(), t.getJsonObject("user").getString("id"));
        assertEquals("admin", t.getJsonObject("user").getString("name"));
        assertEquals("default", t.getJsonObject("user").getJsonObject("domain").getString("id"));
        assertEquals("Default", t.getJsonObject("user").getJsonObject("domain").getString("name"));
        assertTrue(t.getJsonObject("user").containsKey("password_expires_at"));
        assertEquals(platform.bootstrap().projectId(), t.getJsonObject("project").getString("id"));
        assertEquals("admin", t.getJsonObject("project").getString("name"));
        assertEquals(Set.of("admin", "member", "reader"), roleNames(t));
        String micros = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{6}Z";
        assertTrue(t.getString("issued_at").matches(micros), t.getString("issued_at"));
        assertTrue(t.getString("expires_at").matches(micros), t.getString("expires_at"));
        assertEquals(part(token, 1).getLong("exp"), Instant.parse(t.getString("expires_at")).getEpochSecond());

        // AND the catalog offers Zun as "container" on every interface, and this identity service
        JsonObject zun = service(t, "container");
        assertEquals("zun", zun.getString("name"));
        Set<String> interfaces = new HashSet<>();
        zun.getJsonArray("endpoints").forEach(e -> {
            JsonObject ep = (JsonObject) e;
            interfaces.add(ep.getString("interface"));
            assertEquals(platform.apiUrl() + "/v1", ep.getString("url"));
            assertEquals("RegionOne", ep.getString("region"));
            assertEquals("RegionOne", ep.getString("region_id"));
        });
        assertEquals(Set.of("public", "internal", "admin"), interfaces);
        assertEquals(platform.apiUrl() + "/identity/v3",
                service(t, "identity").getJsonArray("endpoints").getJsonObject(0).getString("url"));

        // AND the token opens the Zun API, as an admin
        ZunHttp zunApi = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), token, "1.40");
        assertEquals(200, zunApi.get("/v1/containers?all_projects=True").status());
    }

    @Test
    void loginByIdsAndWithoutScopeUsesTheDefaultProject() {
        // GIVEN a user whose default project is one it is a member of
        Tenant tenant = Tenant.create("ids");

        // WHEN it logs in by user id and project id, by domain id, and with no scope at all
        ZunHttp.Response byIds = keystone.auth(new JsonObject().put("auth", new JsonObject()
                .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
                        .put("password", new JsonObject().put("user", new JsonObject().put("id", tenant.userId)
                                .put("password", tenant.password))))
                .put("scope", new JsonObject().put("project", new JsonObject().put("id", tenant.projectId)))));
        ZunHttp.Response byDomainId = keystone.auth(new JsonObject().put("auth", new JsonObject()
                .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
                        .put("password", new JsonObject().put("user", new JsonObject().put("name", tenant.userName)
                                .put("domain", new JsonObject().put("id", "default"))
                                .put("password", tenant.password))))
                .put("scope", new JsonObject().put("project", new JsonObject().put("name", tenant.projectName)
                        .put("domain", new JsonObject().put("id", "default"))))));
        ZunHttp.Response unscoped = keystone.auth(new JsonObject().put("auth", new JsonObject()
                .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
                        .put("password", new JsonObject().put("user", new JsonObject().put("name", tenant.userName)
                                .put("password", tenant.password))))));

        // THEN each is a token for the tenant's project, with member and the reader role it implies
        for (ZunHttp.Response r : List.of(byIds, byDomainId, unscoped)) {
            assertEquals(201, r.status(), r.body());
            JsonObject t = r.json().getJsonObject("token");
            assertEquals(tenant.projectId, t.getJsonObject("project").getString("id"));
            assertEquals(tenant.userId, t.getJsonObject("user").getString("id"));
            assertEquals(Set.of("member", "reader"), roleNames(t));
            JsonObject claims = part(r.header("X-Subject-Token"), 1);
            assertEquals(tenant.userId, claims.getString("sub"));
            assertEquals(tenant.projectId, claims.getString("project_id"));
            assertEquals(tenant.projectName, claims.getString("project_name"));
        }

        // AND a project the user has no role on cannot be chosen
        ZunHttp.Response foreign = keystone.auth(Keystone.password(tenant.userName, tenant.password, "admin"));
        assertKeystoneError(foreign, 401, "Unauthorized");
    }

    @Test
    void wrongPasswordUnknownUserAndDisabledUserAllGetTheSameAnswer() {
        // GIVEN a user, and a disabled user with a known password
        Tenant tenant = Tenant.create("same");
        String disabled = "disabled-" + suffix();
        keystone.ok(201, keystone.send("POST", "/identity/v3/users", adminToken, Map.of(), new JsonObject()
                .put("user", new JsonObject().put("name", disabled).put("password", "known-pw")
                        .put("enabled", false).put("default_project_id", tenant.projectId)).encode()));

        // WHEN each logs in wrongly in its own way
        List<ZunHttp.Response> answers = List.of(
                keystone.auth(Keystone.password(tenant.userName, "wrong", tenant.projectName)),
                keystone.auth(Keystone.password("nobody-" + suffix(), "whatever", tenant.projectName)),
                keystone.auth(Keystone.password(disabled, "known-pw", tenant.projectName)));

        // THEN each answer is the same 401 in Keystone's shape, with no hint of what was wrong
        for (ZunHttp.Response r : answers) {
            assertKeystoneError(r, 401, "Unauthorized");
            assertEquals("The request you have made requires authentication.",
                    r.json().getJsonObject("error").getString("message"));
            assertEquals(answers.getFirst().body(), r.body());
            assertNull(r.header("X-Subject-Token"));
            assertNotNull(r.header("WWW-Authenticate"));
        }
    }

    @Test
    void repeatedFailuresLockTheNameOutForTheWindowAndSuccessResetsTheCount() {
        // GIVEN a user
        Tenant tenant = Tenant.create("throttle");
        JsonObject right = Keystone.password(tenant.userName, tenant.password, tenant.projectName);
        JsonObject wrong = Keystone.password(tenant.userName, "wrong", tenant.projectName);

        // WHEN it fails fewer times than the limit between successes
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < MAX_FAILURES - 1; i++) {
                assertEquals(401, keystone.auth(wrong).status());
            }
            // THEN the right password still works, and resets the count
            assertEquals(201, keystone.auth(right).status(), "round " + round);
        }

        // WHEN it fails as many times as allowed, mixing its name and its id
        for (int i = 0; i < MAX_FAILURES - 1; i++) {
            assertEquals(401, keystone.auth(wrong).status());
        }
        JsonObject wrongById = new JsonObject(wrong.encode());
        JsonObject user = wrongById.getJsonObject("auth").getJsonObject("identity").getJsonObject("password")
                .getJsonObject("user");
        user.remove("name");
        user.remove("domain");
        user.put("id", tenant.userId);
        assertEquals(401, keystone.auth(wrongById).status());

        // THEN even the right password is refused with 429 until the window has passed
        ZunHttp.Response locked = keystone.auth(right);
        assertKeystoneError(locked, 429, "Too Many Requests");
        assertNotNull(locked.header("Retry-After"));
        assertNull(locked.header("X-Subject-Token"));

        // AND other users from the same address are not affected
        assertEquals(201, keystone.auth(Keystone.password("admin", ADMIN_PASSWORD, "admin")).status());

        // AND a minute before the window ends it still holds
        windowStartedAgo(tenant, WINDOW.minusMinutes(1));
        assertKeystoneError(keystone.auth(right), 429, "Too Many Requests");

        // AND once the window has passed, the right password works again
        windowStartedAgo(tenant, WINDOW.plusSeconds(1));
        ZunHttp.Response later = keystone.auth(right);
        assertEquals(201, later.status(), later.body());
    }

    @Test
    void unknownNamesAreLockedOutLikeRealOnes() {
        // GIVEN a name nobody has
        JsonObject guess = Keystone.password("ghost-" + suffix(), "guess", "admin");

        // WHEN it is tried more often than allowed
        for (int i = 0; i < MAX_FAILURES; i++) {
            assertEquals(401, keystone.auth(guess).status());
        }

        // THEN it is locked out the same way, so lockouts do not tell which names exist
        assertKeystoneError(keystone.auth(guess), 429, "Too Many Requests");
    }

    // ---- validation and keys --------------------------------------------------------------------------------------

    @Test
    void tokensAreValidatedForTheirOwnerAndForAdmins() {
        // GIVEN a member's token and another member's token
        Tenant a = Tenant.create("val-a");
        Tenant b = Tenant.create("val-b");
        String tokenA = a.login();
        String tokenB = b.login();

        // WHEN the admin validates A's token
        ZunHttp.Response byAdmin = keystone.send("GET", "/identity/v3/auth/tokens", adminToken,
                Map.of("X-Subject-Token", tokenA), null);

        // THEN it gets A's token body
        assertEquals(200, byAdmin.status(), byAdmin.body());
        assertJson(byAdmin);
        JsonObject t = byAdmin.json().getJsonObject("token");
        assertEquals(a.userId, t.getJsonObject("user").getString("id"));
        assertEquals(a.userName, t.getJsonObject("user").getString("name"));
        assertEquals(a.projectId, t.getJsonObject("project").getString("id"));
        assertEquals(Set.of("member", "reader"), roleNames(t));
        t.getJsonArray("roles").forEach(r -> assertNotEquals(((JsonObject) r).getString("name"),
                ((JsonObject) r).getString("id"), "roles carry their ids"));
        assertEquals(part(tokenA, 1).getLong("exp"), Instant.parse(t.getString("expires_at")).getEpochSecond());
        assertNotNull(service(t, "container"));
        assertEquals(tokenA, byAdmin.header("X-Subject-Token"));

        // AND HEAD says the same without a body; A may check its own token; B may not check A's
        ZunHttp.Response head = keystone.send("HEAD", "/identity/v3/auth/tokens", adminToken,
                Map.of("X-Subject-Token", tokenA), null);
        assertEquals(200, head.status());
        assertEquals("", head.body());
        assertEquals(200, keystone.send("GET", "/identity/v3/auth/tokens", tokenA,
                Map.of("X-Subject-Token", tokenA), null).status());
        assertKeystoneError(keystone.send("GET", "/identity/v3/auth/tokens", tokenB,
                Map.of("X-Subject-Token", tokenA), null), 403, "Forbidden");

        // AND a forged or missing subject is not found, and a missing caller token is unauthenticated
        String[] parts = tokenA.split("\\.");
        String tampered = parts[0] + "." + b64(part(tokenA, 1).put("project_id", "other").encode()) + "." + parts[2];
        for (String bad : List.of(tampered, "garbage", "")) {
            assertKeystoneError(keystone.send("GET", "/identity/v3/auth/tokens", adminToken,
                    Map.of("X-Subject-Token", bad), null), 404, "Not Found");
        }
        assertKeystoneError(keystone.send("GET", "/identity/v3/auth/tokens", null,
                Map.of("X-Subject-Token", tokenA), null), 401, "Unauthorized");

        // AND once A is disabled its token no longer validates
        keystone.ok(200, keystone.send("PATCH", "/identity/v3/users/" + a.userId, adminToken, Map.of(),
                new JsonObject().put("user", new JsonObject().put("enabled", false)).encode()));
        assertKeystoneError(keystone.send("GET", "/identity/v3/auth/tokens", adminToken,
                Map.of("X-Subject-Token", tokenA), null), 404, "Not Found");
    }

    @Test
    void theTokenMethodRescopesToAnotherProjectOfTheSameUser() {
        // GIVEN a user with roles on two projects, logged in to the first
        Tenant tenant = Tenant.create("rescope");
        JsonObject second = keystone.createProject(adminToken, "rescope-2-" + suffix());
        keystone.grant(adminToken, second.getString("id"), tenant.userId, "reader");
        String first = tenant.login();

        // WHEN its token is exchanged for one scoped to the second project
        ZunHttp.Response r = keystone.auth(new JsonObject().put("auth", new JsonObject()
                .put("identity", new JsonObject().put("methods", new JsonArray().add("token"))
                        .put("token", new JsonObject().put("id", first)))
                .put("scope", new JsonObject().put("project", new JsonObject().put("id", second.getString("id"))))));

        // THEN the new token acts there, with the roles held there
        assertEquals(201, r.status(), r.body());
        JsonObject t = r.json().getJsonObject("token");
        assertEquals(second.getString("id"), t.getJsonObject("project").getString("id"));
        assertEquals(Set.of("reader"), roleNames(t));
        assertEquals(new JsonArray().add("token"), t.getJsonArray("methods"));

        // AND a project without a role is refused
        JsonObject third = keystone.createProject(adminToken, "rescope-3-" + suffix());
        assertKeystoneError(keystone.auth(new JsonObject().put("auth", new JsonObject()
                .put("identity", new JsonObject().put("methods", new JsonArray().add("token"))
                        .put("token", new JsonObject().put("id", first)))
                .put("scope", new JsonObject().put("project", new JsonObject().put("id", third.getString("id")))))),
                401, "Unauthorized");
    }

    @Test
    void jwksPublishesTheKeyThatSignsTokens() {
        // WHEN the key set is read without a token
        ZunHttp.Response r = keystone.send("GET", "/identity/v3/auth/jwks", null, Map.of(), null);

        // THEN it holds the kid of issued tokens, as a public EC key only
        assertEquals(200, r.status(), r.body());
        JsonArray keys = r.json().getJsonArray("keys");
        Set<String> kids = new HashSet<>();
        keys.forEach(k -> {
            JsonObject key = (JsonObject) k;
            kids.add(key.getString("kid"));
            assertEquals("EC", key.getString("kty"));
            assertFalse(key.containsKey("d"), key.encode());
        });
        assertTrue(kids.contains(part(adminToken, 0).getString("kid")), keys.encode());
    }

    // ---- admin API ------------------------------------------------------------------------------------------------

    @Test
    void theDefaultDomainIsListedByNameAndShownAsTempestsCredentialProviderAsksForIt() {
        // WHEN the admin lists the domains named Default, as tempest's dynamic credentials do
        ZunHttp.Response named = keystone.send("GET", "/identity/v3/domains?name=Default", adminToken, Map.of(),
                null);
        // THEN the one domain comes back in Keystone's shape
        assertEquals(200, named.status(), named.body());
        JsonArray domains = named.json().getJsonArray("domains");
        assertEquals(1, domains.size(), named.body());
        JsonObject d = domains.getJsonObject(0);
        assertEquals("default", d.getString("id"));
        assertEquals("Default", d.getString("name"));
        assertEquals(true, d.getBoolean("enabled"));
        assertEquals(platform.apiUrl() + "/identity/v3/domains/default", d.getJsonObject("links").getString("self"));
        assertEquals(platform.apiUrl() + "/identity/v3/domains",
                named.json().getJsonObject("links").getString("self"));

        // AND another name lists nothing, all of them the one
        assertEquals(0, keystone.send("GET", "/identity/v3/domains?name=Other", adminToken, Map.of(), null).json()
                .getJsonArray("domains").size());
        assertEquals(1, keystone.send("GET", "/identity/v3/domains", adminToken, Map.of(), null).json()
                .getJsonArray("domains").size());

        // AND show answers the domain, and Keystone's 404 for any other id
        ZunHttp.Response shown = keystone.send("GET", "/identity/v3/domains/default", adminToken, Map.of(), null);
        assertEquals(200, shown.status(), shown.body());
        assertEquals("Default", shown.json().getJsonObject("domain").getString("name"));
        ZunHttp.Response missing = keystone.send("GET", "/identity/v3/domains/nope", adminToken, Map.of(), null);
        assertEquals(404, missing.status(), missing.body());
        assertEquals("Could not find domain: nope.", missing.json().getJsonObject("error").getString("message"));

        // AND a project and a user made with domain_id default, as the provider makes them, are there
        ZunHttp.Response project = keystone.send("POST", "/identity/v3/projects", adminToken, Map.of(),
                new JsonObject().put("project", new JsonObject().put("name", "dyn-" + suffix())
                        .put("description", "dyn").put("domain_id", "default")).encode());
        assertEquals(201, project.status(), project.body());
        ZunHttp.Response user = keystone.send("POST", "/identity/v3/users", adminToken, Map.of(),
                new JsonObject().put("user", new JsonObject().put("name", "dyn-user-" + suffix())
                        .put("password", "pw-" + suffix()).put("domain_id", "default")).encode());
        assertEquals(201, user.status(), user.body());
        assertEquals("default", user.json().getJsonObject("user").getString("domain_id"));
    }

    @Test
    void adminManagesProjectsUsersAndGrantsInKeystonesShapes() {
        // WHEN the admin creates a project, a user in it, and grants the user member there (role by name)
        String projectName = "crud-" + suffix();
        JsonObject project = keystone.createProject(adminToken, projectName);
        String userName = "crud-user-" + suffix();
        ZunHttp.Response createdUser = keystone.send("POST", "/identity/v3/users", adminToken, Map.of(),
                new JsonObject().put("user", new JsonObject().put("name", userName).put("password", "pw-" + suffix())
                        .put("default_project_id", project.getString("id"))
                        .put("description", "made by a test")).encode());
        assertEquals(201, createdUser.status(), createdUser.body());
        JsonObject user = createdUser.json().getJsonObject("user");
        keystone.grant(adminToken, project.getString("id"), user.getString("id"), "member");

        // THEN project and user come back in Keystone's shapes, the user never with a password
        assertEquals(projectName, project.getString("name"));
        assertEquals("default", project.getString("domain_id"));
        assertEquals(true, project.getBoolean("enabled"));
        assertTrue(project.getString("id").matches("[0-9a-f]{32}"), project.getString("id"));
        assertEquals(platform.apiUrl() + "/identity/v3/projects/" + project.getString("id"),
                project.getJsonObject("links").getString("self"));
        assertEquals(userName, user.getString("name"));
        assertEquals(project.getString("id"), user.getString("default_project_id"));
        assertFalse(createdUser.body().contains("pw-"), createdUser.body());
        assertFalse(createdUser.body().contains("pbkdf2"), createdUser.body());
        assertFalse(user.containsKey("password"));

        // AND they can be read back and listed by name
        JsonObject listed = keystone.ok(200, keystone.send("GET", "/identity/v3/projects?name=" + projectName,
                adminToken, Map.of(), null));
        assertEquals(1, listed.getJsonArray("projects").size());
        assertEquals(project, listed.getJsonArray("projects").getJsonObject(0));
        assertTrue(listed.getJsonObject("links").containsKey("next"));
        assertEquals(project, keystone.ok(200, keystone.send("GET", "/identity/v3/projects/" + project.getString("id"),
                adminToken, Map.of(), null)).getJsonObject("project"));
        JsonObject users = keystone.ok(200, keystone.send("GET", "/identity/v3/users?name=" + userName, adminToken,
                Map.of(), null));
        assertEquals(user, users.getJsonArray("users").getJsonObject(0));
        assertFalse(users.encode().contains("pbkdf2"));

        // AND the roles are Keystone's defaults, and the assignment is listed with names on request
        JsonObject roles = keystone.ok(200, keystone.send("GET", "/identity/v3/roles", adminToken, Map.of(), null));
        Set<String> roleNames = new HashSet<>();
        roles.getJsonArray("roles").forEach(r -> roleNames.add(((JsonObject) r).getString("name")));
        assertTrue(roleNames.containsAll(Set.of("admin", "member", "reader")), roleNames.toString());
        JsonObject assignments = keystone.ok(200, keystone.send("GET", "/identity/v3/role_assignments?user.id="
                + user.getString("id") + "&scope.project.id=" + project.getString("id") + "&include_names=true",
                adminToken, Map.of(), null));
        JsonArray as = assignments.getJsonArray("role_assignments");
        assertEquals(1, as.size(), as.encode());
        assertEquals("member", as.getJsonObject(0).getJsonObject("role").getString("name"));
        assertEquals(user.getString("id"), as.getJsonObject(0).getJsonObject("user").getString("id"));
        assertEquals(project.getString("id"),
                as.getJsonObject(0).getJsonObject("scope").getJsonObject("project").getString("id"));
        String grantPath = "/identity/v3/projects/" + project.getString("id") + "/users/" + user.getString("id")
                + "/roles/" + as.getJsonObject(0).getJsonObject("role").getString("id");
        assertEquals(204, keystone.send("HEAD", grantPath, adminToken, Map.of(), null).status());

        // AND duplicates conflict, unknown things are not found
        assertKeystoneError(keystone.send("POST", "/identity/v3/projects", adminToken, Map.of(),
                new JsonObject().put("project", new JsonObject().put("name", projectName)).encode()), 409, "Conflict");
        assertKeystoneError(keystone.send("POST", "/identity/v3/users", adminToken, Map.of(),
                new JsonObject().put("user", new JsonObject().put("name", userName).put("password", "x")).encode()),
                409, "Conflict");
        assertKeystoneError(keystone.send("PUT", "/identity/v3/projects/" + project.getString("id") + "/users/"
                + user.getString("id") + "/roles/no-such-role", adminToken, Map.of(), null), 404, "Not Found");
        assertKeystoneError(keystone.send("GET", "/identity/v3/projects/nope", adminToken, Map.of(), null),
                404, "Not Found");
        assertKeystoneError(keystone.send("POST", "/identity/v3/projects", adminToken, Map.of(),
                new JsonObject().put("project", new JsonObject().put("name", "")).encode()), 400, "Bad Request");

        // WHEN the grant is revoked, the user deleted, then the project
        assertEquals(204, keystone.send("DELETE", grantPath, adminToken, Map.of(), null).status());
        assertKeystoneError(keystone.send("DELETE", grantPath, adminToken, Map.of(), null), 404, "Not Found");
        assertEquals(204, keystone.send("DELETE", "/identity/v3/users/" + user.getString("id"), adminToken,
                Map.of(), null).status());
        assertEquals(204, keystone.send("DELETE", "/identity/v3/projects/" + project.getString("id"), adminToken,
                Map.of(), null).status());

        // THEN they are gone
        assertKeystoneError(keystone.send("GET", "/identity/v3/users/" + user.getString("id"), adminToken, Map.of(),
                null), 404, "Not Found");
        assertEquals(0, keystone.ok(200, keystone.send("GET", "/identity/v3/projects?name=" + projectName,
                adminToken, Map.of(), null)).getJsonArray("projects").size());
    }

    @Test
    void nonAdminsGetKeystonesForbiddenAndAnonymousCallersItsUnauthorized() {
        // GIVEN a member's token
        Tenant tenant = Tenant.create("forbidden");
        String member = tenant.login();

        // THEN every admin call is forbidden to it, in Keystone's shape naming the action
        Map<String, String> calls = new LinkedHashMap<>();
        calls.put("POST /identity/v3/projects", "{\"project\": {\"name\": \"x-" + suffix() + "\"}}");
        calls.put("GET /identity/v3/projects", null);
        calls.put("GET /identity/v3/users", null);
        calls.put("POST /identity/v3/users", "{\"user\": {\"name\": \"x-" + suffix() + "\", \"password\": \"p\"}}");
        calls.put("DELETE /identity/v3/users/" + platform.bootstrap().userId(), null);
        calls.put("GET /identity/v3/roles", null);
        calls.put("GET /identity/v3/domains", null);
        calls.put("GET /identity/v3/role_assignments", null);
        calls.put("PUT /identity/v3/projects/" + platform.bootstrap().projectId() + "/users/" + tenant.userId
                + "/roles/admin", null);
        calls.put("GET /identity/v3/users/" + platform.bootstrap().userId(), null);
        for (var call : calls.entrySet()) {
            String[] mp = call.getKey().split(" ");
            ZunHttp.Response r = keystone.send(mp[0], mp[1], member, Map.of(), call.getValue());
            assertKeystoneError(r, 403, "Forbidden");
            assertTrue(r.json().getJsonObject("error").getString("message")
                    .startsWith("You are not authorized to perform the requested action: identity:"), r.body());
            ZunHttp.Response anonymous = keystone.send(mp[0], mp[1], null, Map.of(), call.getValue());
            assertKeystoneError(anonymous, 401, "Unauthorized");
        }

        // AND it may still read itself and its own project, and list its projects
        assertEquals(200, keystone.send("GET", "/identity/v3/users/" + tenant.userId, member, Map.of(), null).status());
        assertEquals(200, keystone.send("GET", "/identity/v3/projects/" + tenant.projectId, member, Map.of(), null)
                .status());
        JsonObject mine = keystone.ok(200, keystone.send("GET", "/identity/v3/auth/projects", member, Map.of(), null));
        assertEquals(1, mine.getJsonArray("projects").size());
        assertEquals(tenant.projectId, mine.getJsonArray("projects").getJsonObject(0).getString("id"));
    }

    @Test
    void bootstrapAdminIsCreatedOnceAndNeverReset() {
        AdminBootstrap.Admin admin = new AdminBootstrap.Admin(platform.bootstrap().userId(), "admin",
                platform.bootstrap().projectId(), "admin", ADMIN_PASSWORD);
        // WHEN the bootstrap runs again with the same settings
        AdminBootstrap.ensure(platform.vertx(), platform.platform().transactions(), admin).await();

        // THEN nothing changed: one admin user, one admin grant, same ids, same password
        List<Row> users = rows("SELECT id FROM users WHERE name = 'admin'");
        assertEquals(List.of(platform.bootstrap().userId()), users.stream().map(r -> r.getString("id")).toList());
        assertEquals(1, rows("SELECT 1 FROM role_assignments a JOIN roles r ON r.id = a.role_id "
                + "WHERE a.user_id = '" + platform.bootstrap().userId() + "' AND r.name = 'admin'").size());
        assertEquals(201, keystone.auth(Keystone.password("admin", ADMIN_PASSWORD, "admin")).status());

        // WHEN it runs with another password (a restart or a migrate with a changed ZUNVX_ADMIN_PASSWORD)
        AdminBootstrap.ensure(platform.vertx(), platform.platform().transactions(),
                new AdminBootstrap.Admin(admin.userId(), admin.userName(), admin.projectId(), admin.projectName(),
                        "rotated-" + ADMIN_PASSWORD)).await();

        // THEN the stored password is kept: the admin is never silently reset
        assertEquals(201, keystone.auth(Keystone.password("admin", ADMIN_PASSWORD, "admin")).status());
        assertEquals(401, keystone.auth(Keystone.password("admin", "rotated-" + ADMIN_PASSWORD, "admin"))
                .status());
        assertEquals(200, new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40")
                .get("/v1/containers").status());
    }

    // ---- forged and stale tokens on /v1 ---------------------------------------------------------------------------

    @Test
    void forgedExpiredEarlyAndMisaddressedTokensGetKeystonesUnauthorizedOnZun() throws Exception {
        // GIVEN the platform's own signing key, and claims for the bootstrap admin
        Row key = rows("SELECT * FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, seq DESC")
                .getFirst();
        String kid = key.getString("kid");
        String ourKey = TokenService.privateKeyPem(rows("SELECT private_key FROM signing_key_secrets WHERE kid = '"
                + kid + "'").getFirst().getString("private_key"),
                CredentialCipher.forSigningKeys(platform.platform().config()));
        Instant now = Instant.now();
        JsonObject claims = new JsonObject().put("sub", platform.bootstrap().userId()).put("name", "admin")
                .put("project_id", platform.bootstrap().projectId()).put("project_name", "admin")
                .put("roles", new JsonArray().add("admin"))
                .put("iat", now.getEpochSecond()).put("nbf", now.getEpochSecond())
                .put("exp", now.plusSeconds(600).getEpochSecond());

        // AND a correctly made token, to show the forgeries below differ only in what they test
        String good = sign("ES256", ourKey, kid, "zunvx", "zunvx", claims);
        ZunHttp zun = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), good, "1.40");
        assertEquals(200, zun.get("/v1/containers").status());

        KeyPairGenerator rsa = KeyPairGenerator.getInstance("RSA");
        rsa.initialize(2048);
        KeyPair foreignRsa = rsa.generateKeyPair();
        String[] goodParts = good.split("\\.");
        Map<String, String> forged = new LinkedHashMap<>();
        forged.put("alg none", b64(new JsonObject().put("alg", "none").put("typ", "JWT").put("kid", kid).encode())
                + "." + goodParts[1] + ".");
        forged.put("alg none keeping the signature", b64(new JsonObject().put("alg", "none").put("kid", kid).encode())
                + "." + goodParts[1] + "." + goodParts[2]);
        forged.put("RSA key under our kid", sign("RS256", pem("PRIVATE KEY", foreignRsa.getPrivate().getEncoded()),
                kid, "zunvx", "zunvx", claims));
        forged.put("HS256 keyed with our public key", hmac(key.getString("public_key"), kid, goodParts[1]));
        forged.put("expired", sign("ES256", ourKey, kid, "zunvx", "zunvx", claims.copy()
                .put("iat", now.minusSeconds(7200).getEpochSecond()).put("nbf", now.minusSeconds(7200).getEpochSecond())
                .put("exp", now.minusSeconds(3600).getEpochSecond())));
        forged.put("not yet valid", sign("ES256", ourKey, kid, "zunvx", "zunvx", claims.copy()
                .put("iat", now.plusSeconds(3600).getEpochSecond()).put("nbf", now.plusSeconds(3600).getEpochSecond())
                .put("exp", now.plusSeconds(7200).getEpochSecond())));
        forged.put("another issuer", sign("ES256", ourKey, kid, "https://elsewhere.example", "zunvx", claims));
        forged.put("another audience", sign("ES256", ourKey, kid, "zunvx", "billing", claims));
        forged.put("no audience", sign("ES256", ourKey, kid, "zunvx", null, claims));
        forged.put("no expiry", sign("ES256", ourKey, kid, "zunvx", "zunvx", claims.copy().put("exp", null)));
        forged.put("claims rewritten", goodParts[0] + "." + b64(claims.copy().put("project_id", "other").encode())
                + "." + goodParts[2]);

        // WHEN each is presented to Zun, in X-Auth-Token and as a Bearer token
        for (var f : forged.entrySet()) {
            ZunHttp.Response r = zun.withToken(f.getValue()).get("/v1/containers");
            ZunHttp.Response bearer = keystone.send("GET", "/v1/containers", null,
                    Map.of("Authorization", "Bearer " + f.getValue()), null);

            // THEN each is refused with keystonemiddleware's 401
            for (ZunHttp.Response x : List.of(r, bearer)) {
                assertKeystoneError(x, 401, "Unauthorized");
                assertEquals("The request you have made requires authentication.",
                        x.json().getJsonObject("error").getString("message"), f.getKey());
                assertNotNull(x.header("WWW-Authenticate"), f.getKey());
            }
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /** A project with one member user, made through the admin API. */
    record Tenant(String projectId, String projectName, String userId, String userName, String password) {
        static Tenant create(String prefix) {
            String s = suffix();
            JsonObject project = keystone.createProject(adminToken, prefix + "-" + s);
            String password = "pw-" + UUID.randomUUID();
            JsonObject user = keystone.createUser(adminToken, prefix + "-user-" + s, password,
                    project.getString("id"));
            keystone.grant(adminToken, project.getString("id"), user.getString("id"), "member");
            return new Tenant(project.getString("id"), project.getString("name"), user.getString("id"),
                    user.getString("name"), password);
        }

        String login() {
            return keystone.login(userName, password, projectName);
        }
    }

    /** A blocking client for the identity API, as the OpenStack clients use it. */
    static final class Keystone {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        private final String base;

        Keystone(String base) {
            this.base = base;
        }

        ZunHttp.Response send(String method, String path, String token, Map<String, String> headers, String body) {
            HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30))
                    .header("Accept", "application/json");
            if (token != null) {
                b.header("X-Auth-Token", token);
            }
            headers.forEach(b::header);
            if (body != null) {
                b.header("Content-Type", "application/json");
            }
            b.method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
            try {
                HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
                return new ZunHttp.Response(r.statusCode(), r.body(), r);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }

        JsonObject ok(int status, ZunHttp.Response r) {
            assertEquals(status, r.status(), r.body());
            return r.body().isEmpty() ? new JsonObject() : r.json();
        }

        ZunHttp.Response auth(JsonObject body) {
            return send("POST", "/identity/v3/auth/tokens", null, Map.of(), body.encode());
        }

        String login(String user, String password, String project) {
            ZunHttp.Response r = auth(password(user, password, project));
            assertEquals(201, r.status(), r.body());
            return r.header("X-Subject-Token");
        }

        /** The body keystoneauth sends for a password login by names in the Default domain. */
        static JsonObject password(String user, String password, String project) {
            return new JsonObject().put("auth", new JsonObject()
                    .put("identity", new JsonObject().put("methods", new JsonArray().add("password"))
                            .put("password", new JsonObject().put("user", new JsonObject().put("name", user)
                                    .put("domain", new JsonObject().put("name", "Default"))
                                    .put("password", password))))
                    .put("scope", new JsonObject().put("project", new JsonObject().put("name", project)
                            .put("domain", new JsonObject().put("name", "Default")))));
        }

        JsonObject createProject(String token, String name) {
            return ok(201, send("POST", "/identity/v3/projects", token, Map.of(),
                    new JsonObject().put("project", new JsonObject().put("name", name)).encode()))
                    .getJsonObject("project");
        }

        JsonObject createUser(String token, String name, String password, String defaultProject) {
            return ok(201, send("POST", "/identity/v3/users", token, Map.of(), new JsonObject().put("user",
                    new JsonObject().put("name", name).put("password", password)
                            .put("default_project_id", defaultProject)).encode())).getJsonObject("user");
        }

        void grant(String token, String projectId, String userId, String role) {
            ok(204, send("PUT", "/identity/v3/projects/" + projectId + "/users/" + userId + "/roles/" + role, token,
                    Map.of(), null));
        }
    }

    static void assertKeystoneError(ZunHttp.Response r, int status, String title) {
        assertEquals(status, r.status(), r.body());
        assertJson(r);
        JsonObject error = r.json().getJsonObject("error");
        assertNotNull(error, "not Keystone's error body: " + r.body());
        assertEquals(status, error.getInteger("code"), r.body());
        assertEquals(title, error.getString("title"), r.body());
        assertNotNull(error.getString("message"), r.body());
    }

    static void assertJson(ZunHttp.Response r) {
        String type = r.header("Content-Type");
        assertTrue(type != null && type.startsWith("application/json"), "content type " + type);
    }

    static Set<String> roleNames(JsonObject token) {
        Set<String> out = new HashSet<>();
        token.getJsonArray("roles").forEach(r -> out.add(((JsonObject) r).getString("name")));
        return out;
    }

    private static JsonObject service(JsonObject token, String type) {
        for (Object s : token.getJsonArray("catalog")) {
            if (type.equals(((JsonObject) s).getString("type"))) {
                return (JsonObject) s;
            }
        }
        throw new AssertionError("no " + type + " in " + token.getJsonArray("catalog").encode());
    }

    static JsonObject part(String jwt, int index) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]),
                StandardCharsets.UTF_8));
    }

    static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static String suffix() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    /** A JWT signed outside the platform, as a forger or a misconfigured peer would make it. */
    static String sign(String alg, String privatePem, String kid, String issuer, String audience, JsonObject claims) {
        JWTAuth signer = JWTAuth.create(platform.vertx(), new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
                .setAlgorithm(alg).setId(kid).setBuffer(privatePem)));
        JWTOptions options = new JWTOptions().setAlgorithm(alg).setIssuer(issuer).setNoTimestamp(true)
                .setHeader(new JsonObject().put("kid", kid));
        if (audience != null) {
            options.setAudience(List.of(audience));
        }
        JsonObject c = claims.copy();
        c.fieldNames().removeIf(k -> c.getValue(k) == null);
        return signer.generateToken(c, options);
    }

    /** An HS256 token over {@code payload} keyed with {@code secret} (algorithm confusion). */
    private static String hmac(String secret, String kid, String payload) throws Exception {
        String header = b64(new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", kid).encode());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String input = header + "." + payload;
        return input + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    /** Moves the start of the user's window of failed logins to {@code ago} before now, as if that time had passed. */
    private static void windowStartedAgo(Tenant tenant, Duration ago) {
        int moved = platform.platform().pool().preparedQuery(
                        "UPDATE login_failures SET window_start = $2 WHERE user_key = $1")
                .execute(Tuple.of("user:" + tenant.userId, OffsetDateTime.now(ZoneOffset.UTC).minus(ago)))
                .map(RowSet::rowCount).await();
        assertEquals(1, moved, "one window of failed logins for " + tenant.userName);
    }

    private static List<Row> rows(String sql) {
        return platform.platform().pool().query(sql).execute().map(rs -> {
            List<Row> out = new ArrayList<>();
            rs.forEach(out::add);
            return out;
        }).await();
    }
}
