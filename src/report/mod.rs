//! Pipeline step 6: reporting in the format the user chose.
//!
//! Every format prints the same 1-based positions (columns in characters,
//! ends exclusive), computed here once.

mod concise;
mod full;
mod json;

use clap::ValueEnum;

use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Outcome;
use crate::source::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with the offending tokens underlined.
    Full,
    /// One line per finding: `path:line:col: severity[rule] message`.
    Concise,
    /// The JSON document described in the README.
    Json,
}

/// How output looks on this terminal.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
}

pub fn render(outcome: &Outcome, format: Format, style: Style) -> String {
    match format {
        Format::Full => full::render(outcome, style),
        Format::Concise => concise::render(outcome),
        Format::Json => json::render(outcome),
    }
}

/// Start and end of a finding, 1-based; the end is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Position {
    pub fn of(source: &SourceFile, span: &std::ops::Range<usize>) -> Position {
        let start = source.line_col(span.start);
        let end = source.line_col(span.end);
        Position {
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

pub fn position(outcome: &Outcome, diagnostic: &Diagnostic) -> Position {
    Position::of(
        &outcome.project.file(diagnostic.file).source,
        &diagnostic.span,
    )
}

pub fn path(outcome: &Outcome, diagnostic: &Diagnostic) -> String {
    outcome.project.file(diagnostic.file).source.display_path()
}

/// Findings per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Counts {
        let mut counts = Counts::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => counts.error += 1,
                Severity::Warning => counts.warning += 1,
                Severity::Info => counts.info += 1,
            }
        }
        counts
    }
}

/// `3 errors, 1 warning in 12 files`.
pub fn summary(outcome: &Outcome) -> String {
    let counts = Counts::of(&outcome.diagnostics);
    let files = plural(outcome.files_checked(), "file", "files");
    let mut parts = Vec::new();
    if counts.error > 0 {
        parts.push(plural(counts.error, "error", "errors"));
    }
    if counts.warning > 0 {
        parts.push(plural(counts.warning, "warning", "warnings"));
    }
    if counts.info > 0 {
        parts.push(format!("{} info", counts.info));
    }
    let mut line = if parts.is_empty() {
        format!("no problems found in {files}")
    } else {
        format!("{} in {files}", parts.join(", "))
    };
    if !outcome.input_errors.is_empty() {
        line.push_str(&format!(
            "; {} could not be read",
            plural(outcome.input_errors.len(), "path", "paths")
        ));
    }
    line
}

fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}
