package io.zunvx.api.image;

import static io.zunvx.platform.db.TestWaits.await;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.json.JsonObject;
import io.zunvx.api.ApiPlatform;
import io.zunvx.api.ApiPlatform.Resp;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image store on the PostgreSQL large-object backend (what a multi-node cluster uses): the streamed upload and
 * download round trip, and failed uploads that leave no large object behind.
 */
class GlanceLargeObjectIT {
    @TempDir
    static Path dir;

    private static ApiPlatform api;

    @BeforeAll
    static void start() {
        api = ApiPlatform.start(dir, Map.of("ZUNVX_IMAGE_STORE_BACKEND", "postgres",
                "ZUNVX_IMAGE_STORE_MAX_BYTES", String.valueOf(16L << 20)));
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
    }

    private static long largeObjects() {
        return await(api.pool().query("SELECT count(*) FROM pg_largeobject_metadata").execute()).iterator().next()
                .getLong(0);
    }

    private static Resp send(String method, String path, String token, HttpRequest.BodyPublisher body,
                             String type) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(api.url() + "/image/v2" + path))
                .header("X-Auth-Token", token).method(method, body);
        if (type != null) {
            b.header("Content-Type", type);
        }
        return api.send(b.build());
    }

    @Test
    void uploadsAndDownloadsStreamThroughLargeObjectsAndFailuresLeaveNone() {
        String token = api.memberToken("lo-project");
        Resp created = send("POST", "/images", token, HttpRequest.BodyPublishers.ofString(new JsonObject()
                .put("name", "lo").put("container_format", "docker").put("disk_format", "raw").encode()),
                "application/json");
        assertEquals(201, created.status(), created.toString());
        String id = created.json().getString("id");
        byte[] archive = DockerArchives.build("lo/app:1", 5 << 20, 11);
        long before = largeObjects();

        // A truncated archive is refused and leaves no large object.
        Resp bad = send("PUT", "/images/" + id + "/file", token,
                HttpRequest.BodyPublishers.ofByteArray(Arrays.copyOf(archive, archive.length / 2)),
                "application/octet-stream");
        assertEquals(400, bad.status(), bad.toString());
        assertEquals(before, largeObjects());

        // The whole archive is stored as one large object and comes back byte for byte.
        Resp put = send("PUT", "/images/" + id + "/file", token, HttpRequest.BodyPublishers.ofByteArray(archive),
                "application/octet-stream");
        assertEquals(204, put.status(), put.toString());
        assertEquals(before + 1, largeObjects());
        Resp got = send("GET", "/images/" + id + "/file", token, HttpRequest.BodyPublishers.noBody(), null);
        assertEquals(200, got.status());
        assertArrayEquals(archive, got.body());
        assertEquals(DockerArchives.md5(archive), got.header("Content-MD5"));

        // Deleting the image removes its large object.
        assertEquals(204, send("DELETE", "/images/" + id, token, HttpRequest.BodyPublishers.noBody(), null)
                .status());
        assertEquals(before, largeObjects());
    }
}
