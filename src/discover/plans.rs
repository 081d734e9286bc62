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
    // Entries are in text order: each tag's line is found from the last.
    let (mut from, mut line) = (0, 1);
    for entry in entries {
        let tag = entry
            .get("tag")
            .and_then(|t| t.as_str())
            .ok_or("an entry has no `tag`")?;
        if let Some(at) = text[from..].find(&format!("\"{tag}\"")) {
            line += text[from..from + at].matches('\n').count();
            from += at;
        }
        tags.push((tag.to_string(), line));
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

/// What a Liquibase master changelog (YAML, XML or JSON) includes, in
/// order: `include` files and `includeAll` folders, with their lines.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Include {
    File(String, usize),
    Folder(String, usize),
}

/// The includes of a master changelog, and the lines of changesets it
/// defines itself (which are not SQL files, so not read).
pub fn liquibase_master(text: &str) -> (Vec<Include>, Vec<usize>) {
    let mut includes = Vec::new();
    let mut inline = Vec::new();
    let mut in_include_all = false;
    for (index, line) in text.lines().enumerate() {
        let line_no = index + 1;
        let trimmed = line.trim().trim_start_matches("- ").trim();
        if trimmed.starts_with("includeAll")
            || trimmed.starts_with("<includeAll")
            || trimmed.starts_with("\"includeAll\"")
        {
            in_include_all = true;
        } else if trimmed.starts_with("include")
            || trimmed.starts_with("<include")
            || trimmed.starts_with("\"include\"")
        {
            in_include_all = false;
        }
        if trimmed.starts_with("changeSet")
            || trimmed.starts_with("<changeSet")
            || trimmed.starts_with("\"changeSet\"")
        {
            inline.push(line_no);
        }
        for (key, folder) in [("file", false), ("path", true)] {
            if let Some(value) = attribute(trimmed, key) {
                if folder || in_include_all {
                    includes.push(Include::Folder(value, line_no));
                } else {
                    includes.push(Include::File(value, line_no));
                }
            }
        }
    }
    (includes, inline)
}

/// `file: x`, `file="x"` (XML), `"file": "x"` (JSON) in one line.
fn attribute(line: &str, key: &str) -> Option<String> {
    let at = [format!("{key}:"), format!("{key}="), format!("\"{key}\":")]
        .iter()
        .find_map(|k| line.find(k.as_str()).map(|i| i + k.len()))?;
    let before = line[..at].chars().rev().nth(key.len() + 1);
    if before.is_some_and(|c| c.is_alphanumeric()) {
        return None;
    }
    let rest = line[at..].trim_start();
    let value = match rest.chars().next()? {
        quote @ ('"' | '\'') => rest[1..].split(quote).next()?,
        _ => rest.split([' ', ',', '}']).next()?,
    };
    (!value.is_empty()).then(|| value.to_string())
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
    fn liquibase_masters() {
        let yaml = "databaseChangeLog:\n  - include:\n      file: db/changelog/a.sql\n  - include:\n      file: \"db/changelog/b.yml\"\n  - includeAll:\n      path: db/changelog/more/\n  - changeSet:\n      id: 1\n";
        let (includes, inline) = liquibase_master(yaml);
        assert_eq!(
            includes,
            [
                Include::File("db/changelog/a.sql".into(), 3),
                Include::File("db/changelog/b.yml".into(), 5),
                Include::Folder("db/changelog/more/".into(), 7),
            ]
        );
        assert_eq!(inline, [8]);
        let xml = "<databaseChangeLog>\n  <include file=\"a.sql\" relativeToChangelogFile=\"true\"/>\n  <includeAll path=\"more\"/>\n</databaseChangeLog>";
        let (includes, _) = liquibase_master(xml);
        assert_eq!(
            includes,
            [
                Include::File("a.sql".into(), 2),
                Include::Folder("more".into(), 3)
            ]
        );
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
