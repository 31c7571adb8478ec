package io.zunvx.api.events;

import io.vertx.core.json.JsonObject;
import io.zunvx.api.policy.Policy;
import io.zunvx.model.ContainerEvent;
import io.zunvx.model.ContainerView;
import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.capsule.CapsuleEvents;
import io.zunvx.platform.events.Envelopes;

/**
 * Which events of the topics a caller may see, and as what. A container event is shown to callers who may read that
 * container ({@code container:get_one} on its project; other projects only with {@code all_projects}), without the
 * admin-only fields their policy hides and without {@code environment} (values may be secrets; read the container
 * for them). An image event is shown to callers allowed {@code image:get_all} (admins by default), for their project
 * or, with {@code all_projects}, every project. A capsule event is shown to callers who may read that capsule
 * ({@code capsule:get} on its project), without {@code host} unless {@code capsule:get:host} allows it.
 */
final class EventView {
    static final String CONTAINER = "container";
    static final String IMAGE = "image";
    static final String CAPSULE = "capsule";

    private final Policy policy;
    private final Identity who;
    private final boolean allProjects;

    EventView(Policy policy, Identity who, boolean allProjects) {
        this.policy = policy;
        this.who = who;
        this.allProjects = allProjects;
    }

    /** The SSE event name and data for a record of {@code type}, or {@code null} if the caller must not see it. */
    Shown show(String type, JsonObject data) {
        if (ContainerEvent.StateChanged.TYPE.equals(type)) {
            JsonObject c = data.getJsonObject("container");
            if (c == null || !visible(c.getString("project_id"), "container:get_one")) {
                return null;
            }
            JsonObject shown = c.copy();
            shown.remove("environment");
            for (String field : ContainerView.ADMIN_ONLY) {
                if (!policy.allows("container:get_one:" + field, who, c.getString("project_id"))) {
                    shown.remove(field);
                }
            }
            return new Shown(CONTAINER, new JsonObject().put("type", type).put("uuid", data.getValue("uuid"))
                    .put("sequence", data.getValue("sequence")).put("time", data.getValue("time"))
                    .put("request_id", data.getValue("request_id")).put("container", shown));
        }
        if (Envelopes.IMAGE_STATE_CHANGED.equals(type)) {
            JsonObject i = data.getJsonObject("image");
            if (i == null || !visible(i.getString("project_id"), "image:get_all")) {
                return null;
            }
            return new Shown(IMAGE, data.copy().put("type", type));
        }
        if (CapsuleEvents.STATE_CHANGED.equals(type)) {
            JsonObject c = data.getJsonObject("capsule");
            if (c == null || !visible(c.getString("project_id"), "capsule:get")) {
                return null;
            }
            JsonObject shown = data.copy().put("type", type);
            if (!policy.allows("capsule:get:host", who, c.getString("project_id"))) {
                shown.getJsonObject("capsule").remove("host");
            }
            return new Shown(CAPSULE, shown);
        }
        return null;
    }

    private boolean visible(String project, String rule) {
        if (project == null) {
            return allProjects && policy.allows(rule, who, null);
        }
        return (allProjects || project.equals(who.projectId())) && policy.allows(rule, who, project);
    }

    /** An event as the caller sees it. */
    record Shown(String event, JsonObject data) {
    }
}
