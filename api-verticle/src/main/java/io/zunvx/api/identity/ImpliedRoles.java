package io.zunvx.api.identity;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Keystone's default implied roles: {@code admin} implies {@code member}, which implies {@code reader}. A token
 * lists the roles assigned and the roles they imply, as Keystone's tokens do.
 */
final class ImpliedRoles {
    private static final Map<String, List<String>> IMPLIES = Map.of(
            "admin", List.of("member", "reader"),
            "member", List.of("reader"));

    private ImpliedRoles() {
    }

    /** The assigned roles followed by those they imply, each once, drawn from {@code known}. */
    static List<IdentityStore.Role> expand(List<IdentityStore.Role> assigned, List<IdentityStore.Role> known) {
        Set<String> names = new LinkedHashSet<>();
        assigned.forEach(r -> names.add(r.name()));
        assigned.forEach(r -> names.addAll(IMPLIES.getOrDefault(r.name(), List.of())));
        List<IdentityStore.Role> out = new ArrayList<>();
        for (String n : names) {
            assigned.stream().filter(r -> r.name().equals(n)).findFirst()
                    .or(() -> known.stream().filter(r -> r.name().equals(n)).findFirst())
                    .ifPresent(out::add);
        }
        return out;
    }

    /** The same by name: the assigned roles followed by those they imply that exist ({@code known}), each once. */
    static List<String> expandNames(List<String> assigned, Collection<String> known) {
        Set<String> names = new LinkedHashSet<>(assigned);
        for (String r : assigned) {
            for (String implied : IMPLIES.getOrDefault(r, List.of())) {
                if (known.contains(implied)) {
                    names.add(implied);
                }
            }
        }
        return List.copyOf(names);
    }
}
