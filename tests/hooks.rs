//! The pre-commit hooks' `files` pattern covers every layout schema-lint
//! reads: each migration file of `tests/data/layouts` (paths relative to
//! its project folder, as pre-commit passes them) matches, and files that
//! are not migrations next to them do not.

use std::path::PathBuf;

use regex::Regex;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// Each hook's `files:` block (`files: |` and the lines indented under it).
fn patterns() -> Vec<String> {
    let text = std::fs::read_to_string(repo().join(".pre-commit-hooks.yaml")).expect("hooks");
    let lines: Vec<&str> = text.lines().collect();
    let mut patterns = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        if line.trim() != "files: |" {
            continue;
        }
        let indent = line.len() - line.trim_start().len();
        let block: Vec<&str> = lines[i + 1..]
            .iter()
            .take_while(|l| l.len() - l.trim_start().len() > indent)
            .map(|l| l.trim())
            .collect();
        patterns.push(block.join("\n"));
    }
    patterns
}

/// `<case>/<path>` of every file in every expected plan, as `<path>`.
fn migration_files() -> Vec<String> {
    let layouts = repo().join("tests/data/layouts");
    let mut files = Vec::new();
    for entry in std::fs::read_dir(&layouts).expect("layouts") {
        let plan = entry.expect("entry").path().join("expected-plan.txt");
        let Ok(text) = std::fs::read_to_string(&plan) else {
            continue;
        };
        for line in text.lines() {
            let mut words = line.split_whitespace();
            let (Some(direction), Some(path)) = (words.next(), words.next()) else {
                continue;
            };
            if direction.ends_with(':') {
                continue;
            }
            let (_, inside) = path.split_once('/').expect("<case>/<path>");
            files.push(inside.to_string());
        }
    }
    files.sort();
    files.dedup();
    files
}

#[test]
fn the_hooks_match_every_layouts_migrations_and_no_other_sql() {
    let patterns = patterns();
    assert_eq!(patterns.len(), 2, "both hooks have a `files: |` block");
    assert_eq!(patterns[0], patterns[1], "both hooks match the same files");
    let pattern = Regex::new(&patterns[0]).expect("a valid pattern");
    let files = migration_files();
    assert!(files.len() > 80, "{} files", files.len());
    let missed: Vec<&String> = files.iter().filter(|f| !pattern.is_match(f)).collect();
    assert!(missed.is_empty(), "not matched: {missed:#?}");
    for other in [
        "db/schema.sql",
        "supabase/seed.sql",
        "src/queries/find_user.sql",
        "db/verify/authors.sql",
        "docs/example.sql",
        "migrations/README.md",
    ] {
        assert!(!pattern.is_match(other), "{other} matched");
    }
    // Flyway and numbered files outside a migrations folder.
    for file in [
        "sql/V1_2__init.sql",
        "sql/R__views.sql",
        "schema/0001_init.sql",
    ] {
        assert!(pattern.is_match(file), "{file} not matched");
    }
}
