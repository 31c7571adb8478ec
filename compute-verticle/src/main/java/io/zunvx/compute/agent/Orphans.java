package io.zunvx.compute.agent;

import io.zunvx.compute.driver.Observed;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The grace given to orphans: runtime containers labelled for this host whose uuid has no row. One is due for removal
 * once it has been seen in every listing for the grace period; one that leaves a listing (removed, or recorded meanwhile)
 * starts over. The grace covers a create whose row is written just after the runtime container.
 *
 * <p>Not thread-safe: used from the sync loop's context.
 */
final class Orphans {
    private final Duration grace;
    private final Map<String, Instant> firstSeen = new HashMap<>();

    Orphans(Duration grace) {
        this.grace = grace;
    }

    /**
     * Records one listing and answers the orphans due now, each answered once (seen again later, it starts over).
     *
     * @param byUuid the listed runtime containers by their uuid label
     * @param known  the uuids that have a row
     */
    List<Observed> due(Map<String, Observed> byUuid, Set<String> known, Instant now) {
        Set<String> current = new HashSet<>();
        List<Observed> due = new ArrayList<>();
        for (Map.Entry<String, Observed> e : byUuid.entrySet()) {
            if (known.contains(e.getKey())) {
                continue;
            }
            String id = e.getValue().id();
            current.add(id);
            Instant first = firstSeen.computeIfAbsent(id, k -> now);
            if (!first.plus(grace).isAfter(now)) {
                due.add(e.getValue());
                firstSeen.remove(id);
            }
        }
        firstSeen.keySet().retainAll(current);
        return due;
    }
}
