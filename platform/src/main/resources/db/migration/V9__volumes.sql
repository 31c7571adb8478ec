-- Volumes (Cinder's volumes): storage on exactly one host, made by that host's compute agent. host is NULL only for a
-- volume made for a container's sized mount before the container is placed (it then lives where the container goes).
-- auto_remove volumes belong to the container whose sized mount made them and go with it.
CREATE TABLE volumes (
    id            bigserial   NOT NULL UNIQUE,
    uuid          uuid        PRIMARY KEY,
    name          text,
    description   text,
    project_id    text        NOT NULL,
    user_id       text,
    size          integer     NOT NULL CHECK (size > 0),
    status        text        NOT NULL
                              CHECK (status IN ('creating', 'available', 'in-use', 'deleting', 'error',
                                                'error_deleting')),
    status_reason text,
    host          text,
    auto_remove   boolean     NOT NULL DEFAULT false,
    size_enforced boolean,
    created_at    timestamptz NOT NULL,
    updated_at    timestamptz,
    version       bigint      NOT NULL DEFAULT 0
);
CREATE INDEX volumes_project ON volumes (project_id, id);
CREATE INDEX volumes_host ON volumes (host);

-- Which container mounts which volume where. A row goes with its container (ON DELETE CASCADE), so an attachment
-- can never name a container that does not exist; the volume stays, and the sync loop sets it available again.
CREATE TABLE volume_attachments (
    id             uuid        PRIMARY KEY,
    volume_uuid    uuid        NOT NULL REFERENCES volumes (uuid),
    container_uuid uuid        NOT NULL REFERENCES containers (uuid) ON DELETE CASCADE,
    mount_path     text        NOT NULL,
    read_only      boolean     NOT NULL DEFAULT false,
    attached_at    timestamptz,
    created_at     timestamptz NOT NULL,
    UNIQUE (container_uuid, mount_path)
);
CREATE INDEX volume_attachments_volume ON volume_attachments (volume_uuid);

-- Files injected into a container (Zun's mounts of type bind): written into the container before it starts.
CREATE TABLE container_files (
    container_uuid uuid    NOT NULL REFERENCES containers (uuid) ON DELETE CASCADE,
    path           text    NOT NULL,
    content        bytea   NOT NULL,
    PRIMARY KEY (container_uuid, path)
);
