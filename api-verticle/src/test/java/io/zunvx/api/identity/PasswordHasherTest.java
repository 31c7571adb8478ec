package io.zunvx.api.identity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Password hashes: format, salting, verification, refusal of anything malformed, and cost upgrades. */
class PasswordHasherTest {
    /** A cheap hasher: the logic is the same at any cost. */
    private final PasswordHasher cheap = new PasswordHasher(1_000, new SecureRandom());

    @Test
    void defaultHashNamesItsSchemeAndCostWithASixteenByteSalt() {
        // WHEN a password is hashed with the default settings
        String hash = new PasswordHasher().hash("correct horse");

        // THEN the hash says PBKDF2-SHA256 with at least 210,000 iterations, a 16-byte salt and a 32-byte key
        String[] parts = hash.split("\\$");
        assertEquals(4, parts.length, hash);
        assertEquals("pbkdf2-sha256", parts[0]);
        assertTrue(Integer.parseInt(parts[1]) >= 210_000, parts[1]);
        assertEquals(16, Base64.getDecoder().decode(parts[2]).length);
        assertEquals(32, Base64.getDecoder().decode(parts[3]).length);
        assertFalse(hash.contains("correct horse"));
    }

    @Test
    void samePasswordHashesDifferentlyEachTimeAndBothVerify() {
        // WHEN one password is hashed twice
        String a = cheap.hash("s3cret");
        String b = cheap.hash("s3cret");

        // THEN the salts make the hashes differ, and each verifies
        assertNotEquals(a, b);
        assertTrue(cheap.verify("s3cret", a));
        assertTrue(cheap.verify("s3cret", b));
    }

    @Test
    void wrongPasswordsDoNotVerify() {
        String hash = cheap.hash("s3cret");
        // (Trailing NUL characters are the one blind spot, as with every HMAC-based scheme: HMAC pads short keys with
        // zeros. Guessing that way still needs the password itself.)
        for (String wrong : new String[] {"s3cret ", "S3cret", "", "s3cre", "s3cret0", "\u0000s3cret"}) {
            assertFalse(cheap.verify(wrong, hash), wrong);
        }
        assertFalse(cheap.verify(null, hash));
    }

    @Test
    void nonAsciiPasswordsRoundTrip() {
        String hash = cheap.hash("pässwörd-密码-🔑");
        assertTrue(cheap.verify("pässwörd-密码-🔑", hash));
        assertFalse(cheap.verify("passwort-密码-🔑", hash));
    }

    @Test
    void missingOrMalformedHashesNeverVerify() {
        // GIVEN hashes a user without a password, a corrupted row or another scheme would have
        String good = cheap.hash("pw");
        String[] parts = good.split("\\$");
        String[] bad = {null, "", "pw", "plain$pw", "pbkdf2-sha256$1000$$", "md5$1000$" + parts[2] + "$" + parts[3],
            "pbkdf2-sha256$x$" + parts[2] + "$" + parts[3], "pbkdf2-sha256$0$" + parts[2] + "$" + parts[3],
            "pbkdf2-sha256$1000$" + parts[2] + "$AAAA", "pbkdf2-sha256$1000$!!$" + parts[3]};

        // THEN none verifies, whatever the password
        for (String hash : bad) {
            assertFalse(cheap.verify("pw", hash), String.valueOf(hash));
            assertFalse(cheap.verify("", hash), String.valueOf(hash));
            assertTrue(cheap.needsRehash(hash), String.valueOf(hash));
        }
    }

    @Test
    void aHashOfLowerCostStillVerifiesAndAsksToBeReplaced() {
        // GIVEN a hash made when the cost was lower
        String old = cheap.hash("pw");
        PasswordHasher stronger = new PasswordHasher(2_000, new SecureRandom());

        // THEN the stronger hasher accepts it but wants it rehashed, and its own hash needs nothing
        assertTrue(stronger.verify("pw", old));
        assertTrue(stronger.needsRehash(old));
        assertFalse(stronger.needsRehash(stronger.hash("pw")));
        assertFalse(cheap.needsRehash(stronger.hash("pw")), "a higher cost is never downgraded");
    }

    @Test
    void anUnknownUserCostsTheSameKeyDerivationAsAKnownOne() {
        // GIVEN a hasher whose key derivations are recorded (iteration count of each)
        List<Integer> derivations = new CopyOnWriteArrayList<>();
        PasswordHasher h = new PasswordHasher(50_000, new SecureRandom(), (password, salt, iterations) -> {
            derivations.add(iterations);
            return PasswordHasher.pbkdf2(password, salt, iterations);
        });
        String hash = h.hash("pw");
        assertEquals(List.of(50_000), derivations);
        derivations.clear();

        // WHEN a wrong password is checked against a real hash, against none (unknown user), against a malformed
        // one, and no password against a real hash
        assertFalse(h.verify("wrong", hash));
        assertFalse(h.verify("wrong", null));
        assertFalse(h.verify("wrong", "pbkdf2-sha256$x$!!$"));
        assertFalse(h.verify(null, hash));

        // THEN each did one whole key derivation at the hasher's cost: the answer's timing tells nothing
        assertEquals(List.of(50_000, 50_000, 50_000, 50_000), derivations);
    }

    @Test
    void toStringShowsNoSecret() {
        assertEquals("PasswordHasher[pbkdf2-sha256, iterations=1000]", cheap.toString());
    }
}
