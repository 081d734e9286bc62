//! Large files are tokenized a piece at a time, so that memory holds one
//! piece's tokens (about 100 bytes each) rather than the whole file's: a
//! 650 KB data migration is 260,000 tokens, 23 MB.
//!
//! A piece ends just after a `;` that ends a line outside strings, quoted
//! names, comments and dollar quotes, as a quick scan of the text judges
//! it. The scan only proposes; `load::parse_source` keeps a cut only where
//! the tokenizer agrees (the piece's last token is that `;`) and the
//! statement splitter is between statements (no unit, block or custom
//! delimiter open). Otherwise the file is read whole, as a small one is, so
//! pieces never change what a file is read as.

use std::ops::Range;

use sqlparser::tokenizer::Location;

/// Files up to this size are read whole.
pub const WHOLE_UP_TO: usize = 64 * 1024;

/// The size a piece grows to before the next cut.
const PIECE: usize = 32 * 1024;

/// The pieces of `text` (consecutive, covering it), or `None` when it is
/// read whole: small, or no cut was found.
pub fn plan(text: &str) -> Option<Vec<Range<usize>>> {
    plan_sized(text, WHOLE_UP_TO, PIECE)
}

/// `plan` with other sizes (tests cut small files at every `;`).
pub fn plan_sized(text: &str, whole_up_to: usize, piece: usize) -> Option<Vec<Range<usize>>> {
    if text.len() <= whole_up_to {
        return None;
    }
    let cuts = cuts(text.as_bytes(), piece);
    if cuts.is_empty() {
        return None;
    }
    let mut pieces = Vec::with_capacity(cuts.len() + 1);
    let mut start = 0;
    for cut in cuts {
        pieces.push(start..cut);
        start = cut;
    }
    pieces.push(start..text.len());
    Some(pieces)
}

/// Offsets just after a line-ending `;` outside quotes and comments, at
/// least `every` bytes apart.
fn cuts(bytes: &[u8], every: usize) -> Vec<usize> {
    let mut cuts = Vec::new();
    let mut last = 0;
    let mut i = 0;
    while i < bytes.len() {
        i = match bytes[i] {
            b'\'' => {
                let escapes = i > 0
                    && matches!(bytes[i - 1], b'e' | b'E')
                    && !(i > 1 && is_name_byte(bytes[i - 2]));
                quoted_end(bytes, i, b'\'', escapes)
            }
            b'"' => quoted_end(bytes, i, b'"', false),
            b'-' if bytes.get(i + 1) == Some(&b'-') => line_end(bytes, i),
            b'/' if bytes.get(i + 1) == Some(&b'*') => comment_end(bytes, i),
            b'$' => dollar_end(bytes, i).unwrap_or(i + 1),
            b';' => {
                let after = i + 1;
                let ends_line = match bytes.get(after) {
                    Some(b'\n') => true,
                    Some(b'\r') => bytes.get(after + 1) == Some(&b'\n'),
                    _ => false,
                };
                if ends_line && after - last >= every && after < bytes.len() {
                    cuts.push(after);
                    last = after;
                }
                after
            }
            _ => i + 1,
        };
    }
    cuts
}

fn is_name_byte(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'_' || b == b'$' || b >= 0x80
}

/// After the quote that closes the one at `open` (a doubled quote is
/// part of the text; with `escapes`, so is a backslashed character).
fn quoted_end(bytes: &[u8], open: usize, quote: u8, escapes: bool) -> usize {
    let mut i = open + 1;
    while i < bytes.len() {
        match bytes[i] {
            b'\\' if escapes => i += 2,
            b if b == quote => {
                if bytes.get(i + 1) == Some(&quote) {
                    i += 2;
                } else {
                    return i + 1;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

fn line_end(bytes: &[u8], from: usize) -> usize {
    bytes[from..]
        .iter()
        .position(|&b| b == b'\n')
        .map_or(bytes.len(), |at| from + at)
}

/// After the `*/` that closes the comment at `open` (comments nest).
fn comment_end(bytes: &[u8], open: usize) -> usize {
    let mut depth = 0usize;
    let mut i = open;
    while i + 1 < bytes.len() {
        match (bytes[i], bytes[i + 1]) {
            (b'/', b'*') => {
                depth += 1;
                i += 2;
            }
            (b'*', b'/') => {
                depth -= 1;
                i += 2;
                if depth == 0 {
                    return i;
                }
            }
            _ => i += 1,
        }
    }
    bytes.len()
}

/// After the dollar-quoted string that opens at `open` (`$$`, `$tag$`),
/// or `None` when the `$` opens none (`$1`, a name's `$`).
fn dollar_end(bytes: &[u8], open: usize) -> Option<usize> {
    if open > 0 && is_name_byte(bytes[open - 1]) {
        return None;
    }
    let tag_len = bytes[open + 1..]
        .iter()
        .position(|&b| !(b.is_ascii_alphanumeric() || b == b'_' || b >= 0x80))?;
    let close = open + 1 + tag_len;
    if bytes[close] != b'$' || bytes.get(open + 1).is_some_and(u8::is_ascii_digit) {
        return None;
    }
    let tag = &bytes[open..=close];
    let body = close + 1;
    Some(
        bytes[body..]
            .windows(tag.len())
            .position(|window| window == tag)
            .map_or(bytes.len(), |at| body + at + tag.len()),
    )
}

/// Where the tokenizer's count stands at byte `offset` of `text`, given
/// where it stood at `from` (`at`): a line break starts a line, any other
/// character is one column.
pub fn advance(text: &str, from: usize, at: Location, offset: usize) -> Location {
    let between = &text[from..offset];
    match between.rfind('\n') {
        Some(last) => Location {
            line: at.line + between.matches('\n').count() as u64,
            column: 1 + between[last + 1..].chars().count() as u64,
        },
        None => Location {
            line: at.line,
            column: at.column + between.chars().count() as u64,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cuts_only_after_line_ending_semicolons_outside_quotes() {
        let text = concat!(
            "SELECT 'a;\n', \"b;\n\", E'\\';\n', $x$ ;\n $x$;\n",
            "-- c;\n/* d /* e;\n */ ;\n */ SELECT 1;\n",
            "SELECT $1;\nSELECT 2; SELECT 3;\r\nSELECT 4;"
        );
        let cuts = cuts(text.as_bytes(), 0);
        let after: Vec<&str> = cuts.iter().map(|&c| &text[..c]).collect();
        assert_eq!(cuts.len(), 4, "{after:#?}");
        assert!(after[0].ends_with("$x$;"));
        assert!(after[1].ends_with("SELECT 1;"));
        assert!(after[2].ends_with("SELECT $1;"));
        assert!(after[3].ends_with("SELECT 3;"));
    }

    #[test]
    fn unterminated_quotes_end_the_cuts() {
        assert_eq!(cuts(b"SELECT 1;\nSELECT 'x;\nSELECT 2;\n", 0), [9]);
    }

    #[test]
    fn small_files_are_read_whole() {
        assert_eq!(plan("SELECT 1;\nSELECT 2;\n"), None);
        let big = "INSERT INTO t VALUES (1);\n".repeat(5000);
        let pieces = plan(&big).expect("pieces");
        assert!(pieces.len() > 2);
        assert_eq!(pieces.first().map(|p| p.start), Some(0));
        assert_eq!(pieces.last().map(|p| p.end), Some(big.len()));
        assert!(pieces.windows(2).all(|w| w[0].end == w[1].start));
    }

    #[test]
    fn locations_advance_as_the_tokenizer_counts() {
        let text = "ab;\né;x";
        let start = Location { line: 1, column: 1 };
        assert_eq!(advance(text, 0, start, 3), Location { line: 1, column: 4 });
        let second = advance(text, 0, start, 7);
        assert_eq!(second, Location { line: 2, column: 3 });
    }
}
