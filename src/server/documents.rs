//! The documents the client has open: their text (which replaces the file
//! on disk while open) and what was last published for them.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use lsp_types::{Position, TextDocumentContentChangeEvent, Uri};

use super::actions::QuickFix;
use super::position::{Encoding, LineIndex};

pub struct Document {
    pub uri: Uri,
    /// The file's path, for `file:` URIs.
    pub path: Option<PathBuf>,
    /// `path` with its folder resolved, to match the files of a lint run.
    pub key: Option<PathBuf>,
    pub text: String,
    pub version: i32,
    /// What the last lint published, in the client's positions.
    pub findings: Vec<Finding>,
    /// The version the findings were computed for.
    pub linted: Option<i32>,
    /// Why the last lint did not read the file as a migration (logged
    /// once, not published: an editor opens many SQL files that are not
    /// migrations).
    pub skipped: Option<String>,
}

/// One published diagnostic, with what the server can do about it.
pub struct Finding {
    pub diagnostic: lsp_types::Diagnostic,
    /// The rule, for hover; `None` for diagnostics that are not findings
    /// (a file that could not be read, a broken config).
    pub rule: Option<crate::rules::RuleId>,
    pub fixes: Vec<QuickFix>,
}

impl Document {
    pub fn is_config(&self) -> bool {
        self.path.as_deref().is_some_and(super::settings::is_config)
    }

    /// Applies the client's changes: whole texts (what the server asks
    /// for) or ranges (what a client may send anyway).
    pub fn apply(&mut self, changes: Vec<TextDocumentContentChangeEvent>, encoding: Encoding) {
        for change in changes {
            match change.range {
                None => self.text = change.text,
                Some(range) => {
                    let index = LineIndex::new(&self.text, encoding);
                    let start = index.offset(range.start);
                    let end = index.offset(range.end).max(start);
                    self.text.replace_range(start..end, &change.text);
                }
            }
        }
    }

    pub fn findings_at(&self, position: Position) -> impl Iterator<Item = &Finding> {
        self.findings.iter().filter(move |f| {
            let range = f.diagnostic.range;
            range.start <= position && position <= range.end
        })
    }
}

/// The open documents, by URI.
#[derive(Default)]
pub struct Documents {
    open: BTreeMap<String, Document>,
}

impl Documents {
    pub fn open(&mut self, uri: Uri, text: String, version: i32) {
        let path = super::uri::to_path(&uri);
        let key = path.as_deref().map(located);
        let document = Document {
            uri: uri.clone(),
            path,
            key,
            text,
            version,
            findings: Vec::new(),
            linted: None,
            skipped: None,
        };
        self.open.insert(uri.as_str().to_string(), document);
    }

    pub fn close(&mut self, uri: &Uri) -> Option<Document> {
        self.open.remove(uri.as_str())
    }

    pub fn get(&self, uri: &Uri) -> Option<&Document> {
        self.open.get(uri.as_str())
    }

    pub fn get_mut(&mut self, uri: &Uri) -> Option<&mut Document> {
        self.open.get_mut(uri.as_str())
    }

    pub fn iter(&self) -> impl Iterator<Item = &Document> {
        self.open.values()
    }

    pub fn iter_mut(&mut self) -> impl Iterator<Item = &mut Document> {
        self.open.values_mut()
    }

    /// The open document of a file, by its resolved path.
    pub fn by_key(&self, key: &Path) -> Option<&Document> {
        self.open.values().find(|d| d.key.as_deref() == Some(key))
    }
}

/// Where a file is: its folder resolved (links, `..`), its name kept, as
/// the linter finds files.
pub fn located(path: &Path) -> PathBuf {
    let absolute = std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf());
    match absolute.file_name() {
        Some(name) => crate::source::canonical(&crate::source::folder_of(&absolute)).join(name),
        None => crate::source::canonical(&absolute),
    }
}
