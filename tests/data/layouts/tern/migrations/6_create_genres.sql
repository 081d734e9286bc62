CREATE TABLE genres (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

---- create above / drop below ----

DROP TABLE genres;
