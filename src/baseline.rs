//! Baselines: adopt the linter on a legacy project without fixing every old
//! finding first.
//!
//! `--write-baseline FILE` records the current findings; `--baseline FILE`
//! hides the recorded ones and reports the rest. A finding is recorded by
//! path, rule and the schema object it concerns (or, for findings about a
//! file or statement, its message) — never by line, so edits above a
//! finding do not bring it back. Paths are stored relative to the
//! baseline's folder, so the file works from any working directory.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, ObjectRef};
use crate::lint::Outcome;
use crate::source::{canonical, display_path, relative_below};

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct Entry {
    pub path: String,
    pub rule: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub object: Option<ObjectRef>,
    /// For findings without an object.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub message: Option<String>,
    /// How many findings share this key.
    pub count: usize,
}

#[derive(Debug, Clone, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    pub version: u32,
    pub entries: Vec<Entry>,
}

/// The baseline key of a finding: an entry without its count.
type Key = (String, String, Option<ObjectRef>, Option<String>);

impl From<(Key, usize)> for Entry {
    fn from(((path, rule, object, message), count): (Key, usize)) -> Self {
        Entry {
            path,
            rule,
            object,
            message,
            count,
        }
    }
}

fn key(outcome: &Outcome, base: &Path, diagnostic: &Diagnostic) -> Key {
    let path = outcome.project.file(diagnostic.file).source.path();
    (
        relative_to(base, path),
        diagnostic.rule.to_string(),
        diagnostic.object.clone(),
        diagnostic
            .object
            .is_none()
            .then(|| diagnostic.message.clone()),
    )
}

/// `path` relative to the canonical folder `base` (else resolved), with
/// forward slashes.
fn relative_to(base: &Path, path: &Path) -> String {
    let relative = relative_below(base, path).unwrap_or_else(|| canonical(path));
    display_path(&relative)
}

/// The baseline file's folder, resolved once: paths are stored relative to it.
fn folder_of(file: &Path) -> PathBuf {
    canonical(&crate::source::folder_of(file))
}

/// The baseline of an outcome's findings, for a baseline file at `file`.
pub fn record(outcome: &Outcome, file: &Path) -> Baseline {
    let base = folder_of(file);
    let mut counts: BTreeMap<Key, usize> = BTreeMap::new();
    for diagnostic in &outcome.diagnostics {
        *counts.entry(key(outcome, &base, diagnostic)).or_insert(0) += 1;
    }
    Baseline {
        version: 1,
        entries: counts.into_iter().map(Entry::from).collect(),
    }
}

pub fn write(baseline: &Baseline, file: &Path) -> Result<(), String> {
    // Opening a FIFO for writing blocks until a reader comes; a device is
    // no place for a baseline either.
    if let Ok(metadata) = std::fs::metadata(file)
        && !metadata.is_file()
    {
        return Err(format!(
            "cannot write {}: not a regular file ({}); not written",
            display_path(file),
            crate::source::file_kind(metadata.file_type())
        ));
    }
    let mut text = serde_json::to_string_pretty(baseline).map_err(|e| e.to_string())?;
    text.push('\n');
    std::fs::write(file, text).map_err(|e| format!("cannot write {}: {e}", display_path(file)))
}

pub fn read(file: &Path) -> Result<Baseline, String> {
    let text = crate::config::read_text(file)
        .map_err(|e| format!("cannot read baseline {}: {e}", display_path(file)))?;
    serde_json::from_str(&text).map_err(|e| {
        format!(
            "baseline {} is not a schema-lint baseline: {e}",
            display_path(file)
        )
    })
}

/// Removes the findings the baseline records and returns the entries (with
/// the counts) that no longer occur.
pub fn apply(outcome: &mut Outcome, baseline: &Baseline, file: &Path) -> Vec<Entry> {
    let base = folder_of(file);
    let mut remaining: BTreeMap<Key, usize> = baseline
        .entries
        .iter()
        .map(|e| {
            let key = (
                e.path.clone(),
                e.rule.clone(),
                e.object.clone(),
                e.message.clone(),
            );
            (key, e.count)
        })
        .collect();
    let keys: Vec<Key> = outcome
        .diagnostics
        .iter()
        .map(|d| key(outcome, &base, d))
        .collect();
    let mut keys = keys.into_iter();
    outcome.diagnostics.retain(|_| {
        let Some(key) = keys.next() else { return true };
        match remaining.get_mut(&key) {
            Some(count) if *count > 0 => {
                *count -= 1;
                false
            }
            _ => true,
        }
    });
    remaining
        .into_iter()
        .filter(|(_, count)| *count > 0)
        .map(Entry::from)
        .collect()
}
