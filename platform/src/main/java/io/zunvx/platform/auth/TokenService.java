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
import io.zunvx.platform.error.ZunException;
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
import java.util.List;
import java.util.UUID;

/**
 * Issues and verifies the platform's tokens: JWTs signed with ES256 keys kept in PostgreSQL ({@code signing_keys}),
 * so every API instance and every role verifies the same tokens. The newest key signs; all unretired keys verify
 * (rotation by {@code kid}). Only ES256 is accepted: {@code alg: none} and other algorithms fail. When an external
 * OpenID Connect issuer is trusted ({@link #trusting}), tokens naming that issuer are checked against its keys instead.
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

    private final JWTAuth signer;
    private final JWTAuth verifier;
    private final String kid;
    private final String issuer;
    private final Duration ttl;
    private final Clock clock;
    private final JsonArray jwks;
    private final ExternalIssuer external;
    private final VerifiedTokens verified;

    private TokenService(JWTAuth signer, JWTAuth verifier, String kid, String issuer, Duration ttl, Clock clock,
                         JsonArray jwks, ExternalIssuer external, VerifiedTokens verified) {
        this.signer = signer;
        this.verifier = verifier;
        this.kid = kid;
        this.issuer = issuer;
        this.ttl = ttl;
        this.clock = clock;
        this.jwks = jwks;
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
        return new TokenService(signer, verifier, kid, this.issuer, ttl, clock, jwks, issuer, verified);
    }

    /**
     * Loads the keys, creating the first one if there is none. Several instances starting at once create one key
     * between them: the check and the insert run under a table lock, so every instance signs with a key the others
     * know (each loads the keys once, at start).
     */
    public static Future<TokenService> load(Vertx vertx, Pool pool, String issuer, Duration ttl, Clock clock) {
        return keys(pool).compose(rows -> rows.isEmpty()
                        ? pool.withTransaction(tx -> tx.query("LOCK TABLE signing_keys IN EXCLUSIVE MODE").execute()
                                .compose(v -> tx.query("SELECT 1 FROM signing_keys WHERE retired_at IS NULL LIMIT 1")
                                        .execute())
                                .compose(rs -> rs.size() > 0 ? Future.<Void>succeededFuture() : createKey(tx, clock)))
                                .compose(v -> keys(pool))
                        : Future.succeededFuture(rows))
                .map(rows -> build(vertx, rows, issuer, ttl, clock));
    }

    /** Adds a new signing key; the old ones keep verifying until retired. */
    public static Future<Void> rotate(Pool pool, Clock clock) {
        return createKey(pool, clock);
    }

    private static Future<List<Row>> keys(Pool pool) {
        return pool.query("SELECT * FROM signing_keys WHERE retired_at IS NULL ORDER BY created_at DESC, seq DESC")
                .execute().map(rs -> {
                    List<Row> out = new ArrayList<>();
                    rs.forEach(out::add);
                    return out;
                });
    }

    private static Future<Void> createKey(SqlClient db, Clock clock) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            String priv = pem("PRIVATE KEY", kp.getPrivate().getEncoded());
            String pub = pem("PUBLIC KEY", kp.getPublic().getEncoded());
            return db.preparedQuery("""
                            INSERT INTO signing_keys (kid, algorithm, private_key, public_key, created_at)
                            VALUES ($1, $2, $3, $4, $5)""")
                    .execute(Tuple.of(UUID.randomUUID().toString(), ALGORITHM, priv, pub,
                            clock.instant().atOffset(ZoneOffset.UTC)))
                    .mapEmpty();
        } catch (GeneralSecurityException e) {
            return Future.failedFuture(e);
        }
    }

    private static TokenService build(Vertx vertx, List<Row> rows, String issuer, Duration ttl, Clock clock) {
        Row newest = rows.getFirst();
        String kid = newest.getString("kid");
        JWTAuth signer = JWTAuth.create(vertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
                .setAlgorithm(ALGORITHM).setId(kid).setBuffer(newest.getString("private_key"))));
        JWTAuthOptions v = new JWTAuthOptions().setJWTOptions(new JWTOptions()
                .setIssuer(issuer).setAudience(List.of(AUDIENCE)).setLeeway(5));
        JsonArray jwks = new JsonArray();
        for (Row r : rows) {
            v.addPubSecKey(new PubSecKeyOptions().setAlgorithm(ALGORITHM).setId(r.getString("kid"))
                    .setBuffer(r.getString("public_key")));
            jwks.add(jwk(r.getString("kid"), r.getString("public_key")));
        }
        return new TokenService(signer, JWTAuth.create(vertx, v), kid, issuer, ttl, clock, jwks, null,
                new VerifiedTokens(clock, VerifiedTokens.DEFAULT_MAX_ENTRIES));
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
        String jwt = signer.generateToken(claims, new JWTOptions()
                .setAlgorithm(ALGORITHM)
                .setIssuer(issuer)
                .setAudience(List.of(AUDIENCE))
                .setNoTimestamp(true)
                .setHeader(new JsonObject().put("kid", kid)));
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
        return verifier.authenticate(new TokenCredentials(token))
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
        return new JsonObject().put("keys", jwks.copy());
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
