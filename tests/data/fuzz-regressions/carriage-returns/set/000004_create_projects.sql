-- golang-migrate reads only .up.sql and .down.sql files.
CREATE TABLE projects (id BIGSERIAL PRIMARY KEY); -- expect: migration-filename
