-- Private registries of a project. The password is AES-256-GCM ciphertext (12-byte nonce first); the key is not in
-- the database.
CREATE TABLE registries (
    id           bigserial   NOT NULL UNIQUE,
    uuid         uuid        PRIMARY KEY,
    name         text,
    domain       text        NOT NULL,
    username     text,
    password_enc bytea,
    project_id   text        NOT NULL,
    user_id      text,
    created_at   timestamptz NOT NULL,
    updated_at   timestamptz
);
CREATE UNIQUE INDEX registries_project_name ON registries (project_id, name) WHERE name IS NOT NULL;
CREATE INDEX registries_project_domain ON registries (project_id, domain);

-- Images on hosts (Zun's image objects). event_seq numbers the row's state-changed events.
CREATE TABLE images (
    id                bigserial   NOT NULL UNIQUE,
    uuid              uuid        PRIMARY KEY,
    image_id          text,
    repo              text        NOT NULL,
    tag               text,
    size              bigint,
    project_id        text,
    user_id           text,
    host              text,
    status            text        NOT NULL CHECK (status IN ('pulling', 'ready', 'error')),
    status_reason     text,
    image_pull_policy text,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz,
    event_seq         bigint      NOT NULL DEFAULT 0
);
-- As Zun: one record per repository, tag and host.
CREATE UNIQUE INDEX images_repo_tag_host ON images (repo, coalesce(tag, ''), coalesce(host, ''));
CREATE INDEX images_host ON images (host);

-- The image store (Glance v2 images). Data lives in a blob store at location; row_id orders and breaks ties.
CREATE TABLE store_images (
    row_id           bigserial   NOT NULL UNIQUE,
    id               uuid        PRIMARY KEY,
    name             text,
    status           text        NOT NULL
                                 CHECK (status IN ('queued', 'saving', 'active', 'killed', 'deleted')),
    container_format text,
    disk_format      text,
    visibility       text        NOT NULL CHECK (visibility IN ('private', 'public', 'shared', 'community')),
    owner            text,
    size             bigint      CHECK (size >= 0),
    checksum         text,
    os_hash_algo     text,
    os_hash_value    text,
    tags             jsonb       NOT NULL DEFAULT '[]',
    min_disk         integer     NOT NULL DEFAULT 0 CHECK (min_disk >= 0),
    min_ram          integer     NOT NULL DEFAULT 0 CHECK (min_ram >= 0),
    protected        boolean     NOT NULL DEFAULT false,
    location         text,
    docker_image_id  text,
    repo_tags        jsonb       NOT NULL DEFAULT '[]',
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz,
    -- Only an active image has data to point at.
    CHECK (status = 'active' OR location IS NULL)
);
CREATE INDEX store_images_owner ON store_images (owner, row_id);
CREATE INDEX store_images_name ON store_images (name);
CREATE INDEX store_images_visibility ON store_images (visibility) WHERE visibility IN ('public', 'community');
