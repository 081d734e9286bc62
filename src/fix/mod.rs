//! `schema-lint fix`: correct what the rules find.
//!
//! - In place ([`in_place`]), for migrations not applied yet: the fixes
//!   rules attach to their findings (`Diagnostic::fix`, built with
//!   [`edits`]) are applied to the files being reported on, and only to
//!   them (named, or changed since `--diff REF`). Fixes whose edits
//!   overlap one applied before are skipped and the set is linted again,
//!   up to [`MAX_ROUNDS`] times, until no fix applies: a fix may make
//!   another possible (a column added, then its trigger).
//! - Forward ([`forward`]), for an applied history: one new migration,
//!   written in the set's layout by `schema-lint new`'s machinery, that
//!   brings the final schema to the conventions.

pub mod edits;
pub mod forward;

use std::collections::{BTreeMap, BTreeSet};
use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::changes::ChangeSet;
use crate::cli::{EXIT_CLEAN, EXIT_ERROR, EXIT_FINDINGS};
use crate::config::{CommandLine, Settings};
use crate::diagnostic::{Applicability, Edit, ObjectRef};
use crate::error::Error;
use crate::lint::{self, Outcome};
use crate::load::Buffers;
use crate::rules::RuleId;
use crate::source::{FileId, display_path};

/// How many times the set is linted again after fixes were applied.
pub const MAX_ROUNDS: usize = 32;

/// `schema-lint fix`.
#[derive(Debug, clap::Args)]
pub struct FixArgs {
    /// Migration files or folders to fix (their whole sets are read as
    /// context); default: the config's roots, else migrations/.
    pub paths: Vec<PathBuf>,
    /// Fix only migration files added or changed since the merge base with
    /// this git ref (and uncommitted ones).
    #[arg(long, value_name = "REF", conflicts_with = "new_migration")]
    pub diff: Option<String>,
    /// Print what would change (a unified diff, or the new migration)
    /// and change nothing; exit code 1 when something would change.
    #[arg(long)]
    pub dry_run: bool,
    /// Also apply fixes that change behaviour (foreign key actions from
    /// `[rules.explicit-fk-actions]` fix-on-delete / fix-on-update).
    #[arg(long)]
    pub unsafe_fixes: bool,
    /// Leave the migrations as they are (they are applied) and write one
    /// new migration named NAME that brings the final schema to the
    /// conventions.
    #[arg(long, value_name = "NAME")]
    pub new_migration: Option<String>,
    /// The time zone existing TIMESTAMP values are read in when the new
    /// migration converts them to TIMESTAMPTZ.
    #[arg(
        long,
        value_name = "ZONE",
        default_value = "UTC",
        requires = "new_migration"
    )]
    pub time_zone: String,
    /// Config file (default: schema-lint.toml or .schema-lint.toml here or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Fix only the findings of these rules (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub select: Option<Vec<String>>,
    /// Leave the findings of these rules alone (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub ignore: Vec<String>,
    /// Read and write no cache of per-file facts: parse every file.
    #[arg(long)]
    pub no_cache: bool,
    /// The time to number the new migration by instead of the clock
    /// (`2024-01-31T12:00:00Z`), for reproducible tests.
    #[arg(long, value_name = "TIME", hide = true)]
    pub now: Option<String>,
}

pub fn run(args: FixArgs) -> Result<u8, Error> {
    let cli = CommandLine {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        no_cache: args.no_cache,
        ..CommandLine::default()
    };
    let settings = crate::cli::load_settings(args.config.as_deref(), &cli)?;
    let paths = crate::cli::lint_paths(&args.paths, &settings)?;
    if let Some(name) = &args.new_migration {
        return forward::run(&args, name, &paths, &settings);
    }
    let changes = match &args.diff {
        Some(reference) => {
            let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            Some(crate::changes::since(reference, &here).map_err(Error::Input)?)
        }
        None => None,
    };
    let result = in_place(&paths, &settings, changes.as_ref(), args.unsafe_fixes);
    for error in &result.remaining.input_errors {
        eprintln!("error: {}", crate::report::visible(&error.to_string()));
    }
    if args.dry_run {
        let diff = result.diff();
        let _ = std::io::stdout().lock().write_all(diff.as_bytes());
        eprintln!("{}", result.summary(true));
        return Ok(if !result.remaining.input_errors.is_empty() {
            EXIT_ERROR
        } else if result.files.is_empty() {
            EXIT_CLEAN
        } else {
            EXIT_FINDINGS
        });
    }
    result.write()?;
    eprintln!("{}", result.summary(false));
    Ok(crate::cli::exit_code(&result.remaining, &settings))
}

/// A file the fixes changed.
#[derive(Debug, Clone)]
pub struct FixedFile {
    pub path: PathBuf,
    /// The text before and after, with a byte-order mark as the file had.
    pub before: String,
    pub after: String,
}

/// What `fix` did, or would do.
#[derive(Debug, Default)]
pub struct FixResult {
    /// Changed files, in migration order.
    pub files: Vec<FixedFile>,
    /// Findings fixed, per rule.
    pub fixed: BTreeMap<RuleId, usize>,
    /// The lint of the fixed text: what is left.
    pub remaining: Outcome,
    /// Remaining findings whose fix is unsafe and was not asked for.
    pub unsafe_left: usize,
}

impl FixResult {
    /// Every changed file as a unified diff (`--- a/path`, `+++ b/path`).
    pub fn diff(&self) -> String {
        let mut out = String::new();
        for file in &self.files {
            let shown = display_path(&file.path);
            let diff = similar::TextDiff::from_lines(&file.before, &file.after);
            let text = diff
                .unified_diff()
                .context_radius(3)
                .header(&format!("a/{shown}"), &format!("b/{shown}"))
                .to_string();
            out.push_str(&text);
            if !text.ends_with('\n') {
                out.push_str("\n\\ No newline at end of file\n");
            }
        }
        out
    }

    /// One line: how many findings were (or would be) fixed, and what is
    /// left.
    pub fn summary(&self, dry_run: bool) -> String {
        let count: usize = self.fixed.values().sum();
        let left = self.remaining.diagnostics.len();
        let mut text = format!(
            "{} {count} finding{} in {} file{}; {left} remaining",
            if dry_run { "would fix" } else { "fixed" },
            if count == 1 { "" } else { "s" },
            self.files.len(),
            if self.files.len() == 1 { "" } else { "s" },
        );
        if self.unsafe_left > 0 {
            text.push_str(&format!(
                " ({} more fixable with --unsafe-fixes)",
                self.unsafe_left
            ));
        }
        text
    }

    /// Writes every changed file: a temporary file in the same folder,
    /// renamed over the original.
    pub fn write(&self) -> Result<(), Error> {
        for file in &self.files {
            write_atomically(&file.path, &file.after).map_err(|e| {
                Error::Output(format!("cannot write {}: {e}", display_path(&file.path)))
            })?;
        }
        Ok(())
    }
}

fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    let folder = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temporary = folder.join(format!(".{name}.schema-lint-fix.tmp"));
    let permissions = std::fs::metadata(path).map(|m| m.permissions()).ok();
    {
        let mut file = std::fs::File::create(&temporary)?;
        file.write_all(text.as_bytes())?;
        file.sync_all()?;
    }
    if let Some(permissions) = permissions {
        let _ = std::fs::set_permissions(&temporary, permissions);
    }
    std::fs::rename(&temporary, path).inspect_err(|_| {
        let _ = std::fs::remove_file(&temporary);
    })
}

/// Applies the fixes of the findings in the reported files of `paths`
/// (safe ones, and unsafe ones when `unsafe_fixes`), in memory, linting
/// again after each round; nothing is written.
pub fn in_place(
    paths: &[PathBuf],
    settings: &Settings,
    changes: Option<&ChangeSet>,
    unsafe_fixes: bool,
) -> FixResult {
    let mut buffers = Buffers::new();
    // Each changed file's text as read first (with its byte-order mark).
    let mut originals: BTreeMap<PathBuf, (usize, String, String)> = BTreeMap::new();
    let mut fixed: BTreeMap<RuleId, usize> = BTreeMap::new();
    // What was fixed: a finding that is still there after its fix (a
    // later migration undoes the edit) is not fixed again.
    let mut applied: BTreeSet<(RuleId, ObjectRef)> = BTreeSet::new();
    let mut outcome = lint::lint_with(paths, settings, changes, &buffers);
    for _ in 0..MAX_ROUNDS {
        let count = apply_round(
            &outcome,
            unsafe_fixes,
            &mut buffers,
            &mut originals,
            &mut fixed,
            &mut applied,
        );
        if count == 0 {
            break;
        }
        outcome = lint::lint_with(paths, settings, changes, &buffers);
    }
    let mut files: Vec<(usize, FixedFile)> = originals
        .into_iter()
        .filter_map(|(path, (order, bom, before))| {
            let text = buffers.get(&path)?;
            let after = format!("{bom}{text}");
            let before = format!("{bom}{before}");
            (after != before).then_some((
                order,
                FixedFile {
                    path,
                    before,
                    after,
                },
            ))
        })
        .collect();
    files.sort_by_key(|(order, _)| *order);
    let unsafe_left = outcome
        .diagnostics
        .iter()
        .filter(|d| {
            d.fix
                .as_ref()
                .is_some_and(|f| f.applicability == Applicability::Unsafe)
        })
        .count();
    FixResult {
        files: files.into_iter().map(|(_, f)| f).collect(),
        fixed,
        remaining: outcome,
        unsafe_left: if unsafe_fixes { 0 } else { unsafe_left },
    }
}

/// Whether two edits of one file touch: overlapping ranges, one inserting
/// inside the other's range, or two insertions at one point (their order
/// would be a guess).
fn conflicts(a: &Edit, b: &Edit) -> bool {
    a.file == b.file
        && ((a.span.start < b.span.end && b.span.start < a.span.end)
            || a.span.start == b.span.start)
}

/// Applies every fix of `outcome` that touches only reported files and
/// nothing an earlier fix of this round touched; returns how many.
fn apply_round(
    outcome: &Outcome,
    unsafe_fixes: bool,
    buffers: &mut Buffers,
    originals: &mut BTreeMap<PathBuf, (usize, String, String)>,
    fixed: &mut BTreeMap<RuleId, usize>,
    done: &mut BTreeSet<(RuleId, ObjectRef)>,
) -> usize {
    let project = &outcome.project;
    let texts: Vec<String> = project
        .files
        .iter()
        .map(|f| f.source.text().to_lowercase())
        .collect();
    let fixed_tables = outcome
        .diagnostics
        .iter()
        .filter(|d| d.fix.is_some())
        .filter_map(|d| d.object.as_ref()?.table.as_deref());
    let row_typed = row_typed(&texts, fixed_tables);
    // The accepted edits of each file, by where they start: they never
    // conflict with each other, so only the one before an edit and those
    // that start within it can conflict with it (see `clashes`), and they
    // are made in this order.
    let mut accepted: BTreeMap<FileId, BTreeMap<usize, Edit>> = BTreeMap::new();
    let mut applied = 0;
    for diagnostic in &outcome.diagnostics {
        let Some(fix) = &diagnostic.fix else {
            continue;
        };
        if fix.applicability == Applicability::Unsafe && !unsafe_fixes {
            continue;
        }
        let valid = fix.edits.iter().all(|edit| {
            let Some(file) = project.files.get(edit.file.index()) else {
                return false;
            };
            let text = file.source.text();
            file.reported()
                && edit.span.start <= edit.span.end
                && text.is_char_boundary(edit.span.start)
                && text.is_char_boundary(edit.span.end)
                && edit.span.end <= text.len()
        });
        let clashes = fix.edits.iter().enumerate().any(|(i, edit)| {
            fix.edits[..i].iter().any(|other| conflicts(other, edit))
                || accepted
                    .get(&edit.file)
                    .is_some_and(|edits| clashes(edits, &edit.span))
        });
        let key = diagnostic
            .object
            .as_deref()
            .cloned()
            .map(|object| (diagnostic.rule, object));
        // A table whose row is a type (`RETURNS SETOF t`, `t%ROWTYPE`):
        // functions depend on its exact columns and types.
        let row_typed = diagnostic
            .object
            .as_ref()
            .and_then(|o| o.table.as_deref())
            .is_some_and(|table| row_typed.contains(row_type_name(table).as_str()));
        if !valid || clashes || row_typed || key.as_ref().is_some_and(|k| done.contains(k)) {
            continue;
        }
        done.extend(key);
        for edit in &fix.edits {
            accepted
                .entry(edit.file)
                .or_default()
                .insert(edit.span.start, edit.clone());
        }
        *fixed.entry(diagnostic.rule).or_default() += 1;
        applied += 1;
    }
    for (id, edits) in accepted {
        let file = project.file(id);
        let path = file.source.path().to_path_buf();
        originals.entry(path.clone()).or_insert_with(|| {
            (
                id.index(),
                "\u{feff}".repeat(usize::from(file.source.bom > 0)),
                file.source.text().to_string(),
            )
        });
        buffers.insert(path, with_edits(file.source.text(), edits.values()));
    }
    applied
}

/// `text` with `edits` (in the order they start, none conflicting) made,
/// in one pass: replacing them one by one moved the rest of the text each
/// time (a file of thousands of fixes, megabytes each time).
fn with_edits<'a>(text: &str, edits: impl IntoIterator<Item = &'a Edit>) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for edit in edits {
        out.push_str(text.get(at..edit.span.start).unwrap_or(""));
        out.push_str(&edit.replacement);
        at = edit.span.end.max(at);
    }
    out.push_str(text.get(at..).unwrap_or(""));
    out
}

/// Whether `span` conflicts with an accepted edit (`conflicts`), given
/// the accepted edits by where they start. They never conflict with each
/// other, so each ends where the next one starts or before: an edit that
/// starts before `span` and is not the last to do so ends before it.
fn clashes(accepted: &BTreeMap<usize, Edit>, span: &std::ops::Range<usize>) -> bool {
    // Those that start within `span` (at its start, for an empty one).
    let within = span.start..span.end.max(span.start + 1);
    accepted.range(within).next().is_some()
        || accepted
            .range(..span.start)
            .next_back()
            .is_some_and(|(_, edit)| edit.span.end > span.start)
}

/// How `row_type_used` looks for `table` in a text: lower case, its last
/// part, without quotes.
fn row_type_name(table: &str) -> String {
    let table = table.to_lowercase();
    table
        .rsplit('.')
        .next()
        .unwrap_or(&table)
        .trim_matches('"')
        .to_string()
}

/// The names (`row_type_name`) of the tables among `tables` whose row is
/// a type somewhere in `texts` (lower case), as `row_type_used` finds it:
/// every name searched for at once, in one pass over each text: a search
/// of every text per finding grew with both (with the other per-finding
/// searches gone since, `fix` of a set of 3,000 files, a table and a fix
/// each, went from 1.8 to 0.7 s).
fn row_typed<'a>(
    texts: &[String],
    tables: impl Iterator<Item = &'a str>,
) -> rustc_hash::FxHashSet<String> {
    let names: BTreeSet<String> = tables
        .map(row_type_name)
        .filter(|name| !name.is_empty())
        .collect();
    let names: Vec<String> = names.into_iter().collect();
    let Ok(search) = aho_corasick::AhoCorasick::new(&names) else {
        // Too many names for one automaton: each on its own.
        return names
            .into_iter()
            .filter(|name| texts.iter().any(|text| row_type_used(text, name)))
            .collect();
    };
    let mut found = rustc_hash::FxHashSet::default();
    for text in texts {
        for hit in search.find_overlapping_iter(text.as_str()) {
            let name = &names[hit.pattern().as_usize()];
            if !found.contains(name) && row_type_at(text, hit.start(), name) {
                found.insert(name.clone());
            }
        }
    }
    found
}

/// Whether `text` (lower case) uses the row of `table` as a type:
/// `SETOF table`, `RETURNS table`, `table%ROWTYPE` (the table's name with
/// or without its schema).
fn row_type_used(text: &str, table: &str) -> bool {
    let name = row_type_name(table);
    text.match_indices(name.as_str())
        .any(|(at, _)| row_type_at(text, at, &name))
}

/// Whether `name`, found in `text` at `at`, is a row type there: a whole
/// word followed by `%rowtype` or preceded by `SETOF` or `RETURNS`
/// (`text` in lower case).
fn row_type_at(text: &str, at: usize, name: &str) -> bool {
    let is_word = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    let (Some(before), Some(after)) = (text.get(..at), text.get(at + name.len()..)) else {
        return false;
    };
    if after.chars().next().is_some_and(is_word) || before.chars().next_back().is_some_and(is_word)
    {
        return false;
    }
    if after.trim_start_matches('"').starts_with("%rowtype") {
        return true;
    }
    // Skip `schema.` and quotes before the name.
    let head = before.trim_end_matches('"');
    let head = match head.strip_suffix('.') {
        Some(qualified) => qualified
            .trim_end_matches('"')
            .trim_end_matches(|c: char| is_word(c))
            .trim_end_matches('"'),
        None => head,
    };
    let head = head.trim_end();
    head.ends_with("setof") || head.ends_with("returns")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn edit(range: std::ops::Range<usize>) -> Edit {
        Edit {
            file: FileId(0),
            span: range,
            replacement: String::new(),
        }
    }

    #[test]
    fn row_types_are_found() {
        assert!(row_type_used(
            "create function f() returns setof cucb.user_prefs as",
            "cucb.user_prefs"
        ));
        assert!(row_type_used("declare r users%rowtype;", "users"));
        assert!(row_type_used("returns \"users\" as", "users"));
        assert!(!row_type_used(
            "returns trigger as $$ select * from users",
            "users"
        ));
        assert!(!row_type_used(
            "returns setof user_prefs_more",
            "user_prefs"
        ));
    }

    /// The tables `row_typed` finds in one pass are those a search of
    /// every text for each finds.
    #[test]
    fn row_types_found_at_once_are_those_found_one_by_one() {
        let texts: Vec<String> = [
            "create function f() returns setof cucb.user_prefs as $$ select 1 $$;",
            "declare r users%rowtype; x orders_archive%rowtype;",
            "create function g() returns \"items\" as $$ select * from users $$;",
            "returns setof user_prefs_more; create table user_prefs (id bigint);",
            "returns trigger as $$ begin new.orders = 1; end $$",
        ]
        .map(String::from)
        .to_vec();
        let tables = [
            "cucb.user_prefs",
            "user_prefs",
            "users",
            "USERS",
            "orders",
            "orders_archive",
            "app.\"Items\"",
            "items",
            "cucb",
            "trigger",
            "prefs",
            "",
        ];
        let at_once = row_typed(&texts, tables.iter().copied());
        for table in tables {
            let one_by_one = texts.iter().any(|text| row_type_used(text, table));
            let name = row_type_name(table);
            assert_eq!(
                at_once.contains(&name),
                one_by_one && !name.is_empty(),
                "{table}"
            );
        }
        assert!(
            at_once.contains("users") && at_once.contains("cucb") && !at_once.contains("orders")
        );
    }

    /// A small generator of edits, the same on every run.
    fn random_edits(seed: u64, count: usize) -> Vec<Edit> {
        let mut random = crate::testing::random(seed);
        let mut next = move |bound: usize| random(bound as u64) as usize;
        (0..count)
            .map(|_| {
                let start = next(60);
                let end = start + [0, 0, 1, 2, 5][next(5)];
                Edit {
                    file: FileId(0),
                    span: start..end,
                    replacement: ["", "x", "yz"][next(3)].to_string(),
                }
            })
            .collect()
    }

    /// `clashes` (a search of the accepted edits' spans) accepts exactly
    /// the edits a comparison with each accepted edit accepts, and edits
    /// made in one pass are those made one at a time from the end.
    #[test]
    fn edits_are_accepted_and_made_as_one_by_one() {
        let text: String = ('a'..='z').cycle().take(70).collect();
        for seed in 0..300 {
            let mut accepted: Vec<Edit> = Vec::new();
            let mut spans = BTreeMap::new();
            for edit in random_edits(seed, 12) {
                let by_each = accepted.iter().any(|other| conflicts(other, &edit));
                assert_eq!(
                    clashes(&spans, &edit.span),
                    by_each,
                    "seed {seed}: {:?}",
                    edit.span
                );
                if !by_each {
                    spans.insert(edit.span.start, edit.clone());
                    accepted.push(edit);
                }
            }
            let mut one_by_one = text.clone();
            accepted.sort_by_key(|edit| std::cmp::Reverse(edit.span.start));
            for edit in &accepted {
                one_by_one.replace_range(edit.span.clone(), &edit.replacement);
            }
            accepted.sort_by_key(|edit| edit.span.start);
            assert_eq!(with_edits(&text, &accepted), one_by_one, "seed {seed}");
        }
    }

    #[test]
    fn touching_edits_conflict() {
        assert!(conflicts(&edit(0..5), &edit(3..8)));
        assert!(conflicts(&edit(4..4), &edit(4..4)));
        assert!(conflicts(&edit(0..5), &edit(2..2)));
        assert!(!conflicts(&edit(0..5), &edit(5..5)));
        assert!(!conflicts(&edit(0..5), &edit(5..9)));
    }
}
