//! `migration-filename`: file names follow the set layout's convention;
//! versions are unique (and, for new files, later than every existing one).
//!
//! Three kinds of finding, each about one file:
//! - the name: a file the layout's tool would not apply, a version that is
//!   not the layout's format or not a real date-time, a name that is not
//!   snake_case (see `Options::name_case`);
//! - the pairs: a down migration without its up (and, with
//!   `require-down`, an up without its down);
//! - the versions: two migrations with the same version number, reported on
//!   the later one with the earlier one as a related location.
//!
//! Version order is checked by `version_findings`, which also takes the
//! files a change adds (`new_files`): a new migration must come after
//! every existing one. The rule itself passes no new files; `--diff`,
//! which knows what a change adds, is meant to pass them.

use crate::rules::Reporter;
use std::collections::BTreeSet;

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::layout::Shape;
use crate::discover::{Layout, Role, Version};
use crate::load::LoadedFile;
use crate::rules::{Context, Rule, RuleDef, RuleId, file_origin};
use crate::source::FileId;

/// How the name part of a migration (after the version) must be written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
pub enum NameCase {
    /// `add_user_email`: lower-case ASCII letters and digits joined by `_`.
    #[serde(rename = "snake_case")]
    Snake,
    /// `add-user-email`.
    #[serde(rename = "kebab-case")]
    Kebab,
    /// Either of the above (no spaces, no capitals).
    #[serde(rename = "lowercase")]
    Lower,
    /// Not checked.
    #[serde(rename = "any")]
    Any,
}

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// sqlx versions must be `YYYYMMDDHHMMSS` timestamps, diesel versions
    /// `YYYY-MM-DD-HHMMSS`, and any 14-digit version a real date-time.
    pub timestamps: bool,
    /// How the name after the version is written.
    pub name_case: NameCase,
    /// Every up migration of a layout with down files (sqlx `.up.sql`,
    /// golang-migrate, diesel) needs its down migration.
    pub require_down: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            timestamps: true,
            name_case: NameCase::Snake,
            require_down: false,
        }
    }
}

pub struct MigrationFilename {
    options: Options,
}

pub static DEF: RuleDef = RuleDef {
    id: RuleId::MigrationFilename,
    name: "migration-filename",
    default_severity: Some(Severity::Error),
    summary: "file names follow the layout's convention (sqlx: `{YYYYMMDDHHMMSS}_{snake_case}.sql`); versions are unique and strictly increasing",
    doc: include_str!("../../rules/migration-filename.md"),
    target: crate::rules::Target::Files,
    // Down files have names to judge too.
    judges_down_migrations: true,
};

impl Rule for MigrationFilename {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        MigrationFilename { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        let layout = cx.set.layout;
        if !names_judged(layout) {
            // No convention to hold the names to, or the tool's own plan
            // names the files (sqitch, Drizzle, Liquibase).
            return;
        }
        let files: Vec<&LoadedFile> = cx.files().collect();
        let mut judged_folders = BTreeSet::new();
        for file in &files {
            if is_folder_layout(layout) && file.migration.name.hint == layout {
                // One finding per migration folder, on the first of its
                // files that is reported (up.sql unless only down.sql was
                // named).
                let folder = file.migration.path.parent().map(|p| p.to_path_buf());
                if !file.reported() || !judged_folders.insert(folder) {
                    continue;
                }
            }
            let origin = file_origin(file);
            if !out.reports(&origin) {
                continue;
            }
            for problem in self.judge_name(layout, file) {
                out.push(Diagnostic::new(DEF.id, &origin, problem.message).help(problem.help));
            }
        }
        out.extend(pair_findings(layout, &files, self.options.require_down));
        // With `--diff`, the files the branch adds are new.
        out.extend(version_findings(layout, &files, &cx.project.added));
    }
}

/// What is wrong with one file's name.
struct Problem {
    message: String,
    help: String,
}

impl Problem {
    fn new(message: impl Into<String>, help: impl Into<String>) -> Self {
        Problem {
            message: message.into(),
            help: help.into(),
        }
    }
}

/// The name of a file as its tool sees it: diesel migrations are folders.
struct Written {
    /// `20240101000000_add_users.sql`, or the diesel folder's name.
    text: String,
    /// `file` or `folder`, for messages.
    what: &'static str,
    /// Byte offset of the migration's name in `text`.
    name_at: Option<usize>,
}

fn written(file: &LoadedFile) -> Written {
    let path = &file.migration.path;
    let name_of = |p: Option<&std::path::Path>| {
        p.and_then(|p| p.file_name())
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default()
    };
    let name = &file.migration.name;
    if is_folder_layout(name.hint) {
        let folder = name_of(path.parent());
        let name_at = name.version.as_ref().map(|v| v.text().len() + 1);
        return Written {
            text: folder,
            what: "folder",
            name_at,
        };
    }
    let text = name_of(Some(path));
    let name_at = match (&name.version, name.hint, name.role) {
        (None, Layout::Flyway, _) => Some("R__".len()),
        (Some(v), Layout::Flyway, _) => Some(1 + v.text().len() + "__".len()),
        (Some(v), _, _) => Some(v.text().len() + 1),
        (None, _, _) => None,
    };
    Written {
        text,
        what: "file",
        name_at,
    }
}

impl MigrationFilename {
    fn judge_name(&self, layout: Layout, file: &LoadedFile) -> Vec<Problem> {
        let name = &file.migration.name;
        let shown = written(file);
        if !recognised(layout, name.hint) {
            let mut help = format!(
                "{} applies only files named {}; rename it, or move it out of the migrations folder",
                tool(layout),
                pattern(layout, self.options.timestamps)
            );
            if layout == Layout::GolangMigrate
                && matches!(name.hint, Layout::Sqlx | Layout::Numbered)
            {
                help.push_str(
                    "; if this is a sqlx project with reversible migrations, set `layout = \"sqlx\"` in schema-lint.toml",
                );
            }
            return vec![Problem::new(
                format!(
                    "`{}` is not a migration file name the {layout} layout recognises",
                    shown.text
                ),
                help,
            )];
        }
        let mut problems = Vec::new();
        if let Some(version) = &name.version
            && self.options.timestamps
            && let Some(problem) = judge_version(layout, version, &shown)
        {
            problems.push(problem);
        }
        if let Some(problem) = self.judge_case(&name.name, &shown) {
            problems.push(problem);
        }
        problems
    }

    fn judge_case(&self, name: &str, shown: &Written) -> Option<Problem> {
        let case = self.options.name_case;
        if name.is_empty() {
            return Some(Problem::new(
                format!(
                    "migration {} `{}` has no name after its version",
                    shown.what, shown.text
                ),
                "name it after what it does, e.g. `…_create_users`",
            ));
        }
        if follows(name, case) {
            return None;
        }
        let fixed = convert(name, case);
        let what = match case {
            NameCase::Snake => "snake_case",
            NameCase::Kebab => "kebab-case",
            NameCase::Lower | NameCase::Any => "lower case without spaces",
        };
        let renamed = shown.name_at.and_then(|at| {
            let head = shown.text.get(..at)?;
            let tail = shown.text.get(at + name.len()..)?;
            Some(format!("{head}{fixed}{tail}"))
        });
        let help = match renamed {
            Some(renamed) if !fixed.is_empty() && shown.what == "folder" => format!(
                "rename the folder to `{renamed}` (diesel accepts any folder name, but spaces and capitals need quoting in every shell command and stand out among the other migrations)"
            ),
            Some(renamed) if !fixed.is_empty() => {
                format!("rename the {} to `{renamed}`", shown.what)
            }
            _ => "name it after what it does, in lower case words joined by `_`".to_string(),
        };
        Some(Problem::new(
            format!(
                "migration name `{name}` (in {} `{}`) is not {what}",
                shown.what, shown.text
            ),
            help,
        ))
    }
}

/// Layouts whose file names this rule judges: not the unversioned
/// fallback, and not the layouts whose plan names the files (sqitch,
/// Drizzle, Liquibase) or whose names the tool generates in its own style
/// (graphile-migrate's `000001-message`, numbered folders' bare ids).
fn names_judged(layout: Layout) -> bool {
    !matches!(
        layout,
        Layout::Unversioned
            | Layout::Sqitch
            | Layout::Drizzle
            | Layout::Liquibase
            | Layout::GraphileMigrate
            | Layout::NumberedFolders
    )
}

fn is_folder_layout(layout: Layout) -> bool {
    matches!(layout.facts().shape, Shape::Folders { .. })
}

/// Whether a file whose name is typical of `hint` is applied by the tool
/// of `layout`.
fn recognised(layout: Layout, hint: Layout) -> bool {
    match layout {
        // Simple `.sql` and reversible `.up.sql`/`.down.sql` migrations.
        Layout::Sqlx => matches!(
            hint,
            Layout::Sqlx | Layout::Numbered | Layout::GolangMigrate
        ),
        // Atlas reads golang-migrate folders too (`format = "golang-migrate"`).
        Layout::Atlas => matches!(
            hint,
            Layout::Sqlx | Layout::Numbered | Layout::GolangMigrate
        ),
        // One file per version, sections inside.
        Layout::Dbmate | Layout::Goose | Layout::Numbered | Layout::Tern | Layout::Supabase => {
            matches!(hint, Layout::Sqlx | Layout::Numbered)
        }
        _ if !names_judged(layout) => true,
        _ => hint == layout,
    }
}

fn tool(layout: Layout) -> &'static str {
    layout.facts().tool
}

/// The file names a layout's tool applies, for help texts.
fn pattern(layout: Layout, timestamps: bool) -> &'static str {
    match (layout, timestamps) {
        (Layout::Sqlx, true) => {
            "`{YYYYMMDDHHMMSS}_{name}.sql` (reversible: `.up.sql` and `.down.sql`)"
        }
        (Layout::Diesel, true) => {
            "`up.sql` and `down.sql` in a `{YYYY-MM-DD-HHMMSS}_{name}` folder"
        }
        (Layout::Diesel, false) => "`up.sql` and `down.sql` in a `{version}_{name}` folder",
        _ => layout.facts().files,
    }
}

/// The version's format (sqlx and diesel versions are timestamps) and, for
/// a timestamp, whether it is a real date-time.
fn judge_version(layout: Layout, version: &Version, shown: &Written) -> Option<Problem> {
    let text = version.text();
    let digits: Option<&str> = match layout {
        Layout::Diesel => match diesel_timestamp(text) {
            Some(digits) => Some(digits),
            None if is_digits(text, 14) => Some(text),
            None => {
                return Some(Problem::new(
                    format!(
                        "diesel version `{text}` (in folder `{}`) is not a `YYYY-MM-DD-HHMMSS` timestamp",
                        shown.text
                    ),
                    "`diesel migration generate <name>` names folders `YYYY-MM-DD-HHMMSS_<name>`; diesel applies migrations in version order, so a version that is not the creation time misplaces the migration",
                ));
            }
        },
        Layout::Sqlx if !is_digits(text, 14) => {
            return Some(Problem::new(
                format!(
                    "sqlx version `{text}` (in file `{}`) is not a `YYYYMMDDHHMMSS` timestamp",
                    shown.text
                ),
                "`sqlx migrate add <name>` names files by the time they were created, `YYYYMMDDHHMMSS_<name>.sql`; for sequential versions set `timestamps = false` under [rules.migration-filename]",
            ));
        }
        // Other layouts allow any number; 14 digits are read as a timestamp.
        _ => is_digits(text, 14).then_some(text),
    };
    let reason = timestamp_error(digits?)?;
    Some(Problem::new(
        format!(
            "version `{text}` (in {} `{}`) is not a real date-time: {reason}",
            shown.what, shown.text
        ),
        "a timestamp version is the time the migration was written (YYYYMMDDHHMMSS); use the real time, so that the migration sorts where it belongs",
    ))
}

fn is_digits(text: &str, len: usize) -> bool {
    text.len() == len && text.bytes().all(|b| b.is_ascii_digit())
}

/// The 14 digits of diesel's `YYYY-MM-DD-HHMMSS`, also with the `-NNNN`
/// suffix recent diesel versions add.
fn diesel_timestamp(text: &str) -> Option<&str> {
    let parts: Vec<&str> = text.split('-').collect();
    let shape_ok = match parts.as_slice() {
        [y, m, d, t] => is_digits(y, 4) && is_digits(m, 2) && is_digits(d, 2) && is_digits(t, 6),
        [y, m, d, t, n] => {
            is_digits(y, 4)
                && is_digits(m, 2)
                && is_digits(d, 2)
                && is_digits(t, 6)
                && is_digits(n, 4)
        }
        _ => false,
    };
    // Only the shape is checked here; the date-time itself is judged on
    // the digits (see `timestamp_error`).
    shape_ok.then_some(text)
}

/// Why 14 digits are not a plausible `YYYYMMDDHHMMSS`; `None` if they are.
/// Year 0000 is accepted as a setup migration placed before every dated
/// one (diesel's `00000000000000_diesel_initial_setup` and the
/// `00000000000001_…` that follow its example).
fn timestamp_error(digits: &str) -> Option<String> {
    let digits: String = digits
        .chars()
        .filter(char::is_ascii_digit)
        .take(14)
        .collect();
    if digits.len() != 14 {
        return Some("it is not 14 digits".to_string());
    }
    let field = |at: usize, len: usize| digits[at..at + len].parse::<u32>().unwrap_or(u32::MAX);
    let (year, month, day) = (field(0, 4), field(4, 2), field(6, 2));
    let (hour, minute, second) = (field(8, 2), field(10, 2), field(12, 2));
    if year == 0 {
        return None;
    }
    if !(1970..=2099).contains(&year) {
        return Some(format!("year {year} is outside 1970–2099"));
    }
    if !(1..=12).contains(&month) {
        return Some(format!("month {month:02} is not 01–12"));
    }
    let leap = (year % 4 == 0 && year % 100 != 0) || year % 400 == 0;
    let days = match month {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    if !(1..=days).contains(&day) {
        return Some(format!("day {day:02} is not a day of {year}-{month:02}"));
    }
    if hour > 23 {
        return Some(format!("hour {hour:02} is not 00–23"));
    }
    if minute > 59 {
        return Some(format!("minute {minute:02} is not 00–59"));
    }
    if second > 59 {
        return Some(format!("second {second:02} is not 00–59"));
    }
    None
}

fn follows(name: &str, case: NameCase) -> bool {
    let words = |separator: char| {
        name.split(separator).all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        })
    };
    match case {
        NameCase::Snake => words('_'),
        NameCase::Kebab => words('-'),
        NameCase::Lower => name.split(['_', '-']).all(|word| {
            !word.is_empty()
                && word
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        }),
        NameCase::Any => true,
    }
}

/// `Add email notifications` → `add_email_notifications`,
/// `AddUserEmail` → `add_user_email`; `-` instead of `_` for kebab-case.
/// Characters other than ASCII letters and digits separate words.
fn convert(name: &str, case: NameCase) -> String {
    let separator = match case {
        NameCase::Kebab => '-',
        _ => '_',
    };
    let mut words: Vec<String> = Vec::new();
    let mut current = String::new();
    let mut previous: Option<char> = None;
    for c in name.chars() {
        if c.is_ascii_alphanumeric() {
            // `addUser`, `HTTPServer` → a new word at the capital.
            let boundary = c.is_ascii_uppercase()
                && previous.is_some_and(|p| p.is_ascii_lowercase() || p.is_ascii_digit());
            if boundary && !current.is_empty() {
                words.push(std::mem::take(&mut current));
            }
            current.push(c.to_ascii_lowercase());
        } else if case == NameCase::Lower && (c == '-' || c == '_') {
            if !current.is_empty() {
                current.push(c);
            }
        } else if !current.is_empty() {
            words.push(std::mem::take(&mut current));
        }
        previous = Some(c);
    }
    words.push(current);
    let words: Vec<&str> = words
        .iter()
        .map(|w| w.trim_matches(['_', '-']))
        .filter(|w| !w.is_empty())
        .collect();
    words.join(&separator.to_string())
}

/// A versioned migration file that its layout recognises.
struct Entry<'a> {
    file: &'a LoadedFile,
    version: &'a Version,
    role: Role,
}

/// Files the layout does not recognise are already reported as such and
/// left out.
fn entries<'a>(layout: Layout, files: &[&'a LoadedFile]) -> Vec<Entry<'a>> {
    files
        .iter()
        .filter(|f| recognised(layout, f.migration.name.hint))
        .filter(|f| f.migration.name.hint != Layout::Unversioned)
        .filter_map(|f| {
            Some(Entry {
                file: f,
                version: f.migration.name.version.as_ref()?,
                role: f.migration.name.role,
            })
        })
        .collect()
}

/// Indexes of the entries that share a version number, each group in
/// migration order (sorting by version keeps this linear-logarithmic for
/// large sets). One list holds every group, each a range of it: a set of
/// thousands of files has as many groups, nearly all of one file.
struct Groups {
    order: Vec<usize>,
    bounds: Vec<std::ops::Range<usize>>,
}

impl Groups {
    fn iter(&self) -> impl Iterator<Item = &[usize]> {
        self.bounds.iter().map(|range| &self.order[range.clone()])
    }
}

fn same_number(entries: &[Entry<'_>]) -> Groups {
    let mut order: Vec<usize> = (0..entries.len()).collect();
    order.sort_by(|&a, &b| entries[a].version.cmp(entries[b].version).then(a.cmp(&b)));
    let mut bounds: Vec<std::ops::Range<usize>> = Vec::new();
    for (at, &i) in order.iter().enumerate() {
        match bounds.last_mut() {
            Some(group)
                if entries[order[group.start]]
                    .version
                    .same_number(entries[i].version) =>
            {
                group.end = at + 1;
            }
            _ => bounds.push(at..at + 1),
        }
    }
    for range in &bounds {
        if range.len() > 1 {
            order[range.clone()].sort_unstable();
        }
    }
    Groups { order, bounds }
}

fn display(file: &LoadedFile) -> String {
    file.source.display_path()
}

/// Down migrations without their up migration; with `require_down`, up
/// migrations without their down (in the layouts that have down files).
fn pair_findings(layout: Layout, files: &[&LoadedFile], require_down: bool) -> Vec<Diagnostic> {
    let entries = entries(layout, files);
    // For each entry, the roles present among the entries of its number.
    let mut roles: Vec<(bool, bool)> = vec![(false, false); entries.len()];
    for group in same_number(&entries).iter() {
        let up = group.iter().any(|&i| entries[i].role == Role::Up);
        let down = group.iter().any(|&i| entries[i].role == Role::Down);
        for &i in group {
            roles[i] = (up, down);
        }
    }
    let mut out = Vec::new();
    for (entry, &(has_up, has_down)) in entries.iter().zip(&roles) {
        // Named only in a finding: most entries have none.
        match entry.role {
            Role::Down if !has_up => {
                let name = display(entry.file);
                let (message, help) = if is_folder_layout(layout) {
                    (
                        format!("`{name}` has no `up.sql` beside it"),
                        "the tool applies a migration folder's `up.sql`; add it, or delete the folder",
                    )
                } else {
                    (
                        format!(
                            "down migration `{name}` has no up migration with version `{}`",
                            entry.version.text()
                        ),
                        "a down migration undoes the up migration of the same version; rename it to match its up migration, or delete it",
                    )
                };
                out.push(Diagnostic::new(DEF.id, &file_origin(entry.file), message).help(help));
            }
            Role::Up if require_down && !has_down && needs_down(layout, entry.file) => {
                let name = display(entry.file);
                let help = if is_folder_layout(layout) {
                    "add a `down.sql` that undoes `up.sql` (`require-down = true`)".to_string()
                } else {
                    let stem = name.rsplit('/').next().unwrap_or(&name);
                    let down = stem
                        .strip_suffix(".up.sql")
                        .map(|s| format!("`{s}.down.sql`"))
                        .unwrap_or_else(|| "a `.down.sql` file".to_string());
                    format!("add {down} that undoes it (`require-down = true`)")
                };
                out.push(
                    Diagnostic::new(
                        DEF.id,
                        &file_origin(entry.file),
                        format!("migration `{name}` has no down migration"),
                    )
                    .help(help),
                );
            }
            _ => {}
        }
    }
    out
}

/// Layouts whose up migrations come with a down file.
fn needs_down(layout: Layout, file: &LoadedFile) -> bool {
    match layout {
        Layout::Diesel | Layout::Hasura | Layout::NumberedFolders | Layout::GolangMigrate => true,
        // Simple sqlx migrations are irreversible by design.
        Layout::Sqlx => file.migration.name.hint == Layout::GolangMigrate,
        _ => false,
    }
}

/// Version findings for the files of one set, in migration order:
/// - two up (or two down) migrations with the same version number: on the
///   later one, with the others as related locations (when only the
///   earlier one is reported, on it instead, so that a pre-commit run that
///   names only the earlier file still sees it);
/// - a file in `new_files` whose version is not after every file not in
///   `new_files` (a migration added with an older version is skipped or
///   refused by databases that already ran the newer ones).
pub fn version_findings(
    layout: Layout,
    files: &[&LoadedFile],
    new_files: &BTreeSet<FileId>,
) -> Vec<Diagnostic> {
    let entries = entries(layout, files);
    let mut out = Vec::new();
    // Prisma records a migration by its whole folder name: two folders
    // with the same timestamp are two migrations, applied in name order.
    let versions_identify = layout != Layout::Prisma;
    let numbered = same_number(&entries);
    let groups = numbered
        .iter()
        .filter(|group| versions_identify && group.len() > 1)
        .flat_map(|group| {
            [Role::Up, Role::Down].map(|role| {
                group
                    .iter()
                    .copied()
                    .filter(|&i| entries[i].role == role)
                    .collect::<Vec<usize>>()
            })
        });
    for group in groups {
        if group.len() < 2 {
            continue;
        }
        let later_reported = group[1..].iter().any(|&j| entries[j].file.reported());
        let primaries: Vec<usize> = if later_reported {
            group[1..].to_vec()
        } else {
            vec![group[0]]
        };
        for primary in primaries {
            let entry = &entries[primary];
            let others: Vec<&Entry> = group
                .iter()
                .filter(|&&j| j != primary)
                .map(|&j| &entries[j])
                .collect();
            // One line, however many share the version: the others are
            // all in `related`.
            let mut names: Vec<String> = others
                .iter()
                .take(2)
                .map(|o| format!("`{}`", display(o.file)))
                .collect();
            if others.len() > 2 {
                names.push(format!("{} more", others.len() - 2));
            }
            let mut diagnostic = Diagnostic::new(
                DEF.id,
                &file_origin(entry.file),
                format!(
                    "version `{}` is also the version of {}",
                    entry.version.text(),
                    names.join(", ")
                ),
            )
            .help("each migration needs its own version: migration tools refuse to run, or silently skip, a second migration with a version they know; give the newer migration a new, later version");
            for other in others {
                diagnostic = diagnostic.related(
                    &file_origin(other.file),
                    format!("the same version (`{}`)", other.version.text()),
                );
            }
            out.push(diagnostic);
        }
    }
    // New files must come after every existing one.
    let newest_existing = entries
        .iter()
        .filter(|e| !new_files.contains(&e.file.id))
        .max_by(|a, b| a.version.cmp(b.version));
    if let Some(newest) = newest_existing {
        for entry in entries.iter().filter(|e| new_files.contains(&e.file.id)) {
            if entry.version < newest.version && !entry.version.same_number(newest.version) {
                out.push(
                    Diagnostic::new(
                        DEF.id,
                        &file_origin(entry.file),
                        format!(
                            "new migration `{}` has version `{}`, older than the existing migration `{}` (`{}`)",
                            display(entry.file),
                            entry.version.text(),
                            display(newest.file),
                            newest.version.text()
                        ),
                    )
                    .help("databases that already ran the newer migration skip an older one, or refuse to run; give it a version after every existing migration")
                    .related(&file_origin(newest.file), "the newest existing migration")
                    .at_most(Severity::Warning),
                );
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::MigrationFile;
    use crate::discover::layout::classify;
    use crate::load::parse_source;
    use crate::source::SourceFile;
    use std::path::PathBuf;

    fn files(names: &[&str]) -> Vec<LoadedFile> {
        names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                let migration = MigrationFile {
                    path: std::path::Path::new(name).into(),
                    resolved: PathBuf::new().into_boxed_path(),
                    name: classify(name),
                    reported: true,
                };
                let source = SourceFile::new(PathBuf::from(name), "SELECT 1;\n".to_string());
                parse_source(FileId::new(i), migration, source)
            })
            .collect()
    }

    #[test]
    fn new_files_come_after_existing_ones() {
        let loaded = files(&[
            "20240101000000_a.sql",
            "20240102000000_b.sql",
            "20240103000000_c.sql",
        ]);
        let refs: Vec<&LoadedFile> = loaded.iter().collect();
        // No new files: nothing to say.
        assert!(version_findings(Layout::Sqlx, &refs, &BTreeSet::new()).is_empty());
        // b is new but older than c, which exists.
        let found = version_findings(Layout::Sqlx, &refs, &BTreeSet::from([FileId(1)]));
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].file, FileId(1));
        assert_eq!(found[0].related_places()[0].origin.file(), FileId(2));
        // c is new and the newest: fine.
        assert!(version_findings(Layout::Sqlx, &refs, &BTreeSet::from([FileId(2)])).is_empty());
    }

    #[test]
    fn duplicates_by_number_not_text() {
        let loaded = files(&["0003_a.up.sql", "3_b.up.sql", "3_b.down.sql"]);
        let refs: Vec<&LoadedFile> = loaded.iter().collect();
        let found = version_findings(Layout::GolangMigrate, &refs, &BTreeSet::new());
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].file, FileId(1));
        assert_eq!(found[0].related_places().len(), 1);
    }

    #[test]
    fn timestamps() {
        assert_eq!(timestamp_error("20240229235959"), None);
        assert_eq!(timestamp_error("00000000000000"), None);
        assert_eq!(timestamp_error("00000000000001"), None);
        assert!(
            timestamp_error("20230229000000")
                .unwrap()
                .contains("day 29")
        );
        assert!(
            timestamp_error("20241301000000")
                .unwrap()
                .contains("month 13")
        );
        assert!(
            timestamp_error("20230402418590")
                .unwrap()
                .contains("hour 41")
        );
        assert!(
            timestamp_error("20230402235990")
                .unwrap()
                .contains("second 90")
        );
        assert!(timestamp_error("19690101000000").unwrap().contains("year"));
        assert_eq!(timestamp_error("2019-11-15-182353-0000"), None);
    }

    #[test]
    fn diesel_versions() {
        assert!(diesel_timestamp("2019-11-15-182353").is_some());
        assert!(diesel_timestamp("2026-05-11-183755-0000").is_some());
        assert!(diesel_timestamp("2019-11-15").is_none());
        assert!(diesel_timestamp("2019-1-15-182353").is_none());
        assert!(diesel_timestamp("20191115182353").is_none());
    }

    #[test]
    fn name_cases() {
        assert!(follows("add_users", NameCase::Snake));
        assert!(follows("v1_0_56", NameCase::Snake));
        assert!(!follows("add-users", NameCase::Snake));
        assert!(!follows("Add users", NameCase::Snake));
        assert!(!follows("add__users", NameCase::Snake));
        assert!(!follows("_add", NameCase::Snake));
        assert!(follows("add-users", NameCase::Kebab));
        assert!(follows("add-users_v2", NameCase::Lower));
        assert!(!follows("add users", NameCase::Lower));
        assert!(follows("Whatever You Like", NameCase::Any));
    }

    #[test]
    fn conversions() {
        assert_eq!(
            convert("Add email notifications to crate owners", NameCase::Snake),
            "add_email_notifications_to_crate_owners"
        );
        assert_eq!(convert("AddUserEmail", NameCase::Snake), "add_user_email");
        assert_eq!(
            convert("add-token-scopes", NameCase::Snake),
            "add_token_scopes"
        );
        assert_eq!(
            convert("add_token scopes", NameCase::Kebab),
            "add-token-scopes"
        );
        assert_eq!(
            convert("Add token-scopes", NameCase::Lower),
            "add_token-scopes"
        );
        assert_eq!(convert("x.postgres", NameCase::Snake), "x_postgres");
        assert_eq!(convert("--", NameCase::Snake), "");
        assert_eq!(convert("naïve", NameCase::Snake), "na_ve");
    }
}
