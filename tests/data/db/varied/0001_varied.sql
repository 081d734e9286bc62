-- Varied DDL for tests/db.rs: schema-lint db must read back from the
-- catalog what the replay makes of this file (identity, generated and
-- array columns, quoted names, checks, expression, partial, gin and
-- INCLUDE indexes, another schema, a partitioned table and a partition,
-- a trigger, a view, a sequence, deferrable and unnamed foreign keys).
CREATE SCHEMA billing;
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE TYPE mood AS ENUM ('sad', 'ok', 'happy');

CREATE TABLE accounts (
    id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    handle TEXT NOT NULL,
    "DisplayName" TEXT,
    moods mood[] NOT NULL DEFAULT '{}',
    balance NUMERIC(12, 2) NOT NULL DEFAULT 0 CHECK (balance >= 0),
    flags INTEGER NOT NULL DEFAULT 0,
    doubled INTEGER GENERATED ALWAYS AS (flags * 2) STORED,
    email TEXT,
    deleted_at TIMESTAMPTZ,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    CONSTRAINT uq_accounts_handle UNIQUE (handle),
    CONSTRAINT chk_accounts_flags CHECK (flags BETWEEN 0 AND 7)
);
COMMENT ON TABLE accounts IS 'Who''s who';
COMMENT ON COLUMN accounts.handle IS 'The @name';

CREATE UNIQUE INDEX uq_accounts_email_live ON accounts (lower(email)) WHERE deleted_at IS NULL;
CREATE INDEX idx_accounts_handle_trgm ON accounts USING gin (handle gin_trgm_ops);
CREATE INDEX ON accounts (created_at DESC) INCLUDE (handle);

CREATE TABLE billing.invoices (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL REFERENCES accounts (id) ON DELETE RESTRICT ON UPDATE CASCADE,
    number VARCHAR(20) NOT NULL,
    issued_on DATE NOT NULL DEFAULT CURRENT_DATE,
    status TEXT NOT NULL DEFAULT 'draft',
    UNIQUE (account_id, number)
);

CREATE TABLE events (
    id BIGINT NOT NULL,
    happened_at TIMESTAMPTZ NOT NULL,
    payload JSONB NOT NULL DEFAULT '{}'::jsonb,
    PRIMARY KEY (id, happened_at)
) PARTITION BY RANGE (happened_at);
CREATE TABLE events_2026 PARTITION OF events FOR VALUES FROM ('2026-01-01') TO ('2027-01-01');

CREATE FUNCTION touch() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.created_at := now();
    RETURN NEW;
END;
$$;
CREATE TRIGGER accounts_touch BEFORE INSERT OR UPDATE ON accounts FOR EACH ROW EXECUTE FUNCTION touch();

CREATE VIEW live_accounts AS SELECT * FROM accounts WHERE deleted_at IS NULL;
CREATE SEQUENCE ticket_numbers AS integer;
CREATE TABLE tickets (
    id BIGINT PRIMARY KEY DEFAULT nextval('ticket_numbers'),
    account_id BIGINT REFERENCES accounts ON DELETE SET NULL,
    CONSTRAINT fk_named FOREIGN KEY (id) REFERENCES accounts (id) DEFERRABLE INITIALLY DEFERRED
);
