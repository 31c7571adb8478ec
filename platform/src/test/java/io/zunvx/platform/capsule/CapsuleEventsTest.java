package io.zunvx.platform.capsule;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.zunvx.model.Capsule;
import io.zunvx.model.Container;
import io.zunvx.model.Status;
import io.zunvx.model.Topics;
import io.zunvx.platform.outbox.OutboxMessage;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Pins the JSON of {@code io.zunvx.capsule.state-changed.v1} (docs/events.md). */
class CapsuleEventsTest {
    private static final UUID CAPSULE = UUID.fromString("3d9a0c2e-5b7f-4a1c-8e2d-9f0a1b2c3d4e");
    private static final UUID MAIN = UUID.fromString("5e0c3d7a-1f4b-4c8e-9a2d-6b7f8e9a0c1d");

    @Test
    void theStateChangedEventHasItsDocumentedShape() {
        // GIVEN a running capsule on host-1
        Capsule capsule = new Capsule(CAPSULE, "demo", "p-1", "u-1", null, null, "always", 0.5, 64, null, null,
                Instant.EPOCH, Instant.EPOCH, 1, 1);
        List<Container> containers = List.of(
                Container.builder().uuid(CAPSULE).name("capsule-demo-sandbox").projectId("p-1").image("sb")
                        .status(Status.RUNNING).host("host-1").capsule(CAPSULE, Container.ROLE_SANDBOX).build(),
                Container.builder().uuid(MAIN).name("capsule-demo-zeta-3").projectId("p-1").image("busybox")
                        .status(Status.RUNNING).host("host-1").capsule(CAPSULE, Container.ROLE_CONTAINER).build());

        // WHEN its event is made
        OutboxMessage m = CapsuleEvents.message(capsule, containers, "Running", null, 2, "req-1",
                Instant.parse("2026-11-02T09:31:02.090Z"));

        // THEN topic, key, type, sequence and data are the contract's
        assertEquals(Topics.CAPSULE_EVENTS, m.topic());
        assertEquals(CAPSULE.toString(), m.key());
        assertEquals(CapsuleEvents.STATE_CHANGED, m.type());
        assertEquals(2L, m.sequence());
        assertEquals("{\"uuid\":\"" + CAPSULE + "\",\"sequence\":2,\"time\":\"2026-11-02T09:31:02.090Z\","
                + "\"request_id\":\"req-1\",\"capsule\":{\"uuid\":\"" + CAPSULE + "\",\"name\":\"demo\","
                + "\"project_id\":\"p-1\",\"status\":\"Running\",\"status_reason\":null,\"task_state\":null,"
                + "\"host\":\"host-1\",\"containers\":[\"" + MAIN + "\"]}}", m.data());
    }
}
