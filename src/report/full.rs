//! `--format full`: miette's graphical report, one per finding, then a
//! summary line.

use std::collections::HashMap;
use std::fmt::Write;
use std::sync::Arc;

use miette::{
    GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, NamedSource, Report,
};

use super::{Style, position, summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Outcome;
use crate::source::FileId;

/// A statement longer than this is underlined by its first line only in
/// this format (the JSON keeps the whole range): a 300-line function body
/// in the terminal helps nobody.
const MAX_LINES: usize = 6;

pub fn render(outcome: &Outcome, style: Style) -> String {
    let theme = if style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_links(false);
    let mut sources: HashMap<FileId, Arc<String>> = HashMap::new();
    let mut out = String::new();
    for diagnostic in &outcome.diagnostics {
        let source = sources
            .entry(diagnostic.file)
            .or_insert_with(|| Arc::new(outcome.project.file(diagnostic.file).source.text.clone()))
            .clone();
        let report = report(outcome, diagnostic, source);
        if handler.render_report(&mut out, report.as_ref()).is_err() {
            // Rendering into a String cannot fail; fall back to one line.
            let p = position(outcome, diagnostic);
            let _ = writeln!(out, "{}:{}: {}", p.line, p.column, diagnostic.message);
        }
        out.push('\n');
    }
    out.push_str(&super::sets::set_lines(&outcome.project));
    let _ = writeln!(out, "{}", summary(outcome));
    out
}

fn report(outcome: &Outcome, diagnostic: &Diagnostic, source: Arc<String>) -> Report {
    let file = outcome.project.file(diagnostic.file);
    let mut labels = vec![LabeledSpan::new_primary_with_span(
        None,
        shown_span(&file.source, &diagnostic.span),
    )];
    let mut notes = Vec::new();
    for related in &diagnostic.related {
        if related.origin.file == diagnostic.file {
            labels.push(LabeledSpan::new_with_span(
                Some(related.message.clone()),
                related.origin.span.clone(),
            ));
        } else {
            let other = &outcome.project.file(related.origin.file).source;
            let p = super::Position::of(other, &related.origin.span);
            notes.push(format!(
                "{}: {}:{}:{}",
                related.message,
                other.display_path(),
                p.line,
                p.column
            ));
        }
    }
    let mut help = diagnostic.help.clone().unwrap_or_default();
    for note in notes {
        if !help.is_empty() {
            help.push('\n');
        }
        help.push_str(&note);
    }
    let mut miette = MietteDiagnostic::new(diagnostic.message.clone())
        .with_code(diagnostic.rule)
        .with_severity(match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
        .with_labels(labels);
    if !help.is_empty() {
        miette = miette.with_help(help);
    }
    let name = file.source.display_path();
    Report::new(miette).with_source_code(NamedSource::new(name, source))
}

/// The span to underline: the finding's, or the first line of a long one.
fn shown_span(
    source: &crate::source::SourceFile,
    span: &std::ops::Range<usize>,
) -> std::ops::Range<usize> {
    let start = source.line_col(span.start).line;
    let end = source.line_col(span.end).line;
    if end - start < MAX_LINES {
        return span.clone();
    }
    let line_end = source
        .text
        .get(span.start..)
        .and_then(|rest| rest.find('\n'))
        .map(|i| span.start + i)
        .unwrap_or(span.end);
    span.start..line_end.min(span.end)
}
