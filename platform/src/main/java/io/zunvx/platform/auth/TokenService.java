package io.zunvx.platform.auth;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.vertx.sqlclient.SqlClient;
import io.vertx.sqlclient.Tuple;
import io.zunvx.platform.db.Database;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.registry.CredentialCipher;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Issues and verifies the platform's tokens: JWTs signed with ES256 keys kept in PostgreSQL, so every API instance and
 * every role verifies the same tokens. Public keys are in {@code signing_keys}, which every role reads; the private
 * keys are in {@code signing_key_secrets}, sealed with AES-256-GCM under {@code ZUNVX_SIGNING_KEY_SECRET} (or the
 * all-in-one's key file), and only a signing service ({@link #load} with a cipher: the api and wsproxy roles) reads
 * them. A verifying service ({@link #loadVerifier}: compute hosts) never touches that table, so its database role
 * needs no grant on it.
 *
 * <p>The newest key signs; all unretired keys verify (rotation by {@code kid}). Keys are re-read every
 * {@code ZUNVX_SIGNING_KEY_REFRESH} ({@link #maintain}), and at once when a token names a {@code kid} not yet known,
 * so a rotation reaches running processes without a restart. A signer also adds a key when the newest is older than
 * {@code ZUNVX_SIGNING_KEY_ROTATION}, and retires a key (dropping its private part) once every token it can have
 * signed has expired: its successor has signed for the token lifetime plus the refresh interval and the leeway.
 *
 * <p>Only ES256 is accepted: {@code alg: none} and other algorithms fail. When an external OpenID Connect issuer is
 * trusted ({@link #trusting}), tokens naming that issuer are checked against its keys instead.
 */
public final class TokenService {
    public static final String ALGORITHM = "ES256";
    public static final String AUDIENCE = "zunvx";
    /** The issuer of this platform's own tokens: stable across restarts, addresses and instances. */
    public static final String ISSUER = "zunvx";
    /**
     * The claim that marks a token issued by the identity service for a user and project of its tables
     * ({@link #issueForAccount}); such a token is only as good as that user, project and role assignment are now.
     */
    public static final String ACCOUNT_CLAIM = "account";
    /** The value of {@link #ACCOUNT_CLAIM}: an account of the platform's own identity tables. */
    public static final String LOCAL_ACCOUNT = "local";
    /** Seconds of clock difference allowed on {@code exp} and {@code nbf}. */
    static final int LEEWAY_SECONDS = 5;
    /** A sealed private key as stored: this prefix, then the Base64 of nonce, ciphertext and tag. */
    private static final String SEALED = "aes256gcm:";
    private static final Logger LOG = LoggerFactory.getLogger(TokenService.class);

    private final KeyRing ring;
    private final String issuer;
    private final Duration ttl;
    private final Clock clock;
    private final ExternalIssuer external;
    private final VerifiedTokens verified;

    private TokenService(KeyRing ring, String issuer, Duration ttl, Clock clock, ExternalIssuer external,
                         VerifiedTokens verified) {
        this.ring = ring;
        this.issuer = issuer;
        this.ttl = ttl;
        this.clock = clock;
        this.external = external;
        this.verified = verified;
    }

    /**
     * The same service that also accepts the tokens of {@code issuer} (an external OpenID Connect provider). Its
     * own tokens and keys are unchanged; tokens are routed by their {@code iss} claim, then fully verified.
     */
    public TokenService trusting(ExternalIssuer issuer) {
        if (issuer != null && issuer.issuer().equals(this.issuer)) {
            throw new IllegalArgumentException("an external issuer cannot be named like this platform: " + this.issuer);
        }
        return new TokenService(ring, this.issuer, ttl, clock, issuer, verified);
    }

    /**
     * A signing service: loads the keys, creating the first one if there is none, and the newest private key, unsealed
     * with {@code cipher}. Several instances starting at once create one first key between them: the check and the
     * insert run under a table lock, so none signs with a key the others have not seen yet.
     */
    public static Future<TokenService> load(Vertx vertx, Pool pool, String issuer, Duration ttl, Clock clock,
                                            CredentialCipher cipher) {
        KeyRing ring = new KeyRing(vertx, pool, issuer, cipher);
        return keys(pool).compose(rows -> rows.isEmpty() ? createFirstKey(pool, clock, cipher)
                        : Future.succeededFuture())
                .compose(v -> ring.refresh())
                .map(v -> new TokenService(ring, issuer, ttl, clock, null,
                        new VerifiedTokens(clock, VerifiedTokens.DEFAULT_MAX_ENTRIES)));
    }

    /**
     * A verifying service: only the public keys are read ({@code signing_keys}); {@link #issue} fails. Without any
     * key yet (no signing role has started) it refuses every token until a refresh finds one.
     */
    public static Future<TokenService> loadVerifier(Vertx vertx, Pool pool, String issuer, Duration ttl,
                                                    Clock clock) {
        KeyRing ring = new KeyRing(vertx, pool, issuer, null);
        return ring.refresh().map(v -> new TokenService(ring, issuer, ttl, clock, null,
                new VerifiedTokens(clock, VerifiedTokens.DEFAULT_MAX_ENTRIES)));
    }

    /**
     * {@link #rotate} through a connection of its own to {@code database}, closed afterwards: for a one-off command
     * that has no platform.
     */
    public static Future<Void> rotate(Vertx vertx, Database database, Clock clock, CredentialCipher cipher) {
        Pool pool = database.pool(vertx, 1, "zunvx-rotate");
        return rotate(pool, clock, cipher).eventually(pool::close);
    }

    /** Adds a new signing key, sealed with {@code cipher}; the old ones keep verifying until retired. */
    public static Future<Void> rotate(Pool pool, Clock clock, CredentialCipher cipher) {
        return createKey(pool, clock, cipher);
    }

    /**
     * The PEM of a private key as {@code signing_key_secrets} stores it, unsealed with {@code cipher} (for tools and
     * tests that must sign as the platform does).
     *
     * @throws IllegalArgumentException if it was sealed with another key or altered
     */
    public static String privateKeyPem(String stored, CredentialCipher cipher) {
        return stored.startsWith(SEALED) ? cipher.decrypt(Base64.getDecoder().decode(stored.substring(SEALED.length())))
                : stored;
    }

    /** Whether this service signs (it holds a private key). */
    public boolean signs() {
        return ring.cipher != null;
    }

    /** The {@code kid} new tokens are signed with, {@code null} for a verifying service. */
    public String signingKid() {
        return ring.state.kid;
    }

    /**
     * Keeps the keys current: every {@code refresh}, a signer first adds a key if the newest is older than
     * {@code rotation} and retires keys no unexpired token can carry any more; then every service re-reads the keys.
     *
     * Stopped by {@link #stopMaintenance()}.
     */
    public void maintain(Duration refresh, Duration rotation) {
        stopMaintenance();
        ring.timer = ring.vertx.setPeriodic(refresh.toMillis(), id -> {
            Future<Void> upkeep = signs() ? rotateIfOlder(rotation).compose(v -> retire(refresh))
                    : Future.succeededFuture();
            upkeep.compose(v -> ring.refresh())
                    .onFailure(e -> LOG.warn("cannot refresh the token signing keys: {}", e.toString()));
        });
    }

    /** Stops what {@link #maintain} started, if anything. */
    public void stopMaintenance() {
        long t = ring.timer;
        if (t >= 0) {
            ring.vertx.cancelTimer(t);
            ring.timer = -1;
        }
    }

    /** Re-reads the keys now. */
    public Future<Void> refresh() {
        return ring.refresh();
    }

    private Future<Void> rotateIfOlder(Duration rotation) {
        return keys(ring.pool).compose(rows -> {
            Instant newest = rows.isEmpty() ? null : rows.getFirst().getOffsetDateTime("created_at").toInstant();
            if (newest != null && newest.plus(rotation).isAfter(clock.instant())) {
                return Future.succeededFuture();
            }
            LOG.info("the newest token signing key is older than {}: adding one", rotation);
            return createKey(ring.pool, clock, ring.cipher);
        });
    }

    /**
     * Retires every key that a newer key has replaced for long enough: the newer one was made before
     * {@code now - (ttl + refresh + leeway)}, so every instance has signed with it (or a newer one) for a whole token
     * lifetime. A retired key's private part is deleted; its public row stays, marked.
     */
    private Future<Void> retire(Duration refresh) {
        Instant cutoff = clock.instant().minus(ttl).minus(refresh).minusSeconds(LEEWAY_SECONDS);
        return ring.pool.withTransaction(sql -> sql.preparedQuery("""
                        UPDATE signing_keys k SET retired_at = $1
                        WHERE k.retired_at IS NULL AND EXISTS (
                            SELECT 1 FROM signing_keys n
                            WHERE (n.created_at, n.seq) > (k.created_at, k.seq) AND n.created_at <= $2)
                        RETURNING k.kid""")
                .execute(Tuple.of(clock.instant().atOffset(ZoneOffset.UTC), cutoff.atOffset(ZoneOffset.UTC)))
                .compose(rows -> {
                    rows.forEach(r -> LOG.info("retired token signing key {}", r.getString("kid")));
                    return sql.query("DELETE FROM signing_key_secrets s USING signing_keys k "
                            + "WHERE s.kid = k.kid AND k.retired_at IS NOT NULL").execute();
                })).mapEmpty();
    }

    private static Future<List<Row>> keys(Pool pool) {
        return pool.query("SELECT kid, public_key, created_at, seq FROM signing_keys WHERE retired_at IS NULL "
                        + "ORDER BY created_at DESC, seq DESC")
                .execute().map(rs -> {
                    List<Row> out = new ArrayList<>();
                    rs.forEach(out::add);
                    return out;
                });
    }

    private static Future<Void> createFirstKey(Pool pool, Clock clock, CredentialCipher cipher) {
        return pool.withTransaction(tx -> tx.query("LOCK TABLE signing_keys IN EXCLUSIVE MODE").execute()
                .compose(v -> tx.query("SELECT 1 FROM signing_keys WHERE retired_at IS NULL LIMIT 1").execute())
                .compose(rs -> rs.size() > 0 ? Future.<Void>succeededFuture() : insertKey(tx, clock, cipher)));
    }

    private static Future<Void> createKey(Pool pool, Clock clock, CredentialCipher cipher) {
        return pool.withTransaction(tx -> insertKey(tx, clock, cipher));
    }

    private static Future<Void> insertKey(SqlClient sql, Clock clock, CredentialCipher cipher) {
        if (cipher == null) {
            return Future.failedFuture(new IllegalStateException("a verifying service cannot make signing keys"));
        }
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            String sealed = SEALED + Base64.getEncoder().encodeToString(
                    cipher.encrypt(pem("PRIVATE KEY", kp.getPrivate().getEncoded())));
            String pub = pem("PUBLIC KEY", kp.getPublic().getEncoded());
            String kid = UUID.randomUUID().toString();
            return sql.preparedQuery("""
                            INSERT INTO signing_keys (kid, algorithm, public_key, created_at)
                            VALUES ($1, $2, $3, $4)""")
                    .execute(Tuple.of(kid, ALGORITHM, pub, clock.instant().atOffset(ZoneOffset.UTC)))
                    .compose(v -> sql.preparedQuery("INSERT INTO signing_key_secrets (kid, private_key) "
                            + "VALUES ($1, $2)").execute(Tuple.of(kid, sealed))).mapEmpty();
        } catch (GeneralSecurityException e) {
            return Future.failedFuture(e);
        }
    }

    /** What one load of the keys gives: the signer (or none), its kid, the verifier and the published set. */
    private record KeyState(JWTAuth signer, String kid, JWTAuth verifier, JsonArray jwks, Set<String> kids) {
    }

    /** The keys a service and its copies ({@link #trusting}) share, replaced as a whole on every refresh. */
    private static final class KeyRing {
        final Vertx vertx;
        final Pool pool;
        final String issuer;
        final CredentialCipher cipher;
        volatile KeyState state = new KeyState(null, null, null, new JsonArray(), Set.of());
        volatile long lastRefresh = System.nanoTime() - TimeUnit.MINUTES.toNanos(1);
        volatile long timer = -1;

        KeyRing(Vertx vertx, Pool pool, String issuer, CredentialCipher cipher) {
            this.vertx = vertx;
            this.pool = pool;
            this.issuer = issuer;
            this.cipher = cipher;
        }

        Future<Void> refresh() {
            lastRefresh = System.nanoTime();
            return keys(pool).compose(rows -> {
                if (cipher == null) {
                    // A verifier may start before any signer made the first key: it verifies nothing until then,
                    // and a token naming a kid it does not know makes it look again.
                    return Future.succeededFuture(build(rows, null));
                }
                if (rows.isEmpty()) {
                    return Future.failedFuture(new IllegalStateException("there is no token signing key"));
                }
                String kid = rows.getFirst().getString("kid");
                return pool.preparedQuery("SELECT private_key FROM signing_key_secrets WHERE kid = $1")
                        .execute(Tuple.of(kid)).compose(rs -> {
                            if (rs.size() == 0) {
                                return Future.failedFuture(new IllegalStateException(
                                        "the private part of signing key " + kid + " is missing"));
                            }
                            String stored = rs.iterator().next().getString("private_key");
                            return unseal(kid, stored).map(pemText -> build(rows, pemText));
                        });
            }).map(next -> {
                state = next;
                return null;
            });
        }

        /** The PEM of a stored private key; a plaintext one (stored before sealing existed) is sealed now. */
        private Future<String> unseal(String kid, String stored) {
            if (stored.startsWith(SEALED)) {
                try {
                    return Future.succeededFuture(privateKeyPem(stored, cipher));
                } catch (IllegalArgumentException e) {
                    return Future.failedFuture(new IllegalStateException("signing key " + kid + ": "
                            + e.getMessage(), e));
                }
            }
            String sealed = SEALED + Base64.getEncoder().encodeToString(cipher.encrypt(stored));
            return pool.preparedQuery("UPDATE signing_key_secrets SET private_key = $2 WHERE kid = $1 "
                            + "AND private_key = $3")
                    .execute(Tuple.of(kid, sealed, stored))
                    .onSuccess(r -> LOG.info("sealed the plaintext private part of signing key {}", kid))
                    .map(stored);
        }

        private KeyState build(List<Row> rows, String privatePem) {
            String kid = rows.isEmpty() ? null : rows.getFirst().getString("kid");
            JWTAuth signer = privatePem == null ? null : JWTAuth.create(vertx, new JWTAuthOptions()
                    .addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setId(kid).setBuffer(privatePem)));
            JWTAuthOptions v = new JWTAuthOptions().setJWTOptions(new JWTOptions()
                    .setIssuer(issuer).setAudience(List.of(AUDIENCE)).setLeeway(LEEWAY_SECONDS));
            JsonArray jwks = new JsonArray();
            Set<String> kids = new HashSet<>();
            for (Row r : rows) {
                v.addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setId(r.getString("kid"))
                        .setBuffer(r.getString("public_key")));
                jwks.add(jwk(r.getString("kid"), r.getString("public_key")));
                kids.add(r.getString("kid"));
            }
            return new KeyState(signer, privatePem == null ? null : kid, JWTAuth.create(vertx, v), jwks,
                    Set.copyOf(kids));
        }
    }

    /**
     * A signed token for {@code who}, valid for the configured lifetime. Such a token stands on its own: nothing but
     * its signature and time are checked, so it is for the platform's roles talking to each other (and tests).
     */
    public Token issue(Identity who) {
        return issue(who, false);
    }

    /**
     * A signed token for a user of the identity service, scoped to one of its projects: like {@link #issue}, and
     * marked ({@link #ACCOUNT_CLAIM}) so that whoever honours it also checks that the user and project are still
     * enabled and the user still holds a role there ({@link Verified#account()}).
     */
    public Token issueForAccount(Identity who) {
        return issue(who, true, null);
    }

    /**
     * As {@link #issueForAccount(Identity)}, expiring at {@code notAfter} if that comes before the configured
     * lifetime ends ({@code null}: the lifetime); a token renewed from another keeps the other's expiry.
     */
    public Token issueForAccount(Identity who, Instant notAfter) {
        return issue(who, true, notAfter);
    }

    private Token issue(Identity who, boolean account) {
        return issue(who, account, null);
    }

    private Token issue(Identity who, boolean account, Instant notAfter) {
        Instant now = clock.instant();
        Instant exp = notAfter != null && notAfter.isBefore(now.plus(ttl)) ? notAfter : now.plus(ttl);
        JsonObject claims = new JsonObject()
                .put("sub", who.userId())
                .put("name", who.userName())
                .put("project_id", who.projectId())
                .put("project_name", who.projectName())
                .put("roles", new JsonArray(new ArrayList<>(who.roles())))
                .put("iat", now.getEpochSecond())
                .put("nbf", now.getEpochSecond())
                .put("exp", exp.getEpochSecond())
                .put("jti", UUID.randomUUID().toString());
        if (account) {
            claims.put(ACCOUNT_CLAIM, LOCAL_ACCOUNT);
        }
        KeyState keys = ring.state;
        if (keys.signer() == null) {
            throw new IllegalStateException("this service only verifies tokens; it holds no private key");
        }
        String jwt = keys.signer().generateToken(claims, new JWTOptions()
                .setAlgorithm(ALGORITHM)
                .setIssuer(issuer)
                .setAudience(List.of(AUDIENCE))
                .setNoTimestamp(true)
                .setHeader(new JsonObject().put("kid", keys.kid())));
        return new Token(jwt, now, exp);
    }

    /** Verifies signature, algorithm, issuer, audience and time; a bad token fails with a 401 ZunException. */
    public Future<Identity> verify(String token) {
        return inspect(token).map(Verified::identity);
    }

    /**
     * Like {@link #verify}, and also says when the token was issued, its id, and whether this platform issued it
     * (rather than a trusted external issuer).
     *
     * <p>A token of this platform that verified before is not verified again until it expires ({@link
     * VerifiedTokens}: its claims are signed and cannot change); what can change behind it, its account, is for the
     * caller to check every time ({@link Verified#account()}). An external issuer's tokens are verified every time.
     */
    public Future<Verified> inspect(String token) {
        if (token == null || token.isBlank()) {
            return Future.failedFuture(unauthorized());
        }
        Verified known = verified.get(token);
        if (known != null) {
            return Future.succeededFuture(known);
        }
        if (external != null) {
            JsonObject header = part(token, 0);
            JsonObject claims = part(token, 1);
            // Routing only: the chosen verifier checks signature, issuer and audience in full.
            if (header != null && claims != null && external.issuer().equals(claims.getValue("iss"))) {
                return external.verify(token, header);
            }
        }
        JsonObject header = part(token, 0);
        Object kid = header == null ? null : header.getValue("kid");
        // A kid not known yet may be a key another instance just added: re-read the keys (at most once a second).
        Future<Void> current = kid instanceof String k && !ring.state.kids().contains(k)
                && System.nanoTime() - ring.lastRefresh > TimeUnit.SECONDS.toNanos(1)
                ? ring.refresh().recover(e -> Future.succeededFuture()) : Future.succeededFuture();
        return current.compose(v -> ring.state.verifier().authenticate(new TokenCredentials(token)))
                .recover(e -> Future.failedFuture(unauthorized()))
                .compose(user -> {
                    JsonObject p = user.principal();
                    String sub = p.getString("sub");
                    String project = p.getString("project_id");
                    // Vert.x moves the time claims from the principal into the user's attributes.
                    Object expClaim = user.containsKey("exp") ? user.get("exp") : null;
                    Long exp = expClaim instanceof Number n ? n.longValue() : null;
                    Object iatClaim = user.containsKey("iat") ? user.get("iat") : null;
                    Instant iat = iatClaim instanceof Number n ? Instant.ofEpochSecond(n.longValue()) : null;
                    if (sub == null || project == null || exp == null) {
                        return Future.failedFuture(unauthorized());
                    }
                    List<String> roles = new ArrayList<>();
                    JsonArray r = p.getJsonArray("roles", new JsonArray());
                    r.forEach(x -> roles.add(String.valueOf(x)));
                    Verified v = new Verified(new Identity(sub, p.getString("name"), project,
                            p.getString("project_name"), roles, Instant.ofEpochSecond(exp)), iat,
                            p.getString("jti"), true, LOCAL_ACCOUNT.equals(p.getValue(ACCOUNT_CLAIM)));
                    verified.put(token, v);
                    return Future.succeededFuture(v);
                });
    }

    /** A decoded, unverified JWT part, or {@code null} if it is not one. */
    private static JsonObject part(String token, int index) {
        String[] parts = token.split("\\.", -1);
        if (parts.length != 3) {
            return null;
        }
        try {
            return new JsonObject(new String(Base64.getUrlDecoder().decode(parts[index]),
                    StandardCharsets.UTF_8));
        } catch (RuntimeException e) {
            return null;
        }
    }

    /** Public keys as a JWK set. */
    public JsonObject jwks() {
        return new JsonObject().put("keys", ring.state.jwks().copy());
    }

    public String issuer() {
        return issuer;
    }

    /** The 401 every refused token gets. */
    public static ZunException unauthorized() {
        return new ZunException(401, "unauthorized", "The request you have made requires authentication.");
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes()).encodeToString(der)
                + "\n-----END " + type + "-----\n";
    }

    private static JsonObject jwk(String kid, String publicPem) {
        try {
            String b64 = publicPem.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
            var spec = new X509EncodedKeySpec(Base64.getDecoder().decode(b64));
            ECPublicKey key = (ECPublicKey) KeyFactory.getInstance("EC").generatePublic(spec);
            Base64.Encoder url = Base64.getUrlEncoder().withoutPadding();
            return new JsonObject().put("kty", "EC").put("crv", "P-256").put("alg", ALGORITHM).put("use", "sig")
                    .put("kid", kid)
                    .put("x", url.encodeToString(unsigned(key.getW().getAffineX().toByteArray())))
                    .put("y", url.encodeToString(unsigned(key.getW().getAffineY().toByteArray())));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] unsigned(byte[] b) {
        byte[] out = new byte[32];
        int n = Math.min(b.length, 32);
        System.arraycopy(b, b.length - n, out, 32 - n, n);
        return out;
    }

    /**
     * A verified token.
     *
     * @param identity the caller
     * @param issuedAt its {@code iat}, if it had one
     * @param tokenId  its {@code jti}, if it had one
     * @param local    whether this platform issued it
     * @param account  whether this platform's identity service issued it for a user and project of its tables
     *                 ({@link #issueForAccount}): its claims hold only while that user and project are enabled and
     *                 the user has a role on the project, which the caller must check
     */
    public record Verified(Identity identity, Instant issuedAt, String tokenId, boolean local, boolean account) {
    }

    /** An issued token. */
    public record Token(String value, Instant issuedAt, Instant expiresAt) {
        @Override
        public String toString() {
            return "Token[issuedAt=" + issuedAt + ", expiresAt=" + expiresAt + "]";
        }
    }
}
