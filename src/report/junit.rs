//! `--format junit`: JUnit XML, for CI systems that show test reports
//! (GitLab, Jenkins, Azure Pipelines, ...).
//!
//! Every checked file is a test case, so a clean file shows as a passing
//! test; each finding is a `<failure>` of its file's test case. `tests`
//! counts test cases and `failures` the test cases that failed (as JUnit
//! readers compute pass rates from `tests - failures`); the number of
//! findings is the number of `<failure>` elements. A file that could not be
//! read is a test case with an `<error>`.

use std::fmt::Write;

use super::{ci_display, position};
use crate::diagnostic::{Diagnostic, InputError};
use crate::lint::Outcome;
use crate::load::LoadedFile;
use crate::source::display_path;

pub fn render(outcome: &Outcome) -> String {
    let files: Vec<&LoadedFile> = outcome
        .project
        .files
        .iter()
        .filter(|f| f.reported())
        .collect();
    let failing = files
        .iter()
        .filter(|f| outcome.diagnostics.iter().any(|d| d.file == f.id))
        .count();
    let tests = files.len() + outcome.input_errors.len();
    let errors = outcome.input_errors.len();
    let counts = format!(r#"tests="{tests}" failures="{failing}" errors="{errors}""#);

    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(out, r#"<testsuites name="schema-lint" {counts}>"#);
    let _ = writeln!(
        out,
        r#"  <testsuite name="schema-lint" {counts} skipped="0">"#
    );
    for file in files {
        test_case(&mut out, outcome, file);
    }
    for error in &outcome.input_errors {
        error_case(&mut out, error);
    }
    out.push_str("  </testsuite>\n</testsuites>\n");
    out
}

fn test_case(out: &mut String, outcome: &Outcome, file: &LoadedFile) {
    let path = escape(&ci_display(&file.source.display_path()));
    let findings: Vec<&Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| d.file == file.id)
        .collect();
    let open = format!(r#"    <testcase name="{path}" classname="schema-lint" file="{path}""#);
    if findings.is_empty() {
        let _ = writeln!(out, "{open}/>");
        return;
    }
    let _ = writeln!(out, "{open}>");
    for d in findings {
        failure(out, outcome, d);
    }
    out.push_str("    </testcase>\n");
}

/// `<failure type="rule" message="message">path:line:col: severity[rule] message
/// help: …</failure>`: the body repeats the message with its place, so a
/// reader that shows only bodies still says where.
fn failure(out: &mut String, outcome: &Outcome, d: &Diagnostic) {
    // The database's test case holds a failure per object, each body
    // starting with its `db:` object.
    let place = match position(outcome, d) {
        Some(p) => format!("{}:{}:{}", super::ci_path(outcome, d), p.line, p.column),
        None => super::ci_path(outcome, d),
    };
    let mut body = format!("{place}: {}[{}] {}", d.severity, d.rule, d.message);
    if let Some(help) = &d.help {
        body.push_str("\nhelp: ");
        body.push_str(help);
    }
    let _ = writeln!(
        out,
        r#"      <failure type="{}" message="{}">{}</failure>"#,
        escape(d.rule.name()),
        escape(&d.message),
        escape_text(&body)
    );
}

fn error_case(out: &mut String, error: &InputError) {
    let path = escape(&ci_display(&display_path(&error.path)));
    let _ = writeln!(
        out,
        r#"    <testcase name="{path}" classname="schema-lint" file="{path}">"#
    );
    let _ = writeln!(
        out,
        r#"      <error type="input" message="{}"/>"#,
        escape(&error.message)
    );
    out.push_str("    </testcase>\n");
}

/// Escapes text for an attribute value. Line breaks and tabs become
/// character references, because an XML parser turns literal ones in
/// attributes into spaces.
fn escape(text: &str) -> String {
    escape_with(text, true)
}

/// Escapes element content, where line breaks and tabs survive as they
/// are (a `\r` still needs a reference: parsers fold `\r\n` into `\n`).
fn escape_text(text: &str) -> String {
    escape_with(text, false)
}

/// Characters XML 1.0 cannot carry at all, even escaped (other control
/// characters), become U+FFFD.
fn escape_with(text: &str, attribute: bool) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            '\r' => out.push_str("&#13;"),
            '\n' if attribute => out.push_str("&#10;"),
            '\t' if attribute => out.push_str("&#9;"),
            '\n' | '\t' => out.push(c),
            c if is_xml_char(c) => out.push(c),
            _ => out.push('\u{FFFD}'),
        }
    }
    out
}

/// XML 1.0's `Char` production (tab, line breaks handled by the caller).
fn is_xml_char(c: char) -> bool {
    matches!(c, '\u{20}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}' | '\u{10000}'..)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_control_characters() {
        assert_eq!(
            escape("a<b>&\"c\" 'd'\n\u{1}é"),
            "a&lt;b&gt;&amp;&quot;c&quot; &apos;d&apos;&#10;\u{FFFD}é"
        );
        assert_eq!(escape_text("a\r\n\tb<"), "a&#13;\n\tb&lt;");
    }
}
