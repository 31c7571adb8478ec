package io.zunvx.api.identity;

import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;

/**
 * Password hashes: PBKDF2 with HMAC-SHA256 from the JDK, a random 16-byte salt and a cost that can only go up.
 * A hash names its own algorithm and iteration count ({@code pbkdf2-sha256$<iterations>$<salt>$<hash>}), so hashes
 * made with a lower count still verify and are replaced at the next successful login ({@link #needsRehash}).
 * Deliberately slow: call it off the event loop.
 */
public final class PasswordHasher {
    /** OWASP's 2023 figure for PBKDF2-HMAC-SHA256. */
    public static final int DEFAULT_ITERATIONS = 210_000;
    private static final String SCHEME = "pbkdf2-sha256";
    private static final int SALT_BYTES = 16;
    private static final int HASH_BYTES = 32;

    private final int iterations;
    private final SecureRandom random;
    private final KeyDerivation kdf;
    /** What an unknown user's "hash" is checked against: random, so it matches nothing, at the same cost. */
    private final Parsed dummy;

    public PasswordHasher() {
        this(DEFAULT_ITERATIONS, new SecureRandom());
    }

    PasswordHasher(int iterations, SecureRandom random) {
        this(iterations, random, PasswordHasher::pbkdf2);
    }

    /** With the key derivation given: tests see through it which work each check did. */
    PasswordHasher(int iterations, SecureRandom random, KeyDerivation kdf) {
        if (iterations < 1) {
            throw new IllegalArgumentException("iterations must be positive");
        }
        this.iterations = iterations;
        this.random = random;
        this.kdf = kdf;
        byte[] salt = new byte[SALT_BYTES];
        byte[] hash = new byte[HASH_BYTES];
        random.nextBytes(salt);
        random.nextBytes(hash);
        this.dummy = new Parsed(iterations, salt, hash);
    }

    /** A new self-describing hash of {@code password} with a fresh salt. */
    public String hash(String password) {
        byte[] salt = new byte[SALT_BYTES];
        random.nextBytes(salt);
        Base64.Encoder b64 = Base64.getEncoder().withoutPadding();
        return SCHEME + "$" + iterations + "$" + b64.encodeToString(salt) + "$"
                + b64.encodeToString(kdf.derive(password, salt, iterations));
    }

    /**
     * Whether {@code password} matches {@code encoded}. A {@code null} or malformed hash (unknown user, user without
     * a password) costs the same work as a real check and fails, so timing does not tell which part was wrong.
     */
    public boolean verify(String password, String encoded) {
        Parsed p = parse(encoded);
        if (p == null || password == null) {
            MessageDigest.isEqual(kdf.derive(password == null ? "" : password, dummy.salt, dummy.iterations),
                    dummy.hash);
            return false;
        }
        return MessageDigest.isEqual(kdf.derive(password, p.salt, p.iterations), p.hash);
    }

    /** Whether {@code encoded} was made with weaker settings than this hasher's (and should be replaced). */
    public boolean needsRehash(String encoded) {
        Parsed p = parse(encoded);
        return p == null || p.iterations < iterations;
    }

    private record Parsed(int iterations, byte[] salt, byte[] hash) {
    }

    /** The costly step: a key of {@code HASH_BYTES} derived from a password, a salt and an iteration count. */
    @FunctionalInterface
    interface KeyDerivation {
        byte[] derive(String password, byte[] salt, int iterations);
    }

    private static Parsed parse(String encoded) {
        if (encoded == null) {
            return null;
        }
        String[] parts = encoded.split("\\$", -1);
        if (parts.length != 4 || !SCHEME.equals(parts[0])) {
            return null;
        }
        try {
            int n = Integer.parseInt(parts[1]);
            byte[] salt = Base64.getDecoder().decode(parts[2]);
            byte[] hash = Base64.getDecoder().decode(parts[3]);
            if (n < 1 || salt.length < SALT_BYTES || hash.length != HASH_BYTES) {
                return null;
            }
            return new Parsed(n, salt, hash);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }

    /** PBKDF2 with HMAC-SHA256, from the JDK. */
    static byte[] pbkdf2(String password, byte[] salt, int iterations) {
        char[] chars = password.toCharArray();
        PBEKeySpec spec = new PBEKeySpec(chars, salt, iterations, HASH_BYTES * 8);
        try {
            return SecretKeyFactory.getInstance("PBKDF2WithHmacSHA256").generateSecret(spec).getEncoded();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("PBKDF2WithHmacSHA256 is part of every JDK", e);
        } finally {
            spec.clearPassword();
            Arrays.fill(chars, '\0');
        }
    }

    /** For logs: the scheme and cost, never the salt or hash. */
    @Override
    public String toString() {
        return "PasswordHasher[" + SCHEME + ", iterations=" + iterations + "]";
    }
}
