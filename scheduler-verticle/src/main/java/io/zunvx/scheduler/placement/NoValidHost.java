package io.zunvx.scheduler.placement;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * No host can take the request.
 *
 * @param rejectedByFilter for each filter that rejected hosts (in the order they ran), how many it rejected; each
 *                         host is counted once, for the first filter that rejected it
 * @param hostsConsidered  hosts in the snapshot
 */
public record NoValidHost(Map<String, Integer> rejectedByFilter, int hostsConsidered) implements Decision {

    public NoValidHost {
        Objects.requireNonNull(rejectedByFilter, "rejectedByFilter");
        rejectedByFilter = Collections.unmodifiableMap(new LinkedHashMap<>(rejectedByFilter));
        if (hostsConsidered < 0) {
            throw new IllegalArgumentException("hostsConsidered must not be negative");
        }
    }

    /**
     * The message for the container's {@code status_reason}, filters that rejected most first, e.g. {@code There
     * are not enough hosts available. 3 hosts considered: MemoryFilter rejected 2 (not enough memory),
     * ServiceEnabledFilter rejected 1 (disabled or down).}
     */
    public String reason() {
        StringBuilder sb = new StringBuilder("There are not enough hosts available. ")
                .append(hostsConsidered).append(hostsConsidered == 1 ? " host" : " hosts").append(" considered");
        List<Map.Entry<String, Integer>> entries = new ArrayList<>();
        for (Map.Entry<String, Integer> e : rejectedByFilter.entrySet()) {
            if (e.getValue() != null && e.getValue() > 0) {
                entries.add(e);
            }
        }
        // List.sort is stable: equal counts keep the order the filters ran in.
        entries.sort((a, b) -> Integer.compare(b.getValue(), a.getValue()));
        String separator = ": ";
        for (Map.Entry<String, Integer> e : entries) {
            sb.append(separator).append(e.getKey()).append(" rejected ").append(e.getValue());
            String why = HostFilter.explanationOf(e.getKey());
            if (why != null) {
                sb.append(" (").append(why).append(')');
            }
            separator = ", ";
        }
        return sb.append('.').toString();
    }
}
