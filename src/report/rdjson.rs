//! `--format rdjson`: reviewdog's Diagnostic Format (the JSON form of its
//! `DiagnosticResult` message), for `reviewdog -f=rdjson`.
//!
//! One deliberate difference from the other formats: rdjson counts columns
//! in UTF-8 bytes (its specification's example: in `a𐐀b`, `b` is column 6),
//! so this format converts our character columns to byte columns; on ASCII
//! lines they are the same. Ends are exclusive, as everywhere.

use serde::Serialize;

use super::{HOMEPAGE, ci_display, ci_path, message_with_help, rule_url, worst};
use crate::diagnostic::{Diagnostic, InputError, Severity};
use crate::lint::Outcome;
use crate::source::{SourceFile, display_path};

#[derive(Serialize)]
struct DiagnosticResult<'a> {
    source: Source,
    /// The overall severity: the worst finding's; absent when there is none.
    #[serde(skip_serializing_if = "Option::is_none")]
    severity: Option<&'static str>,
    diagnostics: Vec<RdDiagnostic<'a>>,
}

#[derive(Serialize)]
struct Source {
    name: &'static str,
    url: &'static str,
}

#[derive(Serialize)]
struct RdDiagnostic<'a> {
    message: String,
    location: Location,
    severity: &'static str,
    code: Code<'a>,
}

#[derive(Serialize)]
struct Location {
    path: String,
    /// Absent for a file that could not be read: the diagnostic is about
    /// the whole file.
    #[serde(skip_serializing_if = "Option::is_none")]
    range: Option<Range>,
}

#[derive(Serialize)]
struct Range {
    start: LineColumn,
    end: LineColumn,
}

#[derive(Serialize)]
struct LineColumn {
    line: usize,
    column: usize,
}

#[derive(Serialize)]
struct Code<'a> {
    value: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    url: Option<String>,
}

/// The code of a path that could not be read (not a rule): the run fails
/// with exit code 2, so reviewdog must show it.
const INPUT_ERROR: &str = "input-error";

pub fn render(outcome: &Outcome) -> String {
    let result = DiagnosticResult {
        source: Source {
            name: "schema-lint",
            url: HOMEPAGE,
        },
        severity: if outcome.input_errors.is_empty() {
            worst(&outcome.diagnostics).map(severity)
        } else {
            Some(severity(Severity::Error))
        },
        diagnostics: outcome
            .diagnostics
            .iter()
            .map(|d| diagnostic(outcome, d))
            .chain(outcome.input_errors.iter().map(input_error))
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&result).unwrap_or_default();
    text.push('\n');
    text
}

fn diagnostic<'a>(outcome: &Outcome, d: &'a Diagnostic) -> RdDiagnostic<'a> {
    let source = &outcome.project.file(d.file).source;
    RdDiagnostic {
        message: message_with_help(d),
        location: Location {
            path: ci_path(outcome, d),
            // A database object: its `db:` path, no range.
            range: super::position(outcome, d).map(|_| Range {
                start: byte_position(source, d.span.start),
                end: byte_position(source, d.span.end),
            }),
        },
        severity: severity(d.severity),
        code: Code {
            value: d.rule.name(),
            url: Some(rule_url(d.rule.name())),
        },
    }
}

fn input_error<'a>(error: &InputError) -> RdDiagnostic<'a> {
    RdDiagnostic {
        message: error.message.clone(),
        location: Location {
            path: ci_display(&display_path(&error.path)),
            range: None,
        },
        severity: severity(Severity::Error),
        code: Code {
            value: INPUT_ERROR,
            url: None,
        },
    }
}

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "ERROR",
        Severity::Warning => "WARNING",
        Severity::Info => "INFO",
    }
}

/// 1-based line and 1-based UTF-8 byte column of a byte offset (clamped to
/// the text, like `SourceFile::line_col`).
fn byte_position(source: &SourceFile, offset: usize) -> LineColumn {
    let offset = offset.min(source.text_len());
    LineColumn {
        line: source.line_index(offset) + 1,
        column: offset - source.line_start(offset) + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_bytes() {
        // The example of reviewdog's specification, on the second line.
        let source = SourceFile::new(std::path::Path::new("x.sql"), "x\na𐐀b\n".to_string());
        let b = source.text().find('b').unwrap_or(0);
        let p = byte_position(&source, b);
        assert_eq!((p.line, p.column), (2, 6));
        let end = byte_position(&source, usize::MAX);
        assert_eq!((end.line, end.column), (3, 1));
    }
}
