-- Deploy bookshelf:book_indexes to pg

BEGIN;

-- Reworked after v1.0 (the first version is book_indexes@v1.0.sql): idempotent.
CREATE INDEX IF NOT EXISTS idx_books_title ON books (title);
CREATE INDEX IF NOT EXISTS idx_books_author_id ON books (author_id);

COMMIT;
