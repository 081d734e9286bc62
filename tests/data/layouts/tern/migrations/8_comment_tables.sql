COMMENT ON TABLE authors IS 'People who write the books on the shelf.';
COMMENT ON TABLE reviews IS 'What readers think of an author.';

---- create above / drop below ----

COMMENT ON TABLE reviews IS NULL;
COMMENT ON TABLE authors IS NULL;
