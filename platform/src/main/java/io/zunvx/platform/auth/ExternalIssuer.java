package io.zunvx.platform.auth;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.authentication.TokenCredentials;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.zunvx.platform.config.ZunvxConfig;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tokens of an external OpenID Connect issuer, checked against the keys it publishes at its JWKS URL. Only RS256
 * (RSA keys) and ES256 (P-256 keys) are accepted, whatever else the key set holds, so neither {@code alg: none} nor
 * an HMAC keyed with a public key can get through. Keys are cached; a token naming an unknown {@code kid} makes
 * one refetch (at most one in flight, and not more often than {@code minRefetch}), so the issuer can rotate keys
 * without a restart. The role {@code service} is never taken from an external token: it is reserved for the
 * platform's own roles talking to each other.
 */
public final class ExternalIssuer {
    private static final Logger LOG = LoggerFactory.getLogger(ExternalIssuer.class);
    static final Set<String> ALGORITHMS = Set.of("RS256", "ES256");
    private static final String RESERVED_ROLE = "service";

    private final Vertx vertx;
    private final HttpClient http;
    private final ZunvxConfig.Identity.Oidc settings;
    private final Clock clock;
    private final Duration maxAge;
    private final Duration minRefetch;
    private volatile Keys keys;
    private volatile Instant lastFetch = Instant.EPOCH;
    private Future<Keys> inFlight;

    /** Signing keys as fetched, ready to verify with. */
    private record Keys(JWTAuth verifier, Set<String> kids, Instant fetchedAt) {
    }

    /**
     * @param maxAge     how long fetched keys are used before they are fetched again
     * @param minRefetch the least time between two fetches caused by unknown key ids
     */
    public ExternalIssuer(Vertx vertx, ZunvxConfig.Identity.Oidc settings, Clock clock, Duration maxAge,
                          Duration minRefetch) {
        this.vertx = vertx;
        this.settings = settings;
        this.clock = clock;
        this.maxAge = maxAge;
        this.minRefetch = minRefetch;
        this.http = vertx.createHttpClient(new HttpClientOptions().setConnectTimeout(5_000)
                .setName("zunvx-oidc-jwks"));
    }

    /** With keys kept ten minutes and refetched on unknown ids at most every two seconds. */
    public ExternalIssuer(Vertx vertx, ZunvxConfig.Identity.Oidc settings, Clock clock) {
        this(vertx, settings, clock, Duration.ofMinutes(10), Duration.ofSeconds(2));
    }

    public String issuer() {
        return settings.issuer();
    }

    /** Verifies an external token; any failure is the same 401 as for the platform's own tokens. */
    Future<TokenService.Verified> verify(String token, JsonObject header) {
        String alg = header.getString("alg");
        if (alg == null || !ALGORITHMS.contains(alg)) {
            return Future.failedFuture(TokenService.unauthorized());
        }
        String kid = header.getString("kid");
        return keysFor(kid)
                .compose(k -> k.verifier().authenticate(new TokenCredentials(token)))
                .recover(e -> Future.failedFuture(TokenService.unauthorized()))
                .compose(user -> {
                    JsonObject p = user.principal();
                    Long exp = user.get("exp") instanceof Number n ? n.longValue() : null;
                    Long iat = user.get("iat") instanceof Number n ? n.longValue() : null;
                    String sub = p.getString("sub");
                    Object project = p.getValue(settings.projectClaim());
                    if (sub == null || !(project instanceof String projectId) || projectId.isBlank() || exp == null) {
                        return Future.failedFuture(TokenService.unauthorized());
                    }
                    String name = firstString(p, "preferred_username", "name");
                    Identity who = new Identity(sub, name == null ? sub : name, projectId,
                            p.getString("project_name", projectId), roles(p.getValue(settings.rolesClaim())),
                            Instant.ofEpochSecond(exp));
                    return Future.succeededFuture(new TokenService.Verified(who,
                            iat == null ? null : Instant.ofEpochSecond(iat), p.getString("jti"), false, false));
                });
    }

    private List<String> roles(Object claim) {
        Set<String> out = new LinkedHashSet<>();
        if (claim instanceof JsonArray a) {
            a.forEach(r -> {
                if (r instanceof String s) {
                    out.add(s.trim());
                }
            });
        } else if (claim instanceof String s) {
            for (String r : s.split("[\\s,]+")) {
                out.add(r.trim());
            }
        }
        out.remove("");
        out.remove(RESERVED_ROLE);
        return new ArrayList<>(out);
    }

    private static String firstString(JsonObject o, String... keys) {
        for (String k : keys) {
            if (o.getValue(k) instanceof String s && !s.isBlank()) {
                return s;
            }
        }
        return null;
    }

    private Future<Keys> keysFor(String kid) {
        Keys k = keys;
        Instant now = clock.instant();
        boolean fresh = k != null && k.fetchedAt().plus(maxAge).isAfter(now);
        boolean known = k != null && (kid == null || k.kids().contains(kid));
        if (fresh && known) {
            return Future.succeededFuture(k);
        }
        if (fresh && lastFetch.plus(minRefetch).isAfter(now)) {
            // An unknown kid right after a fetch: do not let a stream of made-up ids hammer the issuer.
            return Future.succeededFuture(k);
        }
        return onCallersContext(refresh()).recover(e -> {
            LOG.warn("cannot fetch the signing keys of {} from {}: {}", settings.issuer(), settings.jwksUrl(),
                    e.getMessage() == null ? e.toString() : e.getMessage());
            return k != null ? Future.succeededFuture(k) : Future.failedFuture(e);
        });
    }

    /**
     * The shared fetch completes on the context of the request that started it; every other waiting request must
     * carry on on its own context.
     */
    private static <T> Future<T> onCallersContext(Future<T> shared) {
        Context caller = Vertx.currentContext();
        if (caller == null) {
            return shared;
        }
        Promise<T> mine = Promise.promise();
        shared.onComplete(ar -> caller.runOnContext(v -> mine.handle(ar)));
        return mine.future();
    }

    private synchronized Future<Keys> refresh() {
        if (inFlight != null) {
            return inFlight;
        }
        lastFetch = clock.instant();
        Promise<Keys> done = Promise.promise();
        inFlight = done.future();
        fetch().onComplete(ar -> {
            synchronized (this) {
                inFlight = null;
            }
            if (ar.succeeded()) {
                keys = ar.result();
                done.complete(ar.result());
            } else {
                done.fail(ar.cause());
            }
        });
        return done.future();
    }

    private Future<Keys> fetch() {
        return http.request(new RequestOptions().setMethod(HttpMethod.GET).setAbsoluteURI(settings.jwksUrl())
                        .putHeader("Accept", "application/json").setTimeout(10_000))
                .compose(req -> req.send())
                .compose(resp -> resp.statusCode() == 200 ? resp.body()
                        : Future.failedFuture("the JWKS URL answered " + resp.statusCode()))
                .map(body -> build(new JsonObject(body)));
    }

    private Keys build(JsonObject jwks) {
        JWTAuthOptions options = new JWTAuthOptions().setJWTOptions(new JWTOptions()
                .setIssuer(settings.issuer()).setAudience(List.of(settings.audience())).setLeeway(5));
        Set<String> kids = new HashSet<>();
        JsonArray all = jwks.getJsonArray("keys", new JsonArray());
        int usable = 0;
        for (int i = 0; i < all.size(); i++) {
            JsonObject jwk = all.getValue(i) instanceof JsonObject o ? pinned(o) : null;
            if (jwk != null) {
                options.addJwk(jwk);
                usable++;
                if (jwk.getString("kid") != null) {
                    kids.add(jwk.getString("kid"));
                }
            }
        }
        if (usable == 0) {
            // A verifier without keys would be in Vert.x's "unsecured" mode and accept unsigned tokens.
            throw new IllegalStateException("the key set holds no RS256 or ES256 signing key");
        }
        return new Keys(JWTAuth.create(vertx, options), Set.copyOf(kids), clock.instant());
    }

    /** The public part of an RSA or P-256 signing key with its algorithm fixed, or {@code null} to skip it. */
    private static JsonObject pinned(JsonObject jwk) {
        String use = jwk.getString("use");
        if (use != null && !"sig".equals(use)) {
            return null;
        }
        String kty = jwk.getString("kty");
        String alg = jwk.getString("alg");
        JsonObject out = new JsonObject().put("kty", kty).put("kid", jwk.getString("kid")).put("use", "sig");
        if ("RSA".equals(kty) && (alg == null || "RS256".equals(alg))
                && jwk.getValue("n") instanceof String n && jwk.getValue("e") instanceof String e) {
            return out.put("alg", "RS256").put("n", n).put("e", e);
        }
        if ("EC".equals(kty) && "P-256".equals(jwk.getString("crv")) && (alg == null || "ES256".equals(alg))
                && jwk.getValue("x") instanceof String x && jwk.getValue("y") instanceof String y) {
            return out.put("alg", "ES256").put("crv", "P-256").put("x", x).put("y", y);
        }
        return null;
    }

    public Future<Void> close() {
        return http.close();
    }
}
