//! Pipeline step 6: reporting in the format the user chose.
//!
//! Every format prints the same 1-based positions (columns in characters,
//! ends exclusive), computed here once.

mod concise;
pub(crate) mod excerpt;
mod full;
mod github;
mod gitlab;
mod json;
mod junit;
mod markdown;
mod rdjson;
mod sarif;
pub(crate) mod sets;
pub(crate) mod settings;
pub(crate) mod statistics;
mod wrap;

use clap::ValueEnum;

/// The output of the listing commands (`rules`, `sets`): text or JSON.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

use crate::config::Fixes;
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Outcome;
use crate::source::SourceFile;

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Source snippets with the offending tokens underlined.
    Full,
    /// One line per finding: `path:line:col: severity[rule] message`.
    Concise,
    /// The JSON document described in the README.
    Json,
    /// SARIF 2.1.0, for GitHub code scanning and other SARIF viewers.
    Sarif,
    /// GitHub Actions workflow commands (`::error file=…::…`): annotations.
    Github,
    /// GitLab Code Quality report (JSON array of issues).
    Gitlab,
    /// JUnit XML: one test case per checked file.
    Junit,
    /// reviewdog's Diagnostic JSON format (rdjson).
    Rdjson,
    /// A Markdown report for a pull-request comment or a CI job summary
    /// (totals, findings per rule, then per file), at most 65,536 characters.
    Markdown,
}

impl Format {
    /// Which fixes the report needs: `full` marks the rules with fixable
    /// findings in its table of rules (`[*]`); the others show nothing of
    /// them, and a run for them builds none.
    pub fn fixes_shown(self) -> Fixes {
        match self {
            Format::Full => Fixes::Marks,
            Format::Concise
            | Format::Json
            | Format::Sarif
            | Format::Github
            | Format::Gitlab
            | Format::Junit
            | Format::Rdjson
            | Format::Markdown => Fixes::None,
        }
    }
}

/// How output looks on this terminal.
#[derive(Debug, Clone, Copy, Default)]
pub struct Style {
    pub color: bool,
}

/// Findings a run found but does not show, for the summary line.
/// (Inline suppressions are counted in `Outcome::suppressed`.)
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Hidden {
    /// Recorded in the `--baseline` file.
    pub baseline: usize,
    /// Below `--severity`: the level and how many.
    pub below: Option<(Severity, usize)>,
}

/// Everything about a report beyond its format.
#[derive(Debug, Clone, Copy, Default)]
pub struct View {
    pub style: Style,
    pub hidden: Hidden,
    /// Only the findings (`-q`): no per-rule table, set lines or summary.
    pub quiet: bool,
}

pub fn render(outcome: &Outcome, format: Format, style: Style) -> String {
    render_view(
        outcome,
        format,
        &View {
            style,
            ..View::default()
        },
    )
}

/// `render`, with what the run hid and how much besides the findings to
/// print.
pub fn render_view(outcome: &Outcome, format: Format, view: &View) -> String {
    match format {
        Format::Full => full::render(outcome, view),
        Format::Concise => concise::render(outcome, view),
        Format::Json => json::render(outcome),
        Format::Sarif => sarif::render(outcome),
        Format::Github => github::render(outcome),
        Format::Gitlab => gitlab::render(outcome),
        Format::Junit => junit::render(outcome),
        Format::Rdjson => rdjson::render(outcome),
        Format::Markdown => markdown::render(outcome, &view.hidden),
    }
}

/// `render_view`, written to `out`; JSON is written as it is made rather
/// than built in memory first (its largest reports hold every finding).
pub fn write_view(
    outcome: &Outcome,
    format: Format,
    view: &View,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    match format {
        Format::Json => json::write(outcome, out),
        format => out.write_all(render_view(outcome, format, view).as_bytes()),
    }
}

/// Start and end of a finding, 1-based; the end is exclusive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Position {
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
}

impl Position {
    pub fn of(source: &SourceFile, span: &std::ops::Range<usize>) -> Position {
        let start = source.line_col(span.start);
        let end = source.line_col(span.end);
        Position {
            line: start.line,
            column: start.column,
            end_line: end.line,
            end_column: end.column,
        }
    }
}

/// The position of a finding in its file; `None` for a finding located
/// at a database object (`schema-lint db`), which has no line or column.
pub fn position(outcome: &Outcome, diagnostic: &Diagnostic) -> Option<Position> {
    if diagnostic.db_object().is_some() {
        return None;
    }
    Some(Position::of(
        &outcome.project.file(diagnostic.file).source,
        &diagnostic.span,
    ))
}

/// The path of a finding's file, or `db:` and the database object it is
/// located at (`db:public.users.email`).
pub fn path(outcome: &Outcome, diagnostic: &Diagnostic) -> String {
    match diagnostic.db_object() {
        Some(object) => format!("{DB_PREFIX}{object}"),
        None => outcome.project.file(diagnostic.file).source.display_path(),
    }
}

/// What the path of a finding located at a database object starts with.
pub const DB_PREFIX: &str = "db:";

/// Findings per severity.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Counts {
    pub error: usize,
    pub warning: usize,
    pub info: usize,
}

impl Counts {
    pub fn of(diagnostics: &[Diagnostic]) -> Counts {
        let mut counts = Counts::default();
        for d in diagnostics {
            match d.severity {
                Severity::Error => counts.error += 1,
                Severity::Warning => counts.warning += 1,
                Severity::Info => counts.info += 1,
            }
        }
        counts
    }

    /// `3 errors, 1 warning, 2 info`; empty parts are left out.
    pub fn describe(&self) -> String {
        let mut parts = Vec::new();
        if self.error > 0 {
            parts.push(plural(self.error, "error", "errors"));
        }
        if self.warning > 0 {
            parts.push(plural(self.warning, "warning", "warnings"));
        }
        if self.info > 0 {
            parts.push(format!("{} info", self.info));
        }
        parts.join(", ")
    }
}

/// `text` in an ANSI SGR colour (`code`, e.g. `1;31`) when `style` has
/// colour.
pub(crate) fn paint(style: Style, code: &str, text: &str) -> String {
    if style.color {
        format!("\x1b[{code}m{text}\x1b[0m")
    } else {
        text.to_string()
    }
}

/// The colour of a severity, as miette paints it in `full`.
pub(crate) fn severity_color(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "1;31",
        Severity::Warning => "1;33",
        Severity::Info => "1;36",
    }
}

/// A character as text formats print it. Control characters from the input
/// (a NUL in a quoted name, an escape sequence in a file name) would be
/// invisible or drive the terminal; each becomes one visible character, so
/// columns still line up: C0 controls and DEL their Unicode control
/// pictures (`␀`, `␛`), C1 controls and the bidirectional controls of
/// "Trojan source" attacks U+FFFD. Tabs stay.
pub fn visible_char(c: char) -> char {
    match c {
        '\t' => c,
        '\u{0}'..='\u{1f}' => char::from_u32(0x2400 + u32::from(c)).unwrap_or('\u{FFFD}'),
        '\u{7f}' => '\u{2421}',
        '\u{80}'..='\u{9f}'
        | '\u{61c}'
        | '\u{200e}'
        | '\u{200f}'
        | '\u{202a}'..='\u{202e}'
        | '\u{2066}'..='\u{2069}' => '\u{FFFD}',
        _ => c,
    }
}

/// `text` with `visible_char` applied (line breaks too: messages and names
/// are one line).
pub fn visible(text: &str) -> std::borrow::Cow<'_, str> {
    if printable_ascii(text.as_bytes()) || text.chars().all(|c| visible_char(c) == c) {
        return std::borrow::Cow::Borrowed(text);
    }
    std::borrow::Cow::Owned(text.chars().map(visible_char).collect())
}

/// Whether `bytes` are all printable ASCII or tabs, as most text is.
fn printable_ascii(bytes: &[u8]) -> bool {
    every_byte(bytes, |b| is_printable_ascii(b) || b == b'\t')
}

/// A byte of printable ASCII (space to `~`): one column wide.
fn is_printable_ascii(b: u8) -> bool {
    b.wrapping_sub(b' ') < 0x5f
}

/// Whether `test` holds for every byte, judged 32 bytes at a time without
/// stopping inside a block, which the compiler turns into vector
/// instructions: `full` checks every message, help and source line it
/// shows, and byte by byte this took a fifth of its drawing.
fn every_byte(bytes: &[u8], test: impl Fn(u8) -> bool) -> bool {
    bytes
        .chunks(32)
        .all(|block| block.iter().fold(true, |all, &b| all & test(b)))
}

/// `3 errors, 1 warning in 2 of 12 files`, then what was hidden and what
/// could not be read.
pub fn summary(outcome: &Outcome, hidden: &Hidden) -> String {
    if database_unread(outcome) {
        // `schema-lint db` could not read the database: the error says why.
        return totals(outcome);
    }
    let mut line = totals(outcome);
    if let Some(hid) = hidden_text(outcome, hidden) {
        line.push_str(&format!(" ({hid})"));
    }
    if !outcome.input_errors.is_empty() {
        line.push_str(&format!(
            "; {} could not be read",
            plural(outcome.input_errors.len(), "path", "paths")
        ));
    }
    line
}

/// `schema-lint db` was to read a database and could not.
fn database_unread(outcome: &Outcome) -> bool {
    outcome.database.as_ref().is_some_and(|d| d.name.is_empty())
}

/// The findings by severity and where they are: `3 errors in 2 of 12
/// files`, `no problems found in 12 files`; for a live database `3 errors
/// in database `app` (12 tables)`, with `compared with N migration files`
/// after `--compare`.
pub fn totals(outcome: &Outcome) -> String {
    let counts = Counts::of(&outcome.diagnostics);
    let checked = outcome.files_checked();
    if database_unread(outcome) {
        return "the database could not be read".to_string();
    }
    if let Some(database) = &outcome.database {
        let mut read = format!(
            "database `{}` ({})",
            database.name,
            plural(database.tables, "table", "tables")
        );
        if checked > 0 {
            read.push_str(&format!(
                " compared with {}",
                plural(checked, "migration file", "migration files")
            ));
        }
        return if outcome.diagnostics.is_empty() {
            format!("no problems found in {read}")
        } else {
            format!("{} in {read}", counts.describe())
        };
    }
    if outcome.diagnostics.is_empty() {
        format!("no problems found in {}", plural(checked, "file", "files"))
    } else {
        let with_findings = files_with_findings(outcome);
        format!(
            "{} in {with_findings} of {}",
            counts.describe(),
            plural(checked, "file", "files")
        )
    }
}

/// How many files the findings are in.
pub fn files_with_findings(outcome: &Outcome) -> usize {
    let mut files: Vec<_> = outcome.diagnostics.iter().map(|d| d.file).collect();
    files.sort_unstable();
    files.dedup();
    files.len()
}

/// `hidden: 4 by the baseline, 1 by inline suppressions, 2 below --severity
/// error`, or `None` when nothing was.
pub fn hidden_text(outcome: &Outcome, hidden: &Hidden) -> Option<String> {
    let mut parts = Vec::new();
    if hidden.baseline > 0 {
        parts.push(format!("{} by the baseline", hidden.baseline));
    }
    if outcome.suppressed > 0 {
        parts.push(format!("{} by inline suppressions", outcome.suppressed));
    }
    if let Some((level, count)) = hidden.below
        && count > 0
    {
        parts.push(format!("{count} below --severity {level}"));
    }
    (!parts.is_empty()).then(|| format!("hidden: {}", parts.join(", ")))
}

pub(crate) fn plural(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// The project's home page, named by the machine-readable formats.
pub const HOMEPAGE: &str = "https://github.com/schema-lint/schema-lint";

/// The web page documenting a rule (its `rules/<name>.md`). Every format
/// links rules through this one function, so moving the documentation is a
/// one-line change.
pub fn rule_url(rule: &str) -> String {
    format!("{HOMEPAGE}/blob/main/rules/{rule}.md")
}

/// The path as the CI formats print it: `path()` without leading `./`
/// segments (see `ci_display`).
pub fn ci_path(outcome: &Outcome, diagnostic: &Diagnostic) -> String {
    ci_display(&path(outcome, diagnostic))
}

/// A display path without leading `./` segments. CI services match
/// annotations against repository-relative paths exactly, and
/// `./migrations/x.sql` names the same file as `migrations/x.sql`.
pub fn ci_display(path: &str) -> String {
    let mut rest = path;
    while let Some(stripped) = rest.strip_prefix("./") {
        rest = stripped.trim_start_matches('/');
    }
    rest.to_string()
}

/// The message followed by the help text on its own line, for formats that
/// have a single text field per finding.
pub fn message_with_help(diagnostic: &Diagnostic) -> String {
    match &diagnostic.help {
        Some(help) => format!("{}\nhelp: {help}", diagnostic.message),
        None => diagnostic.message.clone(),
    }
}

/// The worst severity among the findings, `None` when there are none.
pub fn worst(diagnostics: &[Diagnostic]) -> Option<Severity> {
    diagnostics.iter().map(|d| d.severity).max()
}

/// One fingerprint per finding (same order as `outcome.diagnostics`): a
/// SHA-256 hex digest of the path, the rule and the schema object the finding
/// concerns (its message when it concerns no object). Positions are left out
/// on purpose, so a finding keeps its fingerprint when lines are added above
/// it; that is what lets GitHub and GitLab tell a moved finding from a new
/// one. The n-th finding with the same identity in one file also hashes `n`,
/// so two alike findings stay distinct.
pub fn fingerprints(outcome: &Outcome) -> Vec<String> {
    let mut seen: std::collections::HashMap<Vec<u8>, usize> = std::collections::HashMap::new();
    outcome
        .diagnostics
        .iter()
        .map(|d| {
            let identity = identity(&ci_path(outcome, d), d);
            let occurrence = seen.entry(identity.clone()).or_insert(0);
            let digest = fingerprint_of(&identity, *occurrence);
            *occurrence += 1;
            digest
        })
        .collect()
}

/// The fingerprint of a path that could not be read (`path` as the CI
/// formats print it), in the scheme of `fingerprints`.
pub fn input_fingerprint(path: &str, message: &str) -> String {
    let mut bytes = Vec::new();
    push_field(&mut bytes, Some("schema-lint-fingerprint/v1"));
    push_field(&mut bytes, Some(path));
    push_field(&mut bytes, Some("input-error"));
    push_field(&mut bytes, Some("message"));
    push_field(&mut bytes, Some(message));
    fingerprint_of(&bytes, 0)
}

/// The position-free identity of a finding as unambiguous bytes: every field
/// is length-prefixed, so no choice of names can make two different
/// identities encode alike. The version tag lets a future change of the
/// scheme start afresh rather than collide.
fn identity(path: &str, diagnostic: &Diagnostic) -> Vec<u8> {
    let mut bytes = Vec::new();
    push_field(&mut bytes, Some("schema-lint-fingerprint/v1"));
    push_field(&mut bytes, Some(path));
    push_field(&mut bytes, Some(diagnostic.rule.name()));
    match &diagnostic.object {
        Some(object) => {
            push_field(&mut bytes, Some("object"));
            push_field(&mut bytes, object.table.as_deref());
            push_field(&mut bytes, Some(&object.columns.len().to_string()));
            for column in &object.columns {
                push_field(&mut bytes, Some(column));
            }
            push_field(&mut bytes, object.name.as_deref());
        }
        None => {
            push_field(&mut bytes, Some("message"));
            push_field(&mut bytes, Some(&diagnostic.message));
        }
    }
    bytes
}

/// Appends a field: a presence byte (so `None` differs from `""`), the
/// length, the bytes.
fn push_field(bytes: &mut Vec<u8>, value: Option<&str>) {
    let value = match value {
        Some(value) => {
            bytes.push(1);
            value
        }
        None => {
            bytes.push(0);
            ""
        }
    };
    bytes.extend_from_slice(&(value.len() as u64).to_le_bytes());
    bytes.extend_from_slice(value.as_bytes());
}

fn fingerprint_of(identity: &[u8], occurrence: usize) -> String {
    use sha2::{Digest, Sha256};
    let mut hasher = Sha256::new();
    hasher.update(identity);
    hasher.update((occurrence as u64).to_le_bytes());
    hasher
        .finalize()
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_ascii_is_judged_as_byte_by_byte() {
        // Every byte value, alone and at every place of blocks around the
        // 32-byte boundary.
        for b in 0..=u8::MAX {
            let expected = (b' '..=b'~').contains(&b) || b == b'\t';
            assert_eq!(printable_ascii(&[b]), expected, "byte {b}");
            for len in [31, 32, 33, 64, 65] {
                for at in [0, len / 2, len - 1] {
                    let mut bytes = vec![b'a'; len];
                    bytes[at] = b;
                    assert_eq!(
                        printable_ascii(&bytes),
                        expected,
                        "byte {b} at {at} of {len}"
                    );
                }
            }
        }
        assert!(printable_ascii(b""));
    }

    #[test]
    fn visible_text_keeps_printable_text_and_shows_controls() {
        for plain in ["users.email", "a\tb", "café ✓", ""] {
            assert!(
                matches!(visible(plain), std::borrow::Cow::Borrowed(_)),
                "{plain:?}"
            );
        }
        assert_eq!(visible("a\nb\u{7f}"), "a\u{240a}b\u{2421}");
        assert_eq!(visible("x\u{202e}y\u{85}"), "x\u{fffd}y\u{fffd}");
        assert_eq!(visible("\u{0}é"), "\u{2400}é");
    }

    #[test]
    fn ci_display_drops_leading_dot_segments_only() {
        assert_eq!(ci_display("./migrations/x.sql"), "migrations/x.sql");
        assert_eq!(ci_display(".//./m/x.sql"), "m/x.sql");
        assert_eq!(ci_display("../m/./x.sql"), "../m/./x.sql");
        assert_eq!(ci_display("/abs/x.sql"), "/abs/x.sql");
    }

    #[test]
    fn identities_are_unambiguous() {
        let mut a = Vec::new();
        push_field(&mut a, None);
        let mut b = Vec::new();
        push_field(&mut b, Some(""));
        assert_ne!(a, b);
        // Length prefixes keep ("ab", "c") apart from ("a", "bc").
        let (mut c, mut d) = (Vec::new(), Vec::new());
        push_field(&mut c, Some("ab"));
        push_field(&mut c, Some("c"));
        push_field(&mut d, Some("a"));
        push_field(&mut d, Some("bc"));
        assert_ne!(c, d);
    }

    #[test]
    fn occurrences_change_the_fingerprint() {
        let first = fingerprint_of(b"same", 0);
        assert_eq!(first.len(), 64);
        assert_eq!(first, fingerprint_of(b"same", 0));
        assert_ne!(first, fingerprint_of(b"same", 1));
    }
}
