package io.zunvx.api.image;

import static io.zunvx.platform.db.TestWaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zunvx.api.ApiPlatform;
import io.zunvx.api.ApiPlatform.Resp;
import io.zunvx.platform.http.ChunkedUpload;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The image store's bounds per tenant, on the PostgreSQL large-object backend: an upload that stops sending is refused
 * with 408 after the idle timeout, and while the client dawdles no database transaction is open for it (the data is
 * spooled first); every project's stored data counts against its quota (413 when a declared size or the data itself
 * would exceed it), and another project's quota is its own.
 */
@Timeout(180)
class GlanceUploadLimitsIT {
    private static final long QUOTA = 1L << 20;
    private static final long MAX = 2L << 20;

    @TempDir
    static Path dir;

    private static ApiPlatform api;

    @BeforeAll
    static void start() {
        api = ApiPlatform.start(dir, Map.of("ZUNVX_IMAGE_STORE_BACKEND", "postgres",
                "ZUNVX_IMAGE_STORE_UPLOAD_IDLE_TIMEOUT", "2s",
                "ZUNVX_IMAGE_STORE_MAX_BYTES", String.valueOf(MAX),
                "ZUNVX_IMAGE_STORE_PROJECT_QUOTA_BYTES", String.valueOf(QUOTA)));
    }

    @AfterAll
    static void stop() {
        if (api != null) {
            api.close();
        }
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

    private static String create(String token) {
        Resp created = send("POST", "/images", token, HttpRequest.BodyPublishers.ofString(new JsonObject()
                .put("name", "limits").put("container_format", "bare").put("disk_format", "raw").encode()),
                "application/json");
        assertEquals(201, created.status(), created.toString());
        return created.json().getString("id");
    }

    private static Resp upload(String token, String id, byte[] data) {
        return send("PUT", "/images/" + id + "/file", token, HttpRequest.BodyPublishers.ofByteArray(data),
                "application/octet-stream");
    }

    private static String status(String token, String id) {
        return send("GET", "/images/" + id, token, HttpRequest.BodyPublishers.noBody(), null).json()
                .getString("status");
    }

    /** Transactions of the platform's database that sit idle in a large-object statement. */
    private static long idleLargeObjectTransactions() {
        return await(api.pool().query("""
                SELECT count(*) FROM pg_stat_activity
                WHERE state LIKE 'idle in transaction%' AND query LIKE '%lo\\_%'""").execute())
                .iterator().next().getLong(0);
    }

    @Test
    void aStalledUploadHoldsNoTransactionAndIsRefusedAfterTheIdleTimeout() throws Exception {
        // GIVEN an upload that declares 512 KiB and sends 64 KiB, then nothing
        String token = api.memberToken("idle-" + UUID.randomUUID().toString().substring(0, 8));
        String id = create(token);
        URI base = URI.create(api.url());
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(60_000);
            OutputStream out = socket.getOutputStream();
            out.write(("PUT /image/v2/images/" + id + "/file HTTP/1.1\r\nHost: " + base.getHost() + "\r\n"
                    + "X-Auth-Token: " + token + "\r\nContent-Type: application/octet-stream\r\n"
                    + "Content-Length: " + (512 * 1024) + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(new byte[64 * 1024]);
            out.flush();

            // WHEN the server is receiving it (the image is saving)
            Instant deadline = Instant.now().plus(Duration.ofSeconds(30));
            while (!"saving".equals(status(token, id)) && Instant.now().isBefore(deadline)) {
                // polls the API until the upload has started
            }
            assertEquals("saving", status(token, id));

            // THEN, for as long as the client dawdles, no large-object transaction waits for it
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.ISO_8859_1));
            CompletableFuture<String> answer = CompletableFuture.supplyAsync(() -> {
                try {
                    return in.readLine();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
            int samples = 0;
            while (!answer.isDone()) {
                assertEquals(0, idleLargeObjectTransactions(), "sample " + samples);
                samples++;
            }

            // AND after the idle timeout the answer is 408, and the image is queued again with nothing kept
            String statusLine = answer.join();
            assertTrue(statusLine != null && statusLine.startsWith("HTTP/1.1 408"), statusLine);
            assertTrue(samples > 0);
        }
        assertEquals("queued", status(token, id));
        try (Stream<Path> spooled = Files.exists(dir.resolve("images/spool"))
                ? Files.list(dir.resolve("images/spool")) : Stream.empty()) {
            assertEquals(0, spooled.count(), "no spool file left");
        }
    }

    @Test
    void aSpooledUploadOfUnknownLengthOverTheLimitIs413() {
        String token = api.memberToken("big-" + UUID.randomUUID().toString().substring(0, 8));
        String id = create(token);
        // (sent by a client that reads the answer while it sends, as curl does: see ChunkedUpload)
        ChunkedUpload.Answer r = ChunkedUpload.send(URI.create(api.url()).getPort(), "PUT", "/image/v2/images/" + id
                + "/file", Map.of("X-Auth-Token", token, "Content-Type", "application/octet-stream"),
                MAX + 256 * 1024);
        assertEquals(413, r.status(), r.body());
        assertEquals("queued", status(token, id));
    }

    @Test
    void eachProjectsStoredDataCountsAgainstItsOwnQuota() {
        String project = "quota-" + UUID.randomUUID().toString().substring(0, 8);
        String token = api.memberToken(project);

        // GIVEN 600 KiB stored of a 1 MiB quota
        String first = create(token);
        assertEquals(204, upload(token, first, new byte[600 * 1024]).status());

        // WHEN 600 KiB more are uploaded THEN 413 names the quota, and the image stays queued
        String second = create(token);
        Resp over = upload(token, second, new byte[600 * 1024]);
        assertEquals(413, over.status(), over.toString());
        assertTrue(over.text().contains("quota"), over.text());
        assertEquals("queued", status(token, second));

        // AND a declared size over what is left is refused before any data is read
        HttpRequest declared = HttpRequest.newBuilder(URI.create(api.url() + "/image/v2/images/" + second + "/file"))
                .header("X-Auth-Token", token).header("Content-Type", "application/octet-stream")
                .PUT(HttpRequest.BodyPublishers.ofByteArray(new byte[(int) QUOTA])).build();
        Resp refused = api.send(declared);
        assertEquals(413, refused.status(), refused.toString());

        // AND what fits still goes in, and another project has a quota of its own
        assertEquals(204, upload(token, second, new byte[300 * 1024]).status());
        String other = api.memberToken("quota-other-" + UUID.randomUUID().toString().substring(0, 8));
        assertEquals(204, upload(other, create(other), new byte[900 * 1024]).status());

        // AND deleting an image frees its share
        assertEquals(204, send("DELETE", "/images/" + first, token, HttpRequest.BodyPublishers.noBody(), null)
                .status());
        assertEquals(204, upload(token, create(token), new byte[600 * 1024]).status());
    }
}
