//! Parse statistics for migration folders: how many statements parsed, and
//! the most common reasons the rest did not.
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
        let (mut total, mut parsed, mut opaque) = (0usize, 0usize, 0usize);
        let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
        for file in &project.files {
            for statement in &file.statements {
                total += 1;
                match &statement.parsed {
                    Parsed::Ok(_) => parsed += 1,
                    Parsed::Opaque(_) => opaque += 1,
                    Parsed::Failed(failure) => {
                        // Group by the statement's first words and the parser's reason.
                        let text = file.source.slice(&statement.span);
                        let head: Vec<&str> = text.split_whitespace().take(2).collect();
                        let key =
                            format!("{} | {}", head.join(" ").to_uppercase(), failure.message);
                        *reasons.entry(key).or_default() += 1;
                    }
                }
            }
        }
        let share = |n: usize| {
            if total == 0 {
                100.0
            } else {
                100.0 * n as f64 / total as f64
            }
        };
        println!(
            "{}: {} files, {total} statements: {parsed} parsed ({:.1}%), {opaque} opaque ({:.1}%), {} failed, {} unreadable files",
            path.display(),
            project.files.len(),
            share(parsed),
            share(opaque),
            total - parsed - opaque,
            errors.len()
        );
        let mut groups: Vec<(String, usize)> = reasons.into_iter().collect();
        groups.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        for (reason, count) in groups.iter().take(8) {
            println!("  {count:4}  {reason}");
        }
    }
}
