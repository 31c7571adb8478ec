package io.zunvx.platform.image;

import static io.zunvx.platform.db.TestWaits.await;
import static io.zunvx.platform.db.TestWaits.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.pgclient.PgException;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zunvx.model.HostImage;
import io.zunvx.model.Topics;
import io.zunvx.platform.db.PgSession;
import io.zunvx.platform.events.Envelopes;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Host images on a real PostgreSQL: every state change leaves exactly one numbered event in the outbox, written in
 * the same transaction, so a rolled-back change leaves no event.
 */
class HostImageRepositoryIT {
    private static final Instant T0 = Instant.parse("2030-01-01T00:00:00Z");
    private static final Instant T1 = Instant.parse("2030-01-01T00:01:00Z");

    @RegisterExtension
    static final PgSession pg = PgSession.perClass(4);
    private final HostImageRepository repo = new HostImageRepository(Clock.fixed(T1, ZoneOffset.UTC));

    @Test
    void lifeOfAnImageLeavesOneEventPerChange() {
        // GIVEN a new image being pulled
        HostImage img = pulling("busybox", "latest", host());

        // WHEN it is created, pulled, and deleted
        HostImage created = await(repo.create(pg.pool(), img));
        HostImage ready = await(repo.markReady(pg.pool(), img.uuid(), "sha256:" + "c".repeat(64), 4_400_000))
                .orElseThrow();
        HostImage deleted = await(repo.delete(pg.pool(), img.uuid())).orElseThrow();

        // THEN each step is stored as expected
        assertEquals(img, created);
        assertEquals(HostImage.READY, ready.status());
        assertEquals(4_400_000L, ready.size());
        assertEquals(T1, ready.updatedAt());
        assertEquals(ready, deleted);
        assertEquals(Optional.empty(), await(repo.find(pg.pool(), img.uuid())));

        // AND the outbox holds three events for the image topic, numbered 1..3, the last one marking the deletion
        List<Row> events = events(img.uuid());
        assertEquals(3, events.size());
        for (int i = 0; i < 3; i++) {
            Row e = events.get(i);
            assertEquals(Topics.IMAGE_EVENTS, e.getString("topic"));
            assertEquals(Envelopes.IMAGE_STATE_CHANGED, e.getString("type"));
            assertEquals(img.uuid().toString(), e.getString("key"));
            assertEquals(i + 1L, e.getLong("sequence"));
        }
        JsonObject last = new JsonObject(events.get(2).getString("data"));
        assertEquals(true, last.getBoolean("deleted"));
        assertEquals("ready", last.getJsonObject("image").getString("status"));
        assertEquals("pulling", new JsonObject(events.get(0).getString("data")).getJsonObject("image")
                .getString("status"));
    }

    @Test
    void aFailedPullRecordsItsReasonAndAnotherPullClearsIt() {
        HostImage img = await(repo.create(pg.pool(), pulling("private/app", "v1", host())));

        HostImage failed = await(repo.markError(pg.pool(), img.uuid(), "pull access denied")).orElseThrow();
        assertEquals(HostImage.ERROR, failed.status());
        assertEquals("pull access denied", failed.statusReason());

        HostImage again = await(repo.markPulling(pg.pool(), img.uuid())).orElseThrow();
        assertEquals(HostImage.PULLING, again.status());
        assertNull(again.statusReason());
        assertEquals(3, events(img.uuid()).size());
    }

    @Test
    void changesToAMissingImageAreEmptyAndWriteNoEvent() {
        UUID missing = UUID.randomUUID();

        assertEquals(Optional.empty(), await(repo.markReady(pg.pool(), missing, "sha256:x", 1)));
        assertEquals(Optional.empty(), await(repo.markError(pg.pool(), missing, "x")));
        assertEquals(Optional.empty(), await(repo.delete(pg.pool(), missing)));
        assertEquals(0, events(missing).size());
    }

    @Test
    void aChangeRolledBackByTheCallerLeavesNoEvent() {
        // GIVEN an image
        HostImage img = await(repo.create(pg.pool(), pulling("rollback", "latest", host())));

        // WHEN it is marked ready inside a caller's transaction that then fails
        Throwable t = awaitFailure(pg.pool().withTransaction(conn -> repo.markReady(conn, img.uuid(), "sha256:y", 5)
                .compose(x -> Future.failedFuture(new IllegalStateException("caller gave up")))));

        // THEN neither the change nor its event is kept
        assertInstanceOf(IllegalStateException.class, t);
        assertEquals(HostImage.PULLING, await(repo.find(pg.pool(), img.uuid())).orElseThrow().status());
        assertEquals(1, events(img.uuid()).size());
    }

    @Test
    void oneRecordPerRepoTagAndHost() {
        // GIVEN busybox:latest on a host
        String host = host();
        await(repo.create(pg.pool(), pulling("busybox", "latest", host)));

        // WHEN it is asked for again on that host THEN the unique violation surfaces, and no second event is left
        Throwable t = awaitFailure(repo.create(pg.pool(), pulling("busybox", "latest", host)));
        assertInstanceOf(PgException.class, t);
        assertEquals("23505", ((PgException) t).getSqlState());

        // AND another host or tag is fine
        await(repo.create(pg.pool(), pulling("busybox", "latest", host())));
        await(repo.create(pg.pool(), pulling("busybox", "1.36", host)));
    }

    @Test
    void listPagesInTheRequestedOrder() {
        // GIVEN three images with distinct repos on one host
        String host = host();
        List<UUID> ids = new ArrayList<>();
        for (String repoName : List.of("zeta-" + host, "alpha-" + host, "mid-" + host)) {
            ids.add(await(repo.create(pg.pool(), pulling(repoName, "latest", host))).uuid());
        }

        // WHEN listed by repo, one at a time after a marker
        List<HostImage> all = await(repo.list(pg.pool(), 1000, null, "repo", "asc")).stream()
                .filter(i -> host.equals(i.host())).toList();
        HostImage first = all.getFirst();
        List<HostImage> next = await(repo.list(pg.pool(), 1, first.uuid(), "repo", "asc"));

        // THEN the order is by repo and the page after the first is the second
        assertEquals(List.of("alpha-", "mid-", "zeta-"), all.stream().map(i -> i.repo().substring(0,
                i.repo().indexOf('-') + 1)).toList());
        assertEquals(all.get(1).uuid(), next.getFirst().uuid());
        assertEquals(ids.getLast(), await(repo.list(pg.pool(), 1000, null, null, "desc")).stream()
                .filter(i -> host.equals(i.host())).findFirst().orElseThrow().uuid());
        assertThrows(IllegalArgumentException.class, () -> repo.list(pg.pool(), 10, null, "nope", "asc"));
    }

    private static List<Row> events(UUID uuid) {
        List<Row> out = new ArrayList<>();
        await(pg.pool().preparedQuery("SELECT * FROM outbox WHERE key = $1 ORDER BY id")
                .execute(Tuple.of(uuid.toString()))).forEach(out::add);
        return out;
    }

    private static HostImage pulling(String repoName, String tag, String host) {
        return new HostImage(UUID.randomUUID(), null, repoName, tag, null, "p-1", "u-1", host, HostImage.PULLING,
                null, "always", T0, T0);
    }

    private static String host() {
        return "host-" + UUID.randomUUID().toString().substring(0, 8);
    }
}
