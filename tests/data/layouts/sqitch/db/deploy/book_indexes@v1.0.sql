-- Deploy bookshelf:book_indexes to pg

BEGIN;

CREATE INDEX idx_books_title ON books (title);

COMMIT;
