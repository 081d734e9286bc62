-- Verify bookshelf:reviews on pg

BEGIN;

SELECT id, author_id, reviewer_email, body FROM reviews WHERE FALSE;

-- Nothing may depend on reviews yet: dropping it must work (rolled back below).
DROP TABLE reviews;

ROLLBACK;
