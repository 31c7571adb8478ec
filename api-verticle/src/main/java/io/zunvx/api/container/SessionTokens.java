package io.zunvx.api.container;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.platform.auth.Identity;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.UUID;

/**
 * The one-time tokens in the WebSocket URLs that attach and interactive exec hand out, and the exec instances those
 * sessions start ({@code websocket_tokens}, {@code exec_instances}). A token is 32 random bytes (Base64url); only its
 * SHA-256 is stored, with an expiry, so the proxy can check a presented token without the database ever holding one.
 */
final class SessionTokens {
    private final SecureRandom random;
    private final Clock clock;
    private final Duration ttl;

    SessionTokens(SecureRandom random, Clock clock, Duration ttl) {
        this.random = random;
        this.clock = clock;
        this.ttl = ttl;
    }

    /** A fresh token, as it goes into the URL. */
    String newToken() {
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** What is stored for {@code token}: its SHA-256 in lowercase hex. */
    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }

    /**
     * Stores an attach token for the container, replacing its earlier attach tokens (as Zun keeps one token per
     * container), and drops the container's expired tokens. Run it in a transaction.
     */
    Future<Void> storeAttach(SqlClient tx, UUID container, String token, Identity who) {
        Instant now = clock.instant();
        return tx.preparedQuery("""
                        DELETE FROM websocket_tokens
                        WHERE container_uuid = $1 AND (exec_id IS NULL OR expires_at < $2)""")
                .execute(Tuple.of(container, odt(now)))
                .compose(r -> insertToken(tx, container, null, token, who, now));
    }

    /** Records an exec instance made for a session and stores its token. Run it in a transaction. */
    Future<Void> storeExec(SqlClient tx, UUID container, String host, String execId, List<String> command,
                           boolean tty, String token, Identity who) {
        Instant now = clock.instant();
        return tx.preparedQuery("""
                        DELETE FROM websocket_tokens WHERE container_uuid = $1 AND expires_at < $2""")
                .execute(Tuple.of(container, odt(now)))
                .compose(r -> tx.preparedQuery("""
                                INSERT INTO exec_instances (exec_id, container_uuid, host, command, tty, project_id,
                                    user_id, created_at)
                                VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (exec_id) DO NOTHING""")
                        .execute(Tuple.from(new Object[] {execId, container, host, new JsonArray(List.copyOf(command)),
                                tty, who.projectId(), who.userId(), odt(now)})))
                .compose(r -> insertToken(tx, container, execId, token, who, now));
    }

    private Future<Void> insertToken(SqlClient tx, UUID container, String execId, String token, Identity who,
                                     Instant now) {
        return tx.preparedQuery("""
                        INSERT INTO websocket_tokens (token_hash, container_uuid, exec_id, project_id, user_id,
                            created_at, expires_at)
                        VALUES ($1, $2, $3, $4, $5, $6, $7)""")
                .execute(Tuple.from(new Object[] {hash(token), container, execId, who.projectId(), who.userId(),
                        odt(now), odt(now.plus(ttl))}))
                .mapEmpty();
    }

    private static OffsetDateTime odt(Instant i) {
        return i.atOffset(ZoneOffset.UTC);
    }
}
