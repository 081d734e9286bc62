-- atlas:delimiter -- end

CREATE FUNCTION books_title_not_blank() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF btrim(NEW.title) = '' THEN
        RAISE EXCEPTION 'a book needs a title';
    END IF;
    RETURN NEW;
END;
$$;
-- end
CREATE TRIGGER books_title_not_blank BEFORE INSERT OR UPDATE ON books
    FOR EACH ROW EXECUTE FUNCTION books_title_not_blank();
-- end
