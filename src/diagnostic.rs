//! What the pipeline produces: findings of rules (`Diagnostic`) and problems
//! with the input itself (`InputError`, exit code 2).

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

mod packed;

pub use packed::Packed;

use crate::model::{Name, QualifiedName};
use crate::rules::RuleId;
use crate::source::{FileId, Origin};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn name(self) -> &'static str {
        match self {
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }

    pub fn from_name(name: &str) -> Option<Severity> {
        match name {
            "info" => Some(Severity::Info),
            "warning" => Some(Severity::Warning),
            "error" => Some(Severity::Error),
            _ => None,
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// The schema object a finding concerns, named as in the final schema.
/// Baselines and CI tools key on it, so it never contains positions.
#[derive(Debug, Clone, Default, Serialize, Deserialize)]
pub struct ObjectRef {
    /// Schema-qualified only outside `public`; quoted names as written; a
    /// templated schema is left out.
    pub table: Option<Name>,
    pub columns: Vec<Name>,
    /// Index or constraint name; `None` when unnamed.
    pub name: Option<Name>,
    /// The table's schema is a template placeholder (`{{ … }}`), left out
    /// of `table`: the finding's message says so. Not part of the object's
    /// identity, and not written out.
    #[serde(skip)]
    pub templated_schema: bool,
}

impl ObjectRef {
    pub fn table(table: &QualifiedName) -> Self {
        ObjectRef {
            table: Some(Name::new(table.to_string())),
            templated_schema: table.is_templated(),
            ..ObjectRef::default()
        }
    }

    pub fn column(table: &QualifiedName, column: impl AsRef<str>) -> Self {
        ObjectRef::table(table).with_columns(vec![Name::new(column)])
    }

    pub fn with_columns(mut self, columns: Vec<Name>) -> Self {
        self.columns = columns;
        self
    }

    pub fn with_name(mut self, name: Option<Name>) -> Self {
        self.name = name;
        self
    }

    /// What identifies the object: table, columns and name.
    fn identity(&self) -> (&Option<Name>, &[Name], &Option<Name>) {
        (&self.table, &self.columns, &self.name)
    }
}

impl PartialEq for ObjectRef {
    fn eq(&self, other: &Self) -> bool {
        self.identity() == other.identity()
    }
}

impl Eq for ObjectRef {}

impl PartialOrd for ObjectRef {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for ObjectRef {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        self.identity().cmp(&other.identity())
    }
}

impl std::hash::Hash for ObjectRef {
    fn hash<H: std::hash::Hasher>(&self, state: &mut H) {
        self.identity().hash(state);
    }
}

/// A secondary place a finding points at (e.g. the other file with the
/// same migration version).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Related {
    pub origin: Origin,
    pub message: String,
}

/// One finding of one rule.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub rule: RuleId,
    pub severity: Severity,
    pub file: FileId,
    /// Byte range of the offending tokens.
    pub span: Range<usize>,
    pub message: String,
    /// Shared: a rule's findings mostly carry the same help (see
    /// `rules::Reporter::push`).
    pub help: Option<std::sync::Arc<str>>,
    /// Boxed: the list of a run's findings is one allocation of their
    /// number, made once the catalog is freed, whose free room holds the
    /// boxes (a set of 30,000 files has 120,000 findings; their list took
    /// 160 bytes for each, of which the object was 80).
    pub object: Option<Box<ObjectRef>>,
    /// What few findings carry, boxed: a set of thousands of files has a
    /// hundred thousand findings, and these took 48 bytes in each.
    rare: Option<Box<Rare>>,
    /// How to correct the finding in place (`schema-lint fix`), when a
    /// rule knows a mechanical correction.
    pub fix: Option<Box<Fix>>,
}

/// The parts of a finding that few findings have.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Rare {
    related: Vec<Related>,
    /// A rule may report some findings below its configured severity
    /// (`migration-filename` reports a new migration that is older than
    /// the newest existing one as a warning).
    at_most: Option<Severity>,
    /// The database object the finding is located at when it is not in a
    /// migration file (`schema-lint db`): `public.users.email`, written
    /// `db:public.users.email`. `file` and `span` then point into the DDL
    /// the live catalog was read as (see `db::catalog`), which `full`
    /// shows; the other formats print no line or column for it.
    db_object: Option<String>,
}

/// Whether a fix may be applied without asking (ruff's applicability).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Applicability {
    /// Keeps the meaning the migration's author intended: applied by
    /// `schema-lint fix`.
    Safe,
    /// A choice the user must own (a delete behaviour): applied only with
    /// `--unsafe-fixes`.
    Unsafe,
}

/// One replacement of a byte range of a file's text (empty range: an
/// insertion).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Edit {
    pub file: FileId,
    pub span: Range<usize>,
    pub replacement: String,
}

impl Edit {
    pub fn replace(origin: &Origin, replacement: impl Into<String>) -> Edit {
        Edit {
            file: origin.file(),
            span: origin.span(),
            replacement: replacement.into(),
        }
    }

    pub fn insert(file: FileId, at: usize, text: impl Into<String>) -> Edit {
        Edit {
            file,
            span: at..at,
            replacement: text.into(),
        }
    }
}

/// A correction of a finding: edits applied together or not at all.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Fix {
    pub applicability: Applicability,
    /// What the fix does, in a few words (`change the type to TEXT`).
    pub title: String,
    pub edits: Vec<Edit>,
}

impl Fix {
    pub fn safe(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Safe,
            title: title.into(),
            edits,
        }
    }

    pub fn unsafe_(title: impl Into<String>, edits: Vec<Edit>) -> Fix {
        Fix {
            applicability: Applicability::Unsafe,
            title: title.into(),
            edits,
        }
    }
}

impl Diagnostic {
    /// A finding at `origin`; the severity is filled in from configuration
    /// when the rule's findings are collected.
    pub fn new(rule: RuleId, origin: &Origin, message: impl Into<String>) -> Self {
        let mut message = message.into();
        shorten(&mut message, MAX_TEXT);
        Diagnostic {
            rule,
            severity: Severity::Error,
            file: origin.file(),
            span: origin.span(),
            message,
            help: None,
            object: None,
            rare: None,
            fix: None,
        }
    }

    /// The finding's fix, when the rule knows one (`None` leaves it
    /// without).
    pub fn fix(mut self, fix: Option<Fix>) -> Self {
        self.fix = fix.filter(|f| !f.edits.is_empty()).map(Box::new);
        self
    }

    /// Caps the severity this finding is reported at.
    pub fn at_most(mut self, severity: Severity) -> Self {
        self.rare_mut().at_most = Some(severity);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
        let mut help = help.into();
        shorten(&mut help, MAX_TEXT);
        self.help = Some(help.into());
        self
    }

    /// The object the finding concerns. When its table's schema is a
    /// template placeholder, the message says so (names leave it out).
    pub fn object(mut self, object: ObjectRef) -> Self {
        if object.templated_schema
            && let Some(table) = &object.table
        {
            self.message.push_str(&format!(
                " (the schema of `{table}` is a template placeholder, left out of names and SQL here)"
            ));
        }
        self.object = Some(Box::new(object));
        self.bound();
        self
    }

    pub fn related(mut self, origin: &Origin, message: impl Into<String>) -> Self {
        let mut message = message.into();
        shorten(&mut message, MAX_TEXT);
        self.rare_mut().related.push(Related {
            origin: origin.clone(),
            message,
        });
        self
    }

    /// Places the finding also points at (`related` adds one).
    pub fn related_places(&self) -> &[Related] {
        self.rare.as_ref().map_or(&[], |rare| &rare.related)
    }

    /// The severity this finding is capped at (`at_most` sets it).
    pub fn severity_cap(&self) -> Option<Severity> {
        self.rare.as_ref().and_then(|rare| rare.at_most)
    }

    /// The database object the finding is located at, when it is not in
    /// a migration file (`schema-lint db`): `public.users.email`, written
    /// `db:public.users.email`.
    pub fn db_object(&self) -> Option<&str> {
        self.rare.as_ref()?.db_object.as_deref()
    }

    pub fn set_db_object(&mut self, object: String) {
        self.rare_mut().db_object = Some(object);
    }

    fn rare_mut(&mut self) -> &mut Rare {
        self.rare.get_or_insert_with(Box::default)
    }
}

/// The longest message, help or related text a finding carries, in
/// characters. Messages quote names and tokens from the input, and a name
/// may be 60,000 characters long: one finding per column of such a table
/// would print the name each time.
pub const MAX_TEXT: usize = 600;

/// The longest name an `ObjectRef` keeps, in characters (PostgreSQL itself
/// keeps 63 bytes of a name).
pub const MAX_NAME: usize = 200;

impl Diagnostic {
    /// Shortens every text and name longer than its limit, keeping its
    /// start and end around an ellipsis; output then grows with the number
    /// of findings, not with findings × name length. The builders above
    /// apply it as a finding is made; the pipeline applies it once more for
    /// fields set directly.
    pub fn bound(&mut self) {
        shorten(&mut self.message, MAX_TEXT);
        // A shared help is replaced only when it is cut (`shorten`'s own
        // test), so it stays shared otherwise.
        if let Some(help) = &mut self.help
            && help.chars().count() > MAX_TEXT
        {
            let mut text = help.to_string();
            shorten(&mut text, MAX_TEXT);
            *help = text.into();
        }
        if let Some(rare) = &mut self.rare {
            for related in &mut rare.related {
                shorten(&mut related.message, MAX_TEXT);
            }
        }
        if let Some(object) = &mut self.object {
            for name in object
                .table
                .iter_mut()
                .chain(object.columns.iter_mut())
                .chain(object.name.iter_mut())
            {
                if name.chars().count() > MAX_NAME {
                    let mut text = name.to_string();
                    shorten(&mut text, MAX_NAME);
                    *name = Name::new(text);
                }
            }
        }
    }
}

/// `text` cut to `max` characters: two thirds from its start, an ellipsis,
/// the rest from its end (where a message says what to do).
pub fn shorten(text: &mut String, max: usize) {
    let count = text.chars().count();
    if count <= max {
        return;
    }
    let head = max * 2 / 3;
    let tail = max.saturating_sub(head + 1);
    let start: String = text.chars().take(head).collect();
    let end: String = text.chars().skip(count - tail).collect();
    *text = format!("{start}…{end}");
}

/// A problem with the input that stops one file or path from being linted:
/// it does not exist, cannot be read, is not UTF-8, is empty. Always exit
/// code 2; the other files are still linted.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct InputError {
    pub path: PathBuf,
    pub message: String,
}

impl InputError {
    pub fn new(path: impl Into<PathBuf>, message: impl Into<String>) -> Self {
        InputError {
            path: path.into(),
            message: message.into(),
        }
    }
}

impl fmt::Display for InputError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: {}",
            crate::source::display_path(&self.path),
            self.message
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_texts_keep_their_start_and_end() {
        let mut text = format!("table `{}` has no key; add one", "x".repeat(1_000));
        shorten(&mut text, 60);
        assert_eq!(text.chars().count(), 60);
        assert!(text.starts_with("table `xxx"), "{text}");
        assert!(text.ends_with("no key; add one"), "{text}");
        let mut short = "short".to_string();
        shorten(&mut short, 60);
        assert_eq!(short, "short");
    }
}
