//! Pipeline step 4: the rules.
//!
//! One rule, one module. A rule reads the `Context` of one migration set
//! (its files, parsed statements and final schema) and pushes findings.
//! Its documentation is `rules/<name>.md`, embedded at build time; its
//! options are a serde struct read from `[rules.<name>]` in the config.
//!
//! Adding a rule: write `src/rules/<name>.rs`, add it to `registry()` below,
//! write `rules/<name>.md` and `fixtures/<name>/`.

mod bigint_foreign_key;
mod bigint_primary_key;
mod boolean_columns;
mod char_fixed_width;
mod column_naming;
mod explicit_fk_actions;
mod extension_allowlist;
mod foreign_key_index;
mod foreign_key_naming;
mod forward_only;
mod index_naming;
mod lookup_table_shape;
pub mod migration_filename;
mod migration_layout;
mod no_select_star;
mod parse_error;
mod prefer_text;
mod prefer_timestamptz;
mod primary_key_id;
mod repeating_columns;
mod reporter;
pub mod schema_drift;
mod status_fk_restrict;
mod status_lookup;
pub mod support;
mod table_comments;
mod table_naming;
mod timestamp_columns;
mod unique_naming;
mod unsupported_statement;
pub mod unused_suppression;
mod updated_at_trigger;

use serde::Serialize;
use serde::de::DeserializeOwned;

pub use reporter::Reporter;

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{LoadedFile, LoadedSet, Project};
use crate::model::{Catalog, Column, Table};
use crate::source::Origin;

/// What every rule declares about itself.
#[derive(Debug)]
pub struct RuleMeta {
    /// The stable kebab-case name used in config, inline comments and output.
    pub name: &'static str,
    /// `None`: off unless selected.
    pub default_severity: Option<Severity>,
    /// One line for `schema-lint rules`.
    pub summary: &'static str,
    /// `rules/<name>.md`.
    pub doc: &'static str,
    /// What the rule judges, and so where it runs.
    pub target: Target,
}

/// What a rule judges. `schema-lint db` runs the `Schema` rules on the
/// model read from a live database; `Migrations` rules read the files
/// themselves (names, layout, parse errors, suppressions, statements)
/// and have nothing to judge there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The final schema model only (`Context::catalog`): runs on the
    /// migrations and on a live database alike.
    Schema,
    /// The migration files and their statements.
    Migrations,
    /// The difference between the migrations' schema and a live
    /// database: runs only in `schema-lint db --compare`.
    Drift,
}

/// What a rule sees: one migration set, its files and its final schema.
pub struct Context<'a> {
    pub project: &'a Project,
    pub set: &'a LoadedSet,
    pub catalog: &'a Catalog,
    /// Which tables are lookup tables (`[rules] lookup-suffix`).
    pub lookups: &'a crate::model::Lookups,
}

impl<'a> Context<'a> {
    /// The source text at `origin`, as written.
    pub fn text(&self, origin: &Origin) -> &'a str {
        self.project.file(origin.file).source.slice(&origin.span)
    }

    /// Every column of every table of the final schema.
    pub fn columns(&self) -> impl Iterator<Item = (&'a Table, &'a Column)> + 'a {
        self.catalog
            .tables
            .values()
            .flat_map(|table| table.columns.iter().map(move |column| (table, column)))
    }

    pub fn files(&self) -> impl Iterator<Item = &'a LoadedFile> + 'a {
        self.project.set_files(self.set)
    }
}

/// Findings on every column of the final schema whose type (or array
/// element type) is `kind`, underlining the type where it was written.
/// `message` gets the table, the column and the type as written; `fix`
/// the same, for the finding's fix.
pub fn columns_of_kind(
    cx: &Context<'_>,
    rule: &'static str,
    kind: &crate::model::TypeKind,
    message: impl Fn(&Table, &Column, &str) -> String,
    help: &str,
    fix: impl Fn(&Table, &Column, &str) -> Option<crate::diagnostic::Fix>,
    out: &mut Reporter<'_>,
) {
    use crate::diagnostic::ObjectRef;
    use crate::model::TypeKind;
    for (table, column) in cx.columns() {
        let matches = match &column.kind {
            TypeKind::Array(inner) => **inner == *kind,
            own => own == kind,
        };
        if matches {
            let written = cx.text(&column.type_origin);
            out.push(
                Diagnostic::new(rule, &column.type_origin, message(table, column, written))
                    .help(help)
                    .object(ObjectRef::column(&table.name, &column.name))
                    .fix(fix(table, column, written)),
            );
        }
    }
}

/// A rule with typed options.
pub trait Rule: Send + Sync + Sized + 'static {
    /// `[rules.<name>]` options; `NoOptions` for rules without any.
    type Options: DeserializeOwned + Serialize + Default;

    fn meta() -> &'static RuleMeta;

    fn new(options: Self::Options) -> Self;

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>);

    /// Whether the rule's findings may point into down migrations. Down
    /// migrations are checked for parse errors only: besides
    /// `parse-error`, only rules about the files themselves (their names,
    /// whether they exist) say yes. Other findings there are dropped (see
    /// `in_down_migration`), whatever a rule reads.
    fn judges_down_migrations() -> bool {
        false
    }
}

/// For rules that take no options: an empty table.
#[derive(Debug, Default, serde::Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoOptions {}

/// A configured rule, ready to run.
pub trait Check: Send + Sync {
    fn meta(&self) -> &'static RuleMeta;
    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>);
    fn judges_down_migrations(&self) -> bool;
}

impl<R: Rule> Check for R {
    fn meta(&self) -> &'static RuleMeta {
        R::meta()
    }

    fn judges_down_migrations(&self) -> bool {
        R::judges_down_migrations()
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        Rule::check(self, cx, out)
    }
}

/// A rule in the registry: its description, and how to build it from its
/// options table.
pub struct Registered {
    pub meta: &'static RuleMeta,
    build: fn(Option<&toml::Value>) -> Result<Built, String>,
}

/// A rule built from its options, with the options it ended up with.
pub struct Built {
    pub check: Box<dyn Check>,
    pub options: toml::Table,
}

impl Registered {
    fn of<R: Rule>() -> Registered {
        Registered {
            meta: R::meta(),
            build: |value| {
                let options = match value {
                    None => R::Options::default(),
                    Some(value) => R::Options::deserialize(value.clone())
                        .map_err(|e| e.message().to_string())?,
                };
                let table = toml::Table::try_from(&options).unwrap_or_default();
                Ok(Built {
                    check: Box::new(R::new(options)),
                    options: table,
                })
            },
        }
    }

    /// Builds the rule from its `[rules.<name>]` table (defaults when absent).
    pub fn build(&self, options: Option<&toml::Value>) -> Result<Built, String> {
        (self.build)(options)
    }

    /// The rule's options with their default values.
    pub fn default_options(&self) -> toml::Table {
        self.build(None).map(|b| b.options).unwrap_or_default()
    }
}

use serde::Deserialize as _;

/// Every rule, in the order of the rule table in the documentation.
pub fn registry() -> Vec<Registered> {
    vec![
        Registered::of::<parse_error::ParseError>(),
        Registered::of::<unsupported_statement::UnsupportedStatement>(),
        Registered::of::<unused_suppression::UnusedSuppression>(),
        Registered::of::<bigint_primary_key::BigintPrimaryKey>(),
        Registered::of::<bigint_foreign_key::BigintForeignKey>(),
        Registered::of::<prefer_text::PreferText>(),
        Registered::of::<prefer_timestamptz::PreferTimestamptz>(),
        Registered::of::<foreign_key_index::ForeignKeyIndex>(),
        Registered::of::<explicit_fk_actions::ExplicitFkActions>(),
        Registered::of::<status_lookup::StatusLookup>(),
        Registered::of::<index_naming::IndexNaming>(),
        Registered::of::<unique_naming::UniqueNaming>(),
        Registered::of::<timestamp_columns::TimestampColumns>(),
        Registered::of::<updated_at_trigger::UpdatedAtTrigger>(),
        Registered::of::<primary_key_id::PrimaryKeyId>(),
        Registered::of::<foreign_key_naming::ForeignKeyNaming>(),
        Registered::of::<table_naming::TableNaming>(),
        Registered::of::<column_naming::ColumnNaming>(),
        Registered::of::<boolean_columns::BooleanColumns>(),
        Registered::of::<char_fixed_width::CharFixedWidth>(),
        Registered::of::<lookup_table_shape::LookupTableShape>(),
        Registered::of::<status_fk_restrict::StatusFkRestrict>(),
        Registered::of::<migration_filename::MigrationFilename>(),
        Registered::of::<migration_layout::MigrationLayout>(),
        Registered::of::<forward_only::ForwardOnly>(),
        Registered::of::<table_comments::TableComments>(),
        Registered::of::<extension_allowlist::ExtensionAllowlist>(),
        Registered::of::<no_select_star::NoSelectStar>(),
        Registered::of::<repeating_columns::RepeatingColumns>(),
        Registered::of::<schema_drift::SchemaDrift>(),
    ]
}

/// The names of every rule.
pub fn names() -> Vec<&'static str> {
    registry().iter().map(|r| r.meta.name).collect()
}

pub fn find(name: &str) -> Option<Registered> {
    registry().into_iter().find(|r| r.meta.name == name)
}

/// The closest rule name to a misspelt one, for "did you mean".
pub fn suggest(name: &str) -> Option<&'static str> {
    crate::suggest::closest(name, names())
}

/// Whether a finding points into a down migration: a down file, or a down
/// section (goose, dbmate, …) of an up file.
pub fn in_down_migration(project: &Project, diagnostic: &Diagnostic) -> bool {
    let file = project.file(diagnostic.file);
    file.migration.name.role == crate::discover::Role::Down
        || file.statements.iter().any(|statement| {
            statement.direction == crate::load::Direction::Down
                && statement.span.contains(&diagnostic.span.start)
        })
}

/// Where a finding about a whole file points (file names, down
/// migrations): the first line of its first statement (see
/// `LoadedFile::first_line`). That is also where an inline `-- schema-lint:
/// ignore <rule>` before the first statement applies.
pub fn file_origin(file: &LoadedFile) -> Origin {
    Origin::new(file.id, file.first_line.clone())
}
