ALTER TABLE users ALTER COLUMN id TYPE BIGINT;
ALTER TABLE users ALTER COLUMN email TYPE TEXT;
ALTER TABLE users ALTER COLUMN created_at TYPE TIMESTAMPTZ;
ALTER TABLE users ALTER COLUMN nickname SET NOT NULL;
ALTER TABLE users ALTER COLUMN created_at DROP NOT NULL;
ALTER TABLE users RENAME COLUMN nickname TO handle;
ALTER TABLE users ADD COLUMN IF NOT EXISTS handle TEXT;
ALTER TABLE users ADD COLUMN bio VARCHAR(100), ADD COLUMN score INTEGER NOT NULL DEFAULT 0;
ALTER TABLE users DROP CONSTRAINT users_email_key;
ALTER TABLE users ADD CONSTRAINT uq_users_handle UNIQUE (handle);

ALTER TABLE memberships ALTER COLUMN user_id TYPE BIGINT;
ALTER TABLE memberships RENAME TO team_members;
ALTER TABLE team_members RENAME COLUMN role TO member_role;

CREATE INDEX idx_members_role ON team_members (member_role);
ALTER INDEX idx_members_role RENAME TO idx_team_members_member_role;
CREATE INDEX CONCURRENTLY IF NOT EXISTS idx_team_members_team_id ON team_members (team_id);
CREATE INDEX IF NOT EXISTS idx_team_members_team_id ON team_members (member_role);

-- The dropped table takes its index and foreign key with it.
DROP TABLE scratch;
