//! Reports a person can read and a CI can show (issue 16): statistics, the
//! per-rule table of `full`, `--format markdown`, `-o`, `-q`, `-s`,
//! `--color`, `--severity`, `--select ALL`, `--extend-select`,
//! `--show-settings`, stdin, and running from a subfolder.

mod common;

use std::process::Output;

use common::{Scratch, lint_json, schema_lint};

/// The rules these tests select, so that rules added later change nothing.
const RULES: &str = "prefer-text,prefer-timestamptz,foreign-key-index,table-naming,parse-error";

const USERS: &str = "\
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    email VARCHAR(255) NOT NULL,
    name VARCHAR(100),
    created_at TIMESTAMP NOT NULL DEFAULT now()
);
";

const ORDERS: &str = "\
CREATE TABLE order_line (
    id BIGSERIAL PRIMARY KEY,
    user_id BIGINT NOT NULL REFERENCES users (id),
    note VARCHAR(20),
    shipped_at TIMESTAMP
);
";

const TAGS: &str = "\
CREATE TABLE tags (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL
);
";

/// Seven findings (more than a handful) in two of three files.
fn project() -> Scratch {
    let s = Scratch::new();
    s.write("migrations/20240101000000_users.sql", USERS);
    s.write("migrations/20240102000000_orders.sql", ORDERS);
    s.write("migrations/20240103000000_tags.sql", TAGS);
    s
}

fn run(s: &Scratch, args: &[&str]) -> Output {
    schema_lint(s.path())
        .args(["--select", RULES])
        .args(args)
        .output()
        .expect("run")
}

fn stdout(output: &Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn statistics_count_findings_per_rule_most_first() {
    let s = project();
    let output = run(&s, &["--statistics", "migrations"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

#[test]
fn statistics_as_json() {
    let s = project();
    let output = run(&s, &["--statistics", "--format", "json", "migrations"]);
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(document["version"], 1);
    let rows: Vec<(String, String, u64)> = document["statistics"]
        .as_array()
        .expect("statistics")
        .iter()
        .map(|row| {
            (
                row["rule"].as_str().unwrap_or("").to_string(),
                row["severity"].as_str().unwrap_or("").to_string(),
                row["count"].as_u64().unwrap_or(0),
            )
        })
        .collect();
    assert_eq!(
        rows,
        [
            ("prefer-text".to_string(), "error".to_string(), 3),
            ("prefer-timestamptz".to_string(), "error".to_string(), 2),
            ("foreign-key-index".to_string(), "error".to_string(), 1),
            ("table-naming".to_string(), "warning".to_string(), 1),
        ]
    );
}

/// The end of `full`: with more than a handful of findings, the table per
/// rule, then the summary line.
#[test]
fn full_ends_with_a_table_per_rule() {
    let s = project();
    let text = stdout(&run(&s, &["migrations"]));
    let ending = &text[text.find("findings per rule:").expect("table")..];
    insta::assert_snapshot!(ending);
}

#[test]
fn full_has_no_table_for_a_handful() {
    let s = project();
    let text = stdout(&run(&s, &["migrations/20240101000000_users.sql"]));
    assert!(!text.contains("findings per rule"), "{text}");
    assert!(text.ends_with("3 errors in 1 of 1 file\n"), "{text}");
}

#[test]
fn markdown_report() {
    let s = project();
    s.write(
        "migrations/20240104000000_odd.sql",
        "CREATE TABLE \"a*b <i>@x</i>\" (id BIGSERIAL PRIMARY KEY, v VARCHAR);\n",
    );
    let output = run(&s, &["--format", "markdown", "migrations"]);
    assert_eq!(output.status.code(), Some(1));
    insta::assert_snapshot!(stdout(&output));
}

/// On GitHub Actions, line links point at the commit; a path with a space
/// stays one link.
#[test]
fn markdown_links_to_the_commit_on_github() {
    let s = Scratch::new();
    s.write("db/2024-01-01-000000_add users/up.sql", USERS);
    s.write(
        "db/2024-01-01-000000_add users/down.sql",
        "DROP TABLE users;\n",
    );
    let output = schema_lint(s.path())
        .args(["--select", "prefer-text", "--format", "markdown", "db"])
        .env("GITHUB_SERVER_URL", "https://github.com")
        .env("GITHUB_REPOSITORY", "acme/shop")
        .env("GITHUB_SHA", "0123abc")
        .output()
        .expect("run");
    let text = stdout(&output);
    assert!(
        text.contains(
            "- [3:11](https://github.com/acme/shop/blob/0123abc/db/2024-01-01-000000_add%20users/up.sql#L3) \
             **error** [`prefer-text`][prefer-text]: column `users.email` is `VARCHAR(255)`; use TEXT\n"
        ),
        "{text}"
    );
    assert!(text.contains(
        "[prefer-text]: https://github.com/schema-lint/schema-lint/blob/main/rules/prefer-text.md\n"
    ));
}

/// 1,500 findings need about 250,000 characters: the report stops under
/// GitHub's limit, says how many it left out, and every finding is either
/// shown or counted.
#[test]
fn markdown_is_cut_under_the_comment_limit() {
    let s = Scratch::new();
    let mut sql = String::new();
    for i in 0..1500 {
        sql.push_str(&format!(
            "CREATE TABLE table_number_{i} (id BIGSERIAL PRIMARY KEY, a_rather_long_column_name_{i} VARCHAR(10));\n"
        ));
    }
    s.write("migrations/20240101000000_many.sql", &sql);
    s.write(
        "migrations/20240102000000_more.sql",
        sql.replace("table_", "other_"),
    );
    let output = schema_lint(s.path())
        .args([
            "--select",
            "prefer-text",
            "--format",
            "markdown",
            "migrations",
        ])
        .output()
        .expect("run");
    let text = stdout(&output);
    let chars = text.chars().count();
    assert!(chars <= 65_536, "{chars} characters");
    assert!(chars > 60_000, "only {chars} characters used");
    let shown = text.lines().filter(|l| l.starts_with("- [")).count();
    let note = text
        .lines()
        .find(|l| l.contains("not shown"))
        .expect("a note on what was left out");
    let left: usize = note
        .trim_start_matches("> ")
        .split(' ')
        .next()
        .and_then(|n| n.replace(',', "").parse().ok())
        .expect("a count");
    assert_eq!(shown + left, 3000, "{note}");
    assert!(
        note.contains("in 2 files") || note.contains("in 1 file"),
        "{note}"
    );
    // The totals and the table come first, whole.
    assert!(text.starts_with("## schema-lint: 3000 errors in 2 of 2 files\n"));
    assert!(text.contains("| [`prefer-text`][prefer-text] | error | 3000 |"));
    assert!(text.ends_with(
        "[prefer-text]: https://github.com/schema-lint/schema-lint/blob/main/rules/prefer-text.md\n"
    ));
}

#[test]
fn output_file_holds_the_report() {
    let s = project();
    let output = run(
        &s,
        &["--format", "concise", "-o", "report.txt", "migrations"],
    );
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    let written = std::fs::read_to_string(s.path().join("report.txt")).expect("written");
    assert!(written.starts_with("migrations/20240101000000_users.sql:3:11: error[prefer-text]"));
    assert!(
        written.ends_with("6 errors, 1 warning in 2 of 3 files\n"),
        "{written}"
    );
}

#[test]
fn output_file_that_cannot_be_written_is_an_error() {
    let s = project();
    let output = run(&s, &["-o", "no/such/folder/report.txt", "migrations"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot write no/such/folder/report.txt"));
}

#[test]
fn quiet_prints_only_the_findings() {
    let s = project();
    let output = run(&s, &["--format", "concise", "-q", "migrations"]);
    assert_eq!(output.status.code(), Some(1));
    let text = stdout(&output);
    assert_eq!(text.lines().count(), 7, "{text}");
    assert!(text.lines().all(|l| l.starts_with("migrations/")), "{text}");
    let full = stdout(&run(&s, &["-q", "migrations"]));
    assert!(!full.contains("findings per rule"), "{full}");
    assert!(!full.contains(" of 3 files"), "{full}");
}

#[test]
fn silent_prints_nothing_and_keeps_the_exit_code() {
    let s = project();
    let output = run(&s, &["-s", "migrations"]);
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(stdout(&output), "");
    assert_eq!(stderr(&output), "");
    // Errors are still said: exit code 2 alone would not say which path.
    let missing = run(&s, &["-s", "nowhere"]);
    assert_eq!(missing.status.code(), Some(2));
    assert!(stderr(&missing).contains("nowhere"));
}

fn has_escape_codes(output: &Output) -> bool {
    output.stdout.contains(&0x1b)
}

#[test]
fn color_always_never_and_the_environment() {
    let s = project();
    let colored = |args: &[&str], env: &[(&str, &str)]| {
        let mut command = schema_lint(s.path());
        command.env_remove("NO_COLOR");
        for (key, value) in env {
            command.env(key, value);
        }
        let output = command
            .args(["--select", RULES, "migrations"])
            .args(args)
            .output()
            .expect("run");
        has_escape_codes(&output)
    };
    // Not a terminal: no colour unless asked for.
    assert!(!colored(&[], &[]));
    assert!(colored(&["--color", "always"], &[]));
    assert!(colored(&["--color", "always", "--format", "concise"], &[]));
    assert!(colored(&["--color", "always", "--statistics"], &[]));
    // The flag wins over the environment, either way.
    assert!(colored(&["--color", "always"], &[("NO_COLOR", "1")]));
    assert!(!colored(&["--color", "never"], &[("FORCE_COLOR", "1")]));
    // The environment forces colour in a CI log, unless NO_COLOR says no.
    assert!(colored(&[], &[("FORCE_COLOR", "1")]));
    assert!(colored(&[], &[("CLICOLOR_FORCE", "1")]));
    assert!(!colored(&[], &[("FORCE_COLOR", "0")]));
    assert!(!colored(&[], &[("NO_COLOR", "1"), ("FORCE_COLOR", "1")]));
    // Machine formats never carry colour.
    assert!(!colored(&["--color", "always", "--format", "json"], &[]));
}

#[test]
fn severity_hides_less_severe_findings_but_not_from_the_exit_code() {
    let s = project();
    let output = run(
        &s,
        &["--format", "concise", "--severity", "error", "migrations"],
    );
    let text = stdout(&output);
    assert!(!text.contains("warning["), "{text}");
    assert_eq!(text.lines().filter(|l| l.contains(": error[")).count(), 6);
    assert!(
        text.ends_with("6 errors in 2 of 3 files (hidden: 1 below --severity error)\n"),
        "{text}"
    );
    // Only a warning, shown or not, fails with --fail-on warning.
    let only_warning = schema_lint(s.path())
        .args([
            "--select",
            "table-naming",
            "--fail-on",
            "warning",
            "--severity",
            "error",
            "--format",
            "concise",
            "migrations",
        ])
        .output()
        .expect("run");
    assert_eq!(only_warning.status.code(), Some(1));
    assert_eq!(
        stdout(&only_warning),
        "no problems found in 3 files (hidden: 1 below --severity error)\n"
    );
}

#[test]
fn select_all_in_any_case_and_extend_select() {
    let s = project();
    let (_, all) = lint_json(s.path(), &["--select", "all", "migrations"]);
    let (_, upper) = lint_json(s.path(), &["--select", "ALL", "migrations"]);
    assert_eq!(all["diagnostics"], upper["diagnostics"]);
    // `table-comments` is off by default: --extend-select adds it to the
    // default rules rather than replacing them.
    let (_, extended) = lint_json(
        s.path(),
        &["--extend-select", "table-comments", "migrations"],
    );
    let rules: std::collections::BTreeSet<&str> = extended["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["rule"].as_str())
        .collect();
    assert!(rules.contains("table-comments"), "{rules:?}");
    assert!(rules.contains("prefer-text"), "{rules:?}");
    let unknown = schema_lint(s.path())
        .args(["--extend-select", "prefer-txt", "migrations"])
        .output()
        .expect("run");
    assert_eq!(unknown.status.code(), Some(2));
    assert!(stderr(&unknown).contains("did you mean `prefer-text`?"));
}

#[test]
fn show_settings_resolves_the_config() {
    let s = project();
    s.write(
        "schema-lint.toml",
        "roots = [\"migrations\"]\nexclude = [\"migrations/legacy/**\"]\nfail-on = \"warning\"\n\n\
         [rules]\nselect = [\"prefer-text\", \"table-naming\", \"index-naming\"]\n\n\
         [rules.severity]\ntable-naming = \"error\"\n\n\
         [rules.index-naming]\ntemplate = \"ix_{table}_{columns}\"\n\n\
         [[overrides]]\npaths = [\"migrations/2019*\"]\nignore = [\"prefer-text\"]\n",
    );
    s.write("migrations/sub/.keep", "");
    let output = schema_lint(&s.path().join("migrations/sub"))
        .arg("--show-settings")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    insta::assert_snapshot!(stdout(&output));
}

/// An editor's buffer on stdin, linted as the file it names with its set on
/// disk as context: the buffer references a table an earlier migration
/// creates, and the file does not exist on disk yet.
#[test]
fn stdin_is_linted_as_the_named_file_with_its_set() {
    let s = project();
    let buffer = "CREATE TABLE reviews (\n    id BIGSERIAL PRIMARY KEY,\n    user_id BIGINT NOT NULL REFERENCES users (id),\n    body VARCHAR(500)\n);\n";
    let output = schema_lint(s.path())
        .args(["--select", RULES, "--format", "concise"])
        .args([
            "--stdin-filename",
            "migrations/20240105000000_reviews.sql",
            "-",
        ])
        .write_stdin(buffer)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(
        stdout(&output),
        "migrations/20240105000000_reviews.sql:3:5: error[foreign-key-index] foreign key `reviews` (user_id) → `users` has no index on (user_id)\n\
         migrations/20240105000000_reviews.sql:4:10: error[prefer-text] column `reviews.body` is `VARCHAR(500)`; use TEXT\n\
         2 errors in 1 of 1 file\n"
    );
    // The buffer replaces the file on disk: the fixed text is clean.
    let fixed = schema_lint(s.path())
        .args(["--select", RULES, "--format", "concise"])
        .args([
            "--stdin-filename",
            "migrations/20240101000000_users.sql",
            "-",
        ])
        .write_stdin(
            USERS
                .replace("VARCHAR(255)", "TEXT")
                .replace("VARCHAR(100)", "TEXT")
                .replace("TIMESTAMP ", "TIMESTAMPTZ "),
        )
        .output()
        .expect("run");
    assert_eq!(stdout(&fixed), "no problems found in 1 file\n");
}

#[test]
fn stdin_needs_a_file_name() {
    let s = project();
    let output = schema_lint(s.path())
        .arg("-")
        .write_stdin("SELECT 1;")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(
        stderr(&output).contains("--stdin-filename"),
        "{}",
        stderr(&output)
    );
}

/// From a subfolder: the project is found upward (the config's roots, else
/// the nearest `migrations/`), and every path is relative to where the user
/// is, in every format.
#[test]
fn runs_from_a_subfolder_with_paths_relative_to_it() {
    let s = project();
    s.write("src/deep/.keep", "");
    let here = s.path().join("src/deep");
    let concise = schema_lint(&here)
        .args(["--select", "prefer-text", "--format", "concise"])
        .output()
        .expect("run");
    assert_eq!(
        stdout(&concise).lines().next(),
        Some(
            "../../migrations/20240101000000_users.sql:3:11: error[prefer-text] column `users.email` is `VARCHAR(255)`; use TEXT"
        )
    );
    let (_, json) = lint_json(&here, &["--select", "prefer-text"]);
    assert_eq!(
        json["diagnostics"][0]["path"],
        "../../migrations/20240101000000_users.sql"
    );
    // With a config above, its roots; its own path is relative too.
    s.write(
        "schema-lint.toml",
        "roots = [\"migrations\"]\n[rules]\nselect = [\"prefer-text\"]\n",
    );
    let markdown = stdout(
        &schema_lint(&here)
            .args(["--format", "markdown"])
            .output()
            .expect("run"),
    );
    assert!(
        markdown.contains("### `../../migrations/20240101000000_users.sql`"),
        "{markdown}"
    );
    let settings = stdout(
        &schema_lint(&here)
            .arg("--show-settings")
            .output()
            .expect("run"),
    );
    assert!(
        settings.starts_with("config file: ../../schema-lint.toml\npaths: ../../migrations\n"),
        "{settings}"
    );
    // Inside the migrations folder itself.
    let inside = schema_lint(&s.path().join("migrations"))
        .args(["--format", "concise"])
        .output()
        .expect("run");
    assert!(
        stdout(&inside).starts_with("../migrations/20240101000000_users.sql:3:11:"),
        "{}",
        stdout(&inside)
    );
}

/// An absolute path below the current folder is printed relative to it.
#[test]
fn absolute_paths_below_here_are_printed_relative() {
    let s = project();
    let absolute = s.path().join("migrations");
    let output = schema_lint(s.path())
        .args(["--select", "prefer-text", "--format", "concise"])
        .arg(&absolute)
        .output()
        .expect("run");
    assert!(
        stdout(&output).starts_with("migrations/20240101000000_users.sql:3:11:"),
        "{}",
        stdout(&output)
    );
}

/// The summary says how many findings a baseline and suppressions hid.
#[test]
fn summary_counts_what_was_hidden() {
    let s = project();
    let written = run(
        &s,
        &[
            "--write-baseline",
            "base.json",
            "migrations/20240102000000_orders.sql",
        ],
    );
    assert_eq!(written.status.code(), Some(0), "{}", stderr(&written));
    s.write(
        "migrations/20240101000000_users.sql",
        format!("-- schema-lint: ignore prefer-text -- the app checks lengths\n{USERS}"),
    );
    let output = run(
        &s,
        &[
            "--format",
            "concise",
            "--baseline",
            "base.json",
            "migrations",
        ],
    );
    let text = stdout(&output);
    assert!(
        text.ends_with(
            "1 error in 1 of 3 files (hidden: 4 by the baseline, 2 by inline suppressions)\n"
        ),
        "{text}"
    );
}
