//! Splitting a file's tokens into statements.
//!
//! Semicolons inside dollar-quoted bodies, strings and comments are inside
//! single tokens, so splitting at `;` tokens is exact. Comments carry the
//! markers of the section layouts:
//! - goose: `-- +goose Up`, `-- +goose Down`, and `-- +goose StatementBegin`
//!   … `StatementEnd` around a statement that must not be split;
//! - dbmate: `-- migrate:up`, `-- migrate:down`.

use std::ops::Range;

use sqlparser::tokenizer::Token;

use super::tokens::{Tokens, comment_text, is_trivia};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Direction {
    Up,
    Down,
}

/// A run of tokens holding one statement (or, inside a goose
/// `StatementBegin`/`StatementEnd` block, possibly several).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Unit {
    /// Token indexes, from the first significant token to the last one
    /// before the closing `;` (or the block end).
    pub tokens: Range<usize>,
    pub direction: Direction,
    /// From a goose `StatementBegin` block: may hold several statements.
    pub block: bool,
    /// Ended by `;` or a marker, not by the end of the input.
    pub closed: bool,
}

/// Section markers found in a file.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Markers {
    pub goose: bool,
    pub dbmate: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Marker {
    Up,
    Down,
    BlockBegin,
    BlockEnd,
}

fn marker(comment: &str) -> Option<(Marker, bool)> {
    let text = comment.trim();
    if let Some(rest) = text.strip_prefix("+goose") {
        let marker = match rest.split_whitespace().next()? {
            word if word.eq_ignore_ascii_case("up") => Marker::Up,
            word if word.eq_ignore_ascii_case("down") => Marker::Down,
            word if word.eq_ignore_ascii_case("statementbegin") => Marker::BlockBegin,
            word if word.eq_ignore_ascii_case("statementend") => Marker::BlockEnd,
            _ => return None,
        };
        return Some((marker, true));
    }
    let word = text.strip_prefix("migrate:")?.split_whitespace().next()?;
    match word {
        "up" => Some((Marker::Up, false)),
        "down" => Some((Marker::Down, false)),
        _ => None,
    }
}

/// The section a goose or dbmate marker comment starts (`-- +goose Down`,
/// `-- migrate:up`); `None` for other comments and for goose's
/// `StatementBegin`/`StatementEnd`.
pub fn section_marker(comment: &str) -> Option<Direction> {
    match marker(comment)?.0 {
        Marker::Up => Some(Direction::Up),
        Marker::Down => Some(Direction::Down),
        Marker::BlockBegin | Marker::BlockEnd => None,
    }
}

/// Splits `tokens` (up to token index `end`) into statement units.
/// `direction` is where the file starts: down for a down file, else up.
pub fn split(tokens: &Tokens, end: usize, direction: Direction) -> (Vec<Unit>, Markers) {
    let mut splitter = Splitter {
        units: Vec::new(),
        markers: Markers::default(),
        direction,
        start: None,
        last: 0,
        in_block: false,
    };
    for index in 0..end.min(tokens.len()) {
        let token = &tokens.tokens[index].token;
        if let Some((marker, goose)) = comment_text(token).and_then(marker) {
            splitter.marker(marker, goose);
        } else if is_trivia(token) {
            continue;
        } else if *token == Token::SemiColon && !splitter.in_block {
            splitter.finish(true);
        } else {
            splitter.start.get_or_insert(index);
            splitter.last = index;
        }
    }
    splitter.finish(false);
    (splitter.units, splitter.markers)
}

struct Splitter {
    units: Vec<Unit>,
    markers: Markers,
    direction: Direction,
    start: Option<usize>,
    last: usize,
    in_block: bool,
}

impl Splitter {
    fn finish(&mut self, closed: bool) {
        if let Some(start) = self.start.take() {
            self.units.push(Unit {
                tokens: start..self.last + 1,
                direction: self.direction,
                block: self.in_block,
                closed,
            });
        }
    }

    fn marker(&mut self, marker: Marker, goose: bool) {
        if goose {
            self.markers.goose = true;
        } else {
            self.markers.dbmate = true;
        }
        // A marker always ends the statement before it.
        self.finish(true);
        match marker {
            Marker::Up => self.direction = Direction::Up,
            Marker::Down => self.direction = Direction::Down,
            Marker::BlockBegin => self.in_block = true,
            Marker::BlockEnd => self.in_block = false,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(text: &str) -> (Vec<(String, Direction)>, Markers) {
        let (tokens, _) = Tokens::tokenize(text);
        let (units, markers) = split(&tokens, tokens.len(), Direction::Up);
        let texts = units
            .iter()
            .map(|u| {
                let range = tokens.range(u.tokens.start).start..tokens.range(u.tokens.end - 1).end;
                (text[range].to_string(), u.direction)
            })
            .collect();
        (texts, markers)
    }

    #[test]
    fn splits_at_semicolons_outside_bodies() {
        let sql = "CREATE FUNCTION f() RETURNS int AS $body$ SELECT 1; $body$ LANGUAGE sql;\n\
                   /* a; /* nested; */ b; */ SELECT E'it\\'s;';\nSELECT 2";
        let (units, _) = units(sql);
        let texts: Vec<&str> = units.iter().map(|(t, _)| t.as_str()).collect();
        assert_eq!(
            texts,
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
        let (units, markers) = units(sql);
        assert!(markers.goose && !markers.dbmate);
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
    fn dbmate_sections() {
        let sql = "-- migrate:up\nCREATE TABLE a (id int)\n-- migrate:down\nDROP TABLE a;";
        let (units, markers) = units(sql);
        assert!(markers.dbmate);
        assert_eq!(
            units[0],
            ("CREATE TABLE a (id int)".to_string(), Direction::Up)
        );
        assert_eq!(units[1], ("DROP TABLE a".to_string(), Direction::Down));
    }
}
