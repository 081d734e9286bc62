//! Schema documentation from the model: `schema-lint schema` (an ERD in
//! Mermaid or Graphviz, the schema reference in Markdown, the model as
//! JSON, the impact of deleting a row) and `schema-lint conventions`.
//!
//! Every renderer reads a [`SchemaView`]: a `Catalog` and, where it came
//! from migrations, the files its objects were written in. The schema of
//! a live database (`schema-lint db`) can be documented the same way,
//! without places.

pub mod cascade;
pub mod conventions;
pub mod dot;
pub mod json;
pub mod markdown;
pub mod mermaid;
pub mod view;

use std::io::Write as _;
use std::path::{Path, PathBuf};

use clap::ValueEnum;

use crate::cli::{EXIT_CLEAN, ReadArgs};
use crate::config::{CommandLine, Settings};
use crate::error::Error;
use crate::load::{LoadedSet, Project};
use crate::model::replay::replay;
use crate::model::{Catalog, QualifiedName, Table};
use crate::source::display_path;

pub use view::{SchemaView, TableFilter};

/// `schema-lint schema`.
#[derive(Debug, clap::Args)]
pub struct SchemaArgs {
    /// The migration set: its folder, or files or folders in it (default:
    /// the config's `roots`, else migrations/).
    pub paths: Vec<PathBuf>,
    /// `markdown` (the schema reference), `mermaid` or `dot` (a diagram),
    /// `json` (the model); with --cascade: `text` or `json`.
    #[arg(long, value_enum)]
    pub format: Option<SchemaFormat>,
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Only the tables matching these globs (comma-separated; `auth.*`,
    /// `scene*`).
    #[arg(long, value_delimiter = ',', value_name = "GLOB,...")]
    pub tables: Vec<String>,
    /// Leave out the tables matching these globs (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "GLOB,...")]
    pub exclude: Vec<String>,
    /// What deleting one row of TABLE does, and updating its key, through
    /// every foreign key, transitively.
    #[arg(long, value_name = "TABLE")]
    pub cascade: Option<String>,
    /// Config file (default: schema-lint.toml or .schema-lint.toml here or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Document a live database instead of migrations (as `schema-lint db`
    /// reads it; `-` for the DATABASE_URL environment variable).
    #[arg(long, value_name = "URL", conflicts_with = "paths")]
    pub url: Option<String>,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum SchemaFormat {
    Markdown,
    Mermaid,
    Dot,
    Json,
    /// The cascade tree (with --cascade).
    Text,
}

/// `schema-lint conventions`.
#[derive(Debug, clap::Args)]
pub struct ConventionsArgs {
    /// Write to this file instead of standard output.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output: Option<PathBuf>,
    /// Config file (default: schema-lint.toml or .schema-lint.toml here or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
}

pub fn run(args: SchemaArgs) -> Result<u8, Error> {
    let cli = CommandLine {
        max_file_size: args.read.max_file_size,
        no_cache: args.read.no_cache,
        ..CommandLine::default()
    };
    let settings = crate::cli::load_settings(args.config.as_deref(), &cli)?;
    let text = document(&args, &settings)?;
    write_out(&text, args.output.as_deref())?;
    Ok(EXIT_CLEAN)
}

pub fn run_conventions(args: ConventionsArgs) -> Result<u8, Error> {
    let settings = crate::cli::load_settings(args.config.as_deref(), &CommandLine::default())?;
    write_out(&conventions::render(&settings), args.output.as_deref())?;
    Ok(EXIT_CLEAN)
}

/// The document `args` ask for, from the one migration set they name.
fn document(args: &SchemaArgs, settings: &Settings) -> Result<String, Error> {
    if let Some(url) = &args.url {
        return live_document(args, url, settings);
    }
    let paths = crate::cli::lint_paths(&args.paths, settings)?;
    let (project, errors) = crate::lint::read(&paths, settings);
    if !errors.is_empty() {
        return Err(Error::Incomplete {
            errors,
            consequence: "the migration set cannot be read whole, so its schema is not known"
                .to_string(),
        });
    }
    let set = only_set(&project, &paths)?;
    let catalog = replay(&project, set);
    let source_name = display_path(&set.root);
    if let Some(table) = &args.cascade {
        return cascade_document(&catalog, Some(&project), table, args.format);
    }
    let filter = TableFilter::new(&args.tables, &args.exclude).map_err(Error::Usage)?;
    let view = SchemaView::new(&catalog, Some(&project), &filter, source_name);
    if view.tables.is_empty() && !catalog.tables.is_empty() {
        return Err(no_table_left());
    }
    render(&view, args.format.unwrap_or(SchemaFormat::Markdown))
}

fn no_table_left() -> Error {
    Error::Usage("--tables/--exclude leave no table to document".to_string())
}

/// Renders a schema in one of the document formats.
pub fn render(view: &SchemaView<'_>, format: SchemaFormat) -> Result<String, Error> {
    Ok(match format {
        SchemaFormat::Markdown => markdown::render(view),
        SchemaFormat::Mermaid => {
            let text = mermaid::render(view);
            if text.len() > mermaid::MAX_TEXT_SIZE {
                eprintln!(
                    "note: the diagram has {} characters; Mermaid refuses more than {} by default (GitHub too): draw part of the schema with --tables or --exclude",
                    text.len(),
                    mermaid::MAX_TEXT_SIZE
                );
            }
            text
        }
        SchemaFormat::Dot => dot::render(view),
        SchemaFormat::Json => json::render(view),
        SchemaFormat::Text => {
            return Err(Error::Usage(
                "`--format text` is for --cascade; the schema is `markdown`, `mermaid`, `dot` or `json`"
                    .to_string(),
            ));
        }
    })
}

/// The document of a live database: its catalog, without places (its
/// objects were written in no file).
fn live_document(args: &SchemaArgs, url: &str, settings: &Settings) -> Result<String, Error> {
    let url = match url {
        "-" => std::env::var("DATABASE_URL").map_err(|_| {
            Error::Usage("--url - reads DATABASE_URL, which is not set".to_string())
        })?,
        url => url.to_string(),
    };
    let mut skip: Vec<String> = crate::db::catalog::BOOKKEEPING
        .iter()
        .map(|s| s.to_string())
        .collect();
    skip.extend(settings.db.skip_tables.iter().cloned());
    let scope = crate::db::catalog::Scope {
        schemas: settings.db.schemas.clone(),
        skip,
    };
    let mut project = Project::default();
    let mut notes = Vec::new();
    let live = crate::db::read_into(
        &mut project,
        &url,
        &scope,
        std::time::Duration::from_secs(settings.db.statement_timeout.unwrap_or(30).max(1)),
        &mut notes,
    )
    .map_err(|e| Error::Database(e.message))?;
    for note in notes {
        eprintln!("note: {note}");
    }
    if let Some(table) = &args.cascade {
        return cascade_document(&live.catalog, None, table, args.format);
    }
    let filter = TableFilter::new(&args.tables, &args.exclude).map_err(Error::Usage)?;
    let source = format!("{}{}", crate::report::DB_PREFIX, live.ddl.database);
    let view = SchemaView::new(&live.catalog, None, &filter, source);
    if view.tables.is_empty() && !live.catalog.tables.is_empty() {
        return Err(no_table_left());
    }
    render(&view, args.format.unwrap_or(SchemaFormat::Markdown))
}

fn cascade_document(
    catalog: &Catalog,
    project: Option<&Project>,
    name: &str,
    format: Option<SchemaFormat>,
) -> Result<String, Error> {
    let table = find_table(catalog, name).map_err(Error::Usage)?;
    let (delete, update) = cascade::trees(catalog, table);
    let view = SchemaView::new(catalog, project, &TableFilter::default(), String::new());
    match format.unwrap_or(SchemaFormat::Text) {
        SchemaFormat::Text => Ok(cascade::render_text(catalog, &delete, &update)),
        SchemaFormat::Json => Ok(cascade::render_json(catalog, &delete, &update, &|origin| {
            view.place(origin)
        })),
        other => Err(Error::Usage(format!(
            "--cascade prints `text` or `json`, not `{}`",
            other
                .to_possible_value()
                .map(|v| v.get_name().to_string())
                .unwrap_or_default()
        ))),
    }
}

/// The table `text` names: `users`, `auth.users`, as written or folded to
/// lower case as PostgreSQL folds unquoted names.
pub fn find_table<'c>(catalog: &'c Catalog, text: &str) -> Result<&'c Table, String> {
    let candidates = [text.to_string(), text.to_lowercase()];
    for candidate in &candidates {
        let name = match candidate.split_once('.') {
            Some((schema, name)) => QualifiedName::new(Some(schema.to_string()), name),
            None => QualifiedName::unqualified(candidate.clone()),
        };
        if let Some(table) = catalog.tables.get(&name) {
            return Ok(table);
        }
    }
    let names: Vec<String> = catalog.tables.keys().map(|n| n.to_string()).collect();
    let mut message = format!("the migration set creates no table `{text}`");
    if let Some(close) = crate::suggest::closest(text, names.iter().map(String::as_str)) {
        message.push_str(&format!("; did you mean `{close}`?"));
    }
    Err(message)
}

/// The one set the paths hold.
fn only_set<'p>(project: &'p Project, paths: &[PathBuf]) -> Result<&'p LoadedSet, Error> {
    let shown: Vec<String> = paths.iter().map(|p| display_path(p)).collect();
    match project.sets.as_slice() {
        [] => Err(Error::Input(format!(
            "no migration set found in {}",
            shown.join(", ")
        ))),
        [one] => Ok(one),
        many => Err(Error::SeveralSets {
            paths: shown.join(", "),
            sets: many
                .iter()
                .map(|s| format!("{} ({})", display_path(&s.root), s.layout))
                .collect(),
            hint: "document one at a time by naming its folder",
        }),
    }
}

/// Writes `text` to `output`, or to standard output.
fn write_out(text: &str, output: Option<&Path>) -> Result<(), Error> {
    match output {
        Some(path) => {
            if let Some(parent) = path.parent().filter(|p| !p.as_os_str().is_empty()) {
                std::fs::create_dir_all(parent).map_err(|e| {
                    Error::Output(format!("cannot create {}: {e}", display_path(parent)))
                })?;
            }
            std::fs::write(path, text)
                .map_err(|e| Error::Output(format!("cannot write {}: {e}", display_path(path))))
        }
        None => {
            // A closed pipe (`| head`) is not our failure.
            let _ = std::io::stdout().lock().write_all(text.as_bytes());
            Ok(())
        }
    }
}
