//! DDL inside `DO` blocks.
//!
//! Migrations often guard DDL with procedural code to make it idempotent:
//!
//! ```sql
//! DO $$ BEGIN
//!     IF NOT EXISTS (SELECT 1 FROM information_schema.columns WHERE …) THEN
//!         ALTER TABLE users RENAME COLUMN confirmed_at TO email_confirmed_at;
//!     END IF;
//! END $$;
//! ```
//!
//! The intent of such a guard is that the DDL has taken effect once the
//! migration has run, so the DDL statements of a `DO` body (`CREATE`,
//! `ALTER`, `DROP` at the start of a PL/pgSQL statement) are read and
//! replayed as if unconditional. Everything else in the body is left alone,
//! and a body statement the parser cannot read is skipped silently: it was
//! found by a heuristic, not written as a statement of the migration.

use sqlparser::keywords::Keyword;
use sqlparser::tokenizer::{Location, Span, Token};

use super::compat::{self, keyword};
use super::parse::{self, Loading, Parsed};
use super::split::Unit;
use super::tokens::{Tokens, is_trivia};
use crate::source::SourceFile;

/// The statements with, after each `DO` block, the DDL found in its body;
/// and the token lists of those bodies.
pub fn expand(
    source: &SourceFile,
    tokens: &Tokens,
    statements: Vec<Loading>,
    budget: &mut super::validity::Budget,
) -> (Vec<Loading>, Vec<Tokens>) {
    let mut out = Vec::with_capacity(statements.len());
    let mut bodies = Vec::new();
    for statement in statements {
        let found = match &statement.parsed {
            Parsed::Opaque(kind) if kind == compat::DO_BLOCK => {
                body_statements(source, tokens, &statement, bodies.len(), budget)
            }
            _ => None,
        };
        out.push(statement);
        if let Some((body, inner)) = found {
            bodies.push(body);
            out.extend(inner);
        }
    }
    (out, bodies)
}

/// The DDL statements of one `DO` block's body.
fn body_statements(
    source: &SourceFile,
    tokens: &Tokens,
    statement: &Loading,
    body_index: usize,
    budget: &mut super::validity::Budget,
) -> Option<(Tokens, Vec<Loading>)> {
    let (index, quoted) = statement.tokens().find_map(|i| match tokens.token(i) {
        Some(Token::DollarQuotedString(quoted)) => Some((i, quoted)),
        _ => None,
    })?;
    let opener = quoted.tag.as_ref().map_or(0, String::len) + 2;
    let body_start = tokens.range(index).start + opener;
    let mut body = body_tokens(source, &quoted.value, body_start);
    let units = ddl_units(&body, statement);
    let inner = parse::parse_units(&mut body, source.text(), &units, budget)
        .into_iter()
        .map(|mut inner| {
            inner.nested = Some(crate::source::narrow(body_index));
            if let Parsed::Failed(_) | Parsed::Unread(_) = inner.parsed {
                inner.parsed = Parsed::Opaque("statement in a DO block".into());
            }
            inner
        })
        .collect::<Vec<_>>();
    (!inner.is_empty()).then_some((body, inner))
}

/// Tokens of a body that starts at byte `start` of the file, with ranges
/// and locations in file coordinates.
fn body_tokens(source: &SourceFile, body: &str, start: usize) -> Tokens {
    let (mut body_tokens, _) = Tokens::tokenize(body);
    let at = source.line_col(start);
    let shift = |location: Location| {
        if location.line == 0 {
            return location;
        }
        let column = if location.line == 1 {
            location.column + at.column as u64 - 1
        } else {
            location.column
        };
        Location::new(location.line + at.line as u64 - 1, column)
    };
    for token in &mut body_tokens.tokens {
        token.span = Span::new(shift(token.span.start), shift(token.span.end));
    }
    for range in &mut body_tokens.ranges {
        *range = range.start + start..range.end + start;
    }
    body_tokens
}

/// Words that end a PL/pgSQL construct and may be followed by a statement.
const STATEMENT_STARTS: [&str; 4] = ["BEGIN", "THEN", "ELSE", "LOOP"];

fn starts_statements(token: &Token) -> bool {
    matches!(token, Token::Word(w) if w.quote_style.is_none()
        && STATEMENT_STARTS.iter().any(|s| w.value.eq_ignore_ascii_case(s)))
}

/// Units for the `CREATE`/`ALTER`/`DROP` statements of a body: in each
/// `;`-separated piece, from a DDL word that starts a PL/pgSQL statement to
/// the end of the piece.
fn ddl_units(body: &Tokens, statement: &Loading) -> Vec<Unit> {
    let mut units = Vec::new();
    let mut piece_start = 0;
    for end in (0..body.len())
        .filter(|&i| body.token(i) == Some(&Token::SemiColon))
        .chain([body.len()])
    {
        let significant: Vec<usize> = (piece_start..end)
            .filter(|&i| body.token(i).is_some_and(|t| !is_trivia(t)))
            .collect();
        let start = significant.iter().enumerate().find_map(|(n, &i)| {
            let word = body.token(i).map(keyword)?;
            let previous = n.checked_sub(1).and_then(|p| body.token(significant[p]));
            let at_statement_start = previous.is_none_or(starts_statements);
            (matches!(word, Keyword::CREATE | Keyword::ALTER | Keyword::DROP) && at_statement_start)
                .then_some(i)
        });
        if let (Some(start), Some(&last)) = (start, significant.last()) {
            units.push(Unit {
                tokens: start..last + 1,
                direction: statement.direction,
                block: false,
                closed: true,
            });
        }
        piece_start = end + 1;
    }
    units
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::MigrationFile;
    use crate::discover::layout::classify;
    use crate::load::parse_source;
    use crate::source::FileId;
    use std::path::PathBuf;

    fn statements(text: &str) -> Vec<(String, bool, Option<u32>)> {
        let migration = MigrationFile {
            path: std::path::Path::new("1_a.sql").into(),
            resolved: PathBuf::new().into_boxed_path(),
            name: classify("1_a.sql"),
            reported: true,
        };
        let file = parse_source(
            FileId(0),
            migration,
            SourceFile::new(std::path::Path::new("1_a.sql"), text.into()),
        );
        file.statements
            .iter()
            .map(|s| {
                (
                    file.source.slice(&s.span).to_string(),
                    matches!(s.parsed, Parsed::Read),
                    s.nested,
                )
            })
            .collect()
    }

    #[test]
    fn guarded_ddl_is_read_with_exact_positions() {
        let text = "DO $$\nBEGIN\n  IF NOT EXISTS (SELECT 1 FROM t WHERE x = 'a;b') THEN\n    ALTER TABLE users RENAME COLUMN a TO b;\n  END IF;\n  INSERT INTO t VALUES (1);\nEND $$;\nSELECT 1;";
        let found = statements(text);
        assert_eq!(found.len(), 3, "{found:?}");
        assert_eq!(
            found[1],
            (
                "ALTER TABLE users RENAME COLUMN a TO b".to_string(),
                true,
                Some(0)
            )
        );
        assert_eq!(found[2].2, None);
    }

    #[test]
    fn exception_guarded_create_type() {
        let text = "do $tag$ begin\n    create type factor_type as enum('totp', 'webauthn');\nexception\n    when duplicate_object then null;\nend $tag$;";
        let found = statements(text);
        assert_eq!(
            found[1],
            (
                "create type factor_type as enum('totp', 'webauthn')".to_string(),
                true,
                Some(0)
            )
        );
        assert_eq!(found.len(), 2);
    }

    #[test]
    fn dynamic_sql_is_left_alone() {
        let found = statements("DO $$ BEGIN EXECUTE 'ALTER TABLE a ADD COLUMN b TEXT'; END $$;");
        assert_eq!(found.len(), 1);
    }
}
