//! Baselines: adopt the linter on a legacy project without fixing every old
//! finding first.
//!
//! `--write-baseline FILE` records the current findings; `--baseline FILE`
//! hides the recorded ones and reports the rest. A finding is recorded by
//! path, rule and the schema object it concerns (or, for findings about a
//! file or statement, its message) — never by line, so edits above a
//! finding do not bring it back. Paths are stored relative to the
//! baseline's folder, so the file works from any working directory.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, ObjectRef};
use crate::lint::Outcome;
use crate::rules::RuleId;
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

/// The baseline key of a finding: an entry without its count, its rule
/// resolved. `Err`: a rule name this version does not know (renamed,
/// removed), as written; it matches no finding.
type Key = (
    String,
    Result<RuleId, String>,
    Option<ObjectRef>,
    Option<String>,
);

impl From<(Key, usize)> for Entry {
    fn from(((path, rule, object, message), count): (Key, usize)) -> Self {
        Entry {
            path,
            rule: rule.map_or_else(|name| name, |rule| rule.name().to_string()),
            object,
            message,
            count,
        }
    }
}

/// Entries in the order of their keys (path, rule name, object,
/// message), whatever order they were counted in.
fn sorted(counts: HashMap<Key, usize>) -> Vec<Entry> {
    let mut entries: Vec<Entry> = counts.into_iter().map(Entry::from).collect();
    entries.sort();
    entries
}

fn key(outcome: &Outcome, base: &Path, diagnostic: &Diagnostic) -> Key {
    let path = outcome.project.file(diagnostic.file).source.path();
    (
        relative_to(base, path),
        Ok(diagnostic.rule),
        diagnostic.object.as_deref().cloned(),
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
    let mut counts: HashMap<Key, usize> = HashMap::new();
    for diagnostic in &outcome.diagnostics {
        *counts.entry(key(outcome, &base, diagnostic)).or_insert(0) += 1;
    }
    Baseline {
        version: 1,
        entries: sorted(counts),
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
    // Later entries with the same key win.
    let mut remaining: HashMap<Key, usize> = baseline
        .entries
        .iter()
        .map(|e| {
            let key = (
                e.path.clone(),
                RuleId::from_name(&e.rule).ok_or_else(|| e.rule.clone()),
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
    remaining.retain(|_, count| *count > 0);
    sorted(remaining)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::{self, CommandLine};

    /// Entries are written and reported in rule-name order (not the
    /// registry's), and an entry of a rule this version does not know is
    /// stale rather than an error.
    #[test]
    fn entries_by_rule_name_and_unknown_rules_stale() {
        let dir = tempfile::tempdir().unwrap();
        let migrations = dir.path().join("migrations");
        std::fs::create_dir(&migrations).unwrap();
        std::fs::write(
            migrations.join("001_a.sql"),
            "-- schema-lint: ignore no-such-rule\nCREATE TABLE a (id BIGINT PRIMARY KEY, name VARCHAR(10));\n",
        )
        .unwrap();
        let cli = CommandLine {
            select: Some(vec!["unused-suppression".into(), "prefer-text".into()]),
            ..CommandLine::default()
        };
        let settings = config::load(None, &cli).unwrap();
        let mut outcome = crate::lint::lint(&[migrations], &settings);
        let file = dir.path().join("baseline.json");
        let mut baseline = record(&outcome, &file);
        let rules: Vec<&str> = baseline.entries.iter().map(|e| e.rule.as_str()).collect();
        assert_eq!(rules, ["prefer-text", "unused-suppression"]);

        let path = baseline.entries[0].path.clone();
        baseline.entries[0].count += 1;
        baseline.entries.push(Entry {
            path,
            rule: "no-longer-a-rule".to_string(),
            object: None,
            message: Some("gone".to_string()),
            count: 1,
        });
        let stale = apply(&mut outcome, &baseline, &file);
        assert!(outcome.diagnostics.is_empty(), "{:?}", outcome.diagnostics);
        let stale: Vec<(&str, usize)> = stale.iter().map(|e| (e.rule.as_str(), e.count)).collect();
        assert_eq!(stale, [("no-longer-a-rule", 1), ("prefer-text", 1)]);
    }
}
