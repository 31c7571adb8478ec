package io.zunvx.platform.registry;

import io.zunvx.platform.config.ConfigException;
import io.zunvx.platform.config.ZunvxConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Set;
import javax.crypto.AEADBadTagException;
import javax.crypto.Cipher;
import javax.crypto.SecretKey;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Encrypts secrets at rest with AES-256-GCM: registry passwords ({@link #fromConfig}) and the private token signing
 * keys ({@link #forSigningKeys}), each under its own key. Each value gets a fresh random 12-byte nonce, stored in front
 * of the ciphertext and its 16-byte tag; a changed byte or another key makes decryption fail.
 */
public final class CredentialCipher {
    /** Name of the key file under the data directory when no key is configured. */
    public static final String KEY_FILE = "registry.key";
    /** Name of the signing keys' key file under the data directory when no key is configured. */
    public static final String SIGNING_KEY_FILE = "signing.key";
    private static final Logger LOG = LoggerFactory.getLogger(CredentialCipher.class);
    private static final int KEY_BYTES = 32;
    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private final SecretKey key;
    private final String what;
    private final String keyName;
    private final SecureRandom random = new SecureRandom();

    /** @param key the 32-byte AES key of registry passwords */
    public CredentialCipher(byte[] key) {
        this(key, "registry password", "ZUNVX_REGISTRY_KEY");
    }

    /**
     * @param key     the 32-byte AES key
     * @param what    what it seals, for error messages
     * @param keyName the setting of the key, for error messages
     */
    public CredentialCipher(byte[] key, String what, String keyName) {
        if (key == null || key.length != KEY_BYTES) {
            throw new IllegalArgumentException("the " + what + " key must be " + KEY_BYTES + " bytes");
        }
        this.key = new SecretKeySpec(key.clone(), "AES");
        this.what = what;
        this.keyName = keyName;
    }

    /**
     * The cipher of the private token signing keys: {@code ZUNVX_SIGNING_KEY_SECRET} when set, otherwise the key file
     * {@code <dataDir>/signing.key} (base64, created once with mode 0600). Only the roles that sign (api, wsproxy)
     * need it.
     *
     * @throws ConfigException if the configured key or the key file does not hold 32 bytes
     */
    public static CredentialCipher forSigningKeys(ZunvxConfig config) {
        String configured = config.identity().signing().secret();
        byte[] k = configured != null ? decodeKey(configured, "ZUNVX_SIGNING_KEY_SECRET")
                : keyFile(config.dataDir().resolve(SIGNING_KEY_FILE));
        return new CredentialCipher(k, "private signing key", "ZUNVX_SIGNING_KEY_SECRET");
    }

    /**
     * The cipher for this deployment: {@code ZUNVX_REGISTRY_KEY} when set, otherwise the key file
     * {@code <dataDir>/registry.key} (base64, created once with mode 0600).
     *
     * @throws ConfigException if the configured key or the key file does not hold 32 bytes
     */
    public static CredentialCipher fromConfig(ZunvxConfig config) {
        String configured = config.images().registryKey();
        if (configured != null) {
            return new CredentialCipher(decodeKey(configured, "ZUNVX_REGISTRY_KEY"));
        }
        return new CredentialCipher(keyFile(config.dataDir().resolve(KEY_FILE)));
    }

    /** Reads the key file, creating it with a new random key if there is none. */
    static byte[] keyFile(Path file) {
        try {
            if (!Files.exists(file)) {
                create(file);
            }
            warnIfReadableByOthers(file);
            return decodeKey(Files.readString(file, StandardCharsets.US_ASCII), file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or create the key file " + file, e);
        }
    }

    private static void create(Path file) throws IOException {
        Files.createDirectories(file.toAbsolutePath().getParent());
        byte[] fresh = new byte[KEY_BYTES];
        new SecureRandom().nextBytes(fresh);
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp-" + Long.toHexString(System.nanoTime()));
        try {
            if (posix(file.toAbsolutePath().getParent())) {
                Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
            } else {
                Files.createFile(tmp);
            }
            Files.writeString(tmp, Base64.getEncoder().encodeToString(fresh) + "\n", StandardCharsets.US_ASCII);
            // Without REPLACE_EXISTING: if another process made the file first, its key wins and ours is dropped.
            Files.move(tmp, file);
            LOG.info("created key file {}", file);
        } catch (FileAlreadyExistsException raced) {
            // the other process's key is used
        } finally {
            Files.deleteIfExists(tmp);
        }
    }

    private static void warnIfReadableByOthers(Path file) throws IOException {
        if (posix(file)) {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (!OWNER_ONLY.containsAll(perms)) {
                LOG.warn("key file {} is readable by others ({}); it should be mode 0600", file,
                        PosixFilePermissions.toString(perms));
            }
        }
    }

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("posix");
    }

    private static byte[] decodeKey(String base64, String source) {
        byte[] k;
        try {
            k = Base64.getDecoder().decode(base64.strip());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(source + " must hold a base64 key");
        }
        if (k.length != KEY_BYTES) {
            throw new ConfigException(source + " must decode to " + KEY_BYTES + " bytes, not " + k.length);
        }
        return k;
    }

    /** Nonce, then ciphertext and tag. */
    public byte[] encrypt(String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = c.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(nonce, NONCE_BYTES + sealed.length);
            System.arraycopy(sealed, 0, out, NONCE_BYTES, sealed.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }

    /** @throws IllegalArgumentException if the value was altered or sealed with another key */
    public String decrypt(byte[] sealed) {
        if (sealed == null || sealed.length < NONCE_BYTES + TAG_BITS / 8) {
            throw new IllegalArgumentException("stored " + what + " is too short to be a sealed value");
        }
        try {
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.DECRYPT_MODE, key, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            return new String(c.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES), StandardCharsets.UTF_8);
        } catch (AEADBadTagException e) {
            throw new IllegalArgumentException("stored " + what + " cannot be decrypted: it was altered or "
                    + "sealed with another key (" + keyName + " changed?)", e);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM is not available", e);
        }
    }
}
