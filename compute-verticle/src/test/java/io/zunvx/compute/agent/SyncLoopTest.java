package io.zunvx.compute.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.compute.agent.SyncLoop.Verdict;
import io.zunvx.compute.driver.Observed;
import io.zunvx.compute.fake.FakeRuntimeDriver;
import io.zunvx.model.Container;
import io.zunvx.model.Status;
import io.zunvx.model.TaskState;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The decisions of {@link SyncLoop} and its {@link Orphans}, against an in-memory runtime: no database, no engine. */
@Timeout(30)
class SyncLoopTest {
    private static final String HOST = "host-a";
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    private final FakeRuntimeDriver runtime = new FakeRuntimeDriver();

    private static Container.Builder row(Status status) {
        return Container.builder().uuid(UUID.randomUUID()).name("c").projectId("p").image("busybox:latest")
                .host(HOST).status(status).containerId("abc");
    }

    private static Optional<Observed> docker(Status status, String detail) {
        return Optional.of(new Observed("abc", "zun-x", status, detail, 0, null, false, null, null, null, Map.of()));
    }

    private static Optional<Observed> checked(String detail, String health) {
        return Optional.of(new Observed("abc", "zun-x", Status.RUNNING, detail, null, null, false, health, null, null,
                Map.of()));
    }

    @Test
    void aContainerMissingFromDockerBecomesAnError() {
        assertEquals(Verdict.MISSING, SyncLoop.verdict(row(Status.RUNNING).build(), Optional.empty()));
        // once
        assertEquals(Verdict.KEEP, SyncLoop.verdict(row(Status.ERROR).build(), Optional.empty()));
    }

    @Test
    void anErrorTheAgentRecordedStaysWhileDockerShowsTheContainerNotRunning() {
        assertEquals(Verdict.KEEP, SyncLoop.verdict(row(Status.ERROR).build(), docker(Status.STOPPED, "Exited (3)")));
        assertEquals(Verdict.KEEP, SyncLoop.verdict(row(Status.ERROR).build(), docker(Status.CREATED, "Created")));
        assertEquals(Verdict.RECORD, SyncLoop.verdict(row(Status.ERROR).build(), docker(Status.RUNNING, "Up")));
    }

    @Test
    void anAutoRemoveContainerGoneFromDockerTakesItsRowWithIt() {
        assertEquals(Verdict.AUTO_REMOVE,
                SyncLoop.verdict(row(Status.RUNNING).autoRemove(true).build(), Optional.empty()));
    }

    @Test
    void anAutoHealContainerThatDiedIsStartedAgain() {
        Container healing = row(Status.RUNNING).autoHeal(true).build();
        assertEquals(Verdict.HEAL, SyncLoop.verdict(healing, docker(Status.STOPPED, "Exited (1) 1 second ago")));
        // without auto_heal, the exit is recorded
        Container plain = row(Status.RUNNING).build();
        assertEquals(Verdict.RECORD, SyncLoop.verdict(plain, docker(Status.STOPPED, "Exited (1) 1 second ago")));
        // a container stopped through the API is not healed
        Container stopped = row(Status.STOPPED).autoHeal(true).build();
        assertEquals(Verdict.KEEP, SyncLoop.verdict(stopped, docker(Status.STOPPED, "Exited (0) 1 minute ago")));
    }

    @Test
    void dockersStatusAndHealthWinOverTheRow() {
        // GIVEN a row that shows a healthy running container
        Container running = row(Status.RUNNING).statusDetail("Up 1 minute (healthy)").build();
        // THEN only the passing of time (the detail text) is not worth recording
        assertEquals(Verdict.KEEP, SyncLoop.verdict(running, checked("Up 2 minutes (healthy)", "healthy")));
        assertEquals(Verdict.RECORD, SyncLoop.verdict(running, docker(Status.PAUSED, "Up 2 minutes (Paused)")));
        assertEquals(Verdict.RECORD, SyncLoop.verdict(running, checked("Up 2 minutes (unhealthy)", "unhealthy")));
    }

    @Test
    void aContainerDockerIsRemovingIsLeftToItsDestroyEvent() {
        assertEquals(Verdict.KEEP, SyncLoop.verdict(row(Status.RUNNING).build(), docker(Status.DELETING, "")));
    }

    @Test
    void aListingMissingARowWithADockerIdIsLookedAtAgain() {
        assertTrue(SyncLoop.differs(row(Status.RUNNING).build(), null));
        assertFalse(SyncLoop.differs(row(Status.CREATING).containerId(null).build(), null));
        assertFalse(SyncLoop.differs(row(Status.RUNNING).build(), docker(Status.RUNNING, "Up 3 hours").get()));
    }

    @Test
    void anOperationWithoutProgressForTooLongIsStale() {
        Instant staleBefore = T0.minus(Duration.ofMinutes(10));
        Container stuck = row(Status.RUNNING).taskState(TaskState.CONTAINER_STOPPING)
                .updatedAt(staleBefore.minusSeconds(1)).build();
        assertTrue(SyncLoop.staleRow(stuck, staleBefore));
        assertFalse(SyncLoop.staleRow(stuck.toBuilder().updatedAt(staleBefore.plusSeconds(1)).build(), staleBefore));
        // no operation in progress: never stale
        assertFalse(SyncLoop.staleRow(stuck.toBuilder().taskState(null).build(), staleBefore));
    }

    private Map<String, Observed> listing() {
        Map<String, Observed> byUuid = new HashMap<>();
        for (Observed o : runtime.listManaged(HOST)) {
            byUuid.put(o.uuid(), o);
        }
        return byUuid;
    }

    private Observed labelled(String uuid) {
        return runtime.put("id-" + uuid, "zun-" + uuid, Status.RUNNING,
                Map.of(Container.LABEL_UUID, uuid, Container.LABEL_HOST, HOST));
    }

    @Test
    void anOrphanIsRemovedOnlyAfterItsGrace() {
        // GIVEN a runtime container of this host whose uuid has no row, and one that has
        Orphans orphans = new Orphans(Duration.ofSeconds(10));
        String orphanUuid = UUID.randomUUID().toString();
        String knownUuid = UUID.randomUUID().toString();
        Observed orphan = labelled(orphanUuid);
        labelled(knownUuid);
        Set<String> known = Set.of(knownUuid);
        // WHEN listings come before and at the end of the grace
        assertEquals(List.of(), orphans.due(listing(), known, T0));
        assertEquals(List.of(), orphans.due(listing(), known, T0.plusSeconds(9)));
        // THEN it is due once, at the grace
        assertEquals(List.of(orphan), orphans.due(listing(), known, T0.plusSeconds(10)));
    }

    @Test
    void anOrphanThatLeavesTheListingStartsItsGraceOver() {
        Orphans orphans = new Orphans(Duration.ofSeconds(10));
        String uuid = UUID.randomUUID().toString();
        Observed orphan = labelled(uuid);
        assertEquals(List.of(), orphans.due(listing(), Set.of(), T0));
        // recorded meanwhile (a create that wrote its row just after the runtime container): not an orphan
        assertEquals(List.of(), orphans.due(listing(), Set.of(uuid), T0.plusSeconds(5)));
        // an orphan again: its grace starts over
        assertEquals(List.of(), orphans.due(listing(), Set.of(), T0.plusSeconds(11)));
        assertEquals(List.of(orphan), orphans.due(listing(), Set.of(), T0.plusSeconds(21)));
    }
}
