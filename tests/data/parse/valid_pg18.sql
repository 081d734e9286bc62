-- PostgreSQL 18 syntax (pg_dump 18 writes it): named NOT NULL constraints.
-- The test server is PostgreSQL 15, which does not know it, so only
-- schema-lint's reading is checked: no parse-error, and the columns are NOT
-- NULL in the model.
CREATE TABLE public.accounts (
    id bigint NOT NULL,
    email text,
    handle text,
    CONSTRAINT accounts_id_not_null NOT NULL id,
    CONSTRAINT accounts_email_not_null NOT NULL email
);
ALTER TABLE public.accounts ADD CONSTRAINT accounts_handle_not_null NOT NULL handle;
