-- Revert bookshelf:authors from pg

BEGIN;

DROP TABLE authors;

COMMIT;
