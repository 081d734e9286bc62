-- Verify bookshelf:books on pg

BEGIN;

SELECT id, author_id, title, subtitle FROM books WHERE FALSE;

ROLLBACK;
