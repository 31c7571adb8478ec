package io.zunvx.platform.container;

import static io.zunvx.platform.db.TestWaits.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.zunvx.platform.db.PgSession;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Container actions and their events on a real PostgreSQL, rendered in Zun's shapes. */
class ContainerActionRepositoryIT {
    private static final Instant T0 = Instant.parse("2030-01-01T10:00:00Z");

    @RegisterExtension
    static final PgSession pg = PgSession.perClass(4);
    private final ContainerActionRepository actions = new ContainerActionRepository();

    @Test
    void actionWithStepsReadsBackInZunsShape() {
        // GIVEN a started "create" action
        UUID c = UUID.randomUUID();
        await(actions.start(pg.pool(), c, "req-create", "create", "project-1", "user-1", T0));

        // WHEN the agent records two steps, the second closing the action with an error
        await(actions.event(pg.pool(), c, "req-create", "compute__do_container_create", T0.plusSeconds(1),
                T0.plusSeconds(2), "Success", null, false, null));
        await(actions.event(pg.pool(), c, "req-create", "compute__do_container_start", T0.plusSeconds(2),
                T0.plusMillis(3500), "Error", "Traceback: boom", true, "boom"));

        // THEN the action carries its times and message, and its steps in order, with or without tracebacks
        JsonObject full = await(actions.get(pg.pool(), c, "req-create", true)).orElseThrow();
        assertEquals("create", full.getString("action"));
        assertEquals(c.toString(), full.getString("container_uuid"));
        assertEquals("req-create", full.getString("request_id"));
        assertEquals("user-1", full.getString("user_id"));
        assertEquals("project-1", full.getString("project_id"));
        assertEquals("2030-01-01T10:00:00.000000", full.getString("start_time"));
        assertEquals("2030-01-01T10:00:03.500000", full.getString("finish_time"));
        assertEquals("boom", full.getString("message"));
        JsonArray events = full.getJsonArray("events");
        assertEquals(List.of("compute__do_container_create", "compute__do_container_start"),
                events.stream().map(e -> ((JsonObject) e).getString("event")).toList());
        assertEquals("Success", events.getJsonObject(0).getString("result"));
        assertEquals("Error", events.getJsonObject(1).getString("result"));
        assertEquals("Traceback: boom", events.getJsonObject(1).getString("traceback"));
        assertEquals("2030-01-01T10:00:01.000000", events.getJsonObject(0).getString("start_time"));

        JsonObject redacted = await(actions.get(pg.pool(), c, "req-create", false)).orElseThrow();
        assertNull(redacted.getJsonArray("events").getJsonObject(1).getValue("traceback"));
    }

    @Test
    void repeatedStartOfTheSameRequestIsIgnored() {
        // GIVEN an action started twice with the same request id (a redelivered command)
        UUID c = UUID.randomUUID();
        await(actions.start(pg.pool(), c, "req-1", "stop", "p", "u", T0));
        await(actions.start(pg.pool(), c, "req-1", "stop", "p", "u", T0.plusSeconds(5)));

        // THEN there is one action, with the first start time
        JsonArray list = await(actions.list(pg.pool(), c));
        assertEquals(1, list.size());
        assertEquals("2030-01-01T10:00:00.000000", list.getJsonObject(0).getString("start_time"));
    }

    @Test
    void listIsNewestFirstAndPerContainer() {
        // GIVEN three actions on one container and one on another
        UUID c = UUID.randomUUID();
        await(actions.start(pg.pool(), c, "req-a", "create", "p", "u", T0));
        await(actions.start(pg.pool(), c, "req-c", "stop", "p", "u", T0.plusSeconds(20)));
        await(actions.start(pg.pool(), c, "req-b", "start", "p", "u", T0.plusSeconds(10)));
        await(actions.start(pg.pool(), UUID.randomUUID(), "req-x", "create", "p", "u", T0));

        // THEN the container's list has its three, newest first, still open
        JsonArray list = await(actions.list(pg.pool(), c));
        assertEquals(List.of("stop", "start", "create"),
                list.stream().map(a -> ((JsonObject) a).getString("action")).toList());
        assertNull(list.getJsonObject(0).getValue("finish_time"));
    }

    @Test
    void stepsOfUnknownOrMissingRequestsAreDropped() {
        // GIVEN a container with one action
        UUID c = UUID.randomUUID();
        await(actions.start(pg.pool(), c, "req-known", "create", "p", "u", T0));

        // WHEN steps arrive for a request never started, and for no request at all
        await(actions.event(pg.pool(), c, "req-unknown", "compute__x", T0, T0, "Success", null, true, null));
        await(actions.event(pg.pool(), c, null, "compute__y", T0, T0, "Success", null, true, null));

        // THEN nothing is recorded, and asking for the unknown request finds nothing
        JsonObject known = await(actions.get(pg.pool(), c, "req-known", true)).orElseThrow();
        assertEquals(0, known.getJsonArray("events").size());
        assertNull(known.getValue("finish_time"));
        assertEquals(Optional.empty(), await(actions.get(pg.pool(), c, "req-unknown", true)));
    }
}
