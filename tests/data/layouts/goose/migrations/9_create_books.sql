-- +goose Up
-- The subtitle becomes TEXT and the foreign key gets its index in the next
-- migration: neither is reported.
CREATE TABLE books (
    id BIGSERIAL PRIMARY KEY,
    author_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    subtitle VARCHAR(200),
    CONSTRAINT books_author_id_fkey FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE ON UPDATE CASCADE
);

-- +goose StatementBegin
CREATE FUNCTION books_title_not_blank() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF btrim(NEW.title) = '' THEN
        RAISE EXCEPTION 'a book needs a title';
    END IF;
    RETURN NEW;
END;
$$;
-- +goose StatementEnd

CREATE TRIGGER books_title_not_blank BEFORE INSERT OR UPDATE ON books
    FOR EACH ROW EXECUTE FUNCTION books_title_not_blank();

-- +goose Down
DROP TRIGGER books_title_not_blank ON books;
DROP FUNCTION books_title_not_blank();
DROP TABLE books;
