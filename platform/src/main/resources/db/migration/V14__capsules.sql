-- Capsules (Zun's pods). A capsule's containers are rows of `containers` with `capsule_id` set: one sandbox that holds
-- the network and IPC namespaces (its uuid is the capsule's), the init containers and the main containers, in
-- template order by `id`. The status is not stored: the API aggregates it from those rows.
CREATE TABLE capsules (
    id               bigserial        NOT NULL UNIQUE,
    uuid             uuid             PRIMARY KEY,
    name             text,
    project_id       text             NOT NULL,
    user_id          text,
    labels           jsonb            NOT NULL DEFAULT '{}',
    annotations      jsonb            NOT NULL DEFAULT '{}',
    restart_policy   text             NOT NULL,
    cpu              double precision NOT NULL,
    memory           integer          NOT NULL,
    -- the template's volumes: [{"name", "volume_uuid", "auto_remove"}]
    volumes          jsonb            NOT NULL DEFAULT '[]',
    task_state       text,
    created_at       timestamptz      NOT NULL,
    updated_at       timestamptz,
    version          bigint           NOT NULL DEFAULT 0,
    event_seq        bigint           NOT NULL DEFAULT 0
);
CREATE INDEX capsules_project ON capsules (project_id, id);
CREATE INDEX capsules_name ON capsules (name);

ALTER TABLE containers ADD COLUMN capsule_id uuid;
ALTER TABLE containers ADD COLUMN capsule_role text;
ALTER TABLE containers ADD CONSTRAINT containers_capsule_role
    CHECK ((capsule_id IS NULL) = (capsule_role IS NULL)
           AND (capsule_role IS NULL OR capsule_role IN ('sandbox', 'init', 'container')));
CREATE INDEX containers_capsule ON containers (capsule_id, id) WHERE capsule_id IS NOT NULL;
