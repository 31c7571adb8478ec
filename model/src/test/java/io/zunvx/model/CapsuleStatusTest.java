package io.zunvx.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class CapsuleStatusTest {
    private static final UUID CAPSULE = UUID.fromString("3d9a0c2e-5b7f-4a1c-8e2d-9f0a1b2c3d4e");
    private static final Capsule IDLE = new Capsule(CAPSULE, "demo", "p", "u", null, null, "always", 1, 64, null,
            null, Instant.EPOCH, Instant.EPOCH, 0, 0);

    private static Container c(String role, String name, Status status, String reason) {
        return Container.builder().uuid(role.equals(Container.ROLE_SANDBOX) ? CAPSULE : UUID.randomUUID()).name(name)
                .projectId("p").image("busybox").status(status).statusReason(reason).capsule(CAPSULE, role).build();
    }

    private static Container sandbox(Status s) {
        return c(Container.ROLE_SANDBOX, "sb", s, null);
    }

    @Test
    void runningWhenEveryMainContainerRunsAndTheInitContainersFinished() {
        CapsuleStatus.Aggregate a = CapsuleStatus.of(IDLE, List.of(sandbox(Status.RUNNING),
                c(Container.ROLE_INIT, "i", Status.STOPPED, null), c(Container.ROLE_CONTAINER, "a", Status.RUNNING,
                        null), c(Container.ROLE_CONTAINER, "b", Status.RUNNING, null)));
        assertEquals(Status.RUNNING, a.status());
        assertNull(a.reason());
    }

    @Test
    void creatingWhileAnInitContainerRunsOrAnythingIsCreating() {
        assertEquals(Status.CREATING, CapsuleStatus.of(IDLE, List.of(sandbox(Status.CREATING),
                c(Container.ROLE_CONTAINER, "a", Status.CREATING, null))).status());
        assertEquals(Status.CREATING, CapsuleStatus.of(IDLE, List.of(sandbox(Status.RUNNING),
                c(Container.ROLE_INIT, "i", Status.RUNNING, null),
                c(Container.ROLE_CONTAINER, "a", Status.CREATING, null))).status());
    }

    @Test
    void anErrorAnywhereIsTheCapsulesErrorWithItsReason() {
        CapsuleStatus.Aggregate a = CapsuleStatus.of(IDLE, List.of(sandbox(Status.RUNNING),
                c(Container.ROLE_INIT, "i", Status.ERROR, "exit code 3"),
                c(Container.ROLE_CONTAINER, "a", Status.CREATING, null)));
        assertEquals(Status.ERROR, a.status());
        assertEquals("init container i: exit code 3", a.reason());
        CapsuleStatus.Aggregate s = CapsuleStatus.of(IDLE, List.of(c(Container.ROLE_SANDBOX, "sb", Status.ERROR,
                "There are not enough hosts available.")));
        assertEquals("sandbox: There are not enough hosts available.", s.reason());
        CapsuleStatus.Aggregate m = CapsuleStatus.of(IDLE, List.of(sandbox(Status.RUNNING),
                c(Container.ROLE_CONTAINER, "a", Status.ERROR, "OOM")));
        assertEquals("container a: OOM", m.reason());
    }

    @Test
    void deletingWinsAndMixedMainContainersAreRunningWithAReason() {
        Capsule deleting = IDLE.withTaskState(TaskState.CONTAINER_DELETING, Instant.EPOCH);
        assertEquals(Status.DELETING, CapsuleStatus.of(deleting, List.of(sandbox(Status.ERROR))).status());
        CapsuleStatus.Aggregate mixed = CapsuleStatus.of(IDLE, List.of(sandbox(Status.RUNNING),
                c(Container.ROLE_CONTAINER, "a", Status.RUNNING, null),
                c(Container.ROLE_CONTAINER, "b", Status.STOPPED, null)));
        assertEquals(Status.RUNNING, mixed.status());
        assertTrue(mixed.reason().contains("b (Stopped)"), mixed.reason());
        assertEquals(Status.STOPPED, CapsuleStatus.of(IDLE, List.of(sandbox(Status.RUNNING),
                c(Container.ROLE_CONTAINER, "a", Status.STOPPED, null))).status());
    }
}
