//! Hostile input (issue 11): huge lines, wide tables, control characters,
//! devices and FIFOs as config or baseline, odd command lines. Each test
//! failed (or never finished) before its fix.

mod common;

use common::{Scratch, git, lint_json, messages, outcome, positions, schema_lint};

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    outcome(schema_lint(dir).args(args))
}

// --- item 1: `full` on a span far into a line --------------------------------

#[test]
fn full_does_not_panic_on_a_span_far_into_a_line() {
    let scratch = Scratch::new();
    let line = format!(
        "CREATE TABLE items (id BIGSERIAL PRIMARY KEY,{}v VARCHAR(3));\n",
        " ".repeat(65_500)
    );
    scratch.write("m/0001_items.sql", &line);
    let (code, stdout, stderr) = run(scratch.path(), &["--select", "prefer-text", "m"]);
    assert_eq!(code, 1, "{stderr}");
    // The header has the character column; the line is cut to a window
    // around the type, marked with an ellipsis.
    assert!(stdout.contains("[m/0001_items.sql:1:65548]"), "{stdout}");
    assert!(stdout.contains("…"), "{stdout}");
    assert!(stdout.contains("v VARCHAR(3));"), "{stdout}");
    assert!(stdout.len() < 2_000, "{} bytes", stdout.len());
}

// --- item 3: linear costs ------------------------------------------------------

/// One `CREATE TABLE` of 60,000 columns on one line: each column's name and
/// type used to be found by rescanning the line (and the columns), which
/// took minutes; positions at the far end must still be exact.
#[test]
fn a_very_wide_table_on_one_line_is_read_whole() {
    let scratch = Scratch::new();
    // Past column 65,535, within PostgreSQL's 1,600 columns.
    let columns: String = (0..1_500)
        .map(|i| format!(" a_column_with_a_long_name_so_that_the_line_is_long_{i:04} TEXT,"))
        .collect();
    let text = format!("CREATE TABLE items (id BIGSERIAL PRIMARY KEY,{columns} é VARCHAR(3));\n");
    scratch.write("m/0001_items.sql", &text);
    let (code, document) = lint_json(scratch.path(), &["--select", "prefer-text", "m"]);
    assert_eq!(code, 1);
    let column = text.find("VARCHAR").map(|i| text[..i].chars().count() + 1);
    assert_eq!(
        positions(&document),
        [("prefer-text".to_string(), 1, column.unwrap_or(0) as u64)]
    );
}

/// PostgreSQL rejects a table of more than 1,600 columns, and an `ADD
/// COLUMN` to one that has them: so does the model, out loud. (Without the
/// limit, each statement on a table looked its columns up one by one: a
/// history of 50,000 `ADD COLUMN`s took seconds, and a larger one minutes.)
#[test]
fn tables_past_postgres_column_limit_are_rejected_out_loud() {
    let scratch = Scratch::new();
    let wide = |n: usize| -> String { (0..n).map(|i| format!(", c{i} TEXT")).collect() };
    let mut text = format!(
        "CREATE TABLE wides (id BIGINT PRIMARY KEY{}, v VARCHAR(9));\n",
        wide(1_600)
    );
    text += &format!(
        "CREATE TABLE fulls (id BIGINT PRIMARY KEY{});\n",
        wide(1_598)
    );
    text += "ALTER TABLE fulls ADD COLUMN last_one VARCHAR(9);\n";
    for i in 0..4 {
        text += &format!("ALTER TABLE fulls ADD COLUMN over_{i} VARCHAR(9);\n");
    }
    // A column it has already: replaced, not added.
    text += "ALTER TABLE fulls ADD COLUMN c7 VARCHAR(9);\n";
    scratch.write("m/0001_wide.sql", &text);
    let args = ["--select", "parse-error,prefer-text", "m"];
    let (_, document) = lint_json(scratch.path(), &args);
    let found = messages(&document);
    let expected = [
        (
            "parse-error",
            1,
            "PostgreSQL rejects this statement: a table can have at most 1600 columns and \
             `wides` has 1602; the schema model leaves it out",
        ),
        ("prefer-text", 3, "column `fulls.last_one` is `VARCHAR(9)`"),
        (
            "parse-error",
            4,
            "PostgreSQL rejects this statement: `fulls` has 1600 columns already, the most a \
             table can have; the schema model leaves it out (3 later ADD COLUMNs to the table \
             are left out as well)",
        ),
        ("prefer-text", 8, "column `fulls.c7` is `VARCHAR(9)`"),
    ];
    assert_eq!(found.len(), expected.len(), "{found:#?}");
    for ((rule, line, message), (want_rule, want_line, want)) in found.iter().zip(expected) {
        assert_eq!((rule.as_str(), *line), (want_rule, want_line));
        assert!(message.starts_with(want), "{message}");
    }
}

/// A chain of thousands of operators is a tree as deep as the chain, and
/// reading its positions overflowed a worker thread's stack (the fuzzer
/// found a `CHECK` of 2,300 `OR`s). A statement past
/// `MAX_EXPRESSION_DEPTH` is said to be unread; one within is read whole
/// (its check constraint's column is found); a long cast chain in a data
/// statement is left alone, as it changes nothing the model keeps.
#[test]
fn operator_chains_past_the_depth_limit_are_unread_out_loud() {
    let scratch = Scratch::new();
    let check = |name: &str, terms: usize| {
        let terms: Vec<String> = (0..terms).map(|i| format!("(status = {i})")).collect();
        format!(
            "ALTER TABLE jobs ADD CONSTRAINT {name} CHECK ({});\n",
            terms.join(" OR ")
        )
    };
    let mut text = "CREATE TABLE jobs (id BIGINT PRIMARY KEY, status INT);\n".to_string();
    text += &check("within", 900);
    text += &check("past", 5_000);
    text += &format!("SELECT 1{};\n", "::int".repeat(20_000));
    scratch.write("m/0001_chains.sql", &text);
    let args = ["--select", "unsupported-statement,parse-error", "m"];
    let (_, document) = lint_json(scratch.path(), &args);
    let found = messages(&document);
    assert_eq!(found.len(), 1, "{found:#?}");
    let (rule, line, message) = &found[0];
    assert_eq!((rule.as_str(), *line), ("unsupported-statement", 3));
    assert!(
        message.starts_with(
            "schema-lint cannot read this ALTER TABLE with an expression of more than 1,000 \
             chained operators (PostgreSQL accepts it): the table `jobs`"
        ),
        "{message}"
    );
    let (code, schema, _) = run(scratch.path(), &["schema", "--format", "json", "m"]);
    assert_eq!(code, 0, "{schema}");
    assert!(schema.contains("\"within\""), "the 900-term check is read");
    assert!(!schema.contains("\"past\""), "the 5,000-term check is not");
}

/// 3,000 findings on one 50 KB line: `full` printed the whole line for each
/// (238 MB); now a window of it, so the output grows with the findings only.
#[test]
fn full_output_is_linear_in_findings_on_a_huge_line() {
    let scratch = Scratch::new();
    // Two tables on one line: PostgreSQL allows 1,600 columns in one.
    let columns: Vec<String> = (0..1_500).map(|i| format!("a{i} VARCHAR(3)")).collect();
    let columns = columns.join(", ");
    let text = format!(
        "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, {columns}); \
         CREATE TABLE u (id BIGSERIAL PRIMARY KEY, {columns});\n"
    );
    scratch.write("m/0001_t.sql", &text);
    let (code, stdout, _) = run(scratch.path(), &["--select", "prefer-text", "m"]);
    assert_eq!(code, 1);
    assert_eq!(stdout.matches("prefer-text\n").count(), 3_000);
    // About 600 bytes per finding; the line alone is 50 KB.
    assert!(stdout.len() < 3_000 * 1_000, "{} bytes", stdout.len());
    assert!(stdout.contains("[m/0001_t.sql:1:"), "{}", &stdout[..500]);
}

// --- item 5: every format prints character columns ------------------------------

#[test]
fn full_header_counts_characters_like_every_format() {
    let scratch = Scratch::new();
    scratch.write(
        "m/0001_users.sql",
        "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, \"日本\" VARCHAR(2));\n",
    );
    let args = ["--select", "prefer-text", "m"];
    let (_, full, _) = run(scratch.path(), &args);
    assert!(full.contains("[m/0001_users.sql:1:52]"), "{full}");
    let (_, concise, _) = run(
        scratch.path(),
        &["--format", "concise", args[0], args[1], "m"],
    );
    assert!(concise.starts_with("m/0001_users.sql:1:52:"), "{concise}");
    let (_, document) = lint_json(scratch.path(), &args);
    assert_eq!(document["diagnostics"][0]["column"], 52);
}

// --- item 2: config and baseline files that are not regular files -------------

/// A FIFO in the scratch folder (no writer ever comes: opening it to read
/// would block forever).
#[cfg(unix)]
fn fifo(scratch: &Scratch, name: &str) -> std::path::PathBuf {
    let path = scratch.path().join(name);
    let status = std::process::Command::new("mkfifo")
        .arg(&path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
    path
}

#[cfg(unix)]
#[test]
fn config_and_baseline_must_be_regular_files() {
    let scratch = Scratch::new();
    scratch.write(
        "m/0001_a.sql",
        "CREATE TABLE a (id BIGSERIAL PRIMARY KEY);\n",
    );
    let pipe = fifo(&scratch, "pipe");
    let pipe = pipe.to_str().expect("utf-8 path");
    for target in ["/dev/zero", "/dev/urandom", pipe] {
        let (code, _, stderr) = run(scratch.path(), &["--config", target, "m"]);
        assert_eq!(code, 2, "--config {target}: {stderr}");
        assert!(stderr.contains("not a regular file"), "{stderr}");
        let (code, _, stderr) = run(scratch.path(), &["--baseline", target, "m"]);
        assert_eq!(code, 2, "--baseline {target}: {stderr}");
        assert!(stderr.contains("not a regular file"), "{stderr}");
    }
    let (code, _, stderr) = run(scratch.path(), &["--write-baseline", pipe, "m"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("not written"), "{stderr}");
    // Larger than 64 MiB (sparse: nothing is written to disk).
    let big = std::fs::File::create(scratch.path().join("big.toml")).expect("create");
    big.set_len(65 * 1024 * 1024).expect("set_len");
    let (code, _, stderr) = run(scratch.path(), &["--config", "big.toml", "m"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("over the 67108864-byte limit; not read"),
        "{stderr}"
    );
}

/// A `schema-lint.toml` that is a FIFO is an error, not silently skipped.
#[cfg(unix)]
#[test]
fn a_found_config_that_is_a_fifo_is_reported() {
    let scratch = Scratch::new();
    scratch.write(
        "m/0001_a.sql",
        "CREATE TABLE a (id BIGSERIAL PRIMARY KEY);\n",
    );
    fifo(&scratch, "schema-lint.toml");
    let (code, _, stderr) = run(scratch.path(), &["m"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("schema-lint.toml: not a regular file (a FIFO)"),
        "{stderr}"
    );
}

// --- item 6: `all` in ignore lists ------------------------------------------------

#[test]
fn ignore_all_ignores_every_rule_not_selected_by_name() {
    let scratch = Scratch::new();
    scratch.write(
        "m/0001_a.sql",
        "CREATE TABLE a (id SERIAL PRIMARY KEY, name VARCHAR(5), at TIMESTAMP);\n",
    );
    let (code, document) = lint_json(scratch.path(), &["--ignore", "all", "m"]);
    assert_eq!((code, positions(&document)), (0, vec![]));
    let (code, document) = lint_json(
        scratch.path(),
        &["--ignore", "all", "--select", "prefer-text", "m"],
    );
    assert_eq!(code, 1);
    assert_eq!(positions(&document), [("prefer-text".to_string(), 1, 45)]);
    // In the config file, with `select` in the same table.
    scratch.write(
        "c.toml",
        "[rules]\nselect = [\"all\", \"prefer-timestamptz\"]\nignore = [\"all\"]\n",
    );
    let (_, document) = lint_json(scratch.path(), &["--config", "c.toml", "m"]);
    assert_eq!(
        positions(&document),
        [("prefer-timestamptz".to_string(), 1, 60)]
    );
    // `--ignore all` ranks above the file's `select`.
    let (_, document) = lint_json(
        scratch.path(),
        &["--config", "c.toml", "--ignore", "all", "m"],
    );
    assert_eq!(positions(&document), vec![]);
    // Per path.
    scratch.write(
        "o.toml",
        "[[overrides]]\npaths = [\"m/**\"]\nignore = [\"all\"]\n",
    );
    let (code, document) = lint_json(scratch.path(), &["--config", "o.toml", "m"]);
    assert_eq!((code, positions(&document)), (0, vec![]));
    // Where `all` means nothing, it is an error that says so.
    scratch.write("s.toml", "[rules.severity]\nall = \"warning\"\n");
    let (code, _, stderr) = run(scratch.path(), &["--config", "s.toml", "m"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("`all` cannot be used here"), "{stderr}");
}

// --- item 7: messages -------------------------------------------------------------

/// A CI checkout: one commit of the branch and one of main, no history
/// joining them.
#[test]
fn diff_in_a_shallow_clone_says_how_to_fetch_history() {
    let scratch = Scratch::new();
    let origin = scratch.path().join("origin");
    std::fs::create_dir_all(origin.join("m")).expect("mkdir");
    git(&origin, &["init", "-q"]);
    std::fs::write(origin.join("m/0001_a.sql"), "CREATE TABLE a (id BIGINT);\n").expect("w");
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-q", "-m", "a"]);
    git(&origin, &["checkout", "-q", "-b", "feature"]);
    std::fs::write(origin.join("m/0002_b.sql"), "CREATE TABLE b (id BIGINT);\n").expect("w");
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-q", "-m", "b"]);
    git(&origin, &["checkout", "-q", "main"]);
    std::fs::write(origin.join("m/0003_c.sql"), "CREATE TABLE c (id BIGINT);\n").expect("w");
    git(&origin, &["add", "."]);
    git(&origin, &["commit", "-q", "-m", "c"]);
    let url = format!("file://{}", origin.display());
    git(
        scratch.path(),
        &[
            "clone",
            "-q",
            "--depth",
            "1",
            "--no-single-branch",
            "-b",
            "feature",
            &url,
            "clone",
        ],
    );
    let clone = scratch.path().join("clone");
    let (code, _, stderr) = run(&clone, &["--diff", "origin/main", "m"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("history is shallow"), "{stderr}");
    assert!(stderr.contains("fetch-depth: 0"), "{stderr}");
    assert!(stderr.contains("git fetch --unshallow"), "{stderr}");
}

#[test]
fn a_diff_ref_never_reaches_git_as_an_option() {
    let scratch = Scratch::new();
    git(scratch.path(), &["init", "-q"]);
    scratch.write(
        "m/0001_a.sql",
        "CREATE TABLE a (id BIGSERIAL PRIMARY KEY);\n",
    );
    git(scratch.path(), &["add", "."]);
    git(scratch.path(), &["commit", "-q", "-m", "a"]);
    // `--output=FILE` is an option of git merge-base's diff machinery
    // elsewhere; whatever it does, it must not run.
    let (code, _, stderr) = run(scratch.path(), &["--diff=--output=x", "m"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("not a git ref (a ref cannot be empty or start with `-`)"),
        "{stderr}"
    );
    assert!(!scratch.path().join("x").exists());
    let (code, _, stderr) = run(scratch.path(), &["--diff=-h", "m"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("not a git ref"), "{stderr}");
}

#[test]
fn control_characters_from_the_input_are_shown_visibly() {
    let scratch = Scratch::new();
    scratch.write(
        "m/0001_a.sql",
        "CREATE TABLE \"a\u{0}b\u{1b}[2J\" (id BIGSERIAL PRIMARY KEY, x VARCHAR(3));\n",
    );
    for format in ["full", "concise", "github"] {
        let output = schema_lint(scratch.path())
            .args(["--format", format, "--select", "prefer-text", "m"])
            .output()
            .expect("run");
        assert!(
            !output.stdout.iter().any(|&b| b == 0 || b == 0x1b),
            "{format}: {}",
            String::from_utf8_lossy(&output.stdout)
        );
        let text = String::from_utf8_lossy(&output.stdout);
        assert!(text.contains("a\u{2400}b\u{241b}[2J"), "{format}: {text}");
    }
}

#[test]
fn control_characters_on_the_command_line_are_shown_visibly() {
    let scratch = Scratch::new();
    let (code, _, stderr) = run(scratch.path(), &["explain", "pre\u{1b}[2Jfix"]);
    assert_eq!(code, 2);
    assert!(
        stderr.contains("unknown rule `pre\u{241b}[2Jfix`"),
        "{stderr}"
    );
    let (code, _, stderr) = run(scratch.path(), &["missing\u{7}.sql"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("missing\u{2407}.sql"), "{stderr}");
    // Every subcommand's errors are shown the same way (`error::Error`).
    let (code, _, stderr) = run(scratch.path(), &["new", "\u{1b}[!"]);
    assert_eq!(code, 2);
    assert!(stderr.contains("`\u{241b}[!` has no letters"), "{stderr}");
    assert!(!stderr.contains('\u{1b}'), "{stderr}");
}

#[test]
fn nesting_past_the_parser_limit_says_so() {
    let scratch = Scratch::new();
    // Valid PostgreSQL nested past the parser's limit is not a parse error
    // (the second grammar reads it); a syntax error that deep is, and says
    // why the parser gave up.
    let text = format!(
        "SELECT {}true;\nSELECT {}1{};\nSELECT {}1{};\nSELECT {}1{};\n",
        "NOT ".repeat(200),
        "CASE WHEN true THEN ".repeat(60),
        " END".repeat(60),
        "(".repeat(100),
        ")".repeat(100),
        "(".repeat(100),
        ")".repeat(99),
    );
    scratch.write("m/0001_a.sql", &text);
    let (_, document) = lint_json(scratch.path(), &["--select", "parse-error", "m"]);
    let found = messages(&document);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].1, 4);
    assert!(found[0].2.ends_with("nested too deeply"), "{found:?}");
}

#[test]
fn gitlab_and_rdjson_carry_input_errors() {
    let scratch = Scratch::new();
    scratch.write(
        "m/0001_a.sql",
        "CREATE TABLE a (id BIGSERIAL PRIMARY KEY);\n",
    );
    // A FIFO is not read: an input error at its path.
    mkfifo(&scratch.path().join("m/0002_b.sql"));
    let output = schema_lint(scratch.path())
        .args(["--format", "gitlab", "m"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let issues: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let issue = issues
        .as_array()
        .and_then(|all| all.iter().find(|i| i["check_name"] == "input-error"))
        .unwrap_or_else(|| panic!("no input error in {issues}"));
    assert_eq!(issue["location"]["path"], "m/0002_b.sql");
    assert_eq!(issue["location"]["lines"]["begin"], 1);
    assert_eq!(issue["severity"], "major");
    assert_eq!(issue["fingerprint"].as_str().map(str::len), Some(64));

    let output = schema_lint(scratch.path())
        .args(["--format", "rdjson", "m"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let result: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(result["severity"], "ERROR");
    let diagnostic = result["diagnostics"]
        .as_array()
        .and_then(|all| all.iter().find(|d| d["code"]["value"] == "input-error"))
        .unwrap_or_else(|| panic!("no input error in {result}"));
    assert_eq!(diagnostic["location"]["path"], "m/0002_b.sql");
    assert_eq!(diagnostic["severity"], "ERROR");
}

#[test]
fn write_baseline_refuses_after_an_input_error() {
    let scratch = Scratch::new();
    scratch.write("m/0001_a.sql", "CREATE TABLE a (id SERIAL PRIMARY KEY);\n");
    mkfifo(&scratch.path().join("m/0002_b.sql"));
    let (code, _, stderr) = run(scratch.path(), &["--write-baseline", "base.json", "m"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("base.json not written: 1 path could not be read"),
        "{stderr}"
    );
    assert!(!scratch.path().join("base.json").exists());
}

// --- item 3: suppressions at scale ----------------------------------------------

/// 5,000 statements, each with its suppression: every finding was compared
/// with every suppression (and every comment searched every statement);
/// now each is looked up. A suppression before a `DO` block still covers
/// the statements inside it.
#[test]
fn many_suppressions_are_matched_by_lookup() {
    let scratch = Scratch::new();
    let mut text: String = (0..5_000)
        .map(|i| {
            format!(
                "-- schema-lint: ignore prefer-text\nCREATE TABLE t{i} (id BIGSERIAL PRIMARY KEY, v VARCHAR(3));\n"
            )
        })
        .collect();
    text.push_str(
        "-- schema-lint: ignore prefer-text\nDO $$ BEGIN\n  CREATE TABLE d (id BIGSERIAL PRIMARY KEY, v VARCHAR(3));\nEND $$;\n",
    );
    text.push_str("CREATE TABLE last (v VARCHAR(3)); -- schema-lint: ignore prefer-text\n");
    scratch.write("m/0001_a.sql", &text);
    let (code, document) = lint_json(
        scratch.path(),
        &["--select", "prefer-text,unused-suppression", "m"],
    );
    assert_eq!((code, positions(&document)), (0, vec![]));
}

/// A 20,000-character table name and 3,000 findings that name it: every
/// message carried the whole name (362 MB of JSON from 113 KB); names and
/// messages are now shortened around an ellipsis.
#[test]
fn long_names_are_shortened_in_findings() {
    let scratch = Scratch::new();
    let columns: Vec<String> = (0..1_500).map(|i| format!("a{i} VARCHAR(3)")).collect();
    let (columns, long) = (columns.join(", "), "x".repeat(20_000));
    let text = format!(
        "CREATE TABLE t{long} (id BIGSERIAL PRIMARY KEY, {columns});\n\
         CREATE TABLE u{long} (id BIGSERIAL PRIMARY KEY, {columns});\n"
    );
    scratch.write("m/0001_t.sql", &text);
    let output = schema_lint(scratch.path())
        .args(["--format", "json", "--select", "prefer-text", "m"])
        .output()
        .expect("run");
    assert!(
        output.stdout.len() < 3_000 * 2_000,
        "{} bytes",
        output.stdout.len()
    );
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    let first = &document["diagnostics"][0];
    let message = first["message"].as_str().unwrap_or("");
    assert!(message.starts_with("column `txxx"), "{message}");
    assert!(
        message.contains('…') && message.ends_with("is `VARCHAR(3)`; use TEXT"),
        "{message}"
    );
    let table = first["object"]["table"].as_str().unwrap_or("");
    assert_eq!(table.chars().count(), 200);
}

fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

// --- a file that is not SQL ----------------------------------------------------

/// A statement that fails on every line: each was a finding, so a 3 MB
/// file of them took a gigabyte of memory and printed 700 MB of JSON. A
/// file's first 100 are reported; the 101st says how many follow it.
#[test]
fn parse_errors_past_a_hundred_in_a_file_are_counted_not_listed() {
    let scratch = Scratch::new();
    scratch.write("m/0001_a.sql", "x;\n".repeat(250));
    scratch.write("m/0002_b.sql", "x;\n".repeat(101));
    let (code, document) = lint_json(scratch.path(), &["--select", "parse-error", "m"]);
    assert_eq!(code, 0, "warnings only");
    let found = messages(&document);
    assert_eq!(found.len(), 202);
    let (first, second) = found.split_at(101);
    let lines: Vec<u64> = first.iter().map(|f| f.1).collect();
    assert_eq!(lines, (1..=101).collect::<Vec<u64>>());
    assert!(
        first[100].2.ends_with(
            "; 149 more statements after it do not parse either and are not reported \
             (a file's first 100 parse errors are reported one by one)"
        ),
        "{:?}",
        first[100]
    );
    assert!(
        first[..100]
            .iter()
            .all(|f| !f.2.contains("more statements"))
    );
    // Exactly one past the hundred: reported as any other.
    assert!(
        second.iter().all(|f| !f.2.contains("more statements")),
        "{second:?}"
    );
}

/// A directive written for a statement past the hundredth still finds its
/// finding (and so is not unused); `ignore-file` still silences them all.
#[test]
fn parse_errors_named_by_a_directive_are_reported_past_the_hundred() {
    let scratch = Scratch::new();
    let mut text = "x;\n".repeat(199);
    text.push_str("-- schema-lint: ignore parse-error -- kept on purpose\nx;\n");
    text.push_str(&"x;\n".repeat(50));
    text.push_str("y; -- schema-lint: ignore parse-error\n");
    scratch.write("m/0001_a.sql", &text);
    scratch.write(
        "m/0002_b.sql",
        format!(
            "-- schema-lint: ignore-file parse-error\n{}",
            "x;\n".repeat(300)
        ),
    );
    let select = ["--select", "parse-error,unused-suppression", "m"];
    let (_, document) = lint_json(scratch.path(), &select);
    let found = messages(&document);
    assert_eq!(found.len(), 101, "{found:?}");
    assert!(found.iter().all(|f| f.0 == "parse-error"), "{found:?}");
    // 251 statements fail: 100 listed, 2 named (and suppressed), the 101st
    // counts the 148 others after it.
    assert!(
        found[100].2.contains("; 148 more statements after it"),
        "{:?}",
        found[100]
    );
}

/// `EXPLAIN EXPLAIN … SELECT 1`, 6,000 deep, in a set of several files (so
/// that it is read on a worker thread): the second grammar's recursion
/// overflowed the thread's stack and aborted the run (found by the fuzzer).
/// It is read on a thread with stack enough, and is a syntax error.
#[test]
fn a_long_chain_the_grammar_recurses_on_does_not_crash() {
    let scratch = Scratch::new();
    let chain = format!("{}SELECT 1;\n", "EXPLAIN ".repeat(6_000));
    scratch.write("m/0001_a.sql", chain);
    for i in 2..6 {
        let table = format!("CREATE TABLE t{i}s (id BIGINT PRIMARY KEY);\n");
        scratch.write(&format!("m/000{i}_b.sql"), table);
    }
    let (code, document) = lint_json(scratch.path(), &["--select", "parse-error", "m"]);
    assert_eq!(code, 0, "{document}");
    let found = messages(&document);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!((found[0].0.as_str(), found[0].1), ("parse-error", 1));
}
