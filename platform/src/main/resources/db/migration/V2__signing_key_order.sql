-- Keys created within the same instant must still have a definite newest one.
ALTER TABLE signing_keys ADD COLUMN seq bigserial;
