//! `--format full`: miette's graphical report, one per finding, then a
//! summary line.
//!
//! miette is given an `Excerpt` of the file per finding, never the whole
//! file: the cost of a finding does not grow with the file, a very long
//! line is shown as a window around the finding, and the header's column
//! counts characters like every other format.

use std::fmt::Write;
use std::ops::Range;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, Report};

use super::excerpt::{CONTEXT_LINES, Excerpt};
use super::{Position, View, position, statistics, summary, visible};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Outcome;
use crate::source::SourceFile;

/// A statement longer than this is underlined by its first line only in
/// this format (the JSON keeps the whole range): a 300-line function body
/// in the terminal helps nobody.
const MAX_LINES: usize = 6;

pub fn render(outcome: &Outcome, view: &View) -> String {
    let theme = if view.style.color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme)
        .with_width(100)
        .with_context_lines(CONTEXT_LINES)
        .with_links(false);
    let mut out = String::new();
    for diagnostic in &outcome.diagnostics {
        let report = report(outcome, diagnostic);
        if handler.render_report(&mut out, report.as_ref()).is_err() {
            // Rendering into a String cannot fail; fall back to one line.
            let p = position(outcome, diagnostic);
            let _ = writeln!(
                out,
                "{}:{}: {}",
                p.line,
                p.column,
                visible(&diagnostic.message)
            );
        }
        out.push('\n');
    }
    if !view.quiet {
        out.push_str(&ending(outcome, view));
    }
    out
}

/// After the findings: the per-rule table when there are more than a
/// handful (a long report's only overview otherwise is its last line), the
/// sets when there are several, and the summary line.
fn ending(outcome: &Outcome, view: &View) -> String {
    let mut out = String::new();
    if outcome.diagnostics.len() > statistics::HANDFUL {
        out.push_str("findings per rule:\n");
        let counts = statistics::counts(&outcome.diagnostics);
        out.push_str(&statistics::table(&counts, view.style));
        out.push('\n');
    }
    out.push_str(&super::sets::set_lines(&outcome.project));
    let _ = writeln!(out, "{}", summary(outcome, &view.hidden));
    out
}

fn report(outcome: &Outcome, diagnostic: &Diagnostic) -> Report {
    let source = &outcome.project.file(diagnostic.file).source;
    let primary = shown_span(source, &diagnostic.span);
    let here: Vec<_> = diagnostic
        .related
        .iter()
        .filter(|r| r.origin.file == diagnostic.file)
        .collect();
    let mut ranges = vec![primary.clone()];
    ranges.extend(here.iter().map(|r| shown_span(source, &r.origin.span)));
    let excerpt = Excerpt::new(source, &ranges);

    let mut labels = Vec::new();
    if let Some(span) = excerpt.span_of(source, &primary) {
        labels.push(LabeledSpan::new_primary_with_span(None, span));
    }
    let mut notes = Vec::new();
    for related in &diagnostic.related {
        let shown = (related.origin.file == diagnostic.file)
            .then(|| excerpt.span_of(source, &shown_span(source, &related.origin.span)))
            .flatten();
        match shown {
            Some(span) => labels.push(LabeledSpan::new_with_span(
                Some(visible(&related.message).into_owned()),
                span,
            )),
            // In another file, or on a long line outside the window shown.
            None => {
                let other = &outcome.project.file(related.origin.file).source;
                let p = Position::of(other, &related.origin.span);
                notes.push(format!(
                    "{}: {}:{}:{}",
                    visible(&related.message),
                    visible(&other.display_path()),
                    p.line,
                    p.column
                ));
            }
        }
    }
    let mut help: Vec<String> = diagnostic
        .help
        .iter()
        .map(|h| visible(h).into_owned())
        .collect();
    help.extend(notes);
    let mut miette = MietteDiagnostic::new(visible(&diagnostic.message).into_owned())
        .with_code(diagnostic.rule)
        .with_severity(match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
        .with_labels(labels);
    if !help.is_empty() {
        miette = miette.with_help(help.join("\n"));
    }
    Report::new(miette).with_source_code(excerpt)
}

/// The span to underline: the finding's, or the first line of a long one.
fn shown_span(source: &SourceFile, span: &Range<usize>) -> Range<usize> {
    let start = source.line_index(span.start.min(source.text.len()));
    let end = source.line_index(span.end.min(source.text.len()));
    if end.saturating_sub(start) < MAX_LINES {
        return span.clone();
    }
    let line_end = source.line_range(start).end;
    span.start..line_end.min(span.end).max(span.start)
}
