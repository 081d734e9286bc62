-- Revert bookshelf:tidy_columns from pg

BEGIN;

ALTER TABLE authors ADD COLUMN nickname VARCHAR(40);
ALTER TABLE books ALTER COLUMN subtitle TYPE VARCHAR(200);

COMMIT;
