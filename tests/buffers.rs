//! Files given as text (an editor's unsaved buffer, stdin) are linted in
//! place of the disk, with the rest of their set read from disk as context.

mod common;

use std::path::PathBuf;

use common::Scratch;
use schema_lint::config::{self, CommandLine};
use schema_lint::lint::lint_buffers;
use schema_lint::load::Buffers;

fn settings() -> config::Settings {
    let cli = CommandLine {
        select: Some(vec!["prefer-text".into(), "foreign-key-index".into()]),
        ..CommandLine::default()
    };
    config::load(None, &cli).expect("settings")
}

#[test]
fn a_buffer_replaces_the_file_and_the_set_gives_context() {
    let s = Scratch::new();
    s.write(
        "m/0001_users.sql",
        "CREATE TABLE users (id BIGINT PRIMARY KEY, n VARCHAR(3));\n",
    );
    s.write(
        "m/0002_orders.sql",
        "CREATE TABLE orders (id BIGINT PRIMARY KEY);\n",
    );
    s.write(
        "m/0003_fix.sql",
        "ALTER TABLE users ALTER COLUMN n TYPE TEXT;\n",
    );
    let edited = s.path().join("m/0002_orders.sql");
    let buffers = Buffers::from([(
        edited.clone(),
        "CREATE TABLE orders (id BIGINT PRIMARY KEY, user_id BIGINT REFERENCES users (id), note VARCHAR(9));\n".to_string(),
    )]);
    let outcome = lint_buffers(&[edited], &settings(), &buffers);
    let found: Vec<(String, &str)> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            (
                outcome
                    .project
                    .file(d.file)
                    .source
                    .slice(&d.span)
                    .to_string(),
                d.rule.name(),
            )
        })
        .collect();
    // The buffer's text is linted; users.n (fixed by 0003 on disk) is not
    // reported, and only the named file is.
    assert_eq!(
        found,
        [
            ("user_id".to_string(), "foreign-key-index"),
            ("VARCHAR(9)".to_string(), "prefer-text")
        ]
    );
}

#[test]
fn a_buffer_need_not_exist_on_disk() {
    let s = Scratch::new();
    s.write(
        "m/0001_users.sql",
        "CREATE TABLE users (id BIGINT PRIMARY KEY);\n",
    );
    let new: PathBuf = s.path().join("m/0002_unsaved.sql");
    let buffers = Buffers::from([(
        new.clone(),
        "ALTER TABLE users ADD COLUMN n VARCHAR(3);\n".to_string(),
    )]);
    let outcome = lint_buffers(&[new], &settings(), &buffers);
    assert!(
        outcome.input_errors.is_empty(),
        "{:?}",
        outcome.input_errors
    );
    assert_eq!(outcome.diagnostics.len(), 1);
    assert_eq!(
        outcome.diagnostics[0].rule,
        schema_lint::rules::RuleId::PreferText
    );
    assert_eq!(outcome.project.sets[0].files.len(), 2);
}
