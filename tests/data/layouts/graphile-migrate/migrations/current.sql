-- Enter migration here
-- Work in progress, not committed: not part of the migration set.
ALTER TABLE reviews ADD COLUMN rating VARCHAR(5);
