-- Verify bookshelf:authors on pg

BEGIN;

SELECT id, name FROM authors WHERE FALSE;

ROLLBACK;
