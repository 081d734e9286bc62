#!/usr/bin/env bash
# Writes a synthetic migration set of N files into DIR/migrations:
#   bench/synthetic.sh DIR N [evolving]
# Each file creates a table with a foreign key to the one before, an index,
# a trigger function and a few conventions broken on purpose, so every part
# of the pipeline (parse, replay, rules, suppressions, reporting) has work.
#
# `evolving`: a history that also changes what it made, as real ones do:
# tables in a schema of their own named without it (search_path), an enum
# column, a trigger and a view per table, a column dropped and one renamed,
# an older view dropped with CASCADE, and an enum for each 50 files,
# renamed after the last of them. Each of those statements asks the model what points at a
# table, a view or a type: the set shows whether that stays linear.
set -euo pipefail
dir=$1
files=$2
kind=${3:-plain}
mkdir -p "$dir/migrations"
if [ "$kind" = evolving ]; then
    for i in $(seq 1 "$files"); do
        version=$(printf '2024%010d' "$i")
        parent=$(( i > 1 ? i - 1 : 1 ))
        old_view=$(( i > 3 ? i - 3 : 1 ))
        block=$(( (i - 1) / 50 ))
        {
            if [ $(( (i - 1) % 50 )) -eq 0 ]; then
                echo "CREATE TYPE app.mood_$block AS ENUM ('calm', 'busy');"
            fi
            cat <<SQL
SET search_path TO app;
CREATE TABLE app.items_$i (
    id BIGSERIAL PRIMARY KEY,
    parent_id BIGINT REFERENCES items_$parent (id) ON DELETE CASCADE ON UPDATE CASCADE,
    code TEXT NOT NULL,
    mood mood_$block,
    note TEXT,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_items_${i}_parent_id ON app.items_$i (parent_id);
CREATE TRIGGER items_${i}_touch BEFORE UPDATE ON app.items_$i FOR EACH ROW EXECUTE FUNCTION touch();
CREATE VIEW app.v_items_$i AS SELECT id, code FROM items_$i;
ALTER TABLE items_$i DROP COLUMN note;
ALTER TABLE items_$i RENAME COLUMN code TO slug;
DROP VIEW IF EXISTS v_items_$old_view CASCADE;
SQL
            if [ $(( i % 50 )) -eq 0 ]; then
                echo "ALTER TYPE app.mood_$block RENAME TO mood_${block}_done;"
            fi
        } > "$dir/migrations/${version}_items_${i}.sql"
    done
    exit 0
fi
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
