#!/usr/bin/env bash
# Benchmarks of a whole lint run, release build:
#   1. the real-world corpus (../shared/corpus, or the folder given as $1);
#   2. a synthetic migration set of $SETS x $FILES files (default 1 x 2000).
# Uses hyperfine when installed (apt-get install hyperfine), else `time`.
# Timing numbers belong here, never in tests.
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=${1:-../shared/corpus}
files=${FILES:-2000}
cargo build --release -q
bin=${CARGO_TARGET_DIR:-target}/release/schema-lint

synthetic=$(mktemp -d)
trap 'rm -rf "$synthetic"' EXIT
mkdir -p "$synthetic/migrations"
for i in $(seq 1 "$files"); do
    version=$(printf '2024%010d' "$i")
    cat > "$synthetic/migrations/${version}_table_${i}.sql" <<SQL
CREATE TABLE items_$i (
    id BIGSERIAL PRIMARY KEY,
    parent_id BIGINT REFERENCES items_$(( i > 1 ? i - 1 : 1 ))(id) ON DELETE CASCADE ON UPDATE CASCADE,
    status_id BIGINT NOT NULL,
    name VARCHAR(255) NOT NULL,
    payload JSONB NOT NULL DEFAULT '{}',
    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),
    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
CREATE INDEX idx_items_${i}_parent_id ON items_$i (parent_id);
CREATE FUNCTION touch_$i() RETURNS trigger LANGUAGE plpgsql AS \$\$ BEGIN NEW.updated_at = now(); RETURN NEW; END \$\$;
SQL
done

run() {
    local name=$1 dir=$2
    if command -v hyperfine >/dev/null 2>&1; then
        hyperfine --warmup 2 --runs 10 --command-name "$name" "$bin --format json --fail-on never $dir > /dev/null"
    else
        echo "== $name (hyperfine not installed; 5 runs with time)"
        time (for _ in 1 2 3 4 5; do "$bin" --format json --fail-on never "$dir" > /dev/null; done)
    fi
}

if [ -d "$corpus" ]; then run "corpus ($corpus)" "$corpus"; fi
run "synthetic ($files files)" "$synthetic/migrations"
