//! `schema-lint new NAME`: the next migration of a set, named, numbered
//! and laid out as the set's migration tool does it, with SQL that
//! follows the conventions the active configuration checks.
//!
//! - [`version`] numbers it (strictly after the newest migration);
//! - [`sql`] writes its SQL (a commented template, or `--table`);
//! - [`tools`] lays out its files per layout and updates the plan files
//!   some tools keep (Drizzle's journal, `sqitch.plan`, `atlas.sum`).

pub mod clock;
pub mod sql;
mod tools;
pub mod version;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use crate::cli::EXIT_CLEAN;
use crate::config::{CommandLine, Settings};
use crate::error::Error;
use crate::load::{LoadedSet, Project};
use crate::model::replay::replay;
use crate::source::{canonical, display_path};

use clock::Moment;
use sql::{Conventions, TableRequest};
use tools::{Plan, Target};

/// `schema-lint new`.
#[derive(Debug, clap::Args)]
pub struct NewArgs {
    /// What the migration does, e.g. `create invoices` (written in
    /// snake_case, or kebab-case when migration-filename's `name-case`
    /// says so).
    pub name: String,
    /// The migration set: its folder, or a file or folder in it (default:
    /// the only set under the config's `roots`, else under migrations/).
    #[arg(long, value_name = "PATH")]
    pub set: Option<PathBuf>,
    /// Create this table, following the conventions.
    #[arg(long, value_name = "TABLE")]
    pub table: Option<String>,
    /// Foreign keys to these tables of the set (comma-separated; the new
    /// table's own name makes a nullable parent link).
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "TABLE,...",
        requires = "table"
    )]
    pub references: Vec<String>,
    /// A status column referencing the lookup table `{DOMAIN}_statuses`.
    #[arg(long, value_name = "DOMAIN", requires = "table")]
    pub status: Option<String>,
    /// Print the files instead of writing them.
    #[arg(long)]
    pub dry_run: bool,
    /// Config file (default: schema-lint.toml or .schema-lint.toml here or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Read and write no cache of per-file facts: parse every file.
    #[arg(long)]
    pub no_cache: bool,
    /// The time to number the migration by instead of the clock
    /// (`2024-01-31T12:00:00Z`), for reproducible tests.
    #[arg(long, value_name = "TIME", hide = true)]
    pub now: Option<String>,
}

pub fn run(args: NewArgs) -> Result<u8, Error> {
    let cli = CommandLine {
        no_cache: args.no_cache,
        ..CommandLine::default()
    };
    let settings = crate::cli::load_settings(args.config.as_deref(), &cli)?;
    new_migration(&args, &settings)?;
    Ok(EXIT_CLEAN)
}

/// `--now`, else the clock.
pub(crate) fn moment(now: Option<&str>) -> Result<Moment, Error> {
    match now {
        Some(text) => Moment::parse(text).ok_or_else(|| {
            Error::Usage(format!(
                "`--now {text}` is not a UTC time such as 2024-01-31T12:00:00Z"
            ))
        }),
        None => Ok(Moment::now()),
    }
}

fn new_migration(args: &NewArgs, settings: &Settings) -> Result<(), Error> {
    let now = moment(args.now.as_deref())?;
    let (name, words) = migration_name(&args.name, settings)?;
    let paths = match &args.set {
        Some(set) => vec![set.clone()],
        None => crate::cli::lint_paths(&[], settings)
            .map_err(|error| Error::Input(format!("{error}; name the set with --set PATH")))?,
    };
    let (project, errors) = crate::lint::read(&paths, settings);
    if !errors.is_empty() {
        let consequence = if project.sets.is_empty() {
            NO_SET.to_string()
        } else {
            "the migration set cannot be read whole, so its newest version is not known".to_string()
        };
        return Err(Error::Incomplete {
            errors,
            consequence,
        });
    }
    let set = choose_set(&project, &paths, args.set.as_deref())?;
    let catalog = replay(&project, set);
    let conventions = Conventions::from_settings(settings);
    let migration = match &args.table {
        Some(table) => sql::create_table(&request(args, table), &catalog, &conventions)
            .map_err(Error::Usage)?,
        None => sql::template(&conventions),
    };
    let needs = migration
        .needs
        .iter()
        .filter_map(|table| catalog.tables.get(table))
        .map(|table| {
            project
                .file(table.created.file())
                .source
                .path()
                .to_path_buf()
        })
        .collect();
    let notes = migration.notes.clone();
    let target = Target {
        project: &project,
        set,
        name,
        words,
        now,
        migration,
        needs,
    };
    plan_and_write(&target, notes, args.dry_run)
}

/// Writes `migration` as the next migration of `set`, named `name`, in
/// the set's layout (or prints it, `dry_run`): what `schema-lint fix
/// --new-migration` writes through.
pub(crate) fn add_migration(
    project: &Project,
    set: &LoadedSet,
    name: &str,
    settings: &Settings,
    migration: sql::Migration,
    now: Moment,
    dry_run: bool,
) -> Result<(), Error> {
    let (name, words) = migration_name(name, settings)?;
    let notes = migration.notes.clone();
    let target = Target {
        project,
        set,
        name,
        words,
        now,
        migration,
        needs: Vec::new(),
    };
    plan_and_write(&target, notes, dry_run)
}

/// Plans the files of `target` and writes them (prints them, `dry_run`),
/// then the notes: the migration's, then the plan's.
fn plan_and_write(target: &Target<'_>, mut notes: Vec<String>, dry_run: bool) -> Result<(), Error> {
    // What keeps a plan from being made is in the set as it is: its
    // layout, versions and the plan files its tool keeps.
    let plan = tools::plan(target).map_err(Error::Input)?;
    notes.extend(plan.notes.iter().cloned());
    if dry_run {
        print_plan(&plan);
    } else {
        write_plan(&plan)?;
    }
    for note in notes {
        eprintln!("note: {note}");
    }
    Ok(())
}

fn request(args: &NewArgs, table: &str) -> TableRequest {
    TableRequest {
        table: table.to_string(),
        references: args.references.clone(),
        status: args.status.clone(),
    }
}

/// What to do where there is no set to add to.
const NO_SET: &str = "`schema-lint new` adds to an existing migration set: create the first migration with your migration tool";

/// NAME in the case `migration-filename` asks for (snake_case unless
/// kebab-case), and as words.
fn migration_name(text: &str, settings: &Settings) -> Result<(String, String), Error> {
    let snake = heck::ToSnakeCase::to_snake_case(text);
    let cleaned: String = snake
        .chars()
        .map(|c| {
            if c.is_ascii_lowercase() || c.is_ascii_digit() {
                c
            } else {
                '_'
            }
        })
        .collect();
    let words: Vec<&str> = cleaned.split('_').filter(|w| !w.is_empty()).collect();
    if words.is_empty() {
        return Err(Error::Usage(format!(
            "`{text}` has no letters or digits to name a migration by; say what it does, e.g. `create_invoices`"
        )));
    }
    let kebab = sql::option(
        settings,
        crate::rules::RuleId::MigrationFilename,
        "name-case",
    )
    .is_some_and(|case| case.as_str() == Some("kebab-case"));
    let separator = if kebab { "-" } else { "_" };
    Ok((words.join(separator), words.join(" ")))
}

/// The one set the paths hold, or the one `--set` names.
fn choose_set<'p>(
    project: &'p Project,
    paths: &[PathBuf],
    named: Option<&Path>,
) -> Result<&'p LoadedSet, Error> {
    let shown: Vec<String> = paths.iter().map(|p| display_path(p)).collect();
    match project.sets.as_slice() {
        [] => Err(Error::Input(format!(
            "no migration set found in {}; {NO_SET}",
            shown.join(", ")
        ))),
        [one] => Ok(one),
        many => {
            let wanted = named.map(canonical);
            if let Some(set) = many
                .iter()
                .find(|s| wanted.as_ref() == Some(&canonical(&s.root)))
            {
                return Ok(set);
            }
            Err(Error::SeveralSets {
                paths: shown.join(", "),
                sets: many
                    .iter()
                    .map(|s| format!("{} ({})", display_path(&s.root), s.layout))
                    .collect(),
                hint: "name one with --set",
            })
        }
    }
}

/// `--dry-run`: each file as it would be written, each change as it
/// would be added.
fn print_plan(plan: &Plan) {
    let mut out = String::new();
    for (path, text) in &plan.creates {
        out.push_str(&format!("==> {} <==\n{text}\n", display_path(path)));
    }
    for update in &plan.updates {
        out.push_str(&format!(
            "==> {} (added) <==\n{}\n",
            display_path(&update.path),
            update.added.trim_start_matches(['\n', ','])
        ));
    }
    let _ = std::io::stdout().lock().write_all(out.as_bytes());
}

/// Writes the new files (never over an existing one) and the changed
/// plan files, and prints their paths.
fn write_plan(plan: &Plan) -> Result<(), Error> {
    for (path, _) in &plan.creates {
        if path.exists() {
            return Err(Error::Output(format!(
                "{} already exists; schema-lint new never overwrites a file",
                display_path(path)
            )));
        }
    }
    let mut written = Vec::new();
    for (path, text) in &plan.creates {
        create_new(path, text).map_err(|e| {
            Error::Output(format!(
                "cannot write {}: {e}{}",
                display_path(path),
                wrote(&written)
            ))
        })?;
        written.push(path.clone());
    }
    for update in &plan.updates {
        std::fs::write(&update.path, &update.text).map_err(|e| {
            Error::Output(format!(
                "cannot write {}: {e}{}",
                display_path(&update.path),
                wrote(&written)
            ))
        })?;
        written.push(update.path.clone());
    }
    let mut out = std::io::stdout().lock();
    for path in &written {
        let _ = writeln!(out, "{}", display_path(path));
    }
    Ok(())
}

fn create_new(path: &Path, text: &str) -> std::io::Result<()> {
    if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
        std::fs::create_dir_all(parent)?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)?;
    file.write_all(text.as_bytes())
}

/// What was written before a failure, so the user can clean up.
fn wrote(written: &[PathBuf]) -> String {
    if written.is_empty() {
        return String::new();
    }
    let paths: Vec<String> = written.iter().map(|p| display_path(p)).collect();
    format!(" (already written: {})", paths.join(", "))
}
