-- A container with exposed_ports carries a security group of its own, named zun-<container uuid> (as Zun names it):
-- it goes with the container's row, whichever path deletes it, once its ports are gone, unless a port still carries it
-- (a user's port kept by preserve_on_delete) or another group's rule names it as its remote group.
CREATE OR REPLACE FUNCTION zunvx_ports_follow_container() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE' THEN
        DELETE FROM ports WHERE device_id = OLD.uuid::text AND NOT preserve_on_delete;
        UPDATE ports SET device_id = '', device_owner = '', host = NULL WHERE device_id = OLD.uuid::text;
        DELETE FROM security_groups g
            WHERE g.project_id = OLD.project_id AND g.name = 'zun-' || OLD.uuid::text
              AND NOT EXISTS (SELECT 1 FROM ports p WHERE p.security_groups ? g.uuid::text)
              AND NOT EXISTS (SELECT 1 FROM security_group_rules r
                              WHERE r.remote_group_id = g.uuid AND r.security_group_id <> g.uuid);
        RETURN OLD;
    END IF;
    UPDATE ports SET host = NEW.host WHERE device_id = NEW.uuid::text;
    RETURN NEW;
END
$$ LANGUAGE plpgsql;
