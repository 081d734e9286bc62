-- Deploy bookshelf:authors to pg

\set table_comment 'People who write the books on the shelf.'

BEGIN;

CREATE TABLE authors (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    -- Dropped again by the tidy-up migration: never reported.
    nickname VARCHAR(40)
);

COMMENT ON TABLE authors IS :'table_comment';

COMMIT;
