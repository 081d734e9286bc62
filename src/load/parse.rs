//! Parsing a file's statements with one parser over the file's own tokens,
//! so that one statement the parser cannot read costs only that statement.
//!
//! Each statement is first rewritten in place (`compat`), then parsed. A
//! statement the parser cannot read is asked of a second parser
//! (`validity`): valid PostgreSQL is classified (`compat::classify`), never
//! a parse error; only what PostgreSQL would reject is.

use std::borrow::Cow;
use std::ops::Range;

use sqlparser::ast;
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::{Parser, ParserError};
use sqlparser::tokenizer::{Location, Token};

use super::compat::{self, Classified, Extra};
use super::split::{Direction, Unit};
use super::tokens::{Tokens, is_trivia, strip_location};
use super::validity::{self, Verdict};
use crate::model::Name;

/// One statement of a file.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub struct Statement {
    /// Byte range of the statement (without the closing `;`).
    pub span: Range<usize>,
    pub direction: Direction,
    pub parsed: Parsed,
    /// For a statement found inside a `DO` block: which of the file's
    /// `nested` token lists its tokens are in (else the file's own tokens).
    pub nested: Option<u32>,
}

/// A statement while its file loads: with what reading its facts needs
/// and nothing after, which is let go of when the file's facts are read
/// (`into_kept`): every statement of every file is kept to the end of the
/// run, and these took 16 of its 72 bytes.
#[derive(Debug)]
pub struct Loading {
    pub statement: Statement,
    /// Token indexes of the statement (without the closing `;`). 32-bit:
    /// a file has fewer tokens than bytes, and no file over 4 GiB is read.
    token_range: Range<u32>,
    /// What rewritten clauses mean for the model (see `compat::Extra`).
    extras: Vec<Extra>,
}

/// A statement while it loads is the statement it will be, with more.
impl std::ops::Deref for Loading {
    type Target = Statement;

    fn deref(&self) -> &Statement {
        &self.statement
    }
}

impl std::ops::DerefMut for Loading {
    fn deref_mut(&mut self) -> &mut Statement {
        &mut self.statement
    }
}

/// A statement that could change the schema but was not read: what kind
/// of statement, and the table it changes when that is known.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub struct Unread {
    pub kind: Cow<'static, str>,
    pub table: Option<String>,
}

/// What parsing made of a statement.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub enum Parsed {
    /// Parsed, and its facts read (`LoadedFile::changes`); the tree is gone.
    Read,
    /// Valid, and nothing the rules read or read whole by `compat` (its
    /// extras): a `DO` block, `GRANT`, `ALTER SEQUENCE … OWNED BY`. Not an
    /// error. The kind names it in statistics (a `Name`: 8 bytes, as every
    /// statement of every file is kept to the end of the run).
    Opaque(Name),
    /// Valid PostgreSQL that could change tables, columns, keys or indexes,
    /// but that the parser cannot read: the model may be incomplete from
    /// here (`unsupported-statement`).
    /// Boxed, as `Failed`: every statement of every file is kept to the
    /// end of the run, and few are these.
    Unread(Box<Unread>),
    /// Boxed: few statements fail, and every statement of every file is
    /// kept to the end of the run.
    Failed(Box<ParseFailure>),
    /// Parsed; the tree lives only while the file loads, so it is never
    /// cached (storing it is an error: the file is then not stored). Last:
    /// serde numbers variants by position, skipped ones too, so a skipped
    /// variant before others would shift their numbers when read back.
    #[serde(skip)]
    Ok(Box<ast::Statement>),
}

impl Loading {
    pub fn new(
        tokens: Range<usize>,
        span: Range<usize>,
        direction: Direction,
        parsed: Parsed,
        extras: Vec<Extra>,
    ) -> Self {
        Loading {
            statement: Statement {
                span,
                direction,
                parsed,
                nested: None,
            },
            token_range: crate::source::narrow(tokens.start)..crate::source::narrow(tokens.end),
            extras,
        }
    }

    /// Token indexes of the statement.
    pub fn tokens(&self) -> Range<usize> {
        self.token_range.start as usize..self.token_range.end as usize
    }

    /// What rewritten clauses mean for the model.
    pub fn extras(&self) -> &[Extra] {
        &self.extras
    }

    /// The statement as it is kept, once its facts are read.
    pub fn into_kept(self) -> Statement {
        self.statement
    }
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
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct ParseFailure {
    /// One line, without the statement's text.
    pub message: String,
    /// The token where the parser gave up, when it said so.
    pub at: Option<Range<usize>>,
    /// What the model may now miss, for a statement that would change a
    /// table (`the table `x``).
    pub incomplete: Option<String>,
}

/// A statement's tokens between `;`s: a unit, or one statement of a block.
#[derive(Debug, Clone)]
struct Piece {
    tokens: Range<usize>,
    direction: Direction,
    rewritten: compat::Rewritten,
}

/// What the parser said about one piece, before the tokens are back.
enum Outcome {
    /// Parsed (the AST, or `Opaque` for data statements whose AST was
    /// dropped at once; see `kept`).
    Ok(Parsed, Range<usize>),
    Err(ParserError, Range<usize>, usize),
    /// Parsed up to the second bound, then something else followed.
    Trailing(Parsed, Range<usize>, usize),
    /// Not parsed: its expressions chain more than `MAX_EXPRESSION_DEPTH`
    /// operators (see `expression_depth`).
    TooDeep(Range<usize>),
}

/// Parses every unit of a file. `text` is what the tokens were read from
/// (with client-side syntax masked); `budget`, what is left of the file's
/// for statements only the second grammar can judge (`validity`).
pub fn parse_units(
    tokens: &mut Tokens,
    text: &str,
    units: &[Unit],
    budget: &mut validity::Budget,
) -> Vec<Loading> {
    let pieces = pieces(tokens, units);
    let owned = std::mem::take(&mut tokens.tokens);
    let dialect = PostgreSqlDialect {};
    let mut parser = Parser::new(&dialect).with_tokens_with_locations(owned);
    let mut outcomes: Vec<Vec<Outcome>> = Vec::with_capacity(pieces.len());
    for piece in &pieces {
        outcomes.push(parse_piece(&mut parser, piece));
    }
    tokens.tokens = parser.into_tokens();
    let mut statements = Vec::new();
    for (piece, outcome) in pieces.into_iter().zip(outcomes) {
        resolve(tokens, text, piece, outcome, &mut statements, budget);
    }
    statements
}

/// Splits units into pieces at `;` (only blocks hold several) and
/// rewrites each in place.
fn pieces(tokens: &mut Tokens, units: &[Unit]) -> Vec<Piece> {
    let mut out = Vec::new();
    for unit in units {
        let mut start = unit.tokens.start;
        for index in unit.tokens.clone().chain([unit.tokens.end]) {
            let ends = index == unit.tokens.end || tokens.token(index) == Some(&Token::SemiColon);
            if !ends {
                continue;
            }
            if let Some(first) = tokens.next_significant(start, index) {
                let last = tokens.prev_significant(index, first).unwrap_or(first);
                let range = first..last + 1;
                let rewritten = compat::rewrite(&mut tokens.tokens[range.clone()]);
                out.push(Piece {
                    tokens: range,
                    direction: unit.direction,
                    rewritten,
                });
            }
            start = index + 1;
        }
    }
    out
}

/// Parses the statements of one piece: one, or several when a `;` is
/// missing between them.
fn parse_piece(parser: &mut Parser<'_>, piece: &Piece) -> Vec<Outcome> {
    let end = piece.tokens.end;
    // The parser's position is the index of the next token it reads.
    while parser.index() < piece.tokens.start {
        parser.next_token_no_skip();
    }
    if piece.rewritten.consumed.is_some() || significant_before(parser, end).is_none() {
        return Vec::new();
    }
    let tokens = piece.tokens.clone().map(|i| &parser.token_at(i).token);
    if expression_depth(tokens) > MAX_EXPRESSION_DEPTH {
        while parser.index() < end {
            parser.next_token_no_skip();
        }
        return vec![Outcome::TooDeep(piece.tokens.clone())];
    }
    let mut outcomes = Vec::new();
    while let Some(start) = significant_before(parser, end) {
        let result = parser.parse_statement();
        let stopped = parser.index().min(end);
        match result {
            Err(error) => {
                outcomes.push(Outcome::Err(error, start..end, stopped));
                break;
            }
            Ok(statement) => match significant_before(parser, end) {
                None => {
                    outcomes.push(Outcome::Ok(kept(statement), start..end));
                    break;
                }
                Some(next) => {
                    outcomes.push(Outcome::Trailing(kept(statement), start..next, next));
                }
            },
        }
    }
    while parser.index() < end {
        parser.next_token_no_skip();
    }
    outcomes
}

/// The index of the next significant token before `end`, if any (the
/// parser's position is not moved).
fn significant_before(parser: &Parser<'_>, end: usize) -> Option<usize> {
    let mut index = parser.index();
    while index < end {
        if !is_trivia(&parser.token_at(index).token) {
            return Some(index);
        }
        index += 1;
    }
    None
}

/// Turns what the parser said about a piece into statements.
fn resolve(
    tokens: &Tokens,
    text: &str,
    piece: Piece,
    outcomes: Vec<Outcome>,
    out: &mut Vec<Loading>,
    budget: &mut validity::Budget,
) {
    let statement = |range: Range<usize>, parsed: Parsed, extras: Vec<Extra>| {
        make(tokens, range, piece.direction, parsed, extras)
    };
    if let Some(kind) = piece.rewritten.consumed {
        out.push(statement(
            piece.tokens.clone(),
            Parsed::Opaque(Name::new(kind)),
            piece.rewritten.extras,
        ));
        return;
    }
    let piece_text = |range: &Range<usize>| {
        let bytes = tokens.range(range.start).start..tokens.range(range.end - 1).end;
        text.get(bytes).unwrap_or("")
    };
    let mut extras = Some(piece.rewritten.extras);
    let whole = piece.tokens.clone();
    // A statement the parser read only in part, with more after it, is
    // either two statements missing a `;` between them, or one valid
    // statement the parser stopped short in.
    let partial = outcomes.iter().any(|o| matches!(o, Outcome::Trailing(..)));
    let verdict = if partial || outcomes.iter().any(|o| matches!(o, Outcome::Err(..))) {
        Some(validity::check(
            piece_text(&whole),
            &tokens.tokens[whole.clone()],
            budget,
        ))
    } else {
        None
    };
    if let Some(Verdict::Valid) = verdict {
        if let Some(kind) = compat::opaque(&tokens.tokens[whole.clone()]) {
            out.push(statement(
                whole,
                Parsed::Opaque(Name::new(kind)),
                extras.take().unwrap_or_default(),
            ));
            return;
        }
        let parsed = match compat::classify(&tokens.tokens[whole.clone()]) {
            Classified::Outside(kind) => Parsed::Opaque(Name::new(kind)),
            Classified::Shaping(kind, table) => Parsed::Unread(Box::new(Unread {
                kind: Cow::Borrowed(kind),
                table,
            })),
        };
        out.push(statement(whole, parsed, extras.take().unwrap_or_default()));
        return;
    }
    let mut outcomes = outcomes.into_iter().peekable();
    while let Some(outcome) = outcomes.next() {
        match outcome {
            Outcome::Ok(parsed, range) => {
                out.push(statement(range, parsed, extras.take().unwrap_or_default()))
            }
            Outcome::Trailing(parsed, range, next) => {
                out.push(statement(range, parsed, extras.take().unwrap_or_default()));
                let at = Some(tokens.range(next));
                if matches!(outcomes.peek(), Some(Outcome::Err(..)) | None) {
                    // Not a statement of its own: the rest is the error.
                    outcomes.next();
                    let found = describe_token(tokens.token(next));
                    let message =
                        format!("expected `;` or the end of the statement, found {found}");
                    let failure = Parsed::Failed(Box::new(ParseFailure {
                        message,
                        at,
                        incomplete: None,
                    }));
                    out.push(statement(next..whole.end, failure, Vec::new()));
                    break;
                }
                // Two statements without a `;` between them: PostgreSQL
                // rejects this, so it is a finding on the second one, at
                // its first token; both are still read, as their author
                // meant them.
                let second = match outcomes.peek() {
                    Some(Outcome::Ok(_, range) | Outcome::Trailing(_, range, _)) => range.clone(),
                    _ => next..next + 1,
                };
                let message = "missing `;` before this statement".to_string();
                let failure = Parsed::Failed(Box::new(ParseFailure {
                    message,
                    at,
                    incomplete: None,
                }));
                out.push(statement(second, failure, Vec::new()));
            }
            Outcome::TooDeep(range) => {
                let parsed = match compat::classify(&tokens.tokens[range.clone()]) {
                    Classified::Outside(kind) => Parsed::Opaque(Name::new(kind)),
                    Classified::Shaping(kind, table) => Parsed::Unread(Box::new(Unread {
                        kind: Cow::Owned(format!(
                            "{kind} with an expression of more than 1,000 chained operators"
                        )),
                        table,
                    })),
                };
                out.push(statement(range, parsed, extras.take().unwrap_or_default()));
            }
            Outcome::Err(error, range, stopped) => {
                if let Some(kind) = compat::opaque(&tokens.tokens[range.clone()]) {
                    out.push(statement(
                        range,
                        Parsed::Opaque(Name::new(kind)),
                        Vec::new(),
                    ));
                    continue;
                }
                let incomplete = match compat::classify(&tokens.tokens[range.clone()]) {
                    Classified::Shaping(_, Some(table)) => Some(format!("the table `{table}`")),
                    Classified::Shaping(kind, None) => Some(format!("what this {kind} changes")),
                    Classified::Outside(_) => None,
                };
                let index = error_index(tokens, &error, stopped, range.clone());
                let message = if nested_too_deeply(&tokens.tokens[range.clone()]) {
                    TOO_DEEP.to_string()
                } else {
                    error_message(&error, index.and_then(|i| tokens.token(i)))
                };
                let failure = ParseFailure {
                    message,
                    at: index.map(|i| tokens.range(i)),
                    incomplete,
                };
                out.push(statement(
                    range,
                    Parsed::Failed(Box::new(failure)),
                    Vec::new(),
                ));
            }
        }
    }
}

/// A parsed statement as it is kept: the AST of statements that only move
/// data (a data migration's thousands of `INSERT`s) is dropped at once,
/// since nothing reads it, so memory does not grow with the rows.
fn kept(ast: ast::Statement) -> Parsed {
    use ast::Statement as S;
    match ast {
        S::Insert(_) | S::Update(_) | S::Delete(_) | S::Copy { .. } | S::Merge(_) => {
            Parsed::Opaque(Name::new("data"))
        }
        _ => Parsed::Ok(Box::new(ast)),
    }
}

fn make(
    tokens: &Tokens,
    range: Range<usize>,
    direction: Direction,
    parsed: Parsed,
    extras: Vec<Extra>,
) -> Loading {
    let first = tokens
        .next_significant(range.start, range.end)
        .unwrap_or(range.start);
    let last = tokens
        .prev_significant(range.end, range.start)
        .unwrap_or(range.end.saturating_sub(1));
    let span = tokens.range(first).start..tokens.range(last).end;
    Loading::new(range, span, direction, parsed, extras)
}

/// A token as a message shows it: one line, at most 40 characters (a
/// dollar-quoted body is not echoed).
fn describe_token(token: Option<&Token>) -> String {
    let Some(token) = token else {
        return "the end of the statement".to_string();
    };
    let text = token.to_string();
    let line = text.lines().next().unwrap_or("");
    let mut shown: String = line.chars().take(40).collect();
    if shown.len() < text.len() {
        shown.push('…');
    }
    format!("`{shown}`")
}

/// The token the parser was looking at when it failed: the one at the
/// location its message names, else the one after the last it consumed
/// (searched within the statement only: a file of thousands of broken
/// statements must not cost thousands of scans of the file.)
fn error_index(
    tokens: &Tokens,
    error: &ParserError,
    consumed_to: usize,
    unit: Range<usize>,
) -> Option<usize> {
    let named = message_location(error).and_then(|location| {
        unit.clone()
            .find(|&i| tokens.tokens[i].span.start == location)
    });
    named
        .or_else(|| tokens.next_significant(consumed_to.max(unit.start), unit.end))
        .or_else(|| tokens.prev_significant(unit.end, unit.start))
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

/// The parser's reason, on one line: `found: …` shows at most the first
/// line and 40 characters of the token (never a whole function body).
fn error_message(error: &ParserError, found: Option<&Token>) -> String {
    let message = match error {
        ParserError::TokenizerError(m) | ParserError::ParserError(m) => strip_location(m),
        ParserError::RecursionLimitExceeded => return TOO_DEEP.to_string(),
    };
    let reason = match message.find(", found: ") {
        Some(at) => format!("{}, found {}", &message[..at], describe_token(found)),
        None => message.to_string(),
    };
    reason.split_whitespace().collect::<Vec<_>>().join(" ")
}

const TOO_DEEP: &str = "statement is nested too deeply";

/// How deep a statement's expressions may be (`expression_depth`) for it
/// to be parsed. The parser reads a chain of operators (`a OR b OR c …`,
/// `x::a::b …`) in a loop, but builds it as a tree as deep as the chain,
/// and everything that reads the tree (its positions, its text, freeing
/// it) recurses down it: a `CHECK` of 2,300 `OR`s overflowed a worker
/// thread's stack (found by the fuzzer). PostgreSQL accepts such chains;
/// a statement past this is said to be unread (`unsupported-statement`),
/// not parsed.
pub const MAX_EXPRESSION_DEPTH: usize = 1000;

// The message above spells the limit out.
const _: () = assert!(MAX_EXPRESSION_DEPTH == 1000);

/// An upper bound of how deep the parser's tree of a statement can be:
/// the binary operators chained at each bracket level (a comma or a
/// clause or `CASE` keyword starts a new expression) plus the levels,
/// along the deepest path. Read from the tokens, in one pass.
fn expression_depth<'t>(tokens: impl Iterator<Item = &'t Token>) -> usize {
    use sqlparser::keywords::Keyword as K;
    // Operators chained so far at each open level, and their sum.
    let mut chains: Vec<usize> = vec![0];
    let mut sum = 0usize;
    let mut deepest = 0usize;
    for token in tokens {
        let keyword = compat::keyword(token);
        let operator = matches!(
            token,
            Token::Plus
                | Token::Minus
                | Token::Mul
                | Token::Div
                | Token::Mod
                | Token::StringConcat
                | Token::Eq
                | Token::Neq
                | Token::Lt
                | Token::Gt
                | Token::LtEq
                | Token::GtEq
                | Token::DoubleColon
                | Token::Caret
                | Token::Ampersand
                | Token::Pipe
        ) || matches!(keyword, K::AND | K::OR);
        let restart = matches!(token, Token::Comma)
            || matches!(
                keyword,
                K::WHEN
                    | K::THEN
                    | K::ELSE
                    | K::SELECT
                    | K::FROM
                    | K::WHERE
                    | K::HAVING
                    | K::ON
                    | K::SET
                    | K::VALUES
            );
        match token {
            Token::LParen | Token::LBracket => chains.push(0),
            Token::RParen | Token::RBracket if chains.len() > 1 => {
                sum -= chains.pop().unwrap_or(0);
            }
            _ if operator => {
                if let Some(chain) = chains.last_mut() {
                    *chain += 1;
                    sum += 1;
                }
            }
            _ if restart => {
                if let Some(chain) = chains.last_mut() {
                    sum -= *chain;
                    *chain = 0;
                }
            }
            _ => {}
        }
        deepest = deepest.max(sum + chains.len());
    }
    deepest
}

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
