package io.zunvx.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Zun's container object (reference §4): keys, formats and admin-only fields. */
class ContainerViewTest {
    private static final UUID ID = UUID.fromString("b0694d40-70af-4488-b104-10f66b593347");

    private static Container sample() {
        return Container.builder().uuid(ID).name("test").projectId("p1").userId("u1").image("ubuntu")
                .command(List.of("/bin/sh", "-c", "echo hello")).status(Status.STOPPED)
                .statusDetail("Exited(0) 8 mins ago ").cpu(2.0).memory(500).environment(Map.of("foo", "bar"))
                .labels(Map.of("app", "hello")).workdir("/home/ubuntu").hostname("zun-sandbox-58")
                .exposedPorts(List.of("80/tcp")).restartPolicy(new RestartPolicy("on-failure", 3))
                .healthcheck(new Healthcheck("stat /etc/passwd || exit 1", 3, 2, 5)).runtime("runc")
                .host("compute1").createdAt(Instant.parse("2018-01-10T09:01:02Z"))
                .updatedAt(Instant.parse("2018-01-10T09:09:40.123456Z")).build();
    }

    @Test
    void anEventCarriesTheEnvironmentsNamesNotItsValues() {
        Container c = Container.builder().uuid(ID).name("test").projectId("p1").userId("u1").image("busybox")
                .status(Status.RUNNING).cpu(1.0).environment(Map.of("DB_PASSWORD", "hunter2", "MODE", "prod"))
                .createdAt(Instant.parse("2018-01-10T09:01:02Z")).build();
        var e = ContainerEvent.StateChanged.of(c, Instant.parse("2018-01-10T09:01:03Z"), null);
        assertEquals(Map.of("DB_PASSWORD", "***", "MODE", "***"), e.container().get("environment"));
        assertFalse(e.container().toString().contains("hunter2"));
        assertFalse(e.container().toString().contains("prod"));
    }

    @Test
    void adminViewHasZunsKeysAndFormats() {
        Map<String, Object> m = ContainerView.render(sample(), "http://h:9517", true);
        assertEquals(List.of("uuid", "links", "name", "project_id", "user_id", "image", "image_driver",
                "image_pull_policy", "command", "entrypoint", "status", "status_reason", "status_detail", "task_state",
                "cpu", "cpu_policy", "memory", "disk", "environment", "labels", "workdir", "hostname", "ports",
                "addresses", "security_groups", "restart_policy", "interactive", "tty", "auto_remove", "auto_heal",
                "privileged", "runtime", "host", "healthcheck", "registry_id", "created_at", "updated_at"),
                List.copyOf(m.keySet()));
        assertEquals("500", m.get("memory"), "memory is a decimal string");
        assertEquals(2.0, m.get("cpu"));
        assertEquals("Stopped", m.get("status"));
        assertEquals(List.of(80), m.get("ports"));
        assertEquals(Map.of("Name", "on-failure", "MaximumRetryCount", "3"), m.get("restart_policy"));
        assertEquals("stat /etc/passwd || exit 1", ((Map<?, ?>) m.get("healthcheck")).get("test"));
        assertEquals("2018-01-10 09:01:02", m.get("created_at"));
        assertEquals("2018-01-10 09:09:40.123456", m.get("updated_at"));
        assertEquals(List.of(Map.of("href", "http://h:9517/v1/containers/" + ID, "rel", "self"),
                Map.of("href", "http://h:9517/containers/" + ID, "rel", "bookmark")), m.get("links"));
    }

    @Test
    void othersDoNotSeeAdminOnlyKeys() {
        Map<String, Object> m = ContainerView.render(sample(), "http://h", false);
        for (String k : ContainerView.ADMIN_ONLY) {
            assertFalse(m.containsKey(k), k);
        }
        assertTrue(m.containsKey("uuid"));
    }

    @Test
    void eventViewHasNoLinks() {
        assertFalse(ContainerView.render(sample(), null, true).containsKey("links"));
    }

    @Test
    void recordInvariantsHold() {
        assertThrows(IllegalArgumentException.class, () -> sample().toBuilder().cpu(-1).build());
        assertThrows(IllegalArgumentException.class, () -> new RestartPolicy("always", 2));
        assertThrows(IllegalArgumentException.class, () -> new RestartPolicy("sometimes", 0));
        assertThrows(IllegalArgumentException.class, () -> new Healthcheck(" ", 0, 0, 0));
        assertThrows(NullPointerException.class, () -> sample().toBuilder().image(null).build());
        assertEquals("zun-" + ID, sample().dockerName());
        assertEquals(500L * 1024 * 1024, sample().memoryBytes());
    }

    @Test
    void generatedNamesLookLikeZuns() {
        Random r = new Random(7);
        for (int i = 0; i < 100; i++) {
            assertTrue(Names.container(r).matches("[a-z]+-([1-9]|1[0-9]|2[0-4])-container"));
        }
    }

    @Test
    void serviceIsDownWhenForcedOrSilent() {
        Instant now = Instant.parse("2026-01-01T00:10:00Z");
        ZunService up = new ZunService(1, "h", ZunService.COMPUTE, false, null, false, now.minusSeconds(10), 3,
                "nova", now.minusSeconds(100), now.minusSeconds(10));
        assertTrue(up.isUp(now, java.time.Duration.ofSeconds(180)));
        assertFalse(up.isUp(now.plusSeconds(200), java.time.Duration.ofSeconds(180)));
        ZunService forced = new ZunService(1, "h", ZunService.COMPUTE, false, null, true, now, 3, "nova", now, now);
        assertFalse(forced.isUp(now, java.time.Duration.ofSeconds(180)));
    }

    @Test
    void computeTopicNamesAreChecked() {
        assertEquals("zunvx.compute.node-1", Topics.compute("node-1"));
        assertThrows(IllegalArgumentException.class, () -> Topics.compute("bad host"));
    }
}
