package io.zunvx.api.policy;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.platform.auth.Identity;
import io.zunvx.platform.config.ConfigException;
import io.zunvx.platform.error.ZunException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Zun's default policy, roles × operations (reference §7.3), and overrides from a policy file. */
class PolicyTest {
    private static final Identity ADMIN = new Identity("a", "admin", "p-admin", "admin", List.of("admin"), null);
    private static final Identity MEMBER = new Identity("m", "member", "p1", "p1", List.of("member"), null);
    private static final Identity READER = new Identity("r", "reader", "p1", "p1", List.of("reader"), null);
    private static final Policy POLICY = Policy.defaults();

    enum Who { ADMIN, OWNER, OTHER_PROJECT }

    static Stream<Arguments> table() {
        // rule, admin allowed, owner allowed, member of another project allowed
        return Stream.of(
                Arguments.of("container:create", true, true, false),
                Arguments.of("container:get_one", true, true, false),
                Arguments.of("container:delete", true, true, false),
                Arguments.of("container:stop", true, true, false),
                Arguments.of("container:logs", true, true, false),
                Arguments.of("container:execute", true, true, false),
                Arguments.of("container:actions", true, true, false),
                Arguments.of("container:delete_force", true, false, false),
                Arguments.of("container:get_all_all_projects", true, false, false),
                Arguments.of("container:get_one:host", true, false, false),
                Arguments.of("container:get_one:runtime", true, false, false),
                Arguments.of("container:create:runtime", true, false, false),
                Arguments.of("container:create:image_pull_policy", true, false, false),
                Arguments.of("container:create:requested_destination", true, false, false),
                Arguments.of("container:create:privileged", false, false, false),
                Arguments.of("container:action:events", true, false, false),
                Arguments.of("image:pull", true, false, false),
                Arguments.of("image:search", true, true, false),
                Arguments.of("host:get_all", true, false, false),
                Arguments.of("zun-service:disable", true, false, false),
                Arguments.of("quota:get", true, true, false),
                Arguments.of("quota:update", true, false, false),
                Arguments.of("quota:delete", true, false, false),
                Arguments.of("quota_class:get", true, false, false),
                Arguments.of("registry:create", true, true, false),
                Arguments.of("registry:get_all_all_projects", true, false, false),
                Arguments.of("capsule:create", true, true, false),
                Arguments.of("availability_zones:get_all", true, true, false),
                Arguments.of("network:create", true, false, false));
    }

    @ParameterizedTest
    @MethodSource("table")
    void defaultRulesMatchZun(String rule, boolean admin, boolean owner, boolean other) {
        assertEquals(admin, POLICY.allows(rule, ADMIN, "p1"), "admin: " + rule);
        assertEquals(owner, POLICY.allows(rule, MEMBER, "p1"), "owner: " + rule);
        assertEquals(other, POLICY.allows(rule, MEMBER, "p2"), "another project: " + rule);
    }

    @Test
    void refusalIsZunsForbidden() {
        ZunException e = assertThrows(ZunException.class,
                () -> POLICY.enforce("container:delete_force", MEMBER));
        assertEquals(403, e.status());
        assertEquals("policy-not-authorized", e.code());
        assertEquals("Policy doesn't allow container:delete_force to be performed.", e.getMessage());
    }

    @Test
    void fineGrainedFieldRulesThatDoNotExistAreSkipped() {
        assertTrue(POLICY.allows("container:get_one:labels", MEMBER, "p1"));
        assertFalse(POLICY.allows("container:no-such-thing", ADMIN, "p1"));
    }

    @Test
    void aPolicyFileOverridesRulesInYaml(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("policy.yaml");
        Files.writeString(file, """
                # let members see hosts, keep privileged for admins, readers may not create
                "container:get_one:host": "rule:admin_or_owner"
                "container:create:privileged": "role:admin"
                "container:create": "(role:member or role:admin) and not role:reader"
                """);
        Policy p = Policy.load(file);
        assertTrue(p.allows("container:get_one:host", MEMBER, "p1"));
        assertTrue(p.allows("container:create:privileged", ADMIN, null));
        assertFalse(p.allows("container:create:privileged", MEMBER, null));
        assertTrue(p.allows("container:create", MEMBER, null));
        assertFalse(p.allows("container:create", READER, null));
        assertFalse(p.allows("container:delete_force", MEMBER, "p1"), "untouched rules keep Zun's default");
    }

    @Test
    void aPolicyFileInJsonWorksAndBadRulesAreRejected(@TempDir Path dir) throws Exception {
        Path json = dir.resolve("policy.json");
        Files.writeString(json, "{\"quota:update\": \"@\"}");
        assertTrue(Policy.load(json).allows("quota:update", MEMBER, "p2"));
        assertThrows(ConfigException.class, () -> Policy.withOverrides(Map.of("x", "(role:admin")));
        Path bad = dir.resolve("bad.yaml");
        Files.writeString(bad, "container:create: role:admin\n");
        assertThrows(ConfigException.class, () -> Policy.load(bad));
    }
}
