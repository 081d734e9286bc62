//! `--format github`: GitHub Actions workflow commands. Each line printed by
//! a step becomes an annotation on the pull request's diff:
//!
//! `::error file=<path>,line=<l>,col=<c>,endLine=<l>,endColumn=<c>,title=<rule>::<message>`
//!
//! Severities map to `error`, `warning` and `notice`. Values are escaped as
//! the runner unescapes them, so a message can never end the command early
//! or inject another one.

use std::fmt::Write;

use super::{ci_display, ci_path, position, visible};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Outcome;
use crate::source::display_path;

pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for d in &outcome.diagnostics {
        let _ = writeln!(out, "{}", command(outcome, d));
    }
    // Unreadable files are also printed to stderr; as annotations they show
    // up on the pull request, where the failed check is looked at.
    for error in &outcome.input_errors {
        let _ = writeln!(
            out,
            "::error file={},title=schema-lint::{}",
            escape_property(&visible(&ci_display(&display_path(&error.path)))),
            escape_data(&visible(&error.message))
        );
    }
    out
}

fn command(outcome: &Outcome, d: &Diagnostic) -> String {
    let Some(p) = position(outcome, d) else {
        // A database object is no file of the repository: an annotation
        // without a file, its object before the message.
        return format!(
            "::{} title={}::{}",
            kind(d.severity),
            escape_property(d.rule.name()),
            escape_data(&format!("{}: {}", visible(&ci_path(outcome, d)), text(d)))
        );
    };
    format!(
        "::{} file={},line={},col={},endLine={},endColumn={},title={}::{}",
        kind(d.severity),
        escape_property(&visible(&ci_path(outcome, d))),
        p.line,
        p.column,
        p.end_line,
        p.end_column,
        escape_property(d.rule.name()),
        escape_data(&text(d))
    )
}

/// The message, then the help on its own line; control characters from the
/// input (a NUL in a name) shown visibly, as the runner would print them raw.
fn text(d: &Diagnostic) -> String {
    match &d.help {
        Some(help) => format!("{}\nhelp: {}", visible(&d.message), visible(help)),
        None => visible(&d.message).into_owned(),
    }
}

fn kind(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "notice",
    }
}

/// The message part (after `::`): `%` first, so that the escapes added for
/// line breaks are not escaped again.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// A property value (`file=…`): additionally `:` and `,`, which would end
/// the value.
fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn data_escapes_percent_first() {
        assert_eq!(escape_data("100%\r\nnext"), "100%25%0D%0Anext");
        assert_eq!(escape_data("a: b, c"), "a: b, c");
    }

    #[test]
    fn properties_escape_separators() {
        assert_eq!(
            escape_property("m/1_a,b:c%/up.sql"),
            "m/1_a%2Cb%3Ac%25/up.sql"
        );
    }
}
