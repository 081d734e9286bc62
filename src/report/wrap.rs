//! Findings' texts broken into lines exactly where miette's graphical
//! handler breaks them, for `--format full` (see `full::Drawer`).
//!
//! miette wraps a finding's message and help with textwrap: first fit,
//! break opportunities by the Unicode line-breaking rules (UAX #14) except
//! after hyphens, words split after a hyphen between alphanumerics, and
//! words wider than a line broken apart. textwrap pays for its generality
//! (iterator chains, a vector per word, a map from stripped to original
//! offsets): it was a third of the cost of drawing a finding. `lines`
//! makes the same decisions on the same break opportunities (the same
//! `unicode-linebreak` tables, the same widths), directly on byte offsets.
//! The tests hold it to textwrap's output on thousands of texts.

use rustc_hash::FxHashMap;
use unicode_linebreak::linebreaks;

/// The room miette wraps a text to: its width less two columns.
pub fn room(width: usize) -> usize {
    width.saturating_sub(2)
}

/// Texts broken into lines where miette's wrapping breaks them, and
/// remembered: a rule's findings often share their help text.
#[derive(Default)]
pub struct Prewrap {
    /// By room and indents (a report uses a handful of each).
    known: Vec<((usize, Indents), Known)>,
}

/// Texts broken before, with their lines (None: `Wrapped::Unknown`).
type Known = FxHashMap<Box<str>, Option<Box<str>>>;

/// The display widths of the indent of a text's first line and of its
/// later lines.
pub type Indents = (usize, usize);

/// What miette's wrapping makes of a text.
#[derive(Debug, PartialEq, Eq)]
pub enum Wrapped<'a> {
    /// Every line stays whole.
    Whole,
    /// These lines, without their indents, joined by line breaks.
    Lines(&'a str),
    /// Lines miette's handler that does not wrap would not indent as the
    /// wrapping one does (a blank line gets a trimmed indent there), or
    /// what this module does not measure (ANSI escapes: `visible` has
    /// replaced them).
    Unknown,
}

impl Prewrap {
    /// `text` as miette's wrapping to `room` columns, after indents
    /// `indents` wide, breaks it.
    pub fn lines(&mut self, text: &str, room: usize, indents: Indents) -> Wrapped<'_> {
        if fits(text, room, indents) {
            return Wrapped::Whole;
        }
        let layout = (room, indents);
        let at = match self.known.iter().position(|(known, _)| *known == layout) {
            Some(at) => at,
            None => {
                self.known.push((layout, Known::default()));
                self.known.len() - 1
            }
        };
        let known = &mut self.known[at].1;
        if !known.contains_key(text) {
            known.insert(text.into(), lines(text, room, indents).map(Into::into));
        }
        match known.get(text) {
            Some(Some(lines)) => Wrapped::Lines(lines),
            _ => Wrapped::Unknown,
        }
    }
}

/// Whether textwrap leaves every line of `text` whole: each fits beside
/// its indent, and none is blank, starts or ends with white space (which
/// textwrap trims) or holds a control character.
fn fits(text: &str, room: usize, (first, rest): Indents) -> bool {
    // textwrap breaks a word wider than a later line's room even on the
    // first line: measure every line against the narrower room.
    let room = room.saturating_sub(first.max(rest));
    text.split('\n').all(|line| {
        let (Some(start), Some(end)) = (line.chars().next(), line.chars().next_back()) else {
            return false;
        };
        if start.is_whitespace() || end.is_whitespace() {
            return false;
        }
        if printable_ascii(line) {
            return line.len() <= room;
        }
        !line.contains(char::is_control) && textwrap::core::display_width(line) <= room
    })
}

/// `text` wrapped as textwrap wraps it with miette's options, each line
/// without its indent (see `Prewrap::lines`).
fn lines(text: &str, room: usize, (first, rest): Indents) -> Option<String> {
    // textwrap skips ANSI escapes when measuring and when finding breaks;
    // empty indents take another path in textwrap.
    if text.contains('\u{1b}') || first == 0 || rest == 0 {
        return None;
    }
    let rooms = [room.saturating_sub(first), room.saturating_sub(rest)];
    let mut out = String::with_capacity(text.len() + text.len() / 64);
    let mut pieces = Vec::new();
    for line in text.split('\n') {
        pieces.clear();
        pieces.push(Piece::default());
        fragments(line, rooms[1], &mut pieces);
        for range in first_fit(&pieces, rooms) {
            let shown = &line[range];
            if shown.trim().is_empty() {
                return None;
            }
            if !out.is_empty() {
                out.push('\n');
            }
            out.push_str(shown);
        }
    }
    Some(out)
}

/// A fragment textwrap lays out: a word, or a piece of one (split after a
/// hyphen, or broken apart), and the spaces after it.
#[derive(Debug, Default, Clone, Copy)]
struct Piece {
    /// Byte offset of the piece in the line.
    start: usize,
    /// Byte offset where its spaces start.
    end: usize,
    width: usize,
    /// The spaces after it (each one column wide).
    spaces: usize,
}

/// The fragments of one line, after the empty one textwrap puts first
/// (it lets a first word too wide for the first line move to the next).
fn fragments(line: &str, later_room: usize, pieces: &mut Vec<Piece>) {
    for word in words(line) {
        let trimmed = line[word.clone()].trim_end_matches(' ');
        let end = word.start + trimmed.len();
        let mut start = word.start;
        for split in hyphen_splits(trimmed) {
            let split = word.start + split;
            broken_apart(line, start..split, 0, later_room, pieces);
            start = split;
        }
        broken_apart(line, start..end, word.end - end, later_room, pieces);
    }
}

/// The words of a line as textwrap's Unicode word separator finds them:
/// a word ends at each break opportunity that does not follow a hyphen
/// (hyphens are the splitter's) or a soft hyphen, the last opportunity
/// (the end of the line) aside.
fn words(line: &str) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    let mut ends: Vec<usize> = linebreaks(line)
        .map(|(at, _)| at)
        .filter(|&at| !matches!(line[..at].chars().next_back(), Some('-' | '\u{ad}')))
        .collect();
    // textwrap drops the last opportunity it kept (the end of the line,
    // unless that follows a hyphen) and ends the last word at the end.
    ends.pop();
    if ends.last().copied().unwrap_or(0) < line.len() {
        ends.push(line.len());
    }
    let starts = std::iter::once(0).chain(ends.clone());
    starts.zip(ends).map(|(start, end)| start..end)
}

/// Where textwrap's hyphen splitter splits a word: after each hyphen
/// between two alphanumeric characters.
fn hyphen_splits(word: &str) -> impl Iterator<Item = usize> + '_ {
    word.match_indices('-').filter_map(move |(at, _)| {
        let before = word[..at].chars().next_back();
        let after = word[at + 1..].chars().next();
        (before.is_some_and(char::is_alphanumeric) && after.is_some_and(char::is_alphanumeric))
            .then_some(at + 1)
    })
}

/// A piece of a word as one fragment, or, wider than a later line's room,
/// broken apart between characters into fragments that fit (textwrap's
/// `break_words`); the spaces go with the last.
fn broken_apart(
    line: &str,
    range: std::ops::Range<usize>,
    spaces: usize,
    room: usize,
    pieces: &mut Vec<Piece>,
) {
    let text = &line[range.clone()];
    let width = display_width(text);
    if width <= room {
        pieces.push(Piece {
            start: range.start,
            end: range.end,
            width,
            spaces,
        });
        return;
    }
    let (mut start, mut width) = (range.start, 0);
    for (at, c) in text.char_indices() {
        let c_width = char_width(c);
        if width > 0 && width + c_width > room {
            let at = range.start + at;
            pieces.push(Piece {
                start,
                end: at,
                width,
                spaces: 0,
            });
            (start, width) = (at, 0);
        }
        width += c_width;
    }
    if start < range.end {
        pieces.push(Piece {
            start,
            end: range.end,
            width,
            spaces,
        });
    }
}

/// textwrap's first fit: fragments go on a line while they fit (the
/// first line has `rooms[0]`, the others `rooms[1]`); a line's trailing
/// spaces are dropped. The byte ranges of the lines.
fn first_fit(pieces: &[Piece], rooms: [usize; 2]) -> Vec<std::ops::Range<usize>> {
    let mut lines = Vec::new();
    let (mut start, mut width) = (0, 0);
    for (index, piece) in pieces.iter().enumerate() {
        let room = rooms[lines.len().min(1)];
        if width + piece.width > room && index > start {
            lines.push(pieces[start].start..pieces[index - 1].end);
            (start, width) = (index, 0);
        }
        width += piece.width + piece.spaces;
    }
    if let Some(last) = pieces.last() {
        lines.push(pieces[start].start..last.end);
    }
    lines
}

/// Printable ASCII: one column a byte.
fn printable_ascii(text: &str) -> bool {
    super::every_byte(text.as_bytes(), super::is_printable_ascii)
}

fn display_width(text: &str) -> usize {
    if printable_ascii(text) {
        text.len()
    } else {
        textwrap::core::display_width(text)
    }
}

fn char_width(c: char) -> usize {
    if (' '..='~').contains(&c) {
        1
    } else {
        textwrap::core::display_width(c.encode_utf8(&mut [0; 4]))
    }
}

#[cfg(test)]
pub(crate) mod tests {
    use super::*;

    /// textwrap's own wrapping with miette's options (indents of the given
    /// widths), each line's indent taken off: what `lines` must give.
    fn textwrap_lines(text: &str, room: usize, (first, rest): Indents) -> Option<String> {
        let (first, rest) = (" ".repeat(first), " ".repeat(rest));
        let options = textwrap::Options::new(room)
            .initial_indent(&first)
            .subsequent_indent(&rest)
            .break_words(true);
        let lines: Vec<_> = textwrap::wrap(text, options)
            .iter()
            .enumerate()
            .map(|(index, line)| {
                let indent = if index == 0 { &first } else { &rest };
                line.strip_prefix(indent.as_str()).map(str::to_string)
            })
            .collect::<Option<_>>()?;
        if lines.iter().any(|line| line.trim().is_empty()) {
            return None;
        }
        Some(lines.join("\n"))
    }

    /// A small deterministic generator (xorshift): the same cases on every
    /// run.
    pub struct Cases(pub u64);

    impl Cases {
        pub fn next(&mut self, below: usize) -> usize {
            self.0 ^= self.0 << 13;
            self.0 ^= self.0 >> 7;
            self.0 ^= self.0 << 17;
            (self.0 % below as u64) as usize
        }

        /// A text of words and separators that wrapping treats specially:
        /// hyphens, slashes, brackets and quotes (UAX #14 pairs), paths,
        /// numbers, long words, wide and zero-width characters, tabs, runs
        /// of spaces, line breaks, blank lines.
        pub fn text(&mut self) -> String {
            const WORDS: &[&str] = &[
                "the",
                "column",
                "users.email",
                "foreign-key-index",
                "ON DELETE",
                "a",
                "migrations/20240101_create_users.up.sql:12:5",
                "(id, tenant_id)",
                "café",
                "→",
                "…",
                "表格",
                "✅",
                "e\u{301}",
                "x\u{200b}y",
                "\"quoted\"",
                "idx_orders_customer_id_created_at_status_with_a_very_long_name_that_goes_on_and_on_past_any_line",
                "a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w-x-y-z-a-b-c-d-e-f-g-h-i-j-k-l-m-n-o-p-q-r-s-t-u-v-w-x-y-z-0-1-2-3",
                "10,000",
                "$1",
                "/",
                "--",
                "\t",
                "--foo-bar",
                "x-",
                "-y",
                "soft\u{ad}hyphen",
                "(",
                ")",
                "[",
                "]",
                "{",
                "}",
                "!",
                "?",
                ";",
                ":",
                ",",
                ".",
                "'",
                "%",
                "+",
                "http://example.com/a/b?c=d",
                "1.5",
                "-1",
                "a/b",
                "x|y",
                "‘quote’",
                "¿qué?",
            ];
            const GAPS: &[&str] = &[
                " ", " ", " ", " ", " ", "", "", "  ", "\n", "\n\n", "-", "\t", " \n", "/",
            ];
            let mut text = String::new();
            if self.next(8) == 0 {
                text.push_str("  ");
            }
            for _ in 0..self.next(60) {
                text.push_str(WORDS[self.next(WORDS.len())]);
                text.push_str(GAPS[self.next(GAPS.len())]);
            }
            if self.next(3) > 0 {
                text = text.trim_end().to_string();
            }
            text
        }
    }

    #[test]
    fn lines_are_broken_where_textwrap_breaks_them() {
        let mut cases = Cases(0x0dd_ba11_cafe_f00d);
        let mut broken = 0;
        for case in 0..20_000 {
            let text = cases.text();
            let room = [98, 98, 98, 40, 20, 9][cases.next(6)];
            let indents = [(4, 4), (8, 8), (2, 6), (6, 2)][cases.next(4)];
            let expected = textwrap_lines(&text, room, indents);
            assert_eq!(
                lines(&text, room, indents),
                expected,
                "case {case}: {text:?} to {room} after {indents:?}"
            );
            broken += usize::from(expected.is_some_and(|e| e.contains('\n')));
        }
        assert!(broken > 2000, "{broken}");
    }

    #[test]
    fn a_text_that_fits_is_kept_and_a_long_one_is_broken_at_spaces() {
        let mut prewrap = Prewrap::default();
        let short = "add an index on orders (customer_id)";
        assert_eq!(prewrap.lines(short, 98, (8, 8)), Wrapped::Whole);
        assert_eq!(prewrap.lines("café → ok\nmore", 98, (8, 8)), Wrapped::Whole);
        // Trimmed by textwrap, so not whole.
        assert_ne!(prewrap.lines("trailing ", 98, (8, 8)), Wrapped::Whole);
        let long = "word ".repeat(40);
        let long = long.trim_end();
        let Wrapped::Lines(broken) = prewrap.lines(long, 98, (8, 8)) else {
            panic!("{long} is not broken");
        };
        let broken = broken.to_string();
        assert_eq!(
            broken.lines().map(str::len).collect::<Vec<_>>(),
            [89, 89, 19]
        );
        assert_eq!(broken.replace('\n', " "), long);
        // Remembered: the same text gives the same lines, and other lines
        // in less room.
        assert_eq!(prewrap.lines(long, 98, (8, 8)), Wrapped::Lines(&broken));
        let Wrapped::Lines(narrow) = prewrap.lines(long, 50, (8, 8)) else {
            panic!("{long} is not broken");
        };
        assert_eq!(narrow.lines().count(), 5);
        // A blank line is indented differently by miette's two handlers.
        let blank = format!("{long}\n\nmore");
        assert_eq!(prewrap.lines(&blank, 98, (8, 8)), Wrapped::Unknown);
    }
}
