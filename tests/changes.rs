//! Pull-request workflows: `--diff <ref>` and baselines.

mod common;

use common::{Scratch, git, lint_json, positions, rule_counts, schema_lint};

/// Two commits: the first creates tables and an index, the second adds a
/// foreign key (covered by the earlier index) and a VARCHAR column.
fn two_commits() -> Scratch {
    let scratch = Scratch::new();
    let dir = scratch.path();
    git(dir, &["init", "-q"]);
    scratch.write(
        "migrations/20240101000000_init.sql",
        "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name VARCHAR(50));\n\
         CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, user_id BIGINT NOT NULL);\n\
         CREATE INDEX idx_orders_user_id ON orders (user_id);\n",
    );
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "init"]);
    scratch.write(
        "migrations/20240201000000_orders_fk.sql",
        "ALTER TABLE orders ADD CONSTRAINT orders_user_id_fkey FOREIGN KEY (user_id)\n    REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE;\n\
         ALTER TABLE orders ADD COLUMN note VARCHAR(10);\n",
    );
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "fk"]);
    scratch
}

#[test]
fn diff_reports_only_changed_migrations_with_full_context() {
    let scratch = two_commits();
    let select = "prefer-text,foreign-key-index,explicit-fk-actions";
    let (_, all) = lint_json(scratch.path(), &["--select", select, "migrations"]);
    assert_eq!(rule_counts(&all).get("prefer-text"), Some(&2));
    let (code, document) = lint_json(
        scratch.path(),
        &["--select", select, "--diff", "HEAD~1", "migrations"],
    );
    assert_eq!(code, 1);
    let paths: Vec<&str> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["migrations/20240201000000_orders_fk.sql"]);
    assert_eq!(positions(&document), [("prefer-text".to_string(), 3, 36)]);
    assert_eq!(document["files_checked"], 1);
}

#[test]
fn diff_counts_uncommitted_and_untracked_files() {
    let scratch = two_commits();
    scratch.write(
        "migrations/20240301000000_new.sql",
        "CREATE TABLE notes (body VARCHAR(5));\n",
    );
    let (_, document) = lint_json(
        scratch.path(),
        &["--select", "prefer-text", "--diff", "HEAD", "migrations"],
    );
    assert_eq!(document["files_checked"], 1);
    assert_eq!(
        document["diagnostics"][0]["path"],
        "migrations/20240301000000_new.sql"
    );
}

#[test]
fn diff_errors_are_clear() {
    let scratch = Scratch::outside_repository();
    scratch.write("migrations/0001_a.sql", "CREATE TABLE a (id BIGINT);\n");
    let output = schema_lint(scratch.path())
        .args(["--diff", "main", "migrations"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("needs a git repository"));

    let repo = two_commits();
    let output = schema_lint(repo.path())
        .args(["--diff", "no-such-branch", "migrations"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--diff no-such-branch"), "{stderr}");
}

#[test]
fn baseline_hides_recorded_findings_and_reports_new_ones() {
    let scratch = Scratch::new();
    scratch.write(
        "migrations/00000000000001_create_tables/up.sql",
        "CREATE TABLE users (\n    id SERIAL PRIMARY KEY,\n    email VARCHAR(255) NOT NULL,\n    created_at TIMESTAMP NOT NULL\n);\n\
         CREATE TABLE carts (id SERIAL PRIMARY KEY, user_id INTEGER REFERENCES users(id));\n",
    );
    scratch.write(
        "migrations/00000000000001_create_tables/down.sql",
        "DROP TABLE carts;\nDROP TABLE users;\n",
    );
    let output = schema_lint(scratch.path())
        .args([
            "--write-baseline",
            "schema-lint-baseline.json",
            "migrations",
        ])
        .output()
        .unwrap();
    assert_eq!(
        output.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );

    let (code, document) = lint_json(
        scratch.path(),
        &["--baseline", "schema-lint-baseline.json", "migrations"],
    );
    assert_eq!(code, 0, "{document}");
    assert_eq!(document["diagnostics"].as_array().unwrap().len(), 0);

    // Lines above the recorded findings move; a new column is the one new finding.
    scratch.write(
        "migrations/00000000000001_create_tables/up.sql",
        "-- users and carts\n\nCREATE TABLE users (\n    id SERIAL PRIMARY KEY,\n    email VARCHAR(255) NOT NULL,\n    created_at TIMESTAMP NOT NULL\n);\n\
         CREATE TABLE carts (id SERIAL PRIMARY KEY, user_id INTEGER REFERENCES users(id));\n",
    );
    scratch.write(
        "migrations/00000000000002_nickname/up.sql",
        "ALTER TABLE users ADD COLUMN nickname VARCHAR(40);\n",
    );
    let (code, document) = lint_json(
        scratch.path(),
        &["--baseline", "schema-lint-baseline.json", "migrations"],
    );
    assert_eq!(code, 1);
    assert_eq!(positions(&document), [("prefer-text".to_string(), 1, 39)]);
    assert_eq!(
        document["diagnostics"][0]["object"]["columns"][0],
        "nickname"
    );
}

#[test]
fn stale_baseline_entries_are_named() {
    let scratch = Scratch::new();
    scratch.write(
        "m/0001_a.sql",
        "CREATE TABLE a (name VARCHAR(10), title VARCHAR(10));\n",
    );
    schema_lint(scratch.path())
        .args([
            "--select",
            "prefer-text",
            "--write-baseline",
            "base.json",
            "m",
        ])
        .assert()
        .success();
    scratch.write(
        "m/0001_a.sql",
        "CREATE TABLE a (name VARCHAR(10), title TEXT);\n",
    );
    let output = schema_lint(scratch.path())
        .args(["--select", "prefer-text", "--baseline", "base.json", "m"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("1 finding(s) recorded in base.json no longer occur"),
        "{stderr}"
    );
    assert!(
        stderr.contains("m/0001_a.sql prefer-text a (title)"),
        "{stderr}"
    );
}

#[test]
fn a_new_migration_older_than_the_newest_is_a_warning() {
    let scratch = Scratch::new();
    let dir = scratch.path();
    git(dir, &["init", "-q"]);
    scratch.write("m/20240201000000_b.sql", "CREATE TABLE b (id BIGINT);\n");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "b"]);
    scratch.write("m/20240101000000_a.sql", "CREATE TABLE a (id BIGINT);\n");
    let (code, document) = lint_json(
        dir,
        &["--select", "migration-filename", "--diff", "HEAD", "m"],
    );
    assert_eq!(code, 0, "a warning does not fail the run: {document}");
    let finding = &document["diagnostics"][0];
    assert_eq!(finding["path"], "m/20240101000000_a.sql");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["related"][0]["path"], "m/20240201000000_b.sql");
    // Without --diff nothing is new.
    let (_, document) = lint_json(dir, &["--select", "migration-filename", "m"]);
    assert_eq!(document["diagnostics"].as_array().unwrap().len(), 0);
}

/// A new migration older than the newest existing one is a warning at
/// most, whatever severity `[[overrides]]` give the rule: the cap is the
/// rule's, decided with the severity in one place.
#[test]
fn an_override_severity_keeps_the_warning_cap_of_a_late_migration() {
    let scratch = two_commits();
    scratch.write(
        "schema-lint.toml",
        "[[overrides]]\npaths = [\"migrations/**\"]\nseverity = { migration-filename = \"error\" }\n",
    );
    scratch.write(
        "migrations/20240115000000_late.sql",
        "CREATE TABLE late (id BIGINT PRIMARY KEY);\n",
    );
    let (code, document) = lint_json(
        scratch.path(),
        &[
            "--select",
            "migration-filename",
            "--diff",
            "HEAD",
            "migrations",
        ],
    );
    let found: Vec<(&str, &str)> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| (d["rule"].as_str().unwrap(), d["severity"].as_str().unwrap()))
        .collect();
    assert_eq!(found, [("migration-filename", "warning")], "{document:#}");
    assert_eq!(code, 0);
}
