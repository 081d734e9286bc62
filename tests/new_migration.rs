//! `schema-lint new`: for every layout, the next migration is named and
//! numbered as its tool does it, comes last in the plan, and adds no
//! finding; its SQL follows the active config and applies on PostgreSQL.

mod common;

use std::collections::BTreeSet;
use std::fs;
use std::path::Path;

use common::postgres::{Server, assert_model_matches_postgres, up_files};
use common::{Scratch, lint_json, repo, schema_lint};

/// The clock of every test; the layout fixtures' newest migrations are
/// older.
const NOW: &str = "--now=2026-04-01T10:00:00Z";
const EARLIER: &str = "--now=2026-04-01T09:00:00Z";

/// A copy of `tests/data/layouts/<name>` in a scratch folder.
fn fixture(name: &str) -> Scratch {
    let scratch = Scratch::new();
    let from = repo().join("tests/data/layouts").join(name);
    for entry in walkdir::WalkDir::new(&from) {
        let entry = entry.expect("walk");
        let relative = entry.path().strip_prefix(&from).expect("below");
        let to = scratch.path().join(relative);
        if entry.file_type().is_dir() {
            fs::create_dir_all(&to).expect("mkdir");
        } else {
            fs::copy(entry.path(), &to).expect("copy");
        }
    }
    scratch
}

/// Runs `schema-lint new`, which must succeed; the paths it printed.
fn new(dir: &Path, args: &[&str]) -> Vec<String> {
    let output = schema_lint(dir)
        .arg("new")
        .args(args)
        .env("SQITCH_FULLNAME", "Ada Lovelace")
        .env("SQITCH_EMAIL", "ada@example.org")
        .output()
        .expect("run");
    assert!(
        output.status.success(),
        "schema-lint new {args:?} failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    String::from_utf8_lossy(&output.stdout)
        .lines()
        .map(str::to_string)
        .collect()
}

/// Runs `schema-lint new`, which must fail; its stderr.
fn new_fails(dir: &Path, args: &[&str]) -> String {
    let output = schema_lint(dir)
        .arg("new")
        .args(args)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "{args:?} should fail");
    assert!(output.stdout.is_empty(), "nothing is written or printed");
    String::from_utf8_lossy(&output.stderr).into_owned()
}

/// Every finding of every rule, without positions (an appended changeset
/// moves none, but a finding is the same finding wherever it is).
fn findings(dir: &Path, set: &str) -> BTreeSet<(String, String, String)> {
    let (_, document) = lint_json(dir, &["--select", "all", set]);
    document["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap_or("").to_string(),
                d["rule"].as_str().unwrap_or("").to_string(),
                d["message"].as_str().unwrap_or("").to_string(),
            )
        })
        .collect()
}

/// The set's up files in the order its tool applies them (repeatable
/// Flyway migrations, applied after every versioned one, left out).
fn up_order(dir: &Path, set: &str) -> Vec<String> {
    let output = schema_lint(dir)
        .args(["sets", "--format", "json", set])
        .output()
        .expect("run");
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let sets = document["sets"].as_array().expect("sets");
    assert_eq!(sets.len(), 1, "one set in {set}");
    sets[0]["files"]
        .as_array()
        .expect("files")
        .iter()
        .filter(|f| matches!(f["direction"].as_str(), Some("up" | "up+down")))
        .map(|f| f["path"].as_str().unwrap_or("").to_string())
        .collect()
}

/// One layout fixture: the set's folder, a table its migrations create,
/// and the files `new create_loans --table loans` writes (the up file
/// first, plan files last).
struct Case {
    fixture: &'static str,
    set: &'static str,
    references: &'static str,
    files: &'static [&'static str],
}

const CASES: [Case; 19] = [
    Case {
        fixture: "sqlx",
        set: "migrations",
        references: "authors",
        files: &["migrations/20260401100000_create_loans.sql"],
    },
    Case {
        fixture: "sqlx-reversible",
        set: "migrations",
        references: "authors",
        files: &[
            "migrations/20260401100000_create_loans.up.sql",
            "migrations/20260401100000_create_loans.down.sql",
        ],
    },
    Case {
        fixture: "diesel",
        set: "migrations",
        references: "authors",
        files: &[
            "migrations/2026-04-01-100000_create_loans/up.sql",
            "migrations/2026-04-01-100000_create_loans/down.sql",
        ],
    },
    Case {
        fixture: "golang-migrate",
        set: "migrations",
        references: "authors",
        files: &[
            "migrations/12_create_loans.up.sql",
            "migrations/12_create_loans.down.sql",
        ],
    },
    Case {
        fixture: "flyway",
        set: "migrations",
        references: "authors",
        files: &[
            "migrations/V12__create_loans.sql",
            "migrations/U12__create_loans.sql",
        ],
    },
    Case {
        fixture: "refinery",
        set: "migrations",
        references: "authors",
        files: &["migrations/V12__create_loans.sql"],
    },
    Case {
        fixture: "dbmate",
        set: "db/migrations",
        references: "authors",
        files: &["db/migrations/20260401100000_create_loans.sql"],
    },
    Case {
        fixture: "goose",
        set: "migrations",
        references: "authors",
        files: &["migrations/12_create_loans.sql"],
    },
    Case {
        fixture: "numbered",
        set: "migrations",
        references: "authors",
        files: &["migrations/12_create_loans.sql"],
    },
    Case {
        fixture: "prisma",
        set: "prisma/migrations",
        references: "authors",
        files: &["prisma/migrations/20260401100000_create_loans/migration.sql"],
    },
    Case {
        fixture: "hasura",
        set: "hasura/migrations/default",
        references: "authors",
        files: &[
            "hasura/migrations/default/1775037600000_create_loans/up.sql",
            "hasura/migrations/default/1775037600000_create_loans/down.sql",
        ],
    },
    Case {
        fixture: "hasura-two-dbs",
        set: "hasura/migrations/default",
        references: "events",
        files: &[
            "hasura/migrations/default/1775037600000_create_loans/up.sql",
            "hasura/migrations/default/1775037600000_create_loans/down.sql",
        ],
    },
    Case {
        fixture: "numbered-folders",
        set: "migrations/frontend",
        references: "authors",
        files: &[
            "migrations/frontend/12/up.sql",
            "migrations/frontend/12/down.sql",
            "migrations/frontend/12/metadata.yaml",
        ],
    },
    Case {
        fixture: "tern",
        set: "migrations",
        references: "authors",
        files: &["migrations/12_create_loans.sql"],
    },
    Case {
        fixture: "drizzle",
        set: "drizzle",
        references: "authors",
        files: &["drizzle/create_loans.sql", "drizzle/meta/_journal.json"],
    },
    Case {
        fixture: "sqitch",
        set: "db",
        references: "authors",
        files: &[
            "db/deploy/create_loans.sql",
            "db/revert/create_loans.sql",
            "db/verify/create_loans.sql",
            "db/sqitch.plan",
        ],
    },
    Case {
        fixture: "liquibase",
        set: "db/changelog",
        references: "authors",
        files: &["db/changelog/changelog.sql"],
    },
    Case {
        fixture: "atlas",
        set: "migrations",
        references: "authors",
        files: &[
            "migrations/20260401100000_create_loans.sql",
            "migrations/atlas.sum",
        ],
    },
    Case {
        fixture: "supabase",
        set: "supabase/migrations",
        references: "authors",
        files: &["supabase/migrations/20260401100000_create_loans.sql"],
    },
];

/// For every layout: a lookup table, a table referencing it and a
/// table of the set, and an empty migration, each one last in the plan,
/// none adding a finding (the empty one only says it is empty).
#[test]
fn every_layout_gets_its_next_migration() {
    for case in &CASES {
        let scratch = fixture(case.fixture);
        let dir = scratch.path();
        let before = findings(dir, case.set);

        let lookup = new(
            dir,
            &[
                "create_loan_statuses",
                "--set",
                case.set,
                "--table",
                "loan_statuses",
                EARLIER,
            ],
        );
        assert_last(dir, case, &lookup);
        let written = new(
            dir,
            &[
                "Create loans",
                "--set",
                case.set,
                "--table",
                "loans",
                "--references",
                case.references,
                "--status",
                "loan",
                NOW,
            ],
        );
        assert_eq!(written, case.files, "{}", case.fixture);
        assert_last(dir, case, &written);
        let after = findings(dir, case.set);
        let added: Vec<_> = after.difference(&before).collect();
        assert!(
            added.is_empty(),
            "{}: new findings {added:#?}",
            case.fixture
        );

        let empty = new(dir, &["add notes", "--set", case.set, NOW]);
        assert_last(dir, case, &empty);
        let after_empty = findings(dir, case.set);
        for (path, rule, message) in after_empty.difference(&after) {
            assert!(
                rule == "migration-layout" && message.starts_with("empty") && *path == empty[0],
                "{}: only the empty migration's own warning is new: {path} {rule} {message}",
                case.fixture
            );
        }
    }
}

/// The new up file (the first printed) is the set's last up migration.
fn assert_last(dir: &Path, case: &Case, written: &[String]) {
    let order = up_order(dir, case.set);
    assert_eq!(
        order.last(),
        written.first(),
        "{}: the new migration is applied last: {order:#?}",
        case.fixture
    );
}

#[test]
fn the_plan_files_follow() {
    let scratch = fixture("sqitch");
    new(
        scratch.path(),
        &[
            "create_loans",
            "--set",
            "db",
            "--table",
            "loans",
            "--references",
            "authors,books",
            NOW,
        ],
    );
    let plan = fs::read_to_string(scratch.path().join("db/sqitch.plan")).expect("plan");
    assert!(
        plan.ends_with("\ncreate_loans [authors books] 2026-04-01T10:00:00Z Ada Lovelace <ada@example.org> # Create loans.\n"),
        "{plan}"
    );
    let verify =
        fs::read_to_string(scratch.path().join("db/verify/create_loans.sql")).expect("verify");
    assert!(
        verify.contains(
            "SELECT id, author_id, book_id, created_at, updated_at FROM loans WHERE FALSE;"
        )
    );
    assert!(verify.starts_with("-- Verify bookshelf:create_loans on pg\n"));

    let scratch = fixture("drizzle");
    new(
        scratch.path(),
        &["create_loans", "--set", "drizzle", "--table", "loans", NOW],
    );
    let journal =
        fs::read_to_string(scratch.path().join("drizzle/meta/_journal.json")).expect("journal");
    assert!(
        journal.contains("    },\n    {\n      \"idx\": 4,\n      \"version\": \"7\",\n      \"when\": 1775037600000,\n      \"tag\": \"create_loans\",\n      \"breakpoints\": true\n    }\n  ]\n}"),
        "{journal}"
    );
    let sql = fs::read_to_string(scratch.path().join("drizzle/create_loans.sql")).expect("sql");
    assert_eq!(
        sql.matches("--> statement-breakpoint\n").count(),
        1,
        "{sql}"
    );

    let scratch = fixture("liquibase");
    new(
        scratch.path(),
        &[
            "create_loans",
            "--set",
            "db/changelog",
            "--table",
            "loans",
            NOW,
        ],
    );
    let changelog =
        fs::read_to_string(scratch.path().join("db/changelog/changelog.sql")).expect("changelog");
    let original =
        fs::read_to_string(repo().join("tests/data/layouts/liquibase/db/changelog/changelog.sql"))
            .expect("original");
    let added = changelog.strip_prefix(&original).expect("only appended");
    assert!(
        added.starts_with("\n--changeset ada:8\n--comment: Create loans.\nCREATE TABLE loans ("),
        "{added}"
    );
    assert!(
        added.ends_with(";\n--rollback DROP TABLE loans;\n"),
        "{added}"
    );
}

/// `atlas.sum` is extended as `atlas migrate hash` would write it (the
/// fixture's sum was written by Atlas), and refused when it is stale.
#[test]
fn atlas_sums_are_kept() {
    let scratch = fixture("atlas");
    let sum_path = scratch.path().join("migrations/atlas.sum");
    let original = fs::read_to_string(&sum_path).expect("sum");
    new(
        scratch.path(),
        &["create_loans", "--set", "migrations", NOW],
    );
    let sum = fs::read_to_string(&sum_path).expect("sum");
    let old_lines: Vec<&str> = original.lines().skip(1).collect();
    let new_lines: Vec<&str> = sum.lines().skip(1).collect();
    assert_eq!(&new_lines[..old_lines.len()], old_lines.as_slice());
    assert!(new_lines[old_lines.len()].starts_with("20260401100000_create_loans.sql h1:"));
    assert_ne!(sum.lines().next(), original.lines().next());

    scratch.write(
        "migrations/20240110090000_create_authors.sql",
        "-- edited\n",
    );
    let error = new_fails(scratch.path(), &["more", "--set", "migrations", NOW]);
    assert!(error.contains("`atlas.sum` does not match"), "{error}");
    assert!(error.contains("atlas migrate hash"), "{error}");
}

/// graphile-migrate: the new migration is its work in progress,
/// `current.sql`, which `graphile-migrate commit` numbers and hashes; a
/// `current.sql` with work in it is never replaced.
#[test]
fn graphile_migrate_writes_current_sql() {
    let scratch = fixture("graphile-migrate");
    let dir = scratch.path();
    let current = dir.join("migrations/current.sql");
    let work = fs::read_to_string(&current).expect("current");
    let error = new_fails(
        dir,
        &[
            "create_loans",
            "--set",
            "migrations",
            "--table",
            "loans",
            NOW,
        ],
    );
    assert!(error.contains("holds work in progress"), "{error}");
    assert_eq!(fs::read_to_string(&current).expect("current"), work);

    fs::write(&current, "-- Enter migration here\n").expect("write");
    let before = findings(dir, "migrations");
    let output = schema_lint(dir)
        .args([
            "new",
            "create loans",
            "--set",
            "migrations",
            "--table",
            "loans",
        ])
        .args(["--references", "authors", NOW])
        .output()
        .expect("run");
    assert!(output.status.success());
    assert_eq!(
        String::from_utf8_lossy(&output.stdout),
        "migrations/current.sql\n"
    );
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`graphile-migrate commit --message \"create loans\"` commits it as `committed/000005-create-loans.sql`"),
        "{stderr}"
    );
    // What `graphile-migrate commit` would make of it lints clean.
    let sql = fs::read_to_string(&current).expect("current");
    assert!(sql.starts_with("CREATE TABLE loans ("), "{sql}");
    scratch.write(
        "migrations/committed/000005-create-loans.sql",
        format!("--! Previous: sha1:0380c2928b1552e3b498fa0816137b9a0dc6a4e1\n--! Hash: sha1:0\n--! Message: create loans\n\n{sql}"),
    );
    let added: Vec<_> = findings(dir, "migrations")
        .difference(&before)
        .cloned()
        .collect();
    assert!(added.is_empty(), "{added:#?}");
}

#[test]
fn never_overwrites_and_dry_runs_write_nothing() {
    let scratch = fixture("sqitch");
    let dir = scratch.path();
    scratch.write("db/verify/create_loans.sql", "-- mine\n");
    let plan = fs::read_to_string(dir.join("db/sqitch.plan")).expect("plan");
    let error = new_fails(dir, &["create_loans", "--set", "db", NOW]);
    assert!(
        error.contains("db/verify/create_loans.sql already exists"),
        "{error}"
    );
    assert!(!dir.join("db/deploy/create_loans.sql").exists());
    assert_eq!(
        fs::read_to_string(dir.join("db/sqitch.plan")).expect("plan"),
        plan
    );

    let scratch = fixture("sqlx");
    let output = schema_lint(scratch.path())
        .args([
            "new",
            "create_loans",
            "--set",
            "migrations",
            "--table",
            "loans",
            "--dry-run",
            NOW,
        ])
        .output()
        .expect("run");
    assert!(output.status.success());
    let printed = String::from_utf8_lossy(&output.stdout);
    assert!(
        printed.starts_with(
            "==> migrations/20260401100000_create_loans.sql <==\nCREATE TABLE loans ("
        ),
        "{printed}"
    );
    assert!(
        !scratch
            .path()
            .join("migrations/20260401100000_create_loans.sql")
            .exists()
    );
}

#[test]
fn names_sets_and_tables_are_checked() {
    let scratch = fixture("hasura-two-dbs");
    let error = new_fails(scratch.path(), &["x", "--set", "hasura", NOW]);
    assert!(
        error.contains("holds 2 migration sets; name one with --set"),
        "{error}"
    );
    assert!(
        error.contains("hasura/migrations/analytics (hasura)"),
        "{error}"
    );

    let scratch = fixture("sqlx");
    let dir = scratch.path();
    let set = ["--set", "migrations", NOW];
    let error = new_fails(
        dir,
        &[
            &["x", "--table", "loans", "--references", "lenders"][..],
            &set,
        ]
        .concat(),
    );
    assert!(
        error.contains("the migration set creates no table `lenders`"),
        "{error}"
    );
    let error = new_fails(
        dir,
        &[&["x", "--table", "loans", "--status", "loan"][..], &set].concat(),
    );
    assert!(error.contains("no lookup table `loan_statuses`"), "{error}");
    assert!(
        error.contains("schema-lint new create_loan_statuses --table loan_statuses"),
        "{error}"
    );
    let error = new_fails(dir, &[&["x", "--table", "authors"][..], &set].concat());
    assert!(error.contains("table `authors` already exists"), "{error}");
    let error = new_fails(dir, &[&["!!!"][..], &set].concat());
    assert!(error.contains("no letters or digits"), "{error}");

    let written = new(dir, &[&["Add User-Emails!"][..], &set].concat());
    assert_eq!(written, ["migrations/20260401100000_add_user_emails.sql"]);
    // A clock behind the newest migration still numbers after it.
    let written = new(
        dir,
        &[&["later"][..], &set[..2], &["--now=2020-01-01T00:00:00Z"]].concat(),
    );
    assert_eq!(written, ["migrations/20260401100001_later.sql"]);
}

/// A config with other names: the SQL follows it, and lints clean under it.
#[test]
fn the_sql_follows_the_active_config() {
    let scratch = Scratch::new();
    let dir = scratch.path();
    scratch.write(
        "schema-lint.toml",
        r#"
[rules]
lookup-suffix = "_states"
[rules.index-naming]
template = "{table}_{columns}_idx"
[rules.unique-naming]
template = "{table}_{columns}_key"
[rules.updated-at-trigger]
function = "touch_updated_at"
[rules.migration-filename]
name-case = "kebab-case"
"#,
    );
    scratch.write(
        "migrations/20240101000000_init.sql",
        "CREATE FUNCTION touch_updated_at() RETURNS trigger LANGUAGE plpgsql AS $$\nBEGIN\n    NEW.updated_at = now();\n    RETURN NEW;\nEND;\n$$;\n\nCREATE TABLE users (\n    id BIGSERIAL PRIMARY KEY,\n    created_at TIMESTAMPTZ NOT NULL DEFAULT now(),\n    updated_at TIMESTAMPTZ NOT NULL DEFAULT now()\n);\n\nCREATE TRIGGER set_updated_at BEFORE UPDATE ON users\n    FOR EACH ROW EXECUTE FUNCTION touch_updated_at();\n",
    );
    new(
        dir,
        &["create order states", "--table", "order_states", EARLIER],
    );
    let written = new(
        dir,
        &[
            "create orders",
            "--table",
            "orders",
            "--references",
            "users",
            "--status",
            "order",
            NOW,
        ],
    );
    assert_eq!(written, ["migrations/20260401100000_create-orders.sql"]);
    let sql = fs::read_to_string(dir.join(&written[0])).expect("sql");
    for expected in [
        "    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE ON UPDATE CASCADE,\n",
        "    state_id BIGINT NOT NULL REFERENCES order_states (id) ON DELETE RESTRICT ON UPDATE CASCADE,\n",
        "CREATE INDEX orders_user_id_idx ON orders (user_id);\n",
        "CREATE INDEX orders_state_id_idx ON orders (state_id);\n",
        "FOR EACH ROW EXECUTE FUNCTION touch_updated_at();\n",
    ] {
        assert!(sql.contains(expected), "{expected}\nnot in\n{sql}");
    }
    let lookup = fs::read_to_string(dir.join("migrations/20260401090000_create-order-states.sql"))
        .expect("lookup");
    assert!(
        lookup.contains("    CONSTRAINT order_states_name_key UNIQUE (name)\n"),
        "{lookup}"
    );
    let (code, document) = lint_json(dir, &["--select", "all", "migrations"]);
    assert_eq!(code, 0);
    assert_eq!(document["diagnostics"], serde_json::json!([]));
}

/// The example set plus new tables (a lookup table, a table with
/// references, a status and a parent link, and a table referencing it)
/// lints clean, applies on PostgreSQL, and PostgreSQL builds the schema
/// `schema-lint` replays; the down migrations apply too.
#[test]
fn new_tables_apply_on_postgres_after_the_example_set() {
    let scratch = Scratch::new();
    let dir = scratch.path();
    for file in up_files(&repo().join("migrations")) {
        let name = file.file_name().expect("name");
        fs::create_dir_all(dir.join("migrations")).expect("mkdir");
        fs::copy(&file, dir.join("migrations").join(name)).expect("copy");
    }
    new(
        dir,
        &[
            "create invoice statuses",
            "--table",
            "invoice_statuses",
            EARLIER,
        ],
    );
    new(
        dir,
        &[
            "create invoices",
            "--table",
            "invoices",
            "--references",
            "projects,jobs,invoices",
            "--status",
            "invoice",
            NOW,
        ],
    );
    new(
        dir,
        &[
            "create invoice lines",
            "--table",
            "invoice_lines",
            "--references",
            "invoices,scene_statuses",
            NOW,
        ],
    );
    let (code, document) = lint_json(dir, &["--select", "all", "migrations"]);
    assert_eq!(code, 0);
    assert_eq!(document["diagnostics"], serde_json::json!([]));

    let migrations = dir.join("migrations");
    assert_model_matches_postgres(&migrations);
    let Some(server) = Server::start() else {
        return;
    };
    server.create_database("new_tables");
    for file in up_files(&migrations) {
        server.apply("new_tables", &file);
    }
    let keys = server.rows(
        "new_tables",
        "SELECT conrelid::regclass || '|' || confrelid::regclass || '|' || confdeltype::text || confupdtype::text \
         FROM pg_constraint WHERE contype = 'f' AND conrelid::regclass::text LIKE 'invoice%'",
    );
    assert_eq!(
        keys,
        BTreeSet::from(
            [
                "invoices|projects|cc",
                "invoices|jobs|cc",
                "invoices|invoices|nc",
                "invoices|invoice_statuses|rc",
                "invoice_lines|invoices|cc",
                "invoice_lines|scene_statuses|rc",
            ]
            .map(String::from)
        )
    );
    // The triggers run the example set's function.
    server.psql(
        "new_tables",
        &["-c", "INSERT INTO invoice_statuses (name) VALUES ('open'); UPDATE invoice_statuses SET description = 'x';"],
    );
    // The down migration (a sqlx set has none, so as `new` writes it).
    for table in ["invoice_lines", "invoices", "invoice_statuses"] {
        server.psql("new_tables", &["-c", &format!("DROP TABLE {table};")]);
    }
}
