//! Byte offsets to LSP positions.
//!
//! LSP counts lines the way editors do (`\n`, `\r\n` and a lone `\r` all
//! end a line) and characters in the code units the client negotiated:
//! UTF-16 unless it offered UTF-8. Everything the linter reports is a byte
//! offset, so this is the one place where they meet.

use std::cell::Cell;
use std::ops::Range;

use lsp_types::{Position, PositionEncodingKind};

use crate::source::narrow;

/// The code units LSP characters count.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Encoding {
    Utf8,
    Utf16,
}

impl Encoding {
    /// UTF-8 when the client offers it (our offsets are UTF-8 already),
    /// else UTF-16, which every client and server must support.
    pub fn negotiate(offered: Option<&[PositionEncodingKind]>) -> Encoding {
        match offered {
            Some(kinds) if kinds.contains(&PositionEncodingKind::UTF8) => Encoding::Utf8,
            _ => Encoding::Utf16,
        }
    }

    pub fn kind(self) -> PositionEncodingKind {
        match self {
            Encoding::Utf8 => PositionEncodingKind::UTF8,
            Encoding::Utf16 => PositionEncodingKind::UTF16,
        }
    }

    fn units(self, text: &str) -> usize {
        match self {
            Encoding::Utf8 => text.len(),
            Encoding::Utf16 => text.chars().map(char::len_utf16).sum(),
        }
    }
}

/// Line starts of one text, for converting offsets in it.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
    encoding: Encoding,
    /// The last offset converted and its position: the next offset on the
    /// same line counts on from there. Findings come in file order, so a
    /// file that is one long line with thousands of findings costs one
    /// pass over the line, not one per finding.
    last: Cell<Option<(usize, Position)>>,
}

impl<'a> LineIndex<'a> {
    pub fn new(text: &'a str, encoding: Encoding) -> Self {
        LineIndex {
            text,
            starts: line_starts(text),
            encoding,
            last: Cell::new(None),
        }
    }

    pub fn text(&self) -> &'a str {
        self.text
    }

    /// The position of byte `offset` (clamped to the text, and back to the
    /// start of a character it falls inside).
    pub fn position(&self, offset: usize) -> Position {
        let offset = self.floor(offset);
        let line = self.line_of(offset);
        let start = self.starts.get(line).copied().unwrap_or(0);
        let (from, units) = match self.last.get() {
            Some((at, position))
                if at >= start && at <= offset && position.line as usize == line =>
            {
                (at, position.character as usize)
            }
            _ => (start, 0),
        };
        let units = units
            + self
                .encoding
                .units(self.text.get(from..offset).unwrap_or(""));
        // LSP positions are `u32`; a text that long is far past any file
        // we read.
        let position = Position::new(narrow(line), narrow(units));
        self.last.set(Some((offset, position)));
        position
    }

    pub fn range(&self, span: &Range<usize>) -> lsp_types::Range {
        let start = self.position(span.start);
        lsp_types::Range::new(start, self.position(span.end.max(span.start)))
    }

    /// The byte offset of `position`: a character past the end of its
    /// line is the line's end, a line past the last is the text's end, and
    /// a position inside a character is that character's start.
    pub fn offset(&self, position: Position) -> usize {
        let line = position.line as usize;
        let Some(&start) = self.starts.get(line) else {
            return self.text.len();
        };
        let next = self
            .starts
            .get(line + 1)
            .copied()
            .unwrap_or(self.text.len());
        let content = self.text.get(start..next).unwrap_or("");
        let content = content.strip_suffix('\n').unwrap_or(content);
        let content = content.strip_suffix('\r').unwrap_or(content);
        let wanted = position.character as usize;
        let mut units = 0;
        for (at, ch) in content.char_indices() {
            let width = match self.encoding {
                Encoding::Utf8 => ch.len_utf8(),
                Encoding::Utf16 => ch.len_utf16(),
            };
            if units + width > wanted {
                return start + at;
            }
            units += width;
        }
        start + content.len()
    }

    /// 0-based line of byte `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts
            .partition_point(|&start| start <= offset)
            .saturating_sub(1)
    }

    /// Byte offset where 0-based `line` starts (the end of the text past
    /// the last line).
    pub fn line_start(&self, line: usize) -> usize {
        self.starts.get(line).copied().unwrap_or(self.text.len())
    }

    fn floor(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// Byte offsets where lines start: after `\n`, after `\r\n`, and after a
/// `\r` not followed by `\n`.
fn line_starts(text: &str) -> Vec<usize> {
    let bytes = text.as_bytes();
    let mut starts = vec![0];
    for (i, &byte) in bytes.iter().enumerate() {
        let ends_line = byte == b'\n' || (byte == b'\r' && bytes.get(i + 1) != Some(&b'\n'));
        if ends_line {
            starts.push(i + 1);
        }
    }
    starts
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn utf16_counts_surrogate_pairs_and_utf8_counts_bytes() {
        let text = "ab\n\"é𝔫\" x";
        let x = text.find('x').unwrap();
        let utf16 = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(utf16.position(x), Position::new(1, 6));
        let utf8 = LineIndex::new(text, Encoding::Utf8);
        assert_eq!(utf8.position(x), Position::new(1, 9));
    }

    #[test]
    fn every_line_break_editors_know_ends_a_line() {
        let text = "a\r\nb\rc\nd";
        let index = LineIndex::new(text, Encoding::Utf16);
        for (ch, line) in [('a', 0), ('b', 1), ('c', 2), ('d', 3)] {
            let at = text.find(ch).unwrap();
            assert_eq!(index.position(at), Position::new(line, 0), "{ch}");
        }
    }

    #[test]
    fn positions_convert_back_to_offsets() {
        let text = "ab\r\n\"é𝔫\" x\nend";
        for encoding in [Encoding::Utf8, Encoding::Utf16] {
            let index = LineIndex::new(text, encoding);
            for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
                if text[..offset].ends_with('\r') {
                    continue; // between \r and \n: no position of its own
                }
                assert_eq!(index.offset(index.position(offset)), offset, "{offset}");
            }
            assert_eq!(index.offset(Position::new(0, 99)), 2);
            assert_eq!(index.offset(Position::new(9, 0)), text.len());
        }
    }

    #[test]
    fn offsets_out_of_range_or_inside_a_character_clamp() {
        let text = "é";
        let index = LineIndex::new(text, Encoding::Utf16);
        assert_eq!(index.position(1), Position::new(0, 0));
        assert_eq!(index.position(99), Position::new(0, 1));
    }

    #[test]
    fn conversions_in_any_order_agree_with_counting_from_the_line_start() {
        let text = "x é𝔫 y é𝔫 z\nsecond é line";
        let index = LineIndex::new(text, Encoding::Utf16);
        let offsets: Vec<usize> = (0..=text.len())
            .filter(|&o| text.is_char_boundary(o))
            .collect();
        let expected: Vec<Position> = offsets
            .iter()
            .map(|&o| LineIndex::new(text, Encoding::Utf16).position(o))
            .collect();
        for &o in offsets.iter().rev().chain(&offsets) {
            let i = offsets.iter().position(|&p| p == o).unwrap();
            assert_eq!(index.position(o), expected[i], "offset {o}");
        }
    }
}
