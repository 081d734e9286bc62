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

# The action's ref and repository. GitHub leaves github.action_ref and
# github.action_repository empty in some composite-action steps, so they are
# also read from where the runner unpacks the action:
# .../_actions/<owner>/<repo>/<ref>.
version="${ACTION_REF:-}"
repository="${ACTION_REPOSITORY:-}"
unpacked="${ACTION_PATH//\\//}"
case "$unpacked" in
    */_actions/*/*/*)
        rest="${unpacked##*/_actions/}"
        if [ -z "$version" ]; then version="${rest#*/*/}"; fi
        if [ -z "$repository" ]; then repository="${rest%/*}"; fi
        ;;
esac
hash=$(cd "$ACTION_PATH" \
    && find Cargo.toml Cargo.lock src rules -type f -print0 | LC_ALL=C sort -z \
    | xargs -0 cat | sha256 | cut -c1-16)
out "cache-key=${version:-local}-$hash"
out "found=false"

# Only the release tag of the version in Cargo.toml (v1.2.3) has binaries
# built from these sources; `uses: ./` and branches build.
cargo_version=$(sed -n 's/^version = "\(.*\)"$/\1/p' "$ACTION_PATH/Cargo.toml" | head -n 1)
if [ "$version" != "v$cargo_version" ] || [ -z "$repository" ]; then
    echo "no release binaries for ref '${version}': building from source (cached)"
    exit 0
fi
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
if ! gh release download "$version" --repo "$repository" --dir "$dir" --clobber \
        --pattern "$asset" --pattern "$asset.sha256" 2>/dev/null; then
    echo "release $version of $repository has no $asset: building from source (cached)"
    exit 0
fi
(cd "$dir" && sha256 -c "$asset.sha256")
bin="$RUNNER_TEMP/schema-lint/bin"
mkdir -p "$bin"
# From inside the folder: GNU tar reads `D:\a\…` (Windows) as a remote host.
(cd "$dir" && tar -xzf "$asset" -C "$bin")
echo "$bin" >> "$GITHUB_PATH"
echo "using the released $asset"
out "found=true"
