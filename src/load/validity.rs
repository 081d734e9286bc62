//! Is a statement valid PostgreSQL? Asked only of statements `sqlparser`
//! cannot read, so that `parse-error` fires for SQL PostgreSQL itself
//! rejects, not for every form the parser does not know.
//!
//! The answer comes from squawk's PostgreSQL grammar (a pure-Rust parser
//! written to accept everything PostgreSQL does). It recurses on nesting,
//! so statements nested deeper than [`MAX_NESTING`] (or longer than
//! [`MAX_LEN`]) are not given to it: they are reported as parse errors,
//! which for such statements is what they most likely are.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::compat::keyword;

/// Nesting (parentheses, brackets, `CASE`, `NOT`) beyond which a statement
/// is not checked: squawk's recursive descent needs about 500 bytes of
/// stack per level, and worker threads have 2 MiB.
pub const MAX_NESTING: usize = 1000;

/// Statements longer than this (bytes) are not checked.
pub const MAX_LEN: usize = 1 << 20;

/// What the second opinion says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    /// A syntax error, with squawk's message.
    Invalid(String),
    /// Too deeply nested or too long to check.
    Unchecked,
}

/// Checks `text`, one statement whose tokens are `tokens`.
pub fn check(text: &str, tokens: &[TokenWithSpan]) -> Verdict {
    if text.len() > MAX_LEN || nesting(tokens) > MAX_NESTING {
        return Verdict::Unchecked;
    }
    let parsed = squawk_syntax::SourceFile::parse(text);
    match parsed.errors().into_iter().next() {
        None => Verdict::Valid,
        Some(error) => Verdict::Invalid(error.to_string()),
    }
}

/// An upper bound of how deep a parser recurses on these tokens.
fn nesting(tokens: &[TokenWithSpan]) -> usize {
    let mut depth = 0usize;
    let mut deepest = 0usize;
    let mut keywords = 0usize;
    for token in tokens {
        match &token.token {
            Token::LParen | Token::LBracket => {
                depth += 1;
                deepest = deepest.max(depth);
            }
            Token::RParen | Token::RBracket => depth = depth.saturating_sub(1),
            other if matches!(keyword(other), Keyword::CASE | Keyword::NOT) => keywords += 1,
            _ => {}
        }
    }
    deepest + keywords
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::tokens::Tokens;

    fn verdict(sql: &str) -> Verdict {
        check(sql, &Tokens::tokenize(sql).0.tokens)
    }

    #[test]
    fn valid_and_invalid() {
        assert_eq!(verdict("GRANT admin TO bob"), Verdict::Valid);
        assert_eq!(verdict("ALTER SEQUENCE s OWNED BY t.id"), Verdict::Valid);
        assert!(matches!(
            verdict("CREATE TABL c (x int)"),
            Verdict::Invalid(_)
        ));
        assert!(matches!(
            verdict("CREATE TABLE d (x int"),
            Verdict::Invalid(_)
        ));
    }

    #[test]
    fn deep_nesting_is_not_checked() {
        let deep = format!("SELECT {}1{}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(verdict(&deep), Verdict::Unchecked);
        let nots = format!("SELECT {} true", "NOT ".repeat(5000));
        assert_eq!(verdict(&nots), Verdict::Unchecked);
    }
}
