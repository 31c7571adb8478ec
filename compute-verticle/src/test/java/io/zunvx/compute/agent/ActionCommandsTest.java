package io.zunvx.compute.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cloudevents.core.builder.CloudEventBuilder;
import io.zunvx.model.ContainerCommand;
import io.zunvx.model.ContainerCommand.CommitContainer;
import io.zunvx.model.ContainerCommand.RebuildContainer;
import io.zunvx.platform.events.Envelopes;
import io.zunvx.platform.outbox.OutboxMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The wire form of the rebuild and commit commands this agent consumes: golden JSON, and the way back. */
class ActionCommandsTest {
    private static final UUID ID = UUID.fromString("00000000-0000-0000-0000-000000000001");
    private static final UUID IMAGE = UUID.fromString("00000000-0000-0000-0000-0000000000aa");
    private static final String IDS = "{\"uuid\":\"" + ID + "\",\"request_id\":\"req-1\"";

    @Test
    void rebuildCarriesWhetherToStartAgain() {
        RebuildContainer cmd = new RebuildContainer(ID, "req-1", true);
        OutboxMessage m = Envelopes.command("zunvx.compute.h1", cmd);
        assertEquals("io.zunvx.command.rebuild-container.v1", m.type());
        assertEquals(IDS + ",\"run\":true}", m.data());
        assertEquals(cmd, roundTrip(m));
        assertEquals(new RebuildContainer(ID, null, false),
                ContainerCommand.fromFields("io.zunvx.command.rebuild-container.v1", Map.of("uuid", ID.toString())));
    }

    @Test
    void commitCarriesRepositoryTagAndTheImagesUuid() {
        CommitContainer cmd = new CommitContainer(ID, "req-1", "team/snap", "v1", IMAGE);
        OutboxMessage m = Envelopes.command("zunvx.compute.h1", cmd);
        assertEquals("io.zunvx.command.commit-container.v1", m.type());
        assertEquals(IDS + ",\"image_uuid\":\"" + IMAGE + "\",\"repository\":\"team/snap\",\"tag\":\"v1\"}",
                m.data());
        assertEquals(cmd, roundTrip(m));
    }

    @Test
    void aCommitWithoutRepositoryOrWithABlankTagIsNoCommand() {
        assertThrows(IllegalArgumentException.class, () -> ContainerCommand.fromFields(
                "io.zunvx.command.commit-container.v1", Map.of("uuid", ID.toString(), "tag", "v1",
                        "image_uuid", IMAGE.toString())));
        assertThrows(IllegalArgumentException.class, () -> new CommitContainer(ID, null, "team/snap", " ", IMAGE));
    }

    private static ContainerCommand roundTrip(OutboxMessage m) {
        return Envelopes.command(CloudEventBuilder.v1().withId("1").withSource(URI.create("/test"))
                .withType(m.type()).withData("application/json", m.data().getBytes(StandardCharsets.UTF_8)).build());
    }
}
