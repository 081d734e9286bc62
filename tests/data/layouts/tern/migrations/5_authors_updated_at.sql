{{ template "shared/touch_updated_at.sql" . }}

ALTER TABLE authors ADD COLUMN updated_at TIMESTAMPTZ NOT NULL DEFAULT now();

CREATE TRIGGER authors_touch_updated_at BEFORE UPDATE ON authors
    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();

---- create above / drop below ----

DROP TRIGGER authors_touch_updated_at ON authors;
ALTER TABLE authors DROP COLUMN updated_at;
DROP FUNCTION touch_updated_at();
