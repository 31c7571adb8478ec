package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.exception.NotFoundException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Tuple;
import io.zunvx.compute.LocalRegistry;
import io.zunvx.compute.TestImages;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.agent.ProjectImages;
import io.zunvx.platform.http.ChunkedUpload;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Images end to end on the all-in-one platform with a real private registry on 127.0.0.1 (htpasswd) and the image
 * store on PostgreSQL large objects: containers from the registry with and without its credentials, twenty creates of
 * one new image causing one pull, the images API (pull onto a host, list, search, delete), containers from the store,
 * commit into the store, and the bad input of each.
 */
class ImagesIT {
    private static final Duration WAIT = Duration.ofSeconds(120);
    private static final long UPLOAD_LIMIT = 64L * 1024 * 1024;
    private static final String REPO = "zunvx/app";

    @TempDir
    static Path data;
    @TempDir
    static Path registryDir;

    static AllInOne platform;
    static LocalRegistry registry;
    static ZunHttp api;
    static DockerClient docker;
    static String host;
    static final List<String> localNames = new ArrayList<>();
    static final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @BeforeAll
    static void start() {
        registry = LocalRegistry.start(registryDir, "puller", "pull-secret-" + UUID.randomUUID());
        platform = Platforms.start(data, CrashPoints.NONE, Map.of(
                "ZUNVX_IMAGE_STORE_BACKEND", "postgres",
                "ZUNVX_IMAGE_STORE_MAX_BYTES", String.valueOf(UPLOAD_LIMIT),
                "ZUNVX_IMAGE_SEARCH_REGISTRY", registry.address()));
        api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        host = platform.platform().config().compute().hostName();
        docker = TestImages.docker(platform.platform().config().compute().dockerHost());
    }

    @AfterAll
    static void stop() throws IOException {
        Platforms.stop(platform);
        if (docker != null) {
            localNames.forEach(n -> LocalRegistry.untag(docker, n));
            TestImages.untagProject(docker, platform.bootstrap().projectId());
            docker.close();
        }
        if (registry != null) {
            registry.close();
        }
    }

    /** Pushes a fresh image (busybox with a marker file) as {@code zunvx/app:<tag>}; returns reference and marker. */
    private static TestImages.Unique pushFresh(String tag) {
        TestImages.Unique local = TestImages.commit(docker, "zunvx-it/fresh", tag, Map.of());
        try {
            String ref = registry.push(docker, local.reference(), REPO, tag);
            return new TestImages.Unique(local.id(), ref, local.marker());
        } finally {
            LocalRegistry.untag(docker, local.reference());
        }
    }

    private static JsonObject settle(String uuid) {
        return Poll.until(WAIT, () -> api.get("/v1/containers/" + uuid).json(),
                x -> !"Creating".equals(x.getString("status")) && x.getString("task_state") == null, "settled");
    }

    private static String run(String bodyFields) {
        ZunHttp.Response r = api.post("/v1/containers?run=true", "{\"cpu\": 0.1, \"memory\": 32, " + bodyFields + "}");
        assertEquals(202, r.status(), r.body());
        return r.json().getString("uuid");
    }

    private static String logs(String uuid) {
        return Poll.until(WAIT, () -> api.get("/v1/containers/" + uuid + "/logs?stdout=True&stderr=True").body(),
                b -> b.contains("marker-"), "marker in the log");
    }

    private static String registryBody(String name) {
        return "{\"registry\": {\"name\": \"" + name + "\", \"domain\": \"" + registry.address() + "\", "
                + "\"username\": \"" + registry.username() + "\", \"password\": \"" + registry.password() + "\"}}";
    }

    /** Deletes the admin project's registries, so that no registry matches a reference by its domain. */
    private static void forgetRegistries() {
        for (Object o : api.get("/v1/registries").json().getJsonArray("registries")) {
            assertEquals(204, api.delete("/v1/registries/" + ((JsonObject) o).getString("uuid")).status());
        }
    }

    @Test
    void privateRegistryNeedsItsCredentialsAndStoresThemEncrypted() {
        forgetRegistries();
        TestImages.Unique image = pushFresh("auth-" + UUID.randomUUID().toString().substring(0, 8));
        localNames.add(image.reference());

        // WITHOUT credentials: the pull fails with the registry's reason
        String refused = run("\"image\": \"" + image.reference() + "\", \"command\": [\"cat\", \"/marker\"]");
        JsonObject failed = settle(refused);
        assertEquals("Error", failed.getString("status"));
        String reason = failed.getString("status_reason").toLowerCase();
        assertTrue(reason.contains("auth") || reason.contains("credentials") || reason.contains("unauthorized"),
                failed.getString("status_reason"));

        // WITH the registry named: it runs from the pushed image
        ZunHttp.Response created = api.post("/v1/registries", registryBody("local-" + UUID.randomUUID()
                .toString().substring(0, 8)));
        assertEquals(201, created.status(), created.body());
        JsonObject reg = created.json().getJsonObject("registry");
        assertEquals("***", reg.getString("password"));
        String ok = run("\"image\": \"" + image.reference() + "\", \"registry\": \"" + reg.getString("name")
                + "\", \"command\": [\"cat\", \"/marker\"]");
        assertNotEquals("Error", settle(ok).getString("status"), api.get("/v1/containers/" + ok).body());
        assertTrue(logs(ok).contains(image.marker()));

        // AND the password is encrypted at rest
        var rows = platform.platform().pool().preparedQuery("SELECT password_enc FROM registries WHERE uuid = $1")
                .execute(Tuple.of(UUID.fromString(reg.getString("uuid")))).await();
        byte[] stored = rows.iterator().next().getBuffer(0).getBytes();
        assertFalse(new String(stored, StandardCharsets.ISO_8859_1).contains(registry.password()));
        assertFalse(api.get("/v1/registries/" + reg.getString("uuid")).body().contains(registry.password()));

        // AND naming an unknown registry is a 404
        ZunHttp.Response unknown = api.post("/v1/containers", "{\"image\": \"busybox\", \"registry\": \"nope\"}");
        assertEquals(404, unknown.status(), unknown.body());
        assertEquals(204, api.delete("/v1/registries/" + reg.getString("uuid")).status());
    }

    @Test
    void twentyCreatesOfOneNewImageCauseOnePull() {
        String tag = "burst-" + UUID.randomUUID().toString().substring(0, 8);
        TestImages.Unique image = pushFresh(tag);
        localNames.add(image.reference());
        ZunHttp.Response reg = api.post("/v1/registries", registryBody("burst-" + tag));
        assertEquals(201, reg.status(), reg.body());
        long before = registry.manifestFetches(REPO, tag);

        List<CompletableFuture<String>> creates = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            creates.add(CompletableFuture.supplyAsync(() -> run("\"image\": \"" + image.reference()
                    + "\", \"image_pull_policy\": \"ifnotpresent\", \"registry\": \"burst-" + tag
                    + "\", \"command\": [\"sleep\", \"300\"]")));
        }
        List<String> uuids = creates.stream().map(CompletableFuture::join).toList();
        for (String uuid : uuids) {
            assertEquals("Running", settle(uuid).getString("status"), api.get("/v1/containers/" + uuid).body());
        }
        assertEquals(1, registry.manifestFetches(REPO, tag) - before,
                "one pull for twenty creates: " + registry.requests());
        uuids.forEach(u -> api.delete("/v1/containers/" + u + "?force=True"));
        forgetRegistries();
    }

    @Test
    void imagesApiPullsListsSearchesAndDeletesOnAHost() {
        String tag = "api-" + UUID.randomUUID().toString().substring(0, 8);
        TestImages.Unique image = pushFresh(tag);
        ZunHttp.Response reg = api.post("/v1/registries", registryBody("api-" + tag));
        assertEquals(201, reg.status(), reg.body());

        ZunHttp.Response pulled = api.post("/v1/images", "{\"repo\": \"" + image.reference() + "\", \"host\": \""
                + host + "\"}");
        assertEquals(202, pulled.status(), pulled.body());
        String uuid = pulled.json().getString("uuid");
        assertEquals(tag, pulled.json().getString("tag"));
        JsonObject ready = Poll.until(WAIT, () -> api.get("/v1/images/" + uuid).json(),
                x -> x.getString("image_id") != null, "pulled");
        assertEquals(image.id(), ready.getString("image_id"));
        assertTrue(ready.getLong("size") > 0);
        assertTrue(api.get("/v1/images").json().getJsonArray("images").stream()
                .anyMatch(o -> uuid.equals(((JsonObject) o).getString("uuid"))));
        // pulled with credentials: named for the admin's project only (see ImageIsolationIT)
        String own = ProjectImages.scoped(platform.bootstrap().projectId(), image.reference());
        docker.inspectImageCmd(own).exec();

        // search: the docker driver asks the configured registry
        JsonArray found = new JsonArray(api.get("/v1/images/zunvx/search?image_driver=docker&exact_match=False")
                .body());
        assertTrue(found.stream().anyMatch(o -> ((JsonObject) o).getString("name").contains(REPO)), found.encode());

        // delete removes it from the host
        assertEquals(200, api.delete("/v1/images/" + uuid).status());
        assertEquals(404, api.get("/v1/images/" + uuid).status());
        Poll.until(WAIT, () -> {
            try {
                docker.inspectImageCmd(own).exec();
                return false;
            } catch (NotFoundException gone) {
                return true;
            }
        }, gone -> gone, "image removed from the host");

        forgetRegistries();

        // bad input
        assertEquals(400, api.post("/v1/images", "{\"repo\": \"busybox\", \"host\": \"no-such-host\"}").status());
        assertEquals(400, api.post("/v1/images", "{\"repo\": \"Bad Ref!!\", \"host\": \"" + host + "\"}")
                .status());
        assertEquals(400, api.post("/v1/containers", "{\"image\": \"UPPER/Case::x\"}").status());
    }

    // ---- the image store ------------------------------------------------------------------------------------------

    private static HttpResponse<String> store(String method, String path, HttpRequest.BodyPublisher body,
                                              String contentType) {
        return ImageStoreHttp.send(platform, platform.adminToken(), method, path, body, contentType);
    }

    private static String createStoreImage(String name) {
        HttpResponse<String> r = store("POST", "/images", HttpRequest.BodyPublishers.ofString(
                "{\"name\": \"" + name + "\", \"container_format\": \"docker\", \"disk_format\": \"raw\"}"),
                "application/json");
        assertEquals(201, r.statusCode(), r.body());
        return new JsonObject(r.body()).getString("id");
    }

    private static Path save(String reference) throws IOException {
        Path tar = Files.createTempFile(data, "image", ".tar");
        try (InputStream in = docker.saveImageCmd(reference).exec()) {
            Files.copy(in, tar, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        return tar;
    }

    @Test
    void storeImagesRunAndCommitsLandInTheStore() throws Exception {
        TestImages.Unique local = TestImages.commit(docker, "zunvx-it/store",
                "s-" + UUID.randomUUID().toString().substring(0, 8), Map.of());
        Path tar;
        try {
            tar = save(local.reference());
        } finally {
            LocalRegistry.untag(docker, local.reference());
        }
        String name = "store-app-" + UUID.randomUUID().toString().substring(0, 8);
        String id = createStoreImage(name);
        HttpResponse<String> up = store("PUT", "/images/" + id + "/file", HttpRequest.BodyPublishers.ofFile(tar),
                "application/octet-stream");
        assertEquals(204, up.statusCode(), up.body());
        JsonObject img = new JsonObject(store("GET", "/images/" + id, HttpRequest.BodyPublishers.noBody(), null)
                .body());
        assertEquals("active", img.getString("status"));
        assertEquals(Files.size(tar), img.getLong("size"));
        assertEquals(sha256(tar), img.getString("os_hash_value"));

        // a container runs from it
        String c = run("\"image\": \"" + name + "\", \"image_driver\": \"glance\", \"command\": [\"cat\", "
                + "\"/marker\"]");
        assertNotEquals("Error", settle(c).getString("status"), api.get("/v1/containers/" + c).body());
        assertTrue(logs(c).contains(local.marker()));
        localNames.add(ProjectImages.scoped(platform.bootstrap().projectId(), name));

        // search with the store driver finds it
        JsonArray found = new JsonArray(api.get("/v1/images/" + name + "/search?image_driver=glance").body());
        assertEquals(1, found.size(), found.encode());
        assertEquals(id, found.getJsonObject(0).getString("id"));

        // commit stores the result in the store, and it runs again from there
        String sleeper = run("\"image\": \"" + name + "\", \"image_driver\": \"glance\", \"command\": [\"sh\", "
                + "\"-c\", \"echo committed > /committed; sleep 300\"]");
        assertEquals("Running", settle(sleeper).getString("status"));
        Poll.until(WAIT, () -> api.post("/v1/containers/" + sleeper + "/execute?command=cat+/committed", "null")
                .body(), b -> b.contains("committed"), "file written");
        String snap = "snap-" + UUID.randomUUID().toString().substring(0, 8);
        ZunHttp.Response commit = api.post("/v1/containers/" + sleeper + "/commit?repository=" + snap + "&tag=v1",
                "null");
        assertEquals(202, commit.status(), commit.body());
        String committed = commit.json().getString("uuid");
        JsonObject stored = Poll.until(WAIT, () -> new JsonObject(store("GET", "/images/" + committed,
                        HttpRequest.BodyPublishers.noBody(), null).body()),
                x -> !"queued".equals(x.getString("status")) && !"saving".equals(x.getString("status")),
                "commit stored");
        assertEquals("active", stored.getString("status"), stored.encode());
        assertEquals(snap, stored.getString("name"));
        localNames.add(ProjectImages.scoped(platform.bootstrap().projectId(), snap + ":v1"));
        localNames.add(ProjectImages.scoped(platform.bootstrap().projectId(), committed));
        String again = run("\"image\": \"" + committed + "\", \"image_driver\": \"glance\", \"command\": "
                + "[\"cat\", \"/committed\"]");
        assertNotEquals("Error", settle(again).getString("status"), api.get("/v1/containers/" + again).body());
        Poll.until(WAIT, () -> api.get("/v1/containers/" + again + "/logs?stdout=True").body(),
                b -> b.contains("committed"), "runs from the committed image");

        // download gives back the very bytes
        HttpResponse<byte[]> down = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + platform.apiPort() + "/image/v2/images/" + id + "/file"))
                .header("X-Auth-Token", platform.adminToken()).build(), HttpResponse.BodyHandlers.ofByteArray());
        assertEquals(200, down.statusCode());
        assertEquals(sha256(tar), HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(down.body())));
    }

    @Test
    void badUploadsLeaveNoHalfImage() throws Exception {
        Path tar = save("busybox:latest");
        byte[] bytes = Files.readAllBytes(tar);

        // corrupt: one byte flipped in the middle of a layer
        String corrupt = createStoreImage("corrupt-" + UUID.randomUUID().toString().substring(0, 8));
        byte[] flipped = bytes.clone();
        flipped[bytes.length / 2] ^= 0x5a;
        HttpResponse<String> r = store("PUT", "/images/" + corrupt + "/file",
                HttpRequest.BodyPublishers.ofByteArray(flipped), "application/octet-stream");
        assertEquals(400, r.statusCode(), r.body());
        assertEquals("queued", new JsonObject(store("GET", "/images/" + corrupt,
                HttpRequest.BodyPublishers.noBody(), null).body()).getString("status"));

        // truncated
        String truncated = createStoreImage("truncated-" + UUID.randomUUID().toString().substring(0, 8));
        r = store("PUT", "/images/" + truncated + "/file", HttpRequest.BodyPublishers.ofByteArray(
                java.util.Arrays.copyOf(bytes, bytes.length - 3000)), "application/octet-stream");
        assertEquals(400, r.statusCode(), r.body());

        // larger than the limit
        String big = createStoreImage("big-" + UUID.randomUUID().toString().substring(0, 8));
        // (sent by a client that reads the answer while it sends, as curl does: see ChunkedUpload)
        ChunkedUpload.Answer oversized = ChunkedUpload.send(platform.apiPort(), "PUT", "/image/v2/images/" + big
                + "/file", Map.of("X-Auth-Token", platform.adminToken(), "Content-Type", "application/octet-stream"),
                UPLOAD_LIMIT + 1024 * 1024);
        assertEquals(413, oversized.status(), oversized.body());

        // nothing half-written is left: no large object beyond those of active images
        long activeBlobs = platform.platform().pool().query(
                "SELECT count(*) FROM store_images WHERE status = 'active'").execute().await()
                .iterator().next().getLong(0);
        long largeObjects = platform.platform().pool().query("SELECT count(*) FROM pg_largeobject_metadata")
                .execute().await().iterator().next().getLong(0);
        assertEquals(activeBlobs, largeObjects);

        // a container naming a store image that has no data is refused at once, before anything is written
        ZunHttp.Response refused = api.post("/v1/containers", "{\"image\": \"" + corrupt
                + "\", \"image_driver\": \"glance\"}");
        assertEquals(400, refused.status(), refused.body());
        assertNotNull(refused.json().getJsonArray("errors").getJsonObject(0).getString("detail"));
    }

    private static String sha256(Path file) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(file)) {
            byte[] buf = new byte[1 << 16];
            for (int n; (n = in.read(buf)) > 0; ) {
                md.update(buf, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
