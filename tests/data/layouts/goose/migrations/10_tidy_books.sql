-- +goose NO TRANSACTION
-- +goose Up
CREATE INDEX CONCURRENTLY idx_books_author_id ON books (author_id);
ALTER TABLE books ALTER COLUMN subtitle TYPE TEXT;
ALTER TABLE authors DROP COLUMN nickname;

-- +goose Down
ALTER TABLE authors ADD COLUMN nickname VARCHAR(40);
ALTER TABLE books ALTER COLUMN subtitle TYPE VARCHAR(200);
DROP INDEX idx_books_author_id;
