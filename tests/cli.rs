//! The binary end to end: exact positions, exit codes, bad input, context
//! loading, and the rendering of `--format full`.

mod common;

use common::seeds::{seed_003, seed_004};
use common::{Scratch, lint_json, positions, repo, rule_counts, schema_lint};

#[test]
fn example_migrations_are_clean() {
    let output = schema_lint(&repo())
        .arg("migrations/")
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(stdout.contains("no problems found in 8 files"), "{stdout}");
}

#[test]
fn seed_004_positions_are_exact() {
    let scratch = seed_004();
    let (code, document) = lint_json(
        scratch.path(),
        &["--select", "prefer-text,prefer-timestamptz", "migrations"],
    );
    assert_eq!(code, 1);
    let found = positions(&document);
    let expected = [
        ("prefer-text", 3, 14),
        ("prefer-text", 4, 11),
        ("prefer-text", 5, 19),
        ("prefer-timestamptz", 6, 16),
        ("prefer-text", 11, 10),
        ("prefer-timestamptz", 20, 16),
    ];
    let expected: Vec<(String, u64, u64)> = expected
        .iter()
        .map(|(r, l, c)| (r.to_string(), *l, *c))
        .collect();
    assert_eq!(found, expected);
    let first = &document["diagnostics"][0];
    assert_eq!(
        first["path"],
        "migrations/00000000000001_create_tables/up.sql"
    );
    assert_eq!(
        (first["end_line"].as_u64(), first["end_column"].as_u64()),
        (Some(3), Some(26))
    );
    assert_eq!(first["object"]["table"], "users");
    assert_eq!(first["object"]["columns"][0], "username");
    assert_eq!(document["files_checked"], 2);
    assert_eq!(document["summary"]["error"], 6);
}

#[test]
fn seed_004_core_rules() {
    let scratch = seed_004();
    let (_, document) = lint_json(scratch.path(), &["migrations"]);
    let counts = rule_counts(&document);
    let expected = [
        ("bigint-primary-key", 4),
        ("bigint-foreign-key", 3),
        ("prefer-text", 4),
        ("prefer-timestamptz", 2),
        ("foreign-key-index", 2),
        ("explicit-fk-actions", 3),
        // One finding per table; none has `updated_at`, so no trigger findings.
        ("timestamp-columns", 4),
        ("updated-at-trigger", 0),
        ("primary-key-id", 0),
    ];
    for (rule, count) in expected {
        assert_eq!(
            counts.get(rule).copied().unwrap_or(0),
            count,
            "{rule}: {counts:?}"
        );
    }
    // carts.user_id and cart_items.product_id; cart_id is covered by UNIQUE(cart_id, product_id).
    let fk_index: Vec<(u64, u64)> = positions(&document)
        .into_iter()
        .filter(|(rule, _, _)| rule == "foreign-key-index")
        .map(|(_, l, c)| (l, c))
        .collect();
    assert_eq!(fk_index, [(19, 5), (26, 5)]);
    // Each table's name in its CREATE TABLE, with everything missing or wrong.
    let timestamps: Vec<String> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "timestamp-columns")
        .map(|d| {
            format!(
                "{}:{} {}",
                d["line"],
                d["column"],
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        timestamps,
        [
            "1:14 table `users` has no `updated_at`; `created_at` is TIMESTAMP, not TIMESTAMPTZ",
            "9:14 table `products` has no `created_at` and no `updated_at`",
            "17:14 table `carts` has no `updated_at`; `created_at` is TIMESTAMP, not TIMESTAMPTZ",
            "23:14 table `cart_items` has no `created_at` and no `updated_at`",
        ]
    );
}

#[test]
fn seed_003_core_rules() {
    let scratch = seed_003();
    let (_, document) = lint_json(scratch.path(), &["migrations"]);
    let counts = rule_counts(&document);
    for (rule, count) in [
        ("bigint-primary-key", 3),
        ("bigint-foreign-key", 2),
        ("explicit-fk-actions", 2),
        ("status-lookup", 1),
        ("index-naming", 4),
    ] {
        assert_eq!(
            counts.get(rule).copied().unwrap_or(0),
            count,
            "{rule}: {counts:?}"
        );
    }
    let names: Vec<String> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|d| d["rule"] == "index-naming")
        .map(|d| {
            format!(
                "{} {}",
                d["object"]["name"].as_str().unwrap(),
                d["help"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        names,
        [
            "idx_devices_attestation_key ALTER INDEX idx_devices_attestation_key RENAME TO idx_devices_attestation_key_id;",
            "idx_captures_hash ALTER INDEX idx_captures_hash RENAME TO idx_captures_target_media_hash;",
            "idx_captures_device ALTER INDEX idx_captures_device RENAME TO idx_captures_device_id;",
            "idx_verification_logs_capture ALTER INDEX idx_verification_logs_capture RENAME TO idx_verification_logs_capture_id;",
        ]
    );
}

#[test]
fn a_parse_error_costs_only_its_statement() {
    let scratch = Scratch::new();
    scratch.write(
        "migrations/0001_init.sql",
        "CREATE TABLE a (name VARCHAR(10));\nCREATE TABLE oops (id BIGINT,, x);\nCREATE TABLE b (name VARCHAR(20));\n",
    );
    let (code, document) = lint_json(
        scratch.path(),
        &["--select", "prefer-text,parse-error", "migrations"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        positions(&document),
        [
            ("prefer-text".to_string(), 1, 22),
            ("parse-error".to_string(), 2, 1),
            ("prefer-text".to_string(), 3, 22),
        ]
    );
    let parse_error = &document["diagnostics"][1];
    assert_eq!(parse_error["severity"], "warning");
    assert!(
        parse_error["message"]
            .as_str()
            .unwrap()
            .contains("Expected")
    );
}

#[test]
fn a_named_file_is_reported_with_its_set_as_context() {
    let scratch = Scratch::new();
    scratch.write(
        "m/0001_users.sql",
        "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, name VARCHAR(5));\n",
    );
    scratch.write(
        "m/0002_carts.sql",
        "CREATE TABLE carts (id BIGSERIAL PRIMARY KEY, user_id BIGINT REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE, note VARCHAR(5));\n",
    );
    scratch.write(
        "m/0003_index.sql",
        "CREATE INDEX idx_carts_user_id ON carts (user_id);\n",
    );
    let (_, document) = lint_json(
        scratch.path(),
        &[
            "--select",
            "prefer-text,foreign-key-index",
            "m/0002_carts.sql",
        ],
    );
    // Only the named file is reported; the index of 0003 covers the foreign key.
    let found: Vec<(String, String)> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["rule"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("m/0002_carts.sql".to_string(), "prefer-text".to_string())]
    );
    assert_eq!(document["files_checked"], 1);
}

#[test]
fn bad_input_is_named_and_the_rest_is_linted() {
    let scratch = Scratch::new();
    scratch.write("m/0001_ok.sql", "CREATE TABLE a (name VARCHAR(10));\n");
    scratch.write(
        "m/0002_latin1.sql",
        b"CREATE TABLE b (n TEXT); -- caf\xe9\n",
    );
    scratch.write("m/0003_empty.sql", "");
    scratch.write("empty_dir/readme.txt", "no sql here");
    let output = schema_lint(scratch.path())
        .args(["--format", "concise", "m", "missing/", "empty_dir"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{stdout}\n{stderr}");
    // A byte that is not UTF-8 costs nothing but a finding at its place;
    // an empty up migration is a warning, not an input error.
    assert!(
        stdout.contains(
            "m/0002_latin1.sql:1:32: warning[parse-error] byte 0xE9 is not UTF-8; read as `_`"
        ),
        "{stdout}"
    );
    assert!(
        stdout.contains("m/0003_empty.sql:1:1: warning[migration-layout] empty migration"),
        "{stdout}"
    );
    assert!(
        !stderr.contains("0002_latin1") && !stderr.contains("0003_empty"),
        "{stderr}"
    );
    assert!(
        stderr.contains("missing/: no such file or directory"),
        "{stderr}"
    );
    assert!(
        stderr.contains("empty_dir: no .sql migration files found here"),
        "{stderr}"
    );
    assert!(
        stdout.contains("m/0001_ok.sql:1:22: error[prefer-text]"),
        "{stdout}"
    );
}

#[test]
fn an_unreadable_file_is_named() {
    use std::os::unix::fs::PermissionsExt;
    let scratch = Scratch::new();
    scratch.write("m/0001_ok.sql", "CREATE TABLE a (name VARCHAR(10));\n");
    let locked = scratch.write("m/0002_locked.sql", "CREATE TABLE b (n TEXT);\n");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).unwrap();
    if std::fs::read(&locked).is_ok() {
        eprintln!("skipped: running as a user who can read any file (root)");
        return;
    }
    let output = schema_lint(scratch.path())
        .args(["--format", "concise", "m"])
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr.contains("m/0002_locked.sql: cannot read: permission denied"),
        "{stderr}"
    );
    assert!(String::from_utf8_lossy(&output.stdout).contains("0001_ok.sql:1:22"));
}

#[test]
fn fail_on_sets_the_exit_code() {
    let scratch = Scratch::new();
    scratch.write(
        "m/0001_init.sql",
        "CREATE TABLE a (id BIGSERIAL PRIMARY KEY,, x);\n",
    );
    let run = |args: &[&str]| {
        schema_lint(scratch.path())
            .args(args)
            .arg("m")
            .output()
            .unwrap()
            .status
            .code()
    };
    // A parse error is a warning: not a failure by default.
    assert_eq!(run(&[]), Some(0));
    assert_eq!(run(&["--fail-on", "warning"]), Some(1));
    assert_eq!(
        run(&["--fail-on", "never", "--select", "parse-error"]),
        Some(0)
    );
    assert_eq!(run(&["--select", "no-such-rule"]), Some(2));
}

#[test]
fn concise_format() {
    let scratch = seed_004();
    let output = schema_lint(scratch.path())
        .args([
            "--format",
            "concise",
            "--select",
            "prefer-timestamptz",
            "migrations",
        ])
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "migrations/00000000000001_create_tables/up.sql:6:16: error[prefer-timestamptz] column `users.created_at` is `TIMESTAMP`, a time without a time zone; use TIMESTAMPTZ\n\
         migrations/00000000000001_create_tables/up.sql:20:16: error[prefer-timestamptz] column `carts.created_at` is `TIMESTAMP`, a time without a time zone; use TIMESTAMPTZ\n\
         2 errors in 1 of 2 files\n"
    );
}

#[test]
fn full_format_snapshot() {
    let scratch = Scratch::new();
    scratch.write(
        "migrations/20240101000000_init.sql",
        "CREATE TABLE users (\n    id BIGSERIAL PRIMARY KEY,\n    email VARCHAR(255) NOT NULL\n);\nCREATE TABLE broken (id BIGINT,,);\n",
    );
    let output = schema_lint(scratch.path())
        .args(["--select", "prefer-text,parse-error", "migrations"])
        .output()
        .unwrap();
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

#[test]
fn output_is_deterministic() {
    let scratch = seed_003();
    let first = schema_lint(scratch.path())
        .args(["--format", "json", "migrations"])
        .output()
        .unwrap();
    let second = schema_lint(scratch.path())
        .args(["--format", "json", "migrations"])
        .output()
        .unwrap();
    assert_eq!(first.stdout, second.stdout);
}
