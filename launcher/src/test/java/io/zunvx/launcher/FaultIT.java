package io.zunvx.launcher;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.zunvx.platform.db.Database;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Faults with real processes and real signals: PostgreSQL, Kafka, two API processes, the scheduler and the compute
 * agent each run in a process of their own, the agent on a Docker engine of this test's own. Under a workload of a
 * few concurrent clients (creates with and without run, execs, stops, deletes; every 2xx recorded), one fault at a
 * time is injected; once the platform settles, every acknowledged request has reached its final state exactly once,
 * Docker and the rows agree (no orphan, nothing lost without saying so), the host's claims equal the containers'
 * resources, quota usage equals the rows, and the outbox is empty. The figures of each fault are printed and written
 * to {@code target/fault-figures.md}.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 10, unit = TimeUnit.MINUTES)
class FaultIT {
    private static final Duration SETTLE = Duration.ofSeconds(240);
    private static final Duration STATE_WAIT = Duration.ofSeconds(60);
    private static final int CLIENTS = 3;
    private static final int ROUNDS = 3;
    private static final Set<String> TRANSIENT = Set.of("Creating", "Deleting", "Restarting", "Rebuilding", "Unknown");
    private static final List<String> FIGURES = new ArrayList<>();
    private static final String CREATE = """
            {"image": "busybox", "command": ["sleep", "3600"], "cpu": 0.1, "memory": 16, "name": "%s"}""";

    @TempDir
    static Path data;

    static FaultCluster cluster;
    static Vertx vertx;
    static Pool db;
    static String token;
    static String project;

    @BeforeAll
    @Timeout(value = 10, unit = TimeUnit.MINUTES)
    static void start() {
        cluster = new FaultCluster(data, Path.of("target", "fault-logs"));
        cluster.start();
        ZunHttp.Response auth = new ZunHttp(cluster.apiUrl("api1"), null, null).post("/identity/v3/auth/tokens", """
                {"auth": {"identity": {"methods": ["password"], "password": {"user": {"name": "admin",
                 "domain": {"id": "default"}, "password": "%s"}}},
                 "scope": {"project": {"name": "admin", "domain": {"id": "default"}}}}}"""
                .formatted(FaultCluster.ADMIN_PASSWORD));
        assertEquals(201, auth.status(), auth.body());
        token = auth.header("X-Subject-Token");
        project = auth.json().getJsonObject("token").getJsonObject("project").getString("id");
        vertx = Vertx.vertx();
        db = Database.of(cluster.dbUrl()).pool(vertx, 2, "fault-checks");
        Poll.until(Duration.ofSeconds(120), () -> quietly(() -> api("api1").get("/v1/hosts").json()
                .getJsonArray("hosts").size()), n -> n != null && n == 1, "the compute host registered");
        FIGURES.add("| fault | operations sent | acknowledged | lost | orphans | ended in Error | time to settle |");
        FIGURES.add("|---|---|---|---|---|---|---|");
    }

    @AfterAll
    static void stop() throws IOException {
        if (db != null) {
            db.close();
            vertx.close();
        }
        if (cluster != null) {
            cluster.close();
        }
        FIGURES.forEach(System.out::println);
        Files.write(Path.of("target", "fault-figures.md"), FIGURES);
    }

    static ZunHttp api(String role) {
        return new ZunHttp(cluster.apiUrl(role), token, "1.40");
    }

    @Test
    @Order(1)
    void computeKilledMidCreate() {
        fault("SIGKILL compute mid-create", ledger -> ledger.creates.get() >= 2, l -> {
            cluster.kill("compute");
            cluster.startRole("compute");
            cluster.awaitReady("compute");
        });
    }

    @Test
    @Order(2)
    void computeKilledMidStop() {
        fault("SIGKILL compute mid-stop", ledger -> ledger.stops.get() >= 1, l -> {
            cluster.kill("compute");
            cluster.startRole("compute");
            cluster.awaitReady("compute");
        });
    }

    @Test
    @Order(3)
    void computeKilledMidDelete() {
        fault("SIGKILL compute mid-delete", ledger -> ledger.deletes.get() >= 1, l -> {
            cluster.kill("compute");
            cluster.startRole("compute");
            cluster.awaitReady("compute");
        });
    }

    @Test
    @Order(4)
    void schedulerKilledHoldingClaims() {
        fault("SIGKILL scheduler", ledger -> ledger.creates.get() >= 2, l -> {
            cluster.kill("scheduler");
            cluster.startRole("scheduler");
            cluster.awaitReady("scheduler");
        });
    }

    @Test
    @Order(5)
    void apiKilledWithRequestsInFlight() {
        fault("SIGKILL api (the other serves)", ledger -> ledger.creates.get() >= 2, l -> {
            // More creates sent to this process alone, racing the kill: each answered one is recorded.
            List<CompletableFuture<Void>> inFlight = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                String name = "fault-inflight-" + i;
                inFlight.add(CompletableFuture.runAsync(() -> {
                    l.sent.incrementAndGet();
                    ZunHttp.Response r = quietly(() -> api("api1").post("/v1/containers", CREATE.formatted(name)));
                    if (r != null && r.status() == 202) {
                        l.acked.incrementAndGet();
                        l.last.put(r.json().getString("uuid"), "create");
                    }
                }));
            }
            cluster.kill("api1");
            inFlight.forEach(CompletableFuture::join);
            cluster.startRole("api1");
            cluster.awaitReady("api1");
        });
    }

    @Test
    @Order(6)
    void kafkaKilled() {
        fault("SIGKILL Kafka", ledger -> ledger.creates.get() >= 2, l -> {
            cluster.kill("kafka");
            cluster.startKafka();
        });
    }

    @Test
    @Order(7)
    void postgresqlKilled() {
        fault("SIGKILL PostgreSQL", ledger -> ledger.creates.get() >= 2, l -> {
            cluster.killPg();
            cluster.startPg();
        });
    }

    @Test
    @Order(8)
    void dockerdKilled() {
        fault("SIGKILL dockerd", ledger -> ledger.creates.get() >= 2, l -> cluster.killAndRestartDocker());
    }

    @Test
    @Order(9)
    void computeStoppedPastHeartbeatTimeout() {
        fault("SIGSTOP compute past the down time, SIGCONT", ledger -> ledger.creates.get() >= 2, l -> {
            cluster.signal("compute", "STOP");
            try {
                Poll.until(Duration.ofSeconds(120), FaultIT::computeState, "down"::equals, "the host to go down");
            } finally {
                cluster.signal("compute", "CONT");
            }
            Poll.until(Duration.ofSeconds(120), FaultIT::computeState, "up"::equals, "the host to come back");
        });
    }

    private static String computeState() {
        return quietly(() -> api("api2").get("/v1/services").json().getJsonArray("services").stream()
                .map(JsonObject.class::cast).filter(s -> "zun-compute".equals(s.getString("binary")))
                .map(s -> s.getString("state")).findFirst().orElse(null));
    }

    /** What the clients sent and which requests were acknowledged. */
    static final class Ledger {
        final AtomicInteger sent = new AtomicInteger();
        final AtomicInteger acked = new AtomicInteger();
        final AtomicInteger creates = new AtomicInteger();
        final AtomicInteger stops = new AtomicInteger();
        final AtomicInteger deletes = new AtomicInteger();
        /** The last acknowledged request that decides each container's final state: create-run, create, stop, delete. */
        final Map<String, String> last = new ConcurrentHashMap<>();
        final AtomicInteger calls = new AtomicInteger();

        /** Sends through one API process, the other if it does not answer; null when neither answered. */
        ZunHttp.Response send(Function<ZunHttp, ZunHttp.Response> call, boolean counted) {
            if (counted) {
                sent.incrementAndGet();
            }
            int first = calls.incrementAndGet() % 2;
            for (int i = 0; i < 2; i++) {
                try {
                    ZunHttp.Response r = call.apply(api(((first + i) % 2 == 0) ? "api1" : "api2"));
                    if (counted && r.status() / 100 == 2) {
                        acked.incrementAndGet();
                    }
                    if (r.status() < 500) {
                        return r;
                    }
                } catch (RuntimeException e) {
                    // no answer from this one (killed, restarting, or its dependency is down)
                }
            }
            return null;
        }
    }

    private interface Trigger {
        boolean ready(Ledger ledger);
    }

    /** Runs the workload, injects the fault once {@code trigger} holds, then waits for the platform to settle. */
    private void fault(String name, Trigger trigger, Consumer<Ledger> inject) {
        Ledger ledger = new Ledger();
        List<CompletableFuture<Void>> clients = new ArrayList<>();
        try (ExecutorService pool = Executors.newFixedThreadPool(CLIENTS)) {
            for (int c = 0; c < CLIENTS; c++) {
                int client = c;
                clients.add(CompletableFuture.runAsync(() -> client(ledger, client), pool));
            }
            Poll.until(Duration.ofSeconds(180), () -> trigger.ready(ledger) || clients.stream().allMatch(
                    CompletableFuture::isDone), ok -> ok, "the moment to inject " + name);
            inject.accept(ledger);
            Instant recovered = Instant.now();
            clients.forEach(CompletableFuture::join);
            Check last = Poll.until(SETTLE, () -> check(ledger), Check::clean, "the platform to settle after " + name);
            long settle = Duration.between(recovered, Instant.now()).toMillis();
            String row = "| %s | %d | %d | %d | %d | %d | %.1f s |".formatted(name, ledger.sent.get(),
                    ledger.acked.get(), last.lost, last.orphans, last.errors, settle / 1000.0);
            System.out.println("FAULT " + row);
            FIGURES.add(row);
        }
    }

    /** One client: creates (with and without run), execs, stops and deletes, waiting for each state. */
    private static void client(Ledger ledger, int client) {
        for (int round = 0; round < ROUNDS; round++) {
            boolean run = (round + client) % 2 == 0;
            String name = "fault-" + client + "-" + round;
            ZunHttp.Response created = ledger.send(a -> a.post("/v1/containers" + (run ? "?run=true" : ""),
                    CREATE.formatted(name)), true);
            if (created == null || created.status() != 202) {
                continue;
            }
            String uuid = created.json().getString("uuid");
            ledger.last.put(uuid, run ? "create-run" : "create");
            ledger.creates.incrementAndGet();
            String status = awaitStatus(ledger, uuid, Set.of("Running", "Created", "Stopped", "Error"));
            if ("Running".equals(status)) {
                ledger.send(a -> a.post("/v1/containers/" + uuid + "/execute?run=true&command=echo+fault", null), true);
                ZunHttp.Response stop = ledger.send(a -> a.post("/v1/containers/" + uuid + "/stop?timeout=1", null),
                        true);
                if (stop != null && stop.status() == 202) {
                    ledger.last.put(uuid, "stop");
                    ledger.stops.incrementAndGet();
                    status = awaitStatus(ledger, uuid, Set.of("Stopped", "Error"));
                }
            }
            if (round % 3 != 2 && status != null) {
                ZunHttp.Response delete = ledger.send(a -> a.delete("/v1/containers/" + uuid), true);
                if (delete != null && delete.status() == 204) {
                    ledger.last.put(uuid, "delete");
                    ledger.deletes.incrementAndGet();
                    awaitStatus(ledger, uuid, Set.of("gone"));
                }
            }
        }
    }

    /** The container's status once it is one of {@code wanted} ("gone" once deleted), or null at the deadline. */
    private static String awaitStatus(Ledger ledger, String uuid, Set<String> wanted) {
        try {
            return Poll.until(STATE_WAIT, () -> {
                ZunHttp.Response r = ledger.send(a -> a.get("/v1/containers/" + uuid), false);
                return r == null ? null : r.status() == 404 ? "gone" : r.status() == 200
                        ? r.json().getString("status") : null;
            }, s -> s != null && wanted.contains(s), uuid + " to be one of " + wanted);
        } catch (AssertionError e) {
            // a fault held it up: the settle check decides
            return null;
        }
    }

    /** What a settle check found. */
    record Check(List<String> problems, int lost, int orphans, int errors) {
        boolean clean() {
            return problems.isEmpty();
        }

        @Override
        public String toString() {
            return problems.toString();
        }
    }

    private static Check check(Ledger ledger) {
        List<String> problems = new ArrayList<>();
        List<Row> rows;
        long outbox;
        Row node;
        try {
            rows = new ArrayList<>();
            db.query("SELECT uuid::text AS uuid, status, status_reason, task_state, host, container_id, claimed, memory,"
                    + " cpu, disk, project_id FROM containers").execute().await().forEach(rows::add);
            outbox = db.query("SELECT count(*) FROM outbox").execute().await().iterator().next().getLong(0);
            node = db.query("SELECT * FROM compute_nodes WHERE hostname = '" + cluster.host + "'").execute().await()
                    .iterator().next();
        } catch (RuntimeException e) {
            return new Check(List.of("database not answering: " + e.getMessage()), 0, 0, 0);
        }
        Map<String, String> docker = dockerStates(problems);
        Map<String, Row> byUuid = new HashMap<>();
        rows.forEach(r -> byUuid.put(r.getString("uuid"), r));
        int lost = 0;
        int orphans = 0;
        for (Map.Entry<String, String> e : docker.entrySet()) {
            if (!byUuid.containsKey(e.getKey())) {
                orphans++;
                problems.add("orphan Docker container " + e.getKey() + " (" + e.getValue() + ")");
            }
        }
        long mem = 0;
        double cpu = 0;
        long disk = 0;
        for (Row r : rows) {
            String uuid = r.getString("uuid");
            String status = r.getString("status");
            if (TRANSIENT.contains(status) || r.getString("task_state") != null) {
                problems.add(uuid + " not settled: " + status + "/" + r.getString("task_state"));
            }
            String state = docker.get(uuid);
            if (Set.of("Running", "Created", "Stopped", "Paused").contains(status) && state == null) {
                lost++;
                problems.add(uuid + " is " + status + " but its Docker container is gone");
            }
            if ("Running".equals(status) != "running".equals(state)) {
                problems.add(uuid + " is " + status + " while Docker says " + state);
            }
            if ("Error".equals(status) && (r.getString("status_reason") == null
                    || r.getString("status_reason").isBlank())) {
                problems.add(uuid + " is in Error without a reason");
            }
            if (Boolean.TRUE.equals(r.getBoolean("claimed")) && cluster.host.equals(r.getString("host"))) {
                mem += r.getInteger("memory") == null ? 0 : r.getInteger("memory");
                cpu += r.getDouble("cpu") == null ? 0 : r.getDouble("cpu");
                disk += r.getInteger("disk") == null ? 0 : r.getInteger("disk");
            }
        }
        int errors = 0;
        for (Map.Entry<String, String> e : ledger.last.entrySet()) {
            Row r = byUuid.get(e.getKey());
            String status = r == null ? "gone" : r.getString("status");
            if ("Error".equals(status)) {
                errors++;
            }
            boolean ok = switch (e.getValue()) {
                case "delete" -> r == null && !docker.containsKey(e.getKey());
                case "stop" -> Set.of("Stopped", "Error").contains(status);
                case "create-run" -> Set.of("Running", "Stopped", "Error").contains(status);
                default -> Set.of("Created", "Error").contains(status);
            };
            if (!ok) {
                lost++;
                problems.add("acknowledged " + e.getValue() + " of " + e.getKey() + " ended " + status);
            }
        }
        if (node.getLong("mem_used") != mem || Math.abs(node.getDouble("cpu_used") - cpu) > 1e-6
                || node.getLong("disk_used") != disk) {
            problems.add("host claims mem/cpu/disk " + node.getLong("mem_used") + "/" + node.getDouble("cpu_used")
                    + "/" + node.getLong("disk_used") + " but its containers hold " + mem + "/" + cpu + "/" + disk);
        }
        if (outbox != 0) {
            problems.add(outbox + " row(s) in the outbox");
        }
        Integer inUse = quietly(() -> api("api2").get("/v1/quotas/" + project + "?usages=true").json()
                .getJsonObject("containers").getInteger("in_use"));
        long projectRows = rows.stream().filter(r -> project.equals(r.getString("project_id"))).count();
        if (inUse == null || inUse != projectRows) {
            problems.add("quota usage " + inUse + " but " + projectRows + " rows");
        }
        return new Check(problems, lost, orphans, errors);
    }

    /** The platform's containers on the test's engine: uuid label to state; a uuid seen twice is a problem. */
    private static Map<String, String> dockerStates(List<String> problems) {
        Map<String, String> out = new HashMap<>();
        try {
            Process p = new ProcessBuilder("docker", "-H", cluster.docker.host(), "ps", "-a", "--filter",
                    "label=zunvx.uuid", "--format", "{{.Label \"zunvx.uuid\"}} {{.State}}").redirectErrorStream(true)
                    .start();
            String text = new String(p.getInputStream().readAllBytes());
            if (p.waitFor() != 0) {
                problems.add("docker ps failed: " + text);
                return out;
            }
            for (String line : text.split("\n")) {
                String[] f = line.trim().split(" ");
                if (f.length == 2 && out.put(f[0], f[1]) != null) {
                    problems.add("two Docker containers for " + f[0]);
                }
            }
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static <T> T quietly(Supplier<T> probe) {
        try {
            return probe.get();
        } catch (RuntimeException e) {
            return null;
        }
    }
}
