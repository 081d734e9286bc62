-- Repeatable: re-applied after the versioned migrations whenever it changes.
CREATE OR REPLACE VIEW author_review_counts AS
SELECT a.id AS author_id, a.name, count(r.id) AS reviews
FROM authors a
LEFT JOIN reviews r ON r.author_id = a.id
GROUP BY a.id, a.name;
