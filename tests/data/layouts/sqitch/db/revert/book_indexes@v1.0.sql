-- Revert bookshelf:book_indexes from pg

BEGIN;

DROP INDEX idx_books_title;

COMMIT;
