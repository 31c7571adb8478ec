package io.zunvx.api.container;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.zunvx.api.policy.Policy;
import io.zunvx.model.Container;
import io.zunvx.model.ContainerView;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.error.ZunException;

/** What the container routes share on the HTTP side: the container object per caller, and request bodies. */
final class ContainerHttp {
    private ContainerHttp() {
    }

    /** Zun's container object; the admin-only fields only where the caller's policy allows them. */
    static JsonObject view(Container c, Identity who, Policy policy, String publicUrl) {
        var m = ContainerView.render(c, publicUrl, true);
        for (String field : ContainerView.ADMIN_ONLY) {
            if (!policy.allows("container:get_one:" + field, who, c.projectId())) {
                m.remove(field);
            }
        }
        return new JsonObject(m);
    }

    /** The request body as a JSON object; {@code null} for a JSON {@code null}; 400 for anything else. */
    static JsonObject bodyObject(RoutingContext ctx) {
        return io.zunvx.api.http.JsonBodies.object(ctx);
    }
}
