package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.model.ContainerEvent;
import io.zunvx.model.Topics;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /v1/events} on the real platform: what each caller sees, resuming, heartbeats and slow clients. */
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class EventStreamIT {
    private static final Duration WAIT = Duration.ofSeconds(90);

    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp admin;
    static String base;

    @BeforeAll
    static void start() {
        platform = Platforms.start(data, CrashPoints.NONE, Map.of());
        base = "http://127.0.0.1:" + platform.apiPort();
        admin = new ZunHttp(base, platform.adminToken(), "1.40");
    }

    @AfterAll
    static void stop() {
        Platforms.stop(platform);
    }

    private static String run(ZunHttp api, String name) {
        ZunHttp.Response r = api.post("/v1/containers?run=true", """
                {"image": "busybox", "cpu": 0.1, "memory": 32, "name": "%s", "command": ["sleep", "300"],
                 "environment": {"SECRET": "s3cret-%s"}}""".formatted(name, name));
        assertEquals(202, r.status(), r.body());
        return r.json().getString("uuid");
    }

    private static List<JsonObject> of(SseClient s, String uuid) {
        return of(s.events(), uuid);
    }

    private static List<JsonObject> of(List<SseClient.Event> events, String uuid) {
        return events.stream().filter(e -> "container".equals(e.event())).map(SseClient.Event::json)
                .filter(d -> uuid.equals(d.getString("uuid"))).toList();
    }

    private static boolean reached(SseClient s, String uuid, String status) {
        return of(s, uuid).stream().anyMatch(d -> status.equals(d.getJsonObject("container").getString("status")));
    }

    private static List<Integer> sequences(List<JsonObject> events) {
        return events.stream().map(d -> d.getInteger("sequence")).toList();
    }

    @Test
    void eachCallerSeesItsProjectAndAdminsEveryProjectWithAllProjects() {
        String project = "ev-" + UUID.randomUUID().toString().substring(0, 8);
        ZunHttp member = admin.withToken(Platforms.token(platform, "user-" + project, project, List.of("member")));
        String memberToken = Platforms.token(platform, "user-" + project, project, List.of("member"));
        // GIVEN streams for the admin's project, the member's project and the admin with all_projects
        try (SseClient mine = SseClient.open(base + "/v1/events", platform.adminToken(), null);
             SseClient theirs = SseClient.open(base + "/v1/events", memberToken, null);
             SseClient all = SseClient.open(base + "/v1/events?all_projects=true", platform.adminToken(), null)) {
            for (SseClient s : List.of(mine, theirs, all)) {
                assertEquals(200, s.status());
                Poll.until(WAIT, () -> s.matching("ready", d -> true).size(), n -> n == 1, "ready");
            }
            // WHEN each project runs a container
            String a = run(admin, "ev-admin");
            String b = run(member, "ev-member");
            Poll.until(WAIT, () -> reached(mine, a, "Running"), ok -> ok, "the admin's container Running");
            Poll.until(WAIT, () -> reached(theirs, b, "Running"), ok -> ok, "the member's container Running");
            Poll.until(WAIT, () -> reached(all, a, "Running") && reached(all, b, "Running"), ok -> ok,
                    "both Running with all_projects");
            // THEN nobody sees the other project's container, and no payload carries environment values
            assertTrue(of(mine, b).isEmpty(), "the admin's own-project stream showed another project");
            assertTrue(of(theirs, a).isEmpty(), "the member saw the admin's container");
            for (SseClient s : List.of(mine, theirs, all)) {
                s.events().forEach(e -> assertFalse(e.data().contains("s3cret"), e.data()));
            }
            assertFalse(of(theirs, b).getFirst().getJsonObject("container").containsKey("host"),
                    "admin-only field shown to a member");
            // and sequences arrive in order without gaps from 1
            List<Integer> seqs = sequences(of(mine, a));
            for (int i = 0; i < seqs.size(); i++) {
                assertEquals(i + 1, seqs.get(i), seqs.toString());
            }
        }
    }

    @Test
    void capsuleEventsReachTheirProjectOnly() {
        String project = "evc-" + UUID.randomUUID().toString().substring(0, 8);
        String memberToken = Platforms.token(platform, "user-" + project, project, List.of("member"));
        try (SseClient mine = SseClient.open(base + "/v1/events", platform.adminToken(), null);
             SseClient theirs = SseClient.open(base + "/v1/events", memberToken, null)) {
            for (SseClient s : List.of(mine, theirs)) {
                Poll.until(WAIT, () -> s.matching("ready", d -> true).size(), n -> n == 1, "ready");
            }
            // WHEN the admin's project runs a capsule and deletes it
            String name = "ev-cap-" + UUID.randomUUID().toString().substring(0, 8);
            ZunHttp v140 = admin.withVersion("1.40");
            ZunHttp.Response created = v140.post("/v1/capsules", new JsonObject().put("template", new JsonObject()
                    .put("kind", "capsule").put("metadata", new JsonObject().put("name", name))
                    .put("spec", new JsonObject().put("containers", new io.vertx.core.json.JsonArray().add(
                            new JsonObject().put("image", "busybox").put("command",
                                    new io.vertx.core.json.JsonArray().add("sleep").add("600")))))).encode());
            assertEquals(202, created.status(), created.body());
            String uuid = created.json().getString("uuid");
            Poll.until(WAIT, () -> capsuleStatuses(mine, uuid), l -> l.contains("Running"), "the capsule Running");
            assertEquals(204, v140.delete("/v1/capsules/" + uuid).status());

            // THEN its project's stream follows it to Deleted, in sequence, and the other project sees none of it
            Poll.until(WAIT, () -> capsuleStatuses(mine, uuid), l -> l.contains("Deleted"), "the capsule Deleted");
            assertEquals("Creating", capsuleStatuses(mine, uuid).getFirst());
            List<Integer> seqs = mine.matching("capsule", d -> uuid.equals(d.getString("uuid"))).stream()
                    .map(e -> e.json().getInteger("sequence")).toList();
            for (int i = 1; i < seqs.size(); i++) {
                assertEquals(seqs.get(i - 1) + 1, seqs.get(i), seqs.toString());
            }
            assertTrue(theirs.matching("capsule", d -> true).isEmpty(), "a member saw another project's capsule");
            assertFalse(mine.matching("capsule", d -> true).getFirst().id().isEmpty());
        }
    }

    private static List<String> capsuleStatuses(SseClient s, String uuid) {
        return s.matching("capsule", d -> uuid.equals(d.getString("uuid"))).stream()
                .map(e -> e.json().getJsonObject("capsule").getString("status")).toList();
    }

    @Test
    void refusesWhatTheRestOfV1Refuses() {
        String memberToken = Platforms.token(platform, "user-x", "project-x", List.of("member"));
        try (SseClient noToken = SseClient.open(base + "/v1/events", "", null)) {
            assertEquals(401, noToken.status());
        }
        try (SseClient member = SseClient.open(base + "/v1/events?all_projects=true", memberToken, null)) {
            assertEquals(403, member.status());
        }
        try (SseClient bad = SseClient.open(base + "/v1/events", memberToken, "c0:x")) {
            assertEquals(400, bad.status());
        }
        try (SseClient bad = SseClient.open(base + "/v1/events?heartbeat=0", memberToken, null)) {
            assertEquals(400, bad.status());
        }
    }

    @Test
    void resumesAfterAReconnectWithoutGapsOrDuplicates() {
        String uuid;
        String lastId;
        List<Integer> seen = new ArrayList<>();
        // GIVEN a stream that saw a container reach Running, then disconnected
        try (SseClient first = SseClient.open(base + "/v1/events", platform.adminToken(), null)) {
            Poll.until(WAIT, () -> first.matching("ready", d -> true).size(), n -> n == 1, "ready");
            uuid = run(admin, "ev-resume");
            String u = uuid;
            Poll.until(WAIT, () -> reached(first, u, "Running"), ok -> ok, "Running");
            List<SseClient.Event> snapshot = first.events();
            lastId = snapshot.getLast().id();
            seen.addAll(sequences(of(snapshot, uuid)));
        }
        // WHEN the container is stopped while nobody listens, and the client reconnects with its last id
        assertEquals(202, admin.post("/v1/containers/" + uuid + "/stop?timeout=1", "").status());
        try (SseClient second = SseClient.open(base + "/v1/events", platform.adminToken(), lastId)) {
            assertEquals(200, second.status());
            String u = uuid;
            Poll.until(WAIT, () -> reached(second, u, "Stopped"), ok -> ok, "Stopped after the reconnect");
            seen.addAll(sequences(of(second, uuid)));
        }
        // THEN the container's sequence numbers run 1, 2, 3... across both connections, none twice
        for (int i = 0; i < seen.size(); i++) {
            assertEquals(i + 1, seen.get(i), seen.toString());
        }
    }

    @Test
    void sendsHeartbeats() {
        try (SseClient s = SseClient.open(base + "/v1/events?heartbeat=1", platform.adminToken(), null)) {
            assertEquals(200, s.status());
            Poll.until(WAIT, () -> s.comments().stream().filter(c -> c.startsWith(": heartbeat")).count(),
                    n -> n >= 2, "two heartbeats");
        }
    }

    @Test
    void aSlowClientIsCutOffWithAFinalEventAndOthersGetEverything() throws IOException {
        String project = "slow-" + UUID.randomUUID().toString().substring(0, 8);
        String token = Platforms.token(platform, "user-" + project, project, List.of("member"));
        int count = 1000;
        String filler = "x".repeat(20_000);
        try (Socket slow = new Socket();
             SseClient fast = SseClient.open(base + "/v1/events", token, null)) {
            // GIVEN a client that reads nothing, with a small buffer, and a client that reads everything
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", platform.apiPort()), 5000);
            OutputStream out = slow.getOutputStream();
            out.write(("GET /v1/events?buffer=4096 HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Auth-Token: " + token
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Poll.until(WAIT, () -> fast.matching("ready", d -> true).size(), n -> n == 1, "ready");
            // WHEN about 20 MB of the project's events arrive on the topic
            try (KafkaProducer<String, byte[]> producer = producer()) {
                for (int i = 0; i < count; i++) {
                    String uuid = UUID.randomUUID().toString();
                    JsonObject c = new JsonObject().put("uuid", uuid).put("name", "synthetic-" + i)
                            .put("project_id", project).put("status", "Created")
                            .put("labels", new JsonObject().put("filler", filler));
                    JsonObject d = new JsonObject().put("uuid", uuid).put("sequence", 1).put("time", "2026-01-01T00:00:00Z")
                            .put("container", c);
                    ProducerRecord<String, byte[]> r = new ProducerRecord<>(Topics.CONTAINER_EVENTS, uuid,
                            d.encode().getBytes(StandardCharsets.UTF_8));
                    r.headers().add("ce_type", ContainerEvent.StateChanged.TYPE.getBytes(StandardCharsets.UTF_8));
                    producer.send(r);
                }
                producer.flush();
            }
            // THEN the reading client gets every one of them
            Poll.until(WAIT, () -> fast.matching("container", d -> project.equals(
                    d.getJsonObject("container").getString("project_id"))).size(), n -> n == count, "all events");
            // and the slow one, read at last, ends with an overflow event before the end of the events
            slow.setSoTimeout(60_000);
            String text = readAll(slow.getInputStream());
            assertTrue(text.contains("event: overflow"), "no overflow event at the end");
            int delivered = text.split("event: container", -1).length - 1;
            assertTrue(delivered < count, "the slow client got all " + delivered + " events");
            assertTrue(text.lastIndexOf("event: overflow") > text.lastIndexOf("event: container"),
                    "overflow is the last event");
        }
    }

    /** Reads until the chunked body's end after an overflow event (the connection itself stays open). */
    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[65536];
        String tail = "";
        for (int n; (n = in.read(chunk)) >= 0; ) {
            buf.write(chunk, 0, n);
            tail = tail + new String(chunk, 0, n, StandardCharsets.ISO_8859_1);
            tail = tail.substring(Math.max(0, tail.length() - 1024));
            if (tail.contains("event: overflow") && tail.endsWith("0\r\n\r\n")) {
                break;
            }
        }
        return buf.toString(StandardCharsets.UTF_8);
    }

    private static KafkaProducer<String, byte[]> producer() {
        Properties p = new Properties();
        p.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, platform.kafkaBootstrapServers());
        p.put(ProducerConfig.ACKS_CONFIG, "all");
        p.put(ProducerConfig.LINGER_MS_CONFIG, "5");
        return new KafkaProducer<>(p, new StringSerializer(), new ByteArraySerializer());
    }

    /** Stops and starts the whole platform on the same data directory between the two connections. */
    @Test
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    void resumesAcrossARestartOfTheApi(@TempDir Path own) {
        Map<String, String> sameHost = Map.of("ZUNVX_COMPUTE_HOST", "evrestart-" + System.nanoTime() % 100000);
        String uuid;
        String lastId;
        String token;
        String host = sameHost.get("ZUNVX_COMPUTE_HOST");
        List<Integer> seen = new ArrayList<>();
        try {
            try (AllInOne first = Platforms.start(own, CrashPoints.NONE, sameHost)) {
                token = first.adminToken();
                String url = "http://127.0.0.1:" + first.apiPort();
                ZunHttp api = new ZunHttp(url, token, "1.40");
                try (SseClient s = SseClient.open(url + "/v1/events", token, null)) {
                    Poll.until(WAIT, () -> s.matching("ready", d -> true).size(), n -> n == 1, "ready");
                    uuid = run(api, "ev-restart");
                    String u = uuid;
                    Poll.until(WAIT, () -> reached(s, u, "Running"), ok -> ok, "Running");
                    List<SseClient.Event> snapshot = s.events();
                    lastId = snapshot.getLast().id();
                    seen.addAll(sequences(of(snapshot, uuid)));
                }
                // a change nobody hears before the restart
                assertEquals(202, api.post("/v1/containers/" + uuid + "/stop?timeout=1", "").status());
                String u = uuid;
                Poll.until(WAIT, () -> api.get("/v1/containers/" + u).json().getString("status"),
                        "Stopped"::equals, "Stopped");
            }
            try (AllInOne second = Platforms.start(own, CrashPoints.NONE, sameHost)) {
                String url = "http://127.0.0.1:" + second.apiPort();
                ZunHttp api = new ZunHttp(url, token, "1.40");
                try (SseClient s = SseClient.open(url + "/v1/events", token, lastId)) {
                    assertEquals(200, s.status());
                    String u = uuid;
                    Poll.until(WAIT, () -> reached(s, u, "Stopped"), ok -> ok, "Stopped, from before the restart");
                    assertEquals(202, api.post("/v1/containers/" + uuid + "/start", "").status());
                    Poll.until(WAIT, () -> of(s, u).stream().filter(d -> "Running".equals(
                            d.getJsonObject("container").getString("status"))).count(), n -> n >= 1, "Running again");
                    seen.addAll(sequences(of(s, uuid)));
                }
                assertEquals(204, api.delete("/v1/containers/" + uuid + "?stop=true").status());
            }
            for (int i = 0; i < seen.size(); i++) {
                assertEquals(i + 1, seen.get(i), seen.toString());
            }
        } finally {
            try (DockerContainerDriver docker = new DockerContainerDriver("unix:///var/run/docker.sock")) {
                docker.listManaged(host).forEach(o -> docker.remove(o.id(), true));
            }
        }
    }
}
