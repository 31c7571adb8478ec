-- The private parts of the token signing keys move to a table of their own, which only the signing roles (api,
-- wsproxy) read: a compute host verifies with signing_keys (public keys) alone, so its database role needs no grant
-- here. Values are sealed with AES-256-GCM under ZUNVX_SIGNING_KEY_SECRET ('aes256gcm:' + Base64); the plaintext
-- keys moved here by this migration are sealed by the first signing role that loads them. Retired keys lose theirs.
CREATE TABLE signing_key_secrets (
    kid         text PRIMARY KEY REFERENCES signing_keys (kid) ON DELETE CASCADE,
    private_key text NOT NULL
);
INSERT INTO signing_key_secrets (kid, private_key)
SELECT kid, private_key FROM signing_keys WHERE retired_at IS NULL;
ALTER TABLE signing_keys DROP COLUMN private_key;
