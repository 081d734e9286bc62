--liquibase formatted sql

--changeset ada:1
--comment: Authors. The nickname column goes again in changeset 7.
CREATE TABLE authors (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL,
    -- Dropped again by the tidy-up migration: never reported.
    nickname VARCHAR(40)
);
--rollback DROP TABLE authors;

--changeset ada:2
-- Both findings below stay: nothing later fixes them.
CREATE TABLE reviews (
    id BIGSERIAL PRIMARY KEY,
    author_id BIGINT NOT NULL REFERENCES authors (id) ON DELETE CASCADE ON UPDATE CASCADE, -- expect: foreign-key-index `author_id`
    reviewer_email VARCHAR(320) NOT NULL, -- expect: prefer-text `VARCHAR(320)`
    body TEXT NOT NULL
);
--rollback DROP TABLE reviews;

--changeset ada:3 dbms:mysql,mariadb
--comment: Only MySQL and MariaDB get this index; PostgreSQL skips the changeset.
CREATE INDEX idx_reviews_author_id ON reviews (author_id);

--changeset ada:4
-- The subtitle becomes TEXT and the foreign key gets its index in the next
-- migration: neither is reported.
CREATE TABLE books (
    id BIGSERIAL PRIMARY KEY,
    author_id BIGINT NOT NULL,
    title TEXT NOT NULL,
    subtitle VARCHAR(200),
    CONSTRAINT books_author_id_fkey FOREIGN KEY (author_id) REFERENCES authors (id) ON DELETE CASCADE ON UPDATE CASCADE
);
/* liquibase rollback
DROP TABLE books;
*/

--changeset ada:5 splitStatements:false
--comment: One statement with semicolons inside the body: not split.
CREATE FUNCTION books_title_not_blank() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF btrim(NEW.title) = '' THEN
        RAISE EXCEPTION 'a book needs a title';
    END IF;
    RETURN NEW;
END;
$$;
--rollback DROP FUNCTION books_title_not_blank();

--changeset ada:6 endDelimiter:/
CREATE TRIGGER books_title_not_blank BEFORE INSERT OR UPDATE ON books
    FOR EACH ROW EXECUTE FUNCTION books_title_not_blank()
/
COMMENT ON TRIGGER books_title_not_blank ON books IS 'Rejects books without a title.'
/
--rollback DROP TRIGGER books_title_not_blank ON books;

--changeset ada:7
CREATE INDEX idx_books_author_id ON books (author_id);
ALTER TABLE books ALTER COLUMN subtitle TYPE TEXT;
ALTER TABLE authors DROP COLUMN nickname;
--rollback ALTER TABLE authors ADD COLUMN nickname VARCHAR(40);
--rollback ALTER TABLE books ALTER COLUMN subtitle TYPE VARCHAR(200);
--rollback DROP INDEX idx_books_author_id;
