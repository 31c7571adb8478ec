package io.zunvx.platform.auth;

import static io.zunvx.platform.db.TestWaits.await;
import static io.zunvx.platform.db.TestWaits.awaitFailure;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.auth.JWTOptions;
import io.vertx.ext.auth.PubSecKeyOptions;
import io.vertx.ext.auth.jwt.JWTAuth;
import io.vertx.ext.auth.jwt.JWTAuthOptions;
import io.vertx.sqlclient.Pool;
import io.vertx.sqlclient.Row;
import io.zunvx.platform.db.Database;
import io.zunvx.platform.db.PgSession;
import io.zunvx.platform.db.TestDatabase;
import io.zunvx.platform.error.ZunException;
import io.zunvx.platform.registry.CredentialCipher;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.Signature;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
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
import java.util.concurrent.CopyOnWriteArrayList;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@link TokenService} with its keys in a real PostgreSQL: what it issues verifies, and anything forged, foreign,
 * expired, unsigned or addressed to someone else does not. Each test has a database of its own, so keys never leak
 * from one test to another.
 */
class TokenServiceIT {
    private static final String ISSUER = "http://127.0.0.1:9517/identity/v3";
    private static final Duration TTL = Duration.ofHours(1);
    /** The key the private signing keys of these tests are sealed with. */
    static final CredentialCipher CIPHER = new CredentialCipher(new byte[32], "private signing key",
            "ZUNVX_SIGNING_KEY_SECRET");
    private static final Identity ALICE = new Identity("user-alice", "alice", "project-demo", "demo",
            List.of("member", "reader"), null);

    @RegisterExtension
    static final PgSession pg = PgSession.perClass();

    private final List<Pool> pools = new CopyOnWriteArrayList<>();

    @AfterEach
    void closePools() {
        pools.forEach(p -> await(p.close()));
    }

    @Test
    void issuedTokenVerifiesToTheSameIdentity() {
        // GIVEN a token service on a database without keys
        TokenService tokens = load(freshPool(), ISSUER, Clock.systemUTC());

        // WHEN a token is issued for alice and verified
        TokenService.Token token = tokens.issue(ALICE);
        Identity who = await(tokens.verify(token.value()));

        // THEN the identity comes back whole, expiring when the token said
        assertEquals(new Identity("user-alice", "alice", "project-demo", "demo", List.of("member", "reader"),
                Instant.ofEpochSecond(token.expiresAt().getEpochSecond())), who);
        assertFalse(who.isAdmin());
        assertEquals(TTL, Duration.between(token.issuedAt(), token.expiresAt()));

        // AND the token is an ES256 JWT naming its key, for the zunvx audience, from the configured issuer
        JsonObject header = part(token.value(), 0);
        JsonObject claims = part(token.value(), 1);
        assertEquals("ES256", header.getString("alg"));
        assertEquals(kids(tokens), Set.of(header.getString("kid")));
        assertEquals(ISSUER, claims.getString("iss"));
        assertTrue(List.of("zunvx", new JsonArray().add("zunvx")).contains(claims.getValue("aud")),
                String.valueOf(claims.getValue("aud")));
        assertFalse(token.toString().contains(token.value()), "the token value stays out of logs");
    }

    @Test
    void adminRoleIsCarried() {
        // GIVEN a token for an admin
        TokenService tokens = load(freshPool(), ISSUER, Clock.systemUTC());
        Identity admin = new Identity("user-admin", "admin", "project-admin", "admin", List.of("admin"), null);

        // WHEN it is verified
        Identity who = await(tokens.verify(tokens.issue(admin).value()));

        // THEN the caller is an admin
        assertTrue(who.isAdmin());
    }

    @Test
    void identityServiceTokensAreMarkedAsAccountsAndOthersAreNot() {
        // GIVEN a token issued for an account of the identity service and one issued plainly
        TokenService tokens = load(freshPool(), ISSUER, Clock.systemUTC());
        String account = tokens.issueForAccount(ALICE).value();
        String plain = tokens.issue(ALICE).value();

        // WHEN both are inspected
        TokenService.Verified a = await(tokens.inspect(account));
        TokenService.Verified p = await(tokens.inspect(plain));

        // THEN only the first carries the mark, so only it is held to the identity tables; both are the same caller
        assertEquals(TokenService.LOCAL_ACCOUNT, part(account, 1).getString(TokenService.ACCOUNT_CLAIM));
        assertFalse(part(plain, 1).containsKey(TokenService.ACCOUNT_CLAIM));
        assertTrue(a.local() && a.account());
        assertTrue(p.local() && !p.account());
        assertEquals(List.of(ALICE.userId(), ALICE.projectId(), ALICE.roles()),
                List.of(a.identity().userId(), a.identity().projectId(), a.identity().roles()));
        assertEquals(List.of(ALICE.userId(), ALICE.projectId(), ALICE.roles()),
                List.of(p.identity().userId(), p.identity().projectId(), p.identity().roles()));
    }

    @Test
    void secondInstanceOnTheSameDatabaseUsesTheSameKey() {
        // GIVEN two services loaded one after the other from the same database, as two API instances would
        Pool pool = freshPool();
        TokenService first = load(pool, ISSUER, Clock.systemUTC());
        TokenService second = load(pool, ISSUER, Clock.systemUTC());

        // THEN one key was created, and each verifies what the other issues
        assertEquals(1, signingKeys(pool).size());
        assertEquals(ALICE.userId(), await(second.verify(first.issue(ALICE).value())).userId());
        assertEquals(ALICE.userId(), await(first.verify(second.issue(ALICE).value())).userId());
    }

    @Test
    void instancesStartingAtOnceShareOneKey() {
        // GIVEN four services loading at the same moment from a database without keys, as roles started together do
        Pool pool = freshPool();
        List<Future<TokenService>> loading = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            loading.add(TokenService.load(pg.vertx(), pool, ISSUER, TTL, Clock.systemUTC(), CIPHER));
        }
        List<TokenService> all = loading.stream().map(f -> await(f)).toList();

        // THEN one key was created, and each verifies what every other issues
        assertEquals(1, signingKeys(pool).size());
        for (TokenService issuer : all) {
            String token = issuer.issue(ALICE).value();
            for (TokenService verifier : all) {
                assertEquals(ALICE.userId(), await(verifier.verify(token)).userId());
            }
        }
    }

    @Test
    void tokenSignedByAnotherDatabasesKeyIsRejected() {
        // GIVEN two deployments with their own databases, hence their own keys, and the same issuer
        TokenService ours = load(freshPool(), ISSUER, Clock.systemUTC());
        TokenService theirs = load(freshPool(), ISSUER, Clock.systemUTC());

        // WHEN a token of theirs is presented to us
        Throwable failure = awaitFailure(ours.verify(theirs.issue(ALICE).value()));

        // THEN it is refused as unauthenticated
        assertUnauthorized(failure);
    }

    @Test
    void tokenSignedByAnotherKeyUnderOurKidIsRejected() throws Exception {
        // GIVEN a token with our kid, issuer and audience, signed by a key pair we never stored
        TokenService ours = load(freshPool(), ISSUER, Clock.systemUTC());
        String kid = kids(ours).iterator().next();
        KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
        g.initialize(new ECGenParameterSpec("secp256r1"));
        KeyPair foreign = g.generateKeyPair();
        String token = sign(pem("PRIVATE KEY", foreign.getPrivate().getEncoded()), kid, ISSUER,
                List.of(TokenService.AUDIENCE), claims(Instant.now(), Duration.ofMinutes(5)));

        // WHEN it is verified
        Throwable failure = awaitFailure(ours.verify(token));

        // THEN it is refused
        assertUnauthorized(failure);
    }

    @Test
    void expiredTokenIsRejected() {
        // GIVEN a token issued an hour ago for one second
        Pool pool = freshPool();
        Clock anHourAgo = Clock.fixed(Instant.now().minus(Duration.ofHours(1)), ZoneOffset.UTC);
        TokenService past = await(TokenService.load(pg.vertx(), pool, ISSUER, Duration.ofSeconds(1), anHourAgo, CIPHER));
        String token = past.issue(ALICE).value();

        // WHEN it is verified now
        TokenService now = load(pool, ISSUER, Clock.systemUTC());
        Throwable failure = awaitFailure(now.verify(token));

        // THEN it is refused
        assertUnauthorized(failure);
    }

    @Test
    void tokenNotValidBeforeAnHourFromNowIsRejected() {
        // GIVEN a token whose validity starts in an hour (an issuer with its clock far ahead)
        Pool pool = freshPool();
        Clock ahead = Clock.offset(Clock.systemUTC(), Duration.ofHours(1));
        String token = load(pool, ISSUER, ahead).issue(ALICE).value();

        // WHEN it is verified now
        Throwable failure = awaitFailure(load(pool, ISSUER, Clock.systemUTC()).verify(token));

        // THEN it is refused
        assertUnauthorized(failure);
    }

    @Test
    void unsignedTokenWithAlgNoneIsRejected() {
        // GIVEN a valid token, and unsigned copies of its claims with alg "none" (with and without its signature)
        TokenService tokens = load(freshPool(), ISSUER, Clock.systemUTC());
        String valid = tokens.issue(ALICE).value();
        String[] parts = valid.split("\\.");
        String kid = part(valid, 0).getString("kid");
        List<String> unsigned = new ArrayList<>();
        for (String alg : List.of("none", "None", "NONE")) {
            String header = b64(new JsonObject().put("alg", alg).put("typ", "JWT").put("kid", kid).encode());
            unsigned.add(header + "." + parts[1] + ".");
            unsigned.add(header + "." + parts[1] + "." + parts[2]);
        }
        unsigned.add(b64(new JsonObject().put("alg", "none").encode()) + "." + parts[1]);

        // THEN every one is refused, while the original verifies
        await(tokens.verify(valid));
        for (String token : unsigned) {
            assertUnauthorized(awaitFailure(tokens.verify(token)), token);
        }
    }

    @Test
    void hmacTokenKeyedWithOurPublicKeyIsRejected() throws Exception {
        // GIVEN a token "signed" with HS256 using our public key as the shared secret (algorithm confusion)
        Pool pool = freshPool();
        TokenService tokens = load(pool, ISSUER, Clock.systemUTC());
        Row key = signingKeys(pool).getFirst();
        String[] parts = tokens.issue(ALICE).value().split("\\.");
        String header = b64(new JsonObject().put("alg", "HS256").put("typ", "JWT")
                .put("kid", key.getString("kid")).encode());
        Mac mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(key.getString("public_key").getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
        String signingInput = header + "." + parts[1];
        String token = signingInput + "." + Base64.getUrlEncoder().withoutPadding()
                .encodeToString(mac.doFinal(signingInput.getBytes(StandardCharsets.US_ASCII)));

        // WHEN it is verified
        Throwable failure = awaitFailure(tokens.verify(token));

        // THEN it is refused
        assertUnauthorized(failure);
    }

    @Test
    void tamperedClaimsAreRejected() {
        // GIVEN a member's token whose claims are rewritten to make them admin, keeping the signature
        TokenService tokens = load(freshPool(), ISSUER, Clock.systemUTC());
        String[] parts = tokens.issue(ALICE).value().split("\\.");
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]),
                StandardCharsets.UTF_8)).put("roles", new JsonArray().add("admin"));
        String token = parts[0] + "." + b64(claims.encode()) + "." + parts[2];

        // WHEN it is verified
        Throwable failure = awaitFailure(tokens.verify(token));

        // THEN it is refused
        assertUnauthorized(failure);
    }

    @Test
    void aTokenVerifiedBeforeLendsNothingToATamperedCopy() {
        // GIVEN a member's token verified once (so remembered as verified)
        TokenService tokens = load(freshPool(), ISSUER, Clock.systemUTC());
        String genuine = tokens.issue(ALICE).value();
        Identity first = await(tokens.verify(genuine));

        // WHEN it is verified again, and a copy with admin claims under the same signature is offered
        String[] parts = genuine.split("\\.");
        JsonObject claims = new JsonObject(new String(Base64.getUrlDecoder().decode(parts[1]),
                StandardCharsets.UTF_8)).put("roles", new JsonArray().add("admin"));
        String tampered = parts[0] + "." + b64(claims.encode()) + "." + parts[2];

        // THEN the genuine token gives the same caller, the copy is refused, and another token is its own
        assertEquals(first, await(tokens.verify(genuine)));
        assertUnauthorized(awaitFailure(tokens.verify(tampered)));
        Identity bob = new Identity("user-bob", "bob", "project-demo", "demo", List.of("reader"), null);
        assertEquals("user-bob", await(tokens.verify(tokens.issue(bob).value())).userId());
    }

    @Test
    void tokenOfAnotherIssuerWithOurKeyIsRejected() {
        // GIVEN a second service on the same database (same key) that names another issuer
        Pool pool = freshPool();
        TokenService ours = load(pool, ISSUER, Clock.systemUTC());
        TokenService other = load(pool, "https://elsewhere.example/identity/v3", Clock.systemUTC());
        String token = other.issue(ALICE).value();

        // WHEN its token is presented to us
        Throwable failure = awaitFailure(ours.verify(token));

        // THEN it is refused, though the other service itself accepts it
        assertUnauthorized(failure);
        assertEquals(ALICE.userId(), await(other.verify(token)).userId());
    }

    @Test
    void tokenForAnotherAudienceOrNoneWithOurKeyIsRejected() {
        // GIVEN tokens signed with our own key and issuer, but addressed to another audience or to none
        Pool pool = freshPool();
        TokenService ours = load(pool, ISSUER, Clock.systemUTC());
        Row key = signingKeys(pool).getFirst();
        String privatePem = privatePem(pool, key.getString("kid"));
        String kid = key.getString("kid");
        JsonObject claims = claims(Instant.now(), Duration.ofMinutes(5));
        String otherAudience = sign(privatePem, kid, ISSUER, List.of("billing"), claims);
        String noAudience = sign(privatePem, kid, ISSUER, List.of(), claims);
        String ourAudience = sign(privatePem, kid, ISSUER, List.of(TokenService.AUDIENCE), claims);

        // THEN only the one for our audience verifies
        assertEquals("user-hand", await(ours.verify(ourAudience)).userId());
        assertUnauthorized(awaitFailure(ours.verify(otherAudience)), "audience billing");
        assertUnauthorized(awaitFailure(ours.verify(noAudience)), "no audience");
    }

    @Test
    void tokenWithoutSubjectOrProjectIsRejected() {
        // GIVEN correctly signed tokens that lack the subject or the project
        Pool pool = freshPool();
        TokenService ours = load(pool, ISSUER, Clock.systemUTC());
        Row key = signingKeys(pool).getFirst();
        JsonObject claims = claims(Instant.now(), Duration.ofMinutes(5));
        String noSubject = sign(privatePem(pool, key.getString("kid")), key.getString("kid"), ISSUER,
                List.of(TokenService.AUDIENCE), claims.copy().put("sub", null));
        String noProject = sign(privatePem(pool, key.getString("kid")), key.getString("kid"), ISSUER,
                List.of(TokenService.AUDIENCE), claims.copy().put("project_id", null));

        // THEN both are refused
        assertUnauthorized(awaitFailure(ours.verify(noSubject)), "no sub");
        assertUnauthorized(awaitFailure(ours.verify(noProject)), "no project_id");
    }

    @Test
    void garbageIsRejected() {
        TokenService tokens = load(freshPool(), ISSUER, Clock.systemUTC());
        for (String token : java.util.Arrays.asList(null, "", "   ", "abc", "a.b.c", "..", "Bearer x.y.z")) {
            assertUnauthorized(awaitFailure(tokens.verify(token)), String.valueOf(token));
        }
    }

    @Test
    void afterRotationOldTokensStillVerifyAndNewOnesCarryTheNewKid() {
        // GIVEN a service and a token it issued
        Pool pool = freshPool();
        TokenService before = load(pool, ISSUER, Clock.systemUTC());
        String oldToken = before.issue(ALICE).value();
        String oldKid = part(oldToken, 0).getString("kid");

        // WHEN a key is added and the service loaded again
        await(TokenService.rotate(pool, Clock.systemUTC(), CIPHER));
        TokenService after = load(pool, ISSUER, Clock.systemUTC());
        String newToken = after.issue(ALICE).value();
        String newKid = part(newToken, 0).getString("kid");

        // THEN new tokens are signed with the new key, and both old and new tokens verify
        assertNotEquals(oldKid, newKid);
        Set<String> stored = new HashSet<>();
        signingKeys(pool).forEach(r -> stored.add(r.getString("kid")));
        assertEquals(Set.of(oldKid, newKid), stored);
        assertEquals(ALICE.userId(), await(after.verify(oldToken)).userId());
        assertEquals(ALICE.userId(), await(after.verify(newToken)).userId());
        assertEquals(Set.of(oldKid, newKid), kids(after));
    }
    @Test
    void rotationUnderAFixedClockStillSignsWithTheNewestKey() {
        // GIVEN a service whose clock does not move
        Pool pool = freshPool();
        Clock frozen = Clock.fixed(Instant.parse("2030-01-01T00:00:00Z"), ZoneOffset.UTC);
        Set<String> known = kids(load(pool, ISSUER, frozen));

        for (int i = 0; i < 5; i++) {
            // WHEN a key is added and the service loaded again
            await(TokenService.rotate(pool, frozen, CIPHER));
            TokenService after = load(pool, ISSUER, frozen);
            String kid = part(after.issue(ALICE).value(), 0).getString("kid");

            // THEN the key just added signs
            assertFalse(known.contains(kid), "rotation " + (i + 1) + " still signs with an older key " + kid);
            known = kids(after);
        }
    }

    @Test
    void retiredKeyNoLongerVerifies() {
        // GIVEN a token of the first key, a rotation, and the first key retired
        Pool pool = freshPool();
        TokenService before = load(pool, ISSUER, Clock.systemUTC());
        String oldToken = before.issue(ALICE).value();
        String oldKid = part(oldToken, 0).getString("kid");
        await(TokenService.rotate(pool, Clock.systemUTC(), CIPHER));
        await(pool.preparedQuery("UPDATE signing_keys SET retired_at = now() WHERE kid = $1")
                .execute(io.vertx.sqlclient.Tuple.of(oldKid)));

        // WHEN the service is loaded again
        TokenService after = load(pool, ISSUER, Clock.systemUTC());

        // THEN the old token is refused, the retired key is not published, and new tokens verify
        assertUnauthorized(awaitFailure(after.verify(oldToken)));
        assertFalse(kids(after).contains(oldKid));
        assertEquals(ALICE.userId(), await(after.verify(after.issue(ALICE).value())).userId());
    }

    @Test
    void jwksListsEveryPublicKeyAndNoPrivatePart() throws Exception {
        // GIVEN two keys after a rotation
        Pool pool = freshPool();
        load(pool, ISSUER, Clock.systemUTC());
        await(TokenService.rotate(pool, Clock.systemUTC(), CIPHER));
        TokenService tokens = load(pool, ISSUER, Clock.systemUTC());

        // WHEN the key set is read
        JsonArray keys = tokens.jwks().getJsonArray("keys");

        // THEN it has one EC P-256 entry per stored key, none with a private part
        assertEquals(2, keys.size(), keys.encode());
        Set<String> stored = new HashSet<>();
        signingKeys(pool).forEach(r -> stored.add(r.getString("kid")));
        assertEquals(stored, kids(tokens));
        for (int i = 0; i < keys.size(); i++) {
            JsonObject k = keys.getJsonObject(i);
            assertEquals("EC", k.getString("kty"), k.encode());
            assertEquals("P-256", k.getString("crv"), k.encode());
            assertEquals("ES256", k.getString("alg"), k.encode());
            assertEquals("sig", k.getString("use"), k.encode());
            assertFalse(k.containsKey("d"), "private part published: " + k.encode());
            assertEquals(32, Base64.getUrlDecoder().decode(k.getString("x")).length, k.encode());
            assertEquals(32, Base64.getUrlDecoder().decode(k.getString("y")).length, k.encode());
        }
        assertFalse(tokens.jwks().encode().contains("PRIVATE"));

        // AND the published key of the signing kid checks the signature of an issued token
        String token = tokens.issue(ALICE).value();
        String kid = part(token, 0).getString("kid");
        JsonObject jwk = null;
        for (int i = 0; i < keys.size(); i++) {
            if (kid.equals(keys.getJsonObject(i).getString("kid"))) {
                jwk = keys.getJsonObject(i);
            }
        }
        assertTrue(jwk != null, "signing kid " + kid + " not in " + keys.encode());
        String[] parts = token.split("\\.");
        Signature es256 = Signature.getInstance("SHA256withECDSAinP1363Format");
        es256.initVerify(publicKey(jwk));
        es256.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
        assertTrue(es256.verify(Base64.getUrlDecoder().decode(parts[2])), "signature checks with the JWK");
    }

    @Test
    void aComputeDatabaseRoleWithoutTheSecretsTableVerifiesButCannotReadOrSign() {
        // GIVEN a database with a signing key, and a role granted what a compute host needs of the keys: the public
        // table only
        Database db = pg.db().freshDatabase();
        Pool admin = db.pool(pg.vertx(), 2, "admin-" + UUID.randomUUID());
        pools.add(admin);
        TokenService signer = await(TokenService.load(pg.vertx(), admin, ISSUER, TTL, Clock.systemUTC(), CIPHER));
        String role = "compute_" + UUID.randomUUID().toString().replace("-", "");
        TestDatabase.execute(db, "CREATE ROLE " + role + " LOGIN PASSWORD 'compute'");
        TestDatabase.execute(db, "GRANT SELECT ON signing_keys TO " + role);
        Pool compute = Database.of(db.url().replace("postgres:postgres@", role + ":compute@"))
                .pool(pg.vertx(), 2, "compute-" + UUID.randomUUID());
        pools.add(compute);

        // WHEN that role loads a verifying service and checks a token the signer issued
        TokenService verifier = await(TokenService.loadVerifier(pg.vertx(), compute, ISSUER, TTL,
                Clock.systemUTC()));
        String token = signer.issue(ALICE).value();

        // THEN the token verifies with public keys alone
        assertEquals(ALICE.userId(), await(verifier.verify(token)).userId());
        assertFalse(verifier.signs());
        assertEquals(null, verifier.signingKid());

        // AND the role can neither read the private keys nor become a signer, and the verifier cannot issue
        Throwable denied = awaitFailure(compute.query("SELECT private_key FROM signing_key_secrets").execute());
        assertTrue(denied.getMessage().contains("permission denied"), denied.getMessage());
        assertTrue(awaitFailure(TokenService.load(pg.vertx(), compute, ISSUER, TTL, Clock.systemUTC(), CIPHER))
                .getMessage().contains("permission denied"));
        assertThrowsIllegalState(() -> verifier.issue(ALICE));
    }

    @Test
    void aVerifierStartedBeforeAnyKeyExistsTakesUpTheFirstOneWhenATokenNamesIt() {
        // GIVEN a verifier on a database without keys (a compute host up before any api)
        Pool pool = freshPool();
        TokenService verifier = await(TokenService.loadVerifier(pg.vertx(), pool, ISSUER, TTL, Clock.systemUTC()));
        assertEquals(0, verifier.jwks().getJsonArray("keys").size());

        // WHEN a signer starts and issues a token
        String token = load(pool, ISSUER, Clock.systemUTC()).issue(ALICE).value();

        // THEN the verifier looks again for the unknown kid and accepts it
        assertEquals(ALICE.userId(), poll(() -> {
            try {
                return await(verifier.verify(token)).userId();
            } catch (AssertionError | RuntimeException e) {
                return null;
            }
        }));
    }

    @Test
    void privateKeysAreSealedAtRestAndAnotherSecretCannotSign() {
        // GIVEN a signing service
        Pool pool = freshPool();
        TokenService tokens = load(pool, ISSUER, Clock.systemUTC());
        String kid = tokens.signingKid();

        // WHEN the stored private key is read
        String stored = await(pool.preparedQuery("SELECT private_key FROM signing_key_secrets WHERE kid = $1")
                .execute(io.vertx.sqlclient.Tuple.of(kid))).iterator().next().getString("private_key");

        // THEN it is no PEM, only the configured secret opens it, and the public table holds no private part
        assertFalse(stored.contains("PRIVATE KEY"), stored);
        assertTrue(privatePem(pool, kid).contains("BEGIN PRIVATE KEY"));
        CredentialCipher other = new CredentialCipher(new byte[]{1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15,
                16, 17, 18, 19, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32}, "private signing key",
                "ZUNVX_SIGNING_KEY_SECRET");
        Throwable wrong = awaitFailure(TokenService.load(pg.vertx(), pool, ISSUER, TTL, Clock.systemUTC(), other));
        assertTrue(wrong.getMessage().contains("ZUNVX_SIGNING_KEY_SECRET"), wrong.getMessage());
        Set<String> columns = new HashSet<>();
        await(pool.query("SELECT column_name FROM information_schema.columns WHERE table_name = 'signing_keys'")
                .execute()).forEach(r -> columns.add(r.getString(0)));
        assertFalse(columns.contains("private_key"), columns.toString());
    }

    @Test
    void aPlaintextKeyLeftByAnOlderVersionIsSealedOnLoad() {
        // GIVEN a key whose private part is stored as plain PEM, as the migration moved it
        Pool pool = freshPool();
        TokenService first = load(pool, ISSUER, Clock.systemUTC());
        String kid = first.signingKid();
        String token = first.issue(ALICE).value();
        await(pool.preparedQuery("UPDATE signing_key_secrets SET private_key = $2 WHERE kid = $1")
                .execute(io.vertx.sqlclient.Tuple.of(kid, privatePem(pool, kid))));

        // WHEN a signing service loads it
        TokenService again = load(pool, ISSUER, Clock.systemUTC());

        // THEN it signs with that key, and the stored value is sealed
        assertEquals(kid, again.signingKid());
        assertEquals(ALICE.userId(), await(again.verify(token)).userId());
        String stored = await(pool.preparedQuery("SELECT private_key FROM signing_key_secrets WHERE kid = $1")
                .execute(io.vertx.sqlclient.Tuple.of(kid))).iterator().next().getString("private_key");
        assertFalse(stored.contains("PRIVATE KEY"), stored);
    }

    @Test
    void runningServicesTakeUpARotationAndRetireTheOldKeyAfterTheOverlap() {
        // GIVEN a signer and a verifier running with a short token lifetime and refresh interval
        Pool pool = freshPool();
        Duration ttl = Duration.ofSeconds(3);
        Duration refresh = Duration.ofMillis(200);
        TokenService signer = await(TokenService.load(pg.vertx(), pool, ISSUER, ttl, Clock.systemUTC(), CIPHER));
        TokenService verifier = await(TokenService.loadVerifier(pg.vertx(), pool, ISSUER, ttl,
                Clock.systemUTC()));
        signer.maintain(refresh, Duration.ofDays(30));
        verifier.maintain(refresh, Duration.ofDays(30));
        try {
            String oldKid = signer.signingKid();
            String oldToken = signer.issue(ALICE).value();

            // WHEN a key is added while they run
            await(TokenService.rotate(pool, Clock.systemUTC(), CIPHER));

            // THEN the signer moves to the new key without a restart, and both verify old and new tokens
            String newKid = poll(() -> oldKid.equals(signer.signingKid()) ? null : signer.signingKid());
            String newToken = signer.issue(ALICE).value();
            assertEquals(newKid, part(newToken, 0).getString("kid"));
            assertEquals(ALICE.userId(), await(verifier.verify(oldToken)).userId());
            assertEquals(ALICE.userId(), await(verifier.verify(newToken)).userId());

            // AND once the old key's tokens have all expired, it is retired: its private part is gone, and neither
            // service lists it any more
            poll(() -> kids(verifier).contains(oldKid) || kids(signer).contains(oldKid) ? null : true);
            assertEquals(0, await(pool.preparedQuery("SELECT 1 FROM signing_key_secrets WHERE kid = $1")
                    .execute(io.vertx.sqlclient.Tuple.of(oldKid))).size());
            assertEquals(1, await(pool.preparedQuery(
                    "SELECT 1 FROM signing_keys WHERE kid = $1 AND retired_at IS NOT NULL")
                    .execute(io.vertx.sqlclient.Tuple.of(oldKid))).size());
            assertUnauthorized(awaitFailure(verifier.verify(oldToken)));
            assertEquals(ALICE.userId(), await(verifier.verify(signer.issue(ALICE).value())).userId());
        } finally {
            signer.stopMaintenance();
            verifier.stopMaintenance();
        }
    }

    /** Polls {@code probe} until it answers non-null, for at most a minute. */
    private static <T> T poll(java.util.function.Supplier<T> probe) {
        long deadline = System.nanoTime() + Duration.ofMinutes(1).toNanos();
        while (System.nanoTime() < deadline) {
            T v = probe.get();
            if (v != null) {
                return v;
            }
            java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
        }
        throw new AssertionError("condition not met within a minute");
    }

    private static void assertThrowsIllegalState(Runnable r) {
        try {
            r.run();
        } catch (IllegalStateException expected) {
            return;
        }
        throw new AssertionError("expected IllegalStateException");
    }

    @Test
    void jwksIsACopy() {
        // GIVEN the key set handed to a caller who changes it
        TokenService tokens = load(freshPool(), ISSUER, Clock.systemUTC());
        tokens.jwks().getJsonArray("keys").clear();

        // THEN the service's own set is intact
        assertEquals(1, tokens.jwks().getJsonArray("keys").size());
    }

    // ---- helpers --------------------------------------------------------------------------------------------------

    private Pool freshPool() {
        Pool pool = pg.freshPool(4);
        pools.add(pool);
        return pool;
    }

    private static TokenService load(Pool pool, String issuer, Clock clock) {
        return await(TokenService.load(pg.vertx(), pool, issuer, TTL, clock, CIPHER));
    }

    /** The unsealed private key of {@code kid}. */
    static String privatePem(Pool pool, String kid) {
        String stored = await(pool.preparedQuery("SELECT private_key FROM signing_key_secrets WHERE kid = $1")
                .execute(io.vertx.sqlclient.Tuple.of(kid))).iterator().next().getString("private_key");
        return TokenService.privateKeyPem(stored, CIPHER);
    }

    private static List<Row> signingKeys(Pool pool) {
        return await(pool.query("SELECT * FROM signing_keys ORDER BY created_at").execute().map(rs -> {
            List<Row> out = new ArrayList<>();
            rs.forEach(out::add);
            return out;
        }));
    }

    private static Set<String> kids(TokenService tokens) {
        Set<String> out = new HashSet<>();
        JsonArray keys = tokens.jwks().getJsonArray("keys");
        for (int i = 0; i < keys.size(); i++) {
            out.add(keys.getJsonObject(i).getString("kid"));
        }
        return out;
    }

    private static JsonObject claims(Instant now, Duration ttl) {
        return new JsonObject()
                .put("sub", "user-hand")
                .put("name", "hand")
                .put("project_id", "project-hand")
                .put("project_name", "hand")
                .put("roles", new JsonArray().add("member"))
                .put("iat", now.getEpochSecond())
                .put("nbf", now.getEpochSecond())
                .put("exp", now.plus(ttl).getEpochSecond());
    }

    /** A token signed outside the service with {@code privatePem}, as a forger or a misconfigured peer would. */
    private static String sign(String privatePem, String kid, String issuer, List<String> audience,
                               JsonObject claims) {
        JWTAuth signer = JWTAuth.create(pg.vertx(), new JWTAuthOptions().addPubSecKey(new PubSecKeyOptions()
                .setAlgorithm(TokenService.ALGORITHM).setId(kid).setBuffer(privatePem)));
        JWTOptions options = new JWTOptions().setAlgorithm(TokenService.ALGORITHM).setIssuer(issuer)
                .setNoTimestamp(true).setHeader(new JsonObject().put("kid", kid));
        if (!audience.isEmpty()) {
            options.setAudience(audience);
        }
        return signer.generateToken(claims, options);
    }

    private static PublicKey publicKey(JsonObject jwk) throws Exception {
        AlgorithmParameters params = AlgorithmParameters.getInstance("EC");
        params.init(new ECGenParameterSpec("secp256r1"));
        ECParameterSpec spec = params.getParameterSpec(ECParameterSpec.class);
        ECPoint w = new ECPoint(new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("x"))),
                new BigInteger(1, Base64.getUrlDecoder().decode(jwk.getString("y"))));
        return KeyFactory.getInstance("EC").generatePublic(new ECPublicKeySpec(w, spec));
    }

    private static JsonObject part(String jwt, int index) {
        return new JsonObject(new String(Base64.getUrlDecoder().decode(jwt.split("\\.")[index]),
                StandardCharsets.UTF_8));
    }

    private static String b64(String json) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    private static String pem(String type, byte[] der) {
        return "-----BEGIN " + type + "-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der) + "\n-----END " + type + "-----\n";
    }

    private static void assertUnauthorized(Throwable failure) {
        assertUnauthorized(failure, "");
    }

    private static void assertUnauthorized(Throwable failure, String what) {
        ZunException e = assertInstanceOf(ZunException.class, failure, what);
        assertEquals(401, e.status(), what);
        assertEquals("unauthorized", e.code(), what);
    }
}
