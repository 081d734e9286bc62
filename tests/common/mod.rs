//! Helpers shared by the integration tests: scratch migration folders and
//! running the binary.

#![allow(dead_code)]

pub mod expect;
pub mod postgres;
pub mod seeds;

use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// A scratch folder that is deleted when dropped.
pub struct Scratch {
    pub dir: tempfile::TempDir,
}

impl Scratch {
    pub fn new() -> Scratch {
        Scratch {
            // Inside the build folder rather than /tmp, so a stray
            // schema-lint.toml in /tmp cannot configure the tests.
            dir: tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR")).expect("tempdir"),
        }
    }

    /// A scratch folder in the system's temporary folder: outside any git
    /// repository (the build folder may be inside one).
    pub fn outside_repository() -> Scratch {
        Scratch {
            dir: tempfile::tempdir().expect("tempdir"),
        }
    }

    pub fn path(&self) -> &Path {
        self.dir.path()
    }

    /// Writes `text` to `relative` (creating folders) and returns its path.
    pub fn write(&self, relative: &str, text: impl AsRef<[u8]>) -> PathBuf {
        let path = self.dir.path().join(relative);
        fs::create_dir_all(path.parent().expect("parent")).expect("mkdir");
        fs::write(&path, text).expect("write");
        path
    }
}

/// The binary, run in `dir`, with colour and config discovery under control.
pub fn schema_lint(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("schema-lint").expect("binary");
    command.current_dir(dir).env("NO_COLOR", "1");
    for name in CI_VARIABLES {
        command.env_remove(name);
    }
    command
}

/// Variables a CI sets that change output: colour forced, Markdown links
/// to the commit. Tests that want them set them.
pub const CI_VARIABLES: [&str; 7] = [
    "FORCE_COLOR",
    "CLICOLOR_FORCE",
    "GITHUB_SERVER_URL",
    "GITHUB_REPOSITORY",
    "GITHUB_SHA",
    "CI_PROJECT_URL",
    "CI_COMMIT_SHA",
];

/// Runs with `--format json` and returns the exit code and the document.
pub fn lint_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let output = schema_lint(dir)
        .arg("--format")
        .arg("json")
        .args(args)
        .output()
        .expect("run");
    let document: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&output.stdout),
            String::from_utf8_lossy(&output.stderr)
        )
    });
    (output.status.code().unwrap_or(-1), document)
}

/// `(rule, line, column)` of every diagnostic, in output order.
pub fn positions(document: &Value) -> Vec<(String, u64, u64)> {
    document["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                d["column"].as_u64().unwrap_or(0),
            )
        })
        .collect()
}

/// The rules reported, with how often.
pub fn rule_counts(document: &Value) -> std::collections::BTreeMap<String, usize> {
    let mut counts = std::collections::BTreeMap::new();
    for (rule, _, _) in positions(document) {
        *counts.entry(rule).or_insert(0) += 1;
    }
    counts
}

/// The repository's own files (seeds are read from ../shared when present).
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}
