--! Previous: sha1:00336b7c6c40515d982d033d556b3d68ebd2b0c9
--! Hash: sha1:bc94180752ca57c22a0ebdc465b6af84dda4e1fa
--! Message: create books

-- The subtitle becomes TEXT and the foreign key gets its index in the next
-- migration: neither is reported.
CREATE TABLE books (
    id BIGSERIAL PRIMARY KEY,
    author_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    subtitle VARCHAR(200),
    CONSTRAINT books_author_id_fkey FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE ON UPDATE CASCADE
);
