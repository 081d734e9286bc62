//! Parsing each statement on its own, so that one statement the parser
//! cannot read costs only that statement.

use std::ops::Range;

use sqlparser::ast;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token};

use super::compat;
use super::split::{Direction, Unit};
use super::tokens::{Tokens, strip_location};

/// One statement of a file.
#[derive(Debug, Clone)]
pub struct Statement {
    /// Token indexes of the statement (without the closing `;`).
    pub tokens: Range<usize>,
    /// Byte range of the statement (without the closing `;`).
    pub span: Range<usize>,
    pub direction: Direction,
    pub parsed: Parsed,
    /// For a statement found inside a `DO` block: which of the file's
    /// `nested` token lists `tokens` indexes (else the file's own tokens).
    pub nested: Option<usize>,
}

/// What parsing made of a statement.
#[derive(Debug, Clone)]
pub enum Parsed {
    Ok(Box<ast::Statement>),
    /// Valid, but nothing the rules read (a `DO` block, `COMMENT ON …`):
    /// not parsed, not an error. See `compat::opaque`.
    Opaque(&'static str),
    Failed(ParseFailure),
}

impl Statement {
    pub fn ast(&self) -> Option<&ast::Statement> {
        match &self.parsed {
            Parsed::Ok(statement) => Some(statement),
            _ => None,
        }
    }

    pub fn failure(&self) -> Option<&ParseFailure> {
        match &self.parsed {
            Parsed::Failed(failure) => Some(failure),
            _ => None,
        }
    }
}

/// Why a statement could not be read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseFailure {
    pub message: String,
    /// The token where the parser gave up, when it said so.
    pub at: Option<Range<usize>>,
}

/// Parses one unit. A unit is normally one statement; a goose block may hold
/// several, which are parsed one after the other.
pub fn parse_unit(tokens: &Tokens, unit: &Unit) -> Vec<Statement> {
    let dialect = PostgreSqlDialect {};
    let mut slice = tokens.tokens[unit.tokens.clone()].to_vec();
    for statement in slice.split_mut(|t| t.token == Token::SemiColon) {
        compat::rewrite(statement);
    }
    let base = unit.tokens.start;
    let end = unit.tokens.end;
    // Significant tokens of the rewritten copy (blanked words are spaces).
    let significant =
        |from: usize| (from..end).find(|&i| !matches!(slice[i - base].token, Token::Whitespace(_)));
    let mut parser = Parser::new(&dialect).with_tokens_with_locations(slice.clone());
    let mut statements = Vec::new();
    loop {
        while parser.consume_token(&Token::SemiColon) {}
        let Some(start) = significant(base + parser.index()) else {
            break;
        };
        let result = parser.parse_statement();
        let consumed_to = base + parser.get_current_index();
        match result {
            Ok(statement) => {
                let last = tokens
                    .prev_significant(consumed_to + 1, start)
                    .unwrap_or(start);
                let parsed = Parsed::Ok(Box::new(statement));
                statements.push(make(tokens, start..last + 1, unit.direction, parsed));
                // Anything but `;` after a statement is an error, as a
                // migration tool would report it.
                let following = parser.peek_token().token;
                if !matches!(following, Token::EOF | Token::SemiColon) {
                    if let Some(kind) = compat::opaque(&tokens.tokens[start..end]) {
                        statements.pop();
                        statements.push(make(
                            tokens,
                            start..end,
                            unit.direction,
                            Parsed::Opaque(kind),
                        ));
                        break;
                    }
                    let at = significant(consumed_to + 1).map(|i| tokens.range(i));
                    let message = if nested_too_deeply(&tokens.tokens[start..end]) {
                        TOO_DEEP.to_string()
                    } else {
                        format!("Expected: end of statement, found: {following}")
                    };
                    statements.push(failure(tokens, last + 1..end, unit.direction, message, at));
                    break;
                }
            }
            Err(error) => {
                let parsed = match compat::opaque(&tokens.tokens[start..end]) {
                    Some(kind) => Parsed::Opaque(kind),
                    None => Parsed::Failed(ParseFailure {
                        message: if nested_too_deeply(&tokens.tokens[start..end]) {
                            TOO_DEEP.to_string()
                        } else {
                            error_message(&error)
                        },
                        at: error_token(tokens, &error, consumed_to, start..end),
                    }),
                };
                statements.push(make(tokens, start..end, unit.direction, parsed));
                break;
            }
        }
    }
    statements
}

fn make(tokens: &Tokens, range: Range<usize>, direction: Direction, parsed: Parsed) -> Statement {
    let first = tokens
        .next_significant(range.start, range.end)
        .unwrap_or(range.start);
    let last = tokens
        .prev_significant(range.end, range.start)
        .unwrap_or(range.end.saturating_sub(1));
    let span = tokens.range(first).start..tokens.range(last).end;
    Statement {
        tokens: range,
        span,
        direction,
        parsed,
        nested: None,
    }
}

fn failure(
    tokens: &Tokens,
    range: Range<usize>,
    direction: Direction,
    message: String,
    at: Option<Range<usize>>,
) -> Statement {
    make(
        tokens,
        range,
        direction,
        Parsed::Failed(ParseFailure { message, at }),
    )
}

/// The token the parser was looking at when it failed: the one at the
/// location its message names, else the one after the last it consumed.
fn error_token(
    tokens: &Tokens,
    error: &ParserError,
    consumed_to: usize,
    unit: Range<usize>,
) -> Option<Range<usize>> {
    let named = message_location(error).and_then(|location| {
        unit.clone()
            .find(|&i| tokens.tokens[i].span.start == location)
    });
    let index = named
        .or_else(|| tokens.next_significant(consumed_to.max(unit.start), unit.end))
        .or_else(|| tokens.prev_significant(unit.end, unit.start))?;
    Some(tokens.range(index))
}

/// The location at the end of a `sqlparser` message: "… at Line: 3, Column: 5".
fn message_location(error: &ParserError) -> Option<Location> {
    let (ParserError::TokenizerError(m) | ParserError::ParserError(m)) = error else {
        return None;
    };
    let rest = &m[m.rfind(" at Line: ")? + " at Line: ".len()..];
    let (line, column) = rest.split_once(", Column: ")?;
    Some(Location::new(
        line.trim().parse().ok()?,
        column.trim().parse().ok()?,
    ))
}

fn error_message(error: &ParserError) -> String {
    match error {
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => {
            strip_location(m).to_string()
        }
        ParserError::RecursionLimitExceeded => TOO_DEEP.to_string(),
    }
}

const TOO_DEEP: &str = "statement is nested too deeply";

/// Whether a statement that failed to parse nests about as deep as the
/// parser's recursion limit (50) allows. The parser does not always say so:
/// past the limit, `NOT NOT … true` or nested `CASE`s fail as "Expected: end
/// of statement", because the limit error is swallowed where the parser
/// tries an alternative. Each level costs the parser at least one unit:
/// brackets, `CASE … END`, a run of prefix operators (`NOT`, `-`); a
/// subquery costs two.
fn nested_too_deeply(tokens: &[sqlparser::tokenizer::TokenWithSpan]) -> bool {
    use sqlparser::keywords::Keyword;
    const LIMIT: usize = 40;
    let keyword = |t: &Token| match t {
        Token::Word(w) if w.quote_style.is_none() => Some(w.keyword),
        _ => None,
    };
    // The cost of each open level, and their sum.
    let mut levels: Vec<usize> = Vec::new();
    let mut depth = 0usize;
    let mut prefix_run = 0usize;
    let mut previous: Option<&Token> = None;
    for token in tokens.iter().map(|t| &t.token) {
        if matches!(token, Token::Whitespace(_)) {
            continue;
        }
        match (token, keyword(token)) {
            (Token::LParen | Token::LBracket, _) | (_, Some(Keyword::CASE)) => {
                levels.push(1);
                depth += 1;
            }
            (Token::RParen | Token::RBracket, _) | (_, Some(Keyword::END)) => {
                depth -= levels.pop().unwrap_or(0);
            }
            (_, Some(Keyword::SELECT | Keyword::WITH | Keyword::VALUES))
                if previous == Some(&Token::LParen) =>
            {
                if let Some(top) = levels.last_mut() {
                    *top += 1;
                    depth += 1;
                }
            }
            _ => {}
        }
        let prefix = matches!(token, Token::Minus | Token::Plus | Token::Tilde)
            || keyword(token) == Some(Keyword::NOT);
        prefix_run = if prefix { prefix_run + 1 } else { 0 };
        if depth + prefix_run >= LIMIT {
            return true;
        }
        previous = Some(token);
    }
    false
}
