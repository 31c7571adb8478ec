package io.zunvx.platform.container;

import static io.zunvx.platform.db.TestWaits.await;
import static io.zunvx.platform.db.TestWaits.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.Address;
import io.zunvx.model.Container;
import io.zunvx.model.ContainerEvent;
import io.zunvx.model.Healthcheck;
import io.zunvx.model.RestartPolicy;
import io.zunvx.model.Status;
import io.zunvx.model.TaskState;
import io.zunvx.model.Topics;
import io.zunvx.platform.db.PgSession;
import io.zunvx.platform.db.Transactions;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link ContainerStore} and {@link ContainerRepository} on a real PostgreSQL: every row change and its outbox event
 * commit or roll back together, versions guard concurrent writes, and listing pages with keyset markers.
 */
class ContainerStoreIT {
    @RegisterExtension
    static final PgSession pg = PgSession.perClass(8);
    private static ContainerStore store;

    @BeforeAll
    static void createStore() {
        store = new ContainerStore(new Transactions(pg.pool()), Clock.systemUTC());
    }

    // ---- insert, save, delete and their events -------------------------------------------------------------------

    @Test
    void insertWritesTheRowAndItsFirstEvent() {
        // GIVEN a container with every kind of field set
        Container c = container(project(), "full").toBuilder()
                .userId("user-1")
                .imagePullPolicy("ifnotpresent")
                .command(List.of("sh", "-c", "echo hi"))
                .entrypoint(List.of("/bin/entry"))
                .taskState(TaskState.IMAGE_PULLING)
                .cpu(0.5)
                .memory(256)
                .disk(3)
                .environment(Map.of("A", "1", "B", "two"))
                .labels(Map.of("team", "x"))
                .workdir("/work")
                .hostname("box")
                .exposedPorts(List.of("80/tcp", "53/udp"))
                .addresses(Map.of("net-1", List.of(new Address("10.0.0.5", 4, "port-1", "subnet-1", true))))
                .securityGroups(List.of("default"))
                .restartPolicy(new RestartPolicy("on-failure", 3))
                .interactive(true)
                .tty(true)
                .autoRemove(true)
                .autoHeal(true)
                .privileged(true)
                .runtime("runc")
                .host("host-a")
                .healthcheck(new Healthcheck("curl -f localhost", 5, 3, 2))
                .registryId(UUID.randomUUID())
                .hints(Map.of("same_host", "x"))
                .availabilityZone("nova")
                .requestedHost("host-a")
                .run(true)
                .containerId("abc123")
                .claimed(true)
                .build();

        // WHEN it is inserted
        Container inserted = await(store.inTransaction(tx -> tx.insert(c, "req-insert")));

        // THEN the stored row reads back exactly as returned, at version 0 and sequence 1
        assertEquals(0, inserted.version());
        assertEquals(1, inserted.eventSequence());
        assertTrue(inserted.createdAt() != null, "creation time set");
        assertEquals(Optional.of(inserted), await(store.find(c.uuid())));

        // AND exactly one event is in the outbox: the state-changed event with sequence 1 for this container
        List<OutboxRow> events = outbox(c.uuid());
        assertEquals(1, events.size(), events.toString());
        OutboxRow e = events.getFirst();
        assertEquals(ContainerEvent.StateChanged.TYPE, e.type());
        assertEquals("io.zunvx.container.state-changed.v1", e.type());
        assertEquals(Topics.CONTAINER_EVENTS, e.topic());
        assertEquals(c.uuid().toString(), e.key());
        assertEquals(c.uuid().toString(), e.subject());
        assertEquals(1L, e.sequence());
        assertEquals(c.uuid().toString(), e.data().getString("uuid"));
        assertEquals(1L, e.data().getLong("sequence"));
        assertEquals("req-insert", e.data().getString("request_id"));
        assertEquals("Creating", e.data().getJsonObject("container").getString("status"));
        assertEquals("image_pulling", e.data().getJsonObject("container").getString("task_state"));
        assertEquals("full", e.data().getJsonObject("container").getString("name"));
    }

    @Test
    void saveIncrementsVersionAndSequenceAndWritesOneMoreEvent() {
        // GIVEN an inserted container
        Container v0 = insert(container(project(), "saved"));

        // WHEN it is saved twice, each time over the version just read
        Container v1 = await(store.inTransaction(tx -> tx.save(v0,
                v0.toBuilder().status(Status.CREATED).taskState(null).build(), "req-1")));
        Container v2 = await(store.inTransaction(tx -> tx.save(v1,
                v1.toBuilder().status(Status.RUNNING).build(), "req-2")));

        // THEN each save moved version and sequence on by one and set the update time
        assertEquals(List.of(1L, 2L), List.of(v1.version(), v2.version()));
        assertEquals(List.of(2L, 3L), List.of(v1.eventSequence(), v2.eventSequence()));
        assertTrue(v2.updatedAt() != null);
        assertEquals(Optional.of(v2), await(store.find(v0.uuid())));

        // AND each wrote one event with the next sequence and the new state
        List<OutboxRow> events = outbox(v0.uuid());
        assertEquals(List.of(1L, 2L, 3L), events.stream().map(OutboxRow::sequence).toList());
        assertEquals(List.of("Creating", "Created", "Running"), events.stream()
                .map(e -> e.data().getJsonObject("container").getString("status")).toList());
        assertEquals("req-2", events.getLast().data().getString("request_id"));
    }

    @Test
    void saveOverAStaleVersionFailsAndWritesNothing() {
        // GIVEN a container saved once since "stale" was read
        Container stale = insert(container(project(), "raced"));
        Container current = await(store.inTransaction(tx -> tx.save(stale,
                stale.toBuilder().status(Status.RUNNING).build(), "req-winner")));
        List<OutboxRow> before = outbox(stale.uuid());

        // WHEN another writer saves over the version it read earlier
        Throwable failure = awaitFailure(store.inTransaction(tx -> tx.save(stale,
                stale.toBuilder().status(Status.STOPPED).build(), "req-loser")));

        // THEN it fails with a concurrent-update error, and neither the row nor the outbox changed
        assertInstanceOf(ConcurrentUpdateException.class, failure);
        assertEquals(Optional.of(current), await(store.find(stale.uuid())));
        assertEquals(before, outbox(stale.uuid()));
    }

    @Test
    void failingLaterStepRollsBackTheSaveAndItsEvent() {
        // GIVEN an inserted container
        Container v0 = insert(container(project(), "rolled-back"));
        List<OutboxRow> before = outbox(v0.uuid());

        // WHEN a transaction saves it and then a later statement of the same transaction fails
        Throwable failure = awaitFailure(store.inTransaction(tx -> tx.save(v0,
                        v0.toBuilder().status(Status.RUNNING).build(), "req-doomed")
                .compose(saved -> tx.connection().query("SELECT 1 / 0").execute())));

        // THEN the failure is the later step's, and the row and the outbox are as before
        assertTrue(String.valueOf(failure.getMessage()).contains("division by zero"), String.valueOf(failure));
        assertEquals(Optional.of(v0), await(store.find(v0.uuid())));
        assertEquals(before, outbox(v0.uuid()));
    }

    @Test
    void failingLaterStepRollsBackTheInsertAndItsEvent() {
        // GIVEN a container not yet stored
        Container c = container(project(), "never");

        // WHEN a transaction inserts it and then fails in application code
        Throwable failure = awaitFailure(store.inTransaction(tx -> tx.insert(c, "req-doomed")
                .compose(inserted -> Future.failedFuture(new IllegalStateException("quota exceeded")))));

        // THEN neither the row nor its event exists
        assertEquals("quota exceeded", failure.getMessage());
        assertEquals(Optional.empty(), await(store.find(c.uuid())));
        assertEquals(List.of(), outbox(c.uuid()));
    }

    @Test
    void deleteRemovesTheRowAndWritesADeletedEvent() {
        // GIVEN a running container with a task in progress
        Container v0 = insert(container(project(), "doomed"));
        Container v1 = await(store.inTransaction(tx -> tx.save(v0,
                v0.toBuilder().status(Status.RUNNING).taskState(TaskState.CONTAINER_DELETING).build(), "req-1")));

        // WHEN it is deleted under its row lock
        await(store.inTransaction(tx -> tx.lock(v1.uuid())
                .compose(found -> tx.delete(found.orElseThrow(), "req-delete"))));

        // THEN the row is gone and the last event says Deleted, idle, with the next sequence
        assertEquals(Optional.empty(), await(store.find(v0.uuid())));
        List<OutboxRow> events = outbox(v0.uuid());
        assertEquals(List.of(1L, 2L, 3L), events.stream().map(OutboxRow::sequence).toList());
        OutboxRow last = events.getLast();
        assertEquals(ContainerEvent.StateChanged.TYPE, last.type());
        assertEquals("Deleted", last.data().getJsonObject("container").getString("status"));
        assertTrue(last.data().getJsonObject("container").containsKey("task_state"));
        assertNull(last.data().getJsonObject("container").getValue("task_state"));
        assertEquals("req-delete", last.data().getString("request_id"));
    }

    @Test
    void deletingAContainerAlreadyGoneWritesNoEvent() {
        // GIVEN a container deleted once
        Container v0 = insert(container(project(), "twice"));
        await(store.inTransaction(tx -> tx.delete(v0, "req-1")));
        List<OutboxRow> before = outbox(v0.uuid());

        // WHEN a second delete runs with the copy read before
        await(store.inTransaction(tx -> tx.delete(v0, "req-2")));

        // THEN no second Deleted event is written
        assertEquals(before, outbox(v0.uuid()));
    }

    @Test
    void updateAppliesTheChangeOnceAndSkipsNoOps() {
        // GIVEN an inserted container
        Container v0 = insert(container(project(), "updated"));

        // WHEN update is called with a change, then with a change that returns the same instance, then for nobody
        Optional<Container> changed = await(store.update(v0.uuid(), "req-1",
                c -> c.toBuilder().status(Status.RUNNING).build()));
        Optional<Container> unchanged = await(store.update(v0.uuid(), "req-2", c -> c));
        Optional<Container> missing = await(store.update(UUID.randomUUID(), "req-3",
                c -> c.toBuilder().status(Status.RUNNING).build()));

        // THEN only the real change is stored and announced
        assertEquals(Status.RUNNING, changed.orElseThrow().status());
        assertEquals(1, changed.orElseThrow().version());
        assertEquals(changed, unchanged);
        assertEquals(Optional.empty(), missing);
        assertEquals(List.of(1L, 2L), outbox(v0.uuid()).stream().map(OutboxRow::sequence).toList());
    }

    // ---- list, pagination and names -------------------------------------------------------------------------------

    @Test
    void listFiltersByProjectAndColumns() {
        // GIVEN containers of two projects with various images, memory and flags
        String p = project();
        String other = project();
        Container a = insert(container(p, "a").toBuilder().image("busybox").memory(256).autoRemove(true).build());
        Container b = insert(container(p, "b").toBuilder().image("nginx").memory(256).build());
        Container c = insert(container(p, "c").toBuilder().image("busybox").memory(512).host("h1").build());
        insert(container(other, "a").toBuilder().image("busybox").memory(256).build());

        // WHEN the project's containers are listed with filters
        Function<Map<String, Object>, List<String>> names = filters -> await(new ContainerRepository().list(pg.pool(),
                new ContainerQuery(p, filters, "name", true, null, 100))).stream().map(Container::name).toList();

        // THEN only the project's matching containers come back
        assertEquals(List.of("a", "b", "c"), names.apply(Map.of()));
        assertEquals(List.of("a", "c"), names.apply(Map.of("image", "busybox")));
        assertEquals(List.of("a"), names.apply(Map.of("image", "busybox", "memory", 256)));
        assertEquals(List.of("a"), names.apply(Map.of("auto_remove", true)));
        assertEquals(List.of("c"), names.apply(Map.of("host", "h1")));
        assertEquals(List.of("a", "b", "c"), names.apply(Map.of("status", "Creating")));
        assertEquals(List.of(), names.apply(Map.of("status", "Running")));
        assertEquals(List.of(a.uuid(), b.uuid(), c.uuid()), await(new ContainerRepository().list(pg.pool(),
                new ContainerQuery(p, Map.of(), "id", true, null, 100))).stream().map(Container::uuid).toList());
    }

    @Test
    void markerPagesWalkTheWholeSortedListOnceInBothDirections() {
        // GIVEN seven containers of one project, inserted in an order unrelated to their names
        String p = project();
        List<String> inserted = List.of("g", "c", "a", "f", "b", "e", "d");
        inserted.forEach(n -> insert(container(p, n)));

        // WHEN they are read by name in pages of three, each page starting after the previous page's last one
        List<List<String>> ascending = pages(p, Map.of(), "name", true, 3, Container::name);
        List<List<String>> descending = pages(p, Map.of(), "name", false, 3, Container::name);

        // THEN the pages are the sorted list cut in threes
        assertEquals(List.of(List.of("a", "b", "c"), List.of("d", "e", "f"), List.of("g")), ascending);
        assertEquals(List.of(List.of("g", "f", "e"), List.of("d", "c", "b"), List.of("a")), descending);
    }

    @Test
    void markerPagesBreakTiesOfTheSortKeyByInsertionOrder() {
        // GIVEN nine containers sharing three image names, so the sort key has ties
        String p = project();
        List<Container> inserted = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            inserted.add(insert(container(p, "n" + i).toBuilder().image(List.of("nginx", "alpine", "busybox")
                    .get(i % 3)).build()));
        }

        // WHEN they are paged by image, two at a time, both ways
        List<String> up = pages(p, Map.of(), "image", true, 2, Container::name).stream().flatMap(List::stream)
                .toList();
        List<String> down = pages(p, Map.of(), "image", false, 2, Container::name).stream().flatMap(List::stream)
                .toList();

        // THEN every container comes exactly once, by image and then by insertion order
        Comparator<Container> byImageThenId = Comparator.comparing(Container::image)
                .thenComparing(inserted::indexOf);
        assertEquals(inserted.stream().sorted(byImageThenId).map(Container::name).toList(), up);
        assertEquals(inserted.stream().sorted(byImageThenId.reversed()).map(Container::name).toList(), down);
    }

    @Test
    void markerPagesRespectFilters() {
        // GIVEN busybox and nginx containers interleaved
        String p = project();
        for (int i = 0; i < 8; i++) {
            insert(container(p, "f" + i).toBuilder().image(i % 2 == 0 ? "busybox" : "nginx").build());
        }

        // WHEN only busybox is paged, three at a time
        List<List<String>> pages = pages(p, Map.of("image", "busybox"), "name", true, 3, Container::name);

        // THEN the pages hold only busybox containers, all of them
        assertEquals(List.of(List.of("f0", "f2", "f4"), List.of("f6")), pages);
    }
    @Test
    void markerPagesIncludeRowsWhoseSortKeyIsNull() {
        // GIVEN containers of which some are not placed yet (host is NULL)
        String p = project();
        List<String> hosts = java.util.Arrays.asList(null, "h1", null, "h2", "h1", null);
        for (int i = 0; i < hosts.size(); i++) {
            insert(container(p, "u" + i).toBuilder().host(hosts.get(i)).build());
        }

        // WHEN they are paged by host, two at a time, both ways
        for (boolean asc : new boolean[] {true, false}) {
            List<String> all = pages(p, Map.of(), "host", asc, 2, Container::name).stream()
                    .flatMap(List::stream).toList();

            // THEN every container comes exactly once
            assertEquals(6, all.size(), (asc ? "asc " : "desc ") + all);
            assertEquals(6, new LinkedHashSet<>(all).size(), (asc ? "asc " : "desc ") + all);
        }
    }

    @Test
    void findByNameIsScopedToTheProjectWhenOneIsGiven() {
        // GIVEN the same name in two projects
        String name = "dup-" + UUID.randomUUID();
        String p1 = project();
        String p2 = project();
        Container in1 = insert(container(p1, name));
        Container in2 = insert(container(p2, name));
        ContainerRepository repo = new ContainerRepository();

        // THEN a project sees only its own, a null project sees both, and a third project sees none
        assertEquals(List.of(in1), await(repo.findByName(pg.pool(), name, p1)));
        assertEquals(List.of(in2), await(repo.findByName(pg.pool(), name, p2)));
        assertEquals(List.of(in1, in2), await(repo.findByName(pg.pool(), name, null)));
        assertEquals(List.of(), await(repo.findByName(pg.pool(), name, project())));
        assertTrue(await(repo.nameTaken(pg.pool(), name, p1)));
        assertTrue(await(repo.nameTaken(pg.pool(), name, null)));
        assertEquals(false, await(repo.nameTaken(pg.pool(), name, project())));
    }

    @Test
    void byHostListsOnlyThatHostsContainers() {
        // GIVEN containers on two hosts and one unplaced
        String host = "host-" + UUID.randomUUID();
        String p = project();
        Container a = insert(container(p, "a").toBuilder().host(host).build());
        insert(container(p, "b").toBuilder().host(host + "-other").build());
        insert(container(p, "c"));
        Container d = insert(container(p, "d").toBuilder().host(host).build());

        // THEN only that host's containers come back, in insertion order
        assertEquals(List.of(a, d), await(new ContainerRepository().byHost(pg.pool(), host)));
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private record OutboxRow(String topic, String key, String type, String subject, Long sequence, JsonObject data) {
    }

    private static List<OutboxRow> outbox(UUID uuid) {
        return await(pg.pool().preparedQuery("SELECT * FROM outbox WHERE key = $1 ORDER BY id")
                .execute(Tuple.of(uuid.toString()))
                .map(rs -> {
                    List<OutboxRow> out = new ArrayList<>();
                    for (Row r : rs) {
                        out.add(new OutboxRow(r.getString("topic"), r.getString("key"), r.getString("type"),
                                r.getString("subject"), r.getLong("sequence"), new JsonObject(r.getString("data"))));
                    }
                    return out;
                }));
    }

    /** Every page of the query, each asked for with the previous page's last uuid as marker. */
    private static <T> List<List<T>> pages(String project, Map<String, Object> filters, String sortKey,
                                           boolean ascending, int limit, Function<Container, T> field) {
        List<List<T>> pages = new ArrayList<>();
        UUID marker = null;
        for (int guard = 0; guard < 100; guard++) {
            List<Container> page = await(new ContainerRepository().list(pg.pool(),
                    new ContainerQuery(project, new HashMap<>(filters), sortKey, ascending, marker, limit)));
            if (page.isEmpty()) {
                return pages;
            }
            pages.add(page.stream().map(field).toList());
            if (page.size() < limit) {
                return pages;
            }
            marker = page.getLast().uuid();
        }
        throw new AssertionError("paging did not end: " + pages);
    }

    private static Container insert(Container c) {
        return await(store.inTransaction(tx -> tx.insert(c, "req-" + UUID.randomUUID())));
    }

    private static Container container(String project, String name) {
        return Container.builder()
                .uuid(UUID.randomUUID())
                .name(name)
                .projectId(project)
                .image("busybox")
                .status(Status.CREATING)
                .build();
    }

    private static String project() {
        return "project-" + UUID.randomUUID();
    }
}
