package io.zunvx.api.container;

import io.zunvx.api.http.Schema;

import io.vertx.core.json.JsonObject;
import io.zunvx.platform.error.ZunException;
import java.util.List;
import java.util.Objects;

/**
 * A validated {@code PATCH /v1/containers/{c}} body (reference §3.1.2): {@code cpu} and {@code memory} as on create,
 * {@code name} with the container-name rules, {@code auto_heal} as a narrow boolean; nothing else. Like Zun, an empty
 * body is valid and changes nothing. Each component is {@code null} when the body leaves the field out (or sends
 * {@code null}, which Zun would store literally and this platform ignores).
 *
 * @param cpu      new vCPUs, or {@code null}
 * @param memory   new MiB, or {@code null}
 * @param name     new name, or {@code null}
 * @param autoHeal new auto-heal flag, or {@code null}
 */
public record UpdateContainerRequest(Double cpu, Integer memory, String name, Boolean autoHeal) {
    static final List<String> PROPERTIES = List.of("cpu", "memory", "name", "auto_heal");

    /**
     * Validates a PATCH body.
     *
     * @param body the decoded body; {@code null} stands for a JSON {@code null}
     * @throws ZunException 400 {@code schema-validation-error} with Zun's texts
     */
    public static UpdateContainerRequest parse(JsonObject body, Defaults d) {
        Objects.requireNonNull(d, "defaults");
        if (body == null) {
            throw Schema.root(Schema.typeMessage(null, "object"));
        }
        Schema.Site b = Schema.BODY;
        if (body.containsKey("cpu")) {
            ContainerFields.cpu(b, body.getValue("cpu"), d);
        }
        if (body.containsKey("memory")) {
            ContainerFields.memory(b, body.getValue("memory"), d);
        }
        if (body.containsKey("name")) {
            ContainerFields.name(b, "name", body.getValue("name"));
        }
        if (body.containsKey("auto_heal")) {
            ContainerFields.narrowBool(b, "auto_heal", body.getValue("auto_heal"));
        }
        ContainerFields.noAdditional(body, PROPERTIES);

        Object cpu = body.getValue("cpu");
        Object memory = body.getValue("memory");
        Object autoHeal = body.getValue("auto_heal");
        return new UpdateContainerRequest(
                cpu == null ? null : ContainerFields.toCpu(cpu),
                memory == null ? null : ContainerFields.toInt(memory),
                body.getString("name"),
                autoHeal == null ? null : ContainerFields.toBool(autoHeal));
    }

    /** Whether the update changes resources, which Zun applies on the compute node (and checks against quota). */
    public boolean resizes() {
        return cpu != null || memory != null;
    }

    /** Whether nothing would change. */
    public boolean isEmpty() {
        return cpu == null && memory == null && name == null && autoHeal == null;
    }
}
