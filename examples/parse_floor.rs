//! The parse floor: what tokenizing and parsing every statement costs, with
//! nothing else (one thread, no discovery beyond a walk, no model, no
//! rules). `bench/run.sh` quotes the linter's time and memory as ratios to
//! this.
//!
//! ```sh
//! cargo run --release --example parse_floor -- ../shared/corpus
//! ```

use sqlparser::dialect::PostgreSqlDialect;
use sqlparser::parser::Parser;
use sqlparser::tokenizer::{Token, Tokenizer};

fn main() {
    let dialect = PostgreSqlDialect {};
    let (mut files, mut statements, mut failed) = (0usize, 0usize, 0usize);
    for root in std::env::args().skip(1) {
        for entry in walkdir::WalkDir::new(root).sort_by_file_name() {
            let Ok(entry) = entry else { continue };
            let is_sql = entry.path().extension().is_some_and(|e| e == "sql");
            if !entry.file_type().is_file() || !is_sql {
                continue;
            }
            let Ok(text) = std::fs::read_to_string(entry.path()) else {
                continue;
            };
            files += 1;
            let Ok(tokens) = Tokenizer::new(&dialect, &text).tokenize_with_location() else {
                continue;
            };
            // One statement at a time, as the linter parses them.
            for piece in tokens.split(|t| t.token == Token::SemiColon) {
                if piece
                    .iter()
                    .all(|t| matches!(t.token, Token::Whitespace(_)))
                {
                    continue;
                }
                statements += 1;
                let parsed = Parser::new(&dialect)
                    .with_tokens_with_locations(piece.to_vec())
                    .parse_statement();
                failed += usize::from(parsed.is_err());
            }
        }
    }
    println!("{files} files, {statements} statements, {failed} not parsed");
}
