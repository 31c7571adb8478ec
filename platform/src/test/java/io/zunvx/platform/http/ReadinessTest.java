package io.zunvx.platform.http;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.zunvx.platform.db.TestWaits;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** {@link Readiness}: ready only when every named check answers true, and the answer names each check. */
class ReadinessTest {

    @Test
    void allChecksTrueMeansReady() {
        // GIVEN three checks that all answer true
        Readiness r = new Readiness();
        r.register("postgresql", () -> Future.succeededFuture(true));
        r.register("kafka", () -> Future.succeededFuture(true));
        r.flag("started").set(true);

        // WHEN readiness is evaluated
        JsonObject answer = evaluate(r);

        // THEN it is ready and lists every check as ok
        assertTrue(answer.getBoolean("ready"), answer.encode());
        assertEquals(new JsonObject().put("postgresql", "ok").put("kafka", "ok").put("started", "ok"),
                answer.getJsonObject("checks"));
    }

    @Test
    void noChecksMeansReady() {
        // GIVEN nothing registered
        Readiness r = new Readiness();

        // WHEN readiness is evaluated
        JsonObject answer = evaluate(r);

        // THEN there is nothing to wait for
        assertTrue(answer.getBoolean("ready"), answer.encode());
        assertTrue(answer.getJsonObject("checks").isEmpty());
    }

    @Test
    void oneFalseCheckMeansNotReadyAndIsNamed() {
        // GIVEN one check answering false among true ones
        Readiness r = new Readiness();
        r.register("postgresql", () -> Future.succeededFuture(true));
        r.register("kafka", () -> Future.succeededFuture(false));

        // WHEN readiness is evaluated
        JsonObject answer = evaluate(r);

        // THEN it is not ready and the false check is the one listed as not ready
        assertFalse(answer.getBoolean("ready"), answer.encode());
        assertEquals("not ready", answer.getJsonObject("checks").getString("kafka"));
        assertEquals("ok", answer.getJsonObject("checks").getString("postgresql"));
    }

    @Test
    void failedFutureMeansNotReadyAndIsNamed() {
        // GIVEN one check whose Future fails
        Readiness r = new Readiness();
        r.register("postgresql", () -> Future.failedFuture(new IllegalStateException("connection refused")));
        r.register("kafka", () -> Future.succeededFuture(true));

        // WHEN readiness is evaluated
        JsonObject answer = evaluate(r);

        // THEN evaluation itself succeeds, saying which check is not ready
        assertFalse(answer.getBoolean("ready"), answer.encode());
        assertEquals("not ready", answer.getJsonObject("checks").getString("postgresql"));
        assertEquals("ok", answer.getJsonObject("checks").getString("kafka"));
    }

    @Test
    void checkThatThrowsMeansNotReadyAndIsNamed() {
        // GIVEN one check that throws instead of returning a Future, and one that answers null
        Readiness r = new Readiness();
        r.register("outbox-relay", () -> {
            throw new IllegalStateException("not started");
        });
        r.register("maybe", () -> Future.succeededFuture(null));
        r.register("kafka", () -> Future.succeededFuture(true));

        // WHEN readiness is evaluated
        JsonObject answer = evaluate(r);

        // THEN both count as not ready, by name
        assertFalse(answer.getBoolean("ready"), answer.encode());
        assertEquals("not ready", answer.getJsonObject("checks").getString("outbox-relay"));
        assertEquals("not ready", answer.getJsonObject("checks").getString("maybe"));
        assertEquals("ok", answer.getJsonObject("checks").getString("kafka"));
    }

    @Test
    void flagIsFalseUntilSetAndFollowsItsValue() {
        // GIVEN a flag just created
        Readiness r = new Readiness();
        Readiness.Flag started = r.flag("started");

        // THEN it holds readiness back until set, and again once cleared
        assertFalse(evaluate(r).getBoolean("ready"));
        started.set(true);
        assertTrue(evaluate(r).getBoolean("ready"));
        started.set(false);
        assertEquals("not ready", evaluate(r).getJsonObject("checks").getString("started"));
    }

    @Test
    void registeringTheSameNameAgainReplacesTheCheck() {
        // GIVEN a check replaced by a healthy one under the same name
        Readiness r = new Readiness();
        r.register("kafka", () -> Future.succeededFuture(false));
        r.register("kafka", () -> Future.succeededFuture(true));

        // THEN only the latest counts
        JsonObject answer = evaluate(r);
        assertTrue(answer.getBoolean("ready"), answer.encode());
        assertEquals(1, answer.getJsonObject("checks").size());
    }

    private static JsonObject evaluate(Readiness r) {
        try {
            // The checks here complete at once; the bound only keeps a broken evaluation from hanging the build.
            return r.evaluate().toCompletionStage().toCompletableFuture()
                    .get(TestWaits.DEADLINE.toSeconds(), TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new AssertionError("readiness evaluation failed", e);
        }
    }
}
