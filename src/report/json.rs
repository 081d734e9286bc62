//! `--format json`: the documented, versioned JSON document.

use std::io::Write;

use serde::Serialize;

use super::{Counts, path, position};
use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::lint::Outcome;
use crate::source::display_path;

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    files_checked: usize,
    diagnostics: Diagnostics<'a>,
    summary: Summary,
    /// Paths that could not be read (exit code 2).
    errors: Vec<JsonError>,
    /// The migration sets read, each with its files in migration order.
    sets: Vec<super::sets::JsonSet<'a>>,
    /// The live database read (`schema-lint db`).
    #[serde(skip_serializing_if = "Option::is_none")]
    database: Option<JsonDatabase>,
}

/// The findings, each turned into its JSON form as it is written: a run
/// with a hundred thousand findings holds no second copy of them.
struct Diagnostics<'a>(&'a Outcome);

impl Serialize for Diagnostics<'_> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let outcome = self.0;
        serializer.collect_seq(outcome.diagnostics.iter().map(|d| diagnostic(outcome, d)))
    }
}

#[derive(Serialize)]
struct JsonDatabase {
    /// `null` when it could not be read (see `errors`).
    name: Option<String>,
    tables: usize,
}

#[derive(Serialize)]
struct JsonDiagnostic<'a> {
    path: String,
    rule: &'a str,
    severity: Severity,
    message: &'a str,
    help: Option<&'a str>,
    // Absent for a finding located at a database object (`schema-lint
    // db`): its `path` is `db:` and the object.
    #[serde(skip_serializing_if = "Option::is_none")]
    line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_line: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    end_column: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_start: Option<usize>,
    #[serde(skip_serializing_if = "Option::is_none")]
    byte_end: Option<usize>,
    object: Option<&'a ObjectRef>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related: Vec<JsonRelated<'a>>,
}

#[derive(Serialize)]
struct JsonRelated<'a> {
    path: String,
    message: &'a str,
    line: usize,
    column: usize,
    end_line: usize,
    end_column: usize,
}

#[derive(Serialize)]
struct Summary {
    error: usize,
    warning: usize,
    info: usize,
}

#[derive(Serialize)]
struct JsonError {
    path: String,
    message: String,
}

pub fn render(outcome: &Outcome) -> String {
    let mut out = Vec::new();
    // Writing into memory fails only if serialization does, which the
    // document's types do not.
    let _ = write(outcome, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the document to `out` as it is made (pretty-printed, ending with
/// a line break).
pub fn write(outcome: &Outcome, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let counts = Counts::of(&outcome.diagnostics);
    let document = Document {
        version: 1,
        files_checked: outcome.files_checked(),
        diagnostics: Diagnostics(outcome),
        summary: Summary {
            error: counts.error,
            warning: counts.warning,
            info: counts.info,
        },
        errors: outcome
            .input_errors
            .iter()
            .map(|e| JsonError {
                path: display_path(&e.path),
                message: e.message.clone(),
            })
            .collect(),
        sets: super::sets::json_sets(&outcome.project),
        database: outcome.database.as_ref().map(|d| JsonDatabase {
            name: (!d.name.is_empty()).then(|| d.name.clone()),
            tables: d.tables,
        }),
    };
    // serde_json writes a few bytes at a time: into a buffer of its own
    // type rather than through `dyn Write` for each.
    let mut buffered = std::io::BufWriter::with_capacity(1 << 16, out);
    serde_json::to_writer_pretty(&mut buffered, &document)?;
    buffered.write_all(b"\n")?;
    buffered.flush()
}

fn diagnostic<'a>(outcome: &'a Outcome, d: &'a Diagnostic) -> JsonDiagnostic<'a> {
    let p = position(outcome, d);
    let source = &outcome.project.file(d.file).source;
    JsonDiagnostic {
        path: path(outcome, d),
        rule: d.rule.name(),
        severity: d.severity,
        message: &d.message,
        help: d.help.as_deref(),
        line: p.map(|p| p.line),
        column: p.map(|p| p.column),
        end_line: p.map(|p| p.end_line),
        end_column: p.map(|p| p.end_column),
        byte_start: p.map(|_| source.file_offset(d.span.start)),
        byte_end: p.map(|_| source.file_offset(d.span.end)),
        object: d.object.as_deref(),
        related: d
            .related_places()
            .iter()
            .map(|r| {
                let source = &outcome.project.file(r.origin.file()).source;
                let p = super::Position::of(source, &r.origin.span());
                JsonRelated {
                    path: source.display_path(),
                    message: &r.message,
                    line: p.line,
                    column: p.column,
                    end_line: p.end_line,
                    end_column: p.end_column,
                }
            })
            .collect(),
    }
}
