-- The Neutron subset: networks, subnets, ports, security groups and their rules. Desired state only; each compute
-- agent makes its Docker engine match it (a bridge network per network it needs, endpoints with the ports' addresses,
-- iptables rules for the groups).
CREATE TABLE networks (
    id                 bigserial   NOT NULL UNIQUE,
    uuid               uuid        PRIMARY KEY,
    name               text        NOT NULL DEFAULT '',
    project_id         text        NOT NULL,
    shared             boolean     NOT NULL DEFAULT false,
    admin_state_up     boolean     NOT NULL DEFAULT true,
    description        text        NOT NULL DEFAULT '',
    -- true for the network a project gets on first use; one per project
    project_default    boolean     NOT NULL DEFAULT false,
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz,
    version            integer     NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX networks_project_default ON networks (project_id) WHERE project_default;
CREATE INDEX networks_project ON networks (project_id);

-- Every subnet shares one address space: containers of all networks may sit on one Docker host, whose bridges must not
-- overlap. The exclusion constraint makes that exact under concurrency.
CREATE TABLE subnets (
    id                 bigserial   NOT NULL UNIQUE,
    uuid               uuid        PRIMARY KEY,
    network_id         uuid        NOT NULL REFERENCES networks (uuid),
    name               text        NOT NULL DEFAULT '',
    project_id         text        NOT NULL,
    cidr               cidr        NOT NULL,
    gateway_ip         inet,
    allocation_pools   jsonb       NOT NULL DEFAULT '[]',
    enable_dhcp        boolean     NOT NULL DEFAULT true,
    description        text        NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz,
    CONSTRAINT subnets_no_overlap EXCLUDE USING gist (cidr inet_ops WITH &&)
);
CREATE INDEX subnets_network ON subnets (network_id);

-- A port is an address on a network; device_id is the container's uuid while one uses it.
CREATE TABLE ports (
    id                 bigserial   NOT NULL UNIQUE,
    uuid               uuid        PRIMARY KEY,
    network_id         uuid        NOT NULL REFERENCES networks (uuid),
    subnet_id          uuid        NOT NULL REFERENCES subnets (uuid),
    name               text        NOT NULL DEFAULT '',
    project_id         text        NOT NULL,
    ip_address         inet        NOT NULL,
    mac_address        text        NOT NULL,
    device_id          text        NOT NULL DEFAULT '',
    device_owner       text        NOT NULL DEFAULT '',
    -- the host whose engine holds the endpoint, once placed
    host               text,
    -- made for a container by Zun (deleted with it) or by the user (kept)
    preserve_on_delete boolean     NOT NULL DEFAULT true,
    security_groups    jsonb       NOT NULL DEFAULT '[]',
    description        text        NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz,
    UNIQUE (network_id, ip_address)
);
CREATE INDEX ports_device ON ports (device_id) WHERE device_id <> '';
CREATE INDEX ports_network ON ports (network_id);

CREATE TABLE security_groups (
    id                 bigserial   NOT NULL UNIQUE,
    uuid               uuid        PRIMARY KEY,
    name               text        NOT NULL,
    project_id         text        NOT NULL,
    description        text        NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz,
    -- bumped at every rule change so agents can tell a group's rules changed
    revision           bigint      NOT NULL DEFAULT 0
);
CREATE UNIQUE INDEX security_groups_project_default ON security_groups (project_id) WHERE name = 'default';
CREATE INDEX security_groups_project ON security_groups (project_id);

CREATE TABLE security_group_rules (
    id                 bigserial   NOT NULL UNIQUE,
    uuid               uuid        PRIMARY KEY,
    security_group_id  uuid        NOT NULL REFERENCES security_groups (uuid) ON DELETE CASCADE,
    project_id         text        NOT NULL,
    direction          text        NOT NULL CHECK (direction IN ('ingress', 'egress')),
    ethertype          text        NOT NULL CHECK (ethertype IN ('IPv4', 'IPv6')),
    protocol           text,
    port_range_min     integer,
    port_range_max     integer,
    remote_ip_prefix   cidr,
    remote_group_id    uuid        REFERENCES security_groups (uuid),
    description        text        NOT NULL DEFAULT '',
    created_at         timestamptz NOT NULL,
    updated_at         timestamptz
);
CREATE INDEX security_group_rules_group ON security_group_rules (security_group_id);

-- Ports follow their container's row, whichever path writes it: placed with it, and released when it goes (the ports
-- made for it deleted, the user's kept and freed, Zun's preserve_on_delete).
CREATE FUNCTION zunvx_ports_follow_container() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM ports WHERE device_id = OLD.uuid::text AND NOT preserve_on_delete;
        UPDATE ports SET device_id = '', device_owner = '', host = NULL WHERE device_id = OLD.uuid::text;
        RETURN OLD;
    END IF;
    UPDATE ports SET host = NEW.host WHERE device_id = NEW.uuid::text;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
CREATE TRIGGER containers_release_ports AFTER DELETE ON containers
    FOR EACH ROW EXECUTE FUNCTION zunvx_ports_follow_container();
CREATE TRIGGER containers_place_ports AFTER UPDATE OF host ON containers
    FOR EACH ROW WHEN (OLD.host IS DISTINCT FROM NEW.host) EXECUTE FUNCTION zunvx_ports_follow_container();
