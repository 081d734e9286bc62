//! `schema-lint db` against a real PostgreSQL: the schema rules find on
//! the live catalog what they find in the migrations, `--compare` reports
//! drift and nothing else, a wrong password is exit 2 without the
//! password, and the session only reads.
//!
//! Each test starts a throwaway server (see `common::postgres`); without
//! server binaries they skip, unless `SCHEMA_LINT_REQUIRE_POSTGRES=1`.

mod common;

use std::collections::BTreeMap;
use std::path::Path;

use common::postgres::{Server, up_files};
use common::seeds::{seed_003, seed_004};
use common::{Scratch, outcome, repo, schema_lint};
use schema_lint::rules::{self, Target};
use serde_json::Value;

/// Applies the up migrations under `dir` to a new database `name`.
fn apply(server: &Server, name: &str, dir: &Path) {
    server.create_database(name);
    for file in up_files(dir) {
        server.apply(name, &file);
    }
}

/// Runs the binary in `dir`; returns the exit code, stdout and stderr.
fn run(dir: &Path, args: &[&str]) -> (i32, String, String) {
    outcome(schema_lint(dir).env_remove("DATABASE_URL").args(args))
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

/// Findings of schema rules as `rule object` → how many.
fn by_object(document: &Value) -> BTreeMap<String, usize> {
    let schema_rules: Vec<&str> = rules::registry()
        .filter(|r| r.target == Target::Schema)
        .map(|r| r.name)
        .collect();
    let mut out = BTreeMap::new();
    for d in document["diagnostics"].as_array().expect("diagnostics") {
        let rule = d["rule"].as_str().unwrap_or("");
        if schema_rules.contains(&rule) {
            *out.entry(format!("{rule} {}", d["object"])).or_insert(0) += 1;
        }
    }
    out
}

/// The same rules as the static run, on the database built from the same
/// migrations: the same findings by object; and no drift.
fn assert_same_findings(server: &Server, name: &str, cwd: &Path, migrations: &str) {
    apply(server, name, &cwd.join(migrations));
    let select = "all,table-comments";
    let (_, lint, _) = run(cwd, &["--format", "json", "--select", select, migrations]);
    let url = server.url(name);
    let (code, db, stderr) = run(
        cwd,
        &["db", "--url", &url, "--format", "json", "--select", select],
    );
    assert!(code == 0 || code == 1, "{name}: exit {code}: {stderr}");
    assert!(stderr.is_empty(), "{name}: {stderr}");
    let (lint, db) = (json(&lint), json(&db));
    let expected = by_object(&lint);
    assert!(!expected.is_empty(), "{name}: the static run found nothing");
    assert_eq!(by_object(&db), expected, "{name}: findings differ");
    assert_eq!(db["database"]["name"], name);
    for d in db["diagnostics"].as_array().unwrap() {
        assert!(d["path"].as_str().unwrap().starts_with("db:"), "{d}");
        assert!(
            d.get("line").is_none() && d.get("byte_start").is_none(),
            "{d}"
        );
    }

    let (code, out, stderr) = run(
        cwd,
        &[
            "db",
            "--url",
            &url,
            "--compare",
            "--format",
            "concise",
            migrations,
        ],
    );
    assert_eq!(code, 0, "{name}: drift where there is none:\n{out}{stderr}");
    assert!(out.contains("no problems found in database"), "{out}");
}

#[test]
fn db_finds_what_the_migrations_lint_finds() {
    let Some(server) = Server::start() else {
        return;
    };
    assert_same_findings(&server, "example", &repo(), "migrations");
    let seed = seed_003();
    assert_same_findings(&server, "seed003", seed.path(), "migrations");
    let seed = seed_004();
    assert_same_findings(&server, "seed004", seed.path(), "migrations");
    assert_same_findings(&server, "varied", &repo(), "tests/data/db/varied");
}

#[test]
fn compare_reports_a_column_added_and_an_index_dropped_by_hand() {
    let Some(server) = Server::start() else {
        return;
    };
    let seed = seed_003();
    apply(&server, "drift", &seed.path().join("migrations"));
    server.psql(
        "drift",
        &[
            "-c",
            "ALTER TABLE devices ADD COLUMN note VARCHAR(10)",
            "-c",
            "DROP INDEX idx_captures_status",
        ],
    );
    let url = server.url("drift");
    let (code, out, stderr) = run(
        seed.path(),
        &["db", "--url", &url, "--compare", "--format", "concise"],
    );
    assert_eq!(code, 1, "{out}{stderr}");
    insta::assert_snapshot!(out);

    let (_, out, _) = run(
        seed.path(),
        &["db", "--url", &url, "--compare", "--format", "json"],
    );
    let document = json(&out);
    let found = document["diagnostics"].as_array().unwrap();
    assert_eq!(found.len(), 2, "{out}");
    assert_eq!(
        found[0]["path"],
        "migrations/20251122000002_create_captures.sql"
    );
    assert_eq!(found[0]["line"], 15);
    assert_eq!(found[1]["path"], "db:public.devices.note");
    assert!(found[1].get("line").is_none());
    assert!(found.iter().all(|d| d["rule"] == "schema-drift"));
}

#[test]
fn a_wrong_password_is_exit_2_and_never_printed() {
    let Some(server) = Server::start() else {
        return;
    };
    server.create_database("app");
    server.add_password_user("app_user", "right-horse-battery");
    let scratch = Scratch::new();
    let url = server.url_as("app", "app_user", "wrong-staple-9271");
    for format in ["full", "json", "sarif"] {
        let (code, out, err) = run(scratch.path(), &["db", "--url", &url, "--format", format]);
        assert_eq!(code, 2, "{format}: {out}{err}");
        let all = format!("{out}{err}");
        assert!(!all.contains("wrong-staple-9271"), "{format}: {all}");
        assert!(
            err.contains("password authentication failed")
                && err.contains("database app")
                && err.contains("user app_user")
                && err.contains("port 5432"),
            "{err}"
        );
        if format == "json" {
            let document = json(&out);
            assert_eq!(document["errors"][0]["path"], "db", "{out}");
            assert_eq!(document["database"]["name"], Value::Null, "{out}");
        }
    }
    // DATABASE_URL is the default; the right password connects.
    let good = server.url_as("app", "app_user", "right-horse-battery");
    let output = schema_lint(scratch.path())
        .env("DATABASE_URL", &good)
        .args(["db"])
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(0), "{stdout}");
    assert!(
        stdout.contains("no problems found in database `app` (0 tables)"),
        "{stdout}"
    );
    assert!(!stdout.contains("right-horse-battery"));
}

#[test]
fn the_session_only_reads() {
    let Some(server) = Server::start() else {
        return;
    };
    let seed = seed_004();
    apply(&server, "readonly", &seed.path().join("migrations"));
    server.log_statements();
    let (code, out, err) = run(
        seed.path(),
        &[
            "db",
            "--url",
            &server.url("readonly"),
            "--format",
            "concise",
        ],
    );
    assert_eq!(code, 1, "{out}{err}");
    let log = server.log();
    let ours: Vec<&str> = log
        .lines()
        .filter_map(|line| line.strip_prefix("schema-lint|LOG:  "))
        .filter_map(|line| {
            line.strip_prefix("statement: ").or_else(|| {
                line.split_once(": ")
                    .filter(|(kind, _)| kind.starts_with("execute"))
                    .map(|(_, sql)| sql)
            })
        })
        .collect();
    assert!(ours.len() >= 5, "too few statements logged:\n{log}");
    assert!(
        ours.iter()
            .any(|s| s.contains("SET default_transaction_read_only = on")),
        "{ours:#?}"
    );
    for statement in &ours {
        let first = statement
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_uppercase();
        assert!(
            ["SELECT", "SET", "START", "ROLLBACK"].contains(&first.as_str()),
            "not a read: {statement}"
        );
    }
}

#[test]
fn every_format_locates_database_findings_by_object() {
    let Some(server) = Server::start() else {
        return;
    };
    let seed = seed_004();
    apply(&server, "formats", &seed.path().join("migrations"));
    let url = server.url("formats");
    let args = |format: &'static str| {
        vec![
            "db".to_string(),
            "--url".to_string(),
            url.clone(),
            "--select".to_string(),
            "prefer-text".to_string(),
            "--format".to_string(),
            format.to_string(),
        ]
    };
    let output = |format| {
        let a = args(format);
        let a: Vec<&str> = a.iter().map(String::as_str).collect();
        let (code, out, err) = run(seed.path(), &a);
        assert_eq!(code, 1, "{format}: {out}{err}");
        out
    };
    let concise = output("concise");
    assert!(
        concise.contains("db:public.users.email: error[prefer-text] "),
        "{concise}"
    );
    insta::assert_snapshot!("concise", concise);
    insta::assert_snapshot!("full", output("full"));

    let sarif = json(&output("sarif"));
    common::assert_valid_sarif(&sarif);
    let location = &sarif["runs"][0]["results"][0]["locations"][0];
    assert!(location.get("physicalLocation").is_none(), "{location}");
    assert_eq!(
        location["logicalLocations"][0]["fullyQualifiedName"],
        "public.users.username"
    );

    let github = output("github");
    assert!(
        github.starts_with("::error title=prefer-text::db:public.users.username: "),
        "{github}"
    );
    let gitlab = json(&output("gitlab"));
    assert_eq!(gitlab[0]["location"]["path"], "db:public.users.username");
    assert_eq!(gitlab[0]["location"]["lines"]["begin"], 1);
    let rdjson = json(&output("rdjson"));
    assert_eq!(
        rdjson["diagnostics"][0]["location"]["path"],
        "db:public.users.username"
    );
    assert!(rdjson["diagnostics"][0]["location"].get("range").is_none());
    let junit = output("junit");
    let xml = roxmltree::Document::parse(&junit).expect("JUnit XML");
    let case = xml
        .descendants()
        .find(|n| n.has_tag_name("testcase"))
        .expect("a test case");
    assert_eq!(case.attribute("name"), Some("db:formats"));
    assert!(
        junit.contains("db:public.users.email: error[prefer-text]"),
        "{junit}"
    );
    let markdown = output("markdown");
    assert!(markdown.contains("### `db:formats`"), "{markdown}");
    assert!(
        markdown.starts_with("## schema-lint: 4 errors in database `formats` (4 tables)"),
        "{markdown}"
    );
    assert!(
        markdown.contains("- `public.users.email` **error**"),
        "{markdown}"
    );
}

#[test]
fn schema_documents_a_live_database() {
    let Some(server) = Server::start() else {
        return;
    };
    let seed = seed_004();
    apply(&server, "documented", &seed.path().join("migrations"));
    let url = server.url("documented");
    let (code, out, err) = run(seed.path(), &["schema", "--url", &url]);
    assert_eq!(code, 0, "{err}");
    assert!(
        out.contains("from the live database `documented`: 4 tables"),
        "{out}"
    );
    // The same tables and columns as the migrations' document.
    let (_, from_db, _) = run(seed.path(), &["schema", "--url", &url, "--format", "json"]);
    let (_, from_files, _) = run(seed.path(), &["schema", "--format", "json"]);
    let columns = |text: &str| -> Vec<String> {
        let document = json(text);
        let mut out = Vec::new();
        for table in document["tables"].as_array().expect("tables") {
            for column in table["columns"].as_array().expect("columns") {
                out.push(format!(
                    "{}.{} {} {}",
                    table["name"], column["name"], column["kind"], column["not_null"]
                ));
            }
        }
        out.sort();
        out
    };
    assert_eq!(columns(&from_db), columns(&from_files));
    let (code, out, _) = run(
        seed.path(),
        &["schema", "--url", &url, "--cascade", "carts"],
    );
    assert_eq!(code, 0);
    assert!(out.contains("cart_items: rows deleted"), "{out}");
}

#[test]
fn what_is_read_comes_from_the_config_and_the_command_line() {
    let Some(server) = Server::start() else {
        return;
    };
    let seed = seed_004();
    apply(&server, "scoped", &seed.path().join("migrations"));
    server.psql(
        "scoped",
        &[
            "-c",
            "CREATE TABLE __diesel_schema_migrations (version VARCHAR(50) PRIMARY KEY)",
            "-c",
            "CREATE SCHEMA audit",
            "-c",
            "CREATE TABLE audit.entries (id BIGINT PRIMARY KEY)",
        ],
    );
    let url = server.url("scoped");
    let summary = |args: &[&str]| {
        let mut all = vec!["db", "--url", url.as_str(), "--format", "concise"];
        all.extend_from_slice(args);
        let (code, out, err) = run(seed.path(), &all);
        assert!(code == 0 || code == 1, "{out}{err}");
        out.lines().last().unwrap_or("").to_string()
    };
    // Bookkeeping skipped, every schema read.
    assert!(summary(&[]).ends_with("(5 tables)"), "{}", summary(&[]));
    assert!(summary(&["--include-bookkeeping"]).ends_with("(6 tables)"));
    assert!(summary(&["--schema", "audit"]).ends_with("(1 table)"));
    assert!(summary(&["--skip-table", "audit.*,carts"]).ends_with("(3 tables)"));
    seed.write(
        "schema-lint.toml",
        "[db]\nschemas = [\"public\"]\nskip-tables = [\"cart_items\"]\nstatement-timeout = 5\n",
    );
    assert!(summary(&[]).ends_with("(3 tables)"), "{}", summary(&[]));
    assert!(summary(&["--skip-table", "users"]).ends_with("(2 tables)"));
}

#[test]
fn tls_follows_sslmode() {
    let Some(server) = Server::start_tls() else {
        return;
    };
    server.create_database("secure");
    let scratch = Scratch::new();
    let ca = server.ca_file();
    let ca = ca.to_str().unwrap();
    let connects = |url: &str| {
        let (code, out, err) = run(scratch.path(), &["db", "--url", url]);
        (code, format!("{out}{err}"))
    };
    for query in [
        "sslmode=require".to_string(),
        format!("sslmode=verify-full&sslrootcert={ca}"),
        "sslmode=prefer".to_string(),
    ] {
        let (code, out) = connects(&server.tcp_url("secure", "localhost", &query));
        assert_eq!(code, 0, "{query}: {out}");
        assert!(
            out.contains("no problems found in database `secure`"),
            "{out}"
        );
    }
    // The server saw TLS connections from schema-lint.
    let tls_connections = server
        .log()
        .lines()
        .filter(|l| l.contains("connection authorized") && l.contains("SSL enabled"))
        .count();
    assert!(tls_connections >= 3, "{}", server.log());
    // The certificate names localhost, not 127.0.0.1: verify-full refuses.
    let (code, out) = connects(&server.tcp_url(
        "secure",
        "127.0.0.1",
        &format!("sslmode=verify-full&sslrootcert={ca}"),
    ));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("cannot connect") && out.to_lowercase().contains("certificate"),
        "{out}"
    );
    // A root that did not sign it (the server's own certificate): refused.
    let own = ca.replace("ca.pem", "server.crt");
    let (code, out) = connects(&server.tcp_url(
        "secure",
        "localhost",
        &format!("sslmode=verify-full&sslrootcert={own}"),
    ));
    assert_eq!(code, 2, "{out}");
    assert!(out.to_lowercase().contains("certificate"), "{out}");
    // An sslrootcert that cannot be read: said so.
    let (code, out) = connects(&server.tcp_url(
        "secure",
        "localhost",
        "sslmode=verify-full&sslrootcert=/nonexistent/ca.pem",
    ));
    assert_eq!(code, 2, "{out}");
    assert!(
        out.contains("cannot read sslrootcert /nonexistent/ca.pem"),
        "{out}"
    );
}
