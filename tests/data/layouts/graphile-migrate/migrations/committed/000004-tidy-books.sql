--! Previous: sha1:bc94180752ca57c22a0ebdc465b6af84dda4e1fa
--! Hash: sha1:0380c2928b1552e3b498fa0816137b9a0dc6a4e1
--! Message: tidy books

CREATE INDEX idx_books_author_id ON books (author_id);
ALTER TABLE books ALTER COLUMN subtitle TYPE TEXT;
ALTER TABLE authors DROP COLUMN nickname;
