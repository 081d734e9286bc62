//! Valid PostgreSQL that `sqlparser` does not read (yet), found by running
//! over real migration sets and pg_dump output. Three remedies, each kept
//! small and explicit:
//!
//! - `rewrite` blanks, in place in a statement's tokens, words and clauses
//!   the parser does not know and the model does not need (`COLLATE "C"`
//!   after a type, `NOT LEAKPROOF`, trigger-function arguments, whole
//!   `ALTER TABLE` actions such as `ALTER CONSTRAINT … DEFERRABLE`).
//!   Blanked tokens become whitespace, so every other position stays exact.
//!   What a blanked clause means for the model is kept as an [`Extra`]
//!   (PostgreSQL 18's `CONSTRAINT n NOT NULL col`, `DROP IDENTITY`, `SET
//!   SCHEMA`), and statements the parser never reads but the model needs
//!   (`ALTER SEQUENCE … OWNED BY`, `ALTER TRIGGER … RENAME TO`) are read
//!   here whole.
//! - `opaque` names statements that are valid and do not shape the model
//!   (`DO` blocks are read by `procedural`).
//! - `classify` says, for a statement PostgreSQL accepts but the parser
//!   cannot read (see `validity`), whether it could change the modelled
//!   schema.

use std::ops::Range;

use sqlparser::ast::{DataType, Ident, ObjectName};
use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::keywords::Keyword;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace};

/// What a rewritten or hand-read statement means for the model, beyond its
/// AST (if any).
#[derive(Debug, Clone, PartialEq)]
pub enum Extra {
    /// `CONSTRAINT n NOT NULL col` (PostgreSQL 18, pg_dump writes it), in
    /// `CREATE TABLE` (`table` is `None`: the created table) or `ALTER
    /// TABLE … ADD`.
    NotNull {
        table: Option<ObjectName>,
        column: Ident,
    },
    /// `ALTER SEQUENCE s OWNED BY t.c`: with a `nextval('s')` default, `c`
    /// is a serial column.
    SequenceOwnedBy {
        sequence: ObjectName,
        table: ObjectName,
        column: Ident,
    },
    /// `ALTER SEQUENCE s AS bigint`.
    SequenceType {
        sequence: ObjectName,
        data_type: DataType,
    },
    /// `ALTER SEQUENCE s RENAME TO n`.
    RenameSequence { old: ObjectName, new: Ident },
    /// `ALTER TRIGGER t ON tbl RENAME TO n`.
    RenameTrigger {
        table: ObjectName,
        old: Ident,
        new: Ident,
    },
    /// `ALTER TABLE t ALTER COLUMN c DROP IDENTITY`.
    DropIdentity { table: ObjectName, column: Ident },
    /// `ALTER TABLE t SET SCHEMA s`.
    SetSchema { table: ObjectName, schema: Ident },
}

/// What rewriting a statement found.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Rewritten {
    pub extras: Vec<Extra>,
    /// The statement was read here whole (or nothing of it is left for the
    /// parser): its kind, for statistics.
    pub consumed: Option<&'static str>,
}

/// The significant tokens of one statement, by position, for matching
/// keyword patterns.
struct Words<'t> {
    tokens: &'t [TokenWithSpan],
    /// Indexes (into `tokens`) of the tokens that are not whitespace.
    at: Vec<usize>,
}

impl<'t> Words<'t> {
    fn new(tokens: &'t [TokenWithSpan]) -> Self {
        let at = (0..tokens.len())
            .filter(|&i| !matches!(tokens[i].token, Token::Whitespace(_)))
            .collect();
        Words { tokens, at }
    }

    fn len(&self) -> usize {
        self.at.len()
    }

    fn token(&self, n: usize) -> Option<&'t Token> {
        self.at.get(n).map(|&i| &self.tokens[i].token)
    }

    fn kw(&self, n: usize) -> Keyword {
        self.token(n).map_or(Keyword::NoKeyword, keyword)
    }

    fn is(&self, n: usize, words: &[Keyword]) -> bool {
        words.iter().enumerate().all(|(k, w)| self.kw(n + k) == *w)
    }

    /// The position after the parenthesised group that opens at `n`.
    fn after_group(&self, n: usize) -> usize {
        let mut depth = 0usize;
        for m in n..self.len() {
            match self.token(m) {
                Some(Token::LParen | Token::LBracket) => depth += 1,
                Some(Token::RParen | Token::RBracket) => {
                    depth = depth.saturating_sub(1);
                    if depth == 0 {
                        return m + 1;
                    }
                }
                _ => {}
            }
        }
        self.len()
    }

    /// Top-level items of the group that opens at `open`, as position
    /// ranges (commas excluded).
    fn items(&self, open: usize) -> Vec<Range<usize>> {
        let close = self.after_group(open).saturating_sub(1);
        let mut items = Vec::new();
        let mut start = open + 1;
        let mut depth = 0usize;
        for m in open + 1..close {
            match self.token(m) {
                Some(Token::LParen | Token::LBracket) => depth += 1,
                Some(Token::RParen | Token::RBracket) => depth = depth.saturating_sub(1),
                Some(Token::Comma) if depth == 0 => {
                    items.push(start..m);
                    start = m + 1;
                }
                _ => {}
            }
        }
        if start < close {
            items.push(start..close);
        }
        items
    }

    /// A parser over at most `count` words from position `n` (a copy of
    /// their tokens, for the statements read here).
    fn parser_from(&self, n: usize, count: usize) -> Option<Parser<'static>> {
        let first = *self.at.get(n)?;
        let end = self
            .at
            .get(n.saturating_add(count))
            .copied()
            .unwrap_or(self.tokens.len());
        let tokens = self.tokens.get(first..end)?.to_vec();
        let dialect: &'static PostgreSqlDialect = &PostgreSqlDialect {};
        Some(Parser::new(dialect).with_tokens_with_locations(tokens))
    }
}

/// Enough words for the names read with a parser here (`ident_at`,
/// `table_name`, an `ALTER TABLE`'s or `ALTER TRIGGER`'s names): a name of
/// two dozen parts with its dots, where PostgreSQL's have at most three. The parser gets a copy of only these: an
/// `ALTER TABLE` names its table before thousands of words of actions.
const NAME_WORDS: usize = 64;

/// Whether `rewrite` may change a statement that starts with these
/// tokens: every form it knows starts with `CREATE`, `ALTER` or `DROP
/// INDEX`. The others (an `INSERT` of thousands of rows) are left without
/// listing their words.
fn may_rewrite(tokens: &[TokenWithSpan]) -> bool {
    let mut words = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .map(|t| keyword(&t.token));
    matches!(
        (words.next(), words.next()),
        (Some(Keyword::CREATE | Keyword::ALTER), _) | (Some(Keyword::DROP), Some(Keyword::INDEX))
    )
}

/// Rewrites one statement (its tokens) in place; see the module docs.
pub fn rewrite(tokens: &mut [TokenWithSpan]) -> Rewritten {
    if !may_rewrite(tokens) {
        return Rewritten::default();
    }
    let words = Words::new(tokens);
    let mut blank: Vec<Range<usize>> = Vec::new();
    let mut out = Rewritten::default();
    let kw = |n| words.kw(n);
    match (kw(0), kw(1)) {
        (Keyword::DROP, Keyword::INDEX) if kw(2) == Keyword::CONCURRENTLY => blank.push(2..3),
        (Keyword::ALTER, Keyword::INDEX) if words.is(2, &[Keyword::IF, Keyword::EXISTS]) => {
            blank.push(2..4)
        }
        (Keyword::CREATE, Keyword::INDEX | Keyword::UNIQUE) => {
            if let Some(on) = (0..words.len()).find(|&n| kw(n) == Keyword::ON)
                && kw(on + 1) == Keyword::ONLY
            {
                blank.push(on + 1..on + 2);
            }
        }
        (Keyword::CREATE, Keyword::EXTENSION) => {
            if let Some(schema) = (2..words.len()).find(|&n| kw(n) == Keyword::SCHEMA)
                && kw(schema - 1) != Keyword::WITH
            {
                blank.push(schema..schema + 2);
            }
        }
        (Keyword::CREATE, _) => create(&words, &mut blank, &mut out),
        (Keyword::ALTER, Keyword::TABLE) => alter_table(&words, &mut blank, &mut out),
        (Keyword::ALTER, Keyword::SEQUENCE) => {
            out.extras.extend(alter_sequence(&words));
            out.consumed = Some("ALTER SEQUENCE");
        }
        (Keyword::ALTER, Keyword::TRIGGER) => {
            if let Some(extra) = alter_trigger(&words) {
                out.extras.push(extra);
                out.consumed = Some("ALTER TRIGGER");
            }
        }
        _ => {}
    }
    let positions: Vec<usize> = blank
        .into_iter()
        .flat_map(|range| range.filter_map(|n| words.at.get(n).copied()))
        .collect();
    drop(words);
    for index in positions {
        tokens[index].token = Token::Whitespace(Whitespace::Space);
    }
    out
}

/// `CREATE …` forms: tables, functions, triggers, views.
fn create(words: &Words<'_>, blank: &mut Vec<Range<usize>>, out: &mut Rewritten) {
    let kw = |n| words.kw(n);
    // CREATE [OR REPLACE] [TEMP|UNLOGGED|…] <object>
    let mut n = 1;
    if words.is(n, &[Keyword::OR, Keyword::REPLACE]) {
        n += 2;
    }
    while matches!(
        kw(n),
        Keyword::TEMP
            | Keyword::TEMPORARY
            | Keyword::UNLOGGED
            | Keyword::GLOBAL
            | Keyword::LOCAL
            | Keyword::CONSTRAINT
    ) {
        n += 1;
    }
    match kw(n) {
        Keyword::TABLE => create_table(words, n, blank, out),
        Keyword::FUNCTION => {
            // `[NOT] LEAKPROOF`, `COST n`, `ROWS n` outside parentheses.
            let mut depth = 0i32;
            for m in n..words.len() {
                match words.token(m) {
                    Some(Token::LParen) => depth += 1,
                    Some(Token::RParen) => depth -= 1,
                    _ => {}
                }
                if depth != 0 {
                    continue;
                }
                let number_after = matches!(words.token(m + 1), Some(Token::Number(..)));
                match kw(m) {
                    Keyword::COST | Keyword::ROWS if number_after => blank.push(m..m + 2),
                    Keyword::LEAKPROOF if kw(m - 1) == Keyword::NOT => blank.push(m - 1..m + 1),
                    Keyword::LEAKPROOF => blank.push(m..m + 1),
                    _ => {}
                }
            }
        }
        Keyword::TRIGGER => {
            // `EXECUTE {FUNCTION|PROCEDURE} f('literal', …)`: the arguments
            // are the trigger's, not the model's.
            if let Some(execute) = (n..words.len()).find(|&m| kw(m) == Keyword::EXECUTE)
                && let Some(open) =
                    (execute..words.len()).find(|&m| words.token(m) == Some(&Token::LParen))
            {
                let close = words.after_group(open).saturating_sub(1);
                if close > open + 1 {
                    blank.push(open + 1..close);
                }
            }
        }
        Keyword::MATERIALIZED | Keyword::VIEW => {
            // `WITH [NO] DATA` after a materialized view's query.
            let last = words.len();
            if last >= 2 && kw(last - 1) == Keyword::DATA {
                if kw(last - 2) == Keyword::WITH {
                    blank.push(last - 2..last);
                } else if last >= 3 && kw(last - 2) == Keyword::NO && kw(last - 3) == Keyword::WITH
                {
                    blank.push(last - 3..last);
                }
            }
        }
        Keyword::RECURSIVE if kw(n + 1) == Keyword::VIEW => blank.push(n..n + 1),
        _ => {}
    }
    let _ = out;
}

/// `CREATE TABLE`: PostgreSQL 18's named `NOT NULL` table constraints
/// (kept as extras), `NO INHERIT`, `NOT VALID`, `LIKE … INCLUDING …`, and
/// `TABLESPACE` after the column list.
fn create_table(
    words: &Words<'_>,
    table_kw: usize,
    blank: &mut Vec<Range<usize>>,
    out: &mut Rewritten,
) {
    let Some(open) = (table_kw..words.len()).find(|&m| words.token(m) == Some(&Token::LParen))
    else {
        return;
    };
    let close = words.after_group(open);
    let items = words.items(open);
    for (index, item) in items.iter().enumerate() {
        let (start, end) = (item.start, item.end);
        // `CONSTRAINT name NOT NULL column [NO INHERIT]`
        if words.is(start, &[Keyword::CONSTRAINT])
            && words.is(start + 2, &[Keyword::NOT, Keyword::NULL])
            && let Some(column) = ident_at(words, start + 4)
        {
            out.extras.push(Extra::NotNull {
                table: None,
                column,
            });
            // With its comma: the one before it, or after it when first.
            let with_comma = if index > 0 {
                start - 1..end
            } else if index + 1 < items.len() {
                start..end + 1
            } else {
                start..end
            };
            blank.push(with_comma);
            continue;
        }
        for m in start..end {
            if words.is(m, &[Keyword::NO, Keyword::INHERIT])
                || words.is(m, &[Keyword::NOT, Keyword::VALID])
            {
                blank.push(m..m + 2);
            }
        }
        if words.kw(start) == Keyword::LIKE
            && let Some(option) = (start..end)
                .find(|&m| matches!(words.kw(m), Keyword::INCLUDING | Keyword::EXCLUDING))
        {
            blank.push(option..end);
        }
    }
    // `… ) [WITH (…)] TABLESPACE name`
    if let Some(tablespace) = (close..words.len()).find(|&m| words.kw(m) == Keyword::TABLESPACE) {
        blank.push(tablespace..tablespace + 2);
    }
}

/// `ALTER TABLE … action, action, …`: actions the parser does not read are
/// blanked (with their comma); what they mean for the model is kept.
fn alter_table(words: &Words<'_>, blank: &mut Vec<Range<usize>>, out: &mut Rewritten) {
    let mut n = 2;
    if words.is(n, &[Keyword::IF, Keyword::EXISTS]) {
        n += 2;
    }
    if words.kw(n) == Keyword::ONLY {
        n += 1;
    }
    let Some(mut parser) = words.parser_from(n, NAME_WORDS) else {
        return;
    };
    let Ok(table) = parser.parse_object_name(false) else {
        return;
    };
    // Skip the name (its words) and a `*` after it.
    let mut start = n + object_name_words(&table);
    if words.token(start) == Some(&Token::Mul) {
        start += 1;
    }
    let actions = top_level_split(words, start, words.len());
    let mut kept = 0;
    for (index, action) in actions.iter().enumerate() {
        match alter_action(words, action.clone(), &table, blank, out) {
            Action::Kept => kept += 1,
            Action::Dropped => {
                let with_comma = if index > 0 {
                    action.start - 1..action.end
                } else if index + 1 < actions.len() {
                    action.start..action.end + 1
                } else {
                    action.clone()
                };
                blank.push(with_comma);
            }
        }
    }
    if kept == 0 && !actions.is_empty() {
        out.consumed = Some("ALTER TABLE");
    }
}

enum Action {
    Kept,
    /// Blank the whole action.
    Dropped,
}

/// One `ALTER TABLE` action.
fn alter_action(
    words: &Words<'_>,
    action: Range<usize>,
    table: &ObjectName,
    blank: &mut Vec<Range<usize>>,
    out: &mut Rewritten,
) -> Action {
    let kw = |n| words.kw(n);
    let s = action.start;
    // ADD [CONSTRAINT name] NOT NULL column
    let not_null_at = match (kw(s), kw(s + 1)) {
        (Keyword::ADD, Keyword::CONSTRAINT) => s + 3,
        (Keyword::ADD, _) => s + 1,
        _ => usize::MAX,
    };
    if words.is(not_null_at, &[Keyword::NOT, Keyword::NULL])
        && let Some(column) = ident_at(words, not_null_at + 2)
    {
        out.extras.push(Extra::NotNull {
            table: Some(table.clone()),
            column,
        });
        return Action::Dropped;
    }
    match (kw(s), kw(s + 1)) {
        // Properties the model does not keep.
        (Keyword::ALTER, Keyword::CONSTRAINT)
        | (Keyword::CLUSTER, Keyword::ON)
        | (Keyword::SET, Keyword::WITHOUT)
        | (Keyword::SET, Keyword::TABLESPACE)
        | (Keyword::SET, Keyword::LOGGED)
        | (Keyword::SET, Keyword::UNLOGGED)
        | (Keyword::SET, Keyword::ACCESS)
        | (Keyword::OF, _)
        | (Keyword::NOT, Keyword::OF)
        | (Keyword::INHERIT, _)
        | (Keyword::NO, Keyword::INHERIT) => return Action::Dropped,
        (Keyword::SET, Keyword::SCHEMA) => {
            if let Some(schema) = ident_at(words, s + 2) {
                out.extras.push(Extra::SetSchema {
                    table: table.clone(),
                    schema,
                });
            }
            return Action::Dropped;
        }
        (Keyword::ALTER, _) => return alter_column(words, action, table, blank, out),
        (Keyword::ADD, _) => {
            // `ON DELETE SET NULL (columns)`: the column list is PostgreSQL 15's.
            for m in action.clone() {
                let set_action = words.is(m, &[Keyword::SET, Keyword::NULL])
                    || words.is(m, &[Keyword::SET, Keyword::DEFAULT]);
                if set_action && words.token(m + 2) == Some(&Token::LParen) {
                    blank.push(m + 2..words.after_group(m + 2));
                }
            }
        }
        _ => {}
    }
    Action::Kept
}

/// `ALTER [COLUMN] c …`.
fn alter_column(
    words: &Words<'_>,
    action: Range<usize>,
    table: &ObjectName,
    blank: &mut Vec<Range<usize>>,
    out: &mut Rewritten,
) -> Action {
    let kw = |n| words.kw(n);
    let mut c = action.start + 1;
    if kw(c) == Keyword::COLUMN {
        c += 1;
    }
    let op = c + 1;
    match (kw(op), kw(op + 1)) {
        (Keyword::SET, Keyword::STATISTICS | Keyword::STORAGE | Keyword::COMPRESSION)
        | (Keyword::SET, Keyword::GENERATED)
        | (Keyword::RESET, _) => Action::Dropped,
        (Keyword::SET, _) if words.token(op + 1) == Some(&Token::LParen) => Action::Dropped,
        (Keyword::DROP, Keyword::IDENTITY) => {
            if let Some(column) = ident_at(words, c) {
                out.extras.push(Extra::DropIdentity {
                    table: table.clone(),
                    column,
                });
            }
            Action::Dropped
        }
        _ => {
            for m in action.clone() {
                match kw(m) {
                    // `TYPE varchar COLLATE "C"`: the collation is not modelled.
                    Keyword::COLLATE => blank.push(m..m + 2),
                    // `ADD GENERATED … AS IDENTITY (sequence options)`.
                    Keyword::IDENTITY if words.token(m + 1) == Some(&Token::LParen) => {
                        blank.push(m + 1..words.after_group(m + 1));
                    }
                    _ => {}
                }
            }
            Action::Kept
        }
    }
}

/// Comma-separated items from `start` to `end` at parenthesis depth 0.
fn top_level_split(words: &Words<'_>, start: usize, end: usize) -> Vec<Range<usize>> {
    let mut items = Vec::new();
    let mut from = start;
    let mut depth = 0usize;
    for m in start..end {
        match words.token(m) {
            Some(Token::LParen | Token::LBracket) => depth += 1,
            Some(Token::RParen | Token::RBracket) => depth = depth.saturating_sub(1),
            Some(Token::Comma) if depth == 0 => {
                items.push(from..m);
                from = m + 1;
            }
            _ => {}
        }
    }
    if from < end {
        items.push(from..end);
    }
    items
}

/// How many words an object name takes (`a`, `a.b` = 3 words with the dot).
fn object_name_words(name: &ObjectName) -> usize {
    name.0.len() * 2 - 1
}

/// The identifier at position `n` (a plain or quoted word).
fn ident_at(words: &Words<'_>, n: usize) -> Option<Ident> {
    let mut parser = words.parser_from(n, NAME_WORDS)?;
    parser.parse_identifier().ok()
}

/// `ALTER SEQUENCE [IF EXISTS] s …`: ownership, type and renames matter to
/// the model; restarts, increments and caches do not.
fn alter_sequence(words: &Words<'_>) -> Vec<Extra> {
    let mut n = 2;
    if words.is(n, &[Keyword::IF, Keyword::EXISTS]) {
        n += 2;
    }
    let Some(mut parser) = words.parser_from(n, usize::MAX) else {
        return Vec::new();
    };
    let Ok(sequence) = parser.parse_object_name(false) else {
        return Vec::new();
    };
    let mut extras = Vec::new();
    loop {
        if parser.parse_keywords(&[Keyword::OWNED, Keyword::BY]) {
            if parser.parse_keyword(Keyword::NONE) {
                continue;
            }
            let Ok(owner) = parser.parse_object_name(false) else {
                break;
            };
            let mut parts = owner.0.clone();
            let Some(column) = parts.pop().and_then(|p| p.as_ident().cloned()) else {
                break;
            };
            extras.push(Extra::SequenceOwnedBy {
                sequence: sequence.clone(),
                table: ObjectName(parts),
                column,
            });
        } else if parser.parse_keywords(&[Keyword::RENAME, Keyword::TO]) {
            if let Ok(new) = parser.parse_identifier() {
                extras.push(Extra::RenameSequence {
                    old: sequence.clone(),
                    new,
                });
            }
        } else if parser.parse_keyword(Keyword::AS) {
            if let Ok(data_type) = parser.parse_data_type() {
                extras.push(Extra::SequenceType {
                    sequence: sequence.clone(),
                    data_type,
                });
            }
        } else if matches!(parser.next_token().token, Token::EOF | Token::SemiColon) {
            break;
        }
    }
    extras
}

/// `ALTER TRIGGER t ON tbl RENAME TO n` (other forms depend on
/// extensions and change nothing the model keeps).
fn alter_trigger(words: &Words<'_>) -> Option<Extra> {
    let mut parser = words.parser_from(2, NAME_WORDS)?;
    let old = parser.parse_identifier().ok()?;
    if !parser.parse_keyword(Keyword::ON) {
        return None;
    }
    let table = parser.parse_object_name(false).ok()?;
    if !parser.parse_keywords(&[Keyword::RENAME, Keyword::TO]) {
        return None;
    }
    let new = parser.parse_identifier().ok()?;
    Some(Extra::RenameTrigger { table, old, new })
}

/// The kind of a `DO` statement (its body is read by `procedural`).
pub const DO_BLOCK: &str = "DO block";

/// Statements recognised before parsing, valid and outside the model.
pub fn opaque(tokens: &[TokenWithSpan]) -> Option<&'static str> {
    let words = Words::new(tokens);
    match (words.kw(0), words.kw(1)) {
        (Keyword::DO, _) => Some(DO_BLOCK),
        _ => None,
    }
}

/// What a statement PostgreSQL accepts but the parser cannot read is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Classified {
    /// Changes nothing the model keeps (grants, roles, publications, …).
    Outside(&'static str),
    /// Could change tables, columns, keys or indexes: the model may now be
    /// incomplete for `table` (when known).
    Shaping(&'static str, Option<String>),
}

/// Classifies a valid statement by its leading words.
pub fn classify(tokens: &[TokenWithSpan]) -> Classified {
    let words = Words::new(tokens);
    let kw = |n| words.kw(n);
    let mut object = 1;
    if kw(0) == Keyword::CREATE && words.is(1, &[Keyword::OR, Keyword::REPLACE]) {
        object = 3;
    }
    while kw(0) == Keyword::CREATE
        && matches!(
            kw(object),
            Keyword::TEMP | Keyword::TEMPORARY | Keyword::UNLOGGED | Keyword::UNIQUE
        )
    {
        object += 1;
    }
    let shaping = |kind| Classified::Shaping(kind, table_name(&words, object));
    match (kw(0), kw(object)) {
        (Keyword::CREATE, Keyword::TABLE) => shaping("CREATE TABLE"),
        (Keyword::ALTER, Keyword::TABLE) => shaping("ALTER TABLE"),
        (Keyword::CREATE, Keyword::INDEX) => shaping("CREATE INDEX"),
        (Keyword::DROP, Keyword::TABLE) => shaping("DROP TABLE"),
        (Keyword::CREATE, Keyword::TYPE) => shaping("CREATE TYPE"),
        (Keyword::CREATE, Keyword::TRIGGER) => shaping("CREATE TRIGGER"),
        (Keyword::CREATE, Keyword::VIEW | Keyword::MATERIALIZED) => shaping("CREATE VIEW"),
        (first, _) => {
            Classified::Outside(outside_kind(first, kw(object), &word_text(&words, object)))
        }
    }
}

/// The table a `CREATE TABLE`/`ALTER TABLE`/`DROP TABLE` names, as written.
fn table_name(words: &Words<'_>, object: usize) -> Option<String> {
    let mut n = object + 1;
    while matches!(
        words.kw(n),
        Keyword::IF | Keyword::NOT | Keyword::EXISTS | Keyword::ONLY
    ) {
        n += 1;
    }
    let mut parser = words.parser_from(n, NAME_WORDS)?;
    parser
        .parse_object_name(false)
        .ok()
        .map(|name| name.to_string())
}

/// A name for a statement outside the model, for statistics.
fn outside_kind(first: Keyword, second: Keyword, second_text: &str) -> &'static str {
    if matches!(second_text, "PUBLICATION" | "SUBSCRIPTION") {
        return "publication";
    }
    match (first, second) {
        (Keyword::GRANT, _) => "GRANT",
        (Keyword::REVOKE, _) => "REVOKE",
        (Keyword::ALTER, Keyword::DEFAULT) => "ALTER DEFAULT PRIVILEGES",
        (_, Keyword::USER | Keyword::ROLE | Keyword::GROUP) => "role",
        (_, Keyword::EVENT) => "event trigger",
        (_, Keyword::STATISTICS) => "statistics",
        (_, Keyword::PROCEDURE | Keyword::FUNCTION | Keyword::AGGREGATE) => "routine",
        (_, Keyword::SEQUENCE) => "sequence",
        (_, Keyword::TRIGGER) => "trigger",
        (_, Keyword::INDEX) => "index",
        (_, Keyword::TYPE | Keyword::DOMAIN) => "type",
        (Keyword::REINDEX | Keyword::CLUSTER | Keyword::VACUUM | Keyword::ANALYZE, _) => {
            "maintenance"
        }
        (Keyword::SECURITY, _) => "SECURITY LABEL",
        (Keyword::COMMENT, _) => "COMMENT ON",
        (Keyword::SELECT | Keyword::INSERT | Keyword::UPDATE | Keyword::DELETE, _)
        | (Keyword::WITH | Keyword::COPY | Keyword::MERGE | Keyword::VALUES, _) => "data",
        _ => "other",
    }
}

/// The upper-case text of the word at position `n` (for words `sqlparser`
/// has no keyword for).
fn word_text(words: &Words<'_>, n: usize) -> String {
    match words.token(n) {
        Some(Token::Word(word)) if word.quote_style.is_none() => word.value.to_ascii_uppercase(),
        _ => String::new(),
    }
}

/// The keyword of an unquoted word (`NoKeyword` for anything else).
pub fn keyword(token: &Token) -> Keyword {
    match token {
        Token::Word(word) if word.quote_style.is_none() => word.keyword,
        _ => Keyword::NoKeyword,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::tokens::Tokens;

    /// The statement as the parser sees it after rewriting, and what the
    /// rewrite kept.
    fn rewritten(sql: &str) -> (Result<usize, String>, Rewritten) {
        let (mut tokens, _) = Tokens::tokenize(sql);
        let mut tokens = std::mem::take(&mut tokens.tokens);
        let out = rewrite(&mut tokens);
        let dialect = PostgreSqlDialect {};
        let parsed = Parser::new(&dialect)
            .with_tokens_with_locations(tokens)
            .parse_statements()
            .map(|s| s.len())
            .map_err(|e| e.to_string());
        (parsed, out)
    }

    #[test]
    fn rewritten_forms_parse() {
        for sql in [
            "DROP INDEX CONCURRENTLY IF EXISTS idx_a",
            "ALTER INDEX IF EXISTS a RENAME TO b",
            "CREATE INDEX IF NOT EXISTS i ON ONLY t USING gin (c jsonb_path_ops)",
            "CREATE EXTENSION IF NOT EXISTS ltree SCHEMA public",
            "create function f() returns trigger language plpgsql cost 100 as $$ begin return new; end $$",
            "CREATE FUNCTION f() RETURNS int LANGUAGE sql NOT LEAKPROOF AS $$ select 1 $$",
            "CREATE TRIGGER trg BEFORE UPDATE ON t FOR EACH ROW EXECUTE PROCEDURE f('literal', 2)",
            "CREATE MATERIALIZED VIEW mv AS SELECT 1 WITH NO DATA",
            "CREATE RECURSIVE VIEW rv (n) AS SELECT 1",
            "CREATE TABLE t5 (a int) WITH (fillfactor=70) TABLESPACE x",
            "CREATE TABLE t6 (a int CONSTRAINT nn NOT NULL, b int NOT NULL NO INHERIT)",
            "CREATE TABLE t10 (id int, CONSTRAINT ck CHECK (id > 0) NOT VALID)",
            "CREATE TABLE t2 (LIKE t INCLUDING ALL)",
            "ALTER TABLE a ALTER COLUMN x TYPE varchar(10) COLLATE \"C\" USING x::varchar",
            "ALTER TABLE a ALTER COLUMN x SET NOT NULL, ALTER CONSTRAINT c DEFERRABLE, ADD CONSTRAINT k CHECK (x > 0)",
            "ALTER TABLE t ALTER COLUMN id ADD GENERATED ALWAYS AS IDENTITY (SEQUENCE NAME s START WITH 1)",
            "ALTER TABLE t ADD CONSTRAINT fk2 FOREIGN KEY (a) REFERENCES b(id) ON DELETE SET NULL (a)",
        ] {
            let (parsed, _) = rewritten(sql);
            assert_eq!(parsed, Ok(1), "{sql}");
        }
    }

    #[test]
    fn named_not_null_constraints_become_extras() {
        let (parsed, out) =
            rewritten("CREATE TABLE t (id int, x int, CONSTRAINT t_x_not_null NOT NULL x)");
        assert_eq!(parsed, Ok(1));
        assert!(
            matches!(&out.extras[..], [Extra::NotNull { table: None, column }] if column.value == "x")
        );
        let (_, out) = rewritten("ALTER TABLE ONLY t ADD CONSTRAINT t_x_not_null NOT NULL x");
        assert_eq!(out.consumed, Some("ALTER TABLE"));
        assert!(matches!(
            &out.extras[..],
            [Extra::NotNull { table: Some(_), .. }]
        ));
    }

    /// Names are read from a bounded copy of the words after them: an
    /// `ALTER TABLE` of many actions still gives each its column and the
    /// table's whole name, and a statement no form starts is left alone.
    #[test]
    fn names_are_read_from_the_words_at_them() {
        let actions: Vec<String> = (0..300)
            .map(|i| format!("ADD CONSTRAINT nn_{i} NOT NULL \"c {i}\""))
            .collect();
        let sql = format!("ALTER TABLE ONLY \"my db\".app.t {}", actions.join(", "));
        let (_, out) = rewritten(&sql);
        assert_eq!(out.consumed, Some("ALTER TABLE"));
        assert_eq!(out.extras.len(), 300);
        for (i, extra) in out.extras.iter().enumerate() {
            let Extra::NotNull {
                table: Some(table),
                column,
            } = extra
            else {
                panic!("{extra:?}");
            };
            assert_eq!(table.to_string(), "\"my db\".app.t");
            assert_eq!(column.value, format!("c {i}"));
        }
        let (parsed, out) = rewritten("INSERT INTO t (a) VALUES (1), (2)");
        assert_eq!((parsed, out), (Ok(1), Rewritten::default()));
    }

    #[test]
    fn statements_read_here_whole() {
        let (_, out) = rewritten("ALTER SEQUENCE public.s OWNED BY public.t.id");
        assert_eq!(out.consumed, Some("ALTER SEQUENCE"));
        assert!(
            matches!(&out.extras[..], [Extra::SequenceOwnedBy { column, .. }] if column.value == "id")
        );
        let (_, out) = rewritten("ALTER TRIGGER tr ON t RENAME TO tr2");
        assert!(
            matches!(&out.extras[..], [Extra::RenameTrigger { new, .. }] if new.value == "tr2")
        );
        let (_, out) = rewritten("ALTER TABLE t ALTER CONSTRAINT c NOT DEFERRABLE");
        assert_eq!(out.consumed, Some("ALTER TABLE"));
        assert!(out.extras.is_empty());
    }

    #[test]
    fn valid_statements_are_classified() {
        let class = |sql: &str| classify(&Tokens::tokenize(sql).0.tokens);
        assert_eq!(class("GRANT admin TO bob"), Classified::Outside("GRANT"));
        assert_eq!(
            class("CREATE EVENT TRIGGER et ON ddl_command_end EXECUTE FUNCTION f()"),
            Classified::Outside("event trigger")
        );
        assert_eq!(
            class("CREATE TABLE IF NOT EXISTS s.t OF typ"),
            Classified::Shaping("CREATE TABLE", Some("s.t".to_string()))
        );
    }
}
