package io.zunvx.api.container;

import static io.zunvx.api.ApiPlatform.assertZunError;
import static io.zunvx.api.ApiPlatform.newProject;
import static io.zunvx.platform.db.TestWaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.sqlclient.Tuple;
import io.zunvx.api.ApiPlatform;
import io.zunvx.api.compute.ComputeClient;
import io.zunvx.api.quota.QuotaService;
import io.zunvx.model.ComputeNode;
import io.zunvx.model.Container;
import io.zunvx.model.Status;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerCatalog;
import io.zunvx.platform.container.ContainerRepository;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.host.ComputeNodeRepository;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live resize (PATCH with memory) fails at each of its steps, and the container row, the host's claim and the
 * limits the agent set in "Docker" still agree afterwards. The agent is a stand-in HTTP server that keeps the limits
 * it was told and fails on demand; the database steps are failed by triggers the test installs. No Docker needed.
 */
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class LiveResizeIT {
    @TempDir
    static Path dir;

    private static ApiPlatform api;
    private static HttpServer agent;
    private static ContainerStore store;
    private static ComputeClient sweeperClient;
    /** What the stand-in agent does with the next update: apply, refuse (409), apply then fail (500), drop. */
    private static final AtomicReference<String> mode = new AtomicReference<>("apply");
    /** The memory limit the stand-in agent has set per container ("Docker"). */
    private static final Map<String, Integer> docker = new ConcurrentHashMap<>();
    private static final AtomicInteger calls = new AtomicInteger();

    @BeforeAll
    static void start() {
        api = ApiPlatform.start(dir, Map.of());
        Router r = Router.router(api.vertx());
        r.route().handler(BodyHandler.create());
        r.post("/internal/v1/containers/:uuid/update").handler(ctx -> {
            calls.incrementAndGet();
            JsonObject body = ctx.body().asJsonObject();
            assertEquals(false, body.getBoolean("claimed"), "the claim is the API's to move");
            String uuid = ctx.pathParam("uuid");
            switch (mode.get()) {
                case "refuse" -> ctx.response().setStatusCode(409).putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("errors", new JsonArray().add(new JsonObject()
                                .put("status", 409).put("code", "conflict").put("title", "Conflict")
                                .put("detail", "Docker refused the limits"))).encode());
                case "apply-then-fail" -> {
                    setLimit(uuid, body);
                    mode.set("apply");
                    ctx.response().setStatusCode(500).end();
                }
                case "drop" -> ctx.request().connection().close();
                default -> {
                    setLimit(uuid, body);
                    ctx.response().putHeader("Content-Type", "application/json").end("{}");
                }
            }
        });
        agent = await(api.vertx().createHttpServer().requestHandler(r).listen(0, "127.0.0.1"));
        store = new ContainerStore(new Transactions(api.pool()), Clock.systemUTC());
        sweeperClient = new ComputeClient(api.vertx(), new Transactions(api.pool()), api.platform().tokens(),
                Clock.systemUTC());
    }

    private static void setLimit(String uuid, JsonObject body) {
        if (body.getInteger("memory") != null) {
            docker.put(uuid, body.getInteger("memory"));
        }
    }

    @AfterEach
    void reset() {
        mode.set("apply");
        await(api.pool().query("""
                DROP TRIGGER IF EXISTS fail_step ON containers;
                DROP TRIGGER IF EXISTS fail_step ON container_action_events""").execute());
    }

    @AfterAll
    static void stop() {
        if (sweeperClient != null) {
            sweeperClient.close();
        }
        if (agent != null) {
            await(agent.close());
        }
        if (api != null) {
            api.close();
        }
    }

    @Test
    void aResizeMovesTheRowTheClaimAndDockerTogether() {
        Setup s = setup(1024);
        assertEquals(200, patch(s, 48).status());
        assertAgree(s, 48);
        assertEquals("Success", lastEvent(s).getString("result"));
    }

    @Test
    void aHostWithoutRoomRefusesBeforeAnythingChanges() {
        Setup s = setup(40);
        assertZunError(patch(s, 64), 409, "container.resources-unavailable", null);
        assertAgree(s, 32);
        assertEquals(s.callsBefore(), calls.get(), "the agent was not asked");
    }

    @Test
    void aFailedWriteOfTheRowChangesNothing() {
        Setup s = setup(1024);
        failStep("containers", "UPDATE");
        assertEquals(500, patch(s, 48).status());
        assertAgree(s, 32);
        assertEquals(s.callsBefore(), calls.get(), "the agent was not asked");
    }

    @Test
    void anAgentThatRefusesLeavesTheOldLimitsEverywhere() {
        Setup s = setup(1024);
        mode.set("refuse");
        String name = await(store.find(s.uuid())).orElseThrow().name();
        assertZunError(api.call("PATCH", "/v1/containers/" + s.uuid(), api.memberToken(s.project()),
                new JsonObject().put("memory", 48).put("name", name + "-renamed")), 409, null, null);
        assertAgree(s, 32);
        assertEquals(name, await(store.find(s.uuid())).orElseThrow().name(), "the whole request failed");
        JsonObject e = lastEvent(s);
        assertEquals("Error", e.getString("result"));
    }

    @Test
    void anAgentThatAppliedAndThenFailedIsAskedToPutTheOldLimitsBack() {
        Setup s = setup(1024);
        mode.set("apply-then-fail");
        assertEquals(500, patch(s, 48).status());
        assertAgree(s, 32);
    }

    @Test
    void anAgentThatDropsTheCallLeavesTheOldLimitsEverywhere() {
        Setup s = setup(1024);
        mode.set("drop");
        assertZunError(patch(s, 48), 503, null, null);
        assertAgree(s, 32);
    }

    @Test
    void aFailedRecordOfTheStepStillLeavesTheNewLimitsEverywhere() {
        Setup s = setup(1024);
        failStep("container_action_events", "INSERT");
        assertEquals(200, patch(s, 48).status());
        assertAgree(s, 48);
    }

    @Test
    void aResizeCutOffAfterItsCommitIsFinishedByTheSweep() {
        Setup s = setup(1024);
        // GIVEN the state a crash right after the first commit leaves: the agent never answers and nothing after the
        // commit can be written (every record of a step fails), so neither the success nor the undo lands
        failStep("container_action_events", "INSERT");
        mode.set("drop");
        assertEquals(503, patch(s, 48).status());
        Container row = await(store.find(s.uuid())).orElseThrow();
        assertEquals(48, row.memory(), "the row holds the new limits");
        assertEquals(48, memUsed(s), "and so does the claim");
        assertEquals(32, docker.get(s.uuid().toString()), "Docker is behind");
        reset();
        // WHEN an instance sweeps: a resize still in progress (started after the cut-off) is left alone
        assertEquals(0, await(resizes().finishStalled(Instant.now().minusSeconds(3600))));
        assertEquals(32, docker.get(s.uuid().toString()));
        await(resizes().finishStalled(Instant.now().plusSeconds(1)));
        // THEN Docker caught up with the row and the action is closed with its step
        assertAgree(s, 48);
        assertEquals("Success", lastEvent(s).getString("result"));
        assertEquals(0, await(resizes().finishStalled(Instant.now().plusSeconds(1))), "nothing is left open");
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private record Setup(String project, String host, UUID uuid, int callsBefore) {
    }

    /** A running container of 32 MiB, claimed on a new host of {@code hostMemory} MiB whose agent is the stand-in. */
    private static Setup setup(long hostMemory) {
        String project = newProject();
        String host = "host-" + UUID.randomUUID().toString().substring(0, 8);
        ComputeNode n = new ComputeNode(ComputeNodeRepository.newId(), host, hostMemory, 0, 8, 0, 100, 0, 0, 0, 0, 0,
                "x86_64", "linux", "Debian", "6.1", Map.of(), List.of("runc"), false, "nova",
                "http://127.0.0.1:" + agent.actualPort(), null, null, 0);
        ComputeNodeRepository nodes = new ComputeNodeRepository();
        await(nodes.report(api.pool(), n, Instant.now()));
        await(nodes.claim(api.pool(), host, -1, 32, 0.5, 0, 1e9, 1e9, 1e9));
        UUID uuid = UUID.randomUUID();
        Container c = Container.builder().uuid(uuid).name("c-" + uuid.toString().substring(0, 8)).projectId(project)
                .userId("user-of-" + project).image("busybox").status(Status.RUNNING).host(host)
                .containerId("docker-" + uuid).claimed(true).cpu(0.5).memory(32).build();
        await(store.inTransaction(tx -> tx.insert(c, "req-" + uuid)));
        docker.put(uuid.toString(), 32);
        return new Setup(project, host, uuid, calls.get());
    }

    private static ApiPlatform.Resp patch(Setup s, int memory) {
        return api.call("PATCH", "/v1/containers/" + s.uuid(), api.memberToken(s.project()),
                new JsonObject().put("memory", memory));
    }

    /** A sweeper wired as the API's, with its own client to the agent. */
    private static LiveResizes resizes() {
        ContainerRepository rows = new ContainerRepository();
        ContainerActionRepository actions = new ContainerActionRepository();
        return new LiveResizes(store, new ContainerCatalog(new Transactions(api.pool()), rows, actions), actions,
                new ComputeNodeRepository(), sweeperClient, new QuotaService(api.config().quota()),
                api.config().scheduler(), Clock.systemUTC());
    }

    private static long memUsed(Setup s) {
        return await(new ComputeNodeRepository().find(api.pool(), s.host())).orElseThrow().memUsed();
    }

    /** The row, the host's claim (32 MiB of it from the container) and "Docker" all say {@code memory}. */
    private static void assertAgree(Setup s, int memory) {
        Container row = await(store.find(s.uuid())).orElseThrow();
        assertEquals(memory, row.memory(), "row");
        assertEquals(memory, memUsed(s), "claim");
        assertEquals(memory, docker.get(s.uuid().toString()), "docker");
    }

    /** The newest event of the newest update action of the container. */
    private static JsonObject lastEvent(Setup s) {
        var rows = await(api.pool().preparedQuery("""
                        SELECT e.result FROM container_action_events e JOIN container_actions a ON a.id = e.action_id
                        WHERE a.container_uuid = $1 AND a.action = 'update' ORDER BY e.id DESC LIMIT 1""")
                .execute(Tuple.of(s.uuid())));
        assertTrue(rows.size() > 0, "an event was recorded");
        return new JsonObject().put("result", rows.iterator().next().getString("result"));
    }

    /** Makes every {@code op} on {@code table} fail until the test ends: a failed step, supplied by the test. */
    private static void failStep(String table, String op) {
        await(api.pool().query("""
                CREATE OR REPLACE FUNCTION fail_step() RETURNS trigger LANGUAGE plpgsql AS
                $$ BEGIN RAISE EXCEPTION 'step failed by the test'; END $$;
                CREATE TRIGGER fail_step BEFORE %s ON %s FOR EACH ROW EXECUTE FUNCTION fail_step()"""
                .formatted(op, table)).execute());
    }
}
