package io.zunvx.model;

import static io.zunvx.model.Status.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.EnumSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Zun's VALID_STATES table, row by row (reference §5.1). */
class OperationTest {
    private static final Map<Operation, Set<Status>> ZUN = Map.ofEntries(
            Map.entry(Operation.START, EnumSet.of(CREATED, STOPPED, ERROR)),
            Map.entry(Operation.STOP, EnumSet.of(RUNNING)),
            Map.entry(Operation.REBOOT, EnumSet.of(CREATED, RUNNING, STOPPED, ERROR)),
            Map.entry(Operation.REBUILD, EnumSet.of(CREATED, RUNNING, STOPPED, ERROR)),
            Map.entry(Operation.PAUSE, EnumSet.of(RUNNING)),
            Map.entry(Operation.UNPAUSE, EnumSet.of(PAUSED)),
            Map.entry(Operation.KILL, EnumSet.of(RUNNING)),
            Map.entry(Operation.EXECUTE, EnumSet.of(RUNNING)),
            Map.entry(Operation.EXECUTE_RESIZE, EnumSet.of(RUNNING)),
            Map.entry(Operation.ATTACH, EnumSet.of(RUNNING)),
            Map.entry(Operation.RESIZE, EnumSet.of(RUNNING)),
            Map.entry(Operation.TOP, EnumSet.of(RUNNING)),
            Map.entry(Operation.STATS, EnumSet.of(RUNNING)),
            Map.entry(Operation.LOGS, EnumSet.of(CREATED, ERROR, PAUSED, RUNNING, STOPPED, UNKNOWN)),
            Map.entry(Operation.COMMIT, EnumSet.of(RUNNING, STOPPED, PAUSED)),
            Map.entry(Operation.GET_ARCHIVE, EnumSet.of(CREATED, PAUSED, RUNNING, STOPPED)),
            Map.entry(Operation.PUT_ARCHIVE, EnumSet.of(CREATED, PAUSED, RUNNING, STOPPED)),
            Map.entry(Operation.UPDATE, EnumSet.of(CREATED, RUNNING, STOPPED, PAUSED)),
            Map.entry(Operation.RESIZE_CONTAINER, EnumSet.of(CREATED, RUNNING, STOPPED, PAUSED)),
            Map.entry(Operation.ADD_SECURITY_GROUP, EnumSet.of(CREATED, RUNNING, STOPPED, PAUSED)),
            Map.entry(Operation.REMOVE_SECURITY_GROUP, EnumSet.of(CREATED, RUNNING, STOPPED, PAUSED)),
            Map.entry(Operation.DELETE, EnumSet.of(CREATED, ERROR, STOPPED, DELETED, DEAD)),
            Map.entry(Operation.DELETE_FORCE, EnumSet.of(CREATED, CREATING, ERROR, RUNNING, STOPPED, UNKNOWN,
                    DELETED, DEAD, RESTARTING, REBUILDING, DELETING)),
            Map.entry(Operation.DELETE_AFTER_STOP, EnumSet.of(RUNNING, CREATED, ERROR, STOPPED, DELETED, DEAD)),
            Map.entry(Operation.RENAME, EnumSet.allOf(Status.class)),
            Map.entry(Operation.NETWORK_ATTACH, EnumSet.allOf(Status.class)),
            Map.entry(Operation.NETWORK_DETACH, EnumSet.allOf(Status.class)),
            Map.entry(Operation.NETWORK_LIST, EnumSet.allOf(Status.class)));

    @ParameterizedTest
    @EnumSource(Operation.class)
    void everyOperationAllowsExactlyZunsStatuses(Operation op) {
        Set<Status> expected = ZUN.get(op);
        for (Status s : Status.values()) {
            assertEquals(expected.contains(s), op.allows(s), op + " from " + s);
        }
        assertEquals(expected, op.allowed());
    }

    @Test
    void refusalUsesZunsWording() {
        assertEquals("Cannot delete_force container 1234 in Running state",
                Operation.DELETE_FORCE.refusal("1234", RUNNING));
        assertEquals("Cannot stop container abc in Stopped state", Operation.STOP.refusal("abc", STOPPED));
    }

    @Test
    void deleteConsultsStopBeforeForce() {
        assertEquals(Operation.DELETE, Operation.forDelete(false, false));
        assertEquals(Operation.DELETE_FORCE, Operation.forDelete(true, false));
        assertEquals(Operation.DELETE_AFTER_STOP, Operation.forDelete(true, true));
        assertEquals(Operation.DELETE_AFTER_STOP, Operation.forDelete(false, true));
    }

    @Test
    void statusesAndTaskStatesHaveZunsSpellings() {
        assertEquals(12, Status.values().length);
        assertEquals(14, TaskState.values().length);
        assertEquals("Restarting", RESTARTING.wire());
        assertEquals(RUNNING, Status.fromWire("Running"));
        assertEquals("container_rebuilding", TaskState.CONTAINER_REBUILDING.wire());
        assertEquals(TaskState.SG_ADDING, TaskState.fromWire("sg_adding"));
        assertTrue(Status.isWire("Dead"));
        assertFalse(Status.isWire("running"));
        assertFalse(TaskState.isWire("Image_Pulling"));
    }
}
