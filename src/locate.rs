//! Exact positions for AST parts.
//!
//! `sqlparser` gives identifiers spans but not data types, clauses or
//! keywords. The `Locator` maps spans to byte ranges and, where the AST has
//! no span, finds the tokens by reading the statement's token stream from a
//! nearby identifier. Every rule and the schema model use it, so a finding
//! underlines the same tokens whichever rule reports it.

use std::ops::Range;

use sqlparser::ast::{Ident, ObjectName, ObjectNamePart, Spanned};
use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Span, Token};

use crate::load::{Loading, Tokens};
use crate::source::{FileId, Origin, SourceFile};

/// Positions in one statement, while its file's tokens are alive.
pub struct Locator<'a> {
    file: FileId,
    source: &'a SourceFile,
    /// The tokens the statement's token indexes refer to: the file's, or
    /// those of the `DO` block body it was found in.
    tokens: &'a Tokens,
    statement: &'a Loading,
}

/// Words that end a column's data type in a column definition or an
/// `ALTER COLUMN … TYPE`.
const TYPE_END: &[Keyword] = &[
    Keyword::NOT,
    Keyword::NULL,
    Keyword::DEFAULT,
    Keyword::CONSTRAINT,
    Keyword::PRIMARY,
    Keyword::UNIQUE,
    Keyword::REFERENCES,
    Keyword::CHECK,
    Keyword::GENERATED,
    Keyword::COLLATE,
    Keyword::USING,
];

impl<'a> Locator<'a> {
    pub fn new(
        file: FileId,
        source: &'a SourceFile,
        tokens: &'a Tokens,
        statement: &'a Loading,
    ) -> Self {
        Locator {
            file,
            source,
            tokens,
            statement,
        }
    }

    pub fn origin(&self, span: Range<usize>) -> Origin {
        Origin::new(self.file, span)
    }

    /// The source text at `origin` (an origin this locator made).
    pub fn text(&self, origin: &Origin) -> &'a str {
        self.source.slice(&origin.span())
    }

    /// The whole statement.
    pub fn statement(&self) -> Origin {
        self.origin(self.statement.span.clone())
    }

    /// A `sqlparser` span as an origin; the statement when the node has no span.
    pub fn span(&self, span: Span) -> Origin {
        match self.range_of(span) {
            Some(range) if !range.is_empty() => self.origin(range),
            _ => self.statement(),
        }
    }

    pub fn ident(&self, ident: &Ident) -> Origin {
        self.span(ident.span)
    }

    pub fn object_name(&self, name: &ObjectName) -> Origin {
        self.span(name.span())
    }

    /// From the first to the last of `idents` (`(a, b)` → `a, b`).
    pub fn idents(&self, idents: &[Ident]) -> Option<Origin> {
        let first = self.range_of(idents.first()?.span)?;
        let last = self.range_of(idents.last()?.span)?;
        Some(self.origin(first.start..last.end))
    }

    /// Token index of the token that starts where `ident` starts.
    fn token_of(&self, ident_span: Span) -> Option<usize> {
        let range = self.range_of(ident_span)?;
        let index = self.tokens.index_at(range.start)?;
        self.statement.tokens().contains(&index).then_some(index)
    }

    /// A `sqlparser` span as a byte range (`SourceFile::range_of`).
    fn range_of(&self, span: Span) -> Option<Range<usize>> {
        let start = self.offset_of(span.start)?;
        let end = self.offset_of(span.end)?;
        (start <= end).then_some(start..end)
    }

    /// The byte offset of a `sqlparser` location (`SourceFile::offset_of`).
    /// A node's span starts where one of its tokens starts and ends where
    /// one ends, and the statement's tokens know their byte ranges: found
    /// among them by a binary search, rather than by counting characters
    /// from the start of the line (which took a twentieth of a run that
    /// parses, and built the line index of every file read as context).
    fn offset_of(&self, location: Location) -> Option<usize> {
        let found = self.token_offset(location);
        debug_assert!(
            found.is_none() || found == self.source.offset_of(location),
            "{location:?}: token offset {found:?}"
        );
        found.or_else(|| self.source.offset_of(location))
    }

    fn token_offset(&self, location: Location) -> Option<usize> {
        if location.line == 0 || location.column == 0 {
            return None;
        }
        let indexes = self.statement.tokens();
        let tokens = self.tokens.tokens.get(indexes.clone())?;
        let at = tokens.partition_point(|token| token.span.start < location);
        match tokens.get(at) {
            Some(token) if token.span.start == location => {
                Some(self.tokens.ranges.get(indexes.start + at)?.start)
            }
            Some(_) => None,
            // The end of the statement's last token.
            None => {
                let last = at.checked_sub(1)?;
                (tokens.get(last)?.span.end == location)
                    .then(|| self.tokens.ranges.get(indexes.start + last).map(|r| r.end))
                    .flatten()
            }
        }
    }

    fn next(&self, index: usize) -> Option<usize> {
        self.tokens
            .next_significant(index, self.statement.tokens().end)
    }

    fn prev(&self, index: usize) -> Option<usize> {
        self.tokens
            .prev_significant(index, self.statement.tokens().start)
    }

    fn token(&self, index: usize) -> Option<&Token> {
        self.tokens.token(index)
    }

    fn keyword(&self, index: usize) -> Option<Keyword> {
        match self.token(index)? {
            Token::Word(word) if word.quote_style.is_none() => Some(word.keyword),
            _ => None,
        }
    }

    fn span_of_tokens(&self, first: usize, last: usize) -> Origin {
        let start = self.tokens.range(first).start;
        let end = self.tokens.range(last).end;
        self.origin(start..end)
    }

    /// The data type written after a column name (`email VARCHAR(255) NOT
    /// NULL` → `VARCHAR(255)`).
    pub fn type_after(&self, column: &Ident) -> Option<Origin> {
        let name = self.token_of(column.span)?;
        self.type_from(self.next(name + 1)?)
    }

    /// Token indexes of a column definition, from its name to the token
    /// before the `,` or `)` that ends it.
    fn column_tokens(&self, column: &Ident) -> Option<(usize, usize)> {
        let first = self.token_of(column.span)?;
        let mut depth = 0usize;
        let mut last = first;
        for index in first..self.statement.tokens().end {
            let token = self.token(index)?;
            match token {
                Token::LParen => depth += 1,
                Token::RParen if depth == 0 => break,
                Token::RParen => depth -= 1,
                Token::Comma | Token::SemiColon if depth == 0 => break,
                _ => {}
            }
            if !matches!(token, Token::Whitespace(_)) {
                last = index;
            }
        }
        Some((first, last))
    }

    /// A whole column definition (`email TEXT NOT NULL UNIQUE`).
    pub fn column_definition(&self, column: &Ident) -> Origin {
        match self.column_tokens(column) {
            Some((first, last)) => self.span_of_tokens(first, last),
            None => self.ident(column),
        }
    }

    /// A keyword in a column definition (`UNIQUE`, `PRIMARY KEY`).
    pub fn column_keyword(&self, column: &Ident, keyword: Keyword) -> Option<Origin> {
        let (first, last) = self.column_tokens(column)?;
        let found = (first..=last).find(|&i| self.keyword(i) == Some(keyword))?;
        let end = match keyword {
            Keyword::PRIMARY => self.next(found + 1).unwrap_or(found),
            _ => found,
        };
        Some(self.span_of_tokens(found, end))
    }

    /// A table constraint from its `CONSTRAINT name` (or its first keyword)
    /// to the `)` after its last column.
    pub fn constraint(
        &self,
        name: Option<&Ident>,
        columns: &[Ident],
        keywords: &[Keyword],
    ) -> Option<Origin> {
        let first_column = columns.first()?;
        let start = match name {
            Some(name) => self.prev(self.token_of(name.span)?)?,
            None => {
                let mut index = self.token_of(first_column.span)?;
                loop {
                    index = self.prev(index)?;
                    if self.keyword(index).is_some_and(|k| keywords.contains(&k)) {
                        break index;
                    }
                }
            }
        };
        let last_column = self.token_of(columns.last()?.span)?;
        let end = self
            .next(last_column + 1)
            .filter(|&i| self.token(i) == Some(&Token::RParen))
            .unwrap_or(last_column);
        Some(self.span_of_tokens(start, end))
    }

    /// The data type of `ALTER COLUMN name [SET DATA] TYPE t`.
    pub fn altered_type(&self, column: &Ident) -> Option<Origin> {
        let name = self.token_of(column.span)?;
        let mut index = self.next(name + 1)?;
        // Skip `SET DATA` and stop after `TYPE`.
        for _ in 0..3 {
            let keyword = self.keyword(index)?;
            index = self.next(index + 1)?;
            if keyword == Keyword::TYPE {
                return self.type_from(index);
            }
        }
        None
    }

    /// Tokens of a data type starting at token `first`: up to a `,` or `)`
    /// that closes the column, or a word that starts a column option.
    fn type_from(&self, first: usize) -> Option<Origin> {
        let mut depth = 0usize;
        let mut last = None;
        let mut index = first;
        while index < self.statement.tokens().end {
            let token = self.token(index)?;
            match token {
                Token::Whitespace(_) => {}
                Token::LParen => depth += 1,
                Token::RParen if depth == 0 => break,
                Token::RParen => depth -= 1,
                Token::Comma | Token::SemiColon if depth == 0 => break,
                Token::Word(w)
                    if depth == 0 && w.quote_style.is_none() && TYPE_END.contains(&w.keyword) =>
                {
                    break;
                }
                _ => {}
            }
            if !matches!(token, Token::Whitespace(_)) {
                last = Some(index);
            }
            index += 1;
        }
        Some(self.span_of_tokens(first, last?))
    }

    /// The type of `CREATE SEQUENCE s AS integer …` or `ALTER SEQUENCE s AS
    /// integer` (the words after `AS` up to the next option).
    pub fn sequence_type(&self) -> Option<Origin> {
        const OPTIONS: &[Keyword] = &[
            Keyword::START,
            Keyword::INCREMENT,
            Keyword::NO,
            Keyword::MINVALUE,
            Keyword::MAXVALUE,
            Keyword::CACHE,
            Keyword::CYCLE,
            Keyword::OWNED,
            Keyword::RESTART,
        ];
        let range = self.statement.tokens();
        let as_keyword = range
            .clone()
            .find(|&i| self.keyword(i) == Some(Keyword::AS))?;
        let first = self.next(as_keyword + 1)?;
        let mut last = first;
        let mut index = first;
        while let Some(next) = self.next(index + 1) {
            if self.keyword(next).is_some_and(|k| OPTIONS.contains(&k)) {
                break;
            }
            last = next;
            index = next;
        }
        Some(self.span_of_tokens(first, last))
    }

    /// The `REFERENCES table (cols) [ON DELETE …] [ON UPDATE …]` clause of a
    /// foreign key, found from the referenced table's name.
    pub fn references_clause(&self, foreign_table: &ObjectName) -> Option<Origin> {
        let part_token = |part: &ObjectNamePart| match part {
            ObjectNamePart::Identifier(ident) => self.token_of(ident.span),
            _ => None,
        };
        let table_first = part_token(foreign_table.0.first()?)?;
        let mut last = part_token(foreign_table.0.last()?)?;
        let references = self.prev(table_first)?;
        if self.keyword(references) != Some(Keyword::REFERENCES) {
            return None;
        }
        let mut index = self.next(last + 1);
        // Referenced columns.
        if let Some(open) = index.filter(|&i| self.token(i) == Some(&Token::LParen)) {
            last = self.closing_paren(open)?;
            index = self.next(last + 1);
        }
        // Actions and characteristics, in any order.
        while let Some(i) = index {
            let Some(end) = self.clause_tail(i) else {
                break;
            };
            last = end;
            index = self.next(end + 1);
        }
        Some(self.span_of_tokens(references, last))
    }

    fn closing_paren(&self, open: usize) -> Option<usize> {
        let mut depth = 0usize;
        for index in open..self.statement.tokens().end {
            match self.token(index)? {
                Token::LParen => depth += 1,
                Token::RParen => {
                    depth -= 1;
                    if depth == 0 {
                        return Some(index);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// One `ON DELETE|UPDATE action`, `MATCH kind`, `[NOT] DEFERRABLE` or
    /// `INITIALLY DEFERRED|IMMEDIATE` at token `index`: its last token.
    fn clause_tail(&self, index: usize) -> Option<usize> {
        let word = |i: usize| self.keyword(i);
        let after = |i: usize| self.next(i + 1);
        match word(index)? {
            Keyword::ON => {
                let event = after(index)?;
                if !matches!(word(event)?, Keyword::DELETE | Keyword::UPDATE) {
                    return None;
                }
                let action = after(event)?;
                match word(action)? {
                    Keyword::CASCADE | Keyword::RESTRICT => Some(action),
                    Keyword::NO | Keyword::SET => {
                        let second = after(action)?;
                        // `SET NULL (col, …)`
                        match after(second).filter(|&i| self.token(i) == Some(&Token::LParen)) {
                            Some(open) => self.closing_paren(open),
                            None => Some(second),
                        }
                    }
                    _ => None,
                }
            }
            Keyword::MATCH => after(index),
            Keyword::DEFERRABLE => Some(index),
            Keyword::NOT => after(index).filter(|&i| word(i) == Some(Keyword::DEFERRABLE)),
            Keyword::INITIALLY => after(index),
            _ => None,
        }
    }
}
