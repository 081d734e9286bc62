-- Statements PostgreSQL rejects with SQLSTATE 42601 (syntax error), one case
-- per block: tests/postgres.rs runs each on PostgreSQL and expects 42601,
-- and lints the file expecting exactly the annotated parse errors.

CREATE TABLE first_table (id bigint)
CREATE TABLE second_table (id bigint); -- expect: parse-error

CREATE TABL third_table (id bigint); -- expect: parse-error

CREATE TABLE fourth_table (id bigint, name text; -- expect: parse-error

CREATE TABLE fifth_table (id bigint)) ; -- expect: parse-error

CREATE TABLE sixth_table (id bigint) stray; -- expect: parse-error

ALTER TABLE seventh_table ADD COLUMN; -- expect: parse-error

SELEC 1; -- expect: parse-error

GRANT SELECT ON eighth_table TO bob extra; -- expect: parse-error

CREATE TABLE ninth_table (id bigint NOT NUL); -- expect: parse-error

CREATE INDEX ON; -- expect: parse-error
