-- Revert bookshelf:books from pg

BEGIN;

DROP TABLE books;

COMMIT;
