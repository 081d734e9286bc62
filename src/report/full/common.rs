//! The common finding drawn byte for byte as miette's graphical handler
//! that does not wrap draws it, without miette.
//!
//! Most findings underline one range on one line of plain ASCII text,
//! without a label. miette draws such a finding through its general path
//! (every label against every line, each line rebuilt one character at a
//! time, each piece styled through a formatter), which was a seventh of a
//! `full` run over the real-world corpus. `Common` draws exactly that case
//! itself and says so; every other finding (several labels, a label with
//! text, a range over several lines, a tab, a wide or non-ASCII character,
//! a line break other than `\n`) is left to miette. The test
//! `findings_are_drawn_as_miettes_plain_handler_draws_them` holds the two
//! to the same bytes on thousands of generated findings, with and without
//! color.

use std::fmt::Write;

use miette::{GraphicalTheme, LabeledSpan, SourceCode};

use super::Drawn;
use crate::report::excerpt::CONTEXT_LINES;

/// What a style writes before and after the text it styles.
#[derive(Debug, Default, Clone)]
struct Paint {
    before: String,
    after: String,
}

impl Paint {
    /// The escape codes of `style`, as owo-colors (miette's styling) writes
    /// them around any text.
    fn of(style: owo_colors::Style) -> Paint {
        use owo_colors::OwoColorize;
        let probe = format!("{}", '\u{0}'.style(style));
        match probe.split_once('\u{0}') {
            Some((before, after)) => Paint {
                before: before.to_owned(),
                after: after.to_owned(),
            },
            None => Paint::default(),
        }
    }

    fn write(&self, out: &mut String, text: impl std::fmt::Display) {
        out.push_str(&self.before);
        let _ = write!(out, "{text}");
        out.push_str(&self.after);
    }

    fn write_str(&self, out: &mut String, text: &str) {
        out.push_str(&self.before);
        out.push_str(text);
        out.push_str(&self.after);
    }

    fn styled(&self, text: impl std::fmt::Display) -> String {
        let mut out = String::new();
        self.write(&mut out, text);
        out
    }
}

/// One drawing of a severity: the style of its code and the indents of
/// its message's first and later lines.
#[derive(Debug, Clone)]
struct Severity {
    paint: Paint,
    first_indent: String,
    rest_indent: String,
}

pub struct Common {
    severities: [Severity; 3],
    link: Paint,
    linum: Paint,
    /// The style of the first label (miette cycles through the theme's
    /// highlight styles, one per label).
    underline: Option<Paint>,
    help_indent: String,
    chars: miette::ThemeCharacters,
}

impl Common {
    pub fn new(theme: &GraphicalTheme) -> Common {
        let styles = &theme.styles;
        let chars = &theme.characters;
        let severity = |style: owo_colors::Style, icon: &str| {
            let paint = Paint::of(style);
            Severity {
                first_indent: format!("  {} ", paint.styled(icon)),
                rest_indent: format!("  {} ", paint.styled(chars.vbar)),
                paint,
            }
        };
        Common {
            severities: [
                severity(styles.error, &chars.error),
                severity(styles.warning, &chars.warning),
                severity(styles.advice, &chars.advice),
            ],
            link: Paint::of(styles.link),
            linum: Paint::of(styles.linum),
            underline: styles.highlights.first().map(|&style| Paint::of(style)),
            help_indent: Paint::of(styles.help).styled("  help: "),
            chars: chars.clone(),
        }
    }

    /// Draws `drawn` when it is the common case, and says whether it did
    /// (nothing is written when it did not).
    pub fn draw(&self, out: &mut String, drawn: &Drawn) -> bool {
        let diagnostic = &drawn.diagnostic;
        let (Some(code), None, Some([label])) = (
            &diagnostic.code,
            &diagnostic.url,
            diagnostic.labels.as_deref(),
        ) else {
            return false;
        };
        let Some(snippet) = self.snippet(&drawn.excerpt, label) else {
            return false;
        };
        let severity = &self.severities[match diagnostic.severity {
            Some(miette::Severity::Error) | None => 0,
            Some(miette::Severity::Warning) => 1,
            Some(miette::Severity::Advice) => 2,
        }];
        severity.paint.write_str(out, code);
        out.push_str("\n\n");
        indented(
            out,
            &diagnostic.message,
            &severity.first_indent,
            &severity.rest_indent,
        );
        out.push('\n');
        self.write_snippet(out, &snippet);
        if let Some(help) = &diagnostic.help {
            indented(out, help, &self.help_indent, "        ");
            out.push('\n');
        }
        true
    }

    /// Where `label` is in the excerpt, when it is the common case.
    fn snippet<'a>(&self, excerpt: &'a super::Excerpt, label: &LabeledSpan) -> Option<Snippet<'a>> {
        self.underline.as_ref()?;
        let span = label.inner();
        if label.label().is_some() || span.is_empty() {
            return None;
        }
        // The lines miette would ask for, and the header's position (from
        // where the range starts, as its own read of the range gives it).
        let context = excerpt.read_span(span, CONTEXT_LINES, CONTEXT_LINES).ok()?;
        let (at_line, at_column) = excerpt.position(span.offset())?;
        let base = context.span().offset();
        let data: &'a str = std::str::from_utf8(context.data()).ok()?;
        if !data.ends_with('\n')
            || !data
                .bytes()
                .all(|b| b == b'\n' || (b' '..=b'~').contains(&b))
        {
            return None;
        }
        let start = span.offset().checked_sub(base)?;
        let end = start + span.len();
        // The line the range starts on (its line break counts as its own),
        // which must hold the whole range.
        let line_start = data.get(..start)?.rfind('\n').map_or(0, |at| at + 1);
        let line_end = start + data.get(start..)?.find('\n')?;
        if end > line_end + 1 {
            return None;
        }
        // Columns: one a byte; a range through the line break ends one
        // column past the text.
        let from = start - line_start;
        let to = (end - line_start)
            .min(line_end - line_start + 1)
            .max(from + 1);
        Some(Snippet {
            data,
            first_number: context.line() + 1,
            line_end,
            from,
            to,
            at: (at_line + 1, at_column + 1),
            name: excerpt.name(),
        })
    }

    fn write_snippet(&self, out: &mut String, snippet: &Snippet<'_>) {
        let c = &self.chars;
        let last = snippet.first_number + snippet.data.bytes().filter(|&b| b == b'\n').count() - 1;
        let width = digits(last);
        push_n(out, ' ', width + 2);
        out.push(c.ltop);
        out.push(c.hbar);
        out.push('[');
        self.link.write(
            out,
            format_args!("{}:{}:{}", snippet.name, snippet.at.0, snippet.at.1),
        );
        out.push_str("]\n");
        let mut offset = 0;
        for (i, text) in snippet.data.split_terminator('\n').enumerate() {
            // The number is padded inside its style, as miette pads it.
            out.push(' ');
            out.push_str(&self.linum.before);
            let number = snippet.first_number + i;
            push_n(out, ' ', width.saturating_sub(digits(number)));
            let _ = write!(out, "{number}");
            out.push_str(&self.linum.after);
            out.push(' ');
            out.push(c.vbar);
            out.push(' ');
            out.push_str(text);
            out.push('\n');
            offset += text.len() + 1;
            if offset == snippet.line_end + 1 {
                push_n(out, ' ', width + 2);
                out.push(c.vbar_break);
                out.push(' ');
                if let Some(underline) = &self.underline {
                    out.push_str(&underline.before);
                    push_n(out, ' ', snippet.from);
                    push_n(out, c.underline, snippet.to - snippet.from);
                    out.push_str(&underline.after);
                }
                out.push('\n');
            }
        }
        push_n(out, ' ', width + 2);
        out.push(c.lbot);
        push_n(out, c.hbar, 4);
        out.push('\n');
    }
}

/// Where a label is in the excerpt shown: the lines miette shows (each
/// ending in a line break) and, in them, the line the label is on.
struct Snippet<'a> {
    data: &'a str,
    /// The number of the first line shown.
    first_number: usize,
    /// Where the label's line ends in `data` (its line break).
    line_end: usize,
    /// The columns underlined.
    from: usize,
    to: usize,
    /// The header's 1-based line and column.
    at: (usize, usize),
    name: &'a str,
}

fn digits(mut n: usize) -> usize {
    let mut digits = 1;
    while n >= 10 {
        n /= 10;
        digits += 1;
    }
    digits
}

fn push_n(out: &mut String, c: char, n: usize) {
    out.extend(std::iter::repeat_n(c, n));
}

/// `text`'s lines after their indents, as miette's handler that does not
/// wrap lays them out: the first line after `first`, the others after
/// `rest`, a blank line after the indent without its trailing spaces.
fn indented(out: &mut String, text: &str, first: &str, rest: &str) {
    for (i, line) in text.split_terminator('\n').enumerate() {
        if i > 0 {
            out.push('\n');
        }
        let indent = if i == 0 { first } else { rest };
        if line.trim().is_empty() {
            out.push_str(indent.trim_end());
        } else {
            out.push_str(indent);
        }
        out.push_str(line);
    }
    if text.ends_with('\n') {
        out.push('\n');
    }
}
