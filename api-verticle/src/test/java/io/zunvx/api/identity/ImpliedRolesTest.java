package io.zunvx.api.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;

class ImpliedRolesTest {
    private static final List<String> KNOWN = List.of("admin", "member", "reader", "auditor");

    @Test
    void namesExpandLikeTheRolesATokenIsIssuedWith() {
        // Assigned first, then what they imply, each once, as issue() lists them.
        assertEquals(List.of("admin", "member", "reader"), ImpliedRoles.expandNames(List.of("admin"), KNOWN));
        assertEquals(List.of("member", "reader"), ImpliedRoles.expandNames(List.of("member"), KNOWN));
        assertEquals(List.of("auditor", "member", "reader"),
                ImpliedRoles.expandNames(List.of("auditor", "member"), KNOWN));
        assertEquals(List.of("member", "reader", "admin"),
                ImpliedRoles.expandNames(List.of("member", "reader", "admin"), KNOWN));
        assertEquals(List.of(), ImpliedRoles.expandNames(List.of(), KNOWN));
    }

    @Test
    void impliedRolesThatDoNotExistAreLeftOut() {
        assertEquals(List.of("admin", "member"), ImpliedRoles.expandNames(List.of("admin"), List.of("admin", "member")));
    }
}
