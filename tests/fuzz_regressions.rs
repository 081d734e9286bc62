//! Every input that once crashed, hung or broke a format, replayed with the
//! binary in every format and checked as the fuzzing harness checks
//! (`examples/fuzz/oracle.rs`).
//!
//! Each folder of `tests/data/fuzz-regressions/` is one case, as the
//! harness saves it: `set/` (the migration set), `schema-lint.toml`, `args`
//! (one argument per line, run from the folder) and `failure.txt` (what
//! went wrong once).

#[path = "../examples/fuzz/oracle.rs"]
mod oracle;

mod common;

use std::path::{Path, PathBuf};

use common::{repo, schema_lint};
use oracle::{FORMATS, Oracle, Run};

fn run(case: &Path, format: &str, args: &[String]) -> Run {
    let output = schema_lint(case)
        .args(["--format", format, "--config", "schema-lint.toml"])
        .args(args)
        .output()
        .expect("run");
    Run {
        // A crash (a signal) has no code: -1 fails the check.
        code: output.status.code().unwrap_or(-1),
        stdout: output.stdout,
        stderr: output.stderr,
    }
}

/// The size of the files under `folder`.
fn input_bytes(folder: &Path) -> usize {
    walkdir::WalkDir::new(folder)
        .into_iter()
        .filter_map(Result::ok)
        .filter_map(|e| e.metadata().ok())
        .filter(|m| m.is_file())
        .map(|m| m.len() as usize)
        .sum()
}

fn cases() -> Vec<PathBuf> {
    let folder = repo().join("tests/data/fuzz-regressions");
    let mut cases: Vec<PathBuf> = std::fs::read_dir(&folder)
        .expect("tests/data/fuzz-regressions")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    cases
}

#[test]
fn every_kept_case_passes_every_check() {
    let oracle = Oracle::new(&repo()).expect("oracle");
    let cases = cases();
    assert!(!cases.is_empty());
    let mut failures = Vec::new();
    for case in &cases {
        let args: Vec<String> = std::fs::read_to_string(case.join("args"))
            .expect("args")
            .lines()
            .map(String::from)
            .collect();
        let runs: Vec<Run> = FORMATS.iter().map(|f| run(case, f, &args)).collect();
        let mut problems: Vec<String> = FORMATS
            .iter()
            .zip(&runs)
            .filter_map(|(format, r)| {
                oracle
                    .check(format, r)
                    .err()
                    .map(|e| format!("{format}: {e}"))
            })
            .collect();
        problems.extend(oracle.agree(&runs, input_bytes(&case.join("set"))).err());
        if run(case, "json", &args) != runs[2] {
            problems.push("json: a rerun printed other bytes".to_string());
        }
        if !problems.is_empty() {
            failures.push(format!("{}: {}", case.display(), problems.join("; ")));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
}
