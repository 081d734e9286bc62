//! The part of a file `--format full` shows for one finding.
//!
//! miette reads the source it is given from the start for every label (and
//! counts columns in bytes, and panics on a column past 65,535), so it is
//! never given a whole file: only the lines around the finding's labels,
//! long lines cut to a window around the label (`…` marks the cuts), and
//! control characters replaced by visible ones. Line numbers and character
//! columns are those of the real file, so the header agrees with every other
//! format. The cost per finding is bounded, whatever the size of the file.

use std::ops::Range;

use miette::{MietteError, MietteSpanContents, SourceCode, SourceSpan, SpanContents};

use super::visible_char;
use crate::source::SourceFile;

/// Lines of context around a label (miette's default, set explicitly).
pub const CONTEXT_LINES: usize = 1;

/// Lines up to this many characters are shown whole.
const MAX_LINE_CHARS: usize = 240;

/// Characters of a longer line shown, and how many of them come before
/// the label.
const WINDOW_CHARS: usize = 160;
const BEFORE_CHARS: usize = 60;

/// Labels this few lines apart are shown in one piece, with the lines
/// between them.
const JOIN_GAP: usize = 3;

const ELLIPSIS: &str = "…";

/// The excerpt miette renders: lines of the file, in order, in blocks of
/// consecutive lines.
pub struct Excerpt {
    name: String,
    text: String,
    lines: Vec<Line>,
}

/// One line of the excerpt.
struct Line {
    /// Byte range of the line in `Excerpt::text` (ellipses included, line
    /// break excluded: every line is followed by one).
    range: Range<usize>,
    /// Where the text taken from the file starts in `Excerpt::text`.
    kept: usize,
    /// 0-based line in the file.
    line: usize,
    /// 0-based character column in the file of the first character kept.
    first_column: usize,
    /// Byte range in the file of the characters kept.
    source: Range<usize>,
    /// Lines of one block are consecutive in the file.
    block: usize,
}

impl Excerpt {
    /// The lines around `labels` (byte ranges in `source`); on a long line
    /// the window is placed around the first label that starts on it, so
    /// the first label (the primary one) is always shown.
    pub fn new(source: &SourceFile, labels: &[Range<usize>]) -> Excerpt {
        let mut excerpt = Excerpt {
            name: super::visible(&source.display_path()).into_owned(),
            text: String::new(),
            lines: Vec::new(),
        };
        let last_line = last_line(source, labels);
        for (block, lines) in blocks(source, labels, last_line).into_iter().enumerate() {
            for line in lines {
                let anchor = anchor(source, labels, line);
                excerpt.push_line(source, line, anchor, block);
            }
        }
        excerpt
    }

    fn push_line(&mut self, source: &SourceFile, line: usize, anchor: usize, block: usize) {
        let whole = source.line_range(line);
        let first = source.chars_before(whole.start);
        let length = source.chars_before(whole.end) - first;
        let (from, to) = if length <= MAX_LINE_CHARS {
            (0, length)
        } else {
            let anchor = source.chars_before(anchor) - first;
            let from = anchor
                .saturating_sub(BEFORE_CHARS)
                .min(length - WINDOW_CHARS);
            (from, from + WINDOW_CHARS)
        };
        let start = self.text.len();
        if from > 0 {
            self.text.push_str(ELLIPSIS);
        }
        let kept = self.text.len();
        // Straight to the window: walking the line to it would cost the
        // whole line per finding.
        let window = source.offset_of_char(first + from).min(whole.end);
        let text = source.text().get(window..whole.end).unwrap_or("");
        let mut kept_range = window..window;
        if from == 0 && to == length && window == whole.start {
            // The whole line, most often printable as it is.
            kept_range.end = whole.end;
            self.text.push_str(&super::visible(text));
        } else {
            for c in text.chars().take(to - from) {
                kept_range.end += c.len_utf8();
                self.text.push(visible_char(c));
            }
        }
        if to < length {
            self.text.push_str(ELLIPSIS);
        }
        self.lines.push(Line {
            range: start..self.text.len(),
            kept,
            line,
            first_column: from,
            source: kept_range,
            block,
        });
        self.text.push('\n');
    }

    /// Where byte `offset` of the file is in the excerpt (clamped to the
    /// text kept of its line); `None` when its line is not shown.
    pub fn offset_of(&self, source: &SourceFile, offset: usize) -> Option<usize> {
        let line_index = source.line_index(offset.min(source.text_len()));
        let line = self
            .lines
            .binary_search_by_key(&line_index, |l| l.line)
            .ok()
            .and_then(|i| self.lines.get(i))?;
        let offset = offset.clamp(line.source.start, line.source.end);
        let chars = source.chars_before(offset) - source.chars_before(line.source.start);
        let kept = self.text.get(line.kept..line.range.end).unwrap_or("");
        let bytes = kept
            .char_indices()
            .nth(chars)
            .map_or(kept.len(), |(i, _)| i);
        Some(line.kept + bytes)
    }

    /// A file range as an excerpt span, when its start is shown.
    pub fn span_of(&self, source: &SourceFile, range: &Range<usize>) -> Option<SourceSpan> {
        let start = self.offset_of(source, range.start)?;
        let start_column = source.line_col(range.start).column - 1;
        let line = self.line_at(start)?;
        if start_column < line.first_column
            || start_column > line.first_column + self.chars(line.kept..line.range.end)
        {
            return None;
        }
        let end = self
            .offset_of(source, range.end)
            .unwrap_or(start)
            .max(start);
        Some(SourceSpan::from(start..end))
    }

    fn line_at(&self, offset: usize) -> Option<&Line> {
        let index = self
            .lines
            .partition_point(|l| l.range.start <= offset)
            .checked_sub(1)?;
        self.lines.get(index)
    }

    fn chars(&self, range: Range<usize>) -> usize {
        self.text.get(range).map_or(0, |t| t.chars().count())
    }

    /// 0-based line and character column in the file of an excerpt offset.
    pub(in crate::report) fn position(&self, offset: usize) -> Option<(usize, usize)> {
        let line = self.line_at(offset)?;
        let column = line.first_column + self.chars(line.kept..offset.max(line.kept));
        Some((line.line, column))
    }
}

impl Excerpt {
    /// The file's path, as `read_span` names it.
    pub(in crate::report) fn name(&self) -> &str {
        &self.name
    }
}

impl SourceCode for Excerpt {
    fn read_span<'a>(
        &'a self,
        span: &SourceSpan,
        context_lines_before: usize,
        context_lines_after: usize,
    ) -> Result<Box<dyn SpanContents<'a> + 'a>, MietteError> {
        let start = span.offset();
        let end = start + span.len();
        let first = self
            .lines
            .partition_point(|l| l.range.start <= start)
            .checked_sub(1)
            .ok_or(MietteError::OutOfBounds)?;
        let last = self
            .lines
            .partition_point(|l| l.range.start <= end.saturating_sub(1).max(start))
            .checked_sub(1)
            .ok_or(MietteError::OutOfBounds)?;
        let block = self.lines[first].block;
        // A span across blocks would number lines wrongly: miette then
        // shows the labels separately.
        if self.lines[last].block != block || end > self.text.len() {
            return Err(MietteError::OutOfBounds);
        }
        let mut from = first;
        while from > 0 && first - from < context_lines_before && self.lines[from - 1].block == block
        {
            from -= 1;
        }
        let mut to = last;
        while to + 1 < self.lines.len()
            && to - last < context_lines_after
            && self.lines[to + 1].block == block
        {
            to += 1;
        }
        let data_start = if context_lines_before == 0 {
            start
        } else {
            self.lines[from].range.start
        };
        let data_end = if context_lines_after == 0 {
            end.max(data_start)
        } else {
            // With its line break, as miette's own sources give it.
            self.lines[to].range.end + 1
        };
        let (line, column) = self.position(data_start).ok_or(MietteError::OutOfBounds)?;
        let column = if context_lines_before == 0 { column } else { 0 };
        // miette joins two labels' snippets when the first one's lines
        // reach the second's: counting to the end of the block joins
        // exactly the labels of one block.
        let block_end = self.lines[to..]
            .iter()
            .take_while(|l| l.block == block)
            .count();
        let data = self
            .text
            .as_bytes()
            .get(data_start..data_end)
            .ok_or(MietteError::OutOfBounds)?;
        Ok(Box::new(MietteSpanContents::new_named(
            self.name.clone(),
            data,
            SourceSpan::from(data_start..data_end),
            line,
            column,
            to - from + block_end,
        )))
    }
}

/// The last line that can be shown: the last line with text (not the empty
/// one after a final line break), or the line a label is on.
fn last_line(source: &SourceFile, labels: &[Range<usize>]) -> usize {
    let end = source.text_len();
    let last = source.line_index(end.saturating_sub(usize::from(source.text().ends_with('\n'))));
    labels
        .iter()
        .map(|l| source.line_index(l.start.max(l.end).min(end)))
        .fold(last, usize::max)
}

/// The lines to show, as blocks of consecutive lines: each label's lines
/// with `CONTEXT_LINES` around them, overlapping or touching ranges merged.
fn blocks(source: &SourceFile, labels: &[Range<usize>], last_line: usize) -> Vec<Range<usize>> {
    let mut ranges: Vec<Range<usize>> = labels
        .iter()
        .map(|label| {
            let first = source.line_index(label.start.min(source.text_len()));
            let last = source.line_index(label.end.min(source.text_len()));
            first.saturating_sub(CONTEXT_LINES)..(last + CONTEXT_LINES).min(last_line) + 1
        })
        .collect();
    ranges.sort_by_key(|r| r.start);
    let mut merged: Vec<Range<usize>> = Vec::new();
    for range in ranges {
        match merged.last_mut() {
            Some(previous) if range.start <= previous.end + JOIN_GAP => {
                previous.end = previous.end.max(range.end);
            }
            _ => merged.push(range),
        }
    }
    merged
}

/// The byte offset a long line's window is placed around: the first label
/// that starts on the line, else the end of one that ends on it, else the
/// start of the line.
fn anchor(source: &SourceFile, labels: &[Range<usize>], line: usize) -> usize {
    let on_line = |offset: usize| source.line_index(offset.min(source.text_len())) == line;
    labels
        .iter()
        .find(|l| on_line(l.start))
        .map(|l| l.start)
        .or_else(|| labels.iter().find(|l| on_line(l.end)).map(|l| l.end))
        .unwrap_or_else(|| source.line_range(line).start)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::PathBuf;

    fn source(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("x.sql"), text.to_string())
    }

    #[test]
    fn short_lines_are_kept_whole_with_context() {
        let s = source("a\nb\nc d\ne\nf\n");
        let d = s.text().find('d').unwrap_or(0);
        let excerpt = Excerpt::new(&s, std::slice::from_ref(&(d..d + 1)));
        assert_eq!(excerpt.text, "b\nc d\ne\n");
        let span = excerpt.span_of(&s, &(d..d + 1)).unwrap();
        assert_eq!(&excerpt.text[span.offset()..span.offset() + 1], "d");
        let header = excerpt.read_span(&span, 0, 0).unwrap();
        assert_eq!((header.line(), header.column()), (2, 2));
    }

    #[test]
    fn long_lines_are_cut_around_the_label() {
        let text = format!("{}é target {}\n", "x".repeat(70_000), "y".repeat(70_000));
        let s = source(&text);
        let at = text.find("target").unwrap_or(0);
        let excerpt = Excerpt::new(&s, std::slice::from_ref(&(at..at + 6)));
        assert!(excerpt.text.starts_with(ELLIPSIS) && excerpt.text.ends_with("…\n"));
        assert_eq!(excerpt.text.chars().count(), WINDOW_CHARS + 3);
        let span = excerpt.span_of(&s, &(at..at + 6)).unwrap();
        assert_eq!(
            &excerpt.text[span.offset()..span.offset() + span.len()],
            "target"
        );
        let header = excerpt.read_span(&span, 0, 0).unwrap();
        // Character columns: "é" is one.
        assert_eq!((header.line(), header.column()), (0, 70_002));
    }

    #[test]
    fn control_characters_are_shown_visibly() {
        let s = source("SELECT '\u{0}\u{1b}[31m';\n");
        let excerpt = Excerpt::new(&s, std::slice::from_ref(&(0..6)));
        assert_eq!(excerpt.text, "SELECT '\u{2400}\u{241b}[31m';\n");
    }

    #[test]
    fn distant_labels_are_separate_blocks() {
        let text = "a\n".repeat(20);
        let s = source(&text);
        let excerpt = Excerpt::new(&s, &[0..1, 30..31]);
        // Lines 1-2 and 15-17.
        assert_eq!(excerpt.lines.len(), 5);
        let first = excerpt.span_of(&s, &(0..1)).unwrap();
        let second = excerpt.span_of(&s, &(30..31)).unwrap();
        let across = SourceSpan::from(first.offset()..second.offset() + 1);
        assert!(excerpt.read_span(&across, 1, 1).is_err());
    }
}
