//! `--diff <ref>`: which files a branch changed, from git.
//!
//! A file counts as changed when it differs between the merge base of
//! `<ref>` and `HEAD` and the working tree (so uncommitted edits count), or
//! when it is untracked and not ignored. It counts as added when it did not
//! exist at the merge base.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::source::canonical;

#[derive(Debug, Clone, Default)]
pub struct ChangeSet {
    /// Canonical paths of added or modified files.
    pub changed: HashSet<PathBuf>,
    /// Canonical paths of files that did not exist at the merge base.
    pub added: HashSet<PathBuf>,
}

impl ChangeSet {
    pub fn is_changed(&self, path: &Path) -> bool {
        self.changed.contains(&canonical(path))
    }

    pub fn is_added(&self, path: &Path) -> bool {
        self.added.contains(&canonical(path))
    }
}

/// The files changed since the merge base of `reference` and `HEAD`, for the
/// repository that contains `dir`.
pub fn since(reference: &str, dir: &Path) -> Result<ChangeSet, String> {
    // git would read `-x` as an option, whatever `--` or position says.
    if reference.is_empty() || reference.starts_with('-') {
        return Err(format!(
            "--diff `{}`: not a git ref (a ref cannot be empty or start with `-`)",
            crate::report::visible(reference)
        ));
    }
    let top = git(dir, &["rev-parse", "--show-toplevel"]).map_err(|_| {
        format!(
            "--diff needs a git repository, and {} is not in one",
            dir.display()
        )
    })?;
    let top = PathBuf::from(top.trim());
    let base = merge_base(reference, dir)?;
    let base = base.trim();
    let list = |args: &[&str]| -> Result<HashSet<PathBuf>, String> {
        let output = git(&top, args)?;
        Ok(output
            .split('\0')
            .filter(|p| !p.is_empty())
            .map(|p| canonical(&top.join(p)))
            .collect())
    };
    let untracked = list(&["ls-files", "-z", "--others", "--exclude-standard"])?;
    let mut changed = list(&["diff", "-z", "--name-only", "--diff-filter=ACMR", base])?;
    let mut added = list(&["diff", "-z", "--name-only", "--diff-filter=AC", base])?;
    changed.extend(untracked.iter().cloned());
    added.extend(untracked);
    Ok(ChangeSet { changed, added })
}

/// The merge base of `reference` and `HEAD`. In a shallow clone (CI
/// checkouts fetch one commit by default) the history that holds it is
/// missing, which git reports with an empty message: say so, and how to
/// fetch it.
fn merge_base(reference: &str, dir: &Path) -> Result<String, String> {
    let shown = crate::report::visible(reference);
    git(dir, &["merge-base", reference, "HEAD"]).map_err(|error| {
        if is_shallow(dir) {
            format!(
                "--diff {shown}: no merge base with HEAD: this clone's history is shallow; \
                 fetch the history (`git fetch --unshallow`, or `fetch-depth: 0` in \
                 actions/checkout, `GIT_DEPTH: 0` in GitLab CI) and fetch `{shown}` too"
            )
        } else if error.is_empty() {
            format!("--diff {shown}: `{shown}` and HEAD have no common history")
        } else {
            format!(
                "--diff {shown}: no merge base with HEAD ({})",
                crate::report::visible(&error)
            )
        }
    })
}

fn is_shallow(dir: &Path) -> bool {
    git(dir, &["rev-parse", "--is-shallow-repository"]).is_ok_and(|out| out.trim() == "true")
}

fn git(dir: &Path, args: &[&str]) -> Result<String, String> {
    let output = Command::new("git")
        .args(args)
        .current_dir(dir)
        .output()
        .map_err(|e| format!("cannot run git: {e}"))?;
    if !output.status.success() {
        return Err(String::from_utf8_lossy(&output.stderr).trim().to_string());
    }
    Ok(String::from_utf8_lossy(&output.stdout).into_owned())
}
