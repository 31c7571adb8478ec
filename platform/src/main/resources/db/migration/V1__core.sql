-- Containers: desired spec, placement and observed state. Every row that can be raced has a version column.
CREATE TABLE containers (
    id                bigserial   NOT NULL UNIQUE,
    uuid              uuid        PRIMARY KEY,
    name              text        NOT NULL,
    project_id        text        NOT NULL,
    user_id           text,
    image             text        NOT NULL,
    image_driver      text,
    image_pull_policy text,
    command           jsonb,
    entrypoint        jsonb,
    status            text        NOT NULL,
    status_reason     text,
    status_detail     text,
    task_state        text,
    cpu               double precision NOT NULL,
    cpu_policy        text,
    memory            integer,
    disk              integer     NOT NULL DEFAULT 0,
    environment       jsonb       NOT NULL DEFAULT '{}',
    labels            jsonb       NOT NULL DEFAULT '{}',
    workdir           text,
    hostname          text,
    exposed_ports     jsonb       NOT NULL DEFAULT '[]',
    addresses         jsonb       NOT NULL DEFAULT '{}',
    security_groups   jsonb       NOT NULL DEFAULT '[]',
    restart_policy    jsonb,
    interactive       boolean     NOT NULL DEFAULT false,
    tty               boolean     NOT NULL DEFAULT false,
    auto_remove       boolean     NOT NULL DEFAULT false,
    auto_heal         boolean     NOT NULL DEFAULT false,
    privileged        boolean     NOT NULL DEFAULT false,
    runtime           text,
    host              text,
    healthcheck       jsonb,
    registry_id       uuid,
    hints             jsonb       NOT NULL DEFAULT '{}',
    availability_zone text,
    requested_host    text,
    run               boolean     NOT NULL DEFAULT false,
    container_id      text,
    claimed           boolean     NOT NULL DEFAULT false,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz,
    version           bigint      NOT NULL DEFAULT 0,
    event_seq         bigint      NOT NULL DEFAULT 0
);
CREATE INDEX containers_project ON containers (project_id, id);
CREATE INDEX containers_host ON containers (host);
CREATE INDEX containers_name ON containers (name);

-- Docker hosts: capacity, claims and what they offer.
CREATE TABLE compute_nodes (
    uuid               uuid        PRIMARY KEY,
    hostname           text        NOT NULL UNIQUE,
    mem_total          bigint      NOT NULL,
    mem_used           bigint      NOT NULL DEFAULT 0,
    cpus               integer     NOT NULL,
    cpu_used           double precision NOT NULL DEFAULT 0,
    disk_total         bigint      NOT NULL,
    disk_used          bigint      NOT NULL DEFAULT 0,
    total_containers   integer     NOT NULL DEFAULT 0,
    running            integer     NOT NULL DEFAULT 0,
    paused             integer     NOT NULL DEFAULT 0,
    stopped            integer     NOT NULL DEFAULT 0,
    architecture       text,
    os_type            text,
    os                 text,
    kernel_version     text,
    labels             jsonb       NOT NULL DEFAULT '{}',
    runtimes           jsonb       NOT NULL DEFAULT '[]',
    enable_cpu_pinning boolean     NOT NULL DEFAULT false,
    availability_zone  text,
    internal_endpoint  text,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz,
    version            bigint      NOT NULL DEFAULT 0,
    CHECK (mem_used >= 0 AND cpu_used >= 0 AND disk_used >= 0)
);

CREATE TABLE zun_services (
    id                bigserial   PRIMARY KEY,
    host              text        NOT NULL,
    "binary"          text        NOT NULL,
    disabled          boolean     NOT NULL DEFAULT false,
    disabled_reason   text,
    forced_down       boolean     NOT NULL DEFAULT false,
    last_seen_up      timestamptz,
    report_count      bigint      NOT NULL DEFAULT 0,
    availability_zone text,
    created_at        timestamptz NOT NULL,
    updated_at        timestamptz,
    UNIQUE (host, "binary")
);

-- One row per API request that acts on a container; events are the steps the compute agent took for it.
CREATE TABLE container_actions (
    id             bigserial   PRIMARY KEY,
    container_uuid uuid        NOT NULL,
    request_id     text        NOT NULL,
    action         text        NOT NULL,
    project_id     text,
    user_id        text,
    start_time     timestamptz NOT NULL,
    finish_time    timestamptz,
    message        text,
    UNIQUE (container_uuid, request_id)
);
CREATE TABLE container_action_events (
    id          bigserial   PRIMARY KEY,
    action_id   bigint      NOT NULL REFERENCES container_actions (id) ON DELETE CASCADE,
    event       text        NOT NULL,
    start_time  timestamptz NOT NULL,
    finish_time timestamptz,
    result      text,
    traceback   text
);
CREATE INDEX container_action_events_action ON container_action_events (action_id);

-- Transactional outbox: written in the same transaction as the change, published to Kafka by the relay, then deleted.
CREATE TABLE outbox (
    id         bigserial   PRIMARY KEY,
    message_id uuid        NOT NULL,
    topic      text        NOT NULL,
    key        text        NOT NULL,
    type       text        NOT NULL,
    subject    text,
    sequence   bigint,
    data       text        NOT NULL,
    created_at timestamptz NOT NULL DEFAULT now()
);

-- Wake the relay on commit, once per inserting statement; it needs no fixed polling delay.
CREATE FUNCTION outbox_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('zunvx_outbox', '');
    RETURN NULL;
END $$;
CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify();

-- Token signing keys (asymmetric). The newest unretired key signs; every unretired key verifies.
CREATE TABLE signing_keys (
    kid         text        PRIMARY KEY,
    algorithm   text        NOT NULL,
    private_key text        NOT NULL,
    public_key  text        NOT NULL,
    created_at  timestamptz NOT NULL,
    retired_at  timestamptz
);
