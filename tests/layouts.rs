//! Every layout: recognised from its file names, ordered by version, down
//! migrations parsed but never replayed.

mod common;

use std::path::Path;

use common::{Scratch, lint_json, positions};
use schema_lint::discover::{self, Layout};
use schema_lint::load::{self, Direction};

/// The set's layout, and its files (relative to `root`) in migration order.
fn order(root: &Path) -> (Layout, Vec<String>) {
    let discovery = discover::discover(&[root.to_path_buf()], &discover::Options::default());
    assert!(discovery.errors.is_empty(), "{:?}", discovery.errors);
    let (project, errors) = load::load(discovery, load::ReadOptions::default());
    assert!(errors.is_empty(), "{errors:?}");
    assert_eq!(project.sets.len(), 1, "one set expected");
    let set = &project.sets[0];
    let files = project
        .set_files(set)
        .map(|f| {
            f.source
                .path()
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/")
        })
        .collect();
    (set.layout, files)
}

/// `(file, direction)` of every statement, in migration order.
fn directions(root: &Path) -> Vec<(String, Direction)> {
    let discovery = discover::discover(&[root.to_path_buf()], &discover::Options::default());
    let (project, _) = load::load(discovery, load::ReadOptions::default());
    project
        .files
        .iter()
        .flat_map(|f| {
            let name = f
                .source
                .path()
                .file_name()
                .unwrap()
                .to_string_lossy()
                .into_owned();
            f.statements
                .iter()
                .map(move |s| (name.clone(), s.direction))
        })
        .collect()
}

const TABLE: &str = "CREATE TABLE t (id BIGINT);\n";

#[test]
fn sqlx_orders_by_timestamp_and_pairs_reversible_files() {
    let s = Scratch::new();
    s.write("m/20240102000000_second.up.sql", TABLE);
    s.write("m/20240102000000_second.down.sql", "DROP TABLE t;\n");
    s.write("m/20240101000000_first.sql", TABLE);
    let (_, files) = order(&s.path().join("m"));
    assert_eq!(
        files,
        [
            "20240101000000_first.sql",
            "20240102000000_second.up.sql",
            "20240102000000_second.down.sql"
        ]
    );
}

#[test]
fn plain_sqlx_and_numbered_layouts() {
    let s = Scratch::new();
    s.write("a/20240101000000_init.sql", TABLE);
    assert_eq!(order(&s.path().join("a")).0, Layout::Sqlx);
    s.write("b/10_ten.sql", TABLE);
    s.write("b/9_nine.sql", TABLE);
    s.write("b/0001_one.sql", TABLE);
    let (layout, files) = order(&s.path().join("b"));
    assert_eq!(layout, Layout::Numbered);
    assert_eq!(files, ["0001_one.sql", "9_nine.sql", "10_ten.sql"]);
}

#[test]
fn diesel_folders_with_dashes_and_spaces() {
    let s = Scratch::new();
    s.write("m/2019-11-15-182353_Add email notifications/up.sql", TABLE);
    s.write(
        "m/2019-11-15-182353_Add email notifications/down.sql",
        "DROP TABLE t;\n",
    );
    s.write("m/20140924113530_dumped_migration_1/up.sql", TABLE);
    s.write("m/00000000000000_diesel_initial_setup/up.sql", TABLE);
    s.write("m/00000000000000_diesel_initial_setup/down.sql", "");
    let (layout, files) = order(&s.path().join("m"));
    assert_eq!(layout, Layout::Diesel);
    assert_eq!(
        files,
        [
            "00000000000000_diesel_initial_setup/up.sql",
            "00000000000000_diesel_initial_setup/down.sql",
            "20140924113530_dumped_migration_1/up.sql",
            "2019-11-15-182353_Add email notifications/up.sql",
            "2019-11-15-182353_Add email notifications/down.sql",
        ]
    );
}

#[test]
fn golang_migrate_up_and_down() {
    let s = Scratch::new();
    s.write("m/00_init.up.sql", TABLE);
    s.write("m/00_init.down.sql", "DROP TABLE t;\n");
    s.write(
        "m/20210710035447_alter.up.sql",
        "ALTER TABLE t ADD COLUMN x TEXT;\n",
    );
    let (layout, files) = order(&s.path().join("m"));
    assert_eq!(layout, Layout::GolangMigrate);
    assert_eq!(
        files,
        [
            "00_init.up.sql",
            "00_init.down.sql",
            "20210710035447_alter.up.sql"
        ]
    );
    let found = directions(&s.path().join("m"));
    assert_eq!(found[1], ("00_init.down.sql".to_string(), Direction::Down));
}

#[test]
fn flyway_versions_repeatables_and_undo() {
    let s = Scratch::new();
    s.write("m/V1_10__ten.sql", TABLE);
    s.write("m/V1_2__two.sql", TABLE);
    s.write("m/V1_1__initial.sql", TABLE);
    s.write("m/R__views.sql", "CREATE VIEW v AS SELECT id FROM t;\n");
    s.write("m/U1_2__two.sql", "DROP TABLE t;\n");
    s.write("m/V17.1__dotted.sql", TABLE);
    let (layout, files) = order(&s.path().join("m"));
    assert_eq!(layout, Layout::Flyway);
    assert_eq!(
        files,
        [
            "V1_1__initial.sql",
            "V1_2__two.sql",
            "U1_2__two.sql",
            "V1_10__ten.sql",
            "V17.1__dotted.sql",
            "R__views.sql"
        ]
    );
}

#[test]
fn dbmate_and_goose_sections() {
    let s = Scratch::new();
    s.write(
        "dbmate/20240101000000_init.sql",
        "-- migrate:up\nCREATE TABLE t (id BIGINT);\n\n-- migrate:down\nDROP TABLE t;\n",
    );
    assert_eq!(order(&s.path().join("dbmate")).0, Layout::Dbmate);
    assert_eq!(
        directions(&s.path().join("dbmate")),
        [
            ("20240101000000_init.sql".to_string(), Direction::Up),
            ("20240101000000_init.sql".to_string(), Direction::Down)
        ]
    );
    s.write(
        "goose/20240101000000_init.sql",
        "-- +goose Up\n-- +goose StatementBegin\nCREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n-- +goose StatementEnd\nCREATE TABLE t (id BIGINT);\n-- +goose Down\nDROP TABLE t;\n",
    );
    assert_eq!(order(&s.path().join("goose")).0, Layout::Goose);
    let found: Vec<Direction> = directions(&s.path().join("goose"))
        .into_iter()
        .map(|(_, d)| d)
        .collect();
    assert_eq!(found, [Direction::Up, Direction::Up, Direction::Down]);
}

#[test]
fn unversioned_files_come_last_in_name_order() {
    let s = Scratch::new();
    s.write("m/seed.sql", TABLE);
    s.write("m/0002_b.sql", TABLE);
    s.write("m/0001_a.sql", TABLE);
    let (layout, files) = order(&s.path().join("m"));
    assert_eq!(layout, Layout::Numbered);
    assert_eq!(files, ["0001_a.sql", "0002_b.sql", "seed.sql"]);
}

/// The down migration drops the table and would hide the finding if it were
/// replayed; a parse error in it is still reported.
#[test]
fn down_migrations_are_never_replayed() {
    for (up, down) in [
        ("m/1_users.up.sql", "m/1_users.down.sql"),
        (
            "m/2024-01-01-000001_users/up.sql",
            "m/2024-01-01-000001_users/down.sql",
        ),
        ("m/V1__users.sql", "m/U1__users.sql"),
    ] {
        let s = Scratch::new();
        s.write(up, "CREATE TABLE users (name VARCHAR(10));\n");
        s.write(
            down,
            "ALTER TABLE users ALTER COLUMN name TYPE TEXT;\nDROP TABLE users\nDROP x;\n",
        );
        let (_, document) = lint_json(s.path(), &["--select", "prefer-text,parse-error", "m"]);
        assert_eq!(
            positions(&document),
            [
                ("prefer-text".to_string(), 1, 26),
                ("parse-error".to_string(), 3, 1)
            ],
            "{up}"
        );
    }
}

#[test]
fn goose_down_sections_are_not_replayed() {
    let s = Scratch::new();
    s.write(
        "m/20240101000000_init.sql",
        "-- +goose Up\nCREATE TABLE users (name VARCHAR(10));\n-- +goose Down\nALTER TABLE users ALTER COLUMN name TYPE TEXT;\n",
    );
    let (_, document) = lint_json(s.path(), &["--select", "prefer-text", "m"]);
    assert_eq!(positions(&document), [("prefer-text".to_string(), 2, 26)]);
}

#[test]
fn several_sets_under_one_folder_are_separate() {
    let s = Scratch::new();
    s.write(
        "services/a/migrations/0001_init.sql",
        "CREATE TABLE users (name TEXT);\n",
    );
    s.write(
        "services/b/migrations/0001_init.sql",
        "CREATE TABLE users (name VARCHAR(10));\n",
    );
    // b's VARCHAR is not fixed by a's TEXT: each set has its own schema.
    s.write(
        "services/a/migrations/0002_fix.sql",
        "ALTER TABLE users ALTER COLUMN name TYPE TEXT;\n",
    );
    let (_, document) = lint_json(s.path(), &["--select", "prefer-text", "services"]);
    assert_eq!(document["diagnostics"].as_array().unwrap().len(), 1);
    assert_eq!(
        document["diagnostics"][0]["path"],
        "services/b/migrations/0001_init.sql"
    );
    assert_eq!(document["files_checked"], 3);
}

#[test]
fn hidden_and_build_folders_are_skipped() {
    let s = Scratch::new();
    s.write("repo/migrations/0001_init.sql", TABLE);
    s.write("repo/.git/x/0001_a.sql", "CREATE TABLE a (n VARCHAR(1));\n");
    s.write(
        "repo/target/debug/0001_a.sql",
        "CREATE TABLE a (n VARCHAR(1));\n",
    );
    s.write(
        "repo/node_modules/pkg/0001_a.sql",
        "CREATE TABLE a (n VARCHAR(1));\n",
    );
    let (_, document) = lint_json(s.path(), &["--select", "prefer-text", "repo"]);
    assert_eq!(document["files_checked"], 1);
}

/// The plan `schema-lint sets --format json` prints, in the form of
/// `expected-plan.txt` (see tests/data/layouts/README.md).
fn plan_text(document: &serde_json::Value) -> String {
    let mut blocks = Vec::new();
    for set in document["sets"].as_array().expect("sets") {
        let mut lines = vec![
            format!("root: {}", set["root"].as_str().unwrap_or("")),
            format!("layout: {}", set["layout"].as_str().unwrap_or("")),
        ];
        for file in set["files"].as_array().expect("files") {
            lines.push(format!(
                "{} {}",
                file["direction"].as_str().unwrap_or(""),
                file["path"].as_str().unwrap_or("")
            ));
        }
        blocks.push(lines.join("\n"));
    }
    blocks.join("\n\n")
}

/// Every project under tests/data/layouts/: `schema-lint sets` shows the
/// plan its tool applies (expected-plan.txt), and linting it reports
/// exactly the findings annotated in its files: the set is replayed as one
/// (a later drop, type change and index are honoured), in the tool's
/// order, without its down parts.
#[test]
fn every_layout_fixture_has_its_plan_and_findings() {
    let base = common::repo().join("tests/data/layouts");
    let mut cases: Vec<std::path::PathBuf> = std::fs::read_dir(&base)
        .expect("tests/data/layouts")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    assert!(cases.len() >= 20, "{} cases", cases.len());
    let cli = schema_lint::config::CommandLine {
        select: Some(
            [
                "prefer-text",
                "foreign-key-index",
                "parse-error",
                "migration-layout",
            ]
            .map(String::from)
            .to_vec(),
        ),
        ..Default::default()
    };
    let settings = schema_lint::config::load(None, &cli).expect("settings");
    let mut failures = Vec::new();
    for case in &cases {
        let name = case.file_name().unwrap().to_string_lossy().into_owned();
        let output = common::schema_lint(&base)
            .args(["sets", "--format", "json", &name])
            .output()
            .expect("run");
        let document: serde_json::Value =
            serde_json::from_slice(&output.stdout).expect("sets --format json");
        let expected = std::fs::read_to_string(case.join("expected-plan.txt")).expect("plan");
        let actual = plan_text(&document);
        if actual.trim() != expected.trim() {
            failures.push(format!(
                "{name}: plan\n--- expected\n{}\n--- actual\n{actual}",
                expected.trim()
            ));
        }
        let outcome = schema_lint::lint::lint(std::slice::from_ref(case), &settings);
        if !outcome.input_errors.is_empty() {
            failures.push(format!("{name}: input errors {:?}", outcome.input_errors));
        }
        if let Err(problems) = common::expect::check(case, &outcome) {
            failures.push(format!("{name}: findings\n{problems}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn a_sets_entry_says_what_detection_cannot() {
    let s = Scratch::new();
    // Folders named by date, without a version the tools would recognise.
    s.write(
        "db/b_second/up.sql",
        "ALTER TABLE t ALTER COLUMN n TYPE TEXT;\n",
    );
    s.write("db/a_first/up.sql", "CREATE TABLE t (n VARCHAR(3));\n");
    s.write("db/a_first/notes.sql", "CREATE TABLE x (n VARCHAR(3));\n");
    s.write(
        "schema-lint.toml",
        "[[sets]]\nroot = \"db\"\nlayout = \"numbered-folders\"\norder = \"name\"\ninclude = [\"*/up.sql\"]\n",
    );
    let output = common::schema_lint(s.path())
        .args(["sets", "--format", "json", "db"])
        .output()
        .expect("run");
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(
        plan_text(&document),
        "root: db\nlayout: numbered-folders\nup db/a_first/up.sql\nup db/b_second/up.sql"
    );
    assert_eq!(document["sets"][0]["evidence"], "a `[[sets]]` entry");
    // One set: the later ALTER fixes the VARCHAR.
    let (_, report) = lint_json(s.path(), &["--select", "prefer-text", "db"]);
    assert_eq!(positions(&report), []);
}

#[test]
fn sets_entries_are_checked() {
    let s = Scratch::new();
    s.write("m/1_a.sql", TABLE);
    s.write(
        "schema-lint.toml",
        "[[sets]]\nroot = \"m\"\norder = \"random\"\n",
    );
    let output = common::schema_lint(s.path())
        .args(["sets", "m"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown order `random`"), "{stderr}");
    s.write(
        "schema-lint.toml",
        "[[sets]]\nroot = \"m\"\nlayout = \"flywey\"\n",
    );
    let output = common::schema_lint(s.path())
        .args(["m"])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("unknown layout `flywey`") && stderr.contains("numbered-folders"),
        "{stderr}"
    );
}

#[test]
fn the_plan_in_text() {
    let s = Scratch::new();
    s.write(
        "db/migrations/1_a.sql",
        "-- migrate:up\nCREATE TABLE t (id BIGINT);\n-- migrate:down\nDROP TABLE t;\n",
    );
    s.write(
        "db/migrations/2_b.sql",
        "-- migrate:up\nALTER TABLE t ADD COLUMN n TEXT;\n-- migrate:down\n",
    );
    s.write("db/schema.sql", "CREATE TABLE t (id BIGINT, n TEXT);\n");
    let output = common::schema_lint(s.path())
        .args(["sets", "db"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0));
    insta::assert_snapshot!(String::from_utf8_lossy(&output.stdout));
}

#[test]
fn a_prisma_set_for_another_database_is_said_and_not_linted() {
    let s = Scratch::new();
    s.write(
        "prisma/migrations/migration_lock.toml",
        "provider = \"mysql\"\n",
    );
    s.write(
        "prisma/migrations/20240101000000_init/migration.sql",
        "CREATE TABLE `t` (`n` VARCHAR(3));\n",
    );
    let (code, report) = lint_json(s.path(), &["prisma"]);
    assert_eq!(code, 0);
    assert_eq!(positions(&report), [("migration-layout".to_string(), 1, 1)]);
    assert_eq!(
        report["diagnostics"][0]["path"],
        "prisma/migrations/migration_lock.toml"
    );
}

#[test]
fn a_named_file_that_is_not_a_migration_is_said() {
    let s = Scratch::new();
    s.write("supabase/migrations/20240101000000_init.sql", TABLE);
    s.write("supabase/seed.sql", "INSERT INTO t VALUES (1);\n");
    let output = common::schema_lint(s.path())
        .args([
            "--select",
            "prefer-text",
            "supabase/seed.sql",
            "supabase/migrations/20240101000000_init.sql",
        ])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("note: supabase/seed.sql: not linted: Supabase seed data"),
        "{stderr}"
    );
    assert_eq!(output.status.code(), Some(0), "{stderr}");
}

#[test]
fn several_sets_end_the_report_with_one_line_each() {
    let s = Scratch::new();
    s.write("a/1_a.sql", TABLE);
    s.write("b/1_a.sql", TABLE);
    let output = common::schema_lint(s.path())
        .args(["--format", "concise", "--select", "prefer-text", "a", "b"])
        .output()
        .expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains(
            "set a: numbered, 1 file\nset b: numbered, 1 file\nno problems found in 2 files"
        ),
        "{stdout}"
    );
}
