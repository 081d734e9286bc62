#!/usr/bin/env bash
# The action's first step: puts a released schema-lint for the action's
# version and this runner on PATH when the release has one (found=true), and
# says which build to cache otherwise (cache-key: the version and a hash of
# the sources, so a moving ref such as a branch never restores a stale build).
set -euo pipefail

out() { echo "$1" >> "$GITHUB_OUTPUT"; }

sha256() {
    if command -v sha256sum >/dev/null 2>&1; then sha256sum "$@"; else shasum -a 256 "$@"; fi
}

version="${ACTION_REF:-}"
hash=$(cd "$ACTION_PATH" \
    && find Cargo.toml Cargo.lock src rules -type f -print0 | LC_ALL=C sort -z \
    | xargs -0 cat | sha256 | cut -c1-16)
out "cache-key=${version:-local}-$hash"
out "found=false"

# Only a release tag (v1.2.3) has binaries; `uses: ./` has no ref at all.
case "$version" in
    v[0-9]*) ;;
    *) echo "no release for ref '${version}': building from source (cached)"; exit 0 ;;
esac
case "$RUNNER_OS_NAME/$RUNNER_ARCH_NAME" in
    Linux/X64) target=x86_64-unknown-linux-gnu ;;
    Linux/ARM64) target=aarch64-unknown-linux-gnu ;;
    macOS/ARM64) target=aarch64-apple-darwin ;;
    Windows/X64) target=x86_64-pc-windows-msvc ;;
    *) echo "no released binary for $RUNNER_OS_NAME/$RUNNER_ARCH_NAME: building from source"; exit 0 ;;
esac

asset="schema-lint-$version-$target.tar.gz"
dir="$RUNNER_TEMP/schema-lint-release"
mkdir -p "$dir"
if ! gh release download "$version" --repo "$ACTION_REPOSITORY" --dir "$dir" --clobber \
        --pattern "$asset" --pattern "$asset.sha256" 2>/dev/null; then
    echo "release $version of $ACTION_REPOSITORY has no $asset: building from source (cached)"
    exit 0
fi
(cd "$dir" && sha256 -c "$asset.sha256")
bin="$RUNNER_TEMP/schema-lint/bin"
mkdir -p "$bin"
tar -xzf "$dir/$asset" -C "$bin"
echo "$bin" >> "$GITHUB_PATH"
echo "using the released $asset"
out "found=true"
