-- Dedicated CPUs: one row per pinned CPU of a host. The primary key makes it impossible for two containers to hold
-- the same CPU, whatever races; deleting the container releases its CPUs.
CREATE TABLE cpu_pins (
    host           text    NOT NULL,
    cpu            integer NOT NULL CHECK (cpu >= 0),
    container_uuid uuid    NOT NULL REFERENCES containers (uuid) ON DELETE CASCADE,
    PRIMARY KEY (host, cpu)
);
CREATE INDEX cpu_pins_container ON cpu_pins (container_uuid);

ALTER TABLE containers ADD COLUMN cpuset text;
