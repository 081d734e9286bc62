//! `schema-lint fix`: in place for migrations not applied yet, and
//! forward (`--new-migration`) for an applied history. Every fixed set is
//! linted again and applied to a real PostgreSQL (skipped without server
//! binaries, see `tests/postgres.rs`).

mod common;

use std::path::{Path, PathBuf};

use common::postgres::{Server, up_files};
use common::seeds::{seed_003, seed_004};
use common::{Scratch, git, lint_json, outcome, repo, rule_counts, schema_lint};

/// The rules whose findings `fix` corrects in place (the unsafe ones
/// with `--unsafe-fixes`).
const FIXABLE: [&str; 11] = [
    "bigint-primary-key",
    "bigint-foreign-key",
    "prefer-text",
    "prefer-timestamptz",
    "foreign-key-index",
    "index-naming",
    "unique-naming",
    "timestamp-columns",
    "updated-at-trigger",
    "explicit-fk-actions",
    "status-fk-restrict",
];

/// The new migration with one violation of every fixable rule.
const NEW_FILE: &str = "migrations/20260401000000_create_reviews.sql";

/// The example set plus a new migration with one violation of every rule
/// `fix` corrects.
fn example_plus_violations() -> Scratch {
    let scratch = Scratch::new();
    for file in std::fs::read_dir(repo().join("migrations")).expect("migrations") {
        let path = file.expect("entry").path();
        let name = path
            .file_name()
            .expect("name")
            .to_string_lossy()
            .into_owned();
        scratch.write(
            &format!("migrations/{name}"),
            std::fs::read(&path).expect("read"),
        );
    }
    scratch.write(
        NEW_FILE,
        std::fs::read(repo().join("tests/data/fix/every_fixable_rule.sql")).expect("fixture"),
    );
    scratch
}

fn fix(dir: &Path, args: &[&str]) -> (i32, String, String) {
    outcome(schema_lint(dir).arg("fix").args(args))
}

/// The findings of fixable rules left in `paths`.
fn fixable_left(dir: &Path, paths: &[&str]) -> Vec<String> {
    let (_, document) = lint_json(dir, paths);
    rule_counts(&document)
        .into_iter()
        .filter(|(rule, _)| FIXABLE.contains(&rule.as_str()))
        .map(|(rule, count)| format!("{rule} ×{count}"))
        .collect()
}

/// Applies every up file of the set at `dir` to a fresh database.
fn apply_all(server: &Server, database: &str, dir: &Path) -> Vec<PathBuf> {
    server.create_database(database);
    let files = up_files(dir);
    for file in &files {
        server.apply(database, file);
    }
    files
}

fn read(path: PathBuf) -> String {
    std::fs::read_to_string(path).expect("read")
}

#[test]
fn in_place_fix_corrects_every_fixable_rule_and_the_file_applies() {
    let scratch = example_plus_violations();
    let dir = scratch.path();
    let before = fixable_left(dir, &["migrations"]);
    assert_eq!(before.len(), 11, "{before:?}");
    let examples: Vec<(PathBuf, String)> = up_files(&dir.join("migrations"))
        .into_iter()
        .filter(|p| !p.ends_with("20260401000000_create_reviews.sql"))
        .map(|p| (p.clone(), read(p)))
        .collect();

    let (code, _, stderr) = fix(dir, &["--unsafe-fixes", NEW_FILE]);
    // foreign-key-naming, a warning, is left.
    assert_eq!(code, 0, "{stderr}");
    assert!(
        stderr.contains("fixed 13 findings in 1 file; 1 remaining"),
        "{stderr}"
    );
    assert_eq!(fixable_left(dir, &["migrations"]), Vec::<String>::new());
    // Only the named file changed.
    for (path, text) in &examples {
        assert_eq!(&read(path.clone()), text, "{} changed", path.display());
    }
    // A second run has nothing left to fix.
    let (_, stdout, stderr) = fix(dir, &["--dry-run", "--unsafe-fixes", NEW_FILE]);
    assert!(stdout.is_empty(), "{stdout}");
    assert!(stderr.contains("would fix 0 findings"), "{stderr}");

    let Some(server) = Server::start() else {
        return;
    };
    apply_all(&server, "fixed", &dir.join("migrations"));
    let types = server.rows(
        "fixed",
        "SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns \
         WHERE table_name IN ('reviewers', 'reviews') AND column_name IN ('id', 'email', 'reviewer_id', 'reviewed_at')",
    );
    assert_eq!(
        types,
        [
            "reviewers.email text",
            "reviewers.id bigint",
            "reviews.id bigint",
            "reviews.reviewed_at timestamp with time zone",
            "reviews.reviewer_id bigint",
        ]
        .map(String::from)
        .into()
    );
    let indexes = server.rows(
        "fixed",
        "SELECT indexname FROM pg_indexes WHERE tablename = 'reviews' AND indexname LIKE 'idx_%'",
    );
    assert_eq!(
        indexes,
        [
            "idx_reviews_reviewer_id",
            "idx_reviews_scene_id",
            "idx_reviews_status_id"
        ]
        .map(String::from)
        .into()
    );
}

#[test]
fn dry_run_prints_a_unified_diff_and_changes_nothing() {
    let scratch = example_plus_violations();
    let dir = scratch.path();
    let original = read(dir.join(NEW_FILE));
    let (code, stdout, stderr) = fix(dir, &["--dry-run", "--unsafe-fixes", NEW_FILE]);
    assert_eq!(code, 1, "{stderr}");
    assert_eq!(read(dir.join(NEW_FILE)), original);
    insta::assert_snapshot!(stdout);
    assert!(
        stderr.contains("would fix 13 findings in 1 file"),
        "{stderr}"
    );
}

#[test]
fn unsafe_fixes_wait_for_the_flag() {
    let scratch = example_plus_violations();
    let dir = scratch.path();
    let (_, _, stderr) = fix(dir, &[NEW_FILE]);
    assert!(
        stderr.contains("(2 more fixable with --unsafe-fixes)"),
        "{stderr}"
    );
    let left = fixable_left(dir, &["migrations"]);
    assert_eq!(
        left,
        ["explicit-fk-actions ×1", "status-fk-restrict ×1"],
        "{left:?}"
    );
}

#[test]
fn length_check_option_keeps_the_limit() {
    let scratch = Scratch::new();
    let dir = scratch.path();
    scratch.write(
        "schema-lint.toml",
        "[rules.prefer-text]\nfix-length-check = true\n",
    );
    scratch.write(
        "migrations/20240101000000_users.sql",
        "create table users (\n    id bigserial primary key,\n    email varchar(320) not null,\n    created_at timestamptz not null default now(),\n    updated_at timestamptz not null default now()\n);\n",
    );
    let (_, _, stderr) = fix(dir, &["--select", "prefer-text", "migrations"]);
    assert!(stderr.contains("fixed 1 finding"), "{stderr}");
    assert_eq!(
        read(dir.join("migrations/20240101000000_users.sql")),
        "create table users (\n    id bigserial primary key,\n    email text check (char_length(email) <= 320) not null,\n    created_at timestamptz not null default now(),\n    updated_at timestamptz not null default now()\n);\n"
    );
    if let Some(server) = Server::start() {
        apply_all(&server, "checked", &dir.join("migrations"));
        let codes = server.error_codes(
            "checked",
            &format!("INSERT INTO users (email) VALUES ('{}');", "x".repeat(321)),
        );
        assert_eq!(codes, ["23514"]);
    }
}

#[test]
fn diff_scope_leaves_applied_migrations_alone() {
    let scratch = Scratch::new();
    let dir = scratch.path();
    git(dir, &["init", "-q"]);
    let applied = "CREATE TABLE users (id SERIAL PRIMARY KEY, name VARCHAR(50));\n";
    scratch.write("migrations/20240101000000_users.sql", applied);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "applied"]);
    scratch.write(
        "migrations/20240201000000_orders.sql",
        "CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, note VARCHAR(10));\n",
    );
    let (_, _, stderr) = fix(
        dir,
        &[
            "--diff",
            "HEAD",
            "--select",
            "prefer-text,bigint-primary-key",
        ],
    );
    assert!(stderr.contains("fixed 1 finding in 1 file"), "{stderr}");
    assert_eq!(
        read(dir.join("migrations/20240101000000_users.sql")),
        applied
    );
    assert_eq!(
        read(dir.join("migrations/20240201000000_orders.sql")),
        "CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, note TEXT);\n"
    );
}

#[test]
fn seed_004_fixed_in_place_applies_and_relints_clean() {
    let scratch = seed_004();
    let dir = scratch.path();
    let (_, _, stderr) = fix(dir, &["--unsafe-fixes", "migrations"]);
    assert!(stderr.contains("fixed"), "{stderr}");
    // The seed has no trigger function: the trigger is the one finding
    // left of a fixable rule (on every table).
    assert_eq!(
        fixable_left(dir, &["migrations"]),
        ["updated-at-trigger ×4"]
    );
    let Some(server) = Server::start() else {
        return;
    };
    apply_all(&server, "seed", &dir.join("migrations"));
    let keys = server.rows(
        "seed",
        "SELECT table_name || '.' || column_name || ' ' || data_type FROM information_schema.columns \
         WHERE column_name IN ('id', 'cart_id', 'user_id', 'product_id') AND table_schema = 'public'",
    );
    assert!(keys.iter().all(|k| k.ends_with(" bigint")), "{keys:?}");
}

#[test]
fn seed_003_fixed_in_place_applies() {
    let scratch = seed_003();
    let dir = scratch.path();
    let (_, _, stderr) = fix(dir, &["--unsafe-fixes", "migrations"]);
    assert!(stderr.contains("fixed"), "{stderr}");
    let left = fixable_left(dir, &["migrations"]);
    // UUID keys are not fixed mechanically; neither is the trigger
    // without its function.
    assert!(
        left.iter().all(|l| l.starts_with("bigint-primary-key")
            || l.starts_with("bigint-foreign-key")
            || l.starts_with("updated-at-trigger")),
        "{left:?}"
    );
    let Some(server) = Server::start() else {
        return;
    };
    apply_all(&server, "seed", &dir.join("migrations"));
}

/// `fix --new-migration` on the set at `dir`: the migration is written,
/// the whole history plus it applies to PostgreSQL, and the findings of
/// fixable rules left are returned (a re-lint). The `--dry-run` output is
/// returned too, for a snapshot.
fn forward(dir: &Path, database: &str) -> (String, Vec<String>) {
    let args = [
        "--new-migration",
        "fix conventions",
        "--unsafe-fixes",
        "--now",
        "2026-06-01T12:00:00Z",
        "migrations",
    ];
    let mut dry = vec!["--dry-run"];
    dry.extend_from_slice(&args);
    let (code, preview, stderr) = fix(dir, &dry);
    assert_eq!(code, 0, "{stderr}");
    let before = up_files(&dir.join("migrations"));
    let (code, written, stderr) = fix(dir, &args);
    assert_eq!(code, 0, "{stderr}");
    assert!(!written.is_empty(), "{stderr}");
    let after = up_files(&dir.join("migrations"));
    assert_eq!(after.len(), before.len() + 1, "{written}");
    if let Some(server) = Server::start() {
        apply_all(&server, database, &dir.join("migrations"));
    }
    (preview, fixable_left(dir, &["migrations"]))
}

#[test]
fn forward_fix_of_seed_004_applies_and_relints_clean() {
    let scratch = seed_004();
    let (preview, left) = forward(scratch.path(), "seed4");
    assert_eq!(left, Vec::<String>::new());
    assert!(preview.contains("down.sql <=="), "{preview}");
    insta::assert_snapshot!(preview);
}

#[test]
fn forward_fix_of_seed_003_leaves_uuid_keys_and_statuses_to_edit() {
    let scratch = seed_003();
    let (preview, left) = forward(scratch.path(), "seed3");
    // UUID keys and the keys to them stay reported, with a plan.
    assert_eq!(
        left,
        ["bigint-foreign-key ×2", "bigint-primary-key ×3"],
        "{preview}"
    );
    assert!(
        preview.contains("-- ALTER TABLE devices ADD COLUMN new_id BIGINT"),
        "{preview}"
    );
    assert!(
        preview.contains("-- CREATE TABLE capture_statuses"),
        "{preview}"
    );
    insta::assert_snapshot!(preview);
}

#[test]
fn forward_fix_of_the_example_set_with_every_violation() {
    let scratch = example_plus_violations();
    let (preview, left) = forward(scratch.path(), "example");
    assert_eq!(left, Vec::<String>::new(), "{preview}");
    insta::assert_snapshot!(preview);
}

/// A `CREATE TABLE` written on one line gets its timestamp columns on that
/// line (the statement has no line break to find).
#[test]
fn timestamp_columns_are_added_to_a_one_line_create_table() {
    let scratch = Scratch::new();
    let dir = scratch.path();
    scratch.write(
        "migrations/20240101000000_init.sql",
        "CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, title TEXT NOT NULL);\n",
    );
    let (code, _, stderr) = fix(dir, &["--select", "timestamp-columns", "migrations"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        read(dir.join("migrations/20240101000000_init.sql")),
        "CREATE TABLE posts (id BIGSERIAL PRIMARY KEY, title TEXT NOT NULL, \
         created_at TIMESTAMPTZ NOT NULL DEFAULT now(), updated_at TIMESTAMPTZ NOT NULL DEFAULT now());\n"
    );
}
