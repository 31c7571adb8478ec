-- Per-project quota overrides and quota classes (the 'default' class overrides the configured defaults).
-- Usage is not stored: it is counted from the containers table under a per-project lock, so it cannot drift.
CREATE TABLE quotas (
    project_id  text        NOT NULL,
    resource    text        NOT NULL,
    hard_limit  bigint      NOT NULL CHECK (hard_limit >= -1),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz,
    PRIMARY KEY (project_id, resource)
);

CREATE TABLE quota_classes (
    class_name  text        NOT NULL,
    resource    text        NOT NULL,
    hard_limit  bigint      NOT NULL CHECK (hard_limit >= -1),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz,
    PRIMARY KEY (class_name, resource)
);
