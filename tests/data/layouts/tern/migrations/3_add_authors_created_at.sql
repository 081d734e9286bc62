ALTER TABLE authors ADD COLUMN created_at TIMESTAMPTZ NOT NULL DEFAULT now();

---- create above / drop below ----

ALTER TABLE authors DROP COLUMN created_at;
