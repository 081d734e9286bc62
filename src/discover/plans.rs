//! The files in which tools record their migration plan: sqitch's
//! `sqitch.plan` and `sqitch.conf`, Drizzle's `meta/_journal.json`,
//! Atlas's `atlas.sum`, Prisma's `migration_lock.toml`. Each reader is
//! lenient: what it cannot read becomes a note, never a panic.

use std::path::Path;

use crate::source::{DEFAULT_MAX_FILE_SIZE, read_regular_file};

/// A small text file, or `None` when it cannot be read.
pub fn read_text(path: &Path) -> Option<String> {
    let bytes = read_regular_file(path, DEFAULT_MAX_FILE_SIZE).ok()?;
    Some(String::from_utf8_lossy(&bytes).into_owned())
}

/// One deployment of a change in `sqitch.plan`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SqitchChange {
    pub name: String,
    /// 1-based line in the plan.
    pub line: usize,
    /// For a change reworked later in the plan: the tags between this
    /// deployment and the next one of the same change; its scripts are
    /// `<name>@<tag>.sql` for the first of them that exists.
    pub rework_tags: Vec<String>,
}

/// The changes of a plan in deployment order. Pragmas (`%project=…`),
/// notes and blank lines are skipped; `@tag` lines name the tag of the
/// changes before them; a `-change` line (reverted in the plan) removes
/// its change.
pub fn sqitch_plan(text: &str) -> Vec<SqitchChange> {
    let mut changes: Vec<SqitchChange> = Vec::new();
    // Tags seen after each change, by index into `changes`.
    let mut tags_after: Vec<Vec<String>> = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let line = line.trim();
        let Some(first) = line.split_whitespace().next() else {
            continue;
        };
        if first.starts_with('%') || first.starts_with('#') {
            continue;
        }
        if let Some(tag) = first.strip_prefix('@') {
            for seen in &mut tags_after {
                seen.push(tag.to_string());
            }
            continue;
        }
        if let Some(reverted) = first.strip_prefix('-') {
            if let Some(at) = changes.iter().rposition(|c| c.name == reverted) {
                changes.remove(at);
                tags_after.remove(at);
            }
            continue;
        }
        let name = first.strip_prefix('+').unwrap_or(first).to_string();
        // An earlier deployment of the same change is now a rework.
        if let Some(at) = changes.iter().rposition(|c| c.name == name) {
            changes[at].rework_tags = std::mem::take(&mut tags_after[at]);
        }
        changes.push(SqitchChange {
            name,
            line: index + 1,
            rework_tags: Vec::new(),
        });
        tags_after.push(Vec::new());
    }
    changes
}

/// The migration tags of a Drizzle journal in the order drizzle applies
/// them (array order), with the 1-based line of each tag. `Err` when the
/// journal is not the JSON drizzle-kit writes.
pub fn drizzle_journal(text: &str) -> Result<Vec<(String, usize)>, String> {
    let value: serde_json::Value =
        serde_json::from_str(text).map_err(|e| format!("not valid JSON: {e}"))?;
    let entries = value
        .get("entries")
        .and_then(|e| e.as_array())
        .ok_or("no `entries` array")?;
    let mut tags = Vec::new();
    for entry in entries {
        let tag = entry
            .get("tag")
            .and_then(|t| t.as_str())
            .ok_or("an entry has no `tag`")?;
        tags.push((tag.to_string(), line_of(text, &format!("\"{tag}\""))));
    }
    Ok(tags)
}

/// The files `atlas.sum` lists, with their 1-based lines (the first line
/// is the sum of the whole folder).
pub fn atlas_sum(text: &str) -> Vec<(String, usize)> {
    text.lines()
        .enumerate()
        .skip(1)
        .filter_map(|(index, line)| {
            let (name, hash) = line.rsplit_once(' ')?;
            hash.starts_with("h1:")
                .then(|| (name.to_string(), index + 1))
        })
        .collect()
}

/// The `provider` of a Prisma `migration_lock.toml` and its line.
pub fn prisma_provider(text: &str) -> Option<(String, usize)> {
    text.lines().enumerate().find_map(|(index, line)| {
        let rest = line.trim().strip_prefix("provider")?;
        let value = rest
            .trim_start()
            .strip_prefix('=')?
            .trim()
            .trim_matches('"');
        Some((value.to_string(), index + 1))
    })
}

/// Whether a Hasura `config.yaml` says which config version it is.
pub fn is_hasura_config(text: &str) -> bool {
    text.lines().any(|line| {
        let line = line.trim();
        line.starts_with("version:") || line.starts_with("metadata_directory:")
    })
}

/// The 1-based line of the first occurrence of `needle`, else 1.
pub fn line_of(text: &str, needle: &str) -> usize {
    text.find(needle)
        .map(|at| text[..at].matches('\n').count() + 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sqitch_plans_with_tags_and_reworks() {
        let plan = "%syntax-version=1.0.0\n%project=x\n\nauthors 2024-01-10T09:00:00Z A <a@x> # n\nidx [authors] 2024-01-11T09:00:00Z A <a@x>\n@v1.0 2024-01-12T09:00:00Z A <a@x>\n\ncols 2024-01-13T09:00:00Z A <a@x>\nidx [idx@v1.0] 2024-01-14T09:00:00Z A <a@x>\n";
        let changes = sqitch_plan(plan);
        let names: Vec<&str> = changes.iter().map(|c| c.name.as_str()).collect();
        assert_eq!(names, ["authors", "idx", "cols", "idx"]);
        assert_eq!(changes[1].rework_tags, ["v1.0"]);
        assert!(changes[3].rework_tags.is_empty());
        assert_eq!(changes[0].line, 4);
        let reverted =
            sqitch_plan("a 2024-01-10T09:00:00Z A <a@x>\n-a 2024-01-11T09:00:00Z A <a@x>\n");
        assert!(reverted.is_empty());
    }

    #[test]
    fn drizzle_journals() {
        let text =
            "{\"entries\": [\n {\"idx\": 0, \"tag\": \"b\"},\n {\"idx\": 1, \"tag\": \"a\"}\n]}";
        assert_eq!(
            drizzle_journal(text),
            Ok(vec![("b".to_string(), 2), ("a".to_string(), 3)])
        );
        assert!(drizzle_journal("{").is_err());
        assert!(drizzle_journal("{\"entries\": [{}]}").is_err());
    }

    #[test]
    fn atlas_sums_and_prisma_locks() {
        let sum = "h1:abc=\n1_a.sql h1:x=\n2_b.sql h1:y=\n";
        assert_eq!(
            atlas_sum(sum),
            [("1_a.sql".to_string(), 2), ("2_b.sql".to_string(), 3)]
        );
        let lock = "# Please do not edit\nprovider = \"postgresql\"\n";
        assert_eq!(prisma_provider(lock), Some(("postgresql".to_string(), 2)));
    }
}
