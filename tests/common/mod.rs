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
/// Its cache of per-file facts goes where the run's project is, which for a
/// scratch folder is inside it (deleted with it); a run in the repository
/// itself (its example migrations, the fuzz regression cases) keeps it in
/// the build folder instead (`repository_cache`), never in the repository.
pub fn schema_lint(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("schema-lint").expect("binary");
    command.current_dir(dir).env("NO_COLOR", "1");
    for name in CI_VARIABLES {
        command.env_remove(name);
    }
    command.env_remove(CACHE_VARIABLE);
    let dir = std::fs::canonicalize(dir).unwrap_or_else(|_| dir.to_path_buf());
    let build = std::fs::canonicalize(env!("CARGO_TARGET_TMPDIR"))
        .unwrap_or_else(|_| PathBuf::from(env!("CARGO_TARGET_TMPDIR")));
    let repository = std::fs::canonicalize(repo()).unwrap_or_else(|_| repo());
    if dir.starts_with(&repository) && !dir.starts_with(&build) {
        command.env(CACHE_VARIABLE, repository_cache());
    }
    command
}

/// Runs `command`; returns its exit code (-1 for a crash: a signal has
/// none), stdout and stderr.
pub fn outcome(command: &mut Command) -> (i32, String, String) {
    let output = command.output().expect("run");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The variable that moves the cache of per-file facts.
pub const CACHE_VARIABLE: &str = "SCHEMA_LINT_CACHE_DIR";

/// Where runs in the repository keep their cache (bounded: one file per
/// migration set of the repository).
pub fn repository_cache() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("schema-lint-cache")
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
    each_diagnostic(document, |d| d["column"].as_u64().unwrap_or(0))
}

/// `(rule, line, message)` of every diagnostic, in output order.
pub fn messages(document: &Value) -> Vec<(String, u64, String)> {
    each_diagnostic(document, |d| {
        d["message"].as_str().unwrap_or("").to_string()
    })
}

/// `(rule, line, what)` of every diagnostic, in output order.
fn each_diagnostic<T>(document: &Value, what: impl Fn(&Value) -> T) -> Vec<(String, u64, T)> {
    document["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap_or(0),
                what(d),
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

// --- SARIF -----------------------------------------------------------------

/// The official schema's `language` patterns end in a stray `]` (a known
/// erratum of SARIF 2.1.0, oasis-tcs/sarif-spec#488), which is a literal `]`
/// only under ECMA-262's web-compatibility rules; `jsonschema` checks every
/// pattern of a schema strictly and rejects it. Escaping it keeps the
/// meaning exactly and leaves the vendored file as published.
const BROKEN_PATTERN: &str = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
const ESCAPED_PATTERN: &str = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#;

pub fn sarif_validator() -> jsonschema::Validator {
    let path =
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/sarif-schema-2.1.0.json");
    let text = std::fs::read_to_string(path).expect("schema file");
    assert!(text.contains(BROKEN_PATTERN), "the erratum moved; revisit");
    let schema: Value =
        serde_json::from_str(&text.replace(BROKEN_PATTERN, ESCAPED_PATTERN)).expect("schema");
    // The schema declares draft-07; say so rather than rely on detection,
    // and check `format`s too (the artifact URIs are `uri-reference`s).
    jsonschema::draft7::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("the SARIF schema compiles")
}

pub fn assert_valid_sarif(log: &Value) {
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "invalid SARIF: {errors:#?}");
}

/// Runs git in `dir` as a throwaway user (`main` as the first branch,
/// local clones allowed) and returns its output; a failure fails the test.
pub fn git(dir: &Path, args: &[&str]) -> String {
    let output = std::process::Command::new("git")
        .args(["-c", "user.name=test", "-c", "user.email=test@example.com"])
        .args([
            "-c",
            "init.defaultBranch=main",
            "-c",
            "protocol.file.allow=always",
        ])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git");
    assert!(
        output.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout).into_owned()
}
