-- Revert bookshelf:book_indexes from pg

BEGIN;

-- Back to book_indexes as of v1.0.
DROP INDEX IF EXISTS idx_books_author_id;

COMMIT;
