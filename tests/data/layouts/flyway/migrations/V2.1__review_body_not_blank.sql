ALTER TABLE reviews ADD CONSTRAINT reviews_body_not_blank CHECK (btrim(body) <> '');
