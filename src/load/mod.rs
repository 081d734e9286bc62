//! Pipeline step 2: read each migration file, split it into statements with
//! exact byte ranges and parse each statement on its own.
//!
//! Files are loaded independently of each other (in parallel).

pub mod compat;
pub mod parse;
pub mod procedural;
pub mod split;
pub mod tokens;

use std::fs;

use rayon::prelude::*;

pub use parse::{ParseFailure, Parsed, Statement};
pub use split::{Direction, Markers};
pub use tokens::Tokens;

use crate::diagnostic::InputError;
use crate::discover::{Layout, MigrationFile, MigrationSet, Role, io_message};
use crate::source::{FileId, SourceFile};

/// A migration file, read and parsed.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub id: FileId,
    pub source: SourceFile,
    pub migration: MigrationFile,
    pub tokens: Tokens,
    pub statements: Vec<Statement>,
    pub markers: Markers,
    /// Token lists of `DO` block bodies whose DDL was read (see
    /// `procedural`); statements found there point into them.
    pub nested: Vec<Tokens>,
}

impl LoadedFile {
    pub fn reported(&self) -> bool {
        self.migration.reported
    }

    /// Statements applied when migrating up, in file order.
    pub fn up_statements(&self) -> impl Iterator<Item = &Statement> {
        self.statements
            .iter()
            .filter(|s| s.direction == Direction::Up)
    }
}

/// A migration set whose files were loaded: `files` index into
/// `Project::files`, in migration order.
#[derive(Debug, Clone)]
pub struct LoadedSet {
    pub root: std::path::PathBuf,
    pub layout: Layout,
    pub files: Vec<FileId>,
}

/// Everything that was read: the files of every set, in set and migration
/// order (so `FileId` order is report order).
#[derive(Debug, Clone, Default)]
pub struct Project {
    pub files: Vec<LoadedFile>,
    pub sets: Vec<LoadedSet>,
    /// Files that are new on this branch (`--diff`): they did not exist at
    /// the merge base.
    pub added: std::collections::BTreeSet<FileId>,
}

impl Project {
    pub fn file(&self, id: FileId) -> &LoadedFile {
        &self.files[id.0]
    }

    pub fn set_files<'a>(&'a self, set: &'a LoadedSet) -> impl Iterator<Item = &'a LoadedFile> {
        set.files.iter().map(|&id| self.file(id))
    }
}

/// Loads every file of every set; files that cannot be read become input
/// errors and drop out of their set.
pub fn load(sets: Vec<MigrationSet>) -> (Project, Vec<InputError>) {
    let jobs: Vec<(usize, MigrationFile)> = sets
        .iter()
        .enumerate()
        .flat_map(|(set, s)| s.files.iter().cloned().map(move |f| (set, f)))
        .collect();
    let results: Vec<(usize, Result<LoadedFile, InputError>)> = jobs
        .into_par_iter()
        .map(|(set, file)| (set, load_file(file)))
        .collect();

    let mut project = Project {
        added: Default::default(),
        files: Vec::new(),
        sets: sets
            .iter()
            .map(|s| LoadedSet {
                root: s.root.clone(),
                layout: s.layout,
                files: Vec::new(),
            })
            .collect(),
    };
    let mut errors = Vec::new();
    for (set, result) in results {
        match result {
            Ok(mut file) => {
                let id = FileId(project.files.len());
                file.id = id;
                project.sets[set].files.push(id);
                project.files.push(file);
            }
            Err(error) => errors.push(error),
        }
    }
    for set in &mut project.sets {
        refine_layout(set, &project.files);
    }
    (project, errors)
}

/// Section markers tell goose and dbmate sets apart from plain numbered ones.
fn refine_layout(set: &mut LoadedSet, files: &[LoadedFile]) {
    if !matches!(
        set.layout,
        Layout::Sqlx | Layout::Numbered | Layout::Unversioned
    ) {
        return;
    }
    let marked =
        |pick: fn(&Markers) -> bool| set.files.iter().any(|&id| pick(&files[id.0].markers));
    if marked(|m| m.goose) {
        set.layout = Layout::Goose;
    } else if marked(|m| m.dbmate) {
        set.layout = Layout::Dbmate;
    }
}

/// Reads, splits and parses one file.
pub fn load_file(migration: MigrationFile) -> Result<LoadedFile, InputError> {
    let path = migration.path.clone();
    let bytes =
        fs::read(&path).map_err(|e| InputError::new(&path, io_message(&e, "cannot read")))?;
    let text = String::from_utf8(bytes).map_err(|e| {
        let at = e.utf8_error().valid_up_to();
        InputError::new(&path, format!("not valid UTF-8 at byte {at}"))
    })?;
    if text.trim().is_empty() && migration.name.role != Role::Down {
        // An empty down migration is how diesel spells "irreversible"; an
        // empty up migration is a mistake.
        return Err(InputError::new(&path, "file is empty"));
    }
    Ok(parse_source(
        FileId(0),
        migration,
        SourceFile::new(path, text),
    ))
}

/// Splits and parses text that is already in memory.
pub fn parse_source(id: FileId, migration: MigrationFile, source: SourceFile) -> LoadedFile {
    let masked = mask_templates(&source.text);
    let (tokens, tokenize_error) = Tokens::tokenize(masked.as_deref().unwrap_or(&source.text));
    let direction = match migration.name.role {
        Role::Down => Direction::Down,
        Role::Up | Role::Repeatable => Direction::Up,
    };
    // Tokens after a tokenizer error are missing: split only what was read.
    let readable = tokens.len();
    let (units, markers) = split::split(&tokens, readable, direction);
    let mut statements: Vec<Statement> = units
        .iter()
        .flat_map(|unit| parse::parse_unit(&tokens, unit))
        .collect();
    if let Some(error) = tokenize_error {
        // The statement the tokenizer failed in: the last unit if nothing
        // closed it, else whatever follows the last closed one.
        let start = match units.last() {
            Some(unit) if !unit.closed => tokens.range(unit.tokens.start).start,
            _ => error.at,
        };
        statements.retain(|s| s.span.start < start);
        let end = source.text.trim_end().len().max(error.at);
        statements.push(Statement {
            tokens: readable..readable,
            span: start..end,
            direction: units.last().map(|u| u.direction).unwrap_or(direction),
            nested: None,
            parsed: Parsed::Failed(ParseFailure {
                message: error.message,
                at: Some(error.at..error.at + char_len_at(&source.text, error.at)),
            }),
        });
    }
    let (statements, nested) = procedural::expand(&source, &tokens, statements);
    LoadedFile {
        id,
        source,
        migration,
        tokens,
        statements,
        markers,
        nested,
    }
}

fn char_len_at(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .map(char::len_utf8)
        .unwrap_or(0)
}

/// Go template placeholders (`{{ index .Options "Namespace" }}`, used by
/// golang-migrate projects such as supabase auth) are not SQL. Each is read
/// as an identifier of the same length, so the statement parses and every
/// position stays exact. Names in messages show it as `{{…}}`. `None` when the text has no placeholder.
fn mask_templates(text: &str) -> Option<String> {
    if !text.contains("{{") {
        return None;
    }
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(open) = rest.find("{{") {
        let after = &rest[open..];
        let close = after
            .find("}}")
            .filter(|&close| !after[..close].contains('\n') && after[..close].is_ascii());
        out.push_str(&rest[..open]);
        match close {
            Some(close) => {
                out.extend(std::iter::repeat_n('_', close + 2));
                rest = &after[close + 2..];
            }
            None => {
                out.push_str("{{");
                rest = &after[2..];
            }
        }
    }
    out.push_str(rest);
    Some(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::layout::classify;
    use std::path::PathBuf;

    fn load_text(name: &str, text: &str) -> LoadedFile {
        let migration = MigrationFile {
            path: PathBuf::from(name),
            name: classify(name),
            reported: true,
        };
        parse_source(
            FileId(0),
            migration,
            SourceFile::new(name.into(), text.into()),
        )
    }

    #[test]
    fn templates_keep_positions() {
        let text = "CREATE TABLE {{ index .Options \"Namespace\" }}.users (id int);";
        let masked = mask_templates(text).unwrap();
        assert_eq!(masked.len(), text.len());
        let file = load_text("1_a.up.sql", text);
        assert!(file.statements[0].ast().is_some());
    }

    #[test]
    fn a_bad_statement_costs_only_itself() {
        let text = "CREATE TABLE a (x int);\nCREATE TABLE b (x int,,);\nCREATE TABLE c (x int);";
        let file = load_text("1_a.sql", text);
        let ok: Vec<bool> = file.statements.iter().map(|s| s.ast().is_some()).collect();
        assert_eq!(ok, [true, false, true]);
        let bad = &file.statements[1];
        assert_eq!(&text[bad.span.clone()], "CREATE TABLE b (x int,,)");
        let at = bad.failure().unwrap().at.clone().unwrap();
        assert_eq!(&text[at], ",");
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        let file = load_text("1_a.sql", "SELECT 1 2;");
        assert_eq!(file.statements.len(), 2);
        assert!(file.statements[0].ast().is_some());
        assert!(file.statements[1].failure().is_some());
    }

    #[test]
    fn tokenizer_errors_keep_statements_before() {
        let text = "CREATE TABLE a (x int);\nSELECT 'open";
        let file = load_text("1_a.sql", text);
        assert_eq!(file.statements.len(), 2);
        assert!(file.statements[0].ast().is_some());
        let bad = &file.statements[1];
        assert_eq!(&text[bad.span.clone()], "SELECT 'open");
    }
}
