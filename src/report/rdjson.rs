//! `--format rdjson`: reviewdog's Diagnostic Format (the JSON form of its
//! `DiagnosticResult` message), for `reviewdog -f=rdjson`.
//!
//! One deliberate difference from the other formats: rdjson counts columns
//! in UTF-8 bytes (its specification's example: in `a𐐀b`, `b` is column 6),
//! so this format converts our character columns to byte columns; on ASCII
//! lines they are the same. Ends are exclusive, as everywhere.

use serde::Serialize;

use super::{HOMEPAGE, ci_path, message_with_help, rule_url, worst};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Outcome;
use crate::source::SourceFile;

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
    range: Range,
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
    url: String,
}

pub fn render(outcome: &Outcome) -> String {
    let result = DiagnosticResult {
        source: Source {
            name: "schema-lint",
            url: HOMEPAGE,
        },
        severity: worst(&outcome.diagnostics).map(severity),
        diagnostics: outcome
            .diagnostics
            .iter()
            .map(|d| diagnostic(outcome, d))
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
            range: Range {
                start: byte_position(source, d.span.start),
                end: byte_position(source, d.span.end),
            },
        },
        severity: severity(d.severity),
        code: Code {
            value: d.rule,
            url: rule_url(d.rule),
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
    let offset = offset.min(source.text.len());
    let before = &source.text.as_bytes()[..offset];
    let line_start = before
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    LineColumn {
        line: source.line_col(offset).line,
        column: offset - line_start + 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_count_bytes() {
        // The example of reviewdog's specification, on the second line.
        let source = SourceFile::new("x.sql".into(), "x\na𐐀b\n".to_string());
        let b = source.text.find('b').unwrap_or(0);
        let p = byte_position(&source, b);
        assert_eq!((p.line, p.column), (2, 6));
        let end = byte_position(&source, usize::MAX);
        assert_eq!((end.line, end.column), (3, 1));
    }
}
