package io.zunvx.platform.registry;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.zunvx.platform.config.ConfigException;
import io.zunvx.platform.config.ZunvxConfig;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** AES-256-GCM sealing of registry passwords: round trip, fresh nonces, tamper detection, keys and the key file. */
class CredentialCipherTest {
    private static final byte[] KEY_A = key(1);
    private static final byte[] KEY_B = key(2);

    @TempDir
    Path dir;

    @Test
    void sealedPasswordOpensWithTheSameKeyAndHidesThePlaintext() {
        // GIVEN a cipher
        CredentialCipher c = new CredentialCipher(KEY_A);

        // WHEN a password is sealed
        byte[] sealed = c.encrypt("s3cret-päss");

        // THEN it is nonce (12) + ciphertext + tag (16), holds no plaintext, and opens to the password
        assertEquals(12 + "s3cret-päss".getBytes(StandardCharsets.UTF_8).length + 16, sealed.length);
        assertFalse(new String(sealed, StandardCharsets.ISO_8859_1).contains("s3cret"));
        assertEquals("s3cret-päss", c.decrypt(sealed));
        assertEquals("", c.decrypt(c.encrypt("")));
    }

    @Test
    void everySealingUsesAFreshNonce() {
        // GIVEN one cipher and one password
        CredentialCipher c = new CredentialCipher(KEY_A);

        // WHEN it is sealed twice
        byte[] first = c.encrypt("same");
        byte[] second = c.encrypt("same");

        // THEN nonces and ciphertexts differ
        assertNotEquals(Arrays.toString(Arrays.copyOf(first, 12)), Arrays.toString(Arrays.copyOf(second, 12)));
        assertNotEquals(Arrays.toString(first), Arrays.toString(second));
    }

    @Test
    void anyFlippedByteIsDetected() {
        // GIVEN a sealed password
        CredentialCipher c = new CredentialCipher(KEY_A);
        byte[] sealed = c.encrypt("hunter2");

        for (int i = 0; i < sealed.length; i++) {
            // WHEN one byte (nonce, ciphertext or tag) is changed
            byte[] tampered = sealed.clone();
            tampered[i] ^= 0x01;

            // THEN opening it fails
            int at = i;
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> c.decrypt(tampered),
                    "byte " + at);
            assertTrue(e.getMessage().contains("altered or sealed with another key"), e.getMessage());
        }
        assertThrows(IllegalArgumentException.class, () -> c.decrypt(Arrays.copyOf(sealed, 20)));
    }

    @Test
    void anotherKeyCannotOpenIt() {
        // GIVEN a password sealed with key A
        byte[] sealed = new CredentialCipher(KEY_A).encrypt("hunter2");

        // WHEN key B tries to open it THEN it fails
        assertThrows(IllegalArgumentException.class, () -> new CredentialCipher(KEY_B).decrypt(sealed));
    }

    @Test
    void keysMustBe32Bytes() {
        assertThrows(IllegalArgumentException.class, () -> new CredentialCipher(new byte[16]));
        assertThrows(IllegalArgumentException.class, () -> new CredentialCipher(null));
    }

    @Test
    void configuredKeyIsUsedAndNoKeyFileIsMade() {
        // GIVEN ZUNVX_REGISTRY_KEY set
        ZunvxConfig cfg = ZunvxConfig.from(Map.of("ZUNVX_DATA_DIR", dir.toString(),
                "ZUNVX_REGISTRY_KEY", Base64.getEncoder().encodeToString(KEY_A)));

        // WHEN the cipher is made from the configuration
        CredentialCipher c = CredentialCipher.fromConfig(cfg);

        // THEN it is key A's cipher, and no key file appears
        assertEquals("x", new CredentialCipher(KEY_A).decrypt(c.encrypt("x")));
        assertFalse(Files.exists(dir.resolve(CredentialCipher.KEY_FILE)));
    }

    @Test
    void withoutAConfiguredKeyAKeyFileIsMadeOnceWithMode0600() throws Exception {
        // GIVEN no configured key and no key file
        ZunvxConfig cfg = ZunvxConfig.from(Map.of("ZUNVX_DATA_DIR", dir.resolve("data").toString()));

        // WHEN the cipher is made twice (two starts of the all-in-one)
        byte[] sealed = CredentialCipher.fromConfig(cfg).encrypt("kept");
        CredentialCipher again = CredentialCipher.fromConfig(cfg);

        // THEN one key file exists, readable by its owner only, holding a 32-byte key, and the second start reads it
        Path file = dir.resolve("data").resolve(CredentialCipher.KEY_FILE);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals(32, Base64.getDecoder().decode(Files.readString(file).strip()).length);
        assertEquals("kept", again.decrypt(sealed));
        try (var files = Files.list(dir.resolve("data"))) {
            assertEquals(1, files.count(), "no temporary file left behind");
        }
    }

    @Test
    void aKeyFileThatIsNot32BytesIsRefused() throws Exception {
        // GIVEN a key file holding 16 bytes
        Files.writeString(dir.resolve(CredentialCipher.KEY_FILE), Base64.getEncoder().encodeToString(new byte[16]));
        ZunvxConfig cfg = ZunvxConfig.from(Map.of("ZUNVX_DATA_DIR", dir.toString()));

        // WHEN the cipher is made THEN it is refused naming the file
        ConfigException e = assertThrows(ConfigException.class, () -> CredentialCipher.fromConfig(cfg));
        assertTrue(e.getMessage().contains(CredentialCipher.KEY_FILE), e.getMessage());
    }

    @Test
    void keyIsNotKeptByReference() {
        // GIVEN a cipher made from an array that is then wiped
        byte[] k = KEY_A.clone();
        CredentialCipher c = new CredentialCipher(k);
        Arrays.fill(k, (byte) 0);

        // THEN the cipher still uses the original key
        assertArrayEquals("y".getBytes(), new CredentialCipher(KEY_A).decrypt(c.encrypt("y")).getBytes());
    }

    private static byte[] key(int seed) {
        byte[] k = new byte[32];
        Arrays.fill(k, (byte) seed);
        k[31] = (byte) (seed * 7);
        return k;
    }
}
