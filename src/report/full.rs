//! `--format full`: miette's graphical report, one per finding, then a
//! summary line.
//!
//! miette is given an `Excerpt` of the file per finding, never the whole
//! file: the cost of a finding does not grow with the file, a very long
//! line is shown as a window around the finding, and the header's column
//! counts characters like every other format.

use std::fmt::Write;
use std::ops::Range;

use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic};

mod common;

use super::excerpt::{CONTEXT_LINES, Excerpt};
use super::wrap::{Indents, Prewrap, Wrapped};
use super::{Position, View, position, statistics, summary, visible};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Outcome;
use crate::source::SourceFile;

/// A statement longer than this is underlined by its first line only in
/// this format (the JSON keeps the whole range): a 300-line function body
/// in the terminal helps nobody.
const MAX_LINES: usize = 6;

pub fn render(outcome: &Outcome, view: &View) -> String {
    let mut drawer = Drawer::new(view.style.color);
    let mut out = String::new();
    for diagnostic in &outcome.diagnostics {
        if let Some(object) = diagnostic.db_object() {
            out.push_str(&object_report(outcome, diagnostic, object, view));
            out.push('\n');
            continue;
        }
        let report = report(outcome, diagnostic);
        if drawer.draw(&mut out, report).is_err() {
            // Rendering into a String cannot fail; fall back to one line.
            let p = position(outcome, diagnostic).unwrap_or(Position {
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
            });
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

/// The width miette's reports are drawn to.
const WIDTH: usize = 100;

/// Draws findings as miette's graphical handler does, without paying for
/// its wrapping of every message and help text (a third of the cost of
/// drawing a finding).
///
/// The drawer breaks each text into lines itself, exactly where miette
/// would (`wrap::Prewrap`), and hands the lines to a miette handler that
/// does not wrap: that handler indents each line as the wrapping one does,
/// so the bytes are the same. A text whose lines it would indent otherwise
/// (a blank line) is drawn by the wrapping handler instead.
struct Drawer {
    wrapping: GraphicalReportHandler,
    plain: GraphicalReportHandler,
    /// Draws the common finding as `plain` does, without miette.
    common: common::Common,
    prewrap: Prewrap,
    /// The display widths of the first and later lines' indents of a
    /// message ("  × ", "  │ "), by severity, and of a help text.
    message_indents: [Indents; 3],
    help_indents: Indents,
}

impl Drawer {
    fn new(color: bool) -> Drawer {
        let theme = if color {
            GraphicalTheme::unicode()
        } else {
            GraphicalTheme::unicode_nocolor()
        };
        let chars = &theme.characters;
        let width = textwrap::core::display_width;
        let rest = width(&format!("  {} ", chars.vbar));
        let message_indents = [&chars.error, &chars.warning, &chars.advice]
            .map(|icon| (width(&format!("  {icon} ")), rest));
        let common = common::Common::new(&theme);
        let wrapping = GraphicalReportHandler::new_themed(theme)
            .with_width(WIDTH)
            .with_context_lines(CONTEXT_LINES)
            .with_links(false);
        Drawer {
            plain: wrapping.clone().with_wrap_lines(false),
            common,
            wrapping,
            prewrap: Prewrap::default(),
            message_indents,
            help_indents: (width("  help: "), width("        ")),
        }
    }

    fn draw(&mut self, out: &mut String, mut drawn: Drawn) -> std::fmt::Result {
        let diagnostic = &drawn.diagnostic;
        let indents = self.message_indents[match diagnostic.severity {
            Some(miette::Severity::Error) | None => 0,
            Some(miette::Severity::Warning) => 1,
            Some(miette::Severity::Advice) => 2,
        }];
        let Some(message) = self.lines(&diagnostic.message, indents) else {
            return self.wrapping.render_report(out, &drawn);
        };
        let help = match &diagnostic.help {
            Some(help) => match self.lines(help, self.help_indents) {
                Some(lines) => lines,
                None => return self.wrapping.render_report(out, &drawn),
            },
            None => None,
        };
        if let Some(message) = message {
            drawn.diagnostic.message = message;
        }
        if help.is_some() {
            drawn.diagnostic.help = help;
        }
        if self.common.draw(out, &drawn) {
            return Ok(());
        }
        self.plain.render_report(out, &drawn)
    }

    /// A text broken into miette's lines: `Some(None)` when it stays as it
    /// is, None when only the wrapping handler draws it right.
    fn lines(&mut self, text: &str, indents: Indents) -> Option<Option<String>> {
        match self.prewrap.lines(text, super::wrap::room(WIDTH), indents) {
            Wrapped::Whole => Some(None),
            Wrapped::Lines(lines) => Some(Some(lines.to_string())),
            Wrapped::Unknown => None,
        }
    }
}

/// A finding in a live database (`schema-lint db`), drawn like miette's
/// reports: the object instead of `file:line:column`, and the line of the
/// DDL the catalog was read as, with what the finding concerns underlined.
fn object_report(outcome: &Outcome, d: &Diagnostic, object: &str, view: &View) -> String {
    let style = view.style;
    let source = &outcome.project.file(d.file).source;
    let mut out = String::new();
    let (mark, color) = match d.severity {
        Severity::Error => ("×", super::severity_color(Severity::Error)),
        Severity::Warning => ("⚠", super::severity_color(Severity::Warning)),
        Severity::Info => ("☞", super::severity_color(Severity::Info)),
    };
    let _ = writeln!(out, "{}\n", super::paint(style, color, d.rule.name()));
    let _ = writeln!(
        out,
        "  {} {}",
        super::paint(style, color, mark),
        visible(&d.message)
    );
    let _ = writeln!(out, "   ╭─[{}{}]", super::DB_PREFIX, visible(object));
    let start = d.span.start.min(source.text_len());
    let line = source.line_index(start);
    let range = source.line_range(line);
    let text = source.slice(&range);
    // The column's line without the comma that separates it from the next.
    let shown = text.trim_start().trim_end_matches(',');
    let indent = text.len() - text.trim_start().len();
    if !shown.is_empty() {
        let _ = writeln!(out, "   │ {}", visible(shown));
        let end = d.span.end.min(range.end).max(start);
        let before = source
            .chars_before(start)
            .saturating_sub(source.chars_before(range.start + indent));
        let width = source
            .chars_before(end)
            .saturating_sub(source.chars_before(start))
            .max(1);
        let _ = writeln!(
            out,
            "   │ {}{}",
            " ".repeat(before),
            super::paint(style, color, &"─".repeat(width))
        );
    }
    out.push_str("   ╰────\n");
    if let Some(help) = &d.help {
        let _ = writeln!(
            out,
            "  {}: {}",
            super::paint(style, "1;36", "help"),
            visible(help)
        );
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

/// A finding as miette draws it: the diagnostic and the excerpt it
/// points into. Handed to the handler as it is: a `miette::Report` would
/// build miette's default handler for every finding (5% of a `full` run).
struct Drawn {
    diagnostic: MietteDiagnostic,
    excerpt: Excerpt,
}

impl std::fmt::Display for Drawn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Display::fmt(&self.diagnostic, f)
    }
}

impl std::fmt::Debug for Drawn {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        std::fmt::Debug::fmt(&self.diagnostic, f)
    }
}

impl std::error::Error for Drawn {}

impl miette::Diagnostic for Drawn {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diagnostic.code()
    }

    fn severity(&self) -> Option<miette::Severity> {
        self.diagnostic.severity()
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diagnostic.help()
    }

    fn url<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.diagnostic.url()
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = LabeledSpan> + '_>> {
        self.diagnostic.labels()
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        Some(&self.excerpt)
    }
}

fn report(outcome: &Outcome, diagnostic: &Diagnostic) -> Drawn {
    let source = &outcome.project.file(diagnostic.file).source;
    let primary = shown_span(source, &diagnostic.span);
    let here: Vec<_> = diagnostic
        .related_places()
        .iter()
        .filter(|r| r.origin.file() == diagnostic.file)
        .collect();
    let mut ranges = vec![primary.clone()];
    ranges.extend(here.iter().map(|r| shown_span(source, &r.origin.span())));
    let excerpt = Excerpt::new(source, &ranges);

    let mut labels = Vec::new();
    if let Some(span) = excerpt.span_of(source, &primary) {
        labels.push(LabeledSpan::new_primary_with_span(None, span));
    }
    let mut notes = Vec::new();
    for related in diagnostic.related_places() {
        let shown = (related.origin.file() == diagnostic.file)
            .then(|| excerpt.span_of(source, &shown_span(source, &related.origin.span())))
            .flatten();
        match shown {
            Some(span) => labels.push(LabeledSpan::new_with_span(
                Some(visible(&related.message).into_owned()),
                span,
            )),
            // In another file, or on a long line outside the window shown.
            None => {
                let other = &outcome.project.file(related.origin.file()).source;
                let p = Position::of(other, &related.origin.span());
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
        .with_code(diagnostic.rule.name())
        .with_severity(match diagnostic.severity {
            Severity::Error => miette::Severity::Error,
            Severity::Warning => miette::Severity::Warning,
            Severity::Info => miette::Severity::Advice,
        })
        .with_labels(labels);
    if !help.is_empty() {
        miette = miette.with_help(help.join("\n"));
    }
    Drawn {
        diagnostic: miette,
        excerpt,
    }
}

/// The span to underline: the finding's, or the first line of a long one.
fn shown_span(source: &SourceFile, span: &Range<usize>) -> Range<usize> {
    let start = source.line_index(span.start.min(source.text_len()));
    let end = source.line_index(span.end.min(source.text_len()));
    if end.saturating_sub(start) < MAX_LINES {
        return span.clone();
    }
    let line_end = source.line_range(start).end;
    span.start..line_end.min(span.end).max(span.start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::report::wrap::tests::Cases;

    fn drawn(message: String, help: Option<String>, severity: miette::Severity) -> Drawn {
        let source = SourceFile::new(
            std::path::Path::new("m.sql"),
            "CREATE TABLE t (id int);\n".into(),
        );
        let excerpt = Excerpt::new(&source, std::slice::from_ref(&(13..14)));
        let mut diagnostic = MietteDiagnostic::new(message)
            .with_code("prefer-bigint")
            .with_severity(severity)
            .with_labels(
                excerpt
                    .span_of(&source, &(13..14))
                    .map(|span| LabeledSpan::new_primary_with_span(None, span)),
            );
        diagnostic.help = help;
        Drawn {
            diagnostic,
            excerpt,
        }
    }

    /// A source of a few lines of code, mostly plain ASCII, sometimes with
    /// what only miette draws (a tab, a wide character, a carriage
    /// return, a line longer than the window shown).
    fn source_text(cases: &mut Cases) -> String {
        const PIECES: &[&str] = &[
            "CREATE TABLE users (",
            "    id BIGINT PRIMARY KEY,",
            "email VARCHAR(255) NOT NULL",
            ");",
            "",
            "-- a comment",
            "ALTER TABLE t ADD COLUMN c INT;",
            "x",
        ];
        const ODD: &[&str] = &["\tid INT,", "caf\u{e9} TEXT,", "\u{8868}", "a\r", "  "];
        let lines = 1 + cases.next(14);
        let mut text = String::new();
        for _ in 0..lines {
            match cases.next(20) {
                0 => text.push_str(ODD[cases.next(ODD.len())]),
                1 => text.push_str(&"abc ".repeat(20 + cases.next(60))),
                _ => text.push_str(PIECES[cases.next(PIECES.len())]),
            }
            text.push('\n');
        }
        if cases.next(4) == 0 {
            text.pop();
        }
        text
    }

    /// The common finding drawn without miette is drawn exactly as miette's
    /// handler that does not wrap draws it; the others are left to it.
    #[test]
    fn findings_are_drawn_as_miettes_plain_handler_draws_them() {
        let mut cases = Cases(0x0dd_ba11_f00d_cafe);
        let severities = [
            miette::Severity::Error,
            miette::Severity::Warning,
            miette::Severity::Advice,
        ];
        let (mut common, mut other) = (0, 0);
        for color in [false, true] {
            let drawer = Drawer::new(color);
            for case in 0..4000 {
                let text = source_text(&mut cases);
                let source = SourceFile::new(std::path::Path::new("db/m.sql"), text.clone());
                let start = cases.next(text.len() + 1);
                let end = (start + cases.next(40)).min(text.len());
                let excerpt = Excerpt::new(&source, std::slice::from_ref(&(start..end)));
                let label = excerpt.span_of(&source, &(start..end)).map(|span| {
                    let text = (cases.next(8) == 0).then(|| "here".to_string());
                    LabeledSpan::new_primary_with_span(text, span)
                });
                let mut diagnostic = MietteDiagnostic::new(cases.text())
                    .with_code("prefer-text")
                    .with_severity(severities[cases.next(3)])
                    .with_labels(label);
                diagnostic.help = (cases.next(3) > 0).then(|| cases.text());
                let drawn = Drawn {
                    diagnostic,
                    excerpt,
                };
                let mut expected = String::new();
                let miette_drew = drawer.plain.render_report(&mut expected, &drawn).is_ok();
                let mut out = String::new();
                if drawer.common.draw(&mut out, &drawn) {
                    common += 1;
                    assert!(miette_drew);
                    assert_eq!(
                        out, expected,
                        "case {case} (color {color}): source {text:?}, span {start}..{end}"
                    );
                } else {
                    assert!(out.is_empty(), "case {case}: wrote, then left it to miette");
                    other += 1;
                }
            }
        }
        // The cases exercise both ways of drawing.
        assert!(common > 2500, "{common} drawn without miette");
        assert!(other > 1000, "{other} left to miette");
    }

    /// The drawer's bytes are miette's wrapping handler's, whatever the
    /// texts: it breaks them itself only where that gives the same bytes.
    #[test]
    fn findings_are_drawn_as_miettes_wrapping_draws_them() {
        let mut cases = Cases(0x5eed_1234_abcd_ef01);
        let severities = [
            miette::Severity::Error,
            miette::Severity::Warning,
            miette::Severity::Advice,
        ];
        let mut prewrapped = 0;
        for color in [false, true] {
            let mut drawer = Drawer::new(color);
            for case in 0..3000 {
                let message = cases.text();
                let help = (cases.next(4) > 0).then(|| cases.text());
                let severity = severities[cases.next(3)];
                let mut expected = String::new();
                let original = drawn(message.clone(), help.clone(), severity);
                drawer
                    .wrapping
                    .render_report(&mut expected, &original)
                    .unwrap();
                let mut drawn_out = String::new();
                drawer
                    .draw(
                        &mut drawn_out,
                        drawn(message.clone(), help.clone(), severity),
                    )
                    .unwrap();
                assert_eq!(
                    drawn_out, expected,
                    "case {case} (color {color}): message {message:?}, help {help:?}"
                );
                let indents = drawer.message_indents[0];
                let room = crate::report::wrap::room(WIDTH);
                let wrapped = drawer.prewrap.lines(&message, room, indents);
                prewrapped += usize::from(wrapped != Wrapped::Unknown);
            }
        }
        // The cases exercise both ways of drawing.
        assert!(prewrapped > 1000, "{prewrapped}");
        assert!(prewrapped < 5000, "{prewrapped}");
    }
}
