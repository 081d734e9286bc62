-- Local development data, loaded after the migrations by `supabase db reset`:
-- not a migration.
CREATE TABLE demo_accounts (
    id BIGSERIAL PRIMARY KEY,
    login VARCHAR(30) NOT NULL
);
INSERT INTO demo_accounts (login) VALUES ('reader');

INSERT INTO authors (name) VALUES ('Ursula K. Le Guin'), ('Terry Pratchett');
INSERT INTO books (author_id, title) SELECT id, 'A Wizard of Earthsea' FROM authors WHERE name = 'Ursula K. Le Guin';
