package io.zunvx.platform.container;

import static io.zunvx.platform.db.TestWaits.await;
import static io.zunvx.platform.db.TestWaits.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.ComputeNode;
import io.zunvx.model.Container;
import io.zunvx.model.Status;
import io.zunvx.platform.db.PgSession;
import io.zunvx.platform.db.Transactions;
import io.zunvx.platform.host.ComputeNodeRepository;
import io.zunvx.platform.outbox.OutboxMessage;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The multi-row writes a scheduler batch is made of, on a real PostgreSQL: claims summed and tested per host, rows
 * locked and saved together with their events, outbox rows and action events inserted in list order.
 */
class BatchWritesIT {
    @RegisterExtension
    static final PgSession pg = PgSession.perClass(8);
    private static ContainerStore store;
    private final ComputeNodeRepository nodes = new ComputeNodeRepository();
    private final ContainerActionRepository actions = new ContainerActionRepository();

    @BeforeAll
    static void createStore() {
        store = new ContainerStore(new Transactions(pg.pool()), Clock.systemUTC());
    }

    @Test
    void claimsAreSummedPerHostAndAFullHostDoesNotStopTheOthers() {
        // GIVEN two hosts with 4 CPUs, one of them with 3 claimed already
        String roomy = host(4);
        String tight = host(4);
        await(pg.pool().withTransaction(tx -> nodes.claim(tx, tight, -1, 0, 3, 0, 1, 1, 1)));

        // WHEN a batch claims 3 × 0.5 CPU on each, and something on an unknown host
        var claims = new ArrayList<ComputeNodeRepository.Claim>();
        for (int i = 0; i < 3; i++) {
            claims.add(new ComputeNodeRepository.Claim(roomy, 10, 0.5, 1));
            claims.add(new ComputeNodeRepository.Claim(tight, 10, 0.5, 1));
        }
        claims.add(new ComputeNodeRepository.Claim("no-such-host", 1, 0.1, 0));
        Map<String, ComputeNode> claimed = await(pg.pool().withTransaction(tx -> nodes.claimAll(tx, claims, 1, 1, 1)));

        // THEN the roomy host took all three at once, the tight one none (1.5 > 1 left), the unknown one is missing
        assertEquals(List.of(roomy), List.copyOf(claimed.keySet()));
        ComputeNode r = await(nodes.find(pg.pool(), roomy)).orElseThrow();
        assertEquals(r, claimed.get(roomy));
        assertEquals(List.of(30L, 1.5, 3L, 1L), List.of(r.memUsed(), r.cpuUsed(), r.diskUsed(), r.version()));
        ComputeNode t = await(nodes.find(pg.pool(), tight)).orElseThrow();
        assertEquals(List.of(0L, 3.0, 1L), List.of(t.memUsed(), t.cpuUsed(), t.version()));
        // AND sums of tenths fill a host exactly, without a floating-point remainder
        var tenths = new ArrayList<ComputeNodeRepository.Claim>();
        for (int i = 0; i < 10; i++) {
            tenths.add(new ComputeNodeRepository.Claim(tight, 0, 0.1, 0));
        }
        assertEquals(4.0, await(pg.pool().withTransaction(tx -> nodes.claimAll(tx, tenths, 1, 1, 1))).get(tight)
                .cpuUsed());
        assertEquals(Map.of(roomy, r, tight, await(nodes.find(pg.pool(), tight)).orElseThrow()),
                await(nodes.findAll(pg.pool(), List.of(roomy, tight, "no-such-host"))));
    }

    @Test
    void containersAreLockedAndSavedTogetherWithTheirEventsInOrder() {
        // GIVEN three containers
        List<Container> made = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            made.add(await(store.inTransaction(tx -> tx.insert(Container.builder().uuid(UUID.randomUUID())
                    .name("batch").projectId("p").image("busybox").cpu(0.1).memory(16).build(), "req-0"))));
        }
        List<UUID> ids = made.stream().map(Container::uuid).toList();

        // WHEN one transaction locks them, gives each a host and adds a command after their events
        List<OutboxMessage> commands = ids.stream().map(id -> new OutboxMessage(UUID.randomUUID(), "zunvx.compute.h",
                id.toString(), "io.zunvx.command.create-container.v1", id.toString(), null, "{}")).toList();
        List<Container> saved = await(store.inTransaction(tx -> tx.lockAll(ids).compose(rows -> {
            // Locked in uuid order (PostgreSQL compares uuids as unsigned bytes, as their text sorts).
            assertEquals(ids.stream().sorted(Comparator.comparing(UUID::toString)).toList(),
                    rows.stream().map(Container::uuid).toList());
            List<Container> nexts = rows.stream().map(c -> c.toBuilder().host("h").claimed(true).build()).toList();
            return tx.saveAll(rows, nexts, rows.stream().map(c -> "req-1").toList(), commands);
        })));

        // THEN the rows carry the host with the next version and sequence
        for (Container s : saved) {
            Container stored = await(store.find(s.uuid())).orElseThrow();
            assertEquals(s, stored);
            assertEquals(List.of("h", 1L, 2L), List.of(stored.host(), stored.version(), stored.eventSequence()));
            assertTrue(stored.claimed());
        }
        // AND the outbox has each state event (sequence 2) before every command
        List<Row> rows = new ArrayList<>();
        await(pg.pool().preparedQuery("SELECT key, type, sequence FROM outbox WHERE key = ANY($1) AND "
                        + "(sequence IS NULL OR sequence = 2) ORDER BY id")
                .execute(Tuple.tuple().addArrayOfString(ids.stream().map(UUID::toString).toArray(String[]::new))))
                .forEach(rows::add);
        assertEquals(6, rows.size());
        List<String> sortedKeys = saved.stream().map(c -> c.uuid().toString()).toList();
        assertEquals(sortedKeys, rows.subList(0, 3).stream().map(r -> r.getString("key")).toList());
        rows.subList(0, 3).forEach(r -> assertEquals("io.zunvx.container.state-changed.v1", r.getString("type")));
        assertEquals(commands.stream().map(OutboxMessage::key).toList(),
                rows.subList(3, 6).stream().map(r -> r.getString("key")).toList());

        // AND a batch whose changes go beyond the placement columns is written in full
        List<Container> errored = await(store.inTransaction(tx -> tx.lockAll(ids).compose(rows2 -> tx.saveAll(
                rows2, rows2.stream().map(c -> c.toBuilder().status(Status.ERROR).statusReason("why").build())
                        .toList(), rows2.stream().map(c -> (String) null).toList()))));
        errored.forEach(e -> assertEquals(e, await(store.find(e.uuid())).orElseThrow()));

        // AND a stale row fails the whole batch, which rolls back
        Throwable stale = awaitFailure(store.inTransaction(tx -> tx.saveAll(saved, saved.stream()
                .map(c -> c.toBuilder().host("other").build()).toList(), saved.stream().map(c -> "r").toList())));
        assertInstanceOf(ConcurrentUpdateException.class, stale);
        errored.forEach(e -> assertEquals(e, await(store.find(e.uuid())).orElseThrow()));
    }

    @Test
    void oneStepIsRecordedForManyActions() {
        // GIVEN two containers with an action each, and one without a request id
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        Instant t = Instant.parse("2030-01-01T00:00:00Z");
        await(actions.start(pg.pool(), a, "req-a", "create", "p", "u", t));
        await(actions.start(pg.pool(), b, "req-b", "create", "p", "u", t));

        // WHEN one step is recorded for all three
        await(actions.events(pg.pool(), List.of(a, b, UUID.randomUUID()),
                java.util.Arrays.asList("req-a", "req-b", null), "scheduler__select_destinations", t, t, "Success"));

        // THEN each action has it, and stays open
        for (var pair : List.of(List.of(a, "req-a"), List.of(b, "req-b"))) {
            var action = await(actions.get(pg.pool(), (UUID) pair.get(0), (String) pair.get(1), false)).orElseThrow();
            assertEquals(1, action.getJsonArray("events").size());
            assertEquals("Success", action.getJsonArray("events").getJsonObject(0).getString("result"));
            assertNull(action.getString("finish_time"));
        }
    }

    private String host(int cpus) {
        String name = "bw-" + UUID.randomUUID().toString().substring(0, 8);
        await(nodes.report(pg.pool(), new ComputeNode(ComputeNodeRepository.newId(), name, 1024, 0, cpus, 0, 100, 0,
                0, 0, 0, 0, "x86_64", "linux", "Linux", "6.1", Map.of(), List.of("runc"), false, "nova",
                "http://" + name, null, null, 0), Instant.now()));
        return name;
    }
}
