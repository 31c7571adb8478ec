package io.zunvx.api.policy;

import java.util.HashMap;
import java.util.Map;

/** Zun's default policy rules (reference §7.2 and §7.3). */
final class ZunDefaults {
    static final Map<String, String> RULES;

    static {
        Map<String, String> r = new HashMap<>();
        r.put("context_is_admin", "role:admin");
        r.put("admin_or_owner", "is_admin:True or project_id:%(project_id)s");
        r.put("admin_api", "rule:context_is_admin");
        r.put("deny_everybody", "!");
        String owner = "rule:admin_or_owner";
        String admin = "rule:admin_api";
        for (String a : new String[] {"create", "get_one", "get_all", "update", "delete", "start", "stop", "reboot",
                "rebuild", "pause", "unpause", "kill", "logs", "execute", "execute_resize", "attach", "resize",
                "resize_container", "top", "stats", "commit", "rename", "get_archive", "put_archive",
                "add_security_group", "remove_security_group", "network_attach", "network_detach"}) {
            r.put("container:" + a, owner);
        }
        r.put("container:actions", owner);
        // Not a Zun rule: a forced delete of a container whose host is down removes only its row (see ContainerApi).
        r.put("container:delete_force_host_down", owner);
        for (String a : new String[] {"create:runtime", "create:requested_destination", "create:image_pull_policy",
                "delete_force", "delete_all_projects", "get_one_all_projects", "get_all_all_projects",
                "get_one:host", "get_one:image_pull_policy", "get_one:privileged", "get_one:runtime"}) {
            r.put("container:" + a, admin);
        }
        r.put("container:create:privileged", "rule:deny_everybody");
        r.put("container:action:events", admin);
        for (String a : new String[] {"create", "get", "get_all", "delete"}) {
            r.put("capsule:" + a, owner);
        }
        for (String a : new String[] {"get:host", "get_all_all_projects", "get_one_all_projects",
                "delete_all_projects"}) {
            r.put("capsule:" + a, admin);
        }
        r.put("image:search", owner);
        for (String a : new String[] {"pull", "get_all", "get_one", "delete"}) {
            r.put("image:" + a, admin);
        }
        r.put("host:get_all", admin);
        r.put("host:get", admin);
        for (String a : new String[] {"get_all", "enable", "disable", "force_down", "delete"}) {
            r.put("zun-service:" + a, admin);
        }
        r.put("quota:get", owner);
        r.put("quota:get_default", owner);
        r.put("quota:update", admin);
        r.put("quota:delete", admin);
        r.put("quota_class:update", admin);
        r.put("quota_class:get", admin);
        for (String a : new String[] {"create", "get_one", "get_all", "update", "delete"}) {
            r.put("registry:" + a, owner);
        }
        r.put("registry:get_all_all_projects", admin);
        r.put("availability_zones:get_all", owner);
        r.put("network:create", "role:admin");
        r.put("network:delete", "role:admin");
        r.put("network:attach_external_network", "role:admin");
        RULES = Map.copyOf(r);
    }

    private ZunDefaults() {
    }
}
