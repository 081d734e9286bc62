-- Revert bookshelf:reviews from pg

BEGIN;

DROP TABLE reviews;

COMMIT;
