CREATE INDEX idx_books_author_id ON books (author_id);
ALTER TABLE books ALTER COLUMN subtitle TYPE TEXT;
ALTER TABLE authors DROP COLUMN nickname;
