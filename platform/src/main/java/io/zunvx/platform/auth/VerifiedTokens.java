package io.zunvx.platform.auth;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Instant;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Tokens whose signature, algorithm, issuer, audience and time this process has already checked, keyed by the
 * SHA-256 of the token (the token itself is not kept), each until its own {@code exp}. Checking an ES256 signature
 * costs about a millisecond of CPU; a caller sends the same token again and again, so the check is done once per
 * token and process.
 *
 * <p>Only what the token itself proves is remembered: the claims under a valid signature cannot change. Whatever can
 * change — the user, the project and the role assignment behind an identity service token — is checked on every
 * request after this cache by the account check, exactly as before. A failed verification is never remembered.
 *
 * <p>At most {@link #maxEntries} tokens are kept; past that, expired ones are dropped, and if that is not enough, all
 * of them (each is verified again on its next use).
 */
final class VerifiedTokens {
    /** The default bound: a few MiB at most. */
    static final int DEFAULT_MAX_ENTRIES = 10_000;

    private final ConcurrentHashMap<Key, TokenService.Verified> entries = new ConcurrentHashMap<>();
    private final Clock clock;
    private final int maxEntries;

    VerifiedTokens(Clock clock, int maxEntries) {
        if (maxEntries < 1) {
            throw new IllegalArgumentException("maxEntries must be at least 1");
        }
        this.clock = clock;
        this.maxEntries = maxEntries;
    }

    /** A token verified before and not expired now, or {@code null}. */
    TokenService.Verified get(String token) {
        Key key = Key.of(token);
        TokenService.Verified v = entries.get(key);
        if (v == null) {
            return null;
        }
        if (!clock.instant().isBefore(v.identity().expiresAt())) {
            entries.remove(key, v);
            return null;
        }
        return v;
    }

    /** Remembers a token that has just passed verification, unless it expires now. */
    void put(String token, TokenService.Verified verified) {
        Instant now = clock.instant();
        if (verified.identity().expiresAt() == null || !now.isBefore(verified.identity().expiresAt())) {
            return;
        }
        if (entries.size() >= maxEntries) {
            entries.values().removeIf(e -> !now.isBefore(e.identity().expiresAt()));
            if (entries.size() >= maxEntries) {
                entries.clear();
            }
        }
        entries.put(Key.of(token), verified);
    }

    int size() {
        return entries.size();
    }

    /** The SHA-256 of a token, as four longs. */
    private record Key(long a, long b, long c, long d) {
        static Key of(String token) {
            try {
                ByteBuffer h = ByteBuffer.wrap(MessageDigest.getInstance("SHA-256")
                        .digest(token.getBytes(StandardCharsets.UTF_8)));
                return new Key(h.getLong(), h.getLong(), h.getLong(), h.getLong());
            } catch (NoSuchAlgorithmException e) {
                throw new IllegalStateException("SHA-256 is missing from this JDK", e);
            }
        }
    }
}
