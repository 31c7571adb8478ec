package io.zunvx.launcher;

import static io.zunvx.launcher.IdentityIT.assertKeystoneError;
import static io.zunvx.launcher.IdentityIT.b64;
import static io.zunvx.launcher.IdentityIT.pem;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.zunvx.compute.agent.CrashPoints;
import io.zunvx.platform.app.TestVertx;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An external OpenID Connect issuer trusted beside the platform's own tokens: its RS256 and ES256 tokens open the
 * Zun API in the project their claim names, its keys are fetched from its JWKS URL (a small HTTP server here),
 * cached, and refetched when a token names a new key; anything not exactly the issuer's, for our audience, in time,
 * with a pinned algorithm, is refused.
 */
class IdentityOidcIT {
    private static final String ISSUER = "https://idp.example/realms/zun";
    private static final String AUDIENCE = "zun-api";
    private static final String PROJECT_CLAIM = "zun_project";

    @TempDir
    static Path data;

    static Vertx idpVertx;
    static HttpServer idp;
    static final List<JsonObject> published = new CopyOnWriteArrayList<>();
    static final AtomicInteger fetches = new AtomicInteger();
    static final AtomicBoolean idpDown = new AtomicBoolean();
    static KeyPair rsa;
    static KeyPair ec;
    static AllInOne platform;
    static ZunHttp zun;
    static IdentityIT.Keystone keystone;

    @BeforeAll
    static void start() throws Exception {
        rsa = rsaKeys();
        ec = ecKeys();
        published.add(rsaJwk("rsa-1", (RSAPublicKey) rsa.getPublic()));
        published.add(ecJwk("ec-1", (ECPublicKey) ec.getPublic()));
        // Keys an issuer might also publish that must never be used: an encryption key and an HMAC secret.
        published.add(rsaJwk("rsa-enc", (RSAPublicKey) rsaKeys().getPublic()).put("use", "enc"));
        published.add(new JsonObject().put("kty", "oct").put("kid", "hmac-1").put("alg", "HS256")
                .put("k", Base64.getUrlEncoder().withoutPadding().encodeToString("shared".getBytes())));

        idpVertx = TestVertx.create();
        idp = idpVertx.createHttpServer().requestHandler(req -> {
            fetches.incrementAndGet();
            if (idpDown.get()) {
                req.response().setStatusCode(503).end();
            } else if (req.path().equals("/realms/zun/certs")) {
                req.response().putHeader("Content-Type", "application/json")
                        .end(new JsonObject().put("keys", new JsonArray(List.copyOf(published))).encode());
            } else {
                req.response().setStatusCode(404).end();
            }
        }).listen(0, "127.0.0.1").await();

        platform = Platforms.start(data, CrashPoints.NONE, Map.of(
                "ZUNVX_OIDC_ISSUER", ISSUER,
                "ZUNVX_OIDC_JWKS_URL", "http://127.0.0.1:" + idp.actualPort() + "/realms/zun/certs",
                "ZUNVX_OIDC_AUDIENCE", AUDIENCE,
                "ZUNVX_OIDC_PROJECT_CLAIM", PROJECT_CLAIM));
        zun = new ZunHttp("http://127.0.0.1:" + platform.apiPort(), null, "1.40");
        keystone = new IdentityIT.Keystone("http://127.0.0.1:" + platform.apiPort());
    }

    @AfterAll
    static void stop() {
        if (platform != null) {
            platform.close();
        }
        if (idpVertx != null) {
            idpVertx.close().await();
        }
    }

    @Test
    void issuersRs256TokenActsInTheProjectItsClaimNames() {
        // GIVEN a token of the issuer for alice in project oidc-proj-1
        String token = sign("RS256", rsa, "rsa-1", claims("oidc-alice", "oidc-proj-1", new JsonArray().add("member")));

        // WHEN alice creates a container with it
        ZunHttp.Response created = zun.withToken(token).post("/v1/containers",
                "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 32, \"name\": \"oidc-made\"}");

        // THEN it is hers, in that project, and she sees it while the admin's own token still works too
        assertEquals(202, created.status(), created.body());
        String uuid = created.json().getString("uuid");
        ZunHttp admin = zun.withToken(platform.adminToken());
        JsonObject shown = admin.get("/v1/containers/" + uuid).json();
        assertEquals("oidc-proj-1", shown.getString("project_id"));
        assertEquals("oidc-alice", shown.getString("user_id"));
        assertEquals(200, zun.withToken(token).get("/v1/containers/" + uuid).status());

        // AND the identity service describes the token as the claims say
        ZunHttp.Response v = keystone.send("GET", "/identity/v3/auth/tokens", token,
                Map.of("X-Subject-Token", token), null);
        assertEquals(200, v.status(), v.body());
        JsonObject t = v.json().getJsonObject("token");
        assertEquals("oidc-alice", t.getJsonObject("user").getString("id"));
        assertEquals("alice", t.getJsonObject("user").getString("name"));
        assertEquals("oidc-proj-1", t.getJsonObject("project").getString("id"));
        assertEquals(Set.of("member"), IdentityIT.roleNames(t));

        Poll.until(Duration.ofSeconds(60), () -> admin.delete("/v1/containers/" + uuid + "?force=True"),
                r -> r.status() == 204, "the container to be deleted");
    }

    @Test
    void es256TokensAreAcceptedAndTheReservedServiceRoleIsNeverTaken() {
        // GIVEN an ES256 token whose roles, as one string, include the platform's internal "service" role
        String token = sign("ES256", ec, "ec-1", claims("oidc-bob", "oidc-proj-2", "member service"));

        // THEN it is accepted, without the service role
        assertEquals(200, zun.withToken(token).get("/v1/containers").status());
        ZunHttp.Response v = keystone.send("GET", "/identity/v3/auth/tokens", token,
                Map.of("X-Subject-Token", token), null);
        assertEquals(200, v.status(), v.body());
        assertEquals(Set.of("member"), IdentityIT.roleNames(v.json().getJsonObject("token")));
    }

    @Test
    void anythingButTheIssuersOwnTokenForUsInTimeIsRefused() throws Exception {
        // GIVEN valid claims, and tokens that each get one thing wrong
        JsonObject good = claims("oidc-eve", "oidc-proj-3", new JsonArray().add("admin"));
        Instant now = Instant.now();
        String valid = sign("RS256", rsa, "rsa-1", good);
        assertEquals(200, zun.withToken(valid).get("/v1/containers").status(), "the control token works");
        String[] parts = valid.split("\\.");
        Map<String, String> bad = new LinkedHashMap<>();
        bad.put("another audience", sign("RS256", rsa, "rsa-1", good.copy().put("aud", "other-client")));
        bad.put("no audience", sign("RS256", rsa, "rsa-1", without(good, "aud")));
        bad.put("another issuer", sign("RS256", rsa, "rsa-1", good.copy().put("iss", "https://evil.example")));
        bad.put("the platform's issuer name", sign("RS256", rsa, "rsa-1", good.copy().put("iss", "zunvx")));
        bad.put("expired", sign("RS256", rsa, "rsa-1", good.copy().put("iat", now.minusSeconds(7200).getEpochSecond())
                .put("exp", now.minusSeconds(3600).getEpochSecond())));
        bad.put("not yet valid", sign("RS256", rsa, "rsa-1", good.copy()
                .put("nbf", now.plusSeconds(3600).getEpochSecond()).put("exp", now.plusSeconds(7200).getEpochSecond())));
        bad.put("no expiry", sign("RS256", rsa, "rsa-1", without(good, "exp")));
        bad.put("no project", sign("RS256", rsa, "rsa-1", without(good, PROJECT_CLAIM)));
        bad.put("signed by a stranger under our kid", sign("RS256", rsaKeys(), "rsa-1", good));
        bad.put("ES256 header with the RSA key's kid", sign("ES256", ec, "rsa-1", good));
        bad.put("the encryption key", sign("RS256", rsa, "rsa-enc", good));
        bad.put("alg none", b64(new JsonObject().put("alg", "none").put("kid", "rsa-1").encode()) + "." + parts[1]
                + ".");
        bad.put("HS256 keyed with the RSA public key", hmac(pem("PUBLIC KEY", rsa.getPublic().getEncoded()),
                "rsa-1", parts[1]));
        bad.put("HS256 with the published oct key", hmac("shared", "hmac-1", parts[1]));
        bad.put("claims rewritten", parts[0] + "." + b64(good.copy().put(PROJECT_CLAIM, "other").encode()) + "."
                + parts[2]);

        // THEN each gets keystonemiddleware's 401 from Zun
        for (var b : bad.entrySet()) {
            ZunHttp.Response r = zun.withToken(b.getValue()).get("/v1/containers");
            assertEquals(401, r.status(), b.getKey() + ": " + r.body());
            assertKeystoneError(r, 401, "Unauthorized");
        }
    }

    @Test
    void aTokenNamingANewKeyMakesOneRefetchAndKnownKeysComeFromTheCache() throws Exception {
        // GIVEN the issuer's keys already fetched
        String known = sign("RS256", rsa, "rsa-1", claims("oidc-carol", "oidc-proj-4", new JsonArray().add("member")));
        assertEquals(200, zun.withToken(known).get("/v1/containers").status());
        int before = fetches.get();

        // WHEN tokens of a known key are used again and again
        for (int i = 0; i < 5; i++) {
            assertEquals(200, zun.withToken(known).get("/v1/containers").status());
        }

        // THEN the keys are not fetched again
        assertEquals(before, fetches.get(), "known keys come from the cache");

        // WHEN the issuer rotates to a new key and a token signed with it arrives
        KeyPair next = rsaKeys();
        published.add(rsaJwk("rsa-2", (RSAPublicKey) next.getPublic()));
        String rotated = sign("RS256", next, "rsa-2", claims("oidc-carol", "oidc-proj-4",
                new JsonArray().add("member")));

        // THEN it is accepted once the keys are refetched (refetches are spaced a couple of seconds apart), and a
        // request body waits intact while the keys are being fetched
        ZunHttp.Response r = Poll.until(Duration.ofSeconds(60), () -> zun.withToken(rotated).post("/v1/containers",
                        "{\"image\": \"busybox\", \"cpu\": 0.1, \"memory\": 32, \"name\": \"oidc-rotated\"}"),
                x -> x.status() != 401, "the rotated key to be fetched");
        assertEquals(202, r.status(), r.body());
        assertEquals("oidc-rotated", r.json().getString("name"));
        assertTrue(fetches.get() > before, "the key set was fetched again");
        String uuid = r.json().getString("uuid");
        Poll.until(Duration.ofSeconds(60), () -> zun.withToken(platform.adminToken())
                .delete("/v1/containers/" + uuid + "?force=True"), x -> x.status() == 204, "the container to go");

        // AND while the issuer is unreachable, cached keys keep working
        idpDown.set(true);
        try {
            assertEquals(200, zun.withToken(known).get("/v1/containers").status());
            assertEquals(200, zun.withToken(rotated).get("/v1/containers").status());
        } finally {
            idpDown.set(false);
        }
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private static JsonObject claims(String sub, String project, Object roles) {
        Instant now = Instant.now();
        return new JsonObject()
                .put("iss", ISSUER)
                .put("aud", AUDIENCE)
                .put("sub", sub)
                .put("preferred_username", sub.substring("oidc-".length()))
                .put(PROJECT_CLAIM, project)
                .put("roles", roles)
                .put("iat", now.getEpochSecond())
                .put("exp", now.plusSeconds(600).getEpochSecond())
                .put("jti", java.util.UUID.randomUUID().toString());
    }

    private static JsonObject without(JsonObject o, String key) {
        JsonObject c = o.copy();
        c.remove(key);
        return c;
    }

    private static String sign(String alg, KeyPair keys, String kid, JsonObject claims) {
        JWTAuth signer = JWTAuth.create(idpVertx, new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
                .setAlgorithm(alg).setId(kid).setBuffer(pem("PRIVATE KEY", keys.getPrivate().getEncoded()))));
        return signer.generateToken(claims.copy(), new JWTOptions().setAlgorithm(alg).setNoTimestamp(true)
                .setHeader(new JsonObject().put("kid", kid)));
    }

    private static String hmac(String secret, String kid, String payload) throws Exception {
        String header = b64(new JsonObject().put("alg", "HS256").put("typ", "JWT").put("kid", kid).encode());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String input = header + "." + payload;
        return input + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(input.getBytes(StandardCharsets.US_ASCII)));
    }

    private static KeyPair rsaKeys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("RSA");
        g.initialize(2048);
        return g.generateKeyPair();
    }

    private static KeyPair ecKeys() throws Exception {
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        return g.generateKeyPair();
    }

    private static JsonObject rsaJwk(String kid, RSAPublicKey key) {
        return new JsonObject().put("kty", "RSA").put("kid", kid).put("use", "sig").put("alg", "RS256")
                .put("n", url(unsigned(key.getModulus(), 0))).put("e", url(unsigned(key.getPublicExponent(), 0)));
    }

    private static JsonObject ecJwk(String kid, ECPublicKey key) {
        // No "alg": issuers often leave it out; the curve decides.
        return new JsonObject().put("kty", "EC").put("kid", kid).put("use", "sig").put("crv", "P-256")
                .put("x", url(unsigned(key.getW().getAffineX(), 32))).put("y", url(unsigned(key.getW().getAffineY(), 32)));
    }

    /** Big-endian bytes without a sign byte, left-padded to {@code size} if given. */
    private static byte[] unsigned(BigInteger v, int size) {
        byte[] b = v.toByteArray();
        if (b.length > 1 && b[0] == 0) {
            b = Arrays.copyOfRange(b, 1, b.length);
        }
        if (size > b.length) {
            byte[] padded = new byte[size];
            System.arraycopy(b, 0, padded, size - b.length, b.length);
            return padded;
        }
        return b;
    }

    private static String url(byte[] b) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
