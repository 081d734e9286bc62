//! The migration plan: each set's root, layout and files in the order the
//! tool applies them (`schema-lint sets`, and the `sets` array of the JSON
//! report).

use std::fmt::Write;

use serde::Serialize;

use crate::diagnostic::InputError;
use crate::load::{LoadedSet, Project};
use crate::source::display_path;

#[derive(Serialize)]
pub struct JsonSet<'a> {
    pub root: String,
    pub layout: &'static str,
    /// What the layout was recognised by.
    pub evidence: String,
    /// How the files are ordered: `numeric`, `name` or `plan`.
    pub order: &'static str,
    pub files: Vec<JsonFile<'a>>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub notes: Vec<JsonNote>,
}

#[derive(Serialize)]
pub struct JsonFile<'a> {
    /// Borrowed from the file's path: a set lists thousands.
    pub path: std::borrow::Cow<'a, str>,
    /// `up`, `down`, `up+down` or `repeatable`.
    pub direction: &'static str,
}

#[derive(Serialize)]
pub struct JsonNote {
    pub path: String,
    pub line: usize,
    pub message: String,
}

#[derive(Serialize)]
struct JsonSkipped {
    path: String,
    reason: String,
}

#[derive(Serialize)]
struct Document<'a> {
    version: u32,
    sets: Vec<JsonSet<'a>>,
    /// `.sql` files that are not migrations, and why.
    skipped: Vec<JsonSkipped>,
    errors: Vec<JsonError>,
}

#[derive(Serialize)]
struct JsonError {
    path: String,
    message: String,
}

/// The sets of a project as JSON values.
pub fn json_sets(project: &Project) -> Vec<JsonSet<'_>> {
    project
        .sets
        .iter()
        .map(|set| json_set(project, set))
        .collect()
}

fn json_set<'a>(project: &'a Project, set: &'a LoadedSet) -> JsonSet<'a> {
    JsonSet {
        root: display_path(&set.root),
        layout: set.layout.name(),
        evidence: set.evidence.clone(),
        order: set.order.name(),
        files: project
            .set_files(set)
            .map(|file| JsonFile {
                path: crate::source::shown_path(&file.source.path),
                direction: file.direction_label(),
            })
            .collect(),
        notes: set
            .notes
            .iter()
            .map(|note| {
                let source = &project.file(note.origin.file()).source;
                JsonNote {
                    path: source.display_path(),
                    line: source.line_col(note.origin.span().start).line,
                    message: note.message.clone(),
                }
            })
            .collect(),
    }
}

/// `schema-lint sets --format json`.
pub fn render_json(project: &Project, errors: &[InputError]) -> String {
    let document = Document {
        version: 1,
        sets: json_sets(project),
        skipped: project
            .skipped
            .iter()
            .map(|s| JsonSkipped {
                path: display_path(&s.path),
                reason: s.reason.clone(),
            })
            .collect(),
        errors: errors
            .iter()
            .map(|e| JsonError {
                path: display_path(&e.path),
                message: e.message.clone(),
            })
            .collect(),
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// `schema-lint sets`: one block per set, then the files that are not
/// migrations.
pub fn render_text(project: &Project) -> String {
    let mut out = String::new();
    for (index, set) in project.sets.iter().enumerate() {
        if index > 0 {
            out.push('\n');
        }
        let facts = set.layout.facts();
        let _ = writeln!(
            out,
            "{}: {} (recognised by {}), {}; {}",
            display_path(&set.root),
            set.layout,
            set.evidence,
            files(set.files.len()),
            match set.order {
                order if order == facts.order => facts.order_text,
                crate::discover::Order::Plan => "in the order of its plan file",
                crate::discover::Order::Name => "by file name, as text (configured)",
                crate::discover::Order::Version => "by version, numerically (configured)",
            }
        );
        for file in project.set_files(set) {
            let _ = writeln!(
                out,
                "  {:<10} {}",
                file.direction_label(),
                file.source.display_path()
            );
        }
        for note in &set.notes {
            let source = &project.file(note.origin.file()).source;
            let line = source.line_col(note.origin.span().start).line;
            let _ = writeln!(
                out,
                "  warning: {}:{line}: {}",
                source.display_path(),
                note.message
            );
        }
    }
    if !project.skipped.is_empty() {
        if !project.sets.is_empty() {
            out.push('\n');
        }
        let _ = writeln!(out, "not migrations:");
        for skipped in &project.skipped {
            let _ = writeln!(out, "  {}: {}", display_path(&skipped.path), skipped.reason);
        }
    }
    if project.sets.is_empty() && project.skipped.is_empty() {
        let _ = writeln!(out, "no migration sets found");
    }
    out
}

/// One line per set, for the end of `full` and `concise` when a run reads
/// more than one set.
pub fn set_lines(project: &Project) -> String {
    if project.sets.len() < 2 {
        return String::new();
    }
    let mut out = String::new();
    for set in &project.sets {
        let _ = writeln!(
            out,
            "set {}: {}, {}",
            display_path(&set.root),
            set.layout,
            files(set.files.len())
        );
    }
    out
}

fn files(n: usize) -> String {
    if n == 1 {
        "1 file".to_string()
    } else {
        format!("{n} files")
    }
}
