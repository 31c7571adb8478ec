package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.github.dockerjava.api.DockerClient;
import com.github.dockerjava.api.command.InspectContainerResponse;
import com.github.dockerjava.api.exception.NotFoundException;
import com.github.dockerjava.core.DefaultDockerClientConfig;
import com.github.dockerjava.core.DockerClientImpl;
import com.github.dockerjava.httpclient5.ApacheDockerHttpClient;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.compute.driver.Observed;
import io.zunvx.model.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.parallel.Isolated;

/**
 * What the container-action tests share: one real all-in-one per test class (real Docker, embedded PostgreSQL and
 * Kafka, network {@code none}), an admin client at 1.40, a direct Docker client for checks at the Docker level, a
 * Kafka reader for state transitions, and small busybox containers (0.1 vCPU, 32 MiB) with unique names.
 *
 * <p>The platform lives in static fields shared by the subclasses, so each class must run alone ({@link Isolated}).
 */
@Isolated
abstract class ActionsBaseIT {
    static final Duration WAIT = Duration.ofSeconds(60);
    /** The keys of Zun's stats answer, exactly. */
    static final List<String> STATS_KEYS = List.of("CONTAINER", "CPU %", "MEM USAGE(MiB)", "MEM LIMIT(MiB)", "MEM %",
            "BLOCK I/O(B)", "NET I/O(B)");

    static Path data;
    static AllInOne platform;
    static ZunHttp api;
    static DockerContainerDriver driver;
    static DockerClient docker;

    /** A subclass needing other settings declares its own {@code startPlatform()}, which replaces this one. */
    @BeforeAll
    static void startPlatform() throws IOException {
        startPlatform(Map.of());
    }

    static void startPlatform(Map<String, String> settings) throws IOException {
        data = Files.createTempDirectory("zunvx-actions-it");
        platform = Platforms.start(data, CrashPoints.NONE, settings);
        api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
        String dockerHost = platform.platform().config().compute().dockerHost();
        driver = new DockerContainerDriver(dockerHost);
        var config = DefaultDockerClientConfig.createDefaultConfigBuilder().withDockerHost(dockerHost).build();
        docker = DockerClientImpl.getInstance(config, new ApacheDockerHttpClient.Builder()
                .dockerHost(config.getDockerHost()).sslConfig(config.getSSLConfig()).build());
    }

    @AfterAll
    static void stopPlatform() throws IOException {
        if (platform != null) {
            String host = platform.platform().config().compute().hostName();
            platform.close();
            for (Observed o : driver.listManaged(host)) {
                driver.remove(o.id(), true);
            }
            driver.close();
            docker.close();
            platform = null;
            try (var paths = Files.walk(data)) {
                paths.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    // ---- requests ZunHttp has no method for -----------------------------------------------------------------------

    private static final java.net.http.HttpClient HTTP = java.net.http.HttpClient.newHttpClient();

    /** A request with any method and a JSON body (or none), as the client sends PATCH and PUT. */
    static ZunHttp.Response send(String method, String path, String json, String token, String version) {
        var b = java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + platform.apiPort()
                        + path))
                .timeout(Duration.ofSeconds(60))
                .header("Accept", "application/json")
                .header("Content-Type", "application/json")
                .header("X-Auth-Token", token)
                .header("OpenStack-API-Version", "container " + version)
                .method(method, json == null ? java.net.http.HttpRequest.BodyPublishers.noBody()
                        : java.net.http.HttpRequest.BodyPublishers.ofString(json));
        try {
            var r = HTTP.send(b.build(), java.net.http.HttpResponse.BodyHandlers.ofString());
            return new ZunHttp.Response(r.statusCode(), r.body(), r);
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static ZunHttp.Response patch(String uuid, String json) {
        return send("PATCH", "/v1/containers/" + uuid, json, platform.adminToken(), "1.40");
    }

    // ---- containers ---------------------------------------------------------------------------------------------

    static String uniqueName(String prefix) {
        return prefix + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a container from the given body fields (plus the small defaults) and returns its uuid. */
    static String create(ZunHttp client, String fields, boolean run) {
        return create(client, 0.1, fields, run);
    }

    /** As {@link #create(ZunHttp, String, boolean)}, with {@code cpu} vCPUs. */
    static String create(ZunHttp client, double cpu, String fields, boolean run) {
        String body = "{\"image\": \"busybox\", \"cpu\": " + cpu + ", \"memory\": 32, \"name\": \""
                + uniqueName("act") + "\"" + (fields.isBlank() ? "" : ", " + fields) + "}";
        ZunHttp.Response r = client.post("/v1/containers" + (run ? "?run=true" : ""), body);
        assertEquals(202, r.status(), r.body());
        return r.json().getString("uuid");
    }

    /** A running {@code sleep}, waited for. */
    static String sleeper(String extraFields) {
        String uuid = create(api, "\"command\": [\"sleep\", \"3600\"]" + (extraFields.isBlank() ? "" : ", " + extraFields),
                true);
        awaitStatus(uuid, "Running");
        return uuid;
    }

    static JsonObject show(String uuid) {
        ZunHttp.Response r = api.get("/v1/containers/" + uuid);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    static JsonObject awaitStatus(String uuid, String status) {
        return Poll.until(WAIT, () -> show(uuid),
                c -> status.equals(c.getString("status")) && c.getValue("task_state") == null,
                "container " + uuid + " to be " + status);
    }

    static void stop(String uuid) {
        assertEquals(202, api.post("/v1/containers/" + uuid + "/stop?timeout=0", null).status());
        awaitStatus(uuid, "Stopped");
    }

    /** The one Docker container labelled with this uuid. */
    static InspectContainerResponse dockerContainer(String uuid) {
        String host = platform.platform().config().compute().hostName();
        List<Observed> found = driver.listManaged(host).stream()
                .filter(o -> uuid.equals(o.labels().get("zunvx.uuid"))).toList();
        assertEquals(1, found.size(), "Docker containers labelled " + uuid + ": " + found);
        return docker.inspectContainerCmd(found.getFirst().id()).exec();
    }

    /** The Docker container labelled with this uuid, if there is one yet. */
    static Optional<InspectContainerResponse> dockerContainerIfAny(String uuid) {
        String host = platform.platform().config().compute().hostName();
        return driver.listManaged(host).stream().filter(o -> uuid.equals(o.labels().get("zunvx.uuid"))).findFirst()
                .flatMap(o -> dockerContainerById(o.id()));
    }

    static Optional<InspectContainerResponse> dockerContainerById(String id) {
        try {
            return Optional.of(docker.inspectContainerCmd(id).exec());
        } catch (NotFoundException e) {
            return Optional.empty();
        }
    }

    /** The action record of {@code requestId} once its compute side finished, with its events. */
    static JsonObject awaitActionFinished(String uuid, String requestId) {
        return Poll.until(WAIT, () -> {
            ZunHttp.Response r = api.get("/v1/containers/" + uuid + "/container_actions/" + requestId);
            assertEquals(200, r.status(), r.body());
            return r.json();
        }, a -> a.getValue("finish_time") != null, "action " + requestId + " to finish");
    }

    static JsonObject assertZunError(ZunHttp.Response r, int status, String code, String title) {
        assertEquals(status, r.status(), r.body());
        JsonObject e = r.json().getJsonArray("errors").getJsonObject(0);
        assertEquals(code, e.getString("code"), r.body());
        if (title != null) {
            assertEquals(title, e.getString("title"), r.body());
        }
        return e;
    }

    static String requestId(ZunHttp.Response r) {
        String id = r.header("x-openstack-request-id");
        assertNotNull(id);
        return id;
    }

    // ---- state transitions from Kafka -----------------------------------------------------------------------------

    /** Reads {@code container.state-changed} events from now on. */
    static final class Transitions implements AutoCloseable {
        private final KafkaConsumer<String, byte[]> consumer;
        private final List<JsonObject> seen = new ArrayList<>();

        Transitions() {
            Properties p = new Properties();
            p.put("bootstrap.servers", platform.kafkaBootstrapServers());
            p.put("group.id", "actions-it-" + UUID.randomUUID());
            p.put("auto.offset.reset", "latest");
            p.put("key.deserializer", StringDeserializer.class.getName());
            p.put("value.deserializer", ByteArrayDeserializer.class.getName());
            consumer = new KafkaConsumer<>(p);
            consumer.subscribe(List.of(Topics.CONTAINER_EVENTS));
            Poll.until(WAIT, () -> {
                consumer.poll(Duration.ofMillis(100));
                return consumer.assignment().size();
            }, n -> n > 0, "a partition assignment");
            // "latest" is resolved lazily: fix the positions now, before anything is published.
            consumer.assignment().forEach(consumer::position);
        }

        /** Every event data read so far, of the containers {@link #until} was asked about. */
        List<JsonObject> events() {
            return List.copyOf(seen);
        }

        /** The {@code status/task_state} steps of the container, de-duplicated, once {@code done} holds. */
        List<String> until(String uuid, java.util.function.Predicate<List<String>> done) {
            return Poll.until(WAIT, () -> {
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    if (uuid.equals(r.key())) {
                        seen.add(new JsonObject(new String(r.value(), StandardCharsets.UTF_8)));
                    }
                }
                List<String> steps = new ArrayList<>();
                for (JsonObject e : seen) {
                    JsonObject c = e.getJsonObject("container");
                    String step = c.getString("status") + "/" + c.getString("task_state");
                    if (steps.isEmpty() || !steps.getLast().equals(step)) {
                        steps.add(step);
                    }
                }
                return steps;
            }, done, "transitions of " + uuid);
        }

        @Override
        public void close() {
            consumer.close();
        }
    }

    // ---- tar ------------------------------------------------------------------------------------------------------

    /** A ustar archive of regular files (name → content), as put_archive takes it. */
    static byte[] tar(Map<String, String> files) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        files.forEach((name, text) -> tarEntry(out, name, text.getBytes(StandardCharsets.UTF_8)));
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    /** A ustar archive of one regular file of any bytes. */
    static byte[] tar(String name, byte[] content) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(content.length + 2048);
        tarEntry(out, name, content);
        out.writeBytes(new byte[1024]);
        return out.toByteArray();
    }

    private static void tarEntry(ByteArrayOutputStream out, String name, byte[] content) {
        tarEntry(out, name, '0', "", content);
    }

    /** One ustar member: {@code type} {@code '0'} a file, {@code '2'} a symbolic link to {@code link}. */
    static void tarEntry(ByteArrayOutputStream out, String name, char type, String link, byte[] content) {
        byte[] header = new byte[512];
        put(header, 0, name, 100);
        put(header, 100, "0000644", 8);
        put(header, 108, "0000000", 8);
        put(header, 116, "0000000", 8);
        put(header, 124, String.format("%011o", content.length), 12);
        put(header, 136, String.format("%011o", 1_700_000_000L), 12);
        java.util.Arrays.fill(header, 148, 156, (byte) ' ');
        header[156] = (byte) type;
        put(header, 157, link, 100);
        put(header, 257, "ustar", 6);
        put(header, 263, "00", 2);
        long sum = 0;
        for (byte b : header) {
            sum += b & 0xff;
        }
        put(header, 148, String.format("%06o", sum), 7);
        out.writeBytes(header);
        out.writeBytes(content);
        out.writeBytes(new byte[(512 - content.length % 512) % 512]);
    }

    private static void put(byte[] header, int offset, String value, int length) {
        byte[] b = value.getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(b, 0, header, offset, Math.min(b.length, length));
    }

    /** The regular files of a tar archive, name → content. */
    static Map<String, String> untar(byte[] tar) {
        Map<String, String> files = new LinkedHashMap<>();
        untarBytes(tar).forEach((name, content) -> files.put(name, new String(content, StandardCharsets.UTF_8)));
        return files;
    }

    /** The regular files of a tar archive (name → bytes), skipping any other entries (PAX headers, directories). */
    static Map<String, byte[]> untarBytes(byte[] tar) {
        Map<String, byte[]> files = new LinkedHashMap<>();
        int pos = 0;
        while (pos + 512 <= tar.length) {
            String name = field(tar, pos, 100);
            if (name.isEmpty()) {
                break;
            }
            String octal = field(tar, pos + 124, 12).trim();
            long size = octal.isEmpty() ? 0 : Long.parseLong(octal, 8);
            char type = (char) tar[pos + 156];
            pos += 512;
            if (type == '0' || type == 0) {
                files.put(name, java.util.Arrays.copyOfRange(tar, pos, pos + (int) size));
            }
            pos += (int) ((size + 511) / 512 * 512);
        }
        return files;
    }

    private static String field(byte[] b, int offset, int length) {
        int end = offset;
        while (end < offset + length && b[end] != 0) {
            end++;
        }
        return new String(b, offset, end - offset, StandardCharsets.US_ASCII);
    }

    static JsonArray array(JsonObject o, String key) {
        JsonArray a = o.getJsonArray(key);
        assertNotNull(a, key + " in " + o.encode());
        return a;
    }
}
