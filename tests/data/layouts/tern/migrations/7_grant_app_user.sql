GRANT SELECT, INSERT, UPDATE, DELETE ON authors, reviews, genres TO {{ .app_user }};

---- create above / drop below ----

REVOKE SELECT, INSERT, UPDATE, DELETE ON authors, reviews, genres FROM {{ .app_user }};
