package io.zunvx.platform.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.CloudEventDeserializer;
import io.cloudevents.kafka.CloudEventSerializer;
import io.vertx.core.json.JsonObject;
import io.zunvx.model.ContainerCommand;
import io.zunvx.model.ContainerEvent;
import io.zunvx.model.HostImage;
import io.zunvx.model.ImageCommand;
import io.zunvx.model.Topics;
import io.zunvx.platform.kafka.EventPublisher;
import io.zunvx.platform.outbox.OutboxMessage;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Golden wire shapes of commands and events, and their way back from CloudEvents. */
class EnvelopesTest {
    private static final UUID UUID_1 = UUID.fromString("0b2c1f1e-8d5a-4c33-9a53-6f0c5d1e2a40");
    private static final String REQ = "req-5f3c8a9e-1b2d-4e6f-8a7b-9c0d1e2f3a4b";
    private static final URI SOURCE = URI.create("/zunvx/test");
    private static final OffsetDateTime SENT = OffsetDateTime.of(2026, 11, 2, 9, 30, 0, 0, ZoneOffset.UTC);

    static Stream<Arguments> commands() {
        String ids = "{\"uuid\":\"" + UUID_1 + "\",\"request_id\":\"" + REQ + "\"";
        return Stream.of(
                Arguments.of(new ContainerCommand.ScheduleContainer(UUID_1, REQ),
                        "io.zunvx.command.schedule-container.v1", ids + "}"),
                Arguments.of(new ContainerCommand.CreateContainer(UUID_1, REQ),
                        "io.zunvx.command.create-container.v1", ids + "}"),
                Arguments.of(new ContainerCommand.StartContainer(UUID_1, REQ),
                        "io.zunvx.command.start-container.v1", ids + "}"),
                Arguments.of(new ContainerCommand.StopContainer(UUID_1, REQ, 10),
                        "io.zunvx.command.stop-container.v1", ids + ",\"timeout\":10}"),
                Arguments.of(new ContainerCommand.RebootContainer(UUID_1, REQ, 0),
                        "io.zunvx.command.reboot-container.v1", ids + ",\"timeout\":0}"),
                Arguments.of(new ContainerCommand.PauseContainer(UUID_1, REQ),
                        "io.zunvx.command.pause-container.v1", ids + "}"),
                Arguments.of(new ContainerCommand.UnpauseContainer(UUID_1, REQ),
                        "io.zunvx.command.unpause-container.v1", ids + "}"),
                Arguments.of(new ContainerCommand.KillContainer(UUID_1, REQ, "SIGTERM"),
                        "io.zunvx.command.kill-container.v1", ids + ",\"signal\":\"SIGTERM\"}"),
                Arguments.of(new ContainerCommand.KillContainer(UUID_1, null, null),
                        "io.zunvx.command.kill-container.v1",
                        "{\"uuid\":\"" + UUID_1 + "\",\"request_id\":null,\"signal\":null}"),
                Arguments.of(new ContainerCommand.DeleteContainer(UUID_1, REQ, true, false),
                        "io.zunvx.command.delete-container.v1", ids + ",\"force\":true,\"stop\":false}"),
                // Arguments are written in name order: the model builds them with Map.of, whose order varies by run.
                Arguments.of(new ContainerCommand.DeleteContainer(UUID_1, REQ, false, true),
                        "io.zunvx.command.delete-container.v1", ids + ",\"force\":false,\"stop\":true}"));
    }

    @ParameterizedTest(name = "{1}")
    @MethodSource("commands")
    void commandHasItsGoldenJsonAndComesBack(ContainerCommand command, String type, String json) {
        // WHEN a command is put in an envelope
        OutboxMessage m = Envelopes.command(Topics.compute("host-1"), command);

        // THEN its data is exactly the golden JSON, keyed and addressed by the container
        assertEquals(json, m.data());
        assertEquals(type, m.type());
        assertEquals("zunvx.compute.host-1", m.topic());
        assertEquals(UUID_1.toString(), m.key());
        assertEquals(UUID_1.toString(), m.subject());
        assertNull(m.sequence());

        // AND the CloudEvent made of it, through Kafka's binary mode, turns back into the same command
        assertEquals(command, Envelopes.command(throughKafka(EventPublisher.toCloudEvent(m, SOURCE, SENT))));
    }

    @Test
    void stateChangedHasItsGoldenJsonAndComesBack() {
        // GIVEN a state change with nulls, nested objects and lists in the container
        ContainerEvent.StateChanged e = new ContainerEvent.StateChanged(UUID_1, 7,
                Instant.parse("2026-11-02T09:29:59.123456Z"), REQ, container());

        // WHEN it is put in an envelope
        OutboxMessage m = Envelopes.stateChanged(e);

        // THEN the data is exactly the golden JSON and the envelope carries topic, key, subject and sequence
        assertEquals("""
                {"uuid":"0b2c1f1e-8d5a-4c33-9a53-6f0c5d1e2a40","sequence":7,"time":"2026-11-02T09:29:59.123456Z",\
                "request_id":"req-5f3c8a9e-1b2d-4e6f-8a7b-9c0d1e2f3a4b","container":{\
                "uuid":"0b2c1f1e-8d5a-4c33-9a53-6f0c5d1e2a40","name":"web-1","image":"busybox",\
                "command":["sleep","3600"],"status":"Running","status_reason":null,"task_state":null,"cpu":1.5,\
                "memory":"512","disk":0,"labels":{"app":"web","tier":"front"},"interactive":false,\
                "restart_policy":{"Name":"on-failure","MaximumRetryCount":"3"},"addresses":{},"host":"host-1",\
                "created_at":"2026-11-02 09:29:50","updated_at":null}}""", m.data());
        assertEquals(ContainerEvent.StateChanged.TYPE, m.type());
        assertEquals(Topics.CONTAINER_EVENTS, m.topic());
        assertEquals(UUID_1.toString(), m.key());
        assertEquals(UUID_1.toString(), m.subject());
        assertEquals(7L, m.sequence());

        // AND the CloudEvent made of it, through Kafka's binary mode, turns back into an equal event
        CloudEvent received = throughKafka(EventPublisher.toCloudEvent(m, SOURCE, SENT));
        assertEquals("7", String.valueOf(received.getExtension(EventPublisher.SEQUENCE_EXTENSION)));
        assertEquals(e, Envelopes.stateChanged(received));
    }

    @Test
    void stateChangedWithoutRequestKeepsTheNull() {
        ContainerEvent.StateChanged e = new ContainerEvent.StateChanged(UUID_1, 1, Instant.parse("2026-11-02T09:00:00Z"),
                null, Map.of("uuid", UUID_1.toString()));

        OutboxMessage m = Envelopes.stateChanged(e);

        assertEquals("{\"uuid\":\"" + UUID_1 + "\",\"sequence\":1,\"time\":\"2026-11-02T09:00:00Z\","
                + "\"request_id\":null,\"container\":{\"uuid\":\"" + UUID_1 + "\"}}", m.data());
        assertEquals(e, Envelopes.stateChanged(EventPublisher.toCloudEvent(m, SOURCE, SENT)));
    }

    @Test
    void imageCommandsHaveTheirGoldenJsonAndComeBack() {
        // GIVEN a pull and a delete
        ImageCommand pull = new ImageCommand.PullImage(UUID_1, REQ);
        ImageCommand delete = new ImageCommand.DeleteImage(UUID_1, REQ, "busybox", "latest", null);

        // WHEN they are put in envelopes for a compute topic
        OutboxMessage p = Envelopes.imageCommand(Topics.compute("host-1"), pull);
        OutboxMessage d = Envelopes.imageCommand(Topics.compute("host-1"), delete);

        // THEN the data is the golden JSON (arguments in name order), keyed by the image
        String ids = "{\"uuid\":\"" + UUID_1 + "\",\"request_id\":\"" + REQ + "\"";
        assertEquals(ids + "}", p.data());
        assertEquals(ids + ",\"image_id\":null,\"repo\":\"busybox\",\"tag\":\"latest\"}", d.data());
        assertEquals("io.zunvx.command.pull-image.v1", p.type());
        assertEquals("io.zunvx.command.delete-image.v1", d.type());
        assertEquals("zunvx.compute.host-1", p.topic());
        assertEquals(UUID_1.toString(), p.key());
        assertNull(p.sequence());

        // AND both come back from Kafka as equal commands
        assertEquals(pull, Envelopes.imageCommand(throughKafka(EventPublisher.toCloudEvent(p, SOURCE, SENT))));
        assertEquals(delete, Envelopes.imageCommand(throughKafka(EventPublisher.toCloudEvent(d, SOURCE, SENT))));
        assertThrows(IllegalArgumentException.class,
                () -> Envelopes.imageCommand(event("io.zunvx.command.start-container.v1", ids + "}")));
        assertThrows(IllegalArgumentException.class,
                () -> Envelopes.imageCommand(event(ImageCommand.PullImage.TYPE, "[]")));
    }

    @Test
    void imageStateChangedHasItsGoldenJson() {
        // GIVEN a pulled image
        HostImage image = new HostImage(UUID_1, "sha256:" + "b".repeat(64), "busybox", "latest", 4_400_000L,
                "p-1", "u-1", "host-1", HostImage.READY, null, "ifnotpresent",
                Instant.parse("2026-11-02T09:29:50Z"), Instant.parse("2026-11-02T09:29:59.5Z"));

        // WHEN its state change is put in an envelope
        OutboxMessage m = Envelopes.imageStateChanged(image, 2, image.updatedAt(), false);

        // THEN the data is exactly the golden JSON, for the image events topic, with the sequence
        assertEquals("""
                {"uuid":"0b2c1f1e-8d5a-4c33-9a53-6f0c5d1e2a40","sequence":2,"time":"2026-11-02T09:29:59.500Z",\
                "deleted":false,"image":{"uuid":"0b2c1f1e-8d5a-4c33-9a53-6f0c5d1e2a40","image_id":"sha256:\
                bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb","repo":"busybox","tag":"latest",\
                "size":4400000,"project_id":"p-1","user_id":"u-1","host":"host-1","status":"ready",\
                "status_reason":null,"image_pull_policy":"ifnotpresent","created_at":"2026-11-02T09:29:50Z",\
                "updated_at":"2026-11-02T09:29:59.500Z"}}""", m.data());
        assertEquals(Envelopes.IMAGE_STATE_CHANGED, m.type());
        assertEquals(Topics.IMAGE_EVENTS, m.topic());
        assertEquals(UUID_1.toString(), m.key());
        assertEquals(UUID_1.toString(), m.subject());
        assertEquals(2L, m.sequence());
    }

    @Test
    void genericEnvelopeCarriesWhatItIsGiven() {
        OutboxMessage m = Envelopes.of(Topics.HOST_EVENTS, "host-1", "io.zunvx.host.heartbeat.v1", "host-1", 3L,
                new JsonObject().put("host", "host-1").put("up", true));

        assertEquals("{\"host\":\"host-1\",\"up\":true}", m.data());
        assertEquals(Topics.HOST_EVENTS, m.topic());
        assertEquals("host-1", m.key());
        assertEquals("io.zunvx.host.heartbeat.v1", m.type());
        assertEquals(3L, m.sequence());
    }

    @Test
    void garbageIsRejectedAsIllegalArgument() {
        String type = "io.zunvx.command.start-container.v1";
        assertThrows(IllegalArgumentException.class, () -> Envelopes.command(event(type, "not json")));
        assertThrows(IllegalArgumentException.class, () -> Envelopes.command(event(type, "[1,2]")));
        assertThrows(IllegalArgumentException.class, () -> Envelopes.command(event(type, "{}")));
        assertThrows(IllegalArgumentException.class, () -> Envelopes.command(event(type, null)));
        assertThrows(IllegalArgumentException.class,
                () -> Envelopes.command(event("io.zunvx.command.explode.v1", "{\"uuid\":\"" + UUID_1 + "\"}")));
        assertThrows(IllegalArgumentException.class, () -> Envelopes.command(
                event("io.zunvx.command.stop-container.v1", "{\"uuid\":\"" + UUID_1 + "\",\"timeout\":\"soon\"}")));

        String sc = ContainerEvent.StateChanged.TYPE;
        assertThrows(IllegalArgumentException.class, () -> Envelopes.stateChanged(event(type, "{}")));
        assertThrows(IllegalArgumentException.class, () -> Envelopes.stateChanged(event(sc, "{}")));
        assertThrows(IllegalArgumentException.class, () -> Envelopes.stateChanged(event(sc,
                "{\"uuid\":\"" + UUID_1 + "\",\"sequence\":1,\"time\":\"yesterday\",\"container\":{}}")));
        assertThrows(IllegalArgumentException.class, () -> Envelopes.stateChanged(event(sc,
                "{\"uuid\":\"" + UUID_1 + "\",\"sequence\":\"one\",\"time\":\"2026-11-02T09:00:00Z\",\"container\":{}}")));
        assertThrows(IllegalArgumentException.class, () -> Envelopes.stateChanged(event(sc,
                "{\"uuid\":\"" + UUID_1 + "\",\"sequence\":1,\"time\":\"2026-11-02T09:00:00Z\",\"container\":[]}")));
    }

    private static Map<String, Object> container() {
        Map<String, Object> labels = new LinkedHashMap<>();
        labels.put("app", "web");
        labels.put("tier", "front");
        Map<String, Object> restart = new LinkedHashMap<>();
        restart.put("Name", "on-failure");
        restart.put("MaximumRetryCount", "3");
        Map<String, Object> c = new LinkedHashMap<>();
        c.put("uuid", UUID_1.toString());
        c.put("name", "web-1");
        c.put("image", "busybox");
        c.put("command", new ArrayList<>(List.of("sleep", "3600")));
        c.put("status", "Running");
        c.put("status_reason", null);
        c.put("task_state", null);
        c.put("cpu", 1.5);
        c.put("memory", "512");
        c.put("disk", 0);
        c.put("labels", labels);
        c.put("interactive", false);
        c.put("restart_policy", restart);
        c.put("addresses", new LinkedHashMap<>());
        c.put("host", "host-1");
        c.put("created_at", "2026-11-02 09:29:50");
        c.put("updated_at", null);
        return c;
    }

    private static CloudEvent event(String type, String data) {
        CloudEventBuilder b = CloudEventBuilder.v1().withId("e-1").withSource(SOURCE).withType(type);
        if (data != null) {
            b.withData("application/json", data.getBytes(StandardCharsets.UTF_8));
        }
        return b.build();
    }

    /** Serializes like the publisher (binary mode) and deserializes like the record loop. */
    private static CloudEvent throughKafka(CloudEvent e) {
        CloudEventSerializer serializer = new CloudEventSerializer();
        serializer.configure(Map.of(CloudEventSerializer.ENCODING_CONFIG, "BINARY"), false);
        RecordHeaders headers = new RecordHeaders();
        byte[] value = serializer.serialize("t", headers, e);
        List<String> names = new ArrayList<>();
        for (Header h : headers) {
            names.add(h.key());
        }
        assertEquals(true, names.contains("ce_id") && names.contains("ce_type") && names.contains("ce_specversion"),
                "binary mode writes ce_* headers: " + names);
        return new CloudEventDeserializer().deserialize("t", headers, value);
    }
}
