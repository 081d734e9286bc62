-- The application's events: the type stays VARCHAR.
CREATE TABLE events (
    id BIGSERIAL PRIMARY KEY,
    kind VARCHAR(50) NOT NULL, -- expect: prefer-text `VARCHAR(50)`
    payload JSONB NOT NULL DEFAULT '{}'
);
