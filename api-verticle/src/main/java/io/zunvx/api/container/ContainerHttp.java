package io.zunvx.api.container;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.zunvx.api.http.JsonBodies;
import io.zunvx.api.policy.Policy;
import io.zunvx.model.ApiVersion;
import io.zunvx.model.Container;
import io.zunvx.model.ContainerView;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.error.ZunException;
import java.util.Map;

/** What the container routes share on the HTTP side: the container object per caller, and request bodies. */
final class ContainerHttp {
    private ContainerHttp() {
    }

    /**
     * The fields of the container object and the microversion that introduced each (reference §1.3); a response at a
     * lower version leaves them out.
     */
    static final Map<String, Integer> FIELD_SINCE = Map.of("auto_remove", 3, "runtime", 5, "hostname", 9,
            "privileged", 21, "healthcheck", 22, "cpu_policy", 28, "registry_id", 31, "entrypoint", 40);

    /**
     * Zun's container object at version {@code v}: the admin-only fields only where the caller's policy allows them,
     * and no field newer than {@code v}.
     */
    static JsonObject view(Container c, Identity who, ApiVersion v, Policy policy, String publicUrl) {
        var m = ContainerView.render(c, publicUrl, true);
        FIELD_SINCE.forEach((field, since) -> {
            if (!v.atLeast(since)) {
                m.remove(field);
            }
        });
        for (String field : ContainerView.ADMIN_ONLY) {
            if (!policy.allows("container:get_one:" + field, who, c.projectId())) {
                m.remove(field);
            }
        }
        return new JsonObject(m);
    }

    /** The request body as a JSON object; {@code null} for a JSON {@code null}; 400 for anything else. */
    static JsonObject bodyObject(RoutingContext ctx) {
        return JsonBodies.object(ctx);
    }
}
