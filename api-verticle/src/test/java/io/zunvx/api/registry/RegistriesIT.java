package io.zunvx.api.registry;

import static io.zunvx.api.ApiPlatform.assertZunError;
import static io.zunvx.api.ApiPlatform.newProject;
import static io.zunvx.platform.db.TestWaits.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zunvx.api.ApiPlatform;
import io.zunvx.api.ApiPlatform.Resp;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/registries} over HTTP on a real PostgreSQL and Kafka: Zun's wrapped shapes and status codes, Zun's
 * validation texts, tenancy, pagination, the password never shown and encrypted at rest, and a container create that
 * names a registry (or matches one by the image's registry host).
 */
class RegistriesIT {
    @TempDir
    static Path dir;

    private static ApiPlatform api;
    private static String admin;

    @BeforeAll
    static void start() {
        api = ApiPlatform.start(dir, Map.of("ZUNVX_REGISTRY_KEY",
                java.util.Base64.getEncoder().encodeToString(new byte[32])));
        admin = api.adminToken();
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    private static JsonObject registryBody(String name, String domain, String user, String password) {
        JsonObject r = new JsonObject().put("domain", domain);
        if (name != null) {
            r.put("name", name);
        }
        if (user != null) {
            r.put("username", user);
        }
        if (password != null) {
            r.put("password", password);
        }
        return new JsonObject().put("registry", r);
    }

    private static byte[] rawPassword(String uuid) {
        Row row = await(api.pool().preparedQuery("SELECT password_enc FROM registries WHERE uuid = $1")
                .execute(Tuple.of(UUID.fromString(uuid)))).iterator().next();
        var b = row.getBuffer("password_enc");
        return b == null ? null : b.getBytes();
    }

    @Test
    void crudKeepsThePasswordEncryptedAndNeverShowsIt() {
        // GIVEN a member of a project
        String token = api.memberToken(newProject());

        // WHEN they create a registry with credentials
        Resp created = api.call("POST", "/v1/registries", token,
                registryBody("myreg", "127.0.0.1:5000", "alice", "s3cret-pass"));

        // THEN 201 with Location and the registry wrapped, its password masked
        assertEquals(201, created.status(), created.toString());
        JsonObject reg = created.json().getJsonObject("registry");
        String uuid = reg.getString("uuid");
        assertEquals(api.url() + "/v1/registries/" + uuid, created.header("Location"));
        assertEquals("myreg", reg.getString("name"));
        assertEquals("127.0.0.1:5000", reg.getString("domain"));
        assertEquals("alice", reg.getString("username"));
        assertEquals("***", reg.getString("password"));
        assertEquals(api.url() + "/v1/registries/" + uuid,
                reg.getJsonArray("links").getJsonObject(0).getString("href"));
        assertFalse(created.text().contains("s3cret-pass"));

        // AND at rest the column holds ciphertext, not the password
        byte[] raw = rawPassword(uuid);
        assertNotNull(raw);
        assertFalse(new String(raw, StandardCharsets.ISO_8859_1).contains("s3cret-pass"), "stored in clear");
        assertTrue(raw.length > "s3cret-pass".length(), "nonce and tag stored with the ciphertext");

        // AND it is found by uuid and by name, and listed
        assertEquals(reg, api.call("GET", "/v1/registries/" + uuid, token, null).json().getJsonObject("registry"));
        assertEquals(reg, api.call("GET", "/v1/registries/myreg", token, null).json().getJsonObject("registry"));
        JsonObject list = api.call("GET", "/v1/registries", token, null).json();
        assertEquals(new JsonArray().add(reg), list.getJsonArray("registries"));
        assertNull(list.getValue("next"));

        // WHEN the password and user are changed
        Resp updated = api.call("PATCH", "/v1/registries/myreg", token, new JsonObject().put("registry",
                new JsonObject().put("username", "bob").put("password", "other-pass")));

        // THEN the answer shows the user, masks the password, and the stored ciphertext changed
        assertEquals(200, updated.status(), updated.toString());
        assertEquals("bob", updated.json().getJsonObject("registry").getString("username"));
        assertEquals("***", updated.json().getJsonObject("registry").getString("password"));
        byte[] raw2 = rawPassword(uuid);
        assertFalse(java.util.Arrays.equals(raw, raw2));
        assertFalse(new String(raw2, StandardCharsets.ISO_8859_1).contains("other-pass"));

        // WHEN the domain changes without the password THEN 400: the stored one is never sent to another host
        assertZunError(api.call("PATCH", "/v1/registries/myreg", token, new JsonObject().put("registry",
                new JsonObject().put("domain", "elsewhere.example:5000"))), 400, "container.invalid-value",
                "Changing the domain of registry " + uuid + " requires its password again.");
        assertEquals("127.0.0.1:5000", api.call("GET", "/v1/registries/myreg", token, null).json()
                .getJsonObject("registry").getString("domain"));
        // AND with the password given again it changes
        Resp moved = api.call("PATCH", "/v1/registries/myreg", token, new JsonObject().put("registry",
                new JsonObject().put("domain", "elsewhere.example:5000").put("password", "other-pass")));
        assertEquals(200, moved.status(), moved.toString());
        assertEquals("elsewhere.example:5000", moved.json().getJsonObject("registry").getString("domain"));

        // WHEN it is deleted THEN 204 and it is gone
        Resp deleted = api.call("DELETE", "/v1/registries/" + uuid, token, null);
        assertEquals(204, deleted.status(), deleted.toString());
        assertArrayEquals(new byte[0], deleted.body());
        assertZunError(api.call("GET", "/v1/registries/" + uuid, token, null), 404,
                "container.registry-not-found", "Registry " + uuid + " could not be found.");
    }

    @Test
    void aRegistryWithoutPasswordShowsNone() {
        String token = api.memberToken(newProject());
        Resp created = api.call("POST", "/v1/registries", token, registryBody(null, "registry.example.com", null,
                null));
        assertEquals(201, created.status(), created.toString());
        JsonObject reg = created.json().getJsonObject("registry");
        assertNull(reg.getValue("password"));
        assertNull(reg.getValue("name"));
        assertNull(rawPassword(reg.getString("uuid")));
    }

    @Test
    void badInputIsRefusedWithZunsTexts() {
        String token = api.memberToken(newProject());
        String schema = "container.schema-validation-error";
        assertZunError(api.call("POST", "/v1/registries", token, new JsonObject()), 400, schema,
                "'registry' is a required property");
        assertZunError(api.call("POST", "/v1/registries", token, new JsonObject().put("registry",
                new JsonObject().put("name", "abc"))), 400, schema,
                "Invalid input for field 'registry'.Value: '{'name': 'abc'}'. 'domain' is a required property");
        assertZunError(api.call("POST", "/v1/registries", token, registryBody("-bad", "r.io", null, null)), 400,
                schema, "Invalid input for field 'name'.Value: '-bad'. '-bad' does not match "
                        + "'^[a-zA-Z0-9][a-zA-Z0-9_.-]+$'");
        assertZunError(api.call("POST", "/v1/registries", token, registryBody("ok", "", null, null)), 400, schema,
                "Invalid input for field 'domain'.Value: ''. '' is too short");
        assertZunError(api.call("POST", "/v1/registries", token, registryBody("ok", "r.io", "", null)), 400,
                schema, "Invalid input for field 'username'.Value: ''. '' is too short");
        JsonObject extra = registryBody("ok", "r.io", null, null);
        extra.getJsonObject("registry").put("email", "x@y");
        assertZunError(api.call("POST", "/v1/registries", token, extra), 400, schema,
                "Invalid input for field 'registry'.Value: '{'domain': 'r.io', 'name': 'ok', 'email': 'x@y'}'. "
                        + "Additional properties are not allowed ('email' was unexpected)");
        assertZunError(api.call("POST", "/v1/registries", token, new JsonObject().put("registry",
                new JsonObject().put("domain", "r.io")).put("x", 1)), 400, schema,
                "Additional properties are not allowed ('x' was unexpected)");
        assertZunError(api.call("POST", "/v1/registries", token, registryBody("ok", "https://r.io/v2", null,
                null)), 400, "container.invalid-value", null);
        assertZunError(api.call("POST", "/v1/registries", token, "{not json"), 400, "container.", null);

        // Before 1.30 the resource does not exist in the requested version.
        Resp old = api.call("GET", "/v1/registries", token, null, "1.29");
        assertEquals(406, old.status(), old.toString());

        // Wrong content type: 415.
        Resp text = api.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create(api.url() + "/v1/registries"))
                .header("X-Auth-Token", token).header("OpenStack-API-Version", "container latest")
                .header("Content-Type", "text/plain")
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString(registryBody(null, "r.io", null, null)
                        .encode())).build());
        assertEquals(415, text.status(), text.toString());

        // Nothing was written by any of these.
        assertEquals(0, api.call("GET", "/v1/registries", token, null).json().getJsonArray("registries").size());
    }

    @Test
    void namesAreUniqueInAProjectAndProjectsAreSeparate() {
        String p1 = api.memberToken(newProject());
        String p2 = api.memberToken(newProject());
        assertEquals(201, api.call("POST", "/v1/registries", p1, registryBody("dup", "a.io", null, null)).status());
        assertZunError(api.call("POST", "/v1/registries", p1, registryBody("dup", "b.io", null, null)), 409,
                "container.registry-already-exists", "A registry with name dup already exists.");
        // The same name in another project is fine, and neither project sees the other's.
        Resp other = api.call("POST", "/v1/registries", p2, registryBody("dup", "b.io", null, null));
        assertEquals(201, other.status(), other.toString());
        String otherUuid = other.json().getJsonObject("registry").getString("uuid");
        assertZunError(api.call("GET", "/v1/registries/" + otherUuid, p1, null), 404,
                "container.registry-not-found", null);
        assertZunError(api.call("DELETE", "/v1/registries/" + otherUuid, p1, null), 404, null, null);
        assertEquals("a.io", api.call("GET", "/v1/registries/dup", p1, null).json().getJsonObject("registry")
                .getString("domain"));
        // Renaming onto a taken name is a conflict too.
        assertEquals(201, api.call("POST", "/v1/registries", p1, registryBody("second", "c.io", null, null))
                .status());
        assertZunError(api.call("PATCH", "/v1/registries/second", p1, new JsonObject().put("registry",
                new JsonObject().put("name", "dup"))), 409, "container.registry-already-exists", null);
        // Admins see every project's with all_projects; members may not ask.
        assertZunError(api.call("GET", "/v1/registries?all_projects=True", p1, null), 403,
                "container.policy-not-authorized", "Policy doesn't allow registry:get_all_all_projects to be "
                        + "performed.");
        JsonArray all = api.call("GET", "/v1/registries?all_projects=True&name=dup", admin, null).json()
                .getJsonArray("registries");
        assertEquals(2, all.size());
        assertZunError(api.call("GET", "/v1/registries/dup", admin, null), 409, "container.conflict",
                "Multiple registries exist with same name. Please use the registry uuid instead.");
    }

    @Test
    void listsFilterAndPage() {
        String token = api.memberToken(newProject());
        for (int i = 0; i < 3; i++) {
            assertEquals(201, api.call("POST", "/v1/registries", token, registryBody("r" + i, "d" + (i % 2) + ".io",
                    "u", null)).status());
        }
        JsonObject page1 = api.call("GET", "/v1/registries?limit=2&sort_key=name", token, null).json();
        assertEquals(2, page1.getJsonArray("registries").size());
        String next = page1.getString("next");
        assertNotNull(next);
        assertTrue(next.startsWith(api.url() + "/v1/registries?sort_key=name&sort_dir=asc&limit=2&marker="), next);
        JsonObject page2 = api.call("GET", next.substring(api.url().length()), token, null).json();
        assertEquals(1, page2.getJsonArray("registries").size());
        assertEquals("r2", page2.getJsonArray("registries").getJsonObject(0).getString("name"));
        assertNull(page2.getValue("next"));

        JsonArray d1 = api.call("GET", "/v1/registries?domain=d1.io", token, null).json()
                .getJsonArray("registries");
        assertEquals(1, d1.size());
        assertEquals("r1", d1.getJsonObject(0).getString("name"));

        assertZunError(api.call("GET", "/v1/registries?colour=red", token, null), 400, "container.invalid-value",
                "Unknown parameters: colour");
        assertZunError(api.call("GET", "/v1/registries?limit=0", token, null), 400, "container.invalid-value",
                "Limit must be positive integer");
        assertZunError(api.call("GET", "/v1/registries?sort_key=password", token, null), 400,
                "container.invalid-parameter-value", "The sort_key value \"password\" is an invalid field for "
                        + "sorting");
        assertZunError(api.call("GET", "/v1/registries?marker=" + UUID.randomUUID(), token, null), 404,
                "container.registry-not-found", null);
    }

    @Test
    void aContainerCreateResolvesTheRegistryItNamesOrMatchesItsHost() {
        String project = newProject();
        String token = api.memberToken(project);
        String uuid = api.call("POST", "/v1/registries", token, registryBody("private", "127.0.0.1:5000", "u", "p"))
                .json().getJsonObject("registry").getString("uuid");

        // An unknown registry is 404, and nothing is created.
        assertZunError(api.call("POST", "/v1/containers", token, new JsonObject().put("image", "busybox")
                .put("registry", "nosuch")), 404, "container.registry-not-found",
                "Registry nosuch could not be found.");
        // Before 1.31 the field does not exist.
        assertZunError(api.call("POST", "/v1/containers", token, new JsonObject().put("image", "busybox")
                .put("registry", "private"), "1.30"), 400, "container.invalid-param-in-version", null);

        // Named by name: the container records its id.
        Resp named = api.call("POST", "/v1/containers", token, new JsonObject().put("image", "busybox")
                .put("registry", "private"));
        assertEquals(202, named.status(), named.toString());
        assertEquals(uuid, named.json().getString("registry_id"));

        // Not named, but the image's registry host is the registry's domain: matched.
        Resp matched = api.call("POST", "/v1/containers", token, new JsonObject()
                .put("image", "127.0.0.1:5000/team/app:1.0"));
        assertEquals(202, matched.status(), matched.toString());
        assertEquals(uuid, matched.json().getString("registry_id"));

        // Another host: no registry.
        Resp plain = api.call("POST", "/v1/containers", token, new JsonObject().put("image", "busybox:latest"));
        assertEquals(202, plain.status(), plain.toString());
        assertNull(plain.json().getValue("registry_id"));

        // Another project's registry cannot be named, even by uuid.
        assertZunError(api.call("POST", "/v1/containers", api.memberToken(newProject()), new JsonObject()
                .put("image", "busybox").put("registry", uuid)), 404, "container.registry-not-found", null);
    }
}
