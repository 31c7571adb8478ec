-- Tokens revoked by DELETE /identity/v3/auth/tokens, by their id (the jti claim), until they would have expired.
CREATE TABLE revoked_tokens (
    token_id   text        PRIMARY KEY,
    expires_at timestamptz NOT NULL
);
CREATE INDEX revoked_tokens_expiry ON revoked_tokens (expires_at);
