//! The files of a new migration, laid out as each migration tool's own
//! "new migration" command lays them out (see `NewMigration` in the
//! layout table), and the plan files some tools keep beside them: Drizzle's
//! journal, sqitch's plan, Atlas's `atlas.sum`, a Liquibase changelog;
//! graphile-migrate's `current.sql`.

use std::path::{Path, PathBuf};

use sha2::Digest as _;

use crate::discover::layout::{
    NewMigration, Numbering, Scheme, Shape, classify, classify_graphile, classify_refinery,
    folder_name,
};
use crate::discover::{Layout, Order, Role, plans};
use crate::load::{LoadedFile, LoadedSet, Project};

use super::clock::{self, Moment};
use super::sql::Migration;
use super::version;

/// What a new migration needs to know about its set.
pub struct Target<'a> {
    pub project: &'a Project,
    pub set: &'a LoadedSet,
    /// The migration's name, in the case the config asks for.
    pub name: String,
    /// The name as words (`create things`), for messages and notes.
    pub words: String,
    pub now: Moment,
    pub migration: Migration,
    /// The files that create the tables the migration needs.
    pub needs: Vec<PathBuf>,
}

impl Target<'_> {
    fn files(&self) -> Vec<&LoadedFile> {
        self.project.set_files(self.set).collect()
    }

    fn root(&self) -> &Path {
        &self.set.root
    }
}

/// Files to create and files to change.
#[derive(Debug, Default)]
pub struct Plan {
    pub creates: Vec<(PathBuf, String)>,
    pub updates: Vec<Update>,
    pub notes: Vec<String>,
}

/// A changed file: its new text, and the part that is new (for
/// `--dry-run`).
#[derive(Debug)]
pub struct Update {
    pub path: PathBuf,
    pub text: String,
    pub added: String,
}

/// The down file of a migration that has no down SQL yet.
const DOWN_PLACEHOLDER: &str = "-- Undo the up migration here.\n";

pub fn plan(target: &Target<'_>) -> Result<Plan, String> {
    let layout = target.set.layout;
    let Some(new) = &layout.facts().new else {
        return Err(format!(
            "the layout of `{}` is not known ({}), so there is no tool to follow: say it with `layout = \"…\"` in schema-lint.toml (one of: {})",
            crate::source::display_path(target.root()),
            target.set.evidence,
            Layout::names()
        ));
    };
    let mut plan = match layout {
        Layout::Drizzle => drizzle(target, new)?,
        Layout::Sqitch => sqitch(target)?,
        Layout::Liquibase => liquibase(target)?,
        Layout::GraphileMigrate => graphile(target, new)?,
        _ => files(target, new)?,
    };
    match layout {
        Layout::Atlas => plan.updates.push(atlas_sum(target, &plan)?),
        Layout::NumberedFolders => numbered_folders_metadata(target, &mut plan),
        Layout::Prisma => plan.notes.push(
            "Prisma: add the table to `schema.prisma` too (`prisma db pull` after applying it), or `prisma migrate dev` will see drift".to_string(),
        ),
        _ => {}
    }
    // graphile-migrate numbers the migration when it is committed.
    if let Some((up, _)) = plan.creates.first()
        && layout != Layout::GraphileMigrate
    {
        after_newest(target, up)?;
    }
    Ok(plan)
}

// ----- one file or a pair, as the layout table says --------------------------

fn files(target: &Target<'_>, new: &NewMigration) -> Result<Plan, String> {
    let files = target.files();
    let version = version::next(new.numbering, newest(&files).as_deref(), target.now);
    let folder = folder_for_new(target, &files);
    let has_downs = files.iter().any(|f| f.migration.name.role == Role::Down);
    let down = new.down.filter(|_| !new.down_if_used || has_downs);
    let up_pattern = match (down, new.paired_up) {
        (Some(_), Some(paired)) => paired,
        _ => new.up,
    };
    let fill = |pattern: &str| {
        folder.join(
            pattern
                .replace("{version}", &version)
                .replace("{name}", &target.name),
        )
    };
    let migration = &target.migration;
    let mut plan = Plan::default();
    match new.sections {
        Some((up_marker, down_marker)) => {
            let mut text = String::new();
            if !up_marker.is_empty() {
                text.push_str(up_marker);
                text.push('\n');
            }
            text.push_str(&up_sql(migration, "\n\n"));
            text.push('\n');
            text.push_str(down_marker);
            text.push('\n');
            if !migration.down.is_empty() {
                // tern's separator line stands alone between blank lines.
                if up_marker.is_empty() {
                    text.push('\n');
                }
                text.push_str(&down_sql(migration));
            }
            plan.creates.push((fill(up_pattern), text));
        }
        None => {
            plan.creates
                .push((fill(up_pattern), up_sql(migration, "\n\n")));
            if let Some(down) = down {
                plan.creates.push((fill(down), down_sql(migration)));
            }
        }
    }
    Ok(plan)
}

/// The up statements, blocks separated by `separator`, ending with a
/// newline.
fn up_sql(migration: &Migration, separator: &str) -> String {
    format!("{}\n", migration.up.join(separator))
}

fn down_sql(migration: &Migration) -> String {
    if migration.down.is_empty() {
        DOWN_PLACEHOLDER.to_string()
    } else {
        format!("{}\n", migration.down.join("\n"))
    }
}

/// The newest version of the set, as written.
fn newest(files: &[&LoadedFile]) -> Option<String> {
    files
        .iter()
        .filter_map(|f| f.migration.name.version.as_ref())
        .max()
        .map(|v| v.text().to_string())
}

/// Where new migrations go: the set's folder; for Flyway and refinery,
/// which read sub-folders too, the folder of the newest migration.
fn folder_for_new(target: &Target<'_>, files: &[&LoadedFile]) -> PathBuf {
    if target.set.layout.facts().shape == Shape::Recursive
        && let Some(newest) = files
            .iter()
            .filter(|f| f.migration.name.version.is_some())
            .max_by_key(|f| f.migration.name.version.clone())
        && let Some(parent) = newest.source.path().parent()
    {
        return parent.to_path_buf();
    }
    target.root().to_path_buf()
}

/// Refuses a migration that its tool would not apply last: a version not
/// after the newest, or a name that sorts before another.
fn after_newest(target: &Target<'_>, up: &Path) -> Result<(), String> {
    let layout = target.set.layout;
    let files = target.files();
    let shown = crate::source::display_path(up);
    match target.set.order {
        Order::Plan => Ok(()),
        Order::Version => {
            let version = version_of(layout, up);
            let newest = files
                .iter()
                .filter_map(|f| f.migration.name.version.as_ref())
                .max();
            match (version, newest) {
                (Some(new), Some(newest)) if new <= *newest => Err(format!(
                    "`{shown}` would not come after version `{}`, the newest of the set",
                    newest.text()
                )),
                (None, _) => Err(format!("`{shown}` would have no version the tool reads")),
                _ => Ok(()),
            }
        }
        Order::Name => {
            let key = sort_name(layout, up);
            match files
                .iter()
                .map(|f| sort_name(layout, f.source.path()))
                .max()
            {
                Some(last) if key <= last => Err(format!(
                    "`{shown}` would sort before `{last}`, and its tool applies migrations in name order; rename the newest migrations or say the order in a `[[sets]]` entry"
                )),
                _ => Ok(()),
            }
        }
    }
}

/// The version discovery reads from a migration's path.
fn version_of(layout: Layout, path: &Path) -> Option<crate::discover::Version> {
    let file = file_name(path);
    match layout.facts().shape {
        Shape::Folders { .. } => {
            let folder = path.parent().map(file_name).unwrap_or_default();
            folder_name(&folder).map(|f| f.version)
        }
        Shape::Committed => classify_graphile(&file).version,
        _ if layout == Layout::Refinery => classify_refinery(&file).version,
        _ => classify(&file).version,
    }
}

/// What a tool that orders by name sorts by: the folder of a folder
/// layout, else the file.
fn sort_name(layout: Layout, path: &Path) -> String {
    match layout.facts().shape {
        Shape::Folders { .. } => path.parent().map(file_name).unwrap_or_default(),
        _ => file_name(path),
    }
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

fn read(path: &Path) -> Result<String, String> {
    std::fs::read_to_string(path)
        .map_err(|e| format!("cannot read {}: {e}", crate::source::display_path(path)))
}

// ----- numbered folders: metadata.yaml --------------------------------------

/// Numbered folders that keep a `metadata.yaml` (Sourcegraph's) name
/// their migration and its parent there.
fn numbered_folders_metadata(target: &Target<'_>, plan: &mut Plan) {
    let files = target.files();
    let newest = files
        .iter()
        .filter(|f| f.migration.name.version.is_some())
        .max_by_key(|f| f.migration.name.version.clone());
    let Some(newest) = newest else { return };
    let Some(newest_folder) = newest.source.path().parent() else {
        return;
    };
    if !newest_folder.join("metadata.yaml").is_file() {
        return;
    }
    let Some(folder) = plan
        .creates
        .first()
        .and_then(|(up, _)| up.parent())
        .map(Path::to_path_buf)
    else {
        return;
    };
    plan.creates.push((
        folder.join("metadata.yaml"),
        format!(
            "name: {}\nparents: [{}]\n",
            target.name,
            file_name(newest_folder)
        ),
    ));
}

// ----- Drizzle: the journal --------------------------------------------------

/// A file `{tag}.sql` and an entry in `meta/_journal.json`, as
/// `drizzle-kit generate --custom` writes them (without a schema
/// snapshot: drizzle-kit diffs the schema against the newest one).
fn drizzle(target: &Target<'_>, new: &NewMigration) -> Result<Plan, String> {
    let journal_path = target.root().join("meta").join("_journal.json");
    let text = read(&journal_path)?;
    let journal: serde_json::Value = serde_json::from_str(&text)
        .map_err(|e| format!("`meta/_journal.json` is not valid JSON: {e}"))?;
    let entries = journal
        .get("entries")
        .and_then(|e| e.as_array())
        .ok_or("`meta/_journal.json` has no `entries` list")?;
    let Some(last) = entries.last() else {
        return Err(
            "the Drizzle journal has no migration yet: write the first one with `drizzle-kit generate`"
                .to_string(),
        );
    };
    let last_tag = last.get("tag").and_then(|t| t.as_str()).unwrap_or("");
    let tag = drizzle_tag(last_tag, &target.name, target.now);
    if entries
        .iter()
        .any(|e| e.get("tag").and_then(|t| t.as_str()) == Some(tag.as_str()))
    {
        return Err(format!(
            "the Drizzle journal already has a migration `{tag}`"
        ));
    }
    let last_when = last.get("when").and_then(|w| w.as_i64()).unwrap_or(0);
    let entry = JournalEntry {
        idx: last
            .get("idx")
            .and_then(|i| i.as_u64())
            .map_or(entries.len() as u64, |i| i + 1),
        version: last
            .get("version")
            .map_or_else(|| "\"7\"".to_string(), |v| v.to_string()),
        when: target.now.0.max(last_when.saturating_add(1)),
        tag: tag.clone(),
        breakpoints: last
            .get("breakpoints")
            .and_then(|b| b.as_bool())
            .unwrap_or(true),
    };
    let (new_text, added) = insert_journal_entry(&text, &entry)?;
    let sql = if entry.breakpoints {
        with_breakpoints(&target.migration.up)
    } else {
        up_sql(&target.migration, "\n\n")
    };
    Ok(Plan {
        creates: vec![(target.root().join(new.up.replace("{name}", &tag)), sql)],
        updates: vec![Update {
            path: journal_path,
            text: new_text,
            added,
        }],
        notes: vec![
            "Drizzle: drizzle-kit's schema snapshots do not know this migration; add the table to your Drizzle schema by hand-editing the newest snapshot, or `drizzle-kit generate` will create it again".to_string(),
        ],
    })
}

/// The tag of a new migration: its prefix follows the journal's newest
/// tag (`0004_…`: an index; a timestamp; none, with `prefix: "none"`).
fn drizzle_tag(last_tag: &str, name: &str, now: Moment) -> String {
    let prefix = last_tag
        .split_once('_')
        .map(|(p, _)| p)
        .filter(|p| !p.is_empty() && p.bytes().all(|b| b.is_ascii_digit()));
    match prefix {
        Some(prefix) => {
            let numbering = Numbering::LikeTheSet(Scheme::Sequence { width: 4 });
            format!("{}_{name}", version::next(numbering, Some(prefix), now))
        }
        None => name.to_string(),
    }
}

struct JournalEntry {
    idx: u64,
    /// As JSON.
    version: String,
    when: i64,
    tag: String,
    breakpoints: bool,
}

/// Statements separated by drizzle's `--> statement-breakpoint`, which
/// its migrator splits on.
fn with_breakpoints(blocks: &[String]) -> String {
    let mut statements = Vec::new();
    for block in blocks {
        let mut current = String::new();
        for line in block.lines() {
            current.push_str(line);
            current.push('\n');
            if line.ends_with(';') && !line.trim_start().starts_with("--") {
                statements.push(std::mem::take(&mut current));
            }
        }
        if !current.trim().is_empty() {
            statements.push(current);
        }
    }
    statements.join("--> statement-breakpoint\n")
}

/// The journal with one more entry, written in the journal's own
/// indentation after the last one; and the entry as inserted.
fn insert_journal_entry(text: &str, entry: &JournalEntry) -> Result<(String, String), String> {
    let unreadable = || {
        "`meta/_journal.json` is not laid out as drizzle-kit writes it; add the migration with `drizzle-kit generate --custom`".to_string()
    };
    let close = entries_end(text).ok_or_else(unreadable)?;
    let last_brace = text[..close].rfind('}').ok_or_else(unreadable)?;
    let line_start = text[..last_brace].rfind('\n').map_or(0, |i| i + 1);
    let entry_indent = &text[line_start..last_brace];
    let field_indent = text[..line_start.saturating_sub(1)]
        .rsplit('\n')
        .next()
        .map(|line| &line[..line.len() - line.trim_start().len()])
        .unwrap_or("");
    let tag = serde_json::Value::String(entry.tag.clone()).to_string();
    let fields = [
        format!("\"idx\": {}", entry.idx),
        format!("\"version\": {}", entry.version),
        format!("\"when\": {}", entry.when),
        format!("\"tag\": {tag}"),
        format!("\"breakpoints\": {}", entry.breakpoints),
    ];
    let added = if entry_indent.trim().is_empty() && !field_indent.is_empty() {
        let body: Vec<String> = fields
            .iter()
            .map(|f| format!("{field_indent}{f}"))
            .collect();
        format!(
            ",\n{entry_indent}{{\n{}\n{entry_indent}}}",
            body.join(",\n")
        )
    } else {
        format!(", {{{}}}", fields.join(", "))
    };
    let at = last_brace + 1;
    let new_text = format!("{}{added}{}", &text[..at], &text[at..]);
    // What was written must read back as the journal with the new entry.
    let tags = plans::drizzle_journal(&new_text).map_err(|_| unreadable())?;
    if tags.last().map(|(t, _)| t) != Some(&entry.tag) {
        return Err(unreadable());
    }
    Ok((new_text, added))
}

/// The byte offset of the `]` that closes the top-level `entries` list.
fn entries_end(text: &str) -> Option<usize> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut last_string: Option<&str> = None;
    let mut entries_depth = None;
    let mut at = 0;
    while at < bytes.len() {
        match bytes[at] {
            b'"' => {
                let end = string_end(bytes, at)?;
                if depth == 1 {
                    last_string = text.get(at + 1..end);
                }
                at = end;
            }
            open @ (b'{' | b'[') => {
                depth += 1;
                if open == b'[' && depth == 2 && last_string == Some("entries") {
                    entries_depth = Some(depth);
                }
            }
            close @ (b'}' | b']') => {
                if close == b']' && entries_depth == Some(depth) {
                    return Some(at);
                }
                depth = depth.checked_sub(1)?;
            }
            _ => {}
        }
        at += 1;
    }
    None
}

/// The offset of the quote that closes the string opening at `start`.
fn string_end(bytes: &[u8], start: usize) -> Option<usize> {
    let mut at = start + 1;
    while at < bytes.len() {
        match bytes[at] {
            b'\\' => at += 2,
            b'"' => return Some(at),
            _ => at += 1,
        }
    }
    None
}

// ----- sqitch: deploy, revert, verify and the plan ----------------------------

/// The three scripts and the plan line `sqitch add` writes.
fn sqitch(target: &Target<'_>) -> Result<Plan, String> {
    let root = target.root();
    let plan_path = root.join("sqitch.plan");
    let text = read(&plan_path)?;
    let change = &target.name;
    if plans::sqitch_plan(&text).iter().any(|c| c.name == *change) {
        return Err(format!(
            "sqitch.plan already has a change `{change}`; to change it, `sqitch rework {change}`"
        ));
    }
    let project = text
        .lines()
        .find_map(|l| l.trim().strip_prefix("%project="))
        .unwrap_or("")
        .trim()
        .to_string();
    let qualified = if project.is_empty() {
        change.clone()
    } else {
        format!("{project}:{change}")
    };
    let requires = sqitch_requires(target);
    let planner = sqitch_planner(root, &text);
    let mut line = change.clone();
    if !requires.is_empty() {
        line.push_str(&format!(" [{}]", requires.join(" ")));
    }
    line.push_str(&format!(
        " {} {planner} # {}\n",
        clock::iso(target.now.seconds()),
        sentence(&target.words)
    ));
    let separator = if text.ends_with('\n') || text.is_empty() {
        ""
    } else {
        "\n"
    };
    let added = format!("{separator}{line}");
    let migration = &target.migration;
    let script = |verb: &str, preposition: &str, body: String, end: &str| {
        format!("-- {verb} {qualified} {preposition} pg\n\nBEGIN;\n\n{body}\n\n{end};\n")
    };
    let deploy = script("Deploy", "to", migration.up.join("\n\n"), "COMMIT");
    let revert_body = if migration.down.is_empty() {
        "-- XXX Add DDLs here.".to_string()
    } else {
        migration.down.join("\n")
    };
    let verify_body = if migration.verify.is_empty() {
        "-- XXX Add verifications here.".to_string()
    } else {
        migration.verify.join("\n")
    };
    Ok(Plan {
        creates: vec![
            (root.join("deploy").join(format!("{change}.sql")), deploy),
            (
                root.join("revert").join(format!("{change}.sql")),
                script("Revert", "from", revert_body, "COMMIT"),
            ),
            (
                root.join("verify").join(format!("{change}.sql")),
                script("Verify", "on", verify_body, "ROLLBACK"),
            ),
        ],
        updates: vec![Update {
            path: plan_path,
            text: format!("{text}{added}"),
            added,
        }],
        notes: Vec::new(),
    })
}

/// The changes whose deploy scripts create the tables the migration
/// needs.
fn sqitch_requires(target: &Target<'_>) -> Vec<String> {
    let mut requires: Vec<String> = Vec::new();
    for path in &target.needs {
        let in_deploy = path
            .parent()
            .is_some_and(|p| p.file_name().is_some_and(|n| n == "deploy"));
        let stem = file_name(path);
        let change = stem.strip_suffix(".sql").unwrap_or(&stem);
        // A reworked script (`change@tag.sql`) is still the change.
        let change = change.split('@').next().unwrap_or(change).to_string();
        if in_deploy && !requires.contains(&change) {
            requires.push(change);
        }
    }
    requires
}

/// Who plans the change, as sqitch says it: `Name <email>`, from
/// `SQITCH_FULLNAME`/`SQITCH_EMAIL`, else git's `user.name`/`user.email`,
/// else the planner of the plan's last change.
fn sqitch_planner(root: &Path, plan: &str) -> String {
    let from_env = |key: &str| std::env::var(key).ok().filter(|v| !v.trim().is_empty());
    let from_git = |key: &str| {
        std::process::Command::new("git")
            .args(["config", "--get", key])
            .current_dir(root)
            .output()
            .ok()
            .filter(|o| o.status.success())
            .map(|o| String::from_utf8_lossy(&o.stdout).trim().to_string())
            .filter(|v| !v.is_empty())
    };
    let name = from_env("SQITCH_FULLNAME").or_else(|| from_git("user.name"));
    let email = from_env("SQITCH_EMAIL").or_else(|| from_git("user.email"));
    if let (Some(name), Some(email)) = (name, email) {
        return format!("{name} <{email}>");
    }
    last_planner(plan).unwrap_or_else(|| "schema-lint <schema-lint@localhost>".to_string())
}

/// `Ada Lovelace <ada@example.org>` from the plan's last change line:
/// the words after its ISO 8601 time, up to the `>`.
fn last_planner(plan: &str) -> Option<String> {
    plan.lines().rev().find_map(|line| {
        let line = line.split(" #").next()?.trim();
        if line.starts_with(['%', '#', '@']) {
            return None;
        }
        let words: Vec<&str> = line.split_whitespace().collect();
        let time = words.iter().position(|w| {
            w.starts_with(|c: char| c.is_ascii_digit()) && w.contains('T') && w.ends_with('Z')
        })?;
        let planner = words.get(time + 1..)?.join(" ");
        planner.ends_with('>').then_some(planner)
    })
}

/// `create things` → `Create things.`
fn sentence(words: &str) -> String {
    let mut chars = words.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

// ----- Liquibase: a changeset appended ---------------------------------------

/// A changeset at the end of the newest changelog file: Liquibase checks
/// each changeset's own checksum, so the ones before it stay valid.
fn liquibase(target: &Target<'_>) -> Result<Plan, String> {
    let files = target.files();
    let Some(changelog) = files
        .iter()
        .rev()
        .find(|f| f.migration.name.role == Role::Up)
    else {
        return Err("the set has no changelog file to add a changeset to".to_string());
    };
    let path = changelog.source.path().to_path_buf();
    let text = read(&path)?;
    let changesets: Vec<(String, String)> = text
        .lines()
        .filter_map(|line| {
            let rest = line.trim().strip_prefix("--changeset")?;
            let id = rest.split_whitespace().next()?;
            let (author, id) = id.split_once(':')?;
            Some((author.to_string(), id.to_string()))
        })
        .collect();
    let author = changesets
        .last()
        .map_or_else(|| "schema-lint".to_string(), |(a, _)| a.clone());
    let id = match changesets.last() {
        Some((_, last)) if !last.is_empty() && last.bytes().all(|b| b.is_ascii_digit()) => {
            version::next(
                Numbering::LikeTheSet(Scheme::Sequence { width: 1 }),
                Some(last),
                target.now,
            )
        }
        _ => target.name.clone(),
    };
    if changesets.iter().any(|(a, i)| *a == author && *i == id) {
        return Err(format!(
            "`{}` already has a changeset `{author}:{id}`",
            crate::source::display_path(&path)
        ));
    }
    let separator = if text.ends_with('\n') { "\n" } else { "\n\n" };
    let mut added = format!(
        "{separator}--changeset {author}:{id}\n--comment: {}\n{}",
        sentence(&target.words),
        up_sql(&target.migration, "\n\n")
    );
    for statement in &target.migration.down {
        added.push_str(&format!("--rollback {statement}\n"));
    }
    Ok(Plan {
        creates: Vec::new(),
        updates: vec![Update {
            text: format!("{text}{added}"),
            path,
            added,
        }],
        notes: Vec::new(),
    })
}

// ----- graphile-migrate: current.sql ----------------------------------------

/// What graphile-migrate writes in a blank `current.sql`.
const GRAPHILE_BLANK: &str = "-- Enter migration here";

/// graphile-migrate has no "new" command: a migration is written in
/// `current.sql` (which `graphile-migrate watch` applies) and committed
/// with `graphile-migrate commit`, which hashes it into the chain of
/// committed migrations. A committed migration cannot be edited, so the
/// new one goes where graphile-migrate expects work in progress; a
/// `current.sql` that holds anything but the blank placeholder is never
/// replaced.
fn graphile(target: &Target<'_>, new: &NewMigration) -> Result<Plan, String> {
    let root = target.root();
    if root.join("current").is_dir() {
        return Err(format!(
            "`{}` keeps graphile-migrate's work in progress as files in `current/`; add one there yourself (`--dry-run` prints the SQL)",
            crate::source::display_path(root)
        ));
    }
    let path = root.join("current.sql");
    let body = format!("{}\n", target.migration.up.join("\n\n").trim());
    let files = target.files();
    let version = version::next(new.numbering, newest(&files).as_deref(), target.now);
    let committed = new
        .up
        .replace("{version}", &version)
        .replace("{name}", &target.words.replace(' ', "-"));
    let note = format!(
        "graphile-migrate: `graphile-migrate watch` applies current.sql; `graphile-migrate commit --message \"{}\"` commits it as `{committed}`",
        target.words
    );
    let mut plan = Plan {
        notes: vec![note],
        ..Plan::default()
    };
    match std::fs::read_to_string(&path) {
        Ok(text) if text.trim().is_empty() || text.trim() == GRAPHILE_BLANK => {
            plan.updates.push(Update {
                path,
                text: body.clone(),
                added: body,
            });
        }
        Ok(_) => {
            return Err(format!(
                "`{}` holds work in progress; commit it first (`graphile-migrate commit`), or add the new SQL to it yourself (`--dry-run` prints it)",
                crate::source::display_path(&path)
            ));
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => plan.creates.push((path, body)),
        Err(e) => {
            return Err(format!(
                "cannot read {}: {e}",
                crate::source::display_path(&path)
            ));
        }
    }
    Ok(plan)
}

// ----- Atlas: atlas.sum ----------------------------------------------------

/// `atlas.sum` with the new file: each file's hash is the SHA-256 of the
/// names and contents of it and every file before it, and the first line
/// is the SHA-256 of every name and hash. The sum must match the folder
/// first; a migration is never added to a sum Atlas would reject anyway.
fn atlas_sum(target: &Target<'_>, plan: &Plan) -> Result<Update, String> {
    let root = target.root();
    let path = root.join("atlas.sum");
    let text = read(&path)?;
    let stale = |what: &str| {
        format!(
            "`atlas.sum` does not match {what}; run `atlas migrate hash` first, then `schema-lint new` again"
        )
    };
    let mut hasher = sha2::Sha256::new();
    let mut lines: Vec<(String, String)> = Vec::new();
    for line in text.lines().skip(1).filter(|l| !l.trim().is_empty()) {
        let (name, hash) = line
            .rsplit_once(' ')
            .ok_or_else(|| stale("its own format"))?;
        let bytes =
            std::fs::read(root.join(name)).map_err(|_| stale(&format!("the folder (`{name}`)")))?;
        hasher.update(name.as_bytes());
        hasher.update(&bytes);
        let computed = format!("h1:{}", base64(&hasher.clone().finalize()));
        if computed != hash {
            return Err(stale(&format!("`{name}`")));
        }
        lines.push((name.to_string(), computed));
    }
    if text.lines().next().map(str::trim) != Some(total(&lines).as_str()) {
        return Err(stale("its files"));
    }
    // Only up files are summed (with `format = golang-migrate` too).
    let (up, up_text) = plan.creates.first().ok_or("no migration file")?;
    let name = file_name(up);
    hasher.update(name.as_bytes());
    hasher.update(up_text.as_bytes());
    let hash = format!("h1:{}", base64(&hasher.finalize()));
    let added = format!("{name} {hash}\n");
    lines.push((name, hash));
    let mut new_text = format!("{}\n", total(&lines));
    for (name, hash) in &lines {
        new_text.push_str(&format!("{name} {hash}\n"));
    }
    Ok(Update {
        path,
        text: new_text,
        added,
    })
}

/// The first line of `atlas.sum`.
fn total(lines: &[(String, String)]) -> String {
    let mut hasher = sha2::Sha256::new();
    for (name, hash) in lines {
        hasher.update(name.as_bytes());
        hasher.update(hash.trim_start_matches("h1:").as_bytes());
    }
    format!("h1:{}", base64(&hasher.finalize()))
}

/// Standard base64 with padding.
fn base64(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(char::from(ALPHABET[(n >> (18 - 6 * i) & 63) as usize]));
            } else {
                out.push('=');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_pads() {
        assert_eq!(base64(b""), "");
        assert_eq!(base64(b"f"), "Zg==");
        assert_eq!(base64(b"fo"), "Zm8=");
        assert_eq!(base64(b"foo"), "Zm9v");
        assert_eq!(base64(b"foob"), "Zm9vYg==");
    }

    #[test]
    fn journal_entries_keep_the_journal_layout() {
        let text = "{\n  \"version\": \"7\",\n  \"entries\": [\n    {\n      \"idx\": 0,\n      \"tag\": \"0000_a\"\n    }\n  ]\n}\n";
        let entry = JournalEntry {
            idx: 1,
            version: "\"7\"".to_string(),
            when: 5,
            tag: "0001_b".to_string(),
            breakpoints: true,
        };
        let (new_text, _) = insert_journal_entry(text, &entry).unwrap();
        assert!(new_text.contains("    },\n    {\n      \"idx\": 1,\n      \"version\": \"7\",\n      \"when\": 5,\n      \"tag\": \"0001_b\",\n      \"breakpoints\": true\n    }\n  ]\n}\n"), "{new_text}");
        let compact = "{\"entries\":[{\"idx\":0,\"tag\":\"a\"}]}";
        let (new_text, _) = insert_journal_entry(compact, &entry).unwrap();
        assert_eq!(plans::drizzle_journal(&new_text).unwrap().len(), 2);
    }

    #[test]
    fn breakpoints_between_statements() {
        let blocks = vec![
            "CREATE TABLE t (\n    id BIGINT\n);".to_string(),
            "-- why\nCREATE INDEX a ON t (id);\nCREATE INDEX b ON t (id);".to_string(),
        ];
        assert_eq!(
            with_breakpoints(&blocks),
            "CREATE TABLE t (\n    id BIGINT\n);\n--> statement-breakpoint\n-- why\nCREATE INDEX a ON t (id);\n--> statement-breakpoint\nCREATE INDEX b ON t (id);\n"
        );
    }

    #[test]
    fn planners() {
        let plan = "%project=x\n\na 2024-01-10T09:00:00Z Ada Lovelace <ada@example.org> # Add a.\n";
        assert_eq!(
            last_planner(plan).as_deref(),
            Some("Ada Lovelace <ada@example.org>")
        );
    }
}
