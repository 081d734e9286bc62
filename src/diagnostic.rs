//! What the pipeline produces: findings of rules (`Diagnostic`) and problems
//! with the input itself (`InputError`, exit code 2).

use std::fmt;
use std::ops::Range;
use std::path::PathBuf;

use serde::{Deserialize, Serialize};

use crate::model::QualifiedName;
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
    pub table: Option<String>,
    pub columns: Vec<String>,
    /// Index or constraint name; `None` when unnamed.
    pub name: Option<String>,
    /// The table's schema is a template placeholder (`{{ … }}`), left out
    /// of `table`: the finding's message says so. Not part of the object's
    /// identity, and not written out.
    #[serde(skip)]
    pub templated_schema: bool,
}

impl ObjectRef {
    pub fn table(table: &QualifiedName) -> Self {
        ObjectRef {
            table: Some(table.to_string()),
            templated_schema: table.is_templated(),
            ..ObjectRef::default()
        }
    }

    pub fn column(table: &QualifiedName, column: impl Into<String>) -> Self {
        ObjectRef::table(table).with_columns(vec![column.into()])
    }

    pub fn with_columns(mut self, columns: Vec<String>) -> Self {
        self.columns = columns;
        self
    }

    pub fn with_name(mut self, name: Option<String>) -> Self {
        self.name = name;
        self
    }

    /// What identifies the object: table, columns and name.
    fn identity(&self) -> (&Option<String>, &[String], &Option<String>) {
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
    pub rule: &'static str,
    pub severity: Severity,
    pub file: FileId,
    /// Byte range of the offending tokens.
    pub span: Range<usize>,
    pub message: String,
    pub help: Option<String>,
    pub object: Option<ObjectRef>,
    pub related: Vec<Related>,
    /// A rule may report some findings below its configured severity
    /// (`migration-filename` reports a new migration that is older than
    /// the newest existing one as a warning).
    pub at_most: Option<Severity>,
}

impl Diagnostic {
    /// A finding at `origin`; the severity is filled in from configuration
    /// when the rule's findings are collected.
    pub fn new(rule: &'static str, origin: &Origin, message: impl Into<String>) -> Self {
        Diagnostic {
            rule,
            severity: Severity::Error,
            file: origin.file,
            span: origin.span.clone(),
            message: message.into(),
            help: None,
            object: None,
            related: Vec::new(),
            at_most: None,
        }
    }

    /// Caps the severity this finding is reported at.
    pub fn at_most(mut self, severity: Severity) -> Self {
        self.at_most = Some(severity);
        self
    }

    pub fn help(mut self, help: impl Into<String>) -> Self {
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
        self.object = Some(object);
        self
    }

    pub fn related(mut self, origin: &Origin, message: impl Into<String>) -> Self {
        self.related.push(Related {
            origin: origin.clone(),
            message: message.into(),
        });
        self
    }
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
