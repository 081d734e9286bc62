//! The edits rules build their fixes from: a type rewritten in place, a
//! statement appended after another, columns added to a `CREATE TABLE`,
//! actions added to a `REFERENCES` clause. Each keeps the text around it
//! as written, and the case style of the statement it edits (`text` in a
//! lower-case migration, `TEXT` in an upper-case one).
//!
//! Every builder returns `None` when it cannot be sure of the edit (a
//! quoted type name, a statement without its `;`, a table renamed later):
//! the finding then stays without a fix.

use sqlparser::tokenizer::Token;

use crate::rules::support::words::is_word_char;

use crate::diagnostic::Edit;
use crate::load::tokens::Tokens;
use crate::model::{ForeignKey, Table};
use crate::rules::Context;
use crate::source::{FileId, Origin};

/// `word` in the case style of `written`: lower case when `written` has no
/// upper-case letter, else as given (upper case).
pub fn in_case_of(written: &str, word: &str) -> String {
    if written.chars().any(|c| c.is_ascii_uppercase()) {
        word.to_string()
    } else {
        word.to_lowercase()
    }
}

/// Reads a type's text word by word.
struct Cursor<'a> {
    text: &'a str,
    pos: usize,
}

impl<'a> Cursor<'a> {
    fn new(text: &'a str) -> Self {
        Cursor { text, pos: 0 }
    }

    fn skip_space(&mut self) {
        let rest = &self.text[self.pos..];
        self.pos += rest.len() - rest.trim_start().len();
    }

    /// Consumes the word `word` (ASCII, any case) when it comes next.
    fn eat(&mut self, word: &str) -> bool {
        let start = self.pos;
        self.skip_space();
        let rest = &self.text[self.pos..];
        let len = rest
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
            .unwrap_or(rest.len());
        if len > 0 && rest[..len].eq_ignore_ascii_case(word) {
            self.pos += len;
            true
        } else {
            self.pos = start;
            false
        }
    }

    /// Consumes `( … )` (no nesting) when it comes next; returns it.
    fn parens(&mut self) -> Option<&'a str> {
        let start = self.pos;
        self.skip_space();
        let rest = &self.text[self.pos..];
        if !rest.starts_with('(') {
            self.pos = start;
            return None;
        }
        let close = rest.find(')')?;
        self.pos += close + 1;
        Some(&rest[..=close])
    }

    fn rest(&self) -> &'a str {
        &self.text[self.pos..]
    }
}

/// `VARCHAR(n)` / `CHARACTER VARYING(n)` as `TEXT` (an array keeps its
/// brackets), with `n` when written.
pub fn varchar_to_text(written: &str) -> Option<(String, Option<u64>)> {
    let mut cursor = Cursor::new(written);
    if !(cursor.eat("varchar") || (cursor.eat("character") && cursor.eat("varying"))) {
        return None;
    }
    let length = cursor
        .parens()
        .and_then(|p| p.trim_matches(['(', ')']).trim().parse::<u64>().ok());
    let text = format!("{}{}", in_case_of(written, "TEXT"), cursor.rest());
    Some((text, length))
}

/// `TIMESTAMP[(p)] [WITHOUT TIME ZONE]` as `TIMESTAMPTZ[(p)]`.
pub fn timestamp_to_timestamptz(written: &str) -> Option<String> {
    let mut cursor = Cursor::new(written);
    if !cursor.eat("timestamp") {
        return None;
    }
    let precision = cursor.parens().unwrap_or("");
    let before = cursor.pos;
    if !(cursor.eat("without") && cursor.eat("time") && cursor.eat("zone")) {
        cursor.pos = before;
    }
    Some(format!(
        "{}{}{}",
        in_case_of(written, "TIMESTAMPTZ"),
        precision.trim_start(),
        cursor.rest()
    ))
}

/// A 16- or 32-bit integer type as its 64-bit twin: `SERIAL` →
/// `BIGSERIAL`, `INTEGER` → `BIGINT`. `serials` says whether serial types
/// may be rewritten (a foreign key column is never one).
pub fn integer_to_bigint(written: &str, serials: bool) -> Option<String> {
    let mut cursor = Cursor::new(written);
    let wide = if ["serial", "serial4", "smallserial", "serial2"]
        .iter()
        .any(|w| cursor.eat(w))
    {
        if !serials {
            return None;
        }
        "BIGSERIAL"
    } else if ["integer", "int", "int4", "smallint", "int2"]
        .iter()
        .any(|w| cursor.eat(w))
    {
        "BIGINT"
    } else {
        return None;
    };
    if !cursor.rest().trim().is_empty() {
        // An array or anything else after the name: not a key type.
        return None;
    }
    Some(in_case_of(written, wide))
}

/// A type rewritten at `origin` by `rewrite`.
pub fn retype(
    cx: &Context<'_>,
    origin: &Origin,
    rewrite: impl Fn(&str) -> Option<String>,
) -> Option<Edit> {
    let written = cx.text(origin);
    let replacement = rewrite(written)?;
    Some(Edit::replace(origin, replacement))
}

/// Where a statement goes that must follow the one at `origin`: after its
/// `;` and the rest of its line when that is blank or a comment (after a
/// goose `StatementEnd` that closes it), with whether the statement is
/// written in lower case.
pub struct After {
    pub file: FileId,
    pub at: usize,
    pub lowercase: bool,
}

impl After {
    /// The edit that appends `statement` (one line, with its `;`).
    pub fn append(&self, statement: &str) -> Edit {
        let text = if self.lowercase {
            lowercase_keywords(statement)
        } else {
            statement.to_string()
        };
        Edit::insert(self.file, self.at, format!("\n{text}"))
    }
}

pub fn after_statement(cx: &Context<'_>, origin: &Origin) -> Option<After> {
    let file = cx.project.file(origin.file());
    let statement = file.statement_at(origin.span().start)?;
    let text = file.source.text();
    let rest = text.get(statement.span.end..)?;
    let blank = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    if !rest[blank..].starts_with(';') {
        return None;
    }
    let mut at = statement.span.end + blank + 1;
    at = end_of_line_if_quiet(text, at);
    // goose: `-- +goose StatementEnd` right after closes the statement.
    let next = &text[at..];
    let next_line = next.trim_start_matches(['\r', '\n']).trim_start();
    // The line's start only: the rest of the file may be megabytes, and
    // this is asked for every finding a fix follows.
    const GOOSE_END: &str = "-- +goose statementend";
    if next_line
        .as_bytes()
        .get(..GOOSE_END.len())
        .is_some_and(|start| start.eq_ignore_ascii_case(GOOSE_END.as_bytes()))
    {
        let line_start = at + (next.len() - next_line.len());
        at = text[line_start..]
            .find('\n')
            .map(|n| line_start + n)
            .unwrap_or(text.len());
        at = trim_cr(text, at);
    }
    let first = cx.text(&Origin::new(origin.file(), statement.span.clone()));
    Some(After {
        file: origin.file(),
        at,
        lowercase: !first.chars().any(|c| c.is_ascii_uppercase())
            || first.trim_start().starts_with("create"),
    })
}

/// `at` moved to the end of its line when the rest of the line is blank
/// or a `--` comment (before a `\r\n`'s `\r`).
fn end_of_line_if_quiet(text: &str, at: usize) -> usize {
    let rest = &text[at..];
    let line_end = rest.find('\n').unwrap_or(rest.len());
    let line = rest[..line_end].trim();
    if line.is_empty() || line.starts_with("--") {
        trim_cr(text, at + line_end)
    } else {
        at
    }
}

fn trim_cr(text: &str, at: usize) -> usize {
    if at > 0 && text.as_bytes().get(at - 1) == Some(&b'\r') {
        at - 1
    } else {
        at
    }
}

/// The SQL keywords of a statement we write, in lower case; names and
/// quoted text are kept.
fn lowercase_keywords(statement: &str) -> String {
    const KEYWORDS: [&str; 22] = [
        "CREATE",
        "INDEX",
        "ON",
        "TRIGGER",
        "BEFORE",
        "UPDATE",
        "FOR",
        "EACH",
        "ROW",
        "EXECUTE",
        "FUNCTION",
        "TIMESTAMPTZ",
        "NOT",
        "NULL",
        "DEFAULT",
        "DELETE",
        "RESTRICT",
        "CASCADE",
        "SET",
        "NO",
        "ACTION",
        "CHECK",
    ];
    let mut out = String::with_capacity(statement.len());
    let mut word = String::new();
    let mut quoted = false;
    let flush = |word: &mut String, out: &mut String| {
        if KEYWORDS.contains(&word.as_str()) {
            out.push_str(&word.to_lowercase());
        } else {
            out.push_str(word);
        }
        word.clear();
    };
    for c in statement.chars() {
        if c == '"' || c == '\'' {
            flush(&mut word, &mut out);
            quoted = !quoted;
            out.push(c);
        } else if !quoted && (c.is_ascii_alphanumeric() || c == '_') {
            word.push(c);
        } else {
            flush(&mut word, &mut out);
            out.push(c);
        }
    }
    flush(&mut word, &mut out);
    out
}

/// Whether `table` still has the name its `CREATE TABLE` gave it (a
/// statement appended after it can name it so).
pub fn not_renamed(table: &Table) -> bool {
    table.name_origin.file() == table.created.file()
        && table
            .created
            .span()
            .contains(&table.name_origin.span().start)
}

/// Columns added at the end of a table's `CREATE TABLE` column list, one
/// per line in the list's indentation (or on its line when the list is
/// one line). `definitions` are written in upper case; a lower-case
/// statement gets them in lower case.
/// `tokens` are the `CREATE TABLE`'s (`Tokens::tokenize` of its text).
pub fn add_columns(
    cx: &Context<'_>,
    table: &Table,
    tokens: &Tokens,
    definitions: &[String],
) -> Option<Vec<Edit>> {
    if definitions.is_empty() || !not_renamed(table) {
        return None;
    }
    let origin = &table.created;
    let statement = cx.text(origin);
    // The column list: the first `(` after the name, unless the table is
    // `PARTITION OF` another or made `AS` a query.
    let mut open = None;
    for (i, token) in tokens.tokens.iter().enumerate() {
        match &token.token {
            Token::Word(word) => {
                let upper = word.value.to_ascii_uppercase();
                if word.quote_style.is_none() && matches!(upper.as_str(), "PARTITION" | "AS" | "OF")
                {
                    return None;
                }
            }
            Token::LParen => {
                open = Some(i);
                break;
            }
            _ => {}
        }
    }
    let open = open?;
    let mut depth = 0usize;
    let mut close = None;
    for i in open..tokens.len() {
        match tokens.token(i) {
            Some(Token::LParen) => depth += 1,
            Some(Token::RParen) => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    close = Some(i);
                    break;
                }
            }
            _ => {}
        }
    }
    let close = close?;
    let last = tokens.prev_significant(close, open + 1)?;
    let base = origin.span().start;
    let lowercase = !statement.chars().any(|c| c.is_ascii_uppercase());
    let definitions: Vec<String> = definitions
        .iter()
        .map(|d| {
            if lowercase {
                lowercase_keywords(d)
            } else {
                d.clone()
            }
        })
        .collect();
    let last_end = tokens.range(last).end;
    let close_start = tokens.range(close).start;
    let line_start = statement[..close_start].rfind('\n').map_or(0, |n| n + 1);
    let before_close = &statement[line_start..close_start];
    let text = cx.project.file(origin.file()).source.text();
    if last == open || !before_close.trim().is_empty() {
        // `CREATE TABLE t (a int)` on one line, or `)` after a column.
        return Some(vec![Edit::insert(
            origin.file(),
            base + last_end,
            format!(
                "{}{}",
                if last == open { "" } else { ", " },
                definitions.join(", ")
            ),
        )]);
    }
    let last_line_start = statement[..last_end]
        .rfind('\n')
        .map(|n| n + 1)
        .unwrap_or(0);
    let indent: String = statement[last_line_start..]
        .chars()
        .take_while(|c| *c == ' ' || *c == '\t')
        .collect();
    let indent = if indent.is_empty() {
        "    ".to_string()
    } else {
        indent
    };
    let eol = if text.contains("\r\n") { "\r\n" } else { "\n" };
    let lines: Vec<String> = definitions.iter().map(|d| format!("{indent}{d}")).collect();
    Some(vec![
        Edit::insert(origin.file(), base + last_end, ","),
        Edit::insert(
            origin.file(),
            base + line_start,
            format!("{}{eol}", lines.join(&format!(",{eol}"))),
        ),
    ])
}

/// Where ON DELETE / ON UPDATE go in a `REFERENCES` clause: before a
/// `DEFERRABLE`, `NOT DEFERRABLE` or `INITIALLY …`, else at its end.
fn actions_point(cx: &Context<'_>, fk: &ForeignKey) -> Option<(usize, bool)> {
    let clause = cx.text(&fk.clause);
    let (tokens, error) = Tokens::tokenize(clause);
    if error.is_some() {
        return None;
    }
    let mut at = clause.trim_end().len();
    for i in 0..tokens.len() {
        if let Some(Token::Word(word)) = tokens.token(i) {
            let upper = word.value.to_ascii_uppercase();
            if matches!(upper.as_str(), "DEFERRABLE" | "INITIALLY") {
                at = tokens.range(i).start;
                if let Some(previous) = tokens.prev_significant(i, 0)
                    && matches!(tokens.token(previous), Some(Token::Word(w)) if w.value.eq_ignore_ascii_case("not"))
                {
                    at = tokens.range(previous).start;
                }
                let trimmed = clause[..at].trim_end().len();
                at = trimmed;
                break;
            }
        }
    }
    let lowercase = !clause.chars().any(|c| c.is_ascii_uppercase());
    Some((fk.clause.span().start + at, lowercase))
}

/// ` ON DELETE x ON UPDATE y` added to a `REFERENCES` clause (each only
/// when given).
pub fn add_actions(
    cx: &Context<'_>,
    fk: &ForeignKey,
    on_delete: Option<&str>,
    on_update: Option<&str>,
) -> Option<Edit> {
    let (at, lowercase) = actions_point(cx, fk)?;
    let mut text = String::new();
    if let Some(action) = on_delete {
        text.push_str(&format!(" ON DELETE {}", action.to_uppercase()));
    }
    if let Some(action) = on_update {
        text.push_str(&format!(" ON UPDATE {}", action.to_uppercase()));
    }
    if text.is_empty() {
        return None;
    }
    if lowercase {
        text = text.to_lowercase();
    }
    Some(Edit::insert(fk.clause.file(), at, text))
}

/// The written ON DELETE action of a `REFERENCES` clause replaced by
/// `action`.
pub fn replace_on_delete(cx: &Context<'_>, fk: &ForeignKey, action: &str) -> Option<Edit> {
    let clause = cx.text(&fk.clause);
    let (tokens, error) = Tokens::tokenize(clause);
    if error.is_some() {
        return None;
    }
    let word = |i: usize| match tokens.token(i) {
        Some(Token::Word(w)) if w.quote_style.is_none() => Some(w.value.to_ascii_uppercase()),
        _ => None,
    };
    let end = tokens.len();
    for i in 0..end {
        if word(i).as_deref() != Some("ON") {
            continue;
        }
        let delete = tokens.next_significant(i + 1, end)?;
        if word(delete).as_deref() != Some("DELETE") {
            continue;
        }
        let first = tokens.next_significant(delete + 1, end)?;
        let mut last = first;
        match word(first).as_deref() {
            Some("CASCADE" | "RESTRICT") => {}
            Some("SET" | "NO") => {
                last = tokens.next_significant(first + 1, end)?;
                // `SET NULL (col)`: the column list goes too.
                if let Some(open) = tokens.next_significant(last + 1, end)
                    && tokens.token(open) == Some(&Token::LParen)
                {
                    last = (open..end).find(|&j| tokens.token(j) == Some(&Token::RParen))?;
                }
            }
            _ => return None,
        }
        let written = &clause[tokens.range(first).start..tokens.range(last).end];
        let span = fk.clause.span().start + tokens.range(first).start
            ..fk.clause.span().start + tokens.range(last).end;
        return Some(Edit::replace(
            &Origin::new(fk.clause.file(), span),
            in_case_of(written, &action.to_uppercase()),
        ));
    }
    None
}

/// Whether `name` appears in the set's files as a word anywhere but at
/// `except` (a statement that names the object: renaming it only where it
/// is defined would break that statement).
fn named_elsewhere(cx: &Context<'_>, name: &str, except: Option<&Origin>) -> bool {
    let lower = name.to_lowercase();
    if let Some(written) = cx.words().written_outside(&lower, except) {
        return written;
    }
    // A quoted name with other characters, or one the index was not made
    // for: look for it in the text.
    cx.files().any(|file| {
        let text = file.source.text().to_lowercase();
        // Lower-casing may change byte lengths outside ASCII: compare
        // positions only when it did not.
        let comparable = text.len() == file.source.text().len();
        text.match_indices(&lower).any(|(at, _)| {
            let before = text[..at].chars().next_back();
            let after = text[at + lower.len()..].chars().next();
            if before.is_some_and(is_word_char) || after.is_some_and(is_word_char) {
                return false;
            }
            let skipped = except.is_some_and(|origin| {
                comparable && origin.file() == file.id && origin.span().contains(&at)
            });
            !skipped
        })
    })
}

/// Whether the SQL `statement` names `name` (a word or quoted identifier
/// of its code, not of its comments), as PostgreSQL folds names.
pub fn names_word(statement: &str, name: &str) -> bool {
    names_in(&Tokens::tokenize(statement).0).any(|named| named == name)
}

/// Every name a statement's `tokens` write (its words and quoted
/// identifiers, not its comments), as PostgreSQL folds them.
pub fn names_in(tokens: &Tokens) -> impl Iterator<Item = String> + '_ {
    tokens.tokens.iter().filter_map(|token| match &token.token {
        Token::Word(word) if word.quote_style.is_some() => Some(word.value.clone()),
        Token::Word(word) => Some(word.value.to_lowercase()),
        _ => None,
    })
}

/// Whether a file of the set has a word that looks like a name PostgreSQL
/// generates for an index or constraint of `table`: `{table}_…_idx`,
/// `{table}_…_key` (with an optional number).
fn mentions_generated_name(cx: &Context<'_>, table: &str) -> bool {
    let prefix = format!("{}_", table.to_lowercase());
    cx.words().generated().any(|word| word.starts_with(&prefix))
}

/// An index given the name `expected`: its name replaced where it was
/// written, or, unnamed, `expected` written before its `ON`. Not when the
/// old name is used by another statement of the set, or `expected` is
/// taken.
pub fn rename_index(cx: &Context<'_>, index: &crate::model::Index, expected: &str) -> Option<Edit> {
    if cx.relation_exists(expected) {
        return None;
    }
    let quoted = crate::model::names::quote(expected);
    match (&index.name, &index.name_origin) {
        (Some(name), Some(origin)) => {
            if named_elsewhere(cx, &name.name, Some(origin)) || cx.text(origin).contains('.') {
                return None;
            }
            Some(Edit::replace(origin, quoted))
        }
        (Some(_), None) => None,
        (None, _) => {
            // A statement may name it by the name PostgreSQL generated
            // (`{table}_{…}_idx`), which the model cannot always tell.
            if mentions_generated_name(cx, &index.table.name) {
                return None;
            }
            let statement = cx.text(&index.origin);
            let (tokens, error) = Tokens::tokenize(statement);
            if error.is_some() {
                return None;
            }
            let on = (0..tokens.len()).find(|&i| {
                matches!(tokens.token(i), Some(Token::Word(w)) if w.quote_style.is_none() && w.value.eq_ignore_ascii_case("on"))
            })?;
            Some(Edit::insert(
                index.origin.file(),
                index.origin.span().start + tokens.range(on).start,
                format!("{quoted} "),
            ))
        }
    }
}

/// A unique constraint's written name replaced by `expected` (same
/// conditions as `rename_index`).
pub fn rename_constraint(
    cx: &Context<'_>,
    key: &crate::model::Key,
    expected: &str,
) -> Option<Edit> {
    let (name, origin) = (key.name.as_ref()?, key.name_origin.as_ref()?);
    if cx.relation_exists(expected) || named_elsewhere(cx, name, Some(origin)) {
        return None;
    }
    Some(Edit::replace(origin, crate::model::names::quote(expected)))
}

/// Whether no relation or constraint of the schema is named `name`.
pub fn name_is_free(cx: &Context<'_>, name: &str) -> bool {
    !cx.relation_exists(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_are_rewritten_in_their_case() {
        assert_eq!(
            varchar_to_text("VARCHAR(255)"),
            Some(("TEXT".to_string(), Some(255)))
        );
        assert_eq!(
            varchar_to_text("character varying (20)[]"),
            Some(("text[]".to_string(), Some(20)))
        );
        assert_eq!(varchar_to_text("varchar"), Some(("text".to_string(), None)));
        assert_eq!(varchar_to_text("\"varchar\""), None);
        assert_eq!(
            timestamp_to_timestamptz("timestamp(3) without time zone").as_deref(),
            Some("timestamptz(3)")
        );
        assert_eq!(
            timestamp_to_timestamptz("TIMESTAMP").as_deref(),
            Some("TIMESTAMPTZ")
        );
        assert_eq!(
            integer_to_bigint("serial", true).as_deref(),
            Some("bigserial")
        );
        assert_eq!(integer_to_bigint("SERIAL", false), None);
        assert_eq!(integer_to_bigint("INT", true).as_deref(), Some("BIGINT"));
        assert_eq!(integer_to_bigint("integer[]", true), None);
    }

    #[test]
    fn written_statements_follow_lower_case() {
        assert_eq!(
            lowercase_keywords("CREATE INDEX \"idx_A\" ON users (id);"),
            "create index \"idx_A\" on users (id);"
        );
    }
}
