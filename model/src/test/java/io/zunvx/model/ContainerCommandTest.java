package io.zunvx.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.zunvx.model.ContainerCommand.*;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ContainerCommandTest {
    private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000001");

    @Test
    void everyCommandRoundTripsThroughItsFields() {
        List<ContainerCommand> all = List.of(new ScheduleContainer(ID, "req-1"), new CreateContainer(ID, "req-1"),
                new StartContainer(ID, "req-1"), new StopContainer(ID, "req-1", 10),
                new RebootContainer(ID, "req-1", 0), new PauseContainer(ID, "req-1"),
                new UnpauseContainer(ID, "req-1"), new KillContainer(ID, "req-1", "SIGTERM"),
                new KillContainer(ID, "req-1", null), new DeleteContainer(ID, "req-1", true, false));
        for (ContainerCommand c : all) {
            assertEquals(c, ContainerCommand.fromFields(c.type(), ContainerCommand.toFields(c)), c.type());
        }
        assertEquals("io.zunvx.command.create-container.v1", new CreateContainer(ID, null).type());
    }

    @Test
    void unknownTypesAndBadFieldsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> ContainerCommand.fromFields("io.zunvx.command.explode.v1", java.util.Map.of("uuid", ID)));
        assertThrows(IllegalArgumentException.class,
                () -> ContainerCommand.fromFields("io.zunvx.command.stop-container.v1", java.util.Map.of("uuid", ID)));
        assertThrows(IllegalArgumentException.class, () -> new StopContainer(ID, null, -1));
    }
}
