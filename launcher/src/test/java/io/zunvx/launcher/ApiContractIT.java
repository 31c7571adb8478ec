package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.compute.driver.Observed;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The REST API's wire contract (reference §1-§5, §9, §10) checked against the real all-in-one: version documents,
 * microversion negotiation, authentication, create validation, the container object, lookup, listing, the state
 * table, logs, action records and path handling. No response of this class may be a 5xx.
 */
class ApiContractIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final String MIN = "container 1.1";
    private static final String MAX = "container 1.40";
    private static final Pattern REQUEST_ID =
            Pattern.compile("req-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");
    /** The keys of reference §4 every caller sees. */
    private static final List<String> CONTAINER_KEYS = List.of("uuid", "links", "name", "project_id", "user_id",
            "image", "image_driver", "command", "entrypoint", "status", "status_reason", "status_detail",
            "task_state", "cpu", "cpu_policy", "memory", "disk", "environment", "labels", "workdir", "hostname",
            "ports", "addresses", "security_groups", "restart_policy", "interactive", "tty", "auto_remove",
            "auto_heal", "healthcheck", "registry_id", "created_at", "updated_at");
    /** The keys of reference §4 only an admin sees. */
    private static final List<String> ADMIN_KEYS = List.of("host", "runtime", "privileged", "image_pull_policy");
    /** The keys reference §4 says are never returned. */
    private static final List<String> NEVER_KEYS = List.of("id", "container_id", "meta", "websocket_url",
            "websocket_token", "exposed_ports", "cpuset", "pci_devices", "exec_instances", "started_at",
            "annotations", "cni_metadata", "capsule_id", "registry");
    private static final String VALIDATION_PROJECT = "p-validation-" + UUID.randomUUID().toString().substring(0, 8);

    @TempDir
    static Path data;

    static AllInOne platform;
    static String base;
    static ZunHttp admin;
    static ZunHttp member;
    static DockerContainerDriver docker;

    @BeforeAll
    static void start() {
        platform = Platforms.start(data, CrashPoints.NONE, Map.of());
        base = "http://127.0.0.1:" + platform.apiPort();
        admin = new ZunHttp(base, platform.adminToken(), "1.40");
        member = new ZunHttp(base, Platforms.token(platform, "u2", "p2", List.of("member")), "1.40");
        docker = new DockerContainerDriver(platform.platform().config().compute().dockerHost());
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            String host = platform.platform().config().compute().hostName();
            platform.close();
            for (Observed o : docker.listManaged(host)) {
                docker.remove(o.id(), true);
            }
            docker.close();
        }
    }

    // ---- 1. version documents ----------------------------------------------------------------------------------

    @Test
    void rootVersionDocumentIsPublicAndAnnouncesTheSupportedRange() {
        // GIVEN no token and no microversion header
        ZunHttp anonymous = new ZunHttp(base, null, null);

        // WHEN the root document is read
        ZunHttp.Response r = get(anonymous, "/");

        // THEN it lists v1 as CURRENT with the range 1.1-1.40, the same as the default version
        assertEquals(200, r.status(), r.body());
        assertJson(r);
        JsonObject doc = r.json();
        assertEquals("OpenStack Zun API", doc.getString("name"));
        JsonObject v1 = doc.getJsonArray("versions").getJsonObject(0);
        assertEquals("v1", v1.getString("id"));
        assertEquals("CURRENT", v1.getString("status"));
        assertEquals("1.1", v1.getString("min_version"));
        assertEquals("1.40", v1.getString("max_version"));
        JsonObject self = v1.getJsonArray("links").getJsonObject(0);
        assertEquals("self", self.getString("rel"));
        assertTrue(self.getString("href").endsWith("/v1/"), self.encode());
        assertEquals(v1, doc.getJsonObject("default_version"));
        // AND it is unversioned: no microversion headers
        assertNull(r.header("OpenStack-API-Version"), "GET / carries no microversion headers");

        // AND a token on it is accepted as the client's discovery call sends one
        assertEquals(200, get(admin.withVersion("1.1"), "/").status());
    }

    @Test
    void v1DocumentIsPublicWithOrWithoutTrailingSlash() {
        ZunHttp anonymous = new ZunHttp(base, null, null);
        for (String path : List.of("/v1", "/v1/")) {
            // WHEN the v1 document is read without a token
            ZunHttp.Response r = get(anonymous, path);

            // THEN it has media types, links and one pair of links per resource, and the version headers
            assertEquals(200, r.status(), path + ": " + r.body());
            assertJson(r);
            assertVersionHeaders(r, "container 1.1");
            JsonObject doc = r.json();
            assertEquals("v1", doc.getString("id"));
            JsonObject media = doc.getJsonArray("media_types").getJsonObject(0);
            assertEquals("application/json", media.getString("base"));
            assertEquals("application/vnd.openstack.zun.v1+json", media.getString("type"));
            JsonArray links = doc.getJsonArray("links");
            assertEquals("self", links.getJsonObject(0).getString("rel"));
            assertTrue(links.getJsonObject(0).getString("href").endsWith("/v1/"), links.encode());
            assertEquals("describedby", links.getJsonObject(1).getString("rel"));
            assertEquals("text/html", links.getJsonObject(1).getString("type"));
            for (String res : List.of("containers", "images", "networks", "hosts", "capsules",
                    "availability_zones", "quotas", "quota_classes", "registries", "services")) {
                JsonArray l = doc.getJsonArray(res);
                assertNotNull(l, path + " lacks " + res);
                assertEquals("self", l.getJsonObject(0).getString("rel"));
                assertTrue(l.getJsonObject(0).getString("href").endsWith("/v1/" + res + "/"), l.encode());
                assertEquals("bookmark", l.getJsonObject(1).getString("rel"));
                assertTrue(l.getJsonObject(1).getString("href").endsWith("/" + res + "/"), l.encode());
                assertFalse(l.getJsonObject(1).getString("href").contains("/v1/"), l.encode());
            }
        }
    }

    // ---- 2. microversions ----------------------------------------------------------------------------------------

    @Test
    void everyV1ResponseCarriesTheNegotiatedVersion() {
        // GIVEN requests without the header, with latest and with a pinned version
        // WHEN they are answered, THEN the effective version is 1.1, 1.40 and the pinned one
        assertVersionHeaders(ok(get(admin.withVersion(null), "/v1/containers")), "container 1.1");
        assertVersionHeaders(ok(get(admin.withVersion("latest"), "/v1/containers")), "container 1.40");
        assertVersionHeaders(ok(get(admin.withVersion("1.25"), "/v1/containers")), "container 1.25");
        assertVersionHeaders(ok(get(admin.withVersion("1.9"), "/v1/containers")), "container 1.9");

        // AND errors raised inside the API carry them too
        ZunHttp.Response notFound = get(admin, "/v1/containers/" + UUID.randomUUID());
        assertEquals(404, notFound.status(), notFound.body());
        assertVersionHeaders(notFound, MAX);
        ZunHttp.Response badLimit = get(admin, "/v1/containers?limit=0");
        assertEquals(400, badLimit.status(), badLimit.body());
        assertVersionHeaders(badLimit, MAX);
        ZunHttp.Response badBody = post(admin, "/v1/containers", "{\"cpu\": 0.1}");
        assertEquals(400, badBody.status(), badBody.body());
        assertVersionHeaders(badBody, MAX);
    }

    @Test
    void unsupportedMicroversionsAreRefusedWith406InZunsBody() {
        // WHEN a minor version above the maximum is requested
        ZunHttp.Response minor = get(admin.withVersion("1.41"), "/v1/containers");

        // THEN 406 with Zun's framework error body and the range, and the headers echo the request
        JsonObject e = assertZunError(minor, 406, "container.", null);
        assertEquals("Requested microversion is unsupported", e.getString("title"));
        assertEquals("Version 1.41 was requested but the minor version is not supported by this service. The "
                + "supported version range is: [container 1.1, container 1.40].", e.getString("detail"));
        assertVersionHeaders(minor, "container 1.41");

        // WHEN another major version is requested
        ZunHttp.Response major = get(admin.withVersion("2.0"), "/v1/containers");

        // THEN 406 as well
        e = assertZunError(major, 406, "container.", null);
        assertEquals("Requested microversion is unsupported", e.getString("title"));
        assertEquals("Mutually exclusive versions requested. Version 2.0 requested but not supported by this "
                + "service. The supported version range is: [container 1.1, container 1.40].", e.getString("detail"));
        assertVersionHeaders(major, "container 2.0");

        // AND below the minimum
        assertZunError(get(admin.withVersion("1.0"), "/v1/containers"), 406, "container.", null);
    }

    @Test
    void malformedMicroversionHeadersAreRefusedWith406() {
        String token = platform.adminToken();
        // WHEN the version is not major.minor
        JsonObject e = assertZunError(raw("GET", "/v1/containers",
                Map.of("X-Auth-Token", token, "OpenStack-API-Version", "container abc")), 406, "container.", null);
        // THEN Zun's detail names the value as invalid, and the answer names the versions that may be asked for
        assertEquals("Invalid value for OpenStack-API-Version header", e.getString("detail"));
        ZunHttp.Response malformed = raw("GET", "/v1/containers",
                Map.of("X-Auth-Token", token, "OpenStack-API-Version", "container abc"));
        assertEquals(MIN, malformed.header("OpenStack-API-Minimum-Version"), "minimum version header");
        assertEquals(MAX, malformed.header("OpenStack-API-Maximum-Version"), "maximum version header");
        assertNull(malformed.header("OpenStack-API-Version"), "nothing to echo");
        assertZunError(raw("GET", "/v1/containers",
                Map.of("X-Auth-Token", token, "OpenStack-API-Version", "container 1.4.1")), 406, "container.", null);

        // WHEN the service type is another one, or missing
        e = assertZunError(raw("GET", "/v1/containers",
                Map.of("X-Auth-Token", token, "OpenStack-API-Version", "compute 1.2")), 406, "container.", null);
        assertEquals("Invalid service type for OpenStack-API-Version header", e.getString("detail"));
        e = assertZunError(raw("GET", "/v1/containers",
                Map.of("X-Auth-Token", token, "OpenStack-API-Version", "container")), 406, "container.", null);
        assertEquals("Invalid service type for OpenStack-API-Version header", e.getString("detail"));
    }

    // ---- 3. authentication ---------------------------------------------------------------------------------------

    @Test
    void missingOrBadTokensGetKeystonesUnauthorizedBody() {
        // WHEN /v1/containers is called without a token
        ZunHttp.Response none = get(new ZunHttp(base, null, "1.40"), "/v1/containers");

        // THEN 401 in keystonemiddleware's shape, with a Keystone WWW-Authenticate challenge
        assertUnauthorized(none);
        assertNotNull(none.header("WWW-Authenticate"));
        assertTrue(none.header("WWW-Authenticate").startsWith("Keystone uri="), none.header("WWW-Authenticate"));
        assertTrue(none.header("WWW-Authenticate").endsWith("/identity/v3\""), none.header("WWW-Authenticate"));

        // AND a garbage token, or a garbage bearer token, is refused the same way
        assertUnauthorized(get(admin.withToken("not-a-token"), "/v1/containers"));
        assertUnauthorized(raw("GET", "/v1/containers",
                Map.of("Authorization", "Bearer not-a-token", "OpenStack-API-Version", "container 1.40")));
        // AND an action without a token never reaches the container
        assertUnauthorized(post(new ZunHttp(base, null, "1.40"), "/v1/containers/whatever/stop", null));
    }

    @Test
    void bearerTokenIsAcceptedLikeXAuthToken() {
        // WHEN the admin token is sent as Authorization: Bearer
        ZunHttp.Response r = raw("GET", "/v1/containers",
                Map.of("Authorization", "Bearer " + platform.adminToken(), "OpenStack-API-Version", "container 1.40"));

        // THEN the list answers
        assertEquals(200, r.status(), r.body());
        assertNotNull(r.json().getJsonArray("containers"));
    }

    // ---- 4. create validation ------------------------------------------------------------------------------------

    static Stream<Arguments> invalidCreates() {
        String ok = "\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 32";
        String schema = "container.schema-validation-error";
        return Stream.of(
                Arguments.of("missing image", "1.40", "{\"cpu\": 0.1, \"memory\": 32}", 400, schema,
                        "'image' is a required property"),
                Arguments.of("unknown field", "1.40", "{" + ok + ", \"foo\": 1}", 400, schema,
                        "Additional properties are not allowed ('foo' was unexpected)"),
                Arguments.of("memory 2", "1.40", "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 2}", 400, schema,
                        "Invalid input for field 'memory'.Value: '2'. 2 is less than the minimum of 4"),
                Arguments.of("memory 99999", "1.40", "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 99999}",
                        400, schema,
                        "Invalid input for field 'memory'.Value: '99999'. 99999 is greater than the maximum of 8192"),
                Arguments.of("cpu 0", "1.40", "{\"image\": \"busybox\", \"cpu\": 0, \"memory\": 32}", 400, schema,
                        "Invalid input for field 'cpu'.Value: '0'. 0 is less than the minimum of 0.1"),
                Arguments.of("cpu 17", "1.40", "{\"image\": \"busybox\", \"cpu\": 17, \"memory\": 32}", 400, schema,
                        "Invalid input for field 'cpu'.Value: '17'. 17 is greater than the maximum of 16.0"),
                Arguments.of("name too short", "1.40", "{" + ok + ", \"name\": \"a\"}", 400, schema,
                        "Invalid input for field 'name'.Value: 'a'. 'a' is too short"),
                Arguments.of("name pattern", "1.40", "{" + ok + ", \"name\": \"-bad\"}", 400, schema,
                        "Invalid input for field 'name'.Value: '-bad'. '-bad' does not match "
                                + "'^[a-zA-Z0-9][a-zA-Z0-9_.-]+$'"),
                Arguments.of("command string at 1.40", "1.40", "{" + ok + ", \"command\": \"echo hi\"}", 400, schema,
                        "Invalid input for field 'command'.Value: 'echo hi'. 'echo hi' is not of type 'array', "
                                + "'null'"),
                Arguments.of("command array at 1.19", "1.19", "{" + ok + ", \"command\": [\"echo\", \"hi\"]}", 400,
                        schema, "Invalid input for field 'command'.Value: '['echo', 'hi']'. ['echo', 'hi'] is not "
                                + "of type 'string', 'null'"),
                Arguments.of("restart always with a count", "1.40",
                        "{" + ok + ", \"restart_policy\": {\"Name\": \"always\", \"MaximumRetryCount\": 3}}", 400,
                        "container.invalid-value", "maximum retry count not valid with restart policy of always"),
                Arguments.of("entrypoint at 1.39", "1.39", "{" + ok + ", \"entrypoint\": [\"sh\"]}", 400,
                        "container.invalid-param-in-version", "Invalid param entrypoint because current request "
                                + "version is 1.39. entrypoint is only supported from version 1.40"),
                Arguments.of("privileged", "1.40", "{" + ok + ", \"privileged\": true}", 403,
                        "container.policy-not-authorized",
                        "Policy doesn't allow container:create:privileged to be performed."),
                Arguments.of("runtime by a member", "1.40", "{" + ok + ", \"runtime\": \"runc\"}", 403,
                        "container.policy-not-authorized",
                        "Policy doesn't allow container:create:runtime to be performed."),
                Arguments.of("host by a member", "1.40", "{" + ok + ", \"host\": \"somewhere\"}", 403,
                        "container.policy-not-authorized",
                        "Policy doesn't allow container:create:requested_destination to be performed."),
                Arguments.of("image_pull_policy by a member", "1.40",
                        "{" + ok + ", \"image_pull_policy\": \"never\"}", 403, "container.policy-not-authorized",
                        "Policy doesn't allow container:create:image_pull_policy to be performed."));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("invalidCreates")
    void invalidCreateIsRefusedWithZunsMessageAndWritesNothing(String what, String version, String body, int status,
                                                              String code, String message) {
        // GIVEN a caller in a project of its own, and what that project holds
        ZunHttp caller = validator().withVersion(version);
        long before = rowsOfValidationProject();

        // WHEN it posts an invalid body
        ZunHttp.Response r = post(caller, "/v1/containers", body);

        // THEN Zun's error with Zun's text, and no container or action row was written
        assertZunError(r, status, code, message);
        assertEquals(before, rowsOfValidationProject(), what + " wrote a row");
    }

    @Test
    void malformedOrNonObjectBodiesAre400AndWriteNothing() {
        long before = rowsOfValidationProject();

        // WHEN the body is not JSON
        // THEN 400 in Zun's body
        assertZunError(post(validator(), "/v1/containers", "{\"image\": \"busybox\","), 400, null, null);

        // WHEN the body is a JSON array
        // THEN 400 schema validation: the root is not an object
        JsonObject e = assertZunError(post(validator(), "/v1/containers", "[{\"image\": \"busybox\"}]"), 400,
                "container.schema-validation-error", null);
        assertTrue(e.getString("detail").endsWith("is not of type 'object'"), e.encode());

        // WHEN the body is empty
        assertZunError(post(validator(), "/v1/containers", ""), 400, null, null);

        // THEN nothing was written
        assertEquals(before, rowsOfValidationProject());
    }

    @Test
    void createWithAnotherContentTypeIs415() {
        long before = rowsOfValidationProject();

        // WHEN a valid body is sent as text/plain
        ZunHttp.Response r = validator().post("/v1/containers", "text/plain",
                "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 32}");
        ok(r);

        // THEN 415 in Zun's framework body, and nothing was written
        JsonObject e = assertZunError(r, 415, "container.", null);
        assertEquals("Unsupported Media Type", e.getString("title"));
        assertEquals(before, rowsOfValidationProject());
    }

    // ---- 5. create success ---------------------------------------------------------------------------------------

    @Test
    void createAnswers202WithLocationAndTheWholeContainerObject() {
        // GIVEN a full create body
        String name = "shape-" + shortId();
        String body = new JsonObject()
                .put("name", name).put("image", "busybox").put("cpu", 0.1).put("memory", 32)
                .put("command", new JsonArray().add("sleep").add("1"))
                .put("environment", new JsonObject().put("A", "b"))
                .put("labels", new JsonObject().put("app", "shape"))
                .put("workdir", "/tmp")
                .put("restart_policy", new JsonObject().put("Name", "on-failure").put("MaximumRetryCount", 2))
                .encode();

        // WHEN the admin creates it
        ZunHttp.Response r = post(admin, "/v1/containers", body);

        // THEN 202, a Location, and every key of the container object in Zun's types
        assertEquals(202, r.status(), r.body());
        assertJson(r);
        JsonObject c = r.json();
        String uuid = c.getString("uuid");
        assertEquals(platform.apiUrl() + "/v1/containers/" + uuid, r.header("Location"));
        for (String k : CONTAINER_KEYS) {
            assertTrue(c.containsKey(k), "missing " + k + " in " + c.encode());
        }
        for (String k : ADMIN_KEYS) {
            assertTrue(c.containsKey(k), "admin must see " + k + " in " + c.encode());
        }
        for (String k : NEVER_KEYS) {
            assertFalse(c.containsKey(k), "must not return " + k);
        }
        JsonArray links = c.getJsonArray("links");
        assertEquals(new JsonObject().put("href", platform.apiUrl() + "/v1/containers/" + uuid).put("rel", "self"),
                links.getJsonObject(0));
        assertEquals(new JsonObject().put("href", platform.apiUrl() + "/containers/" + uuid).put("rel", "bookmark"),
                links.getJsonObject(1));
        assertEquals(name, c.getString("name"));
        assertEquals("busybox", c.getString("image"));
        assertEquals("docker", c.getString("image_driver"));
        assertEquals("Creating", c.getString("status"));
        assertEquals("32", c.getValue("memory"), "memory is a string of MiB");
        assertTrue(c.getValue("cpu") instanceof Double, "cpu is a JSON float: " + c.getValue("cpu"));
        assertEquals(0.1, c.getDouble("cpu"));
        assertEquals(new JsonArray().add("sleep").add("1"), c.getJsonArray("command"));
        assertEquals(new JsonObject().put("A", "b"), c.getJsonObject("environment"));
        assertEquals(new JsonObject().put("app", "shape"), c.getJsonObject("labels"));
        assertEquals("/tmp", c.getString("workdir"));
        assertEquals(new JsonObject().put("Name", "on-failure").put("MaximumRetryCount", "2"),
                c.getJsonObject("restart_policy"));
        assertEquals(false, c.getBoolean("interactive"));
        assertEquals(false, c.getBoolean("tty"));
        assertTrue(c.getValue("ports") instanceof JsonArray, c.encode());
        assertTrue(c.getValue("addresses") instanceof JsonObject, c.encode());
        assertTrue(c.getValue("security_groups") instanceof JsonArray, c.encode());
        assertEquals(platform.bootstrap().projectId(), c.getString("project_id"));

        // AND show returns the same keys
        JsonObject shown = show(admin, uuid);
        for (String k : CONTAINER_KEYS) {
            assertTrue(shown.containsKey(k), "show lacks " + k);
        }
    }

    @Test
    void nonAdminsDoNotSeeTheAdminOnlyKeys() {
        // WHEN a member creates a container
        ZunHttp.Response r = post(member, "/v1/containers",
                "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 32, \"name\": \"mine-" + shortId() + "\"}");

        // THEN the answer has every public key and none of the admin-only ones
        assertEquals(202, r.status(), r.body());
        JsonObject c = r.json();
        for (String k : CONTAINER_KEYS) {
            assertTrue(c.containsKey(k), "missing " + k);
        }
        for (String k : ADMIN_KEYS) {
            assertFalse(c.containsKey(k), "a member must not see " + k);
        }
        assertEquals("p2", c.getString("project_id"));
        assertEquals("u2", c.getString("user_id"));

        // AND neither do show and list
        JsonObject shown = show(member, c.getString("uuid"));
        for (String k : ADMIN_KEYS) {
            assertFalse(shown.containsKey(k), "show leaks " + k);
        }
        for (Object o : list(member, "/v1/containers")) {
            for (String k : ADMIN_KEYS) {
                assertFalse(((JsonObject) o).containsKey(k), "list leaks " + k);
            }
        }
        // AND the admin sees them on the same container
        JsonObject asAdmin = show(admin, c.getString("uuid"));
        for (String k : ADMIN_KEYS) {
            assertTrue(asAdmin.containsKey(k), "admin show lacks " + k);
        }
    }

    // ---- 6. lookup -----------------------------------------------------------------------------------------------

    @Test
    void containersAreFoundByNameAndUnknownOnesAre404() {
        // GIVEN a named container
        String name = "lookup-" + shortId();
        String uuid = createdContainer(admin, name, false).getString("uuid");

        // WHEN it is shown by name, THEN it is that container
        assertEquals(uuid, show(admin, name).getString("uuid"));

        // WHEN an unknown name or uuid is shown, THEN 404 container-not-found naming it
        assertZunError(get(admin, "/v1/containers/nosuch-x"), 404, "container.container-not-found",
                "Container nosuch-x could not be found.");
        String unknown = UUID.randomUUID().toString();
        assertZunError(get(admin, "/v1/containers/" + unknown), 404, "container.container-not-found",
                "Container " + unknown + " could not be found.");
    }

    @Test
    void anotherProjectsContainerIsNotFoundForANonAdmin() {
        // GIVEN the admin's container
        String name = "private-" + shortId();
        String uuid = createdContainer(admin, name, false).getString("uuid");

        // WHEN a member of another project looks it up by uuid or name, or acts on it
        // THEN 404 as if it did not exist
        assertZunError(get(member, "/v1/containers/" + uuid), 404, "container.container-not-found",
                "Container " + uuid + " could not be found.");
        assertZunError(get(member, "/v1/containers/" + name), 404, "container.container-not-found",
                "Container " + name + " could not be found.");
        assertZunError(post(member, "/v1/containers/" + uuid + "/start", null), 404, "container.container-not-found",
                null);
        assertZunError(delete(member, "/v1/containers/" + uuid), 404, "container.container-not-found", null);
        assertZunError(get(member, "/v1/containers/" + uuid + "/container_actions"), 404,
                "container.container-not-found", null);
        // AND the container is untouched
        assertEquals(uuid, show(admin, uuid).getString("uuid"));
    }

    @Test
    void twoContainersWithTheSameNameCannotBeShownByName() {
        // GIVEN two containers named alike in one project (names are not unique by default)
        String name = "twin-" + shortId();
        String first = createdContainer(member, name, false).getString("uuid");
        String second = createdContainer(member, name, false).getString("uuid");

        // WHEN one is shown by name
        ZunHttp.Response r = get(member, "/v1/containers/" + name);

        // THEN 409 asking for the uuid
        assertZunError(r, 409, "container.conflict",
                "Multiple containers exist with same name. Please use the container uuid instead.");
        // AND each is still found by uuid
        assertEquals(name, show(member, first).getString("name"));
        assertEquals(name, show(member, second).getString("name"));
    }

    // ---- 7. list -------------------------------------------------------------------------------------------------

    @Test
    void listFiltersPaginatesAndRefusesBadQueries() {
        // GIVEN five containers in a project of their own, all Created
        String project = "p-pager-" + shortId();
        ZunHttp pager = new ZunHttp(base, Platforms.token(platform, "pager", project, List.of("member")), "1.40");
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            created.add(createdContainer(pager, "page-" + i, false).getString("uuid"));
        }
        Poll.until(WAIT, () -> list(pager, "/v1/containers?status=Created").size(), n -> n == 5,
                "the five containers to be Created");

        // WHEN filtered by name and status, THEN exact matches only
        JsonArray byName = list(pager, "/v1/containers?name=page-2");
        assertEquals(1, byName.size(), byName.encode());
        assertEquals(created.get(2), byName.getJsonObject(0).getString("uuid"));
        assertEquals(0, list(pager, "/v1/containers?status=Running").size());
        assertEquals(0, list(pager, "/v1/containers?status=NoSuchStatus").size());

        // WHEN paged two at a time, newest first, following next links
        List<String> seen = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        String next = "/v1/containers?limit=2&sort_dir=desc";
        while (next != null) {
            ZunHttp.Response page = get(pager, next);
            assertEquals(200, page.status(), page.body());
            JsonArray items = page.json().getJsonArray("containers");
            sizes.add(items.size());
            items.forEach(o -> seen.add(((JsonObject) o).getString("uuid")));
            assertTrue(page.json().containsKey("next"), "next is always present");
            String link = page.json().getString("next");
            if (link != null) {
                assertTrue(link.contains("sort_key=id"), link);
                assertTrue(link.contains("sort_dir=desc"), link);
                assertTrue(link.contains("limit=2"), link);
                assertTrue(link.contains("marker=" + seen.getLast()), link);
                URI u = URI.create(link);
                next = u.getRawPath() + "?" + u.getRawQuery();
            } else {
                next = null;
            }
            assertTrue(sizes.size() <= 3, "more pages than expected: " + sizes);
        }

        // THEN three pages (2, 2, 1) in reverse creation order, the last without next
        assertEquals(List.of(2, 2, 1), sizes);
        assertEquals(created.reversed(), seen);

        // AND bad queries are refused with Zun's texts
        assertZunError(get(pager, "/v1/containers?foo=1"), 400, "container.invalid-value",
                "Unknown parameters: foo");
        assertZunError(get(pager, "/v1/containers?limit=0"), 400, "container.invalid-value",
                "Limit must be positive integer");
        assertZunError(get(pager, "/v1/containers?sort_dir=sideways"), 400, "container.invalid-value",
                "Invalid sort direction: sideways. Acceptable values are 'asc' or 'desc'");
        assertZunError(get(pager, "/v1/containers?all_projects=True"), 403, "container.policy-not-authorized",
                "Policy doesn't allow container:get_all_all_projects to be performed.");
    }

    @Test
    void nonAdminsListOnlyTheirProjectAndAdminsListAllWithAllProjects() {
        // GIVEN containers of the admin's project and of another project
        String project = "p-tenant-" + shortId();
        ZunHttp tenant = new ZunHttp(base, Platforms.token(platform, "tenant", project, List.of("member")), "1.40");
        String theirs = createdContainer(tenant, "theirs-" + shortId(), false).getString("uuid");
        String ours = createdContainer(admin, "ours-" + shortId(), false).getString("uuid");

        // WHEN the tenant lists
        JsonArray seen = list(tenant, "/v1/containers");

        // THEN it sees its own container only
        assertEquals(1, seen.size(), seen.encode());
        assertEquals(theirs, seen.getJsonObject(0).getString("uuid"));
        assertEquals(project, seen.getJsonObject(0).getString("project_id"));

        // AND the admin sees only its project without all_projects, and everything with it
        Set<String> adminOwn = uuids(list(admin, "/v1/containers"));
        assertTrue(adminOwn.contains(ours));
        assertFalse(adminOwn.contains(theirs));
        Set<String> all = uuids(list(admin, "/v1/containers?all_projects=True"));
        assertTrue(all.contains(ours) && all.contains(theirs), all.toString());
    }

    // ---- 8. the state table --------------------------------------------------------------------------------------

    @Test
    void actionsFollowTheStateTableAndAcceptTheClientsSpellings() {
        // GIVEN a running container
        String uuid = createdContainer(admin, "state-" + shortId(), true, "sleep", "300").getString("uuid");
        awaitStatus(admin, uuid, "Running");

        // WHEN actions not allowed while Running are called, THEN 409 with Zun's text
        assertZunError(post(admin, "/v1/containers/" + uuid + "/start", null), 409,
                "container.invalid-state-exception", "Cannot start container " + uuid + " in Running state");
        assertZunError(post(admin, "/v1/containers/" + uuid + "/unpause", null), 409,
                "container.invalid-state-exception", "Cannot unpause container " + uuid + " in Running state");
        assertZunError(delete(admin, "/v1/containers/" + uuid), 409,
                "container.invalid-state-exception", "Cannot delete container " + uuid + " in Running state");

        // AND bad stop queries are 400 before anything happens
        assertZunError(post(admin, "/v1/containers/" + uuid + "/stop?timeout=abc", null), 400,
                "container.schema-validation-error",
                "Invalid input for query parameters 'timeout'. Value: 'abc'. 'abc' does not match '^[0-9]*$'");
        assertZunError(post(admin, "/v1/containers/" + uuid + "/reboot?timeout=abc", null), 400,
                "container.schema-validation-error",
                "Invalid input for query parameters 'timeout'. Value: 'abc'. 'abc' does not match '^[0-9]*$'");
        JsonObject e = assertZunError(post(admin, "/v1/containers/" + uuid + "/kill?signal=SIGFOO", null), 400,
                "container.schema-validation-error", null);
        assertTrue(e.getString("detail").startsWith("Invalid input for query parameters 'signal'. Value: 'SIGFOO'."),
                e.encode());
        assertZunError(post(admin, "/v1/containers/" + uuid + "/stop?foo=1", null), 400,
                "container.schema-validation-error", "Additional properties are not allowed ('foo' was unexpected)");
        assertEquals("Running", show(admin, uuid).getString("status"));

        // WHEN stopped the way the client does it
        ZunHttp.Response stop = post(admin, "/v1/containers/" + uuid + "/stop?timeout=10", null);
        assertEquals(202, stop.status(), stop.body());
        assertEquals("null", stop.body());
        awaitStatus(admin, uuid, "Stopped");

        // THEN stopping again is 409
        assertZunError(post(admin, "/v1/containers/" + uuid + "/stop", null), 409,
                "container.invalid-state-exception", "Cannot stop container " + uuid + " in Stopped state");
        assertZunError(post(admin, "/v1/containers/" + uuid + "/pause", null), 409,
                "container.invalid-state-exception", "Cannot pause container " + uuid + " in Stopped state");

        // WHEN started again and killed with the client's signal=None
        assertEquals(202, post(admin, "/v1/containers/" + uuid + "/start", null).status());
        awaitStatus(admin, uuid, "Running");
        ZunHttp.Response kill = post(admin, "/v1/containers/" + uuid + "/kill?signal=None", null);
        assertEquals(202, kill.status(), kill.body());
        awaitStatus(admin, uuid, "Stopped");

        // THEN the client's delete spelling removes it
        ZunHttp.Response del = delete(admin, "/v1/containers/" + uuid + "?force=False&stop=False&all_projects=False");
        assertEquals(204, del.status(), del.body());
        Poll.until(WAIT, () -> get(admin, "/v1/containers/" + uuid).status(), s -> s == 404, "container gone");
    }

    @Test
    void nonAdminForceDeleteIsForbiddenFrom17() {
        // GIVEN a member's own container
        String uuid = createdContainer(member, "force-" + shortId(), false).getString("uuid");

        // WHEN the member deletes it with force at 1.40
        ZunHttp.Response r = delete(member, "/v1/containers/" + uuid + "?force=True");

        // THEN 403 and the container is still there
        assertZunError(r, 403, "container.policy-not-authorized",
                "Policy doesn't allow container:delete_force to be performed.");
        assertEquals(uuid, show(member, uuid).getString("uuid"));

        // AND an unknown delete parameter is 400
        assertZunError(delete(member, "/v1/containers/" + uuid + "?foo=1"), 400,
                "container.schema-validation-error", "Additional properties are not allowed ('foo' was unexpected)");
    }

    // ---- 9. logs -------------------------------------------------------------------------------------------------

    @Test
    void logsOfAStoppedContainerAreAJsonString() {
        // GIVEN a container that printed two lines and exited
        String uuid = createdContainer(admin, "logs-" + shortId(), true, "sh", "-c", "echo one; echo two")
                .getString("uuid");
        awaitStatus(admin, uuid, "Stopped");

        // WHEN its logs are read
        ZunHttp.Response all = get(admin, "/v1/containers/" + uuid + "/logs");

        // THEN 200, JSON content, the body a JSON string with both lines
        assertEquals(200, all.status(), all.body());
        assertJson(all);
        assertEquals("one\ntwo\n", Json.decodeValue(all.body()));

        // AND the client's full spelling, tail=1 and timestamps=True behave as docker's
        assertEquals("one\ntwo\n", Json.decodeValue(ok(get(admin, "/v1/containers/" + uuid
                + "/logs?stdout=True&stderr=True&timestamps=False&tail=all")).body()));
        assertEquals("two\n", Json.decodeValue(ok(get(admin, "/v1/containers/" + uuid + "/logs?tail=1")).body()));
        String stamped = (String) Json.decodeValue(ok(get(admin, "/v1/containers/" + uuid
                + "/logs?timestamps=True")).body());
        assertTrue(Pattern.compile("\\d{4}-\\d{2}-\\d{2}T\\S+ one\n\\d{4}-\\d{2}-\\d{2}T\\S+ two\n").matcher(stamped)
                .matches(), stamped);
        // AND an unknown parameter is refused
        assertZunError(get(admin, "/v1/containers/" + uuid + "/logs?foo=1"), 400,
                "container.schema-validation-error", "Additional properties are not allowed ('foo' was unexpected)");
    }

    // ---- 10. action records --------------------------------------------------------------------------------------

    @Test
    void actionRecordsCarryTheRequestIdsNewestFirst() {
        // GIVEN a container created, stopped and started, remembering each request id
        ZunHttp.Response create = post(admin, "/v1/containers?run=true", new JsonObject()
                .put("image", "busybox").put("cpu", 0.1).put("memory", 32).put("name", "acts-" + shortId())
                .put("command", new JsonArray().add("sleep").add("300")).encode());
        assertEquals(202, create.status(), create.body());
        String uuid = create.json().getString("uuid");
        awaitStatus(admin, uuid, "Running");
        ZunHttp.Response stop = post(admin, "/v1/containers/" + uuid + "/stop?timeout=1", null);
        assertEquals(202, stop.status(), stop.body());
        awaitStatus(admin, uuid, "Stopped");
        ZunHttp.Response start = post(admin, "/v1/containers/" + uuid + "/start", null);
        assertEquals(202, start.status(), start.body());
        awaitStatus(admin, uuid, "Running");
        List<String> ids = List.of(requestId(start), requestId(stop), requestId(create));

        // WHEN the action list is read
        ZunHttp.Response r = get(admin, "/v1/containers/" + uuid + "/container_actions");

        // THEN start, stop, create, newest first, each with its request's id
        assertEquals(200, r.status(), r.body());
        assertJson(r);
        JsonArray actions = r.json().getJsonArray("containerActions");
        assertEquals(3, actions.size(), actions.encode());
        assertEquals(List.of("start", "stop", "create"),
                actions.stream().map(o -> ((JsonObject) o).getString("action")).toList());
        assertEquals(ids, actions.stream().map(o -> ((JsonObject) o).getString("request_id")).toList());
        for (Object o : actions) {
            JsonObject a = (JsonObject) o;
            for (String k : List.of("action", "container_uuid", "request_id", "user_id", "project_id",
                    "start_time", "message")) {
                assertTrue(a.containsKey(k), "action lacks " + k + ": " + a.encode());
            }
            assertEquals(uuid, a.getString("container_uuid"));
        }

        // WHEN each action is read, THEN its events all succeeded
        for (String id : ids) {
            JsonObject action = Poll.until(WAIT, () -> ok(get(admin, "/v1/containers/" + uuid
                            + "/container_actions/" + id)).json(),
                    a -> a.getJsonArray("events") != null && !a.getJsonArray("events").isEmpty()
                            && a.getValue("finish_time") != null,
                    "the events of " + id);
            assertEquals(id, action.getString("request_id"));
            for (Object o : action.getJsonArray("events")) {
                JsonObject ev = (JsonObject) o;
                assertEquals("Success", ev.getString("result"), ev.encode());
                for (String k : List.of("event", "start_time", "finish_time", "result", "traceback")) {
                    assertTrue(ev.containsKey(k), "event lacks " + k + ": " + ev.encode());
                }
            }
        }

        // AND an unknown request id is 404
        assertZunError(get(admin, "/v1/containers/" + uuid + "/container_actions/req-unknown"), 404, null,
                "The Action resource req-unknown could not be found.");
        assertEquals(204, delete(admin, "/v1/containers/" + uuid + "?stop=True").status());
    }

    // ---- 11. paths and request ids -------------------------------------------------------------------------------

    @Test
    void trailingSlashesAndUnversionedPathsAreTheSameResource() {
        // GIVEN a container of the admin
        String uuid = createdContainer(admin, "paths-" + shortId(), false).getString("uuid");
        Set<String> plain = uuids(list(admin, "/v1/containers"));
        assertTrue(plain.contains(uuid));

        // WHEN the collection is read with a trailing slash or without /v1
        // THEN the same containers, with the version headers
        ZunHttp.Response slash = get(admin, "/v1/containers/");
        assertEquals(200, slash.status(), slash.body());
        assertEquals(plain, uuids(slash.json().getJsonArray("containers")));
        ZunHttp.Response unversioned = get(admin, "/containers");
        assertEquals(200, unversioned.status(), unversioned.body());
        assertEquals(plain, uuids(unversioned.json().getJsonArray("containers")));
        assertVersionHeaders(unversioned, MAX);
        ZunHttp.Response both = get(admin, "/containers/?limit=1000");
        assertEquals(200, both.status(), both.body());

        // AND items and actions too
        assertEquals(uuid, ok(get(admin, "/v1/containers/" + uuid + "/")).json().getString("uuid"));
        assertEquals(uuid, ok(get(admin, "/containers/" + uuid)).json().getString("uuid"));
        assertEquals(200, get(admin, "/v1/containers/" + uuid + "/container_actions/").status());
    }

    @Test
    void unknownPathsAre404InZunsBody() {
        // WHEN an unknown path is called, versioned or not
        for (String path : List.of("/v1/nothing", "/nothing", "/v1/containers/x/y/z/w")) {
            ZunHttp.Response r = get(admin, path);

            // THEN 404 with Zun's framework body
            JsonObject e = assertZunError(r, 404, "container.", null);
            assertEquals("Not Found", e.getString("title"), path);
        }
    }

    @Test
    void everyResponseCarriesARequestId() {
        // WHEN answers of every kind are produced
        List<ZunHttp.Response> answers = List.of(
                get(new ZunHttp(base, null, null), "/"),
                get(new ZunHttp(base, null, null), "/v1"),
                get(admin, "/v1/containers"),
                get(new ZunHttp(base, null, "1.40"), "/v1/containers"),
                get(admin, "/v1/containers/" + UUID.randomUUID()),
                get(admin.withVersion("1.41"), "/v1/containers"),
                get(admin, "/v1/nothing"),
                post(admin, "/v1/containers", "{}"));

        // THEN each carries x-openstack-request-id: req-<uuid>, and no two are alike
        Set<String> ids = new HashSet<>();
        for (ZunHttp.Response r : answers) {
            String id = r.header("x-openstack-request-id");
            assertNotNull(id, r.raw().uri() + " " + r.status());
            assertTrue(REQUEST_ID.matcher(id).matches(), id);
            assertTrue(ids.add(id), "repeated request id " + id);
        }
    }

    @Test
    void unversionedPathsCarryTheirRequestIdToo() {
        // GIVEN a container, WHEN it is read and stopped through unversioned paths
        String uuid = createdContainer(admin, "reroute-" + shortId(), false).getString("uuid");
        Poll.until(Duration.ofSeconds(60), () -> get(admin, "/v1/containers/" + uuid).json().getString("status"),
                "Created"::equals, "Created");
        ZunHttp.Response listed = get(admin, "/containers");
        ZunHttp.Response action = post(admin, "/containers/" + uuid + "/start", null);

        // THEN each answer carries its request id, and the action record has the one the client saw
        assertEquals(200, listed.status(), listed.body());
        assertNotNull(listed.header("x-openstack-request-id"), "GET /containers lacks x-openstack-request-id");
        assertTrue(REQUEST_ID.matcher(listed.header("x-openstack-request-id")).matches());
        assertEquals(202, action.status(), action.body());
        String id = requestId(action);
        JsonArray actions = ok(get(admin, "/v1/containers/" + uuid + "/container_actions")).json()
                .getJsonArray("containerActions");
        assertEquals(id, actions.getJsonObject(0).getString("request_id"));
    }

    // ---- beyond the basics: client spellings, version gates, policy and robustness ------------------------------

    @Test
    void theClientsOwnCreateBodiesAreAccepted() {
        // WHEN the body python-zunclient sends for `zun run` is posted at 1.40
        ZunHttp.Response run = post(admin, "/v1/containers?run=True", new JsonObject()
                .put("name", "client-" + shortId()).put("image", "busybox").put("cpu", 0.1).put("memory", 32)
                .put("environment", new JsonObject()).put("auto_remove", false).put("labels", new JsonObject())
                .put("hints", new JsonObject()).put("nets", new JsonArray()).put("mounts", new JsonArray())
                .put("command", new JsonArray().add("sh").add("-c").add("echo hi")).encode());

        // THEN it is created
        assertEquals(202, run.status(), run.body());
        assertEquals(new JsonArray().add("sh").add("-c").add("echo hi"), run.json().getJsonArray("command"));

        // WHEN a 1.1 client sends the command as one string and numbers as strings
        ZunHttp.Response legacy = post(admin.withVersion(null), "/v1/containers",
                "{\"image\": \"busybox\", \"cpu\": \"0.5\", \"memory\": \"32\", "
                        + "\"command\": \"sh -c 'echo hi there'\"}");

        // THEN the command is split as a shell would, cpu is a float and memory a string
        assertEquals(202, legacy.status(), legacy.body());
        JsonObject c = legacy.json();
        assertEquals(new JsonArray().add("sh").add("-c").add("echo hi there"), c.getJsonArray("command"));
        assertEquals(0.5, c.getDouble("cpu"));
        assertEquals("32", c.getValue("memory"));
    }

    @Test
    void createQueryIsValidatedBeforeAnythingIsWritten() {
        long before = rowsOfValidationProject();
        String body = "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 32}";

        // WHEN the create query has an unknown parameter, or run is no boolean
        // THEN 400 schema validation, and nothing is written
        assertZunError(post(validator(), "/v1/containers?foo=1", body), 400, "container.schema-validation-error",
                "Additional properties are not allowed ('foo' was unexpected)");
        JsonObject e = assertZunError(post(validator(), "/v1/containers?run=maybe", body), 400,
                "container.schema-validation-error", null);
        assertTrue(e.getString("detail").startsWith("Invalid input for query parameters 'run'. Value: 'maybe'."),
                e.encode());
        assertEquals(before, rowsOfValidationProject());
    }

    @Test
    void actionsOnUnknownContainersAre404() {
        // WHEN actions, logs and records are asked of a container that does not exist
        // THEN 404 container-not-found naming it
        for (ZunHttp.Response r : List.of(
                post(admin, "/v1/containers/nosuch-y/start", null),
                post(admin, "/v1/containers/nosuch-y/stop?timeout=10", null),
                post(admin, "/v1/containers/nosuch-y/kill?signal=None", null),
                delete(admin, "/v1/containers/nosuch-y?force=False&stop=False&all_projects=False"),
                get(admin, "/v1/containers/nosuch-y/logs"),
                get(admin, "/v1/containers/nosuch-y/container_actions"))) {
            assertZunError(r, 404, "container.container-not-found", "Container nosuch-y could not be found.");
        }
    }

    @Test
    void oddListQueriesAreAnsweredWithoutServerErrors() {
        // WHEN lists are filtered or sorted oddly
        // THEN the answers are Zun's: empty lists for filters nothing matches, 4xx for bad parameters
        assertEquals(0, list(admin, "/v1/containers?memory=abc").size());
        assertEquals(0, list(admin, "/v1/containers?auto_remove=maybe").size());
        assertEquals(200, get(admin, "/v1/containers?sort_key=name&sort_dir=desc&limit=2").status());
        assertZunError(get(admin, "/v1/containers?sort_key=nosuch"), 400, null,
                "The sort_key value \"nosuch\" is an invalid field for sorting");
        assertZunError(get(admin, "/v1/containers?limit=abc"), 400, "container.invalid-value",
                "Limit must be positive integer");
        assertZunError(get(admin, "/v1/containers?limit=-1"), 400, "container.invalid-value",
                "Limit must be positive integer");
        assertZunError(get(admin, "/v1/containers?all_projects=maybe"), 400, "container.invalid-value",
                "Valid all_projects values are: 1, t, true, on, y, yes, 0, f, false, off, n, no");
        assertZunError(get(member, "/v1/containers?host=x"), 403, "container.policy-not-authorized",
                "Policy doesn't allow container:get_one:host to be performed.");
    }

    @Test
    void aMemoryFilterBeyondIntRangeMatchesNothing() {
        // WHEN a list is filtered on a memory no container can have
        ZunHttp.Response r = get(admin, "/v1/containers?memory=99999999999");

        // THEN an empty list, as for any filter nothing matches
        assertEquals(200, r.status(), r.body());
        assertEquals(0, r.json().getJsonArray("containers").size());
    }

    @Test
    void anUnknownMarkerIs404() {
        // WHEN a list is asked to continue after a container that does not exist
        String marker = UUID.randomUUID().toString();
        ZunHttp.Response r = get(admin, "/v1/containers?limit=2&marker=" + marker);

        // THEN 404 as Zun's marker lookup gives
        assertZunError(r, 404, "container.container-not-found", "Container " + marker + " could not be found.");

        // AND another project's container is no marker for a member either
        String foreign = createdContainer(admin, "marker-" + shortId(), false).getString("uuid");
        assertZunError(get(member, "/v1/containers?limit=2&marker=" + foreign), 404,
                "container.container-not-found", "Container " + foreign + " could not be found.");
    }

    @Test
    void showWithAllProjectsIsForAdminsOnly() {
        // GIVEN a member's own container
        String uuid = createdContainer(member, "allp-" + shortId(), false).getString("uuid");

        // WHEN shown with the client's all_projects=False, THEN 200
        assertEquals(200, get(member, "/v1/containers/" + uuid + "?all_projects=False").status());
        assertEquals(200, get(admin, "/v1/containers/" + uuid + "?all_projects=True").status());

        // WHEN the member asks with all_projects=True, THEN 403 as Zun's get_one_all_projects policy says
        assertZunError(get(member, "/v1/containers/" + uuid + "?all_projects=True"), 403,
                "container.policy-not-authorized",
                "Policy doesn't allow container:get_one_all_projects to be performed.");
    }

    @Test
    void deleteWithStopIsRefusedBelow112() {
        // GIVEN a Created container
        String uuid = createdContainer(admin, "gated-stop-" + shortId(), false).getString("uuid");
        awaitStatus(admin, uuid, "Created");

        // WHEN deleted with stop at 1.11
        ZunHttp.Response r = delete(admin.withVersion("1.11"), "/v1/containers/" + uuid + "?stop=True");

        // THEN 400 invalid-param-in-version, and the container is still there
        assertZunError(r, 400, "container.invalid-param-in-version", "Invalid param stop because current request "
                + "version is 1.11. stop is only supported from version 1.12");
        assertEquals(uuid, show(admin, uuid).getString("uuid"));
    }

    @Test
    void deleteWithForceIsRefusedBelow17() {
        // GIVEN a Created container
        String uuid = createdContainer(admin, "gated-force-" + shortId(), false).getString("uuid");
        awaitStatus(admin, uuid, "Created");

        // WHEN deleted with force at 1.6
        ZunHttp.Response r = delete(admin.withVersion("1.6"), "/v1/containers/" + uuid + "?force=True");

        // THEN 400 invalid-param-in-version, and the container is still there
        assertZunError(r, 400, "container.invalid-param-in-version", "Invalid param force because current request "
                + "version is 1.6. force is only supported from version 1.7");
        assertEquals(uuid, show(admin, uuid).getString("uuid"));
    }

    @Test
    void aWrongMethodOnAKnownPathIs405() {
        // WHEN the container collection is called with a method it does not have
        ZunHttp.Response r = raw("PUT", "/v1/containers", Map.of("X-Auth-Token", platform.adminToken(),
                "OpenStack-API-Version", "container 1.40", "Content-Type", "application/json"));

        // THEN 405 in Zun's framework body
        JsonObject e = assertZunError(r, 405, "container.", null);
        assertEquals("Method Not Allowed", e.getString("title"));
    }

    // ---- helpers -------------------------------------------------------------------------------------------------

    private static ZunHttp validator() {
        return new ZunHttp(base, Platforms.token(platform, "validator", VALIDATION_PROJECT, List.of("member")), "1.40");
    }

    /** Containers and action records of the validation project, as the API and the database count them. */
    private static long rowsOfValidationProject() {
        long listed = list(validator(), "/v1/containers").size();
        long containers = count("SELECT count(*) FROM containers WHERE project_id = $1");
        long actions = count("SELECT count(*) FROM container_actions WHERE project_id = $1");
        assertEquals(listed, containers, "the list and the table disagree");
        return containers * 1_000_000 + actions;
    }

    private static long count(String sql) {
        return platform.platform().pool().preparedQuery(sql).execute(Tuple.of(VALIDATION_PROJECT)).await()
                .iterator().next().getLong(0);
    }

    private static JsonObject createdContainer(ZunHttp client, String name, boolean run, String... command) {
        JsonObject body = new JsonObject().put("image", "busybox").put("cpu", 0.1).put("memory", 32).put("name", name);
        if (command.length > 0) {
            body.put("command", new JsonArray(List.of((Object[]) command)));
        }
        ZunHttp.Response r = post(client, "/v1/containers" + (run ? "?run=true" : ""), body.encode());
        assertEquals(202, r.status(), r.body());
        return r.json();
    }

    private static JsonObject show(ZunHttp client, String ident) {
        ZunHttp.Response r = get(client, "/v1/containers/" + ident);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private static JsonArray list(ZunHttp client, String path) {
        ZunHttp.Response r = get(client, path);
        assertEquals(200, r.status(), r.body());
        return r.json().getJsonArray("containers");
    }

    private static JsonObject awaitStatus(ZunHttp client, String uuid, String status) {
        return Poll.until(WAIT, () -> show(client, uuid),
                c -> status.equals(c.getString("status")) && c.getValue("task_state") == null,
                "container " + uuid + " to be " + status);
    }

    private static Set<String> uuids(JsonArray containers) {
        Set<String> out = new HashSet<>();
        containers.forEach(o -> out.add(((JsonObject) o).getString("uuid")));
        return out;
    }

    private static String requestId(ZunHttp.Response r) {
        String id = r.header("x-openstack-request-id");
        assertNotNull(id, "no request id on " + r.raw().uri());
        return id;
    }

    private static String shortId() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static ZunHttp.Response get(ZunHttp client, String path) {
        return ok(client.get(path));
    }

    private static ZunHttp.Response post(ZunHttp client, String path, String json) {
        return ok(client.post(path, json));
    }

    private static ZunHttp.Response delete(ZunHttp client, String path) {
        return ok(client.delete(path));
    }

    /** Every response of this class: never a server error. */
    private static ZunHttp.Response ok(ZunHttp.Response r) {
        assertTrue(r.status() < 500, r.raw().request().method() + " " + r.raw().uri() + " answered " + r.status()
                + ": " + r.body());
        return r;
    }

    /** A request with exactly the given headers (for header spellings the test client does not produce). */
    private static ZunHttp.Response raw(String method, String path, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .method(method, HttpRequest.BodyPublishers.noBody());
        headers.forEach(b::header);
        try (HttpClient http = HttpClient.newHttpClient()) {
            HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
            return ok(new ZunHttp.Response(r.statusCode(), r.body(), r));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void assertJson(ZunHttp.Response r) {
        String type = r.header("Content-Type");
        assertNotNull(type, "no Content-Type");
        assertTrue(type.startsWith("application/json"), type);
    }

    private static void assertVersionHeaders(ZunHttp.Response r, String effective) {
        assertEquals(MIN, r.header("OpenStack-API-Minimum-Version"), "minimum version header");
        assertEquals(MAX, r.header("OpenStack-API-Maximum-Version"), "maximum version header");
        assertEquals(effective, r.header("OpenStack-API-Version"), "effective version header");
        assertEquals("OpenStack-API-Version", r.header("Vary"), "Vary header");
    }

    /**
     * Zun's error body (reference §9.1) with the given status; {@code code} and {@code message} ({@code title} and
     * {@code detail}) are checked when not null, else only that the code is Zun's.
     */
    private static JsonObject assertZunError(ZunHttp.Response r, int status, String code, String message) {
        assertEquals(status, r.status(), r.body());
        assertJson(r);
        JsonArray errors = r.json().getJsonArray("errors");
        assertNotNull(errors, "not Zun's error body: " + r.body());
        assertEquals(1, errors.size(), r.body());
        JsonObject e = errors.getJsonObject(0);
        assertEquals(status, e.getInteger("status"), r.body());
        assertTrue(e.getString("code").startsWith("container."), r.body());
        if (code != null) {
            assertEquals(code, e.getString("code"), r.body());
        }
        if (message != null) {
            assertEquals(message, e.getString("title"), r.body());
            assertEquals(message, e.getString("detail"), r.body());
        }
        assertTrue(e.containsKey("request_id"), r.body());
        assertEquals(new JsonArray(), e.getJsonArray("links"), r.body());
        return e;
    }

    private static void assertUnauthorized(ZunHttp.Response r) {
        assertEquals(401, r.status(), r.body());
        assertJson(r);
        JsonObject error = r.json().getJsonObject("error");
        assertNotNull(error, "not keystonemiddleware's body: " + r.body());
        assertEquals(401, error.getInteger("code"));
        assertEquals("Unauthorized", error.getString("title"));
        assertEquals("The request you have made requires authentication.", error.getString("message"));
    }
}
