package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.compute.docker.DockerContainerDriver;
import io.zunvx.compute.driver.ExecResult;
import io.zunvx.compute.driver.Observed;
import io.zunvx.model.Status;
import io.zunvx.model.Topics;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The container pipeline end to end on the real all-in-one: API → outbox → Kafka → scheduler → Kafka → compute →
 * Docker, with the real Docker engine, embedded PostgreSQL and embedded KRaft Kafka.
 */
class PipelineIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    static Path data;

    static AllInOne platform;
    static ZunHttp api;
    static DockerContainerDriver docker;
    static final Crash crash = new Crash();

    /**
     * When armed, blocks the agent right after Docker created the next container, as a killed process would stop
     * there; it is released (interrupted) when the agent is undeployed.
     */
    static final class Crash implements CrashPoints {
        final AtomicReference<CountDownLatch> armed = new AtomicReference<>();

        @Override
        public void afterDockerCreate(UUID uuid) {
            CountDownLatch reached = armed.getAndSet(null);
            if (reached != null) {
                reached.countDown();
                try {
                    new CountDownLatch(1).await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IllegalStateException("agent stopped at the crash point");
            }
        }
    }

    @BeforeAll
    static void start() {
        // No periodic reconcile during the class: whatever the agent records, it records from commands and from
        // Docker's events (plus the one reconcile at start), so a broken event stream cannot hide behind the timer.
        platform = Platforms.start(data, crash, Map.of("ZUNVX_COMPUTE_SYNC_INTERVAL", "1h"));
        api = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), platform.adminToken(), "1.40");
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

    private static JsonObject create(String body, boolean run) {
        ZunHttp.Response r = api.post("/v1/containers" + (run ? "?run=true" : ""), body);
        assertEquals(202, r.status(), r.body());
        return r.json();
    }

    private static JsonObject show(String uuid) {
        ZunHttp.Response r = api.get("/v1/containers/" + uuid);
        assertEquals(200, r.status(), r.body());
        return r.json();
    }

    private static JsonObject awaitStatus(String uuid, String status) {
        return Poll.until(WAIT, () -> show(uuid),
                c -> status.equals(c.getString("status")) && c.getValue("task_state") == null,
                "container " + uuid + " to be " + status);
    }

    private static List<Observed> dockerContainers(String uuid) {
        String host = platform.platform().config().compute().hostName();
        return docker.listManaged(host).stream().filter(o -> uuid.equals(o.labels().get("zunvx.uuid"))).toList();
    }

    @Test
    void echoContainerRunsToStoppedAndItsLogsHoldTheLine() {
        // GIVEN a busybox container created with run=true that echoes a line
        JsonObject c = create("""
                {"image": "busybox", "cpu": 0.1, "memory": 32, "command": ["echo", "hello from zun-vx"], "name": "echo-once"}""", true);
        assertEquals("Creating", c.getString("status"));
        String uuid = c.getString("uuid");

        // WHEN it has run
        JsonObject done = awaitStatus(uuid, "Stopped");

        // THEN it exited 0 and logs returns the line as a JSON string
        assertTrue(done.getString("status_detail").startsWith("Exited(0)"), done.encode());
        ZunHttp.Response logs = api.get("/v1/containers/" + uuid + "/logs");
        assertEquals(200, logs.status());
        assertEquals("\"hello from zun-vx\\n\"", logs.body());
    }

    @Test
    void sleepingContainerStopsStartsAndIsDeletedEverywhere() throws Exception {
        try (KafkaConsumer<String, byte[]> events = consumer()) {
            // GIVEN a sleeping container, and a plain Kafka consumer on the container events topic
            JsonObject c = create("""
                    {"image": "busybox", "cpu": 0.1, "memory": 32, "command": ["sleep", "300"]}""", true);
            String uuid = c.getString("uuid");
            assertTrue(c.getString("name").endsWith("-container"), "Zun-style generated name");

            // WHEN it is stopped, started and deleted through the API
            awaitStatus(uuid, "Running");
            assertEquals(1, dockerContainers(uuid).size());
            assertEquals(202, api.post("/v1/containers/" + uuid + "/stop?timeout=1", null).status());
            awaitStatus(uuid, "Stopped");
            ZunHttp.Response started = api.post("/v1/containers/" + uuid + "/start", null);
            assertEquals(202, started.status(), started.body());
            awaitStatus(uuid, "Running");
            ZunHttp.Response refused = api.delete("/v1/containers/" + uuid);
            assertEquals(409, refused.status(), "a running container needs stop or force");
            assertEquals(204, api.delete("/v1/containers/" + uuid + "?stop=true").status());

            // THEN it is gone from the API and from Docker
            Poll.until(WAIT, () -> api.get("/v1/containers/" + uuid).status(), s -> s == 404, "container gone");
            Poll.until(WAIT, () -> dockerContainers(uuid), List::isEmpty, "Docker container removed");

            // AND the consumer saw every transition, in order, ending with Deleted
            List<JsonObject> seen = new ArrayList<>();
            Poll.until(WAIT, () -> {
                for (ConsumerRecord<String, byte[]> r : events.poll(Duration.ofMillis(200))) {
                    if (uuid.equals(r.key())) {
                        seen.add(new JsonObject(new String(r.value(), StandardCharsets.UTF_8)));
                    }
                }
                return seen;
            }, s -> !s.isEmpty() && "Deleted".equals(last(s).getJsonObject("container").getString("status")),
                    "the Deleted event");
            for (int i = 0; i < seen.size(); i++) {
                assertEquals(i + 1, seen.get(i).getLong("sequence"), "sequence without gap or duplicate");
            }
            List<String> steps = seen.stream().map(e -> e.getJsonObject("container"))
                    .map(x -> x.getString("status") + "/" + x.getString("task_state")).toList();
            assertEquals(List.of("Creating/null", "Creating/image_pulling", "Creating/container_creating",
                    "Creating/container_starting", "Running/null", "Running/container_stopping", "Stopped/null",
                    "Stopped/container_starting", "Running/null", "Deleting/container_deleting", "Deleted/null"),
                    withoutHostOnlyStep(steps), "transitions: " + steps);
        }
    }

    /** The scheduler's placement is its own event (host set, status unchanged): drop it to compare task states. */
    private static List<String> withoutHostOnlyStep(List<String> steps) {
        List<String> out = new ArrayList<>();
        for (String s : steps) {
            if (out.isEmpty() || !out.getLast().equals(s)) {
                out.add(s);
            }
        }
        return out;
    }

    @Test
    void containerThatExitsIsStoppedPromptlyThroughDockerEvents() {
        // GIVEN a running container that exits with 3 on its own once the test tells it to (a file appears)
        JsonObject c = create("""
                {"image": "busybox", "cpu": 0.1, "memory": 32,
                 "command": ["sh", "-c", "until [ -e /tmp/exit-now ]; do sleep 1; done; exit 3"]}""", true);
        String uuid = c.getString("uuid");
        awaitStatus(uuid, "Running");

        // WHEN it exits
        ExecResult touched = docker.execRun(dockerContainers(uuid).getFirst().id(), List.of("touch", "/tmp/exit-now"),
                Duration.ofMinutes(1));
        assertEquals(0, touched.exitCode(), touched.output());

        // THEN the agent records it from Docker's event: this class's platform has no periodic reconcile to do it
        JsonObject stopped = awaitStatus(uuid, "Stopped");
        assertTrue(stopped.getString("status_detail").startsWith("Exited(3)"), stopped.encode());
    }

    @Test
    void agentKilledBetweenCreateAndStartStillEndsRunningExactlyOnce() {
        // GIVEN the agent will stop dead right after Docker created the next container
        CountDownLatch reached = new CountDownLatch(1);
        crash.armed.set(reached);
        JsonObject c = create("""
                {"image": "busybox", "cpu": 0.1, "memory": 32, "command": ["sleep", "300"], "name": "crash-victim"}""", true);
        String id = c.getString("uuid");
        Poll.until(WAIT, reached::getCount, n -> n == 0, "the agent to reach the crash point");

        // WHEN the agent is killed there, and started again
        Platforms.stopCompute(platform);
        assertEquals(1, dockerContainers(id).size(), "Docker holds the created container");
        assertEquals("Creating", show(id).getString("status"));
        Platforms.startCompute(platform, CrashPoints.NONE);

        // THEN the command is not lost and the container runs, with one Docker container only
        awaitStatus(id, "Running");
        List<Observed> found = dockerContainers(id);
        assertEquals(1, found.size(), "no duplicate Docker container");
        assertEquals(Status.RUNNING, found.getFirst().status());
    }

    @Test
    void agentDownWhenTheCommandIsSentPicksItUpWhenItComesBack() {
        // GIVEN the agent is stopped
        Platforms.stopCompute(platform);
        String uuid;
        try {
            // WHEN a container is created and placed meanwhile
            JsonObject c = create("""
                    {"image": "busybox", "cpu": 0.1, "memory": 32, "command": ["sleep", "300"]}""", true);
            uuid = c.getString("uuid");
            Poll.until(WAIT, () -> platform.platform().pool().query(
                                    "SELECT host FROM containers WHERE uuid = '" + uuid + "'").execute().await()
                            .iterator().next().getString("host"),
                    h -> h != null, "placement");
            assertEquals("Creating", show(uuid).getString("status"));
        } finally {
            // AND the agent comes back
            Platforms.startCompute(platform, CrashPoints.NONE);
        }
        // THEN the container ends Running, once
        awaitStatus(uuid, "Running");
        assertEquals(1, dockerContainers(uuid).size());
    }

    private static JsonObject last(List<JsonObject> l) {
        return l.getLast();
    }

    private static KafkaConsumer<String, byte[]> consumer() {
        Properties p = new Properties();
        p.put("bootstrap.servers", platform.kafkaBootstrapServers());
        p.put("group.id", "pipeline-it-" + UUID.randomUUID());
        p.put("auto.offset.reset", "latest");
        p.put("key.deserializer", StringDeserializer.class.getName());
        p.put("value.deserializer", org.apache.kafka.common.serialization.ByteArrayDeserializer.class.getName());
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(p);
        c.subscribe(List.of(Topics.CONTAINER_EVENTS));
        // Join the group and get an assignment before anything is published.
        Poll.until(WAIT, () -> {
            c.poll(Duration.ofMillis(100));
            return c.assignment().size();
        }, n -> n > 0, "consumer assignment");
        return c;
    }
}
