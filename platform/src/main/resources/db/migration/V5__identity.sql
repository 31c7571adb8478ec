-- Identity: the part of Keystone v3 that Zun clients use. One domain ('default') for now; the column keeps the
-- uniqueness rules Keystone has (names are unique per domain) so more domains can come later without a rewrite.
CREATE TABLE projects (
    id          text        PRIMARY KEY,
    name        text        NOT NULL CHECK (length(name) BETWEEN 1 AND 64),
    domain_id   text        NOT NULL DEFAULT 'default',
    description text        NOT NULL DEFAULT '',
    enabled     boolean     NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz,
    version     bigint      NOT NULL DEFAULT 0,
    UNIQUE (domain_id, name)
);

-- password_hash is self-describing ('pbkdf2-sha256$<iterations>$<salt>$<hash>'), so the cost can be raised later
-- and old hashes upgraded at the next successful login.
CREATE TABLE users (
    id                 text        PRIMARY KEY,
    name               text        NOT NULL CHECK (length(name) BETWEEN 1 AND 255),
    domain_id          text        NOT NULL DEFAULT 'default',
    password_hash      text,
    enabled            boolean     NOT NULL DEFAULT true,
    default_project_id text        REFERENCES projects (id) ON DELETE SET NULL,
    description        text        NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz,
    version            bigint      NOT NULL DEFAULT 0,
    UNIQUE (domain_id, name)
);

CREATE TABLE roles (
    id          text PRIMARY KEY,
    name        text NOT NULL UNIQUE,
    description text NOT NULL DEFAULT ''
);
-- Keystone's default roles. admin implies member implies reader (expanded when a token is issued).
INSERT INTO roles (id, name, description) VALUES
    (replace(gen_random_uuid()::text, '-', ''), 'admin', 'Administers every project'),
    (replace(gen_random_uuid()::text, '-', ''), 'member', 'Works in its project'),
    (replace(gen_random_uuid()::text, '-', ''), 'reader', 'Reads its project');

CREATE TABLE role_assignments (
    user_id    text NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    project_id text NOT NULL REFERENCES projects (id) ON DELETE CASCADE,
    role_id    text NOT NULL REFERENCES roles (id) ON DELETE CASCADE,
    PRIMARY KEY (user_id, project_id, role_id)
);
CREATE INDEX role_assignments_project ON role_assignments (project_id);
CREATE INDEX role_assignments_role ON role_assignments (role_id);

-- Password attempts per (user name as given, source address) in a fixed window. Kept in PostgreSQL rather than in
-- each API instance's memory, so running more instances does not multiply the guesses an attacker gets. Counted
-- whether or not the user exists, so a lockout says nothing about which names are real.
CREATE TABLE login_failures (
    user_key     text        NOT NULL,
    source       text        NOT NULL,
    attempts     integer     NOT NULL,
    window_start timestamptz NOT NULL,
    PRIMARY KEY (user_key, source)
);
CREATE INDEX login_failures_window ON login_failures (window_start);
