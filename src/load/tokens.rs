//! The tokens of one file, with the exact byte range of each.
//!
//! `sqlparser` gives tokens line/column locations; rules and reports work
//! with byte ranges, so we compute both once, here.

use std::ops::Range;

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::tokenizer::{Location, Token, TokenWithSpan, Tokenizer, Whitespace};

#[derive(Debug, Clone, Default)]
pub struct Tokens {
    /// Every token, whitespace and comments included, as the parser wants them.
    pub tokens: Vec<TokenWithSpan>,
    /// The byte range of each token in the file.
    pub ranges: Vec<Range<usize>>,
}

/// Tokenizing stopped early: the tokens before `at` are still usable.
#[derive(Debug, Clone)]
pub struct TokenizeError {
    pub message: String,
    /// Byte offset where the tokenizer gave up.
    pub at: usize,
}

impl Tokens {
    /// Tokenizes `text` with the PostgreSQL dialect. On a tokenizer error the
    /// tokens read so far are kept and the error says where reading stopped.
    pub fn tokenize(text: &str) -> (Tokens, Option<TokenizeError>) {
        let dialect = PostgreSqlDialect {};
        let (mut buf, mut ranges) = spare::take();
        buf.reserve(expected_tokens(text));
        let result = Tokenizer::new(&dialect, text)
            .with_unescape(false)
            .tokenize_with_location_into_buf(&mut buf);
        byte_ranges(text, &buf, &mut ranges);
        let error = result.err().map(|e| {
            let at = ranges.last().map(|r| r.end).unwrap_or(0);
            TokenizeError {
                message: strip_location(&e.message).to_string(),
                at,
            }
        });
        (
            Tokens {
                tokens: buf,
                ranges,
            },
            error,
        )
    }

    /// Tokenizes the piece `range` of `text` as the whole text's tokens
    /// would be there: byte ranges in the text, locations counted from the
    /// text's start (`start` is the location of `range.start`).
    pub fn tokenize_piece(
        text: &str,
        range: Range<usize>,
        start: Location,
    ) -> (Tokens, Option<TokenizeError>) {
        let (mut tokens, error) = Tokens::tokenize(&text[range.clone()]);
        for byte_range in &mut tokens.ranges {
            byte_range.start += range.start;
            byte_range.end += range.start;
        }
        let moved = |location: &mut Location| {
            if location.line == 1 {
                location.column += start.column - 1;
            }
            location.line += start.line - 1;
        };
        for token in &mut tokens.tokens {
            moved(&mut token.span.start);
            moved(&mut token.span.end);
        }
        let error = error.map(|e| TokenizeError {
            at: e.at + range.start,
            ..e
        });
        (tokens, error)
    }

    pub fn len(&self) -> usize {
        self.tokens.len()
    }

    pub fn is_empty(&self) -> bool {
        self.tokens.is_empty()
    }

    pub fn token(&self, index: usize) -> Option<&Token> {
        self.tokens.get(index).map(|t| &t.token)
    }

    pub fn range(&self, index: usize) -> Range<usize> {
        self.ranges.get(index).cloned().unwrap_or(0..0)
    }

    /// Index of the token that starts at byte `offset`, if any.
    pub fn index_at(&self, offset: usize) -> Option<usize> {
        self.ranges.binary_search_by(|r| r.start.cmp(&offset)).ok()
    }

    /// The next token at or after `index` that is not whitespace or a comment.
    pub fn next_significant(&self, index: usize, end: usize) -> Option<usize> {
        (index..end.min(self.len())).find(|&i| !is_trivia(&self.tokens[i].token))
    }

    /// The last token before `index` that is not whitespace or a comment.
    pub fn prev_significant(&self, index: usize, start: usize) -> Option<usize> {
        (start..index.min(self.len()))
            .rev()
            .find(|&i| !is_trivia(&self.tokens[i].token))
    }
}

/// Whitespace and comments: tokens the parser skips.
pub fn is_trivia(token: &Token) -> bool {
    matches!(token, Token::Whitespace(_))
}

/// The text of a comment token, without `--` or `/* */`.
pub fn comment_text(token: &Token) -> Option<&str> {
    match token {
        Token::Whitespace(Whitespace::SingleLineComment { comment, .. }) => Some(comment),
        Token::Whitespace(Whitespace::MultiLineComment(comment)) => Some(comment),
        _ => None,
    }
}

/// `sqlparser` appends " at Line: L, Column: C" to its messages; we show
/// positions our own way.
pub fn strip_location(message: &str) -> &str {
    match message.rfind(" at Line: ") {
        Some(i) => &message[..i],
        None => message,
    }
}

/// Room for the tokens of `text`, so that the buffer is not grown (and
/// copied) a dozen times per file: migrations average a token per four to
/// five bytes, whitespace included. A large file grows past the bound as
/// before; the bound keeps a huge file from reserving for tokens it may
/// never reach (the tokenizer can stop early).
fn expected_tokens(text: &str) -> usize {
    const MOST: usize = 1 << 14;
    (text.len() / 4).min(MOST) + 16
}

/// Walks the text once, as the tokenizer does (a newline starts a new line,
/// every other character is one column), to turn token locations into byte
/// ranges (appended to `ranges`).
fn byte_ranges(text: &str, tokens: &[TokenWithSpan], ranges: &mut Vec<Range<usize>>) {
    let mut cursor = Cursor {
        bytes: text.as_bytes(),
        line: 1,
        column: 1,
        offset: 0,
    };
    ranges.extend(tokens.iter().map(|t| {
        let start = cursor.advance_to(t.span.start);
        let end = cursor.advance_to(t.span.end);
        start..end
    }));
}

impl Drop for Tokens {
    fn drop(&mut self) {
        spare::give_back(
            std::mem::take(&mut self.tokens),
            std::mem::take(&mut self.ranges),
        );
    }
}

/// Each thread keeps the token buffers of the file it tokenized last for
/// the next one. A buffer above glibc's threshold for mapped blocks (about
/// 1,500 tokens; `main.rs` fixes it) is a mapping of its own, handed back
/// to the system when freed: without this, every such file's tokens were
/// written into fresh pages, and those page faults were most of a run's
/// (21,000 on the corpus before, 8,500 now).
mod spare {
    use std::cell::RefCell;
    use std::ops::Range;

    use sqlparser::tokenizer::TokenWithSpan;

    /// The largest buffers kept, in tokens (about 1.7 MB with their
    /// ranges): the room reserved for a file of 64 KB. Keeping twice that
    /// saved few more page faults on the corpus and raised its peak by 3 MB.
    const MOST: usize = 1 << 14;

    type Buffers = (Vec<TokenWithSpan>, Vec<Range<usize>>);

    thread_local! {
        static SPARE: RefCell<Buffers> = const { RefCell::new((Vec::new(), Vec::new())) };
    }

    /// Empty buffers, with the room of the last ones given back.
    pub(super) fn take() -> Buffers {
        SPARE
            .try_with(|spare| {
                spare
                    .try_borrow_mut()
                    .map(|mut spare| std::mem::take(&mut *spare))
                    .unwrap_or_default()
            })
            .unwrap_or_default()
    }

    /// Keeps `tokens` and `ranges` (emptied) for the thread's next file,
    /// unless they are larger than `MOST` or the thread keeps larger ones.
    pub(super) fn give_back(mut tokens: Vec<TokenWithSpan>, mut ranges: Vec<Range<usize>>) {
        if tokens.capacity() > MOST || ranges.capacity() > MOST {
            return;
        }
        tokens.clear();
        ranges.clear();
        let _ = SPARE.try_with(|spare| {
            let Ok(mut spare) = spare.try_borrow_mut() else {
                return;
            };
            if spare.0.capacity() <= tokens.capacity() {
                spare.0 = tokens;
            }
            if spare.1.capacity() <= ranges.capacity() {
                spare.1 = ranges;
            }
        });
    }
}

struct Cursor<'a> {
    bytes: &'a [u8],
    line: u64,
    column: u64,
    offset: usize,
}

impl Cursor<'_> {
    /// Moves to `target` and returns its byte offset (this runs for every
    /// token of every file). A line break moves to the next line, any
    /// other character one column, a character being its leading byte and
    /// its continuation bytes. Whole lines are skipped by searching for
    /// their breaks, and a run of ASCII within a line by adding its length;
    /// the rest goes byte by byte.
    // Inlined into `byte_ranges`' loop: its call cost more than its work.
    #[inline(always)]
    fn advance_to(&mut self, target: Location) -> usize {
        while self.line < target.line {
            let rest = self.bytes.get(self.offset..).unwrap_or_default();
            let Some(newline) = memchr::memchr(b'\n', rest) else {
                self.offset = self.bytes.len();
                return self.offset;
            };
            self.offset += newline + 1;
            self.line += 1;
            self.column = 1;
        }
        if self.line == target.line && self.column < target.column {
            let wanted = usize::try_from(target.column - self.column).unwrap_or(usize::MAX);
            let end = self.offset.saturating_add(wanted);
            if let Some(run) = self.bytes.get(self.offset..end)
                && run.iter().all(|&b| b.is_ascii() && b != b'\n')
            {
                // At the target: most tokens end here.
                self.offset = end;
                self.column = target.column;
                return self.offset;
            }
        }
        self.advance_bytewise(target)
    }

    fn advance_bytewise(&mut self, target: Location) -> usize {
        while (self.line, self.column) < (target.line, target.column) {
            let Some(&byte) = self.bytes.get(self.offset) else {
                break;
            };
            self.offset += 1;
            if byte == b'\n' {
                self.line += 1;
                self.column = 1;
                continue;
            }
            self.column += 1;
            while self
                .bytes
                .get(self.offset)
                .is_some_and(|&b| b & 0xC0 == 0x80)
            {
                self.offset += 1;
            }
        }
        self.offset
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A thread's spare buffers change nothing: a text tokenized after
    /// others (whose buffers it then reuses) gives what it gives first;
    /// and a huge file's buffers are freed, not kept.
    #[test]
    fn reused_buffers_tokenize_as_fresh_ones() {
        let texts = [
            "CREATE TABLE a (id BIGINT PRIMARY KEY, name TEXT);",
            "SELECT 'é', $a$ x; $a$ -- c\n/* d */ ;",
            "x",
        ];
        let fresh: Vec<_> = texts.iter().map(|t| tokenized(t)).collect();
        for _ in 0..3 {
            for (text, first) in texts.iter().zip(&fresh) {
                assert_eq!(&tokenized(text), first);
            }
        }
        let huge = "a ".repeat(200_000);
        drop(Tokens::tokenize(&huge));
        let (tokens, ranges) = spare::take();
        assert!(tokens.is_empty() && ranges.is_empty());
        assert!(tokens.capacity() <= 1 << 14 && ranges.capacity() <= 1 << 14);
    }

    fn tokenized(text: &str) -> (Vec<String>, Vec<Range<usize>>) {
        let (tokens, _) = Tokens::tokenize(text);
        let shown = tokens.tokens.iter().map(|t| format!("{t:?}")).collect();
        (shown, tokens.ranges.clone())
    }

    #[test]
    fn ranges_cover_the_text() {
        let text = "SELECT 'é', $a$ x; $a$ -- c\n/* d */ ;";
        let (tokens, error) = Tokens::tokenize(text);
        assert!(error.is_none());
        let mut expected_start = 0;
        for r in &tokens.ranges {
            assert_eq!(r.start, expected_start);
            expected_start = r.end;
        }
        assert_eq!(expected_start, text.len());
        let quoted = tokens
            .tokens
            .iter()
            .position(|t| matches!(t.token, Token::SingleQuotedString(_)))
            .unwrap();
        assert_eq!(&text[tokens.range(quoted)], "'é'");
    }

    #[test]
    fn tokenizer_errors_keep_earlier_tokens() {
        let text = "SELECT 1;\nSELECT 'unterminated";
        let (tokens, error) = Tokens::tokenize(text);
        let error = error.expect("error");
        assert!(error.message.contains("Unterminated"), "{}", error.message);
        assert!(tokens.tokens.iter().any(|t| t.token == Token::SemiColon));
        assert!(error.at >= 9);
    }

    /// The skips (whole lines, ASCII runs) land where walking byte by byte
    /// does, whatever the mix of lines, multi-byte characters and tokens
    /// that span lines.
    #[test]
    fn skipping_lands_where_walking_does() {
        let text =
            "CREATE TABLE é (\n  a TEXT DEFAULT 'ü\nx', -- Ω\n\n  b INT\n);\n/* a\nb */ $$\n$$";
        let (tokens, error) = Tokens::tokenize(text);
        assert!(error.is_none());
        let mut walker = Cursor {
            bytes: text.as_bytes(),
            line: 1,
            column: 1,
            offset: 0,
        };
        for (token, range) in tokens.tokens.iter().zip(&tokens.ranges) {
            assert_eq!(walker.advance_bytewise(token.span.start), range.start);
            assert_eq!(walker.advance_bytewise(token.span.end), range.end);
        }
        assert_eq!(walker.offset, text.len());
    }
}
