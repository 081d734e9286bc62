--! Previous: sha1:80812aa25518951977f66c60de11e83efecb7ef6
--! Hash: sha1:00336b7c6c40515d982d033d556b3d68ebd2b0c9
--! Message: create reviews

-- Both findings below stay: nothing later fixes them.
CREATE TABLE reviews (
    id BIGSERIAL PRIMARY KEY,
    author_id BIGINT NOT NULL REFERENCES authors (id) ON DELETE CASCADE ON UPDATE CASCADE, -- expect: foreign-key-index `author_id`
    reviewer_email VARCHAR(320) NOT NULL, -- expect: prefer-text `VARCHAR(320)`
    body TEXT NOT NULL
);

GRANT SELECT, INSERT ON TABLE reviews TO :DATABASE_VISITOR;
