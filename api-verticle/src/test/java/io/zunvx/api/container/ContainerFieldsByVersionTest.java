package io.zunvx.api.container;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.json.JsonObject;
import io.zunvx.api.policy.Policy;
import io.zunvx.model.ApiVersion;
import io.zunvx.model.Container;
import io.zunvx.model.Status;
import io.zunvx.platform.auth.Identity;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The container object leaves out the fields newer than the request's microversion. */
class ContainerFieldsByVersionTest {
    private static final Identity ADMIN = new Identity("a", "admin", "p1", "admin", List.of("admin"), null);

    private static JsonObject at(int minor) {
        Container c = Container.builder().uuid(UUID.randomUUID()).name("c").projectId("p1").userId("a")
                .image("busybox").command(List.of("sh")).status(Status.CREATED).build();
        return ContainerHttp.view(c, ADMIN, ApiVersion.v1(minor), Policy.defaults(), "http://h");
    }

    @Test
    void atTheLatestEveryFieldIsThere() {
        JsonObject c = at(40);
        ContainerHttp.FIELD_SINCE.keySet().forEach(f -> assertTrue(c.containsKey(f), f));
    }

    @Test
    void eachFieldAppearsAtItsVersion() {
        ContainerHttp.FIELD_SINCE.forEach((field, since) -> {
            assertFalse(at(since - 1).containsKey(field), field + " before 1." + since);
            assertTrue(at(since).containsKey(field), field + " from 1." + since);
        });
    }

    @Test
    void atTheBaseVersionTheOriginalFieldsRemain() {
        JsonObject c = at(1);
        for (String f : List.of("uuid", "name", "image", "command", "status", "cpu", "memory", "environment",
                "labels", "ports", "addresses", "restart_policy", "interactive", "host")) {
            assertTrue(c.containsKey(f), f);
        }
        assertEquals("busybox", c.getString("image"));
    }
}
