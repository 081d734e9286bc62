CREATE TABLE authors (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    -- Dropped again by the tidy-up migration: never reported.
    nickname VARCHAR(40)
);
