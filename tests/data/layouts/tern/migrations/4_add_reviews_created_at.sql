ALTER TABLE reviews ADD COLUMN created_at TIMESTAMPTZ NOT NULL DEFAULT now();

---- create above / drop below ----

ALTER TABLE reviews DROP COLUMN created_at;
