#!/usr/bin/env bash
# Benchmarks of whole runs, side by side, quoted as ratios (never asserted
# in tests):
#   - the real-world corpus (../shared/corpus, or $1);
#   - synthetic single sets of 3,000 and 30,000 files (bench/synthetic.sh);
#   - the pre-commit case: one named file of the 3,000-file set (the rest
#     of the set is read as context), without the cache of per-file facts,
#     with an empty one (cold) and with the one the previous run left
#     (warm), and the whole 3,000-file set warm;
# against the parse floor (examples/parse_floor: tokenize and parse every
# statement, one thread, nothing else) and squawk (`pip install
# squawk-cli`) when it is installed.
#
# Each figure is the median of $RUNS runs (default 5; runs of a fraction
# of a second, the pre-commit ones, $SHORT_RUNS, default 4 x $RUNS, as one
# slow moment of a shared machine moves a median of 5 by tens of
# milliseconds): CPU = user + sys
# and wall, to the millisecond, from bash's `time` (GNU time counts in
# hundredths, too coarse for runs of a few hundredths of a second; its own
# start, about a millisecond, is counted in), and peak resident memory,
# from GNU time (/usr/bin/time).
set -euo pipefail
cd "$(dirname "$0")/.."

corpus=${1:-../shared/corpus}
runs=${RUNS:-5}
short_runs=${SHORT_RUNS:-$((runs * 4))}
cargo build --release -q --example parse_floor
cargo build --release -q
target=${CARGO_TARGET_DIR:-target}
bin=$target/release/schema-lint
floor=$target/release/examples/parse_floor
time_bin=/usr/bin/time
if [ ! -x "$time_bin" ]; then
    echo "bench/run.sh needs GNU time (apt-get install time)" >&2
    exit 2
fi

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
# The cache of per-file facts lives here, not in the repository; runs that
# measure the whole pipeline pass --no-cache.
export SCHEMA_LINT_CACHE_DIR=$work/cache
bench/synthetic.sh "$work/s3k" 3000
bench/synthetic.sh "$work/s30k" 30000

# measure NAME COMMAND...: prints "NAME cpu wall peak_mib" (medians of
# $MEASURE_RUNS runs, else $runs).
measure() {
    local name=$1 runs=${MEASURE_RUNS:-$runs}
    shift
    local samples=()
    local TIMEFORMAT='%3U %3S %3R'
    for _ in $(seq 1 "$runs"); do
        { time "$time_bin" -f '%M' -o "$work/time" "$@" > /dev/null 2> /dev/null || true; } 2> "$work/times"
        samples+=("$(tail -1 "$work/times") $(tail -1 "$work/time")")
    done
    # Median of each column on its own (sort -n; no gawk needed).
    local cpu wall peak m=$(( (runs + 1) / 2 ))
    cpu=$(printf '%s\n' "${samples[@]}" | awk '{ print $1 + $2 }' | sort -n | sed -n "${m}p")
    wall=$(printf '%s\n' "${samples[@]}" | awk '{ print $3 }' | sort -n | sed -n "${m}p")
    peak=$(printf '%s\n' "${samples[@]}" | awk '{ print $4 / 1024 }' | sort -n | sed -n "${m}p")
    printf '%s %.3f %.3f %.1f\n' "$name" "$cpu" "$wall" "$peak"
}

results=$work/results
{
    if [ -d "$corpus" ]; then
        measure corpus-floor "$floor" "$corpus"
        measure corpus-json "$bin" --no-cache --format json --fail-on never "$corpus"
        measure corpus-full env NO_COLOR=1 "$bin" --no-cache --format full --fail-on never "$corpus"
        if command -v squawk > /dev/null 2>&1; then
            find "$corpus" -name '*.sql' | sort > "$work/corpus-files"
            measure corpus-squawk sh -c "xargs squawk < $work/corpus-files"
        fi
    fi
    measure s3k-floor "$floor" "$work/s3k"
    measure s3k-json "$bin" --no-cache --format json --fail-on never "$work/s3k/migrations"
    measure s30k-json "$bin" --no-cache --format json --fail-on never "$work/s30k/migrations"
    one="$work/s3k/migrations/20240000001500_table_1500.sql"
    MEASURE_RUNS=$short_runs measure precommit-json "$bin" --no-cache --format json --fail-on never "$one"
    # shellcheck disable=SC2016 # expanded by the inner shell
    MEASURE_RUNS=$short_runs measure precommit-cold sh -c 'rm -rf "$SCHEMA_LINT_CACHE_DIR" && exec "$@"' sh \
        "$bin" --format json --fail-on never "$one"
    "$bin" --format json --fail-on never "$one" > /dev/null 2>&1 || true
    MEASURE_RUNS=$short_runs measure precommit-warm "$bin" --format json --fail-on never "$one"
    measure s3k-warm "$bin" --format json --fail-on never "$work/s3k/migrations"
    if command -v squawk > /dev/null 2>&1; then
        MEASURE_RUNS=$short_runs measure precommit-squawk squawk "$one"
    fi
} | tee "$results"

echo
awk '
    { cpu[$1] = $2; wall[$1] = $3; peak[$1] = $4 }
    function ratio(a, b) { return (b > 0 ? sprintf("%.2fx", a / b) : "n/a") }
    END {
        if ("corpus-json" in cpu) {
            printf "corpus, json: CPU %s the parse floor, peak %.1f MiB\n", ratio(cpu["corpus-json"], cpu["corpus-floor"]), peak["corpus-json"]
            printf "corpus, full: CPU %s json\n", ratio(cpu["corpus-full"], cpu["corpus-json"])
            if ("corpus-squawk" in wall)
                printf "corpus, json: wall %s faster than squawk (squawk %.3f s, schema-lint %.3f s)\n", ratio(wall["corpus-squawk"], wall["corpus-json"]), wall["corpus-squawk"], wall["corpus-json"]
        }
        printf "3,000 files, json: CPU %s the parse floor, peak %.1f MiB\n", ratio(cpu["s3k-json"], cpu["s3k-floor"]), peak["s3k-json"]
        printf "30,000 files, json: CPU %s the 3,000-file set, peak %.1f MiB\n", ratio(cpu["s30k-json"], cpu["s3k-json"]), peak["s30k-json"]
        printf "one named file of 3,000: %.3f s wall, %.1f MiB", wall["precommit-json"], peak["precommit-json"]
        if ("precommit-squawk" in wall) printf " (squawk, that file alone: %.3f s)", wall["precommit-squawk"]
        printf "\n"
        printf "one named file of 3,000, cache: cold %.3f s, warm %.3f s wall (CPU %s without the cache)\n", wall["precommit-cold"], wall["precommit-warm"], ratio(cpu["precommit-warm"], cpu["precommit-json"])
        printf "3,000 files, json, warm cache: CPU %s without the cache\n", ratio(cpu["s3k-warm"], cpu["s3k-json"])
    }' "$results"
