package io.zunvx.platform.auth;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The cache of verified tokens: until each token's expiry, within its bound, and never for another token. */
class VerifiedTokensTest {
    private static final Instant T0 = Instant.parse("2026-12-01T10:00:00Z");

    /** A clock the test moves by hand. */
    private static final class HandClock extends Clock {
        private Instant now = T0;

        void advance(Duration d) {
            now = now.plus(d);
        }

        @Override
        public ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return now;
        }
    }

    private static TokenService.Verified verified(String user, Instant expiresAt) {
        return new TokenService.Verified(new Identity(user, user, "project", "project", List.of("member"),
                expiresAt), T0, "jti-" + user, true, true);
    }

    @Test
    void aVerifiedTokenIsRememberedUntilItExpires() {
        // GIVEN a token verified now that expires in an hour
        HandClock clock = new HandClock();
        VerifiedTokens cache = new VerifiedTokens(clock, 10);
        TokenService.Verified alice = verified("alice", T0.plus(Duration.ofHours(1)));
        cache.put("token-a", alice);

        // THEN it is known until the second before it expires, and only under its own token
        assertSame(alice, cache.get("token-a"));
        assertNull(cache.get("token-b"));
        assertNull(cache.get("token-a "));
        clock.advance(Duration.ofHours(1).minusSeconds(1));
        assertSame(alice, cache.get("token-a"));

        // AND from its expiry on it is unknown, and dropped
        clock.advance(Duration.ofSeconds(1));
        assertNull(cache.get("token-a"));
        assertEquals(0, cache.size());
    }

    @Test
    void anExpiredOrUnboundedTokenIsNotRemembered() {
        HandClock clock = new HandClock();
        VerifiedTokens cache = new VerifiedTokens(clock, 10);

        // WHEN tokens that expire now, expired already, or carry no expiry are offered
        cache.put("now", verified("now", T0));
        cache.put("past", verified("past", T0.minusSeconds(3)));
        cache.put("never", verified("never", null));

        // THEN none is kept: each is verified in full again
        assertEquals(0, cache.size());
        assertNull(cache.get("now"));
        assertNull(cache.get("past"));
        assertNull(cache.get("never"));
    }

    @Test
    void theBoundDropsExpiredTokensFirstThenEverything() {
        // GIVEN a cache of three, full with one token that expires soon and two that do not
        HandClock clock = new HandClock();
        VerifiedTokens cache = new VerifiedTokens(clock, 3);
        cache.put("soon", verified("soon", T0.plusSeconds(10)));
        cache.put("late-1", verified("late-1", T0.plusSeconds(3600)));
        cache.put("late-2", verified("late-2", T0.plusSeconds(3600)));

        // WHEN the first has expired and another token comes
        clock.advance(Duration.ofSeconds(10));
        cache.put("late-3", verified("late-3", T0.plusSeconds(3600)));

        // THEN the expired one made room, and the others are kept
        assertEquals(3, cache.size());
        assertTrue(cache.get("late-1") != null && cache.get("late-2") != null && cache.get("late-3") != null);

        // WHEN another comes and none has expired
        cache.put("late-4", verified("late-4", T0.plusSeconds(3600)));

        // THEN the cache never grows past its bound: the older entries were dropped, the new one kept
        assertEquals(1, cache.size());
        assertTrue(cache.get("late-4") != null);
        assertNull(cache.get("late-1"));
    }

    @Test
    void aBoundBelowOneIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> new VerifiedTokens(Clock.systemUTC(), 0));
    }
}
