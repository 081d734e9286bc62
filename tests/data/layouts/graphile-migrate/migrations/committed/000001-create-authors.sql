--! Previous: -
--! Hash: sha1:80812aa25518951977f66c60de11e83efecb7ef6
--! Message: create authors

CREATE TABLE authors (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    -- Dropped again by the tidy-up migration: never reported.
    nickname VARCHAR(40)
);

GRANT ALL ON TABLE authors TO :DATABASE_OWNER;
GRANT SELECT ON TABLE authors TO :DATABASE_VISITOR;
