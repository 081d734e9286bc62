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
