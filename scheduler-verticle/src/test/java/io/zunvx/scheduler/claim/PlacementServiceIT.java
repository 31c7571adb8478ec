package io.zunvx.scheduler.claim;

import static io.zunvx.platform.db.TestWaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.ComputeNode;
import io.zunvx.model.Container;
import io.zunvx.model.Status;
import io.zunvx.model.ZunService;
import io.zunvx.platform.container.ContainerActionRepository;
import io.zunvx.platform.container.ContainerStore;
import io.zunvx.platform.db.PgSession;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.host.ServiceRepository;
import io.zunvx.scheduler.placement.FilterScheduler;
import io.zunvx.scheduler.placement.SchedulerPolicy;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link PlacementService}'s group commit on a real PostgreSQL: batches are placed on the snapshot and committed in
 * one transaction, a full host fails only its own placements, racing schedulers never overcommit, and a re-delivered
 * request does nothing.
 */
class PlacementServiceIT {
    private static final String REQ = "req-it";

    @RegisterExtension
    static final PgSession pg = PgSession.perClass();

    private Pool pool;
    private ContainerStore store;
    private final ComputeNodeRepository nodes = new ComputeNodeRepository();
    private final ServiceRepository services = new ServiceRepository();
    private final ContainerActionRepository actions = new ContainerActionRepository();

    @BeforeEach
    void freshDatabase() {
        pool = pg.freshPool(12);
        store = new ContainerStore(new Transactions(pool), Clock.systemUTC());
    }

    @AfterEach
    void closePool() {
        await(pool.close());
    }

    // ---- helpers ---------------------------------------------------------------------------------------------------

    private void host(String name, int cpus, long memMiB, boolean pinning) {
        Instant now = Instant.now();
        await(nodes.report(pool, new ComputeNode(ComputeNodeRepository.newId(), name, memMiB, 0, cpus, 0, 100, 0, 0, 0,
                0, 0, "x86_64", "linux", "Linux", "6.1", Map.of(), List.of("runc"), pinning, "nova", "http://127.0.0.1:1", null, null,
                0), now));
        await(services.heartbeat(pool, name, ZunService.COMPUTE, "nova", now));
    }

    private List<UUID> containers(int n, Function<Container.Builder, Container.Builder> shape) {
        List<UUID> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            ids.add(UUID.randomUUID());
        }
        await(store.inTransaction(tx -> {
            Future<Void> f = Future.succeededFuture();
            for (UUID id : ids) {
                Container c = shape.apply(Container.builder().uuid(id).name("c-" + id).projectId("p")
                        .image("busybox")).build();
                f = f.compose(v -> tx.insert(c, REQ).mapEmpty())
                        .compose(v -> actions.start(tx.connection(), id, REQ, "create", "p", "u", Instant.now()));
            }
            return f;
        }));
        return ids;
    }

    private PlacementService service(SchedulerPolicy policy, long seed) {
        return new PlacementService(new Transactions(pool), store, new FilterScheduler(policy, seed), policy, Clock.systemUTC());
    }

    /** Runs {@code work} on {@code ctx} and waits for the Future it returns. */
    private static <T> T on(Context ctx, java.util.function.Supplier<Future<T>> work) {
        return await(Future.<T>future(p -> ctx.runOnContext(v -> work.get().onComplete(p))));
    }

    /** Hands every request to the service in the same turn of its context (so they queue up together). */
    private static void scheduleAll(Context ctx, PlacementService svc, List<UUID> ids) {
        on(ctx, () -> {
            List<Future<Void>> all = new ArrayList<>();
            ids.forEach(id -> all.add(svc.schedule(id, REQ)));
            return Future.all(all).mapEmpty();
        });
    }

    private Container container(UUID id) {
        return await(store.find(id)).orElseThrow();
    }

    private ComputeNode node(String host) {
        return await(nodes.find(pool, host)).orElseThrow();
    }

    private List<Row> rows(String sql, Object... args) {
        List<Row> out = new ArrayList<>();
        await(pool.preparedQuery(sql).execute(Tuple.tuple(List.of(args)))).forEach(out::add);
        return out;
    }

    // ---- tests -----------------------------------------------------------------------------------------------------

    @Test
    void aBatchWithOneHostFullCommitsTheOthersAndPlacesThatHostsRequestsAgain() {
        // GIVEN a big host the snapshot believes empty, which another scheduler has meanwhile filled
        host("big", 64, 65_536, false);
        host("b", 8, 8192, false);
        host("c", 8, 8192, false);
        PlacementService svc = service(SchedulerPolicy.defaults(), 1);
        Context ctx = pg.vertx().getOrCreateContext();
        on(ctx, svc::reload);
        await(pool.query("UPDATE compute_nodes SET cpu_used = 64, mem_used = 65536, version = version + 1 "
                + "WHERE hostname = 'big'").execute());
        List<UUID> ids = containers(12, b -> b.cpu(1).memory(512));

        // WHEN twelve requests arrive together
        scheduleAll(ctx, svc, ids);

        // THEN the placements on the big host lost their claim and were placed again, the others committed at once
        long lost = svc.claimsLost();
        assertTrue(lost > 0 && lost < 12, "claims lost: " + lost);
        Map<String, Integer> perHost = new HashMap<>();
        for (UUID id : ids) {
            Container c = container(id);
            assertEquals(Status.CREATING, c.status());
            assertTrue(c.claimed());
            perHost.merge(c.host(), 1, Integer::sum);
        }
        assertEquals(Set.of("b", "c"), perHost.keySet(), perHost.toString());
        assertEquals(12, svc.placements());
        // AND the claims are exact: what the other scheduler took is untouched, b and c hold the twelve
        assertEquals(64.0, node("big").cpuUsed());
        assertEquals(65_536, node("big").memUsed());
        assertEquals(12.0, node("b").cpuUsed() + node("c").cpuUsed(), 1e-9);
        assertEquals(12 * 512, node("b").memUsed() + node("c").memUsed());
        assertEquals(perHost.get("b"), (int) node("b").cpuUsed());
        // AND the snapshot agrees with the database
        assertEquals(node("b"), svc.snapshot().get("b").node());
        assertEquals(node("c"), svc.snapshot().get("c").node());
    }

    @Test
    void twoHundredRacingRequestsOnRoomForFiftyPlaceExactlyFifty() {
        // GIVEN two hosts with room for 25 containers of 0.1 vCPU each (1 CPU, ratio 2.5), and two schedulers
        host("h1", 1, 65_536, false);
        host("h2", 1, 65_536, false);
        SchedulerPolicy policy = SchedulerPolicy.defaults().withAllocationRatios(2.5, 1, 1);
        PlacementService one = service(policy, 1);
        PlacementService two = service(policy, 2);
        Context ctx1 = pg.vertx().getOrCreateContext();
        Context ctx2 = pg.vertx().getOrCreateContext();
        assertNotSame(ctx1, ctx2);
        on(ctx1, one::reload);
        on(ctx2, two::reload);
        List<UUID> ids = containers(200, b -> b.cpu(0.1).memory(16));

        // WHEN both schedulers are handed every request (each one delivered twice), in different orders, at once
        List<UUID> shuffled = new ArrayList<>(ids);
        Collections.shuffle(shuffled, new Random(7));
        Future<Void> a = Future.future(p -> ctx1.runOnContext(v -> Future.all(ids.stream()
                .map(id -> one.schedule(id, REQ)).toList()).<Void>mapEmpty().onComplete(p)));
        Future<Void> b = Future.future(p -> ctx2.runOnContext(v -> Future.all(shuffled.stream()
                .map(id -> two.schedule(id, REQ)).toList()).<Void>mapEmpty().onComplete(p)));
        await(Future.all(a, b));

        // THEN exactly fifty are placed and the rest are in Error naming the CPU filter
        int placed = 0;
        for (UUID id : ids) {
            Container c = container(id);
            if (c.host() != null) {
                placed++;
                assertEquals(Status.CREATING, c.status());
            } else {
                assertEquals(Status.ERROR, c.status());
                assertTrue(c.statusReason().contains("CpuFilter"), c.statusReason());
            }
        }
        assertEquals(50, placed);
        assertEquals(50, one.placements() + two.placements());
        // AND the hosts are full, not over
        assertEquals(2.5, node("h1").cpuUsed(), 1e-9);
        assertEquals(2.5, node("h2").cpuUsed(), 1e-9);
        assertEquals(50 * 16, node("h1").memUsed() + node("h2").memUsed());
        // AND each placed container got exactly one CreateContainer command, and no one got two decisions
        List<Row> commands = rows("SELECT key, count(*) AS n FROM outbox "
                + "WHERE type = 'io.zunvx.command.create-container.v1' GROUP BY key");
        assertEquals(50, commands.size());
        commands.forEach(r -> assertEquals(1L, r.getLong("n")));
        List<Row> decisions = rows("SELECT a.container_uuid, count(*) AS n FROM container_action_events e "
                + "JOIN container_actions a ON a.id = e.action_id WHERE e.event = 'scheduler__select_destinations' "
                + "GROUP BY a.container_uuid");
        assertEquals(200, decisions.size());
        decisions.forEach(r -> assertEquals(1L, r.getLong("n")));
    }

    @Test
    void aPlacementIsRecordedInOrderWithItsActionEvent() {
        // GIVEN one host and one container
        host("solo", 4, 4096, false);
        PlacementService svc = service(SchedulerPolicy.defaults(), 3);
        Context ctx = pg.vertx().getOrCreateContext();
        on(ctx, svc::reload);
        UUID id = containers(1, b -> b.cpu(0.5).memory(64)).getFirst();

        // WHEN it is scheduled
        scheduleAll(ctx, svc, List.of(id));

        // THEN its state event (sequence 2, with the host) precedes its CreateContainer command in the outbox
        List<Row> outbox = rows("SELECT type, topic, sequence, data FROM outbox WHERE key = $1 ORDER BY id",
                id.toString());
        assertEquals(List.of("io.zunvx.container.state-changed.v1", "io.zunvx.container.state-changed.v1",
                "io.zunvx.command.create-container.v1"), outbox.stream().map(r -> r.getString("type")).toList());
        assertEquals(2L, outbox.get(1).getLong("sequence"));
        assertTrue(outbox.get(1).getString("data").contains("\"host\":\"solo\""), outbox.get(1).getString("data"));
        assertEquals("zunvx.compute.solo", outbox.get(2).getString("topic"));
        // AND the action has its scheduler__select_destinations step, a success, the action still open
        List<Row> events = rows("SELECT e.event, e.result, a.finish_time FROM container_action_events e "
                + "JOIN container_actions a ON a.id = e.action_id WHERE a.container_uuid = $1", id);
        assertEquals(1, events.size());
        assertEquals("scheduler__select_destinations", events.getFirst().getString("event"));
        assertEquals("Success", events.getFirst().getString("result"));
        assertNull(events.getFirst().getValue("finish_time"));
        Container c = container(id);
        assertEquals("solo", c.host());
        assertEquals(1, c.version());
        assertEquals(2, c.eventSequence());
        assertNotNull(c.updatedAt());
    }

    @Test
    void aRedeliveredRequestForAPlacedContainerDoesNothing() {
        // GIVEN a placed container
        host("once", 4, 4096, false);
        PlacementService svc = service(SchedulerPolicy.defaults(), 4);
        Context ctx = pg.vertx().getOrCreateContext();
        on(ctx, svc::reload);
        UUID id = containers(1, b -> b.cpu(1).memory(64)).getFirst();
        scheduleAll(ctx, svc, List.of(id));
        Container placed = container(id);
        ComputeNode node = node("once");
        long outbox = rows("SELECT count(*) AS n FROM outbox").getFirst().getLong("n");

        // WHEN its request is delivered again, twice in one batch and once more
        scheduleAll(ctx, svc, List.of(id, id));
        scheduleAll(ctx, svc, List.of(id));

        // THEN nothing changed: no claim, no write, no event
        assertEquals(placed, container(id));
        assertEquals(node, node("once"));
        assertEquals(outbox, rows("SELECT count(*) AS n FROM outbox").getFirst().getLong("n"));
        assertEquals(1, svc.placements());
    }

    @Test
    void dedicatedRequestsInABatchGetCpusOfTheirOwn() {
        // GIVEN a host with 4 pinnable CPUs, and three dedicated and three shared requests arriving together
        host("pins", 4, 8192, true);
        PlacementService svc = service(SchedulerPolicy.defaults().withAllocationRatios(4, 1, 1), 5);
        Context ctx = pg.vertx().getOrCreateContext();
        on(ctx, svc::reload);
        List<UUID> dedicated = containers(3, b -> b.cpu(1).memory(64).cpuPolicy("dedicated"));
        List<UUID> shared = containers(3, b -> b.cpu(0.5).memory(64));
        List<UUID> all = new ArrayList<>(dedicated);
        all.addAll(shared);
        Collections.shuffle(all, new Random(3));

        // WHEN they are scheduled
        scheduleAll(ctx, svc, all);

        // THEN every one is placed; the dedicated ones each hold one CPU no other holds
        Set<String> cpusets = new HashSet<>();
        for (UUID id : dedicated) {
            Container c = container(id);
            assertEquals("pins", c.host());
            assertNotNull(c.cpuset());
            assertTrue(cpusets.add(c.cpuset()), "cpuset " + c.cpuset() + " given twice");
        }
        for (UUID id : shared) {
            assertEquals("pins", container(id).host());
            assertNull(container(id).cpuset());
        }
        assertEquals(3, rows("SELECT count(*) AS n FROM cpu_pins WHERE host = 'pins'").getFirst().getLong("n"));
        assertEquals(4.5, node("pins").cpuUsed(), 1e-9);
        assertEquals(6, svc.placements());
    }
}
