//! Pipeline step 5: inline suppressions.
//!
//! ```sql
//! -- schema-lint: ignore prefer-text, prefer-timestamptz -- legacy table
//! CREATE TABLE legacy (name VARCHAR(40), seen TIMESTAMP);
//!
//! CREATE TABLE notes (body VARCHAR(10)); -- schema-lint: ignore prefer-text
//!
//! -- schema-lint: ignore-file parse-error -- psql meta-commands below
//! ```
//! `ignore` covers the statement after the comment, or the statement whose
//! first line the comment ends; `ignore-file` covers the whole file. A
//! suppression that suppresses nothing, or names an unknown rule, becomes an
//! `unused-suppression` finding.

use std::ops::Range;

use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::load::{LoadedFile, Project, tokens::comment_text};
use crate::rules::{self, unused_suppression};
use crate::source::Origin;

const PREFIX: &str = "schema-lint:";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Scope {
    /// Byte range of the statement covered.
    Statement(Range<usize>),
    File,
    /// An `ignore` with no statement after it.
    Nothing,
}

/// One rule named in one suppression comment.
#[derive(Debug, Clone)]
struct Entry {
    rule: String,
    /// The rule's name inside the comment.
    at: Origin,
    scope: Scope,
    used: bool,
}

/// A malformed directive (e.g. `schema-lint: ignor x`).
#[derive(Debug, Clone)]
struct Malformed {
    at: Origin,
    message: String,
}

/// Removes suppressed findings and adds `unused-suppression` findings.
pub fn apply(project: &Project, settings: &Settings, diagnostics: &mut Vec<Diagnostic>) {
    let mut unused = Vec::new();
    for file in project.files.iter().filter(|f| f.reported()) {
        let (mut entries, malformed) = directives(file);
        if entries.is_empty() && malformed.is_empty() {
            continue;
        }
        diagnostics.retain(|d| {
            if d.file != file.id {
                return true;
            }
            let mut suppressed = false;
            for entry in entries.iter_mut().filter(|e| e.rule == d.rule) {
                let covers = match &entry.scope {
                    Scope::File => true,
                    Scope::Statement(range) => range.contains(&d.span.start),
                    Scope::Nothing => false,
                };
                if covers {
                    entry.used = true;
                    suppressed = true;
                }
            }
            !suppressed
        });
        let Some(severity) = settings.severity_of(unused_suppression::META.name) else {
            continue;
        };
        for entry in entries.iter().filter(|e| !e.used) {
            let message = if rules::find(&entry.rule).is_none() {
                let hint = rules::suggest(&entry.rule)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                format!("`{}` is not a rule{hint}", entry.rule)
            } else if settings.severity_of(&entry.rule).is_none() {
                // The rule is off in this configuration: nothing to say.
                continue;
            } else if entry.scope == Scope::Nothing {
                format!(
                    "`{}` is suppressed here but no statement follows",
                    entry.rule
                )
            } else {
                format!("`{}` is suppressed here but reported nothing", entry.rule)
            };
            let mut diagnostic = Diagnostic::new(unused_suppression::META.name, &entry.at, message)
                .help("remove it from the suppression comment");
            diagnostic.severity = severity;
            unused.push(diagnostic);
        }
        for problem in malformed {
            let mut diagnostic =
                Diagnostic::new(unused_suppression::META.name, &problem.at, problem.message).help(
                    "write `-- schema-lint: ignore <rule>[, <rule>] -- <reason>` or `ignore-file`",
                );
            diagnostic.severity = severity;
            unused.push(diagnostic);
        }
    }
    diagnostics.extend(unused);
}

/// The suppression directives of one file.
fn directives(file: &LoadedFile) -> (Vec<Entry>, Vec<Malformed>) {
    let mut entries = Vec::new();
    let mut malformed = Vec::new();
    for (index, token) in file.tokens.tokens.iter().enumerate() {
        let Some(comment) = comment_text(&token.token) else {
            continue;
        };
        let Some(directive_at) = comment.find(PREFIX) else {
            continue;
        };
        if !comment[..directive_at].trim().is_empty() {
            continue;
        }
        let range = file.tokens.range(index);
        let raw = file.source.slice(&range);
        // Offsets inside the comment token's text in the file.
        let Some(body_start) = raw.find(PREFIX).map(|i| i + PREFIX.len()) else {
            continue;
        };
        let body = &raw[body_start..];
        let body = body.strip_suffix("*/").unwrap_or(body);
        // `-- reason` ends the rule list.
        let list_end = body.find("--").unwrap_or(body.len());
        let list = &body[..list_end];
        let trimmed = list.trim_start();
        let keyword_len = trimmed
            .find(|c: char| c.is_whitespace())
            .unwrap_or(trimmed.len());
        let keyword = &trimmed[..keyword_len];
        let names_at = body_start + (list.len() - trimmed.len()) + keyword_len;
        let scope = match keyword {
            "ignore" => statement_scope(file, range.clone()),
            "ignore-file" => Scope::File,
            _ => {
                malformed.push(Malformed {
                    at: Origin::new(file.id, range.clone()),
                    message: format!(
                        "unknown suppression `{keyword}`: expected `ignore` or `ignore-file`"
                    ),
                });
                continue;
            }
        };
        let names = &raw[names_at..body_start + list_end];
        let mut found = false;
        for (offset, name) in split_names(names) {
            found = true;
            let start = range.start + names_at + offset;
            entries.push(Entry {
                rule: name.to_string(),
                at: Origin::new(file.id, start..start + name.len()),
                scope: scope.clone(),
                used: false,
            });
        }
        if !found {
            malformed.push(Malformed {
                at: Origin::new(file.id, range.clone()),
                message: format!("`{keyword}` names no rule"),
            });
        }
    }
    (entries, malformed)
}

/// Rule names separated by commas and/or spaces, with their offsets.
fn split_names(list: &str) -> impl Iterator<Item = (usize, &str)> {
    list.split(|c: char| c == ',' || c.is_whitespace())
        .scan(0usize, |offset, part| {
            let at = *offset;
            *offset += part.len() + 1;
            Some((at, part))
        })
        .filter(|(_, part)| !part.is_empty())
}

/// The statement a comment at `comment` covers: the one whose first line it
/// ends, else the next one.
fn statement_scope(file: &LoadedFile, comment: Range<usize>) -> Scope {
    let comment_line = file.source.line_col(comment.start).line;
    let same_line = file.statements.iter().rfind(|s| {
        s.span.start < comment.start && file.source.line_col(s.span.start).line == comment_line
    });
    let next = || file.statements.iter().find(|s| s.span.start >= comment.end);
    match same_line.or_else(next) {
        Some(statement) => Scope::Statement(statement.span.clone()),
        None => Scope::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_with_offsets() {
        let names: Vec<(usize, &str)> = split_names(" a, b  c").collect();
        assert_eq!(names, [(1, "a"), (4, "b"), (7, "c")]);
    }
}
