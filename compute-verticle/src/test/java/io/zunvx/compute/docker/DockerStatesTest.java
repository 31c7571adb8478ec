package io.zunvx.compute.docker;

import io.zunvx.model.Status;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

class DockerStatesTest {

    private static final Instant NOW = Instant.parse("2026-11-22T12:00:00Z");

    @Test
    void dockerStatesMapToZunStatuses() {
        // GIVEN each state Docker reports WHEN mapped THEN Zun's status
        assertEquals(Status.RUNNING, DockerStates.status("running", null));
        assertEquals(Status.PAUSED, DockerStates.status("paused", null));
        assertEquals(Status.STOPPED, DockerStates.status("exited", null));
        assertEquals(Status.STOPPED, DockerStates.status("exited", "some earlier error"));
        assertEquals(Status.DEAD, DockerStates.status("dead", null));
        assertEquals(Status.CREATED, DockerStates.status("created", null));
        assertEquals(Status.RESTARTING, DockerStates.status("restarting", null));
        assertEquals(Status.DELETING, DockerStates.status("removing", null));
        assertEquals(Status.UNKNOWN, DockerStates.status("something-new", null));
        assertEquals(Status.UNKNOWN, DockerStates.status(null, null));
    }

    @Test
    void createdWithAnErrorIsAFailedStart() {
        // GIVEN a container Docker left in created with an error WHEN mapped THEN Error
        assertEquals(Status.ERROR, DockerStates.status("created", "OCI runtime create failed"));
    }

    @Test
    void detailReadsLikeZuns() {
        // GIVEN states with times WHEN described THEN Docker-like text with the largest whole unit
        assertEquals("Up 5 mins",
                DockerStates.detail(Status.RUNNING, "running", null, NOW.minus(Duration.ofSeconds(330)), null, NOW));
        assertEquals("Exited(0) 8 mins ago",
                DockerStates.detail(Status.STOPPED, "exited", 0, NOW.minusSeconds(600), NOW.minusSeconds(480), NOW));
        assertEquals("Exited(137) 1 hour ago",
                DockerStates.detail(Status.STOPPED, "exited", 137, null, NOW.minus(Duration.ofMinutes(61)), NOW));
        assertEquals("Paused", DockerStates.detail(Status.PAUSED, "paused", null, NOW, null, NOW));
        assertEquals("Created", DockerStates.detail(Status.CREATED, "created", null, null, null, NOW));
        assertEquals("Dead", DockerStates.detail(Status.DEAD, "dead", 1, null, null, NOW));
    }

    @Test
    void elapsedTimeUsesOneUnit() {
        // GIVEN durations WHEN worded THEN singular or plural of the largest unit
        assertEquals("Less than a second", DockerStates.elapsed(NOW.minusMillis(300), NOW));
        assertEquals("1 second", DockerStates.elapsed(NOW.minusSeconds(1), NOW));
        assertEquals("59 seconds", DockerStates.elapsed(NOW.minusSeconds(59), NOW));
        assertEquals("1 min", DockerStates.elapsed(NOW.minusSeconds(60), NOW));
        assertEquals("2 hours", DockerStates.elapsed(NOW.minus(Duration.ofMinutes(150)), NOW));
        assertEquals("3 days", DockerStates.elapsed(NOW.minus(Duration.ofHours(80)), NOW));
        assertEquals("Less than a second", DockerStates.elapsed(NOW.plusSeconds(5), NOW), "clock skew");
    }

    @Test
    void dockerTimestampsParseAndZeroMeansNever() {
        // GIVEN Docker's timestamps WHEN parsed THEN instants, and null for its zero time or garbage
        assertEquals(Instant.parse("2026-11-22T04:05:10.899193854Z"),
                DockerStates.timestamp("2026-11-22T04:05:10.899193854Z"));
        assertNull(DockerStates.timestamp("0001-01-01T00:00:00Z"));
        assertNull(DockerStates.timestamp(""));
        assertNull(DockerStates.timestamp(null));
        assertNull(DockerStates.timestamp("yesterday"));
    }
}
