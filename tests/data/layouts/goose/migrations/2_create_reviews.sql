-- +goose Up
-- Both findings below stay: nothing later fixes them.
CREATE TABLE reviews (
    id BIGSERIAL PRIMARY KEY,
    author_id BIGINT NOT NULL REFERENCES authors (id) ON DELETE CASCADE ON UPDATE CASCADE, -- expect: foreign-key-index `author_id`
    reviewer_email VARCHAR(320) NOT NULL, -- expect: prefer-text `VARCHAR(320)`
    body TEXT NOT NULL
);

-- +goose Down
DROP TABLE reviews;
