//! Against a real PostgreSQL: the example migrations apply cleanly, and the
//! schema model `schema-lint` replays agrees with the catalog PostgreSQL
//! builds from the same migrations.
//!
//! Each test starts a throwaway server (`initdb` + `pg_ctl` in a temporary
//! folder, listening only on a unix socket). Without server binaries the
//! tests skip with a printed reason, unless `SCHEMA_LINT_REQUIRE_POSTGRES=1`
//! (set by `.ci/run`), where a missing server is a failure.

mod common;

use std::collections::BTreeSet;

use common::postgres::{Server, assert_model_matches_postgres, up_files};

#[test]
fn example_migrations_apply_cleanly() {
    let Some(server) = Server::start() else {
        return;
    };
    server.create_database("example");
    let dir = common::repo().join("migrations");
    for file in up_files(&dir) {
        server.apply("example", &file);
    }
    let tables = server.rows(
        "example",
        "SELECT table_name FROM information_schema.tables WHERE table_schema = 'public' ORDER BY 1",
    );
    assert!(
        tables.contains("job_statuses") && tables.contains("segments"),
        "{tables:?}"
    );
    let seeded = server.rows("example", "SELECT count(*) FROM scene_statuses");
    assert_eq!(seeded, BTreeSet::from(["6".to_string()]));
}

#[test]
fn model_matches_postgres_on_the_example_migrations() {
    assert_model_matches_postgres(&common::repo().join("migrations"));
}

#[test]
fn model_matches_postgres_through_renames_drops_and_alters() {
    assert_model_matches_postgres(&common::repo().join("tests/data/replay"));
}

/// The parse-coverage contract, against the real server: valid PostgreSQL
/// of every group is never a `parse-error` (nor an unsupported statement),
/// and every statement PostgreSQL rejects with a syntax error (42601) is a
/// `parse-error`.
#[test]
fn parse_errors_are_what_postgres_rejects() {
    let Some(server) = Server::start() else {
        return;
    };
    let data = common::repo().join("tests/data/parse");
    server.create_database("valid");
    let valid = std::fs::read_to_string(data.join("valid.sql")).expect("valid.sql");
    let codes = server.error_codes("valid", &valid);
    assert!(
        !codes.iter().any(|c| c == "42601"),
        "PostgreSQL found a syntax error in valid.sql: {codes:?}"
    );
    // The only error is the label provider that is not loaded.
    assert_eq!(
        codes,
        ["22023"],
        "valid.sql should apply but for SECURITY LABEL"
    );

    server.create_database("invalid");
    let invalid = std::fs::read_to_string(data.join("invalid.sql")).expect("invalid.sql");
    let cases: Vec<&str> = invalid
        .split("\n\n")
        .filter(|case| case.contains("expect:"))
        .collect();
    assert!(cases.len() >= 10, "{} cases", cases.len());
    for case in &cases {
        assert_eq!(
            server.error_codes("invalid", case),
            ["42601"],
            "PostgreSQL should reject with a syntax error:\n{case}"
        );
    }

    let cli = schema_lint::config::CommandLine {
        select: Some(vec!["parse-error".into(), "unsupported-statement".into()]),
        ..Default::default()
    };
    let settings = schema_lint::config::load(None, &cli).expect("settings");
    // Each file as a one-file migration set: exactly its annotated
    // findings (none for the valid files, one per case for the others).
    for file in ["valid.sql", "valid_pg18.sql", "invalid.sql"] {
        let scratch = common::Scratch::new();
        let set = scratch.path().join("migrations");
        std::fs::create_dir_all(&set).unwrap();
        std::fs::copy(data.join(file), set.join(format!("0001_{file}"))).unwrap();
        let outcome = schema_lint::lint::lint(std::slice::from_ref(&set), &settings);
        let found =
            common::expect::check(&set, &outcome).unwrap_or_else(|e| panic!("{file}:\n{e}"));
        let wanted = if file == "invalid.sql" {
            cases.len()
        } else {
            0
        };
        assert_eq!(found, wanted, "{file}");
    }
}
