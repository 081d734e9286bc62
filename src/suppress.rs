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
//! ```sql
//! CREATE TABLE accounts (
//!     id BIGINT PRIMARY KEY,
//!     -- schema-lint: ignore prefer-text -- the partner API caps it
//!     code VARCHAR(12),
//!     legacy_name VARCHAR(40) -- schema-lint: ignore prefer-text
//! );
//! ```
//! `ignore` covers the statement after the comment, or the statement whose
//! first line the comment ends. Inside a statement it covers one line: the
//! next line with code when the comment has a line of its own, else the
//! line it ends. `ignore-file` covers the whole file. A
//! suppression that suppresses nothing, or names an unknown rule, becomes an
//! `unused-suppression` finding.

use std::ops::Range;

use rustc_hash::{FxHashMap, FxHashSet};

use crate::config::{FileOverrides, Settings};
use crate::diagnostic::Diagnostic;
use crate::load::{DIRECTIVE_PREFIX as PREFIX, LoadedFile, Project, Statement};
use crate::rules::{self, Reporter, RuleId};
use crate::source::Origin;

#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum Scope {
    /// Byte range of the statement covered.
    Statement(Range<usize>),
    /// 0-based index of the line covered, inside a statement.
    Line(usize),
    File,
    /// An `ignore` with no statement after it.
    Nothing,
}

/// One rule named in one suppression comment.
#[derive(Debug, Clone)]
struct Entry {
    /// The rule named, resolved when the comment is read; `Err`: the name
    /// of no rule, as written.
    rule: Result<RuleId, String>,
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

/// What suppressions judge of a finding: its rule and where it starts.
/// A list of them stands for findings not unpacked yet (see
/// `lint::run`), so that suppressed ones never are.
#[derive(Debug, Clone, Copy)]
pub struct Key {
    pub rule: RuleId,
    pub file: crate::source::FileId,
    pub start: usize,
}

impl Key {
    pub fn of(d: &Diagnostic) -> Key {
        Key {
            rule: d.rule,
            file: d.file,
            start: d.span.start,
        }
    }
}

/// `judge`'s verdict on a list of findings.
pub struct Judged {
    /// For each finding of the list, whether it is suppressed; empty when
    /// none is.
    pub suppressed: Vec<bool>,
    /// The `unused-suppression` findings.
    pub unused: Vec<Diagnostic>,
}

/// Which findings are suppressed, and the `unused-suppression` findings.
///
/// One pass over the findings, each looked up by rule and by the
/// statements that contain it: a file with thousands of suppressions and
/// findings costs thousands of lookups, not millions of comparisons. Files
/// are taken one at a time, with their findings: only one file's index of
/// suppressions exists at once (a set of thousands of files, each with a
/// suppression, held an index for every file).
pub fn judge(
    project: &Project,
    settings: &Settings,
    overrides: &FileOverrides,
    keys: &[Key],
) -> Judged {
    // Reported as any rule's findings are, through its reporter: its
    // severity, `[[overrides]]` of the file.
    let mut reporter = settings
        .active(RuleId::UnusedSuppression)
        .map(|rule| Reporter::new(rule, project, overrides));
    let mut by_file: Option<ByFile> = None;
    let mut suppressed: Vec<bool> = Vec::new();
    for file in project.files.iter().filter(|f| f.reported()) {
        let (entries, malformed) = directives(file);
        if entries.is_empty() && malformed.is_empty() {
            continue;
        }
        let by_file = by_file.get_or_insert_with(|| ByFile::of(keys, project.files.len()));
        if suppressed.is_empty() {
            suppressed = vec![false; keys.len()];
        }
        let mut suppressions = Suppressions::new(file, entries, malformed);
        for &at in by_file.findings(file.id.index()) {
            let at = at as usize;
            if suppressions.suppress(file, &keys[at]) {
                suppressed[at] = true;
            }
        }
        if let Some(reporter) = &mut reporter {
            unused(settings, suppressions, reporter);
        }
    }
    let unused = reporter.map(Reporter::into_findings).unwrap_or_default();
    Judged { suppressed, unused }
}

/// The positions of findings in their list, grouped by file id (a
/// counting sort: two passes, no comparisons).
struct ByFile {
    /// Where each group's positions start in `positions`, then where the
    /// last group ends: a group for each file, and one after them.
    starts: Vec<u32>,
    positions: Vec<u32>,
}

impl ByFile {
    /// `files`: how many files there are; a finding in no file of them
    /// (never made) is grouped after the last, where nothing looks.
    fn of(keys: &[Key], files: usize) -> ByFile {
        let group_of = |d: &Key| d.file.index().min(files);
        // Counted two places ahead, so that after the sums each group's
        // entry one ahead is where it starts, and moves on as it fills.
        let mut starts = vec![0u32; files + 3];
        for d in keys {
            starts[group_of(d) + 2] += 1;
        }
        for i in 2..starts.len() {
            starts[i] += starts[i - 1];
        }
        let mut positions = vec![0u32; keys.len()];
        for (at, d) in keys.iter().enumerate() {
            let next = &mut starts[group_of(d) + 1];
            positions[*next as usize] = at as u32;
            *next += 1;
        }
        starts.pop();
        ByFile { starts, positions }
    }

    /// The positions of the findings in file `index`, in list order.
    fn findings(&self, index: usize) -> &[u32] {
        let start = self.starts.get(index).map_or(0, |&s| s as usize);
        let end = self.starts.get(index + 1).map_or(start, |&e| e as usize);
        self.positions.get(start..end).unwrap_or(&[])
    }
}

/// The suppressions of one file, by rule and scope.
struct Suppressions {
    entries: Vec<Entry>,
    malformed: Vec<Malformed>,
    /// Indexes into `entries`, by rule, then by scope (unknown rule
    /// names suppress nothing).
    index: FxHashMap<RuleId, FxHashMap<Scope, Vec<usize>>>,
    /// Whether the file's statements are in file order (checked once).
    in_order: bool,
}

impl Suppressions {
    fn new(file: &LoadedFile, entries: Vec<Entry>, malformed: Vec<Malformed>) -> Self {
        let mut index: FxHashMap<RuleId, FxHashMap<Scope, Vec<usize>>> = FxHashMap::default();
        for (i, entry) in entries.iter().enumerate() {
            let Ok(rule) = entry.rule else { continue };
            index
                .entry(rule)
                .or_default()
                .entry(entry.scope.clone())
                .or_default()
                .push(i);
        }
        Suppressions {
            entries,
            malformed,
            index,
            in_order: in_order(file),
        }
    }

    /// Whether a finding is suppressed; the entries that suppress it are
    /// marked used (all of them, so none is reported as unused).
    fn suppress(&mut self, file: &LoadedFile, d: &Key) -> bool {
        let Some(scopes) = self.index.get(&d.rule) else {
            return false;
        };
        let line = file.source.line_index(d.start);
        let mut covering: Vec<Scope> = vec![Scope::File, Scope::Line(line)];
        covering.extend(
            statements_at(file, self.in_order, d.start).map(|s| Scope::Statement(s.span.clone())),
        );
        let mut suppressed = false;
        for scope in covering {
            for &i in scopes.get(&scope).into_iter().flatten() {
                if let Some(entry) = self.entries.get_mut(i) {
                    entry.used = true;
                    suppressed = true;
                }
            }
        }
        suppressed
    }
}

/// The statements and lines of a file where its directives name one rule
/// (`ignore`, not `ignore-file`): a rule that reports only the first of
/// many findings of a file (`parse-error`) still reports each finding such
/// a directive is written for, which it then suppresses, rather than
/// leave the directive unused.
pub struct Named {
    statements: FxHashSet<Range<usize>>,
    lines: FxHashSet<usize>,
    in_order: bool,
}

impl Named {
    pub fn of(file: &LoadedFile, rule: RuleId) -> Named {
        let mut named = Named {
            statements: FxHashSet::default(),
            lines: FxHashSet::default(),
            in_order: in_order(file),
        };
        let (entries, _) = directives(file);
        for entry in entries.into_iter().filter(|e| e.rule == Ok(rule)) {
            match entry.scope {
                Scope::Statement(span) => {
                    named.statements.insert(span);
                }
                Scope::Line(line) => {
                    named.lines.insert(line);
                }
                Scope::File | Scope::Nothing => {}
            }
        }
        named
    }

    /// Whether a finding of the rule that starts at `offset` of `file` is
    /// one a directive names: judged as `Suppressions::suppress` judges.
    pub fn covers(&self, file: &LoadedFile, offset: usize) -> bool {
        if self.statements.is_empty() && self.lines.is_empty() {
            return false;
        }
        self.lines.contains(&file.source.line_index(offset))
            || statements_at(file, self.in_order, offset).any(|s| self.statements.contains(&s.span))
    }
}

/// The statements that contain byte `offset`: the top-level statement
/// around it and the statements of a `DO` block in it (which follow their
/// block, and top-level statements do not overlap). In any other order the
/// statements are searched one by one.
fn statements_at(
    file: &LoadedFile,
    in_order: bool,
    offset: usize,
) -> impl Iterator<Item = &Statement> {
    let statements = &file.statements;
    let found: Vec<&Statement> = if in_order {
        let end = statements.partition_point(|s| s.span.start <= offset);
        let mut found = Vec::new();
        for statement in statements[..end].iter().rev() {
            if statement.span.contains(&offset) {
                found.push(statement);
            }
            if statement.nested.is_none() {
                break;
            }
        }
        found
    } else {
        statements
            .iter()
            .filter(|s| s.span.contains(&offset))
            .collect()
    };
    found.into_iter()
}

/// Whether statements are sorted by where they start, so they can be
/// searched by halving.
fn in_order(file: &LoadedFile) -> bool {
    file.statements.is_sorted_by_key(|s| s.span.start)
}

/// `unused-suppression` findings for the entries that suppressed nothing
/// and for malformed directives.
fn unused(settings: &Settings, suppressions: Suppressions, reporter: &mut Reporter<'_>) {
    for entry in suppressions.entries.iter().filter(|e| !e.used) {
        let message = match entry.rule {
            Err(ref name) => {
                let hint = rules::suggest(name)
                    .map(|s| format!("; did you mean `{s}`?"))
                    .unwrap_or_default();
                format!("`{name}` is not a rule{hint}")
            }
            // The rule is off in this configuration: nothing to say.
            Ok(rule) if settings.severity_of(rule).is_none() => continue,
            Ok(rule) if entry.scope == Scope::Nothing => {
                format!("`{rule}` is suppressed here but no statement follows")
            }
            Ok(rule) => format!("`{rule}` is suppressed here but reported nothing"),
        };
        reporter.push(
            Diagnostic::new(RuleId::UnusedSuppression, &entry.at, message)
                .help("remove it from the suppression comment"),
        );
    }
    for problem in suppressions.malformed {
        reporter.push(
            Diagnostic::new(RuleId::UnusedSuppression, &problem.at, problem.message).help(
                "write `-- schema-lint: ignore <rule>[, <rule>] -- <reason>` or `ignore-file`",
            ),
        );
    }
}

/// The suppression directives of one file.
fn directives(file: &LoadedFile) -> (Vec<Entry>, Vec<Malformed>) {
    let mut entries = Vec::new();
    let mut malformed = Vec::new();
    let in_order = in_order(file);
    for directive in &file.directives {
        let range = directive.range.clone();
        let raw = &*directive.text;
        // Offsets inside the comment's text in the file.
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
            "ignore" => statement_scope(file, in_order, range.clone()),
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
                rule: RuleId::from_name(name).ok_or_else(|| name.to_string()),
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

/// The line a comment inside `statement` covers: its own line when code
/// comes before it there, else the next line with code (blank lines and
/// other comment lines, such as a second directive, are skipped).
fn line_scope(file: &LoadedFile, statement: &Statement, comment: Range<usize>) -> Scope {
    let source = &file.source;
    let line = source.line_index(comment.start);
    let before = source.slice(&(source.line_start(comment.start)..comment.start));
    if !before.trim().is_empty() {
        return Scope::Line(line);
    }
    let last = source.line_index(statement.span.end.saturating_sub(1));
    (line + 1..=last)
        .find(|&index| {
            let text = source.slice(&source.line_range(index)).trim();
            !text.is_empty() && !text.starts_with("--")
        })
        .map_or(Scope::Nothing, Scope::Line)
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

/// What a comment at `comment` covers: inside a statement (past its first
/// line) one line, else the statement whose first line it ends, else the
/// next one. Statements are in file order (searched by halving), else
/// searched one by one.
fn statement_scope(file: &LoadedFile, in_order: bool, comment: Range<usize>) -> Scope {
    let statements = &file.statements;
    let comment_line = file.source.line_index(comment.start);
    let inside = |s: &Statement| {
        s.nested.is_none()
            && s.span.start < comment.start
            && comment.end <= s.span.end
            && file.source.line_index(s.span.start) < comment_line
    };
    let containing = if in_order {
        let before = statements.partition_point(|s| s.span.start < comment.start);
        statements[..before]
            .iter()
            .rev()
            .find(|s| s.nested.is_none())
    } else {
        statements.iter().rfind(|s| s.span.start < comment.start)
    };
    if let Some(statement) = containing.filter(|s| inside(s)) {
        return line_scope(file, statement, comment);
    }
    let on_comment_line = |s: &&Statement| {
        s.span.start < comment.start && file.source.line_index(s.span.start) == comment_line
    };
    let found = if in_order {
        let before = statements.partition_point(|s| s.span.start < comment.start);
        let after = statements.partition_point(|s| s.span.start < comment.end);
        before
            .checked_sub(1)
            .and_then(|i| statements.get(i))
            .filter(on_comment_line)
            .or_else(|| statements.get(after))
    } else {
        statements
            .iter()
            .rfind(on_comment_line)
            .or_else(|| statements.iter().find(|s| s.span.start >= comment.end))
    };
    match found {
        Some(statement) => Scope::Statement(statement.span.clone()),
        None => Scope::Nothing,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Findings grouped by file keep their order within a file, and a
    /// file id past the files is grouped where no file looks.
    #[test]
    fn findings_are_grouped_by_file() {
        let at = |file: usize| Origin::new(crate::source::FileId::new(file), 0..1);
        let files = [2, 0, 2, 1, 9, 0, 2];
        let diagnostics: Vec<Diagnostic> = files
            .iter()
            .map(|&file| Diagnostic::new(RuleId::PreferText, &at(file), "m"))
            .collect();
        let by_file = ByFile::of(&diagnostics.iter().map(Key::of).collect::<Vec<_>>(), 3);
        assert_eq!(by_file.findings(0), [1, 5]);
        assert_eq!(by_file.findings(1), [3]);
        assert_eq!(by_file.findings(2), [0, 2, 6]);
        assert_eq!(by_file.findings(3), [4]);
        assert!(by_file.findings(4).is_empty());
        assert!(ByFile::of(&[], 0).findings(0).is_empty());
    }

    #[test]
    fn names_with_offsets() {
        let names: Vec<(usize, &str)> = split_names(" a, b  c").collect();
        assert_eq!(names, [(1, "a"), (4, "b"), (7, "c")]);
    }
}
