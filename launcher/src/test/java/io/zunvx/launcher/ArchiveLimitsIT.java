package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import io.vertx.core.json.JsonObject;
import io.zunvx.api.compute.ComputeClient;
import io.zunvx.api.container.ContainerActionsApi;
import io.zunvx.api.http.ApiRouter;
import io.zunvx.compute.internal.InternalEndpoint;
import io.zunvx.platform.http.ChunkedUpload;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * put_archive and get_archive at sizes beyond the API's ordinary 1 MiB body limit, on the real all-in-one: an archive
 * of up to the agent's 64 MiB goes in and comes back out whole; a larger put_archive body, or a larger archive in a
 * body within the limit, is 413 in Zun's shape; every other route keeps its 1 MiB.
 */
class ArchiveLimitsIT extends ActionsBaseIT {
    private static final int MIB = 1024 * 1024;
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    /** Reads get_archive answers whose Base64 is longer than Jackson's default 20 million characters. */
    private static final JsonFactory LARGE = JsonFactory.builder().streamReadConstraints(StreamReadConstraints.builder()
            .maxStringLength(Integer.MAX_VALUE).build()).build();

    @Test
    void theApiAndTheAgentAgreeOnTheLargestArchive() {
        assertEquals(InternalEndpoint.MAX_ARCHIVE_BYTES, ComputeClient.MAX_ARCHIVE_BYTES);
        assertEquals(ComputeClient.base64Length(InternalEndpoint.MAX_ARCHIVE_BYTES) + ApiRouter.MAX_BODY,
                ContainerActionsApi.PUT_ARCHIVE_MAX_BODY);
    }

    @Test
    void aFiveMiBArchiveGoesInWithPutArchiveAndComesBackWithGetArchive() {
        String uuid = hasher();
        byte[] content = random(5 * MIB, 1);
        byte[] tar = tar("blob.bin", content);

        String json = new JsonObject().put("data", Base64.getEncoder().encodeToString(tar)).encode();
        assertTrue(json.length() > 6 * MIB, "far above the ordinary 1 MiB body limit");
        Answer put = post("/v1/containers/" + uuid + "/put_archive?path=/tmp", "1.40", bytes(json));
        assertEquals(200, put.status(), put.text());
        assertEquals("null", put.text());

        // Docker has the file, byte for byte
        assertEquals(sha256(content) + "  /tmp/blob.bin\n", exec(uuid, "sha256sum /tmp/blob.bin"));

        // AND get_archive gives it back
        ZunHttp.Response got = api.get("/v1/containers/" + uuid + "/get_archive?path=/tmp/blob.bin");
        assertEquals(200, got.status(), got.body().substring(0, Math.min(500, got.body().length())));
        JsonObject stat = got.json().getJsonObject("stat");
        assertEquals("blob.bin", stat.getString("name"));
        assertEquals(content.length, stat.getLong("size"));
        assertArrayEquals(content, untarBytes(Base64.getDecoder().decode(got.json().getString("data"))).get("blob.bin"));
    }

    @Test
    void largeArchivesGoThroughTheUnversionedPathAndBefore125AsRawData() {
        String uuid = hasher();

        // Zun routes /containers/... as /v1/containers/...; the larger limit follows the rerouted path.
        byte[] first = random(2 * MIB, 2);
        Answer rerouted = post("/containers/" + uuid + "/put_archive?path=/tmp", "1.40",
                bytes(new JsonObject().put("data", Base64.getEncoder().encodeToString(tar("a.bin", first))).encode()));
        assertEquals(200, rerouted.status(), rerouted.text());
        assertEquals(sha256(first) + "  /tmp/a.bin\n", exec(uuid, "sha256sum /tmp/a.bin"));

        // Before 1.25 the archive is the JSON string of its bytes (most escaped, so the body is larger still)
        byte[] second = random(2 * MIB, 3);
        String raw = new JsonObject().put("data", new String(tar("b.bin", second), StandardCharsets.ISO_8859_1))
                .encode();
        Answer old = post("/v1/containers/" + uuid + "/put_archive?path=/tmp", "1.24", bytes(raw));
        assertEquals(200, old.status(), old.text());
        assertEquals(sha256(second) + "  /tmp/b.bin\n", exec(uuid, "sha256sum /tmp/b.bin"));

        ZunHttp.Response got = api.withVersion("1.24").get("/v1/containers/" + uuid + "/get_archive?path=/tmp/b.bin");
        assertEquals(200, got.status());
        assertArrayEquals(second, untarBytes(got.json().getString("data").getBytes(StandardCharsets.ISO_8859_1))
                .get("b.bin"));
    }

    @Test
    void anArchiveJustBelowTheAgentsLimitRoundTrips() throws IOException {
        String uuid = hasher();
        // The tar adds a header and its end: the archive stays within 64 MiB.
        byte[] content = random((int) ComputeClient.MAX_ARCHIVE_BYTES - 4096, 4);
        byte[] tar = tar("big.bin", content);
        assertTrue(tar.length <= ComputeClient.MAX_ARCHIVE_BYTES);

        byte[] body = bytes("{\"data\": \"" + Base64.getEncoder().encodeToString(tar) + "\"}");
        assertTrue(body.length <= ContainerActionsApi.PUT_ARCHIVE_MAX_BODY);
        Answer put = post("/v1/containers/" + uuid + "/put_archive?path=/tmp", "1.40", body);
        assertEquals(200, put.status(), put.text());
        body = null;
        assertEquals(sha256(content) + "  /tmp/big.bin\n", exec(uuid, "sha256sum /tmp/big.bin"));

        // get_archive answers with more than Jackson's default 20 million characters in one string
        Answer got = get("/v1/containers/" + uuid + "/get_archive?path=/tmp/big.bin");
        assertEquals(200, got.status(), got.text().substring(0, Math.min(500, got.text().length())));
        byte[] back = null;
        try (JsonParser p = LARGE.createParser(got.body())) {
            assertEquals(JsonToken.START_OBJECT, p.nextToken());
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                p.nextToken();
                if (name.equals("data")) {
                    back = Base64.getDecoder().decode(p.getText());
                } else {
                    p.skipChildren();
                }
            }
        }
        assertNotNull(back);
        assertTrue(Arrays.equals(content, untarBytes(back).get("big.bin")), "the archive came back whole");
    }

    @Test
    void getArchiveOfMoreThanTheAgentsLimitIs400() {
        String uuid = hasher();
        exec(uuid, "dd if=/dev/zero of=/tmp/huge bs=1048576 count=65");

        Answer r = get("/v1/containers/" + uuid + "/get_archive?path=/tmp/huge");

        assertEquals(400, r.status(), r.text());
        JsonObject e = new JsonObject(r.text()).getJsonArray("errors").getJsonObject(0);
        assertEquals("container.invalid-value", e.getString("code"), r.text());
        assertTrue(e.getString("title").contains("larger than " + ComputeClient.MAX_ARCHIVE_BYTES + " bytes"),
                r.text());
    }

    @Test
    void aBodyOrArchiveAboveTheLimitsIs413InZunsShape() {
        String uuid = hasher();
        String path = "/v1/containers/" + uuid + "/put_archive?path=/tmp";

        // A declared length above the put_archive limit: refused before the body is read
        byte[] over = filler((int) ContainerActionsApi.PUT_ARCHIVE_MAX_BODY + 1);
        assertFramework413(post(path, "1.40", over), "Request Entity Too Large");
        // The same without a declared length: refused once the limit is passed (sent by a client that reads the
        // answer while it sends, as curl does: see ChunkedUpload)
        ChunkedUpload.Answer streamed = ChunkedUpload.send(platform.apiPort(), "POST", path, Map.of(
                "Accept", "application/json", "Content-Type", "application/json", "X-Auth-Token",
                platform.adminToken(), "OpenStack-API-Version", "container 1.40"), over.length);
        assertFramework413(new Answer(streamed.status(), bytes(streamed.body())), "Request Entity Too Large");

        // A body within the limit holding an archive larger than the agent's limit
        byte[] tooLarge = new byte[(int) ComputeClient.MAX_ARCHIVE_BYTES + 1];
        byte[] body = bytes("{\"data\": \"" + Base64.getEncoder().encodeToString(tooLarge) + "\"}");
        assertTrue(body.length <= ContainerActionsApi.PUT_ARCHIVE_MAX_BODY);
        assertFramework413(post(path, "1.40", body),
                "The archive is larger than the limit of " + ComputeClient.MAX_ARCHIVE_BYTES + " bytes.");

        // Every other route keeps the 1 MiB limit
        String twoMiB = new JsonObject().put("image", "busybox").put("name", "x".repeat(2 * MIB)).encode();
        assertFramework413(post("/v1/containers", "1.40", bytes(twoMiB)), "Request Entity Too Large");
        assertFramework413(send("PATCH", "/v1/containers/" + uuid, "1.40",
                HttpRequest.BodyPublishers.ofByteArray(bytes(twoMiB))), "Request Entity Too Large");
        assertFramework413(post("/v1/containers/" + uuid + "/put_archive/x?path=/tmp", "1.40", bytes(twoMiB)),
                "Request Entity Too Large");
        assertEquals(413, send("POST", "/image/v2/images", null,
                HttpRequest.BodyPublishers.ofByteArray(bytes(twoMiB))).status());
        // A body just under 1 MiB is still read (and refused for what it says)
        String justUnder = new JsonObject().put("name", "x".repeat(MIB - 100)).encode();
        assertEquals(400, send("PATCH", "/v1/containers/" + uuid, "1.40",
                HttpRequest.BodyPublishers.ofByteArray(bytes(justUnder))).status());

        // AND the container and the API are fine afterwards
        assertEquals("Running", show(uuid).getString("status"));
        Answer small = post(path, "1.40", bytes(new JsonObject().put("data", Base64.getEncoder()
                .encodeToString(tar("small.txt", bytes("small\n")))).encode()));
        assertEquals(200, small.status(), small.text());
        assertEquals("small\n", exec(uuid, "cat /tmp/small.txt"));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    /**
     * A running {@code sleep} with a whole vCPU: hashing or writing 64 MiB at the usual 0.1 vCPU takes seconds, and
     * the commands these tests run must not depend on how busy the machine is (the test platforms also give them a
     * minute, see {@link Platforms#EXECUTE_TIMEOUT}).
     */
    private static String hasher() {
        String uuid = create(api, 1.0, "\"command\": [\"sleep\", \"3600\"]", true);
        awaitStatus(uuid, "Running");
        return uuid;
    }

    private static void assertFramework413(Answer r, String detail) {
        assertEquals(413, r.status(), r.text());
        JsonObject e = new JsonObject(r.text()).getJsonArray("errors").getJsonObject(0);
        assertEquals("container.", e.getString("code"), r.text());
        assertEquals(413, e.getInteger("status"), r.text());
        assertEquals("Request Entity Too Large", e.getString("title"), r.text());
        assertEquals(detail, e.getString("detail"), r.text());
    }

    private record Answer(int status, byte[] body) {
        String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private static Answer get(String path) {
        return send("GET", path, "1.40", HttpRequest.BodyPublishers.noBody());
    }

    private static Answer post(String path, String version, byte[] json) {
        return send("POST", path, version, HttpRequest.BodyPublishers.ofByteArray(json));
    }

    private static Answer send(String method, String path, String version, HttpRequest.BodyPublisher body) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + platform.apiPort() + path))
                .timeout(Duration.ofMinutes(2))
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .header("X-Auth-Token", platform.adminToken())
                .method(method, body);
        if (version != null) {
            b.header("OpenStack-API-Version", "container " + version);
        }
        try {
            HttpResponse<byte[]> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Answer(r.statusCode(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static String exec(String uuid, String command) {
        ZunHttp.Response r = api.post("/v1/containers/" + uuid + "/execute?command="
                + URLEncoder.encode(command, StandardCharsets.UTF_8), null);
        assertEquals(200, r.status(), r.body());
        assertEquals(0, r.json().getInteger("exit_code"), r.body());
        return r.json().getString("output");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] random(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        return b;
    }

    private static byte[] filler(int size) {
        byte[] b = new byte[size];
        Arrays.fill(b, (byte) 'A');
        return b;
    }

    private static String sha256(byte[] b) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
