-- Every key column ends with the referenced table's singular and `_id`.
CREATE TABLE users (id BIGSERIAL PRIMARY KEY, email TEXT NOT NULL);
CREATE TABLE thing_statuses (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE categories (id BIGSERIAL PRIMARY KEY);
CREATE TABLE things (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    -- Any prefix ending in `_` keeps the role.
    owner_user_id BIGINT REFERENCES users,
    parent_thing_id BIGINT REFERENCES things (id),
    category_id BIGINT REFERENCES categories (id),
    -- The table's own name may be left out: `things.status_id` → `thing_statuses`.
    status_id BIGINT NOT NULL REFERENCES thing_statuses (id)
);
-- Schema-qualified tables: their own name.
CREATE SCHEMA auth;
CREATE TABLE auth.accounts (id BIGSERIAL PRIMARY KEY);
CREATE TABLE sessions (
    id BIGSERIAL PRIMARY KEY,
    account_id BIGINT NOT NULL,
    FOREIGN KEY (account_id) REFERENCES auth.accounts (id)
);
-- Tables that share a leading word: `mfa_challenges.factor_id` → `mfa_factors`.
CREATE TABLE mfa_factors (id BIGSERIAL PRIMARY KEY);
CREATE TABLE mfa_challenges (
    id BIGSERIAL PRIMARY KEY,
    factor_id BIGINT NOT NULL REFERENCES mfa_factors (id)
);
-- A key to a non-key column is named for that column.
CREATE TABLE currencies (id BIGSERIAL PRIMARY KEY, code TEXT NOT NULL UNIQUE);
CREATE TABLE prices (
    id BIGSERIAL PRIMARY KEY,
    currency_code TEXT NOT NULL REFERENCES currencies (code)
);
-- A one-to-one extension table whose primary key is the key: `primary-key-id(` names it.
CREATE TABLE user_profiles (id BIGINT PRIMARY KEY REFERENCES users (id), bio TEXT);
-- Composite keys are not judged.
CREATE TABLE shipments (region_id BIGINT, id BIGINT, PRIMARY KEY (region_id, id));
CREATE TABLE parcels (
    id BIGSERIAL PRIMARY KEY,
    region BIGINT NOT NULL,
    shipment BIGINT NOT NULL,
    FOREIGN KEY (region, shipment) REFERENCES shipments (region_id, id)
);
-- Case style is `column-naming`'s: `"userId"` says `user_id`.
CREATE TABLE "Post" (
    id BIGSERIAL PRIMARY KEY,
    "userId" BIGINT REFERENCES users (id)
);
-- A table the set does not create: its key is taken to be `id`.
CREATE TABLE audit_entries (
    id BIGSERIAL PRIMARY KEY,
    tenant_id BIGINT REFERENCES tenants
);
