//! `schema-lint db`: the schema rules on a live database, and the drift
//! between the migrations and it (`--compare`).
//!
//! The catalog is read in one read-only snapshot (`connect`, `catalog`),
//! written out as the DDL that creates it, and that text is loaded and
//! replayed like a migration file: the database becomes the same
//! `Catalog` the migrations replay into, with `Origin`s pointing into that
//! synthetic text (a `FileKind::Database` file, listed in no set). Rules
//! run on it unchanged; their findings are then located by the database
//! object (`Diagnostic::db_object`) instead of a file position.
//!
//! Only rules whose `RuleDef::target` is `Schema` run on a database:
//! the others judge the migration files themselves.

pub mod catalog;
pub mod connect;

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;
use std::time::Duration;

use clap::Args;

use crate::cli::LintArgs;
use crate::config::Settings;
use crate::diagnostic::{Diagnostic, InputError};
use crate::discover::{FileName, MigrationFile};
use crate::lint::Outcome;
use crate::load::{FileKind, LoadedSet, Parsed, Project};
use crate::model::replay::replay;
use crate::model::{Catalog, QualifiedName};
use crate::rules::{Context, FixMarks, Fixing, Reporter, Target};
use crate::source::{FileId, SourceFile};

/// `schema-lint db`.
#[derive(Debug, Args)]
pub struct DbArgs {
    /// The database, as a URL (`postgresql://user:password@host:5432/db?sslmode=require`,
    /// a unix socket folder as `?host=/run/postgresql`) or `key=value`
    /// pairs. Default: the DATABASE_URL environment variable.
    #[arg(long, value_name = "URL")]
    pub url: Option<String>,
    /// Report the drift between the live database and the schema the
    /// migrations at PATHS produce (rule `schema-drift`) instead of linting
    /// the database.
    #[arg(long)]
    pub compare: bool,
    /// Schemas to read (comma-separated). Default: every schema but
    /// pg_catalog, information_schema and pg_toast.
    #[arg(long = "schema", value_delimiter = ',', value_name = "SCHEMA,...")]
    pub schemas: Vec<String>,
    /// Tables to skip besides migration tools' bookkeeping tables
    /// (comma-separated: `name` in any schema, `schema.name`, `schema.*`).
    #[arg(long, value_delimiter = ',', value_name = "TABLE,...")]
    pub skip_table: Vec<String>,
    /// Read migration tools' bookkeeping tables too (`_sqlx_migrations`,
    /// `__diesel_schema_migrations`, `schema_migrations`, …).
    #[arg(long)]
    pub include_bookkeeping: bool,
    /// Cancel a catalog query that runs longer than this many seconds
    /// (default: the config's `[db] statement-timeout`, else 30).
    #[arg(long, value_name = "SECONDS")]
    pub statement_timeout: Option<u64>,
    #[command(flatten)]
    pub lint: LintArgs,
}

impl DbArgs {
    /// The URL to connect to: `--url`, else `DATABASE_URL`.
    pub fn url(&self) -> Result<String, String> {
        match &self.url {
            Some(url) => Ok(url.clone()),
            None => std::env::var("DATABASE_URL")
                .map_err(|_| "no database to read: give --url URL or set DATABASE_URL".to_string()),
        }
    }

    /// What to read: the config's `[db]` and the command line together.
    pub fn scope(&self, config: &crate::config::DbSettings) -> catalog::Scope {
        let mut skip: Vec<String> = if self.include_bookkeeping {
            Vec::new()
        } else {
            catalog::BOOKKEEPING.iter().map(|s| s.to_string()).collect()
        };
        skip.extend(config.skip_tables.iter().cloned());
        skip.extend(self.skip_table.iter().cloned());
        let mut schemas = config.schemas.clone();
        schemas.extend(self.schemas.iter().cloned());
        catalog::Scope { schemas, skip }
    }

    /// `--statement-timeout`, else the config's, else 30 seconds.
    pub fn timeout(&self, config: &crate::config::DbSettings) -> Duration {
        let seconds = self
            .statement_timeout
            .or(config.statement_timeout)
            .unwrap_or(30);
        Duration::from_secs(seconds.max(1))
    }
}

/// A live database read into a project: the synthetic file, and the set
/// that replays it.
pub struct Live {
    pub file: FileId,
    pub set: LoadedSet,
    pub ddl: catalog::Ddl,
    pub catalog: Catalog,
}

/// Reads the database at `url` into `project` (as one more file, in no
/// set). Statements of the DDL that cannot be read back are written again
/// without defaults and checks; what still fails is said in `notes`.
pub fn read_into(
    project: &mut Project,
    url: &str,
    scope: &catalog::Scope,
    timeout: Duration,
    notes: &mut Vec<String>,
) -> Result<Live, InputError> {
    let mut session = connect::connect(url, timeout).map_err(|e| InputError::new("db", e))?;
    let target = session.target.clone();
    let live = catalog::read(&mut session.client, scope).map_err(|e| {
        InputError::new(
            "db",
            format!("{e} (database {}, {target})", target.database),
        )
    })?;
    drop(session);
    let mut plain = BTreeSet::new();
    let id = FileId::new(project.files.len());
    let (ddl, file) = loop {
        let ddl = live.ddl(&plain);
        let file = load(id, &ddl);
        let failed: Vec<i64> = failures(&file)
            .filter_map(|span| {
                ddl.tables
                    .iter()
                    .find(|(range, _)| range.contains(&span.start))
                    .map(|(_, oid)| *oid)
            })
            .filter(|oid| !plain.contains(oid))
            .collect();
        if failed.is_empty() {
            break (ddl, file);
        }
        plain.extend(failed);
    };
    for span in failures(&file) {
        let object = ddl.object_at(span.start).unwrap_or("an object");
        notes.push(format!(
            "db: the definition of {object} could not be read; rules skip it"
        ));
    }
    for oid in &plain {
        if let Some((range, _)) = ddl.tables.iter().find(|(_, o)| o == oid)
            && let Some(object) = ddl.object_at(range.start)
        {
            notes.push(format!(
                "db: {object} was read without its defaults and checks (PostgreSQL wrote one that schema-lint cannot parse)"
            ));
        }
    }
    project.files.push(file);
    let set = LoadedSet {
        root: PathBuf::from("db:"),
        layout: crate::discover::Layout::Unversioned,
        evidence: "a live database".to_string(),
        configured: false,
        order: crate::discover::Order::Name,
        files: vec![id],
        notes: Vec::new(),
        walked: true,
    };
    let catalog = replay(project, &set);
    Ok(Live {
        file: id,
        set,
        ddl,
        catalog,
    })
}

fn load(id: FileId, ddl: &catalog::Ddl) -> crate::load::LoadedFile {
    let name = format!("db:{}", ddl.database);
    let migration = MigrationFile {
        path: std::path::Path::new(&name).into(),
        resolved: PathBuf::new().into_boxed_path(),
        name: FileName::unversioned(&name),
        reported: true,
    };
    let mut file = crate::load::parse_source(
        id,
        migration,
        SourceFile::new(PathBuf::from(&name), ddl.text.clone()),
    );
    file.kind = FileKind::Database;
    file
}

fn failures(file: &crate::load::LoadedFile) -> impl Iterator<Item = std::ops::Range<usize>> + '_ {
    file.statements
        .iter()
        .filter(|s| matches!(s.parsed, Parsed::Failed(_)))
        .map(|s| s.span.clone())
}

/// `schema-lint db`: the schema rules on the live database, or with
/// `compare`, the drift between it and the migrations at `paths`.
pub fn outcome(
    args: &DbArgs,
    settings: &Settings,
    paths: &[PathBuf],
    notes: &mut Vec<String>,
) -> Outcome {
    let url = match args.url() {
        Ok(url) => url,
        Err(message) => return failed(InputError::new("db", message)),
    };
    let timeout = args.timeout(&settings.db);
    let scope = args.scope(&settings.db);
    if !args.compare {
        let mut project = Project::default();
        let live = match read_into(&mut project, &url, &scope, timeout, notes) {
            Ok(live) => live,
            Err(error) => return failed(error),
        };
        let diagnostics = lint(&project, &live, settings);
        return finish(project, &live, diagnostics);
    }
    // --compare: the migrations' schema against the database's.
    let (mut project, input_errors) = crate::lint::read(paths, settings);
    if !input_errors.is_empty() {
        return Outcome {
            project,
            input_errors,
            ..Outcome::default()
        };
    }
    if project.sets.len() != 1 {
        let found: Vec<String> = project
            .sets
            .iter()
            .map(|s| crate::source::display_path(&s.root))
            .collect();
        let message = if found.is_empty() {
            "--compare found no migrations to compare the database with".to_string()
        } else {
            format!(
                "--compare compares one migration set with the database; found {}: {}",
                found.len(),
                found.join(", ")
            )
        };
        return failed(InputError::new("db", message));
    }
    let live = match read_into(&mut project, &url, &scope, timeout, notes) {
        Ok(live) => live,
        Err(error) => return failed(error),
    };
    let ours = replay(&project, &project.sets[0]);
    let diagnostics = match settings
        .rules
        .iter()
        .find(|r| r.def.target == Target::Drift)
    {
        Some(active) => {
            let text = |origin: &crate::source::Origin| {
                project
                    .file(origin.file())
                    .source
                    .slice(&origin.span())
                    .to_string()
            };
            // Through the rule's reporter, so that severities and
            // `[[overrides]]` of the migration files apply as in a lint.
            let overrides = settings.file_overrides(&project);
            let mut reporter = Reporter::new(active, &project, &overrides);
            reporter.extend(crate::rules::schema_drift::compare(
                &ours,
                &live.catalog,
                &text,
            ));
            reporter.into_findings()
        }
        None => Vec::new(),
    };
    finish(project, &live, diagnostics)
}

/// A run that could not read the database (exit 2).
fn failed(error: InputError) -> Outcome {
    Outcome {
        input_errors: vec![error],
        database: Some(crate::lint::Database::default()),
        ..Outcome::default()
    }
}

/// The active schema rules on the live catalog.
fn lint(project: &Project, live: &Live, settings: &Settings) -> Vec<Diagnostic> {
    let cx = Context::new(project, &live.set, &live.catalog, &settings.lookups);
    let overrides = settings.file_overrides(project);
    let marks = FixMarks::default();
    let fixing = Fixing::new(settings.fixes, &marks);
    let mut all = Vec::new();
    for active in &settings.rules {
        if active.def.target != Target::Schema {
            continue;
        }
        let mut reporter = Reporter::new(active, project, &overrides).with_fixes(fixing);
        active.check(&cx, &mut reporter);
        all.extend(reporter.into_findings());
    }
    all
}

/// Locates the findings in the database by object, sorts them.
fn finish(project: Project, live: &Live, mut diagnostics: Vec<Diagnostic>) -> Outcome {
    let tables: BTreeMap<String, &QualifiedName> = live
        .catalog
        .tables
        .keys()
        .map(|name| (name.to_string(), name))
        .collect();
    for d in &mut diagnostics {
        if d.file == live.file {
            let object = object_path(d, &tables, &live.ddl);
            d.set_db_object(object);
        }
        d.bound();
    }
    crate::lint::sort(&mut diagnostics);
    Outcome {
        project,
        diagnostics,
        database: Some(crate::lint::Database {
            name: live.ddl.database.clone(),
            tables: live.ddl.table_count,
        }),
        ..Outcome::default()
    }
}

/// Where a finding in the database is: `schema.table.column`,
/// `schema.table.name` for an index, constraint or trigger,
/// `schema.table.(a,b)` for several columns, `schema.table`; else the
/// object whose DDL the finding points into.
fn object_path(
    d: &Diagnostic,
    tables: &BTreeMap<String, &QualifiedName>,
    ddl: &catalog::Ddl,
) -> String {
    let from_ddl = || {
        ddl.object_at(d.span.start)
            .map(str::to_string)
            .unwrap_or_else(|| ddl.database.clone())
    };
    let Some(object) = &d.object else {
        return from_ddl();
    };
    let Some(table) = &object.table else {
        return match &object.name {
            Some(name) if name.contains('.') => name.to_string(),
            Some(name) => format!("public.{name}"),
            None => from_ddl(),
        };
    };
    let table = match tables.get(table.as_str()) {
        Some(name) => format!(
            "{}.{}",
            name.schema.as_deref().unwrap_or("public"),
            name.name
        ),
        None if table.contains('.') => table.to_string(),
        None => format!("public.{table}"),
    };
    match (&object.name, object.columns.as_slice()) {
        (Some(name), _) => format!("{table}.{name}"),
        (None, []) => table,
        (None, [column]) => format!("{table}.{column}"),
        (None, columns) => format!("{table}.({})", columns.join(",")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::ObjectRef;
    use crate::source::Origin;

    #[test]
    fn findings_are_located_by_schema_table_and_column_or_name() {
        let users = QualifiedName::unqualified("users");
        let invoices = QualifiedName::new(Some("billing"), "invoices");
        let tables: BTreeMap<String, &QualifiedName> = [&users, &invoices]
            .into_iter()
            .map(|name| (name.to_string(), name))
            .collect();
        let ddl = catalog::Ddl {
            text: "CREATE TABLE public.users (\n    id bigint\n);\n".into(),
            objects: vec![
                (0..40, "public.users".into()),
                (31..40, "public.users.id".into()),
            ],
            database: "app".into(),
            ..catalog::Ddl::default()
        };
        let at = |object: Option<ObjectRef>, start: usize| {
            let mut d = Diagnostic::new(
                crate::rules::RuleId::PreferText,
                &Origin::new(FileId(0), start..start + 1),
                "m",
            );
            d.object = object.map(Box::new);
            object_path(&d, &tables, &ddl)
        };
        assert_eq!(at(Some(ObjectRef::table(&users)), 0), "public.users");
        assert_eq!(
            at(Some(ObjectRef::column(&users, "email")), 0),
            "public.users.email"
        );
        assert_eq!(
            at(Some(ObjectRef::column(&invoices, "number")), 0),
            "billing.invoices.number"
        );
        assert_eq!(
            at(
                Some(ObjectRef::table(&users).with_columns(vec!["a".into(), "b".into()])),
                0
            ),
            "public.users.(a,b)"
        );
        assert_eq!(
            at(
                Some(ObjectRef::column(&users, "email").with_name(Some("uq_users_email".into()))),
                0
            ),
            "public.users.uq_users_email"
        );
        // No object: the innermost definition the finding points into.
        assert_eq!(at(None, 33), "public.users.id");
        assert_eq!(at(None, 2), "public.users");
        assert_eq!(at(None, 45), "app");
    }
}
