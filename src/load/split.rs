//! Splitting a file's tokens into statements.
//!
//! Semicolons inside dollar-quoted bodies, strings and comments are inside
//! single tokens, so splitting at `;` tokens is exact. Comments carry the
//! markers of the layouts that keep several things in one file:
//! - goose: `-- +goose Up`, `-- +goose Down`, and `-- +goose StatementBegin`
//!   … `StatementEnd` around a statement that must not be split;
//! - dbmate: `-- migrate:up`, `-- migrate:down`;
//! - tern: `---- create above / drop below ----` (down below it);
//! - Drizzle: `--> statement-breakpoint` between statements;
//! - Liquibase formatted SQL (after its `--liquibase formatted sql`
//!   header): `--changeset author:id` with `splitStatements:false`,
//!   `endDelimiter:X` and `dbms:…` (changesets for other databases are
//!   not read), `--rollback …` lines and `/* liquibase rollback */` blocks
//!   (down SQL, inside comments);
//! - Atlas: `-- atlas:delimiter X` (statements end at `X`, not `;`).

use std::ops::Range;

use sqlparser::tokenizer::{Token, Whitespace};

use super::tokens::{Tokens, comment_text, is_trivia};

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Up,
    Down,
}

/// A run of tokens holding one statement (or, inside a block, possibly
/// several).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Token indexes, from the first significant token to the last one
    /// before the closing `;` (or the block end).
    pub tokens: Range<usize>,
    pub direction: Direction,
    /// From a block (goose `StatementBegin`, Liquibase
    /// `splitStatements:false`, a custom delimiter): may hold several
    /// statements.
    pub block: bool,
    /// Ended by `;` or a marker, not by the end of the input.
    pub closed: bool,
}

/// The tools whose markers a file holds.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Markers {
    pub goose: bool,
    pub dbmate: bool,
    pub tern: bool,
    pub drizzle: bool,
    pub liquibase: bool,
    pub atlas: bool,
    /// The file has a down part (a down section, even an empty one, or
    /// Liquibase rollback SQL).
    pub down: bool,
}

/// A comment that looks like a tool's annotation but is not one the tool
/// knows (`-- +goose Dwn`): the tool treats it as a plain comment, which
/// is rarely what its author meant.
#[derive(serde::Serialize, Debug, Clone, PartialEq, Eq)]
#[serde(into = "StoredMarker")]
pub struct UnknownMarker {
    /// Byte range of the comment.
    pub range: Range<usize>,
    pub tool: &'static str,
    pub written: String,
    /// The annotations the tool knows.
    pub known: &'static [&'static str],
}

/// An unknown marker as the cache of per-file facts stores it: the tool by
/// name, its annotations found again when read back.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredMarker {
    range: Range<usize>,
    tool: String,
    written: String,
}

impl From<UnknownMarker> for StoredMarker {
    fn from(marker: UnknownMarker) -> Self {
        StoredMarker {
            range: marker.range,
            tool: marker.tool.to_string(),
            written: marker.written,
        }
    }
}

impl<'de> serde::Deserialize<'de> for UnknownMarker {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let stored = StoredMarker::deserialize(deserializer)?;
        let tool = Tool::ALL
            .into_iter()
            .find(|tool| tool.name() == stored.tool)
            .ok_or_else(|| serde::de::Error::custom("an unknown tool"))?;
        Ok(UnknownMarker::new(tool, stored.range, stored.written))
    }
}

impl UnknownMarker {
    fn new(tool: Tool, range: Range<usize>, written: String) -> Self {
        UnknownMarker {
            range,
            tool: tool.name(),
            written,
            known: tool.annotations(),
        }
    }
}

/// What splitting found.
#[derive(Debug, Clone, Default)]
pub struct Split {
    pub units: Vec<Unit>,
    pub markers: Markers,
    pub unknown: Vec<UnknownMarker>,
    /// The comments that start a section (or hold rollback SQL).
    pub sections: Vec<Section>,
    /// The comments addressed to schema-lint (`-- schema-lint: …`, see
    /// `suppress`).
    pub directives: Vec<Directive>,
}

/// A comment addressed to schema-lint: where it is and its text, which
/// `suppress` reads without the file's (a run that reports and exits
/// lets go of the texts after the load).
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Directive {
    pub range: Range<usize>,
    /// Interned: a project's suppression comments are mostly a few
    /// texts, and a large set keeps one for each of thousands of files.
    pub text: crate::model::Name,
}

/// A comment that starts a section (`-- +goose Down`, `-- migrate:up`,
/// tern's separator) or holds Liquibase rollback SQL.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Section {
    /// Byte range of the comment.
    pub range: Range<usize>,
    /// The direction of what follows it.
    pub direction: Direction,
    /// A Liquibase rollback comment's SQL (trimmed; maybe empty).
    pub rollback: Option<String>,
}

/// What a comment addressed to schema-lint starts with.
pub const DIRECTIVE_PREFIX: &str = "schema-lint:";

const GOOSE: &[&str] = &[
    "Up",
    "Down",
    "StatementBegin",
    "StatementEnd",
    "NO TRANSACTION",
    "ENVSUB ON",
    "ENVSUB OFF",
];
const DBMATE: &[&str] = &["up", "down"];

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tool {
    Goose,
    Dbmate,
    Tern,
}

impl Tool {
    const ALL: [Tool; 3] = [Tool::Goose, Tool::Dbmate, Tool::Tern];

    fn name(self) -> &'static str {
        match self {
            Tool::Goose => "goose",
            Tool::Dbmate => "dbmate",
            Tool::Tern => "tern",
        }
    }

    /// The annotations the tool knows (tern has one separator, no
    /// annotations).
    fn annotations(self) -> &'static [&'static str] {
        match self {
            Tool::Goose => GOOSE,
            Tool::Dbmate => DBMATE,
            Tool::Tern => &[],
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Marker {
    /// A section starts (goose, dbmate, tern).
    Section(Tool, Direction),
    BlockBegin,
    BlockEnd,
    /// Ends the statement before it, nothing else (Drizzle).
    Break,
    /// A Liquibase changeset starts.
    Changeset(Changeset),
    /// Liquibase rollback SQL (in the comment itself).
    Rollback,
    /// Statements end at this text from here on (Atlas).
    Delimiter(String),
    /// A known annotation without effect on splitting.
    Other,
    Unknown(Tool, String),
}

/// A Liquibase changeset's attributes that change how it is read.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Changeset {
    split: bool,
    delimiter: Option<String>,
    /// `dbms:` excludes PostgreSQL: the changeset is not run here.
    skipped: bool,
}

/// Reads one comment. `liquibase`: the file has the formatted-SQL header,
/// so `changeset` and `rollback` comments are markers.
fn marker(comment: &str, multi_line: bool, liquibase: bool) -> Option<Marker> {
    let text = comment.trim();
    if multi_line {
        let rollback = liquibase && text.starts_with("liquibase rollback");
        return rollback.then_some(Marker::Rollback);
    }
    if let Some(rest) = text.strip_prefix("+goose") {
        let rest = rest.trim();
        let word = rest.split_whitespace().next().unwrap_or("");
        return Some(match word.to_ascii_lowercase().as_str() {
            "up" => Marker::Section(Tool::Goose, Direction::Up),
            "down" => Marker::Section(Tool::Goose, Direction::Down),
            "statementbegin" => Marker::BlockBegin,
            "statementend" => Marker::BlockEnd,
            "no" | "envsub" => Marker::Other,
            _ => Marker::Unknown(Tool::Goose, format!("+goose {rest}")),
        });
    }
    if let Some(rest) = text.strip_prefix("migrate:") {
        return Some(match rest.split_whitespace().next().unwrap_or("") {
            "up" => Marker::Section(Tool::Dbmate, Direction::Up),
            "down" => Marker::Section(Tool::Dbmate, Direction::Down),
            _ => Marker::Unknown(Tool::Dbmate, format!("migrate:{rest}")),
        });
    }
    if text.trim_matches('-').trim() == "create above / drop below" {
        return Some(Marker::Section(Tool::Tern, Direction::Down));
    }
    if text.starts_with("> statement-breakpoint") {
        return Some(Marker::Break);
    }
    if let Some(rest) = text.strip_prefix("atlas:delimiter") {
        return Some(Marker::Delimiter(rest.trim().to_string()));
    }
    if liquibase {
        if let Some(rest) = text.strip_prefix("changeset") {
            return Some(Marker::Changeset(changeset(rest)));
        }
        if text.starts_with("rollback") {
            return Some(Marker::Rollback);
        }
    }
    None
}

/// `--liquibase formatted sql`, the header that makes a file a Liquibase
/// changelog.
pub fn is_liquibase_header(comment: &str) -> bool {
    let text = comment.trim().to_ascii_lowercase();
    text.strip_prefix("liquibase")
        .is_some_and(|rest| rest.trim_start().starts_with("formatted"))
}

/// The attributes after `--changeset author:id`.
fn changeset(rest: &str) -> Changeset {
    let mut changeset = Changeset {
        split: true,
        ..Changeset::default()
    };
    for word in rest.split_whitespace() {
        let Some((key, value)) = word.split_once(':') else {
            continue;
        };
        match key {
            "splitStatements" => changeset.split = !value.eq_ignore_ascii_case("false"),
            "endDelimiter" if !value.is_empty() => changeset.delimiter = Some(value.to_string()),
            "dbms" => changeset.skipped = !dbms_includes_postgresql(value),
            _ => {}
        }
    }
    changeset
}

/// Liquibase's `dbms:` list: names, `!name` to exclude, `all`, `none`.
fn dbms_includes_postgresql(list: &str) -> bool {
    let names: Vec<&str> = list.split(',').map(str::trim).collect();
    if names.iter().any(|n| n.eq_ignore_ascii_case("none")) {
        return false;
    }
    let is_pg =
        |n: &str| n.eq_ignore_ascii_case("postgresql") || n.eq_ignore_ascii_case("postgres");
    if names.iter().any(|n| n.strip_prefix('!').is_some_and(is_pg)) {
        return false;
    }
    let positive: Vec<&&str> = names.iter().filter(|n| !n.starts_with('!')).collect();
    positive.is_empty()
        || positive
            .iter()
            .any(|n| is_pg(n) || n.eq_ignore_ascii_case("all"))
}

/// Splits `tokens` (up to token index `end`) into statement units.
/// `direction` is where the file starts: down for a down file, else up.
/// `text` is the file's text, for delimiters that are whole lines.
pub fn split(tokens: &Tokens, text: &str, end: usize, direction: Direction) -> Split {
    let mut splitter = Splitter::new(direction);
    splitter.feed(tokens, text, end);
    splitter.end()
}

/// A splitter carries its section, block and delimiter state from one
/// piece of a file to the next (see `load::chunks`).
impl Splitter {
    pub fn new(direction: Direction) -> Splitter {
        Splitter {
            split: Split::default(),
            direction,
            start: None,
            last: 0,
            in_block: false,
            skipping: false,
            delimiter: None,
            newlines: 0,
        }
    }

    /// Reads `tokens` up to token index `end`; the units found are
    /// indexes into `tokens`.
    pub fn feed(&mut self, tokens: &Tokens, text: &str, end: usize) {
        let end = end.min(tokens.len());
        let mut index = 0;
        while index < end {
            let token = &tokens.tokens[index].token;
            if let Some(delimiter) = &self.delimiter
                && let Some(after) = delimiter.ends_at(tokens, text, index, end, self.newlines)
            {
                self.finish(true);
                self.newlines = 0;
                index = after;
                continue;
            }
            self.count_newlines(token);
            if let Some(comment) = comment_text(token) {
                let multi_line =
                    matches!(token, Token::Whitespace(Whitespace::MultiLineComment(_)));
                let range = tokens.range(index);
                if comment.trim_start().starts_with(DIRECTIVE_PREFIX) {
                    self.split.directives.push(Directive {
                        range: range.clone(),
                        text: text.get(range.clone()).unwrap_or_default().into(),
                    });
                }
                if !self.split.markers.liquibase && is_liquibase_header(comment) {
                    self.split.markers.liquibase = true;
                } else if let Some(marker) =
                    marker(comment, multi_line, self.split.markers.liquibase)
                {
                    self.marker(marker, range, comment);
                }
            } else if is_trivia(token) {
            } else if *token == Token::SemiColon && !self.in_block {
                self.finish(true);
            } else {
                self.start.get_or_insert(index);
                self.last = index;
            }
            index += 1;
        }
    }

    /// Between statements: no unit, block or custom delimiter is open, so
    /// the next tokens start afresh (a piece may end here).
    pub fn at_rest(&self) -> bool {
        self.start.is_none() && !self.in_block && self.delimiter.is_none()
    }

    /// The units found since the last call (indexes into the tokens fed
    /// since then).
    pub fn take_units(&mut self) -> Vec<Unit> {
        std::mem::take(&mut self.split.units)
    }

    /// The end of the input: what was found (the units since the last
    /// `take_units`).
    pub fn end(mut self) -> Split {
        self.finish(false);
        // Kept to the end of the run; a list grown by pushing starts with
        // room for four.
        self.split.directives.shrink_to_fit();
        self.split
    }
}

/// The SQL of a Liquibase rollback comment (`--rollback DROP TABLE t;`,
/// `/* liquibase rollback … */`).
fn rollback_sql(comment: &str) -> String {
    let text = comment.trim();
    let sql = text
        .strip_prefix("liquibase rollback")
        .or_else(|| text.strip_prefix("rollback"))
        .unwrap_or(text);
    sql.trim().to_string()
}

/// Where statements end when `;` does not end them.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Delimiter {
    /// A line holding only this text (`/`, `GO`, `-- end`).
    Line(String),
    /// This many line breaks in a row (Atlas's `\n\n`).
    Newlines(usize),
}

impl Delimiter {
    fn parse(text: &str) -> Option<Delimiter> {
        let text = text.trim();
        if text.is_empty() {
            return None;
        }
        let escaped_newlines = text.matches("\\n").count();
        if escaped_newlines > 0 && text.replace("\\n", "").trim().is_empty() {
            return Some(Delimiter::Newlines(escaped_newlines));
        }
        Some(Delimiter::Line(text.to_string()))
    }

    /// If a delimiter ends at token `index`, the index after it.
    fn ends_at(
        &self,
        tokens: &Tokens,
        text: &str,
        index: usize,
        end: usize,
        newlines: usize,
    ) -> Option<usize> {
        match self {
            Delimiter::Newlines(wanted) => {
                let token = &tokens.tokens[index].token;
                let is_newline = matches!(token, Token::Whitespace(Whitespace::Newline));
                (is_newline && newlines + 1 >= *wanted).then_some(index + 1)
            }
            Delimiter::Line(delimiter) => {
                let range = tokens.range(index);
                let line_start = text[..range.start.min(text.len())]
                    .rfind('\n')
                    .map_or(0, |i| i + 1);
                if !text[line_start..range.start.min(text.len())]
                    .trim()
                    .is_empty()
                {
                    return None;
                }
                let line_end = text[range.start.min(text.len())..]
                    .find('\n')
                    .map_or(text.len(), |i| range.start + i);
                if text[line_start..line_end].trim() != delimiter {
                    return None;
                }
                let mut after = index;
                while after < end && tokens.range(after).end <= line_end {
                    after += 1;
                }
                Some(after.max(index + 1))
            }
        }
    }
}

pub struct Splitter {
    split: Split,
    direction: Direction,
    start: Option<usize>,
    last: usize,
    in_block: bool,
    /// Inside a Liquibase changeset for another database.
    skipping: bool,
    delimiter: Option<Delimiter>,
    /// Line breaks in the current run of whitespace.
    newlines: usize,
}

impl Splitter {
    fn count_newlines(&mut self, token: &Token) {
        match token {
            Token::Whitespace(Whitespace::Newline) => self.newlines += 1,
            Token::Whitespace(Whitespace::Space | Whitespace::Tab) => {}
            _ => self.newlines = 0,
        }
    }

    fn finish(&mut self, closed: bool) {
        if let Some(start) = self.start.take() {
            if self.skipping {
                return;
            }
            self.split.units.push(Unit {
                tokens: start..self.last + 1,
                direction: self.direction,
                block: self.in_block,
                closed,
            });
        }
    }

    fn marker(&mut self, marker: Marker, range: Range<usize>, comment: &str) {
        let markers = &mut self.split.markers;
        match &marker {
            Marker::Unknown(tool, written) => {
                self.split
                    .unknown
                    .push(UnknownMarker::new(*tool, range, written.clone()));
                return;
            }
            Marker::Other => {
                markers.goose = true;
                return;
            }
            Marker::Section(tool, _) => match tool {
                Tool::Goose => markers.goose = true,
                Tool::Dbmate => markers.dbmate = true,
                Tool::Tern => markers.tern = true,
            },
            Marker::BlockBegin | Marker::BlockEnd => markers.goose = true,
            Marker::Break => markers.drizzle = true,
            Marker::Changeset(_) | Marker::Rollback => {}
            Marker::Delimiter(_) => markers.atlas = true,
        }
        // A marker ends the statement before it (a rollback comment sits
        // after its changeset's SQL, which it closes too).
        self.finish(true);
        match marker {
            Marker::Section(_, direction) => {
                self.split.markers.down |= direction == Direction::Down;
                self.split.sections.push(Section {
                    range,
                    direction,
                    rollback: None,
                });
                self.direction = direction;
            }
            Marker::BlockBegin => self.in_block = true,
            Marker::BlockEnd => self.in_block = false,
            Marker::Changeset(changeset) => {
                self.skipping = changeset.skipped;
                self.delimiter = changeset.delimiter.as_deref().and_then(Delimiter::parse);
                self.in_block = !changeset.split || self.delimiter.is_some();
            }
            Marker::Rollback => {
                self.split.markers.down = true;
                self.split.sections.push(Section {
                    range,
                    direction: Direction::Down,
                    rollback: Some(rollback_sql(comment)),
                });
            }
            Marker::Delimiter(text) => {
                self.delimiter = Delimiter::parse(&text);
                self.in_block = self.delimiter.is_some();
            }
            Marker::Break | Marker::Other | Marker::Unknown(..) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(text: &str) -> (Vec<(String, Direction)>, Split) {
        let (tokens, _) = Tokens::tokenize(text);
        let split = split(&tokens, text, tokens.len(), Direction::Up);
        let texts = split
            .units
            .iter()
            .map(|u| {
                let range = tokens.range(u.tokens.start).start..tokens.range(u.tokens.end - 1).end;
                (text[range].to_string(), u.direction)
            })
            .collect();
        (texts, split)
    }

    fn texts(text: &str) -> Vec<String> {
        units(text).0.into_iter().map(|(t, _)| t).collect()
    }

    #[test]
    fn splits_at_semicolons_outside_bodies() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n\
                   /* a; /* nested; */ b; */ SELECT E'it\\'s;';\nSELECT 2";
        assert_eq!(
            texts(sql),
            [
                "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql",
                "SELECT E'it\\'s;'",
                "SELECT 2"
            ]
        );
    }

    #[test]
    fn goose_sections_and_blocks() {
        let sql = "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose StatementBegin\nSELECT 1; SELECT 2;\n-- +goose StatementEnd\n-- +goose Down\nDROP TABLE a;\n";
        let (units, split) = units(sql);
        assert!(split.markers.goose && !split.markers.dbmate && split.markers.down);
        assert_eq!(
            units,
            [
                ("CREATE TABLE a (id int)".to_string(), Direction::Up),
                ("SELECT 1; SELECT 2;".to_string(), Direction::Up),
                ("DROP TABLE a".to_string(), Direction::Down),
            ]
        );
    }

    #[test]
    fn unknown_goose_annotations_are_kept_and_named() {
        let sql = "-- +goose Up\nCREATE TABLE a (id int);\n-- +goose Dwn\nDROP TABLE a;\n";
        let (units, split) = units(sql);
        // goose reads the mistyped annotation as a comment: still up.
        assert_eq!(units[1], ("DROP TABLE a".to_string(), Direction::Up));
        assert_eq!(split.unknown.len(), 1);
        assert_eq!(split.unknown[0].written, "+goose Dwn");
        assert!(!split.markers.down);
    }

    #[test]
    fn dbmate_sections() {
        let sql = "-- migrate:up\nCREATE TABLE a (id int)\n-- migrate:down\nDROP TABLE a;";
        let (units, split) = units(sql);
        assert!(split.markers.dbmate);
        assert_eq!(
            units[0],
            ("CREATE TABLE a (id int)".to_string(), Direction::Up)
        );
        assert_eq!(units[1], ("DROP TABLE a".to_string(), Direction::Down));
    }

    #[test]
    fn tern_separator() {
        let sql = "CREATE TABLE a (id int);\n---- create above / drop below ----\nDROP TABLE a;\n";
        let (units, split) = units(sql);
        assert!(split.markers.tern && split.markers.down);
        assert_eq!(units[1], ("DROP TABLE a".to_string(), Direction::Down));
    }

    #[test]
    fn drizzle_breakpoints() {
        let sql = "CREATE TABLE a (id int);--> statement-breakpoint\nCREATE TABLE b (id int)\n--> statement-breakpoint\nCREATE TABLE c (id int);";
        let (units, split) = units(sql);
        assert!(split.markers.drizzle);
        assert_eq!(units.len(), 3);
    }

    #[test]
    fn liquibase_changesets() {
        let sql = "--liquibase formatted sql\n\n--changeset ada:1\nCREATE TABLE a (id int);\n--rollback DROP TABLE a;\n\n--changeset ada:2 dbms:mysql,mariadb\nCREATE TABLE m (id int) ENGINE=InnoDB;\n\n--changeset ada:3 splitStatements:false\nCREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql;\nSELECT f();\n\n--changeset ada:4 endDelimiter:/\nCREATE TABLE b (id int);\nCREATE TABLE c (id int)\n/\n/* liquibase rollback\nDROP TABLE b;\n*/\n";
        let (units, split) = units(sql);
        assert!(split.markers.liquibase && split.markers.down);
        let texts: Vec<&str> = units.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
            [
                "CREATE TABLE a (id int)",
                "CREATE FUNCTION f() RETURNS int AS 'select 1' LANGUAGE sql;\nSELECT f();",
                "CREATE TABLE b (id int);\nCREATE TABLE c (id int)",
            ]
        );
        assert!(units.iter().all(|(_, d)| *d == Direction::Up));
    }

    #[test]
    fn liquibase_words_mean_nothing_without_the_header() {
        let (units, split) = units("-- rollback is manual\nCREATE TABLE a (id int);\n");
        assert!(!split.markers.liquibase && !split.markers.down);
        assert_eq!(units.len(), 1);
    }

    #[test]
    fn atlas_delimiters() {
        let sql = "-- atlas:delimiter -- end\n\nCREATE FUNCTION f() RETURNS int AS 'select 1; select 2' LANGUAGE sql;\n-- end\nCREATE TABLE a (id int);\n-- end\n";
        let (units, split) = units(sql);
        assert!(split.markers.atlas);
        assert_eq!(units.len(), 2);
        let sql = "-- atlas:delimiter \\n\\n\\n\n\nCREATE TABLE a (id int);\nCREATE TABLE b (id int);\n\n\nCREATE TABLE c (id int);\n";
        assert_eq!(
            texts(sql),
            [
                "CREATE TABLE a (id int);\nCREATE TABLE b (id int);",
                "CREATE TABLE c (id int);"
            ]
        );
    }

    #[test]
    fn dbms_lists() {
        assert!(dbms_includes_postgresql("postgresql"));
        assert!(dbms_includes_postgresql("all"));
        assert!(dbms_includes_postgresql("!h2"));
        assert!(!dbms_includes_postgresql("mysql,mariadb"));
        assert!(!dbms_includes_postgresql("!postgresql"));
        assert!(!dbms_includes_postgresql("none"));
    }
}
