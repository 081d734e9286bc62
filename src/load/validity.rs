//! Is a statement valid PostgreSQL? Asked only of statements `sqlparser`
//! cannot read, so that `parse-error` fires for SQL PostgreSQL itself
//! rejects, not for every form the parser does not know.
//!
//! The answer comes from squawk's PostgreSQL grammar (a pure-Rust parser
//! written to accept everything PostgreSQL does). Statements it would take
//! too long or too much stack to read are not given to it ([`Verdict::Unchecked`]):
//! they are reported as parse errors, which for such statements is what
//! they most likely are.
//!
//! - **Stack.** The grammar recurses on nesting, and also where nothing is
//!   nested: on each prefix operator (`- - - 1`), each `EXPLAIN` or
//!   `PREPARE … AS` before a statement, each `CREATE VIEW v` or `CREATE
//!   TABLE t AS` without its query. A chain of a few thousand overflowed a
//!   worker thread's stack and aborted the run (found by the fuzzer). No
//!   count of keywords bounds every such path, but the statement's length
//!   does (each level reads a token): a statement of more than
//!   [`INLINE_TOKENS`] tokens is read on a thread of its own, with a stack
//!   as large as that many levels could need, up to [`MAX_TOKENS`].
//! - **Time.** Building squawk's tree hashes each small node with all it
//!   holds, so a statement costs about the sum, over its tokens, of how
//!   deep each sits (`Shape::area`): a chain of 50,000 `1+` took 6 s, of
//!   300,000 `- ` 344 s. Depth is estimated as the tokens of the enclosing
//!   list items at every bracket level; a statement whose area exceeds
//!   [`MAX_AREA`], or a file whose statements together exceed
//!   [`FILE_AREA`] ([`Budget`]), is not checked. Real statements are
//!   shallow lists (a 2,000-column table has an area of about 70,000).

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Token, TokenWithSpan};

use super::compat::keyword;
use super::tokens::is_trivia;

/// Nesting (parentheses, brackets, `CASE`, `NOT`) beyond which a statement
/// is not checked.
pub const MAX_NESTING: usize = 1000;

/// Statements longer than this (bytes) are not checked.
pub const MAX_LEN: usize = 1 << 20;

/// Statements of up to this many tokens are checked on the caller's
/// thread: as many levels need at most `STACK_PER_TOKEN` times as much,
/// well within the 2 MiB of a worker thread.
const INLINE_TOKENS: usize = 128;

/// Statements of more tokens are not checked: the thread reading one would
/// need a stack of more than 256 MiB.
const MAX_TOKENS: usize = 32 << 10;

/// The stack a level of squawk's grammar may take: the most measured was
/// about 470 bytes per `EXPLAIN` in a release build; a debug build's frames
/// are several times larger.
const STACK_PER_TOKEN: usize = 8 << 10;

/// The stack of a checking thread before its levels.
const BASE_STACK: usize = 256 << 10;

/// The largest `Shape::area` of a statement that is checked: about 0.1 s.
pub const MAX_AREA: u64 = 20_000_000;

/// The area a file's statements may use in all (about a second), and
/// the statements in its `DO` blocks as much again; later ones are not
/// checked.
pub const FILE_AREA: u64 = 10 * MAX_AREA;

/// What is left of a file's `FILE_AREA`, spent statement by statement in
/// file order (so that what is checked never depends on threads).
#[derive(Debug, Clone)]
pub struct Budget {
    area: u64,
}

impl Budget {
    /// A file's whole budget.
    pub fn of_file() -> Budget {
        Budget { area: FILE_AREA }
    }
}

/// What the second opinion says.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Valid,
    /// A syntax error, with squawk's message.
    Invalid(String),
    /// Too deeply nested or too long to check.
    Unchecked,
}

/// Checks `text`, one statement whose tokens are `tokens`, from what is
/// left of its file's `budget`.
pub fn check(text: &str, tokens: &[TokenWithSpan], budget: &mut Budget) -> Verdict {
    let shape = Shape::of(tokens);
    if text.len() > MAX_LEN
        || shape.nesting > MAX_NESTING
        || shape.tokens > MAX_TOKENS
        || shape.area > MAX_AREA.min(budget.area)
    {
        return Verdict::Unchecked;
    }
    budget.area -= shape.area;
    if shape.tokens <= INLINE_TOKENS {
        return parse(text);
    }
    // A thread that cannot be had (a limit on memory) leaves the statement
    // unchecked, as one too long is.
    let stack = shape.tokens * STACK_PER_TOKEN + BASE_STACK;
    std::thread::scope(|scope| {
        let thread = std::thread::Builder::new()
            .name("validity".into())
            .stack_size(stack)
            .spawn_scoped(scope, || parse(text));
        thread.ok().and_then(|handle| handle.join().ok())
    })
    .unwrap_or(Verdict::Unchecked)
}

fn parse(text: &str) -> Verdict {
    let parsed = squawk_syntax::SourceFile::parse(text);
    match parsed.errors().into_iter().next() {
        None => Verdict::Valid,
        Some(error) => Verdict::Invalid(error.to_string()),
    }
}

/// What decides whether a statement is checked, read in one pass.
#[derive(Debug, Default, PartialEq, Eq)]
struct Shape {
    /// Significant tokens.
    tokens: usize,
    /// Brackets open at once, plus every `CASE` and `NOT`.
    nesting: usize,
    /// The sum, over the tokens, of how deep each may sit in the tree: the
    /// brackets open around it and the tokens before it in the list item
    /// it is in, at its level and each level around it.
    area: u64,
}

impl Shape {
    fn of(tokens: &[TokenWithSpan]) -> Shape {
        let mut shape = Shape::default();
        // The tokens so far of the list item open at each bracket level,
        // and their sum.
        let mut items: Vec<usize> = vec![0];
        let mut depth = 0usize;
        let mut keywords = 0usize;
        for token in tokens.iter().filter(|t| !is_trivia(&t.token)) {
            shape.tokens += 1;
            match &token.token {
                Token::LParen | Token::LBracket => {
                    items.push(0);
                    shape.nesting = shape.nesting.max(items.len() - 1);
                }
                Token::RParen | Token::RBracket if items.len() > 1 => {
                    depth -= items.pop().unwrap_or(0);
                }
                Token::Comma => {
                    if let Some(item) = items.last_mut() {
                        depth -= std::mem::take(item);
                    }
                }
                other => {
                    if matches!(keyword(other), Keyword::CASE | Keyword::NOT) {
                        keywords += 1;
                    }
                    if let Some(item) = items.last_mut() {
                        *item += 1;
                    }
                    depth += 1;
                }
            }
            let level = depth + items.len();
            shape.area = shape.area.saturating_add(level as u64);
        }
        shape.nesting += keywords;
        shape
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::load::tokens::Tokens;

    fn verdict(sql: &str) -> Verdict {
        check(sql, &Tokens::tokenize(sql).0.tokens, &mut Budget::of_file())
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

    /// Chains the grammar recurses on without nesting, checked on a thread
    /// whose stack they would overflow (a worker has 2 MiB, the levels of
    /// a release build take about as much at this length): read on a
    /// thread of their own, without a crash.
    #[test]
    fn recursion_without_nesting_does_not_overflow() {
        let chains = [
            ("SELECT ", "- ", "1"),
            ("SELECT ", "~ ", "1"),
            ("", "EXPLAIN ", "SELECT 1"),
            ("", "PREPARE p AS ", "SELECT 1"),
            ("", "CREATE VIEW v ", ""),
            ("", "CREATE TABLE t AS ", "SELECT 1"),
        ];
        let small_stack = std::thread::Builder::new().stack_size(256 << 10);
        let checked = small_stack.spawn(move || {
            for (before, link, after) in chains {
                let sql = format!("{before}{}{after}", link.repeat(1_500));
                assert_ne!(verdict(&sql), Verdict::Unchecked, "{link}");
            }
        });
        assert!(checked.expect("thread").join().is_ok());
        assert_eq!(
            verdict(&format!("SELECT {}1", "- ".repeat(3))),
            Verdict::Valid
        );
    }

    /// Reading a deep chain costs the square of its length: past
    /// `MAX_AREA` a statement is not checked, and past `FILE_AREA` a
    /// file's later statements are not.
    #[test]
    fn deep_chains_are_not_checked_past_the_area() {
        let long = format!("EXPLAIN {}SELECT 1", "- ".repeat(10_000));
        assert_eq!(verdict(&long), Verdict::Unchecked);
        let sql = format!("{}SELECT 1", "EXPLAIN ".repeat(3_000));
        let tokenized = Tokens::tokenize(&sql).0;
        let tokens = &tokenized.tokens;
        let area = Shape::of(tokens).area;
        assert!(area > 4_000_000 && area < MAX_AREA, "{area}");
        let mut budget = Budget { area: 2 * area };
        assert_ne!(check(&sql, tokens, &mut budget), Verdict::Unchecked);
        assert_ne!(check(&sql, tokens, &mut budget), Verdict::Unchecked);
        assert_eq!(check(&sql, tokens, &mut budget), Verdict::Unchecked);
        assert_eq!(budget.area, 0);
    }

    /// A wide statement is shallow: its area grows with its length only.
    #[test]
    fn lists_are_shallow() {
        let columns: Vec<String> = (0..2_000).map(|i| format!("c{i} text DEFAULT 0")).collect();
        let sql = format!("CREATE TABLE t ({})", columns.join(", "));
        let shape = Shape::of(&Tokens::tokenize(&sql).0.tokens);
        assert_eq!((shape.tokens, shape.nesting), (10_004, 1));
        assert!(shape.area < 100_000, "{shape:?}");
    }

    #[test]
    fn deep_nesting_is_not_checked() {
        let deep = format!("SELECT {}1{}", "(".repeat(5000), ")".repeat(5000));
        assert_eq!(verdict(&deep), Verdict::Unchecked);
        let nots = format!("SELECT {} true", "NOT ".repeat(5000));
        assert_eq!(verdict(&nots), Verdict::Unchecked);
    }
}
