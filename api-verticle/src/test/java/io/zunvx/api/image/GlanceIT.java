package io.zunvx.api.image;

import static io.zunvx.api.ApiPlatform.newProject;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.api.ApiPlatform;
import io.zunvx.api.ApiPlatform.Resp;
import io.zunvx.platform.http.ChunkedUpload;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image store's Glance v2 subset over HTTP on a real PostgreSQL, with the filesystem blob store and a small upload
 * limit: a streamed upload of a {@code docker save}-shaped archive above the JSON body limit and its download,
 * digests and archive checks that leave no half image, 413 before and while data arrives, Glance's shapes, errors and
 * tenancy.
 */
class GlanceIT {
    private static final long LIMIT = 8L << 20;

    @TempDir
    static Path dir;

    private static ApiPlatform api;
    private static Path storeDir;

    @BeforeAll
    static void start() {
        storeDir = dir.resolve("store");
        api = ApiPlatform.start(dir, Map.of("ZUNVX_IMAGE_STORE_DIR", storeDir.toString(),
                "ZUNVX_IMAGE_STORE_MAX_BYTES", String.valueOf(LIMIT)));
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    private static Resp glance(String method, String path, String token, Object body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url() + "/image/v2" + path))
                .timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        if (body != null) {
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(body instanceof String s ? s
                    : io.vertx.core.json.Json.encode(body)));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return api.send(b.build());
    }

    private static Resp patch(String id, String token, JsonArray ops) {
        return api.send(HttpRequest.newBuilder(URI.create(api.url() + "/image/v2/images/" + id))
                .header("X-Auth-Token", token)
                .header("Content-Type", "application/openstack-images-v2.1-json-patch")
                .method("PATCH", HttpRequest.BodyPublishers.ofString(ops.encode())).build());
    }

    private static Resp upload(String id, String token, byte[] data, Map<String, String> headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url() + "/image/v2/images/" + id + "/file"))
                .timeout(Duration.ofSeconds(60))
                .header("X-Auth-Token", token)
                .header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(data));
        headers.forEach(b::header);
        return api.send(b.build());
    }

    private static String create(String token, JsonObject body) {
        Resp r = glance("POST", "/images", token, body);
        assertEquals(201, r.status(), r.toString());
        return r.json().getString("id");
    }

    private static String dockerImage(String token, String name) {
        return create(token, new JsonObject().put("name", name).put("container_format", "docker")
                .put("disk_format", "raw"));
    }

    private static JsonObject show(String id, String token) {
        Resp r = glance("GET", "/images/" + id, token, null);
        assertEquals(200, r.status(), r.toString());
        return r.json();
    }

    private static void assertGlanceError(Resp r, int status, String messagePart) {
        assertEquals(status, r.status(), r.toString());
        JsonObject e = r.json();
        assertEquals(status + " " + e.getString("title"), e.getString("code"), r.toString());
        if (messagePart != null) {
            assertTrue(e.getString("message").contains(messagePart), r.toString());
        }
    }

    /** The store holds no blob (nor a temporary file) besides those of active images. */
    private static List<String> blobs() throws IOException {
        if (!Files.isDirectory(storeDir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(storeDir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    private static void assertQueuedWithoutData(String id, String token) {
        JsonObject img = show(id, token);
        assertEquals("queued", img.getString("status"), img.encode());
        assertNull(img.getValue("size"));
        assertNull(img.getValue("checksum"));
        assertNull(img.getValue("os_hash_value"));
    }

    // ---- the round trip -------------------------------------------------------------------------------------------

    @Test
    void anArchiveIsUploadedStreamedCheckedAndDownloadedBack() throws Exception {
        String token = api.memberToken(newProject());
        byte[] archive = DockerArchives.build("demo/app:1.0", 3 << 20, 1);
        assertTrue(archive.length > (1 << 20), "larger than the JSON body limit");
        List<String> before = blobs();

        // GIVEN an image record, created with the custom properties the OpenStack SDK adds
        Resp created = glance("POST", "/images", token, new JsonObject().put("name", "demo-app")
                .put("container_format", "docker").put("disk_format", "raw").put("tags", new JsonArray().add("v1"))
                .put("owner_specified.openstack.md5", "").put("owner_specified.openstack.object", "images/demo-app"));
        assertEquals(201, created.status(), created.toString());
        JsonObject img = created.json();
        String id = img.getString("id");
        assertEquals(api.url() + "/image/v2/images/" + id, created.header("Location"));
        assertEquals("queued", img.getString("status"));
        assertEquals("shared", img.getString("visibility"));
        assertEquals(List.of("v1"), img.getJsonArray("tags").getList());
        assertEquals("/v2/images/" + id + "/file", img.getString("file"));
        assertEquals("/v2/schemas/image", img.getString("schema"));
        assertFalse(img.containsKey("location"));
        assertFalse(img.containsKey("owner_specified.openstack.md5"), "custom properties are not kept");

        // WHEN the archive is uploaded with its MD5 and SHA-256 declared
        byte[] md5 = HexFormat.of().parseHex(DockerArchives.md5(archive));
        byte[] sha = HexFormat.of().parseHex(DockerArchives.sha256(archive));
        Resp put = upload(id, token, archive, Map.of("Content-MD5", Base64.getEncoder().encodeToString(md5),
                "Content-Digest", "sha-256=:" + Base64.getEncoder().encodeToString(sha) + ":"));

        // THEN 204 and the image is active with its size and digests
        assertEquals(204, put.status(), put.toString());
        JsonObject active = show(id, token);
        assertEquals("active", active.getString("status"));
        assertEquals(archive.length, active.getLong("size"));
        assertEquals(DockerArchives.md5(archive), active.getString("checksum"));
        assertEquals("sha256", active.getString("os_hash_algo"));
        assertEquals(DockerArchives.sha256(archive), active.getString("os_hash_value"));
        assertEquals(before.size() + 1, blobs().size(), "one blob stored");

        // AND the download streams the same bytes, with Glance's Content-MD5 and the length
        HttpResponse<InputStream> got = api.http().send(HttpRequest.newBuilder(URI.create(api.url()
                        + "/image/v2/images/" + id + "/file")).header("X-Auth-Token", token).GET().build(),
                HttpResponse.BodyHandlers.ofInputStream());
        assertEquals(200, got.statusCode());
        assertEquals("application/octet-stream", got.headers().firstValue("Content-Type").orElse(null));
        assertEquals(DockerArchives.md5(archive), got.headers().firstValue("Content-MD5").orElse(null));
        assertEquals(String.valueOf(archive.length), got.headers().firstValue("Content-Length").orElse(null));
        ByteArrayOutputStream received = new ByteArrayOutputStream();
        try (InputStream in = got.body()) {
            // A slow reader: the server must wait for the connection to drain rather than buffer the image.
            byte[] buf = new byte[64 * 1024];
            int n;
            int chunks = 0;
            while ((n = in.read(buf)) > 0) {
                received.write(buf, 0, n);
                if (++chunks % 8 == 0) {
                    Thread.sleep(5);
                }
            }
        }
        assertArrayEquals(archive, received.toByteArray());

        // AND a second upload is refused: the image has its data
        assertGlanceError(upload(id, token, archive, Map.of()), 409, "Image status transition from active");

        // AND it is listed, and deleting it removes the record and the blob
        JsonObject list = glance("GET", "/images", token, null).json();
        assertTrue(list.getJsonArray("images").stream().anyMatch(o -> ((JsonObject) o).getString("id").equals(id)));
        assertEquals("/v2/schemas/images", list.getString("schema"));
        assertTrue(list.getString("first").startsWith("/v2/images"));
        assertEquals(204, glance("DELETE", "/images/" + id, token, null).status());
        assertGlanceError(glance("GET", "/images/" + id, token, null), 404, "No image found with ID " + id);
        assertEquals(before, blobs(), "the blob is gone");
    }

    // ---- bad uploads leave no half image --------------------------------------------------------------------------

    @Test
    void anUploadCutOffByACrashDoesNotHoldItsImageForEver() throws Exception {
        // GIVEN an image left in saving by an upload whose process died (its lease not renewed for long)
        String token = api.memberToken(newProject());
        String id = dockerImage(token, "orphaned");
        io.vertx.sqlclient.Tuple args = io.vertx.sqlclient.Tuple.of(java.util.UUID.fromString(id));
        io.zunvx.platform.db.TestWaits.await(api.pool().preparedQuery("UPDATE store_images SET status = 'saving' WHERE id = $1").execute(args));
        byte[] archive = DockerArchives.build("demo/orphaned:1", 1 << 20, 1);

        // WHEN the upload is tried again at once THEN it is refused: the first might still be running
        assertGlanceError(upload(id, token, archive, Map.of()), 409, "saving");

        // WHEN its lease has run out THEN a new upload takes the image over and completes it
        io.zunvx.platform.db.TestWaits.await(api.pool().preparedQuery("UPDATE store_images SET updated_at = now() - interval '1 hour' "
                + "WHERE id = $1").execute(args));
        assertEquals(204, upload(id, token, archive, Map.of()).status());
        assertEquals("active", show(id, token).getString("status"));
    }

    @Test
    void corruptTruncatedOrMisdeclaredUploadsLeaveTheImageQueuedWithoutData() throws Exception {
        String token = api.memberToken(newProject());
        byte[] archive = DockerArchives.build("demo/corrupt:1", 2 << 20, 2);
        String id = dockerImage(token, "corrupt");
        List<String> before = blobs();

        // A flipped byte inside the layer: its blob no longer hashes to its name.
        byte[] corrupt = archive.clone();
        corrupt[archive.length / 2] ^= 0x5a;
        assertGlanceError(upload(id, token, corrupt, Map.of()), 400, "digest mismatch");
        assertQueuedWithoutData(id, token);
        assertEquals(before, blobs());

        // A truncated archive.
        byte[] truncated = Arrays.copyOf(archive, archive.length - 3000);
        assertGlanceError(upload(id, token, truncated, Map.of()), 400, "not a complete docker save archive");
        assertQueuedWithoutData(id, token);
        assertEquals(before, blobs());

        // Data that does not match the declared MD5.
        String wrongMd5 = Base64.getEncoder().encodeToString(new byte[16]);
        assertGlanceError(upload(id, token, archive, Map.of("Content-MD5", wrongMd5)), 400, "Content-MD5 mismatch");
        assertQueuedWithoutData(id, token);
        // ... or the declared SHA-256.
        String wrongSha = "sha-256=:" + Base64.getEncoder().encodeToString(new byte[32]) + ":";
        assertGlanceError(upload(id, token, archive, Map.of("Content-Digest", wrongSha)), 400,
                "Content-Digest mismatch");
        assertQueuedWithoutData(id, token);

        // Not a tar at all.
        assertGlanceError(upload(id, token, "hello".getBytes(StandardCharsets.UTF_8), Map.of()), 400, null);
        assertQueuedWithoutData(id, token);
        assertEquals(before, blobs(), "no blob and no temporary file left behind");

        // The image can still be uploaded properly afterwards.
        assertEquals(204, upload(id, token, archive, Map.of()).status());
        assertEquals("active", show(id, token).getString("status"));
    }

    @Test
    void dataLargerThanTheLimitIs413BeforeOrWhileItArrives() throws Exception {
        String token = api.memberToken(newProject());
        String id = dockerImage(token, "big");
        List<String> before = blobs();

        // A declared length above the limit: 413 at once, without the body being sent.
        try (Socket s = new Socket("127.0.0.1", URI.create(api.url()).getPort())) {
            s.setSoTimeout(10_000);
            OutputStream out = s.getOutputStream();
            out.write(("PUT /image/v2/images/" + id + "/file HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: " + token
                    + "\r\nContent-Type: application/octet-stream\r\nContent-Length: " + (LIMIT + 1)
                    + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            String status = new String(s.getInputStream().readNBytes(12), StandardCharsets.US_ASCII);
            assertEquals("HTTP/1.1 413", status);
        }
        assertQueuedWithoutData(id, token);

        // No declared length (chunked), more data than the limit: 413 once the limit is passed.
        // (sent by a client that reads the answer while it sends, as curl does: see ChunkedUpload)
        ChunkedUpload.Answer streamed = ChunkedUpload.send(URI.create(api.url()).getPort(), "PUT", "/image/v2/images/"
                + id + "/file", Map.of("X-Auth-Token", token, "Content-Type", "application/octet-stream"),
                LIMIT + (1 << 20));
        assertGlanceError(new Resp(streamed.status(), null, streamed.body().getBytes(StandardCharsets.UTF_8)), 413,
                "exceeds the limit of " + LIMIT + " bytes");
        assertQueuedWithoutData(id, token);
        assertEquals(before, blobs());

        // JSON bodies keep their 1 MiB limit.
        String huge = new JsonObject().put("name", "x".repeat(2 << 20)).encode();
        assertGlanceError(glance("POST", "/images", token, huge), 413, null);
    }

    // ---- shapes, validation, tenancy ------------------------------------------------------------------------------

    @Test
    void versionsAndSchemasAndAuthentication() {
        // The version document needs no token and points at /image/v2/.
        Resp versions = api.send(HttpRequest.newBuilder(URI.create(api.url() + "/image")).GET().build());
        assertEquals(300, versions.status(), versions.toString());
        JsonObject current = versions.json().getJsonArray("versions").getJsonObject(0);
        assertEquals("CURRENT", current.getString("status"));
        assertEquals(api.url() + "/image/v2/",
                current.getJsonArray("links").getJsonObject(0).getString("href"));

        // Everything under /image/v2 needs a token: Keystone's 401.
        Resp anonymous = glance("GET", "/images", null, null);
        assertEquals(401, anonymous.status());
        assertEquals("Unauthorized", anonymous.json().getJsonObject("error").getString("title"));
        assertNotNull(anonymous.header("WWW-Authenticate"));
        Resp anonymousUpload = upload(UUID.randomUUID().toString(), "not-a-token", new byte[1000], Map.of());
        assertEquals(401, anonymousUpload.status(), anonymousUpload.toString());

        String token = api.memberToken(newProject());
        JsonObject schema = glance("GET", "/schemas/image", token, null).json();
        assertEquals("image", schema.getString("name"));
        assertTrue(schema.getJsonObject("properties").containsKey("container_format"));
        assertEquals("string", schema.getJsonObject("additionalProperties").getString("type"));
        assertEquals("images", glance("GET", "/schemas/images", token, null).json().getString("name"));

        // Unknown paths answer in Glance's shape.
        assertGlanceError(glance("GET", "/nothing-here", token, null), 404, null);
    }

    @Test
    void createAndUpdateFollowGlancesRules() {
        String token = api.memberToken(newProject());
        assertGlanceError(glance("POST", "/images", token, new JsonObject().put("disk_format", "qcow3")), 400,
                "Provided object does not match schema 'image': 'qcow3' is not one of");
        assertGlanceError(glance("POST", "/images", token, new JsonObject().put("status", "active")), 403,
                "Attribute 'status' is read-only.");
        assertGlanceError(glance("POST", "/images", token, new JsonObject().put("location", "file:/x")), 403,
                "Attribute 'location' is reserved.");
        assertGlanceError(glance("POST", "/images", token, new JsonObject().put("visibility", "public")), 403,
                "publicize_image");
        assertGlanceError(glance("POST", "/images", token, new JsonObject().put("owner", "someone-else")), 403,
                "You are not permitted to create images owned by 'someone-else'.");
        assertGlanceError(glance("POST", "/images", token, new JsonObject().put("min_ram", -1)), 400,
                "less than the minimum");
        assertGlanceError(glance("POST", "/images", token, new JsonObject().put("custom", 5)), 400,
                "is not of type 'string'");
        assertGlanceError(glance("POST", "/images", token, "[1]"), 400, null);

        // An image without formats cannot take data yet.
        String bare = create(token, new JsonObject().put("name", "no-formats"));
        assertGlanceError(upload(bare, token, new byte[10], Map.of()), 400,
                "container_format and disk_format must be set");
        // Formats may be set while it is queued; then other attributes change through JSON patch.
        Resp patched = patch(bare, token, new JsonArray()
                .add(new JsonObject().put("op", "add").put("path", "/container_format").put("value", "bare"))
                .add(new JsonObject().put("op", "add").put("path", "/disk_format").put("value", "raw"))
                .add(new JsonObject().put("op", "replace").put("path", "/name").put("value", "renamed"))
                .add(new JsonObject().put("op", "replace").put("path", "/tags").put("value",
                        new JsonArray().add("a").add("b")))
                .add(new JsonObject().put("op", "replace").put("path", "/min_disk").put("value", 2))
                .add(new JsonObject().put("op", "replace").put("path", "/visibility").put("value", "community")));
        assertEquals(200, patched.status(), patched.toString());
        JsonObject p = patched.json();
        assertEquals("bare", p.getString("container_format"));
        assertEquals("raw", p.getString("disk_format"));
        assertEquals("renamed", p.getString("name"));
        assertEquals(List.of("a", "b"), p.getJsonArray("tags").getList());
        assertEquals(2, p.getInteger("min_disk"));
        assertEquals("community", p.getString("visibility"));
        // A bare image takes any data.
        assertEquals(204, upload(bare, token, "plain bytes".getBytes(StandardCharsets.UTF_8), Map.of()).status());
        assertGlanceError(patch(bare, token, new JsonArray().add(new JsonObject().put("op", "replace")
                .put("path", "/disk_format").put("value", "qcow2"))), 403, "only replaced for a queued image");
        assertGlanceError(patch(bare, token, new JsonArray().add(new JsonObject().put("op", "replace")
                .put("path", "/status").put("value", "queued"))), 403, "read-only");
        assertGlanceError(patch(bare, token, new JsonArray().add(new JsonObject().put("op", "add")
                .put("path", "/hw_flavor").put("value", "x"))), 400, "Custom property 'hw_flavor'");
        Resp wrongType = api.send(HttpRequest.newBuilder(URI.create(api.url() + "/image/v2/images/" + bare))
                .header("X-Auth-Token", token).header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("[]")).build());
        assertGlanceError(wrongType, 415, null);

        // Tags one by one.
        assertEquals(204, glance("PUT", "/images/" + bare + "/tags/c", token, null).status());
        assertEquals(204, glance("DELETE", "/images/" + bare + "/tags/a", token, null).status());
        assertEquals(List.of("b", "c"), show(bare, token).getJsonArray("tags").getList());
        assertGlanceError(glance("DELETE", "/images/" + bare + "/tags/zzz", token, null), 404, null);

        // Protected images cannot be deleted until unprotected.
        assertEquals(200, patch(bare, token, new JsonArray().add(new JsonObject().put("op", "replace")
                .put("path", "/protected").put("value", true))).status());
        assertGlanceError(glance("DELETE", "/images/" + bare, token, null), 403, "is protected");
        assertEquals(200, patch(bare, token, new JsonArray().add(new JsonObject().put("op", "replace")
                .put("path", "/protected").put("value", false))).status());
        assertEquals(204, glance("DELETE", "/images/" + bare, token, null).status());

        // Ids that are not uuids are simply not found (the SDK looks names up this way first).
        assertGlanceError(glance("GET", "/images/by-name", token, null), 404, null);
    }

    @Test
    void projectsSeeTheirOwnImagesAndTheCommunityOnesAndAdminsSeeAll() {
        String ownerProject = newProject();
        String owner = api.memberToken(ownerProject);
        String other = api.memberToken(newProject());
        String admin = api.adminToken();
        String priv = create(owner, new JsonObject().put("name", "mine").put("visibility", "private"));
        String community = create(owner, new JsonObject().put("name", "ours").put("visibility", "community"));

        assertGlanceError(glance("GET", "/images/" + priv, other, null), 404, null);
        assertGlanceError(upload(priv, other, new byte[10], Map.of()), 404, null);
        assertGlanceError(glance("DELETE", "/images/" + priv, other, null), 404, null);
        assertEquals("ours", show(community, other).getString("name"));
        assertGlanceError(glance("DELETE", "/images/" + community, other, null), 403, null);
        assertGlanceError(patch(community, other, new JsonArray().add(new JsonObject().put("op", "replace")
                .put("path", "/name").put("value", "x"))), 403, null);

        JsonArray otherList = glance("GET", "/images", other, null).json().getJsonArray("images");
        assertTrue(otherList.stream().noneMatch(o -> ((JsonObject) o).getString("owner").equals(ownerProject)),
                "community images are listed only when asked for");
        JsonArray communityList = glance("GET", "/images?visibility=community", other, null).json()
                .getJsonArray("images");
        assertTrue(communityList.stream().anyMatch(o -> ((JsonObject) o).getString("id").equals(community)));

        // Admins see everything, may publish, and filter by owner.
        JsonArray byOwner = glance("GET", "/images?owner=" + ownerProject, admin, null).json()
                .getJsonArray("images");
        assertEquals(2, byOwner.size());
        assertEquals(200, patch(priv, admin, new JsonArray().add(new JsonObject().put("op", "replace")
                .put("path", "/visibility").put("value", "public"))).status());
        assertEquals("mine", show(priv, other).getString("name"));

        // Pages: limit and next, newest first by default.
        JsonObject page = glance("GET", "/images?owner=" + ownerProject + "&limit=1", admin, null).json();
        assertEquals(1, page.getJsonArray("images").size());
        assertEquals(community, page.getJsonArray("images").getJsonObject(0).getString("id"));
        String next = page.getString("next");
        assertNotNull(next);
        JsonObject page2 = api.send(HttpRequest.newBuilder(URI.create(api.url() + "/image" + next))
                .header("X-Auth-Token", admin).GET().build()).json();
        assertEquals(priv, page2.getJsonArray("images").getJsonObject(0).getString("id"));
        assertGlanceError(glance("GET", "/images?limit=x", admin, null), 400, "limit param must be an integer");
        assertGlanceError(glance("GET", "/images?sort_key=location", admin, null), 400, "Invalid sort key");
        assertEquals(0, glance("GET", "/images?os_hidden=True", admin, null).json().getJsonArray("images")
                .size());
    }
}
