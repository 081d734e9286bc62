#!/usr/bin/env bash
# Writes a synthetic migration set of N files into DIR/migrations:
#   bench/synthetic.sh DIR N
# Each file creates a table with a foreign key to the one before, an index,
# a trigger function and a few conventions broken on purpose, so every part
# of the pipeline (parse, replay, rules, suppressions, reporting) has work.
set -euo pipefail
dir=$1
files=$2
mkdir -p "$dir/migrations"
for i in $(seq 1 "$files"); do
    version=$(printf '2024%010d' "$i")
    parent=$(( i > 1 ? i - 1 : 1 ))
    cat > "$dir/migrations/${version}_table_${i}.sql" <<SQL
-- Table $i of $files.
CREATE TABLE items_$i (
    id BIGSERIAL PRIMARY KEY,
    parent_id BIGINT REFERENCES items_$parent (id) ON DELETE CASCADE ON UPDATE CASCADE,
    status_id BIGINT NOT NULL,
    name VARCHAR(255) NOT NULL,
    payload JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_items_${i}_parent_id ON items_$i (parent_id);
CREATE FUNCTION touch_$i() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN NEW.updated_at = now(); RETURN NEW; END \$\$;
-- schema-lint: ignore prefer-text -- kept for the benchmark
ALTER TABLE items_$i ADD COLUMN note VARCHAR(40);
SQL
done
