package io.zunvx.model;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Zun's container object (reference §4) as an ordered map ready for JSON encoding. The same shape is the payload of
 * {@code container.state-changed} events, so subscribers and API clients read one format.
 */
public final class ContainerView {
    /** Keys only an admin may see. */
    public static final List<String> ADMIN_ONLY = List.of("host", "image_pull_policy", "privileged", "runtime");

    private ContainerView() {
    }

    /**
     * @param c       the container
     * @param baseUrl the API's public base URL without trailing slash (e.g. {@code http://h:9517}), {@code null} to
     *                omit {@code links}
     * @param admin   whether the admin-only keys are included
     */
    public static Map<String, Object> render(Container c, String baseUrl, boolean admin) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("uuid", c.uuid().toString());
        if (baseUrl != null) {
            m.put("links", List.of(
                    Map.of("href", baseUrl + "/v1/containers/" + c.uuid(), "rel", "self"),
                    Map.of("href", baseUrl + "/containers/" + c.uuid(), "rel", "bookmark")));
        }
        m.put("name", c.name());
        m.put("project_id", c.projectId());
        m.put("user_id", c.userId());
        m.put("image", c.image());
        m.put("image_driver", c.imageDriver());
        m.put("image_pull_policy", c.imagePullPolicy());
        m.put("command", c.command());
        m.put("entrypoint", c.entrypoint());
        m.put("status", c.status().wire());
        m.put("status_reason", c.statusReason());
        m.put("status_detail", c.statusDetail());
        m.put("task_state", c.taskState() == null ? null : c.taskState().wire());
        m.put("cpu", c.cpu());
        m.put("cpu_policy", c.cpuPolicy());
        m.put("memory", c.memory() == null ? null : String.valueOf(c.memory()));
        m.put("disk", c.disk());
        m.put("environment", c.environment());
        m.put("labels", c.labels());
        m.put("workdir", c.workdir());
        m.put("hostname", c.hostname());
        m.put("ports", ports(c.exposedPorts()));
        m.put("addresses", addresses(c.addresses()));
        m.put("security_groups", c.securityGroups());
        m.put("restart_policy", c.restartPolicy() == null ? null : restartPolicy(c.restartPolicy()));
        m.put("interactive", c.interactive());
        m.put("tty", c.tty());
        m.put("auto_remove", c.autoRemove());
        m.put("auto_heal", c.autoHeal());
        m.put("privileged", c.privileged());
        m.put("runtime", c.runtime());
        m.put("host", c.host());
        m.put("healthcheck", c.healthcheck() == null ? null : healthcheck(c.healthcheck()));
        m.put("registry_id", c.registryId() == null ? null : c.registryId().toString());
        m.put("created_at", ZunTime.container(c.createdAt()));
        m.put("updated_at", ZunTime.container(c.updatedAt()));
        if (!admin) {
            ADMIN_ONLY.forEach(m::remove);
        }
        return m;
    }

    public static Map<String, Object> restartPolicy(RestartPolicy p) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("Name", p.name());
        m.put("MaximumRetryCount", String.valueOf(p.maximumRetryCount()));
        return m;
    }

    public static Map<String, Object> healthcheck(Healthcheck h) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("test", h.test());
        m.put("interval", h.interval());
        m.put("retries", h.retries());
        m.put("timeout", h.timeout());
        return m;
    }

    private static List<Integer> ports(List<String> exposed) {
        List<Integer> out = new ArrayList<>();
        for (String p : exposed) {
            int slash = p.indexOf('/');
            out.add(Integer.parseInt(slash < 0 ? p : p.substring(0, slash)));
        }
        return out;
    }

    /** Addresses in Zun's shape: {@code {net: [{addr, version, port, subnet_id, preserve_on_delete}]}}. */
    public static Map<String, Object> addresses(Map<String, List<Address>> byNet) {
        Map<String, Object> out = new LinkedHashMap<>();
        byNet.forEach((net, list) -> {
            List<Map<String, Object>> rows = new ArrayList<>();
            for (Address a : list) {
                Map<String, Object> r = new LinkedHashMap<>();
                r.put("addr", a.addr());
                r.put("version", a.version());
                r.put("port", a.port());
                r.put("subnet_id", a.subnetId());
                r.put("preserve_on_delete", a.preserveOnDelete());
                rows.add(r);
            }
            out.put(net, rows);
        });
        return out;
    }
}
