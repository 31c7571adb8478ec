package io.zunvx.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** The capsule object of Zun's API (reference §3.5): the shape of 1.32 and later, and the legacy one before it. */
public final class CapsuleView {
    /** The first microversion with the current shape. */
    public static final ApiVersion CURRENT_SHAPE = new ApiVersion(1, 32);

    private CapsuleView() {
    }

    /**
     * Renders a capsule.
     *
     * @param capsule    the capsule
     * @param containers its containers, sandbox included, in template order
     * @param baseUrl    the API's public base URL without trailing slash
     * @param admin      whether admin-only keys ({@code host}) are included
     * @param legacy     the shape before 1.32
     */
    public static Map<String, Object> render(Capsule capsule, List<Container> containers, String baseUrl,
                                             boolean admin, boolean legacy) {
        CapsuleStatus.Aggregate status = CapsuleStatus.of(capsule, containers);
        Container sandbox = containers.stream().filter(Container::isSandbox).findFirst().orElse(null);
        List<Container> init = containers.stream().filter(c -> Container.ROLE_INIT.equals(c.capsuleRole())).toList();
        List<Container> mains = containers.stream().filter(c -> Container.ROLE_CONTAINER.equals(c.capsuleRole()))
                .toList();
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", capsule.uuid().toString());
        m.put("links", List.of(
                Map.of("href", baseUrl + "/v1/capsules/" + capsule.uuid(), "rel", "self"),
                Map.of("href", baseUrl + "/capsules/" + capsule.uuid(), "rel", "bookmark")));
        m.put("user_id", capsule.userId());
        m.put("project_id", capsule.projectId());
        m.put("created_at", ZunTime.container(capsule.createdAt()));
        m.put("updated_at", ZunTime.container(capsule.updatedAt()));
        m.put(legacy ? "meta_name" : "name", capsule.name());
        m.put(legacy ? "meta_labels" : "labels", capsule.labels());
        m.put("annotations", capsule.annotations());
        m.put("status", status.status().wire());
        m.put("status_reason", status.reason());
        m.put("task_state", capsule.taskState() == null ? null : capsule.taskState().wire());
        if (legacy) {
            m.put("restart_policy", capsule.restartPolicy());
        } else {
            m.put("restart_policy", ContainerView.restartPolicy(new RestartPolicy(capsule.restartPolicy(), 0)));
        }
        m.put("cpu", capsule.cpu());
        m.put("memory", String.valueOf(capsule.memory()));
        m.put("addresses", ContainerView.addresses(sandbox == null ? Map.of() : sandbox.addresses()));
        m.put("ports", sandbox == null ? List.of() : ContainerView.render(sandbox, null, true).get("ports"));
        if (admin) {
            m.put("host", sandbox == null ? null : sandbox.host());
        }
        m.put("containers", members(mains, admin));
        m.put("init_containers", members(init, admin));
        if (legacy) {
            Map<String, Object> volumes = new LinkedHashMap<>();
            capsule.volumes().forEach(v -> volumes.put(v.name(), v.volumeUuid().toString()));
            m.put("volumes_info", volumes);
            m.put("containers_uuids", mains.stream().map(c -> c.uuid().toString()).toList());
            m.put("init_containers_uuids", init.stream().map(c -> c.uuid().toString()).toList());
            m.put("capsule_version", "");
        }
        return m;
    }

    private static List<Map<String, Object>> members(List<Container> list, boolean admin) {
        List<Map<String, Object>> out = new ArrayList<>();
        list.forEach(c -> out.add(ContainerView.render(c, null, admin)));
        return out;
    }
}
