//! Valid PostgreSQL that `sqlparser` does not read (yet), found by running
//! over real migration sets. Two remedies, both kept small and explicit:
//!
//! - `rewrite` blanks a few optional words the parser does not know, in a
//!   copy of the tokens given to the parser (blanked tokens become spaces, so
//!   every other position stays exact). The words carry nothing the schema
//!   model uses.
//! - `opaque` recognises statements that are valid but that the model does
//!   not use, so a parser gap in them is not reported as a parse error.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan, Whitespace};

/// Blanks, in `tokens` (one statement), the words `sqlparser` rejects:
/// - `DROP INDEX CONCURRENTLY …` (the parser takes `CONCURRENTLY` for the name)
/// - `ALTER INDEX IF EXISTS … RENAME TO …`
/// - `CREATE INDEX … ON ONLY parent …` (partitioned tables)
/// - `CREATE EXTENSION … SCHEMA s` without `WITH`
/// - `COST n` and `ROWS n` in `CREATE FUNCTION`
pub fn rewrite(tokens: &mut [TokenWithSpan]) {
    let words: Vec<(usize, Keyword)> = tokens
        .iter()
        .enumerate()
        .filter(|(_, t)| !matches!(t.token, Token::Whitespace(_)))
        .map(|(i, t)| (i, keyword(&t.token)))
        .collect();
    let kw = |n: usize| words.get(n).map(|w| w.1);
    let mut blank = Vec::new();
    match (kw(0), kw(1)) {
        (Some(Keyword::DROP), Some(Keyword::INDEX)) if kw(2) == Some(Keyword::CONCURRENTLY) => {
            blank.push(2);
        }
        (Some(Keyword::ALTER), Some(Keyword::INDEX))
            if kw(2) == Some(Keyword::IF) && kw(3) == Some(Keyword::EXISTS) =>
        {
            blank.extend([2, 3]);
        }
        (Some(Keyword::CREATE), Some(Keyword::INDEX | Keyword::UNIQUE)) => {
            if let Some(on) = (0..words.len()).find(|&n| kw(n) == Some(Keyword::ON))
                && kw(on + 1) == Some(Keyword::ONLY)
            {
                blank.push(on + 1);
            }
        }
        (Some(Keyword::CREATE), Some(Keyword::EXTENSION)) => {
            if let Some(schema) = (2..words.len()).find(|&n| kw(n) == Some(Keyword::SCHEMA))
                && kw(schema - 1) != Some(Keyword::WITH)
            {
                blank.extend([schema, schema + 1]);
            }
        }
        (Some(Keyword::CREATE), Some(Keyword::FUNCTION))
        | (Some(Keyword::CREATE), Some(Keyword::OR))
            if matches!(kw(1), Some(Keyword::FUNCTION))
                || (kw(2) == Some(Keyword::REPLACE) && kw(3) == Some(Keyword::FUNCTION)) =>
        {
            let mut depth = 0i32;
            for n in 0..words.len() {
                match &tokens[words[n].0].token {
                    Token::LParen => depth += 1,
                    Token::RParen => depth -= 1,
                    _ => {}
                }
                let is_number = words
                    .get(n + 1)
                    .is_some_and(|w| matches!(tokens[w.0].token, Token::Number(..)));
                if depth == 0 && matches!(kw(n), Some(Keyword::COST | Keyword::ROWS)) && is_number {
                    blank.extend([n, n + 1]);
                }
            }
        }
        _ => {}
    }
    for n in blank {
        if let Some(&(index, _)) = words.get(n) {
            tokens[index].token = Token::Whitespace(Whitespace::Space);
        }
    }
}

/// The kind of a `DO` statement (its body is read by `procedural`).
pub const DO_BLOCK: &str = "DO block";

/// Why a statement the parser rejected needs no parsing: `None` when it
/// does (a real parse error).
pub fn opaque(tokens: &[TokenWithSpan]) -> Option<&'static str> {
    let mut words = tokens
        .iter()
        .filter(|t| !matches!(t.token, Token::Whitespace(_)))
        .map(|t| keyword(&t.token));
    match (words.next()?, words.next()) {
        // Procedural code: not modelled, and not SQL the parser reads.
        (Keyword::DO, _) => Some(DO_BLOCK),
        // Comments and sequence ownership change nothing the rules check.
        (Keyword::COMMENT, Some(Keyword::ON)) => Some("COMMENT ON"),
        (Keyword::ALTER, Some(Keyword::SEQUENCE)) => Some("ALTER SEQUENCE"),
        // Maintenance: no effect on the schema.
        (Keyword::ANALYZE, _) => Some("ANALYZE"),
        (Keyword::VACUUM, _) => Some("VACUUM"),
        _ => None,
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
    use sqlparser::dialect::PostgreSqlDialect;
    use sqlparser::parser::Parser;

    fn parses_after_rewrite(sql: &str) -> bool {
        let (tokens, _) = Tokens::tokenize(sql);
        let mut tokens = tokens.tokens;
        rewrite(&mut tokens);
        let dialect = PostgreSqlDialect {};
        Parser::new(&dialect)
            .with_tokens_with_locations(tokens)
            .parse_statements()
            .is_ok_and(|s| s.len() == 1)
    }

    #[test]
    fn rewritten_forms_parse() {
        for sql in [
            "DROP INDEX CONCURRENTLY IF EXISTS idx_a",
            "drop index concurrently idx_a",
            "ALTER INDEX IF EXISTS a RENAME TO b",
            "CREATE INDEX IF NOT EXISTS i ON ONLY t USING gin (c jsonb_path_ops)",
            "CREATE EXTENSION IF NOT EXISTS ltree SCHEMA public",
            "create function f() returns trigger language plpgsql cost 100 as $$ begin return new; end $$",
        ] {
            assert!(parses_after_rewrite(sql), "{sql}");
        }
    }

    #[test]
    fn opaque_statements() {
        let (tokens, _) = Tokens::tokenize("DO $$ BEGIN END $$");
        assert_eq!(opaque(&tokens.tokens), Some("DO block"));
        let (tokens, _) = Tokens::tokenize("CREATE TABLE (");
        assert_eq!(opaque(&tokens.tokens), None);
    }
}
