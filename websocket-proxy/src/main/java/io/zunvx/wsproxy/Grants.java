package io.zunvx.wsproxy;

import io.vertx.core.Future;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.Tuple;
import io.zunvx.platform.db.Transactions;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HexFormat;
import java.util.UUID;

/**
 * Redeems the one-time tokens of attach and interactive exec URLs ({@code websocket_tokens}, where only a token's
 * SHA-256 is kept). Redeeming marks the token used in the same statement that finds it, so two connections racing
 * with one URL cannot both get in.
 */
final class Grants {
    /** What a redeemed token allows: a session with this container (and exec instance) on this host. */
    record Grant(UUID container, String host, String endpoint, String status, boolean interactive, String execId,
                 String userId) {
    }

    /** Why a token was refused; the message goes into the log and the refusal. */
    static final class Refused extends RuntimeException {
        final int status;

        Refused(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    private static final String REDEEM = """
            UPDATE websocket_tokens t SET used_at = $4
            FROM containers c
            WHERE t.token_hash = $1 AND t.used_at IS NULL AND t.expires_at > $4
              AND c.uuid = t.container_uuid AND (c.uuid::text = $2 OR c.name = $2)
              AND t.exec_id IS NOT DISTINCT FROM $3
            RETURNING t.token_hash, c.uuid, c.host, c.status, c.interactive, t.exec_id, t.user_id, t.project_id,
                (SELECT n.internal_endpoint FROM compute_nodes n WHERE n.hostname = c.host) AS endpoint""";

    private static final String EXPLAIN = """
            SELECT t.container_uuid, c.name, t.exec_id, t.expires_at, t.used_at
            FROM websocket_tokens t JOIN containers c ON c.uuid = t.container_uuid
            WHERE t.token_hash = $1""";

    private final Transactions db;
    private final Clock clock;

    Grants(Transactions db, Clock clock) {
        this.db = db;
        this.clock = clock;
    }

    /**
     * Marks the token used and answers what it grants, or fails with {@link Refused}: unknown, used, expired, or bound
     * to another container or exec instance.
     *
     * @param container the container's uuid or name, as in the URL
     * @param execId    the exec instance of the URL, {@code null} for attach
     */
    Future<Grant> redeem(String token, String container, String execId) {
        if (token == null || token.isEmpty() || container == null || container.isEmpty()) {
            return Future.failedFuture(new Refused(400, "token and uuid are required"));
        }
        String hash = hash(token);
        OffsetDateTime now = clock.instant().atOffset(ZoneOffset.UTC);
        Tuple args = Tuple.of(hash, container, execId, now);
        return db.withoutTransaction(c -> c.preparedQuery(REDEEM).execute(args)).compose(rows -> {
            if (rows.size() == 1) {
                Row r = rows.iterator().next();
                // The row was found by its hash; comparing again in constant time keeps the check itself free of
                // timing differences whatever the index lookup does.
                if (!MessageDigest.isEqual(hash.getBytes(StandardCharsets.US_ASCII),
                        r.getString("token_hash").getBytes(StandardCharsets.US_ASCII))) {
                    return Future.failedFuture(new Refused(403, "invalid token"));
                }
                return Future.succeededFuture(new Grant(r.getUUID("uuid"), r.getString("host"),
                        r.getString("endpoint"), r.getString("status"), Boolean.TRUE.equals(r.getBoolean("interactive")),
                        r.getString("exec_id"), r.getString("user_id") != null ? r.getString("user_id")
                        : "project:" + r.getString("project_id")));
            }
            return explain(hash, container, execId, now);
        });
    }

    private Future<Grant> explain(String hash, String container, String execId, OffsetDateTime now) {
        return db.withoutTransaction(c -> c.preparedQuery(EXPLAIN).execute(Tuple.of(hash))).compose(rows -> {
            if (rows.size() == 0) {
                return Future.failedFuture(new Refused(403, "invalid token"));
            }
            Row r = rows.iterator().next();
            String reason;
            if (r.getOffsetDateTime("used_at") != null) {
                reason = "token already used";
            } else if (!r.getOffsetDateTime("expires_at").isAfter(now)) {
                reason = "token expired";
            } else if (!r.getUUID("container_uuid").toString().equals(container)
                    && !r.getString("name").equals(container)) {
                reason = "token is for another container";
            } else if (execId == null || r.getString("exec_id") == null) {
                reason = execId == null ? "token is for an exec session" : "token is for an attach session";
            } else {
                reason = "token is for another exec instance";
            }
            return Future.failedFuture(new Refused(403, reason));
        });
    }

    static String hash(String token) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(token.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JVM", e);
        }
    }
}
