//! Parse statistics for migration folders: how many statements were read,
//! what the valid statements the parser does not read were classified as,
//! and the statements that failed (PostgreSQL rejects them too, or the
//! checker could not decide).
//!
//! ```sh
//! cargo run --release --example parse_stats -- ../shared/corpus/*/
//! ```

use std::collections::BTreeMap;
use std::path::PathBuf;

use schema_lint::discover::{self, Options};
use schema_lint::load::{self, Parsed};

fn main() {
    for path in std::env::args().skip(1).map(PathBuf::from) {
        let discovery = discover::discover(std::slice::from_ref(&path), &Options::default());
        let (project, errors) = load::load(discovery, load::ReadOptions::default());
        let (mut total, mut parsed) = (0usize, 0usize);
        let mut classified: BTreeMap<&str, usize> = BTreeMap::new();
        let mut unread: BTreeMap<String, usize> = BTreeMap::new();
        let mut failed: Vec<String> = Vec::new();
        for file in project.migrations() {
            for statement in &file.statements {
                total += 1;
                match &statement.parsed {
                    Parsed::Ok(_) | Parsed::Read => parsed += 1,
                    Parsed::Opaque(kind) => *classified.entry(kind).or_insert(0) += 1,
                    Parsed::Unread(statement) => {
                        *unread.entry(statement.kind.to_string()).or_insert(0) += 1
                    }
                    Parsed::Failed(failure) => {
                        let at = file.source.line_col(statement.span.start);
                        failed.push(format!(
                            "{}:{}:{}: {}",
                            file.source.display_path(),
                            at.line,
                            at.column,
                            failure.message
                        ));
                    }
                }
            }
        }
        let percent = |n: usize| 100.0 * n as f64 / total.max(1) as f64;
        println!(
            "{}: {} files, {total} statements: {parsed} parsed ({:.1}%), {} valid and classified, {} valid but unread, {} failed, {} unreadable files",
            path.display(),
            project.migrations().count(),
            percent(parsed),
            classified.values().sum::<usize>(),
            unread.values().sum::<usize>(),
            failed.len(),
            errors.len()
        );
        for (kind, count) in &classified {
            println!("    {count:5}  {kind}");
        }
        for (kind, count) in &unread {
            println!("    {count:5}  unread: {kind}");
        }
        for failure in &failed {
            println!("    failed  {failure}");
        }
    }
}
