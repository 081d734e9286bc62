#!/usr/bin/env bash
# The action's lint step: one set of arguments, run for each report asked
# for. The annotations run (`--format github`, else `concise` for the log)
# gives the exit code; the SARIF report and the Markdown job summary are
# written with `-s -o`, their errors already said by the first run.
set -uo pipefail

args=(--fail-on "$INPUT_FAIL_ON")
if [ -n "$INPUT_CONFIG" ]; then args+=(--config "$INPUT_CONFIG"); fi
if [ -n "$INPUT_DIFF" ]; then args+=(--diff "$INPUT_DIFF"); fi
if [ -n "$INPUT_BASELINE" ]; then args+=(--baseline "$INPUT_BASELINE"); fi
# Further arguments are split at whitespace, as documented.
# shellcheck disable=SC2206
extra=($INPUT_ARGS)
# Paths: one per line, so that a path may hold spaces.
paths=()
while IFS= read -r line; do
    line="${line%$'\r'}"
    line="${line#"${line%%[![:space:]]*}"}"
    line="${line%"${line##*[![:space:]]}"}"
    if [ -n "$line" ]; then paths+=("$line"); fi
done <<< "$INPUT_PATHS"

# `${a[@]+"${a[@]}"}`: an empty array is no argument, even on bash 3 (macOS).
lint() {
    schema-lint "$@" "${args[@]}" ${extra[@]+"${extra[@]}"} -- ${paths[@]+"${paths[@]}"}
}

if [ "$INPUT_ANNOTATIONS" = true ]; then
    lint --format github
else
    lint --format concise
fi
code=$?
echo "exit-code=$code" >> "$GITHUB_OUTPUT"

if [ "$INPUT_SARIF" = true ]; then
    lint --format sarif -s -o "$SARIF_FILE" 2>/dev/null
    if [ -f "$SARIF_FILE" ]; then echo "sarif-file=$SARIF_FILE" >> "$GITHUB_OUTPUT"; fi
fi

if [ "$INPUT_SUMMARY" = true ]; then
    markdown="$RUNNER_TEMP/schema-lint-report.md"
    rm -f "$markdown"
    lint --format markdown -s -o "$markdown" 2>/dev/null
    if [ -f "$markdown" ]; then
        echo "markdown-file=$markdown" >> "$GITHUB_OUTPUT"
        if [ -n "${GITHUB_STEP_SUMMARY:-}" ]; then cat "$markdown" >> "$GITHUB_STEP_SUMMARY"; fi
    fi
fi
exit 0
