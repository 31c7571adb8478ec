package io.zunvx.wsproxy;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The open sessions of this proxy instance per user ({@code ZUNVX_WSPROXY_MAX_SESSIONS_PER_USER}): a session takes a
 * slot before its upgrade is accepted and gives it back when it ends, whichever side ends it.
 */
final class Sessions {
    private final int maxPerUser;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();

    Sessions(int maxPerUser) {
        this.maxPerUser = maxPerUser;
    }

    /** Takes a slot for {@code user}; {@code false} (nothing taken) when the user already holds the most. */
    boolean take(String user) {
        boolean[] taken = {false};
        open.compute(user, (u, n) -> {
            int now = n == null ? 0 : n;
            if (now >= maxPerUser) {
                return n;
            }
            taken[0] = true;
            return now + 1;
        });
        return taken[0];
    }

    /** Gives back a slot taken by {@link #take}. */
    void release(String user) {
        open.computeIfPresent(user, (u, n) -> n <= 1 ? null : n - 1);
    }

    int maxPerUser() {
        return maxPerUser;
    }

    /** The sessions {@code user} holds now. */
    int of(String user) {
        return open.getOrDefault(user, 0);
    }
}
