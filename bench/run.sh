#!/usr/bin/env bash
# Benchmarks of whole runs, side by side, quoted as ratios (never asserted
# in tests):
#   - the real-world corpus (../shared/corpus, or $1);
#   - synthetic single sets of 3,000 and 30,000 files (bench/synthetic.sh),
#     plain and evolving (views, enums, drops and renames);
#   - the pre-commit case: one named file of the 3,000-file set (the rest
#     of the set is read as context), without the cache of per-file facts,
#     with an empty one (cold) and with the one the previous run left
#     (warm), and the whole 3,000-file set warm;
# against the parse floor (examples/parse_floor: tokenize and parse every
# statement, one thread, nothing else) and squawk (`pip install
# squawk-cli`) when it is installed.
#
# Each figure is the median of $RUNS runs (default 5; the pre-commit runs,
# a fraction of a second each, $SHORT_RUNS, default 4 x $RUNS). The runs
# compared with each other (the corpus's floor, json, full and squawk; the
# synthetic sets' floor, 3,000 and 30,000 files; the pre-commit runs) are
# made in turn, round after round, so that a slow moment of a shared
# machine falls on all of them alike: CPU = user + sys and wall, to the
# millisecond, from bash's `time` (GNU time counts in hundredths, too
# coarse for runs of a few hundredths of a second; its own start, about a
# millisecond, is counted in), and peak resident memory, from GNU time
# (/usr/bin/time).
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
bench/synthetic.sh "$work/e3k" 3000 evolving
bench/synthetic.sh "$work/e30k" 30000 evolving

# quoted WORDS...: the words as one string that `eval` splits back into
# them (paths with spaces stay whole).
quoted() {
    printf '%q ' "$@"
}

# measure ROUNDS NAME COMMAND [NAME COMMAND]...: runs the commands (each
# made by `quoted`) in turn, ROUNDS rounds of each, so that a slow moment
# of a shared machine falls on all of them alike and their ratios hold;
# prints "NAME cpu wall peak_mib" (medians) for each, and keeps each run's
# "user sys wall peak_kib" in $work/samples/NAME, a line a round.
measure() {
    local rounds=$1
    shift
    local names=() commands=() i j
    while [ $# -gt 1 ]; do
        names+=("$1")
        commands+=("$2")
        shift 2
    done
    local TIMEFORMAT='%3U %3S %3R'
    mkdir -p "$work/samples"
    for ((j = 0; j < ${#names[@]}; j++)); do
        : > "$work/samples/${names[j]}"
    done
    for ((i = 0; i < rounds; i++)); do
        for ((j = 0; j < ${#names[@]}; j++)); do
            { time eval "$(quoted "$time_bin" -f %M -o "$work/time") ${commands[j]}" > /dev/null 2> /dev/null || true; } 2> "$work/times"
            echo "$(tail -1 "$work/times") $(tail -1 "$work/time")" >> "$work/samples/${names[j]}"
        done
    done
    # Median of each column on its own (sort -n; no gawk needed).
    local cpu wall peak m=$(( (rounds + 1) / 2 ))
    for ((j = 0; j < ${#names[@]}; j++)); do
        cpu=$(awk '{ print $1 + $2 }' "$work/samples/${names[j]}" | sort -n | sed -n "${m}p")
        wall=$(awk '{ print $3 }' "$work/samples/${names[j]}" | sort -n | sed -n "${m}p")
        peak=$(awk '{ print $4 / 1024 }' "$work/samples/${names[j]}" | sort -n | sed -n "${m}p")
        printf '%s %.3f %.3f %.1f\n' "${names[j]}" "$cpu" "$wall" "$peak"
    done
}

has_squawk() {
    command -v squawk > /dev/null 2>&1
}

results=$work/results
{
    if [ -d "$corpus" ]; then
        corpus_runs=(
            corpus-floor "$(quoted "$floor" "$corpus")"
            corpus-json "$(quoted "$bin" --no-cache --format json --fail-on never "$corpus")"
            corpus-full "$(quoted env NO_COLOR=1 "$bin" --no-cache --format full --fail-on never "$corpus")"
        )
        if has_squawk; then
            find "$corpus" -name '*.sql' | sort > "$work/corpus-files"
            # shellcheck disable=SC2016 # expanded by the inner shell
            corpus_runs+=(corpus-squawk "$(quoted sh -c 'xargs squawk < "$1"' sh "$work/corpus-files")")
        fi
        measure "$runs" "${corpus_runs[@]}"
    fi
    measure "$runs" \
        s3k-floor "$(quoted "$floor" "$work/s3k")" \
        s3k-json "$(quoted "$bin" --no-cache --format json --fail-on never "$work/s3k/migrations")" \
        s30k-json "$(quoted "$bin" --no-cache --format json --fail-on never "$work/s30k/migrations")"
    measure "$runs" \
        e3k-json "$(quoted "$bin" --no-cache --format json --fail-on never "$work/e3k/migrations")" \
        e30k-json "$(quoted "$bin" --no-cache --format json --fail-on never "$work/e30k/migrations")"
    one="$work/s3k/migrations/20240000001500_table_1500.sql"
    # In each round: without the cache; with an empty one (the run writes
    # it); with the one it wrote, for the named file, then for the whole set.
    # shellcheck disable=SC2016 # expanded by the inner shell
    precommit_runs=(
        precommit-json "$(quoted "$bin" --no-cache --format json --fail-on never "$one")"
        precommit-cold "$(quoted sh -c 'rm -rf "$SCHEMA_LINT_CACHE_DIR" && exec "$@"' sh \
            "$bin" --format json --fail-on never "$one")"
        precommit-warm "$(quoted "$bin" --format json --fail-on never "$one")"
        s3k-warm "$(quoted "$bin" --format json --fail-on never "$work/s3k/migrations")"
    )
    if has_squawk; then
        precommit_runs+=(precommit-squawk "$(quoted squawk "$one")")
    fi
    measure "$short_runs" "${precommit_runs[@]}"
} | tee "$results"

# paired A B cpu|wall: the median, over the rounds, of A's figure over B's
# in the same round (A and B measured together): steadier than the ratio
# of the two medians when the machine's speed moves within a round.
paired() {
    local ratios
    ratios=$(paste -d ' ' "$work/samples/$1" "$work/samples/$2" | awk -v f="$3" '{
        a = (f == "cpu") ? $1 + $2 : $3
        b = (f == "cpu") ? $5 + $6 : $7
        if (b > 0) print a / b
    }' | sort -n)
    local n
    n=$(printf '%s\n' "$ratios" | grep -c . || true)
    [ "$n" -gt 0 ] || return 0
    printf 'pair:%s:%s:%s %s\n' "$1" "$2" "$3" "$(printf '%s\n' "$ratios" | sed -n "$(( (n + 1) / 2 ))p")"
}
{
    if [ -d "$corpus" ]; then
        paired corpus-json corpus-floor cpu
        paired corpus-full corpus-json cpu
        if has_squawk; then paired corpus-squawk corpus-json wall; fi
    fi
    paired s3k-json s3k-floor cpu
    paired s30k-json s3k-json cpu
    paired e30k-json e3k-json cpu
    paired precommit-warm precommit-json cpu
} >> "$results"

echo
awk '
    /^pair:/ { pair[substr($1, 6)] = $2; next }
    { cpu[$1] = $2; wall[$1] = $3; peak[$1] = $4 }
    function ratio(a, b) { return (b > 0 ? sprintf("%.2fx", a / b) : "n/a") }
    # The ratio round by round, then the ratio of the medians.
    function both(a, b, f, medians) {
        if ((a ":" b ":" f) in pair) return sprintf("%.2fx (medians: %s)", pair[a ":" b ":" f], medians)
        return medians
    }
    END {
        if ("corpus-json" in cpu) {
            printf "corpus, json: CPU %s the parse floor, peak %.1f MiB\n", both("corpus-json", "corpus-floor", "cpu", ratio(cpu["corpus-json"], cpu["corpus-floor"])), peak["corpus-json"]
            printf "corpus, full: CPU %s json\n", both("corpus-full", "corpus-json", "cpu", ratio(cpu["corpus-full"], cpu["corpus-json"]))
            if ("corpus-squawk" in wall)
                printf "corpus, json: wall %s faster than squawk (squawk %.3f s, schema-lint %.3f s)\n", both("corpus-squawk", "corpus-json", "wall", ratio(wall["corpus-squawk"], wall["corpus-json"])), wall["corpus-squawk"], wall["corpus-json"]
        }
        printf "3,000 files, json: CPU %s the parse floor, peak %.1f MiB\n", both("s3k-json", "s3k-floor", "cpu", ratio(cpu["s3k-json"], cpu["s3k-floor"])), peak["s3k-json"]
        printf "30,000 files, json: CPU %s the 3,000-file set, peak %.1f MiB\n", both("s30k-json", "s3k-json", "cpu", ratio(cpu["s30k-json"], cpu["s3k-json"])), peak["s30k-json"]
        printf "30,000 evolving files, json: CPU %s the 3,000 evolving files, peak %.1f MiB\n", both("e30k-json", "e3k-json", "cpu", ratio(cpu["e30k-json"], cpu["e3k-json"])), peak["e30k-json"]
        printf "one named file of 3,000: %.3f s wall, %.1f MiB", wall["precommit-json"], peak["precommit-json"]
        if ("precommit-squawk" in wall) printf " (squawk, that file alone: %.3f s)", wall["precommit-squawk"]
        printf "\n"
        printf "one named file of 3,000, cache: cold %.3f s, warm %.3f s wall (CPU %s without the cache)\n", wall["precommit-cold"], wall["precommit-warm"], both("precommit-warm", "precommit-json", "cpu", ratio(cpu["precommit-warm"], cpu["precommit-json"]))
        printf "3,000 files, json, warm cache: CPU %s without the cache\n", ratio(cpu["s3k-warm"], cpu["s3k-json"])
    }' "$results"
