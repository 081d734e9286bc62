-- A migration set that exercises the replay: tests/postgres.rs applies it to
-- PostgreSQL and compares PostgreSQL's catalog with schema-lint's model.
CREATE TYPE mood AS ENUM ('happy', 'sad');

CREATE TABLE users (
    id SERIAL PRIMARY KEY,
    email VARCHAR(255) NOT NULL UNIQUE,
    nickname TEXT,
    mood mood,
    created_at TIMESTAMP NOT NULL DEFAULT now()
);

CREATE TABLE "Teams" (
    "Id" BIGSERIAL PRIMARY KEY,
    "DisplayName" TEXT NOT NULL
);

CREATE TABLE memberships (
    user_id INTEGER NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    team_id BIGINT NOT NULL,
    role TEXT NOT NULL DEFAULT 'member',
    PRIMARY KEY (user_id, team_id),
    CONSTRAINT memberships_team_fk FOREIGN KEY (team_id) REFERENCES "Teams" ("Id") ON DELETE CASCADE ON UPDATE RESTRICT
);

CREATE TABLE scratch (id BIGINT PRIMARY KEY, user_id INTEGER REFERENCES users (id));
CREATE INDEX idx_scratch_user_id ON scratch (user_id);
