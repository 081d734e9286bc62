-- Deploy bookshelf:tidy_columns to pg

BEGIN;

ALTER TABLE books ALTER COLUMN subtitle TYPE TEXT;
ALTER TABLE authors DROP COLUMN nickname;

COMMIT;
