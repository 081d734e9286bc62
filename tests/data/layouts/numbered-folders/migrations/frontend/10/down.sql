ALTER TABLE authors ADD COLUMN nickname VARCHAR(40);
ALTER TABLE books ALTER COLUMN subtitle TYPE VARCHAR(200);
DROP INDEX idx_books_author_id;
