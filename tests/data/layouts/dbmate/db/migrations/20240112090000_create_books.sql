-- migrate:up
-- The subtitle becomes TEXT and the foreign key gets its index in the next
-- migration: neither is reported.
CREATE TABLE books (
    id BIGSERIAL PRIMARY KEY,
    author_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    subtitle VARCHAR(200),
    CONSTRAINT books_author_id_fkey FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE ON UPDATE CASCADE
);

-- migrate:down
DROP TABLE books;
