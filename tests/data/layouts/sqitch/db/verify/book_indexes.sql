-- Verify bookshelf:book_indexes on pg

BEGIN;

SELECT 1/count(*) FROM pg_indexes WHERE indexname = 'idx_books_author_id';

ROLLBACK;
