package io.zunvx.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.model.ImageCommand.DeleteImage;
import io.zunvx.model.ImageCommand.PullImage;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Image commands: their types, and their way through wire fields and back. */
class ImageCommandTest {
    private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000006");

    @Test
    void everyCommandRoundTripsThroughItsFields() {
        // GIVEN each image command, with and without optional fields
        List<ImageCommand> all = List.of(new PullImage(ID, "req-1"), new PullImage(ID, null),
                new DeleteImage(ID, "req-1", "busybox", "latest", "sha256:" + "a".repeat(64)),
                new DeleteImage(ID, null, "127.0.0.1:5000/team/app", null, null));

        for (ImageCommand c : all) {
            // WHEN it goes to wire fields and back THEN it is equal, and its type is an image command type
            assertEquals(c, ImageCommand.fromFields(c.type(), ImageCommand.toFields(c)), c.type());
            assertTrue(ImageCommand.isImageCommandType(c.type()), c.type());
        }
        assertEquals("io.zunvx.command.pull-image.v1", new PullImage(ID, null).type());
        assertEquals("io.zunvx.command.delete-image.v1", new DeleteImage(ID, null, "r", null, null).type());
    }

    @Test
    void containerCommandTypesAreNotImageCommands() {
        assertFalse(ImageCommand.isImageCommandType(new ContainerCommand.CreateContainer(ID, null).type()));
        assertFalse(ImageCommand.isImageCommandType(null));
    }

    @Test
    void unknownTypesAndMissingFieldsAreRejected() {
        assertThrows(IllegalArgumentException.class,
                () -> ImageCommand.fromFields("io.zunvx.command.start-container.v1", Map.of("uuid", ID)));
        assertThrows(IllegalArgumentException.class,
                () -> ImageCommand.fromFields(DeleteImage.TYPE, Map.of("uuid", ID.toString())));
        assertThrows(IllegalArgumentException.class,
                () -> ImageCommand.fromFields(PullImage.TYPE, Map.of("uuid", "not-a-uuid")));
        assertThrows(NullPointerException.class, () -> new PullImage(null, null));
    }
}
