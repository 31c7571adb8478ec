package io.zunvx.api;

import static io.zunvx.platform.db.TestWaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.zunvx.api.app.ApiVerticle;
import io.zunvx.api.identity.AdminBootstrap;
import io.zunvx.embedded.EmbeddedKafka;
import io.zunvx.model.ComputeNode;
import io.zunvx.platform.app.Platform;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.config.ZunvxConfig;
import io.zunvx.platform.db.TestDatabase;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.http.Readiness;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The API role on a real PostgreSQL and Kafka for an integration test class: embedded servers under the class's
 * temporary directory, the migrated schema, the bootstrap admin, and the {@link ApiVerticle} on a free port. Tokens
 * are minted with the platform's token service for any project and roles; the admin can also log in with its password
 * through the identity API (as the OpenStack clients do). No scheduler or compute agent runs: commands stay in the
 * outbox, where tests read them.
 */
public final class ApiPlatform implements AutoCloseable {
    public static final String ADMIN_PASSWORD = "api-it-admin-secret";
    public static final String ADMIN_PROJECT = "admin";

    private final TestDatabase db;
    private final EmbeddedKafka kafka;
    private final Vertx vertx;
    private final Platform platform;
    private final Pool pool;
    private final String url;
    private final AdminBootstrap.Admin admin;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1).build();

    private ApiPlatform(TestDatabase db, EmbeddedKafka kafka, Vertx vertx, Platform platform, String url,
                        AdminBootstrap.Admin admin) {
        this.db = db;
        this.kafka = kafka;
        this.vertx = vertx;
        this.platform = platform;
        this.pool = platform.pool();
        this.url = url;
        this.admin = admin;
    }

    /** Starts everything under {@code dir}; {@code env} adds or overrides {@code ZUNVX_*} settings. */
    public static ApiPlatform start(Path dir, Map<String, String> env) {
        TestDatabase db = TestDatabase.start(dir);
        EmbeddedKafka kafka = new EmbeddedKafka(dir.resolve("kafka"), 0).start();
        int port = freePort();
        Map<String, String> settings = new HashMap<>();
        settings.put("ZUNVX_DATA_DIR", dir.resolve("data").toString());
        settings.put("ZUNVX_API_HOST", "127.0.0.1");
        settings.put("ZUNVX_API_PORT", String.valueOf(port));
        settings.put("ZUNVX_ADMIN_PASSWORD", ADMIN_PASSWORD);
        settings.putAll(env);
        ZunvxConfig config = ZunvxConfig.from(settings);
        Vertx vertx = Vertx.vertx();
        Platform platform = await(Platform.connect(vertx, config, db.server().url(), kafka.bootstrapServers(),
                new Readiness(), Clock.systemUTC()));
        AdminBootstrap.Admin admin = new AdminBootstrap.Admin(UUID.randomUUID().toString().replace("-", ""),
                "admin", UUID.randomUUID().toString().replace("-", ""), ADMIN_PROJECT, ADMIN_PASSWORD);
        await(AdminBootstrap.ensure(vertx, platform.transactions(), admin));
        await(vertx.deployVerticle(new ApiVerticle(platform)));
        return new ApiPlatform(db, kafka, vertx, platform, "http://127.0.0.1:" + port, admin);
    }

    public String url() {
        return url;
    }

    public Pool pool() {
        return pool;
    }

    public Platform platform() {
        return platform;
    }

    public ZunvxConfig config() {
        return platform.config();
    }

    public Vertx vertx() {
        return vertx;
    }

    /** The bootstrap admin's project id. */
    public String adminProject() {
        return admin.projectId();
    }

    /** A token of the bootstrap admin (role {@code admin} on its project). */
    public String adminToken() {
        return token(admin.userId(), admin.projectId(), List.of("admin", "member", "reader"));
    }

    /** A token of a member of {@code project}. */
    public String memberToken(String project) {
        return token("user-of-" + project, project, List.of("member", "reader"));
    }

    /** A project id no other test uses: {@code p-} and eight hex digits. */
    public static String newProject() {
        return "p-" + UUID.randomUUID().toString().substring(0, 8);
    }

    public String token(String userId, String projectId, List<String> roles) {
        return platform.tokens().issue(new Identity(userId, userId, projectId, projectId, roles,
                Instant.now().plusSeconds(3600))).value();
    }

    /** Registers a compute host as its agent would; returns it. */
    public ComputeNode addHost(String hostname) {
        ComputeNode n = new ComputeNode(ComputeNodeRepository.newId(), hostname, 8192, 0, 8, 0, 100, 0, 0, 0, 0, 0,
                "x86_64", "linux", "Debian", "6.1", Map.of(), List.of("runc"), false, "nova",
                "http://127.0.0.1:1", null, null, 0);
        return await(new ComputeNodeRepository().report(pool, n, Instant.now()));
    }

    /** The outbox rows for {@code topic} of {@code type}, oldest first, as {@code {key, data}} objects. */
    public JsonArray outbox(String topic, String type) {
        JsonArray out = new JsonArray();
        await(pool.preparedQuery("SELECT key, data FROM outbox WHERE topic = $1 AND type = $2 ORDER BY id")
                .execute(io.vertx.sqlclient.Tuple.of(topic, type)))
                .forEach(r -> out.add(new JsonObject().put("key", r.getString("key"))
                        .put("data", new JsonObject(String.valueOf(r.getValue("data"))))));
        return out;
    }

    // ---- HTTP -----------------------------------------------------------------------------------------------------

    /** A response, its body kept as bytes. */
    public record Resp(int status, HttpHeaders headers, byte[] body) {
        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public JsonObject json() {
            return new JsonObject(text());
        }

        public JsonArray array() {
            return new JsonArray(text());
        }

        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        @Override
        public String toString() {
            return status + " " + text();
        }
    }

    /** Asserts that {@code r} is a Zun error of {@code status}, its first error of {@code code} and {@code title}. */
    public static void assertZunError(Resp r, int status, String code, String title) {
        assertEquals(status, r.status(), r.toString());
        JsonObject e = r.json().getJsonArray("errors").getJsonObject(0);
        if (code != null) {
            assertEquals(code, e.getString("code"), r.toString());
        }
        if (title != null) {
            assertEquals(title, e.getString("title"), r.toString());
        }
    }

    /** A JSON request at microversion {@code latest} ({@code body} null: no body). */
    public Resp call(String method, String path, String token, Object body) {
        return call(method, path, token, body, "latest");
    }

    /** A JSON request at {@code version} ({@code null}: no version header). */
    public Resp call(String method, String path, String token, Object body, String version) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(60));
        if (token != null) {
            b.header("X-Auth-Token", token);
        }
        if (version != null) {
            b.header("OpenStack-API-Version", "container " + version);
        }
        if (body != null) {
            String text = body instanceof String s ? s : io.vertx.core.json.Json.encode(body);
            b.header("Content-Type", "application/json");
            b.method(method, HttpRequest.BodyPublishers.ofString(text));
        } else {
            b.method(method, HttpRequest.BodyPublishers.noBody());
        }
        return send(b.build());
    }

    /** Any request. */
    public Resp send(HttpRequest req) {
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            return new Resp(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    public HttpClient http() {
        return http;
    }

    public static int freePort() {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    public void close() {
        try {
            await(vertx.close());
        } finally {
            try {
                kafka.close();
            } finally {
                db.close();
            }
        }
    }
}
