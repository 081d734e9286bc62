-- Verify bookshelf:tidy_columns on pg

BEGIN;

SELECT 1/count(*) FROM information_schema.columns
WHERE table_name = 'books' AND column_name = 'subtitle' AND data_type = 'text';

ROLLBACK;
