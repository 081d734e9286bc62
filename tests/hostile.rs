//! Hostile input (issue 11): huge lines, wide tables, control characters,
//! devices and FIFOs as config or baseline, odd command lines. Each test
//! failed (or never finished) before its fix.

mod common;

use common::{Scratch, lint_json, positions, schema_lint};

fn run(dir: &std::path::Path, args: &[&str]) -> (i32, String, String) {
    let output = schema_lint(dir).args(args).output().expect("run");
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
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
    let columns: String = (0..60_000).map(|i| format!(" c{i} TEXT,")).collect();
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

/// 3,000 findings on one 50 KB line: `full` printed the whole line for each
/// (238 MB); now a window of it, so the output grows with the findings only.
#[test]
fn full_output_is_linear_in_findings_on_a_huge_line() {
    let scratch = Scratch::new();
    let columns: Vec<String> = (0..3_000).map(|i| format!("a{i} VARCHAR(3)")).collect();
    let text = format!(
        "CREATE TABLE t (id BIGSERIAL PRIMARY KEY, {});\n",
        columns.join(", ")
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
