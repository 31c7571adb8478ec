package io.zunvx.api.image;

import static io.zunvx.api.ApiPlatform.assertZunError;
import static io.zunvx.api.ApiPlatform.newProject;
import static io.zunvx.platform.db.TestWaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.api.ApiPlatform;
import io.zunvx.api.ApiPlatform.Resp;
import io.zunvx.model.Container;
import io.zunvx.model.ImageCommand;
import io.zunvx.model.Status;
import io.zunvx.model.Topics;
import io.zunvx.platform.container.ContainerRepository;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.db.Transactions;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /v1/images} over HTTP on a real PostgreSQL and Kafka: admin-only pulls that write the row and the host's
 * {@code PullImage} command in one transaction, list/show/delete, search with both drivers (the docker driver against
 * a registry speaking the v2 API with htpasswd-style authentication, played here by a small HTTP server), the image
 * checks of a container create, and the store record a commit makes.
 */
class ImagesIT {
    private static final String REG_USER = "reguser";
    private static final String REG_PASSWORD = "regpass";

    @TempDir
    static Path dir;

    private static ApiPlatform api;
    private static HttpServer registry;
    private static int registryPort;
    private static String admin;
    private static String host;

    @BeforeAll
    static void start() {
        registryPort = ApiPlatform.freePort();
        api = ApiPlatform.start(dir, Map.of("ZUNVX_IMAGE_SEARCH_REGISTRY", "127.0.0.1:" + registryPort,
                "ZUNVX_IMAGE_STORE_DIR", dir.resolve("store").toString()));
        registry = await(api.vertx().createHttpServer().requestHandler(req -> {
            String expected = "Basic " + Base64.getEncoder().encodeToString((REG_USER + ":" + REG_PASSWORD)
                    .getBytes(StandardCharsets.UTF_8));
            if (!expected.equals(req.getHeader("Authorization"))) {
                req.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"Registry\"")
                        .putHeader("Content-Type", "application/json")
                        .end("{\"errors\":[{\"code\":\"UNAUTHORIZED\",\"message\":\"authentication required\"}]}");
                return;
            }
            String path = req.path();
            JsonObject body;
            if (path.equals("/v2/_catalog")) {
                body = new JsonObject().put("repositories", new JsonArray().add("busybox").add("team/busybox-extra")
                        .add("team/app"));
            } else if (path.equals("/v2/busybox/tags/list")) {
                body = new JsonObject().put("name", "busybox").put("tags", new JsonArray().add("latest").add("1.36"));
            } else if (path.equals("/v2/team/busybox-extra/tags/list")) {
                body = new JsonObject().put("name", "team/busybox-extra").put("tags", new JsonArray().add("2"));
            } else {
                req.response().setStatusCode(404).end();
                return;
            }
            req.response().putHeader("Content-Type", "application/json").end(body.encode());
        }).listen(registryPort, "127.0.0.1"));
        admin = api.adminToken();
        host = "host-" + UUID.randomUUID().toString().substring(0, 8);
        api.addHost(host);
    }

    @AfterAll
    static void stop() {
        if (registry != null) {
            await(registry.close());
        }
        if (api != null) {
            api.close();
        }
    }

    // ---- pull, list, show, delete ---------------------------------------------------------------------------------

    @Test
    void aPullWritesTheImageAndItsCommandAndADeleteRemovesBoth() {
        // WHEN an admin pulls a repository with a tag onto a host named by host name
        Resp pulled = api.call("POST", "/v1/images", admin, new JsonObject().put("repo", "127.0.0.1:5000/team/app:2.1")
                .put("host", host));

        // THEN 202 with Location and Zun's image object, repository and tag split
        assertEquals(202, pulled.status(), pulled.toString());
        JsonObject img = pulled.json();
        String uuid = img.getString("uuid");
        assertEquals(api.url() + "/v1/images/" + uuid, pulled.header("Location"));
        assertEquals("127.0.0.1:5000/team/app", img.getString("repo"));
        assertEquals("2.1", img.getString("tag"));
        assertEquals(host, img.getString("host"));
        assertEquals(api.adminProject(), img.getString("project_id"));
        assertNull(img.getValue("image_id"));
        assertNull(img.getValue("size"));
        assertEquals("pulling", img.getString("status"));
        assertEquals(List.of("uuid", "links", "image_id", "repo", "tag", "size", "project_id", "host", "status",
                "status_reason"), List.copyOf(img.fieldNames()));

        // AND the host's PullImage command is in the outbox, keyed by the image
        JsonArray pulls = api.outbox(Topics.compute(host), ImageCommand.PullImage.TYPE);
        assertTrue(pulls.stream().anyMatch(o -> ((JsonObject) o).getString("key").equals(uuid)), pulls.encode());

        // AND it is listed and shown
        JsonArray listed = api.call("GET", "/v1/images", admin, null).json().getJsonArray("images");
        assertTrue(listed.stream().anyMatch(o -> ((JsonObject) o).getString("uuid").equals(uuid)));
        assertEquals(img, api.call("GET", "/v1/images/" + uuid, admin, null).json());

        // AND the same repository and tag on the same host again is a conflict; a default tag is "latest"
        assertZunError(api.call("POST", "/v1/images", admin, new JsonObject()
                .put("repo", "127.0.0.1:5000/team/app:2.1").put("host", host)), 409,
                "container.image-already-exists", null);
        Resp latest = api.call("POST", "/v1/images", admin, new JsonObject().put("repo", "busybox")
                .put("host", host));
        assertEquals("latest", latest.json().getString("tag"));

        // WHEN it is deleted THEN 200 null, the row is gone, and the host is told to remove the image
        Resp deleted = api.call("DELETE", "/v1/images/" + uuid, admin, null);
        assertEquals(200, deleted.status(), deleted.toString());
        assertEquals("null", deleted.text());
        assertZunError(api.call("GET", "/v1/images/" + uuid, admin, null), 404, "container.image-not-found",
                "Image " + uuid + " could not be found.");
        JsonArray removals = api.outbox(Topics.compute(host), ImageCommand.DeleteImage.TYPE);
        JsonObject removal = removals.stream().map(o -> (JsonObject) o)
                .filter(o -> o.getString("key").equals(uuid)).findFirst().orElseThrow();
        assertEquals("127.0.0.1:5000/team/app", removal.getJsonObject("data").getString("repo"));
        assertEquals("2.1", removal.getJsonObject("data").getString("tag"));
        assertZunError(api.call("DELETE", "/v1/images/" + uuid, admin, null), 404, "container.image-not-found", null);
    }

    @Test
    void pullsAreForAdminsAndValidated() {
        String member = api.memberToken(newProject());
        JsonObject ok = new JsonObject().put("repo", "busybox").put("host", host);
        assertZunError(api.call("POST", "/v1/images", member, ok), 403, "container.policy-not-authorized",
                "Policy doesn't allow image:pull to be performed.");
        assertZunError(api.call("GET", "/v1/images", member, null), 403, "container.policy-not-authorized", null);
        assertZunError(api.call("GET", "/v1/images/" + UUID.randomUUID(), member, null), 403, null, null);
        assertZunError(api.call("DELETE", "/v1/images/" + UUID.randomUUID(), member, null), 403, null, null);

        assertZunError(api.call("POST", "/v1/images", admin, new JsonObject().put("repo", "busybox")
                .put("host", "nowhere")), 400, "container.invalid-value", "The host nowhere does not exist.");
        assertZunError(api.call("POST", "/v1/images", admin, new JsonObject().put("repo", "busybox")
                .put("host", UUID.randomUUID().toString())), 400, "container.invalid-value", null);
        assertZunError(api.call("POST", "/v1/images", admin, new JsonObject().put("repo", "busybox")), 400,
                "container.schema-validation-error", "'host' is a required property");
        assertZunError(api.call("POST", "/v1/images", admin, new JsonObject().put("repo", "BusyBox")
                        .put("host", host)), 400, "container.invalid-value",
                "Invalid image name 'BusyBox': invalid reference format: repository name must be lowercase");
        assertZunError(api.call("POST", "/v1/images", admin, new JsonObject().put("repo", "bad repo!")
                .put("host", host)), 400, "container.invalid-value", null);
        assertZunError(api.call("POST", "/v1/images", admin, new JsonObject().put("repo", "busybox")
                .put("host", host).put("colour", "red")), 400, "container.schema-validation-error",
                "Additional properties are not allowed ('colour' was unexpected)");
        Resp text = api.send(HttpRequest.newBuilder(URI.create(api.url() + "/v1/images"))
                .header("X-Auth-Token", admin).header("Content-Type", "text/plain")
                .POST(HttpRequest.BodyPublishers.ofString(ok.encode())).build());
        assertEquals(415, text.status(), text.toString());
        // A host named by uuid works too.
        String hostUuid = api.call("GET", "/v1/hosts/" + host, admin, null).json().getString("uuid");
        Resp byUuid = api.call("POST", "/v1/images", admin, new JsonObject().put("repo", "alpine:3")
                .put("host", hostUuid));
        assertEquals(202, byUuid.status(), byUuid.toString());
        assertEquals(host, byUuid.json().getString("host"));
        assertZunError(api.call("GET", "/v1/images/not-a-uuid", admin, null), 404, "container.image-not-found",
                null);
    }

    // ---- search ---------------------------------------------------------------------------------------------------

    @Test
    void dockerSearchAsksTheConfiguredRegistryWithTheProjectsCredentials() {
        String project = newProject();
        String member = api.memberToken(project);

        // Without credentials for that registry: it refuses, and the reason is the answer (400, never 500).
        Resp refused = api.call("GET", "/v1/images/busybox/search?image_driver=docker&exact_match=False", member,
                null);
        assertZunError(refused, 400, "container.invalid-value", null);
        String reason = refused.json().getJsonArray("errors").getJsonObject(0).getString("title");
        assertTrue(reason.contains("401") && reason.contains("authentication required"), reason);

        // With the project's registry for that domain, its credentials are used.
        assertEquals(201, api.call("POST", "/v1/registries", member, new JsonObject().put("registry",
                new JsonObject().put("domain", "127.0.0.1:" + registryPort).put("username", REG_USER)
                        .put("password", REG_PASSWORD))).status());
        JsonArray found = api.call("GET", "/v1/images/busybox/search?image_driver=docker&exact_match=False", member,
                null).array();
        assertEquals(2, found.size(), found.encode());
        JsonObject first = found.getJsonObject(0);
        assertEquals("127.0.0.1:" + registryPort + "/busybox", first.getString("name"));
        assertEquals("", first.getString("description"));
        assertEquals(false, first.getBoolean("is_automated"));
        assertEquals(new JsonObject().put("is_official", false).put("star_count", 0)
                .put("tags", new JsonArray().add("1.36").add("latest")), first.getJsonObject("metadata"));

        // Exact match, a tag, the default driver, and Python-style parameters as the client sends them.
        JsonArray exact = api.call("GET", "/v1/images/busybox/search?exact_match=True", member, null).array();
        assertEquals(1, exact.size());
        JsonArray tagged = api.call("GET", "/v1/images/busybox:2/search?image_driver=None", member, null).array();
        assertEquals(1, tagged.size());
        assertEquals("127.0.0.1:" + registryPort + "/team/busybox-extra", tagged.getJsonObject(0).getString("name"));
        JsonArray withHost = api.call("GET", "/v1/images/127.0.0.1:" + registryPort
                + "/team/app/search?exact_match=True", member, null).array();
        assertEquals(1, withHost.size(), withHost.encode());
        assertEquals(0, api.call("GET", "/v1/images/other.example/x/search", member, null).array().size());

        assertZunError(api.call("GET", "/v1/images/busybox/search?image_driver=rkt", member, null), 400,
                "container.schema-validation-error", null);
        assertZunError(api.call("GET", "/v1/images/busybox/search?exact_match=yes", member, null), 400,
                "container.schema-validation-error", null);
        assertZunError(api.call("GET", "/v1/images/busybox/search?x=1", member, null), 400,
                "container.schema-validation-error", "Additional properties are not allowed ('x' was unexpected)");
    }

    @Test
    void glanceSearchFindsTheStoresDockerImagesTheCallerCanSee() {
        String project = newProject();
        String member = api.memberToken(project);
        String mine = glanceCreate(member, new JsonObject().put("name", "store-busybox").put("container_format",
                "docker").put("disk_format", "raw").put("tags", new JsonArray().add("v1")));
        glanceCreate(member, new JsonObject().put("name", "store-busybox-raw").put("container_format", "bare")
                .put("disk_format", "raw"));
        glanceCreate(api.memberToken(newProject()), new JsonObject().put("name", "store-busybox-other")
                .put("container_format", "docker").put("disk_format", "raw"));

        JsonArray found = api.call("GET", "/v1/images/store-busybox/search?image_driver=glance", member, null)
                .array();
        assertEquals(1, found.size(), found.encode());
        assertEquals(mine, found.getJsonObject(0).getString("id"));
        assertEquals("queued", found.getJsonObject(0).getString("status"));
        assertEquals(1, api.call("GET", "/v1/images/store-busybox:v1/search?image_driver=glance&exact_match=True",
                member, null).array().size());
        assertEquals(0, api.call("GET", "/v1/images/store-busybox:v2/search?image_driver=glance", member, null)
                .array().size());
        assertEquals(1, api.call("GET", "/v1/images/" + mine + "/search?image_driver=glance", member, null)
                .array().size());
        // An admin sees every project's.
        assertEquals(2, api.call("GET", "/v1/images/store-busybox/search?image_driver=glance", admin, null)
                .array().size());
    }

    // ---- containers and commit ------------------------------------------------------------------------------------

    @Test
    void aContainerCreateChecksItsImageBeforeWritingAnything() {
        String project = newProject();
        String member = api.memberToken(project);

        assertZunError(api.call("POST", "/v1/containers", member, new JsonObject().put("image", "Busy_Box")),
                400, "container.invalid-value", null);
        assertZunError(api.call("POST", "/v1/containers", member, new JsonObject().put("image", "busybox:bad tag")),
                400, "container.invalid-value", null);

        // The glance driver: the store image must exist, be visible, be docker-format and have data.
        assertZunError(api.call("POST", "/v1/containers", member, new JsonObject().put("image", "not-in-store")
                .put("image_driver", "glance")), 404, "container.image-not-found",
                "Image not-in-store could not be found.");
        glanceCreate(member, new JsonObject().put("name", "queued-one").put("container_format", "docker")
                .put("disk_format", "raw"));
        assertZunError(api.call("POST", "/v1/containers", member, new JsonObject().put("image", "queued-one")
                .put("image_driver", "glance")), 400, "container.invalid-value", null);
        String other = glanceCreate(api.memberToken(newProject()), new JsonObject().put("name", "private-other")
                .put("container_format", "docker").put("disk_format", "raw").put("visibility", "private"));
        assertZunError(api.call("POST", "/v1/containers", member, new JsonObject().put("image", other)
                .put("image_driver", "glance")), 404, "container.image-not-found", null);
        assertEquals(0, api.call("GET", "/v1/containers", member, null).json().getJsonArray("containers").size());

        // An active one: accepted, by name or id.
        String ready = glanceCreate(member, new JsonObject().put("name", "ready-one").put("container_format",
                "docker").put("disk_format", "raw"));
        byte[] archive = DockerArchives.build("ready-one:latest", 64 * 1024, 3);
        Resp put = api.send(HttpRequest.newBuilder(URI.create(api.url() + "/image/v2/images/" + ready + "/file"))
                .header("X-Auth-Token", member).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(archive)).build());
        assertEquals(204, put.status(), put.toString());
        Resp byName = api.call("POST", "/v1/containers", member, new JsonObject().put("image", "ready-one")
                .put("image_driver", "glance"));
        assertEquals(202, byName.status(), byName.toString());
        assertEquals("glance", byName.json().getString("image_driver"));
        assertEquals(202, api.call("POST", "/v1/containers", member, new JsonObject().put("image", ready)
                .put("image_driver", "glance")).status());

        // Two visible images with the name: Zun's conflict.
        glanceCreate(member, new JsonObject().put("name", "ready-one").put("container_format", "docker")
                .put("disk_format", "raw"));
        assertZunError(api.call("POST", "/v1/containers", member, new JsonObject().put("image", "ready-one")
                        .put("image_driver", "glance")), 409, "container.conflict",
                "Multiple images exist with same name ready-one. Please use the image id instead.");
    }

    @Test
    void aCommitRecordsTheImageItWillStoreInTheSameTransaction() {
        String project = newProject();
        String member = api.memberToken(project);
        ContainerStore store = new ContainerStore(new Transactions(api.pool()), Clock.systemUTC());
        Container c = await(store.inTransaction(tx -> tx.insert(Container.builder()
                .uuid(UUID.randomUUID()).name("to-commit").projectId(project).userId("u").image("busybox")
                .imageDriver("docker").status(Status.RUNNING).host(host).containerId("abc123").build(), "req-test")));

        Resp committed = api.call("POST", "/v1/containers/" + c.uuid() + "/commit?repository=snap/shot&tag=v2",
                member, null);
        assertEquals(202, committed.status(), committed.toString());
        String image = committed.json().getString("uuid");

        Resp stored = api.send(HttpRequest.newBuilder(URI.create(api.url() + "/image/v2/images/" + image))
                .header("X-Auth-Token", member).GET().build());
        assertEquals(200, stored.status(), stored.toString());
        JsonObject i = stored.json();
        assertEquals("snap/shot", i.getString("name"));
        assertEquals("queued", i.getString("status"));
        assertEquals("docker", i.getString("container_format"));
        assertEquals("raw", i.getString("disk_format"));
        assertEquals("private", i.getString("visibility"));
        assertEquals(project, i.getString("owner"));
        assertEquals(List.of("v2"), i.getJsonArray("tags").getList());
        JsonArray commits = api.outbox(Topics.compute(host), "io.zunvx.command.commit-container.v1");
        assertTrue(commits.stream().anyMatch(o -> ((JsonObject) o).getJsonObject("data").getString("image_uuid")
                .equals(image)), commits.encode());

        // A refused commit (bad repository) records nothing.
        assertZunError(api.call("POST", "/v1/containers/" + c.uuid() + "/commit?repository=Bad%20Repo", member,
                null), 400, "container.invalid-value", null);
    }

    private static String glanceCreate(String token, JsonObject body) {
        Resp r = api.send(HttpRequest.newBuilder(URI.create(api.url() + "/image/v2/images"))
                .header("X-Auth-Token", token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.encode())).build());
        assertEquals(201, r.status(), r.toString());
        return r.json().getString("id");
    }
}
