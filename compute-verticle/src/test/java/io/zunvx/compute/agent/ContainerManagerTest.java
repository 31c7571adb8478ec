package io.zunvx.compute.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.compute.agent.ContainerManager.FailureOutcome;
import io.zunvx.compute.driver.DriverException;
import io.zunvx.compute.driver.DriverException.Kind;
import io.zunvx.compute.driver.Observed;
import io.zunvx.compute.fake.FakeRuntimeDriver;
import io.zunvx.model.Container;
import io.zunvx.model.Status;
import io.zunvx.model.TaskState;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The decisions of {@link ContainerManager}, against an in-memory runtime: no database, no engine. */
@Timeout(30)
class ContainerManagerTest {
    private static final String HOST = "host-a";

    private final FakeRuntimeDriver runtime = new FakeRuntimeDriver();

    private static Container.Builder container() {
        return Container.builder().uuid(UUID.randomUUID()).name("c").projectId("p").image("busybox:latest")
                .host(HOST).status(Status.RUNNING);
    }

    private static Observed observed(Status status, String detail) {
        return new Observed("abc", "zun-x", status, detail, null, null, false, null, null, null, Map.of());
    }

    /** Makes the image present by pulling it under {@code policy}, as a plan of {@link ImageSources} does. */
    private static ImageSources.Plan pull(Container c, String policy) {
        return new ImageSources.Plan(c, images -> images.driver().ensureImage(c.image(), policy, null));
    }

    private String created(Container c) {
        runtime.addImage(c.image());
        return runtime.create(c, HOST, "none");
    }

    @Test
    void anUnreachableEngineIsRetriedAndARefusalIsRecorded() {
        assertEquals(FailureOutcome.RETRY,
                ContainerManager.outcomeOf(new DriverException(Kind.UNAVAILABLE, "Docker engine unavailable")));
        assertEquals(FailureOutcome.RETRY, ContainerManager.outcomeOf(new IllegalStateException("database away")));
        assertEquals(FailureOutcome.RECORD,
                ContainerManager.outcomeOf(new DriverException(Kind.CONFLICT, "name in use")));
        assertEquals(FailureOutcome.RECORD,
                ContainerManager.outcomeOf(new DriverException(Kind.NOT_FOUND, "no such image")));
        assertEquals(FailureOutcome.RECORD,
                ContainerManager.outcomeOf(new DriverException(Kind.TIMEOUT, "stop timed out")));
    }

    @Test
    void aStepThatSucceededRecordsDockersViewAndClearsTheTask() {
        // GIVEN a row in the middle of a start, with the reason of an earlier failure
        Container prev = container().status(Status.STOPPED).taskState(TaskState.CONTAINER_STARTING)
                .statusReason("earlier failure").build();
        // WHEN the step succeeded and Docker shows it running
        Container next = ContainerManager.afterSuccess(prev, Optional.of(observed(Status.RUNNING, "Up 1 second")),
                "compute__do_container_start").orElseThrow();
        // THEN the row shows Docker's view, no task and no reason
        assertEquals(Status.RUNNING, next.status());
        assertEquals("Up 1 second", next.statusDetail());
        assertNull(next.taskState());
        assertNull(next.statusReason());
    }

    @Test
    void aContainerMissingAfterAStepIsAnError() {
        Container prev = container().taskState(TaskState.CONTAINER_STARTING).build();
        Container next = ContainerManager.afterSuccess(prev, Optional.empty(), "compute__do_container_start")
                .orElseThrow();
        assertEquals(Status.ERROR, next.status());
        assertEquals("Docker container missing after compute__do_container_start", next.statusReason());
        assertNull(next.taskState());
    }

    @Test
    void anAutoRemoveContainerGoneAfterItsRunTakesItsRowWithIt() {
        Container prev = container().autoRemove(true).taskState(TaskState.CONTAINER_STARTING).build();
        assertTrue(ContainerManager.afterSuccess(prev, Optional.empty(), "compute__do_container_create").isEmpty());
    }

    @Test
    void aRecordedFailureKeepsDockersViewOrBecomesAnError() {
        Container prev = container().taskState(TaskState.CONTAINER_STOPPING).build();
        Container seen = ContainerManager.afterFailure(prev, Optional.of(observed(Status.RUNNING, "Up 2 hours")),
                "stop refused");
        assertEquals(Status.RUNNING, seen.status());
        assertEquals("stop refused", seen.statusReason());
        assertNull(seen.taskState());
        Container gone = ContainerManager.afterFailure(prev, Optional.empty(), "no such container");
        assertEquals(Status.ERROR, gone.status());
        assertEquals("no such container", gone.statusReason());
    }

    @Test
    void theClaimGoesBackAfterAFailedCreateOrWhenTheContainerIsGone() {
        assertTrue(ContainerManager.releasesClaim(true, false, true));
        assertTrue(ContainerManager.releasesClaim(false, true, true));
        assertFalse(ContainerManager.releasesClaim(false, false, true));
        // a failed rebuild keeps the claim for the rebuild that brings the container back
        assertFalse(ContainerManager.releasesClaim(false, true, false));
    }

    @Test
    void aRebuildWhosePullFailsLeavesTheOldContainerInPlace() {
        // GIVEN a running container and a registry that refuses the pull
        Container c = container().build();
        String old = created(c);
        runtime.start(old);
        Container row = c.toBuilder().containerId(old).build();
        runtime.failNext("pull", new DriverException(Kind.NOT_FOUND, "manifest unknown"));
        // WHEN it is rebuilt with pull policy "always"
        DriverException e = assertThrows(DriverException.class,
                () -> ContainerManager.recreate(runtime, new ProjectImages(runtime), row, pull(row, "always"), HOST, "none"));
        // THEN the pull's failure is the outcome and the old container is untouched
        assertEquals(Kind.NOT_FOUND, e.kind());
        assertEquals(Status.RUNNING, runtime.container(old).orElseThrow().status());
        assertEquals(0, runtime.count("remove"));
    }

    @Test
    void aRebuildRemovesWhateverAnEarlierAttemptLeftUnderTheName() {
        // GIVEN a row that still names the first container, while an interrupted attempt made another under the name
        Container c = container().build();
        String first = created(c);
        runtime.remove(first, true);
        String leftOver = runtime.create(c, HOST, "none");
        Container row = c.toBuilder().containerId(first).build();
        // WHEN the rebuild runs again
        String id = ContainerManager.recreate(runtime, new ProjectImages(runtime), row, pull(row, "ifnotpresent"), HOST, "none");
        // THEN exactly one runtime container holds the uuid, a new one
        assertNotEquals(leftOver, id);
        assertEquals(1, runtime.listManaged(HOST).stream().filter(o -> c.uuid().toString().equals(o.uuid())).count());
        assertEquals(0, runtime.count("pull"), "the image was present: no pull under ifnotpresent");
    }

    @Test
    void aCreateDeliveredAgainAdoptsTheContainerItMadeBefore() {
        // GIVEN the runtime container of an earlier delivery, made before the agent stopped
        Container c = container().status(Status.CREATING).build();
        String first = created(c);
        // WHEN the command is delivered again after a restart
        String again = runtime.create(c, HOST, "none");
        // THEN the same container is used, no second one made
        assertEquals(first, again);
        assertEquals(1, runtime.listManaged(HOST).size());
    }

    @Test
    void aDeleteWithStopToleratesAContainerAlreadyGone() {
        ContainerManager.stopAndRemove(runtime, "zun-" + UUID.randomUUID(), false, true);
        assertEquals(1, runtime.count("stop"));
        assertEquals(1, runtime.count("remove"));
    }

    @Test
    void aDeleteWithoutForceOfARunningContainerIsRefused() {
        Container c = container().build();
        String id = created(c);
        runtime.start(id);
        DriverException e = assertThrows(DriverException.class,
                () -> ContainerManager.stopAndRemove(runtime, id, false, false));
        assertEquals(Kind.CONFLICT, e.kind());
        // with stop, it is stopped and removed
        ContainerManager.stopAndRemove(runtime, id, false, true);
        assertTrue(runtime.container(id).isEmpty());
    }

    @Test
    void aDeleteThatCannotReachTheEngineFailsToBeRetried() {
        runtime.failNext("stop", new DriverException(Kind.UNAVAILABLE, "Docker engine unavailable"));
        DriverException e = assertThrows(DriverException.class,
                () -> ContainerManager.stopAndRemove(runtime, "zun-x", false, true));
        assertTrue(e.retryable());
        assertEquals(0, runtime.count("remove"));
    }
}
