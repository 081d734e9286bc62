#!/usr/bin/env bash
# Whether the SARIF report can go to code scanning (upload=true|false): the
# token needs `security-events: write`, which pull requests from forks never
# get, and the repository needs code scanning. When it cannot, a notice says
# why instead of a failed upload.
set -uo pipefail

skip() {
    echo "::notice title=schema-lint::SARIF upload skipped: $1. The findings are in the annotations and the job summary."
    echo "upload=false" >> "$GITHUB_OUTPUT"
    exit 0
}

if [ "${FROM_FORK:-}" = true ]; then
    skip "a pull request from a fork gets a read-only token"
fi
# Reading analyses needs the same permission as writing them; 404 means
# none were uploaded yet.
status=$(curl -sS -o /dev/null -w '%{http_code}' \
    -H "Authorization: Bearer $GH_TOKEN" -H "Accept: application/vnd.github+json" \
    "$GITHUB_API_URL/repos/$GITHUB_REPOSITORY/code-scanning/analyses?per_page=1") || status=000
case "$status" in
    200 | 404) echo "upload=true" >> "$GITHUB_OUTPUT" ;;
    401 | 403) skip "the token may not write code-scanning results (give the job \`permissions: security-events: write\`, and enable code scanning for the repository)" ;;
    *)
        echo "::warning title=schema-lint::could not check the code-scanning permission (HTTP $status); uploading anyway"
        echo "upload=true" >> "$GITHUB_OUTPUT"
        ;;
esac
