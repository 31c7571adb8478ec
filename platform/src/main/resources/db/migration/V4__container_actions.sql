-- Exec instances made for interactive sessions (POST .../execute?interactive=True&run=False): the WebSocket proxy
-- starts them. Removed with their container.
CREATE TABLE exec_instances (
    exec_id        text        PRIMARY KEY,
    container_uuid uuid        NOT NULL REFERENCES containers (uuid) ON DELETE CASCADE,
    host           text        NOT NULL,
    command        jsonb       NOT NULL,
    tty            boolean     NOT NULL,
    project_id     text        NOT NULL,
    user_id        text,
    created_at     timestamptz NOT NULL
);
CREATE INDEX exec_instances_container ON exec_instances (container_uuid);

-- One-time tokens in the URLs that attach and interactive exec hand out. Only the SHA-256 of a token is kept (hex).
-- exec_id NULL = attach; an attach replaces the container's earlier attach tokens, as Zun replaces its one token.
CREATE TABLE websocket_tokens (
    token_hash     text        PRIMARY KEY,
    container_uuid uuid        NOT NULL REFERENCES containers (uuid) ON DELETE CASCADE,
    exec_id        text        REFERENCES exec_instances (exec_id) ON DELETE CASCADE,
    project_id     text        NOT NULL,
    user_id        text,
    created_at     timestamptz NOT NULL,
    expires_at     timestamptz NOT NULL,
    used_at        timestamptz
);
CREATE INDEX websocket_tokens_container ON websocket_tokens (container_uuid);
CREATE INDEX websocket_tokens_expiry ON websocket_tokens (expires_at);
