//! File- and statement-level rules, end to end through the binary:
//! `migration-filename`, `forward-only`, `extension-allowlist`,
//! `no-select-star`.

mod common;

use common::{Scratch, lint_json, positions, schema_lint};
use serde_json::Value;

fn diagnostics(document: &Value) -> &Vec<Value> {
    document["diagnostics"].as_array().expect("diagnostics")
}

fn duplicate_sqlx_versions() -> Scratch {
    let scratch = Scratch::new();
    scratch.write(
        "migrations/20240101000000_create_accounts.sql",
        "CREATE TABLE accounts (id BIGSERIAL PRIMARY KEY);\n",
    );
    scratch.write(
        "migrations/20240101000000_create_teams.sql",
        "-- teams\nCREATE TABLE teams (\n    id BIGSERIAL PRIMARY KEY\n);\n",
    );
    scratch.write(
        "migrations/20240102000000_create_projects.sql",
        "CREATE TABLE projects (id BIGSERIAL PRIMARY KEY);\n",
    );
    scratch
}

#[test]
fn two_sqlx_files_with_one_timestamp_point_at_both() {
    let scratch = duplicate_sqlx_versions();
    let (code, document) = lint_json(
        scratch.path(),
        &["--select", "migration-filename", "migrations"],
    );
    assert_eq!(code, 1);
    let found = diagnostics(&document);
    assert_eq!(found.len(), 1, "{document:#}");
    let finding = &found[0];
    // The later file, at the first line of its first statement.
    assert_eq!(
        finding["path"],
        "migrations/20240101000000_create_teams.sql"
    );
    assert_eq!(finding["rule"], "migration-filename");
    assert_eq!(finding["severity"], "error");
    assert_eq!(
        (
            &finding["line"],
            &finding["column"],
            &finding["end_line"],
            &finding["end_column"]
        ),
        (&2.into(), &1.into(), &2.into(), &21.into())
    );
    assert!(finding["object"].is_null());
    let message = finding["message"].as_str().unwrap();
    assert!(message.contains("20240101000000"), "{message}");
    assert!(
        message.contains("migrations/20240101000000_create_accounts.sql"),
        "{message}"
    );
    // The earlier file, as a related location.
    let related = finding["related"].as_array().expect("related");
    assert_eq!(related.len(), 1);
    assert_eq!(
        related[0]["path"],
        "migrations/20240101000000_create_accounts.sql"
    );
    assert_eq!(
        (&related[0]["line"], &related[0]["column"]),
        (&1.into(), &1.into())
    );

    // The full format names the other file under the help.
    let output = schema_lint(scratch.path())
        .args(["--select", "migration-filename", "migrations"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&output.stdout);
    assert!(
        text.contains(
            "the same version (`20240101000000`): migrations/20240101000000_create_accounts.sql:1:1"
        ),
        "{text}"
    );
}

#[test]
fn a_duplicate_is_reported_on_whichever_file_is_named() {
    let scratch = duplicate_sqlx_versions();
    // Pre-commit names only the earlier file: the finding moves to it.
    let (_, document) = lint_json(
        scratch.path(),
        &[
            "--select",
            "migration-filename",
            "migrations/20240101000000_create_accounts.sql",
        ],
    );
    let found = diagnostics(&document);
    assert_eq!(found.len(), 1, "{document:#}");
    assert_eq!(
        found[0]["path"],
        "migrations/20240101000000_create_accounts.sql"
    );
    assert_eq!(
        found[0]["related"][0]["path"],
        "migrations/20240101000000_create_teams.sql"
    );
}

#[test]
fn file_name_conventions() {
    let scratch = Scratch::new();
    scratch.write(
        "migrations/20240101000000_create_users.sql",
        "CREATE TABLE users (id BIGSERIAL PRIMARY KEY);\n",
    );
    scratch.write(
        "migrations/20241301000000_add_email.sql",
        "ALTER TABLE users ADD COLUMN email TEXT;\n",
    );
    scratch.write(
        "migrations/20240102000000_Add Teams.sql",
        "\n\nCREATE TABLE teams (id BIGSERIAL PRIMARY KEY);\n",
    );
    scratch.write("migrations/notes.sql", "SELECT 1;\n");
    let (code, document) = lint_json(
        scratch.path(),
        &["--select", "migration-filename", "migrations"],
    );
    assert_eq!(code, 1);
    let found: Vec<(String, String, u64)> = diagnostics(&document)
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["help"].as_str().unwrap_or("").to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(found.len(), 3, "{document:#}");
    assert_eq!(found[0].0, "migrations/20240102000000_Add Teams.sql");
    assert_eq!(found[0].2, 3);
    assert!(
        found[0].1.contains("`20240102000000_add_teams.sql`"),
        "{}",
        found[0].1
    );
    assert_eq!(found[1].0, "migrations/20241301000000_add_email.sql");
    assert!(
        diagnostics(&document)[1]["message"]
            .as_str()
            .unwrap()
            .contains("month 13")
    );
    assert_eq!(found[2].0, "migrations/notes.sql");

    // An inline suppression before the first statement silences a file finding.
    scratch.write(
        "migrations/notes.sql",
        "-- schema-lint: ignore migration-filename -- kept for reference\nSELECT 1;\n",
    );
    let (_, document) = lint_json(
        scratch.path(),
        &["--select", "migration-filename", "migrations"],
    );
    assert_eq!(diagnostics(&document).len(), 2, "{document:#}");
}

#[test]
fn diesel_folders_with_spaces_are_findings_once() {
    let scratch = Scratch::new();
    scratch.write(
        "migrations/2019-11-15-182353_Add email notifications/up.sql",
        "ALTER TABLE crate_owners ADD COLUMN email_notifications BOOLEAN NOT NULL DEFAULT TRUE;\n",
    );
    scratch.write(
        "migrations/2019-11-15-182353_Add email notifications/down.sql",
        "ALTER TABLE crate_owners DROP COLUMN email_notifications;\n",
    );
    scratch.write(
        "migrations/2026-05-11-183755-0000_use_pgcrypto/up.sql",
        "SELECT 1;\n",
    );
    scratch.write(
        "migrations/00000000000000_diesel_initial_setup/up.sql",
        "SELECT 1;\n",
    );
    let (_, document) = lint_json(
        scratch.path(),
        &["--select", "migration-filename", "migrations"],
    );
    let found = diagnostics(&document);
    assert_eq!(found.len(), 1, "{document:#}");
    assert_eq!(
        found[0]["path"],
        "migrations/2019-11-15-182353_Add email notifications/up.sql"
    );
    assert!(
        found[0]["help"]
            .as_str()
            .unwrap()
            .contains("`2019-11-15-182353_add_email_notifications`")
    );
}

#[test]
fn extensions_outside_the_allowlist() {
    let scratch = Scratch::new();
    scratch.write(
        "migrations/20240101000000_enable_extensions.sql",
        "CREATE EXTENSION pg_trgm;\nCREATE EXTENSION IF NOT EXISTS vector;\nCREATE EXTENSION IF NOT EXISTS \"uuid-ossp\";\n",
    );
    let (code, document) = lint_json(
        scratch.path(),
        &["--select", "extension-allowlist", "migrations"],
    );
    assert_eq!(code, 1);
    assert_eq!(
        positions(&document),
        [
            ("extension-allowlist".to_string(), 1, 18),
            ("extension-allowlist".to_string(), 3, 32),
        ]
    );
    let first = &diagnostics(&document)[0];
    assert_eq!(
        (&first["end_line"], &first["end_column"]),
        (&1.into(), &25.into())
    );
    assert!(first["message"].as_str().unwrap().contains("`pg_trgm`"));
    assert!(first["object"].is_null());
    let quoted = &diagnostics(&document)[1];
    assert_eq!(quoted["end_column"], 43);
    assert!(quoted["message"].as_str().unwrap().contains("`uuid-ossp`"));

    // Allowing them silences them.
    scratch.write(
        "schema-lint.toml",
        "[rules.extension-allowlist]\nallow = [\"vector\", \"pg_trgm\", \"uuid-ossp\"]\n",
    );
    let (code, document) = lint_json(
        scratch.path(),
        &["--select", "extension-allowlist", "migrations"],
    );
    assert_eq!(code, 0, "{document:#}");
    assert!(diagnostics(&document).is_empty());
}

#[test]
fn views_selecting_star() {
    let scratch = Scratch::new();
    scratch.write(
        "migrations/20240101000000_create_views.sql",
        "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, email TEXT NOT NULL);\n\
         CREATE VIEW active_users AS SELECT * FROM users;\n\
         CREATE VIEW user_count AS SELECT count(*) AS n FROM users u WHERE EXISTS (SELECT * FROM users v WHERE v.id = u.id);\n\
         CREATE MATERIALIZED VIEW user_pairs AS\n  SELECT a.*, b.id FROM users a, (SELECT * FROM users) b;\n",
    );
    let (code, document) = lint_json(
        scratch.path(),
        &["--select", "no-select-star", "migrations"],
    );
    // Warnings do not fail the run by default.
    assert_eq!(code, 0);
    assert_eq!(
        positions(&document),
        [
            ("no-select-star".to_string(), 2, 36),
            ("no-select-star".to_string(), 5, 12),
        ]
    );
    let view = &diagnostics(&document)[0];
    assert_eq!(view["severity"], "warning");
    assert_eq!(
        (&view["end_line"], &view["end_column"]),
        (&2.into(), &37.into())
    );
    assert_eq!(view["object"]["table"], "active_users");
    assert!(view["message"].as_str().unwrap().contains("`active_users`"));
    // One finding per view: the second `*` of user_pairs is related.
    let pairs = &diagnostics(&document)[1];
    assert!(pairs["message"].as_str().unwrap().contains("2 wildcards"));
    let related = pairs["related"].as_array().expect("related");
    assert_eq!(related.len(), 1);
    assert_eq!(
        (&related[0]["line"], &related[0]["column"]),
        (&5.into(), &42.into())
    );
}

#[test]
fn forward_only_is_off_unless_selected() {
    let scratch = Scratch::new();
    scratch.write(
        "migrations/00001_create_users.sql",
        "-- +goose Up\nCREATE TABLE users (id BIGSERIAL PRIMARY KEY);\n\n-- +goose Down\nDROP TABLE users;\n",
    );
    let (_, document) = lint_json(scratch.path(), &["migrations"]);
    assert!(
        !diagnostics(&document)
            .iter()
            .any(|d| d["rule"] == "forward-only"),
        "{document:#}"
    );
    let (code, document) = lint_json(scratch.path(), &["--select", "forward-only", "migrations"]);
    assert_eq!(code, 0);
    assert_eq!(positions(&document), [("forward-only".to_string(), 4, 1)]);
    // The marker comment, without its line break.
    let finding = &diagnostics(&document)[0];
    assert_eq!(
        (&finding["end_line"], &finding["end_column"]),
        (&4.into(), &15.into())
    );
    assert_eq!(finding["severity"], "warning");
}
