//! Pipeline step 4: the rules.
//!
//! One rule, one module. A rule reads the `Context` of one migration set
//! (its files, parsed statements and final schema) and pushes findings.
//! Its documentation is `rules/<name>.md`, embedded at build time; its
//! options are a serde struct read from `[rules.<name>]` in the config.
//!
//! A rule is written as a `Rule` (typed options, `new`, `check`) and
//! described by its `RuleDef` (`Rule::def`); its identity is a `RuleId`.
//! Configuration turns a `RuleDef` into an `ActiveRule`, which runs it.
//! Rule names are resolved to ids where they are read (config, command
//! line, inline comments, baselines); past that, only ids.
//!
//! Adding a rule: write `src/rules/<name>.rs` (a `Rule` whose `def()` is
//! its `static DEF: RuleDef`, findings `Diagnostic::new(DEF.id, …)`), add
//! its `mod` line and its line to the `rules!` table below (which makes
//! its `RuleId` variant and registry entry), write `rules/<name>.md` and
//! `fixtures/<name>/`.

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
pub(crate) mod migration_filename;
mod migration_layout;
mod no_select_star;
mod parse_error;
mod prefer_text;
mod prefer_timestamptz;
mod primary_key_id;
mod repeating_columns;
mod reporter;
pub(crate) mod schema_drift;
mod status_fk_restrict;
mod status_lookup;
pub(crate) mod support;
mod table_comments;
mod table_naming;
mod timestamp_columns;
mod unique_naming;
mod unsupported_statement;
pub(crate) mod unused_suppression;
mod updated_at_trigger;

use std::fmt;

use rayon::prelude::*;
use serde::de::DeserializeOwned;
use serde::{Deserialize as _, Serialize};

pub use reporter::{FixMarks, Fixing, Reporter};

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{LoadedFile, LoadedSet, Project};
use crate::model::{Catalog, Column, Table};
use crate::source::Origin;

/// What a rule judges. `schema-lint db` runs the `Schema` rules on the
/// model read from a live database; `Migrations` rules read the files
/// themselves (names, layout, parse errors, suppressions, statements)
/// and have nothing to judge there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Target {
    /// The final schema model only (`Context::catalog`): runs on the
    /// migrations and on a live database alike.
    Schema,
    /// The migration files and their statements, with what the schema
    /// says about them (`Context::catalog`: the views a statement made, the
    /// statements the model rejected, the extensions).
    Migrations,
    /// The migration files alone (names, order, layout, statements), not
    /// the schema they make: run beside the replay, with an empty
    /// `Context::catalog`.
    Files,
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
    /// The words of the set's files, made on first use (see `words`).
    words: std::sync::OnceLock<support::words::Words>,
    /// The schema's relation names, made on first use (see
    /// `relation_exists`).
    relations: std::sync::OnceLock<rustc_hash::FxHashSet<&'a str>>,
}

impl<'a> Context<'a> {
    pub fn new(
        project: &'a Project,
        set: &'a LoadedSet,
        catalog: &'a Catalog,
        lookups: &'a crate::model::Lookups,
    ) -> Self {
        Context {
            project,
            set,
            catalog,
            lookups,
            words: std::sync::OnceLock::new(),
            relations: std::sync::OnceLock::new(),
        }
    }

    /// Where the names of the schema's indexes and constraints (the names
    /// a fix may change) are written in the set's files.
    pub fn words(&self) -> &support::words::Words {
        self.words.get_or_init(|| {
            // A pre-commit run took the other files' facts from the cache
            // without reading them (`SourceFile::unread`), and the command
            // line let go of the texts after the load (`forget_text`):
            // they are read now, all at once and in parallel.
            let files: Vec<&LoadedFile> = self.files().collect();
            files.par_iter().for_each(|file| {
                file.source.text();
            });
            let files = files.into_iter().map(|f| (f.id, f.source.text()));
            support::words::Words::of(files, self.catalog.object_names())
        })
    }

    /// Whether a relation (table, view, index, sequence) of the schema is
    /// named `name`, or a key constraint whose index would be: an index
    /// cannot take the name. A set, made on first use: fixes ask once per
    /// finding.
    pub fn relation_exists(&self, name: &str) -> bool {
        self.relations
            .get_or_init(|| self.catalog.relation_names().collect())
            .contains(name)
    }

    /// The source text at `origin`, as written. For fixes: a message
    /// quotes what the model keeps, since the command line lets go of the
    /// files' texts after their load, and this reads the file again.
    pub fn text(&self, origin: &Origin) -> &'a str {
        self.project
            .file(origin.file())
            .source
            .slice(&origin.span())
    }

    /// Every column of every table of the final schema.
    pub fn columns(&self) -> impl Iterator<Item = (&'a Table, &'a Column)> + 'a {
        self.catalog
            .tables
            .values()
            .map(Box::as_ref)
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
    rule: RuleId,
    kind: &crate::model::TypeKind,
    message: impl Fn(&Table, &Column, &str) -> String,
    help: &str,
    fix: impl Fn(&Table, &Column, &str) -> Option<crate::diagnostic::Fix>,
    out: &mut Reporter<'_>,
) {
    use crate::diagnostic::ObjectRef;
    use crate::model::TypeKind;
    for (table, column) in cx.columns() {
        let matches = match column.kind() {
            TypeKind::Array(inner) => **inner == *kind,
            own => own == kind,
        };
        if matches && out.reports(&column.type_origin) {
            let written = column.written_type();
            out.push_with_fix(
                Diagnostic::new(rule, &column.type_origin, message(table, column, written))
                    .help(help)
                    .object(ObjectRef::column(&table.name, &column.name)),
                || fix(table, column, written),
            );
        }
    }
}

/// The rules, in the order of the rule table in the documentation:
/// `RuleId` variant, then the rule's type. The one list of rules: it makes
/// `RuleId` and the registry.
macro_rules! rules {
    ($($variant:ident => $module:ident::$rule:ident,)*) => {
        /// A rule's identity. Its name (`RuleId::name`) is what config,
        /// inline comments, baselines and every output format write: it is
        /// resolved to the id once, where it is read. Ordered as the
        /// registry (`RuleId::ALL`), not by name.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum RuleId {
            $($variant,)*
        }

        impl RuleId {
            /// Every rule, in registry order.
            pub const ALL: &'static [RuleId] = &[$(RuleId::$variant,)*];

            /// The rule's description.
            pub fn def(self) -> &'static RuleDef {
                match self {
                    $(RuleId::$variant => <$module::$rule as Rule>::def(),)*
                }
            }

            /// The rule built from its options, and the options it ends up
            /// with (defaults filled in).
            fn build(
                self,
                options: Option<&toml::Value>,
            ) -> Result<(Box<dyn Check>, toml::Table), String> {
                match self {
                    $(RuleId::$variant => build::<$module::$rule>(options),)*
                }
            }
        }
    };
}

rules! {
    ParseError => parse_error::ParseError,
    UnsupportedStatement => unsupported_statement::UnsupportedStatement,
    UnusedSuppression => unused_suppression::UnusedSuppression,
    BigintPrimaryKey => bigint_primary_key::BigintPrimaryKey,
    BigintForeignKey => bigint_foreign_key::BigintForeignKey,
    PreferText => prefer_text::PreferText,
    PreferTimestamptz => prefer_timestamptz::PreferTimestamptz,
    ForeignKeyIndex => foreign_key_index::ForeignKeyIndex,
    ExplicitFkActions => explicit_fk_actions::ExplicitFkActions,
    StatusLookup => status_lookup::StatusLookup,
    IndexNaming => index_naming::IndexNaming,
    UniqueNaming => unique_naming::UniqueNaming,
    TimestampColumns => timestamp_columns::TimestampColumns,
    UpdatedAtTrigger => updated_at_trigger::UpdatedAtTrigger,
    PrimaryKeyId => primary_key_id::PrimaryKeyId,
    ForeignKeyNaming => foreign_key_naming::ForeignKeyNaming,
    TableNaming => table_naming::TableNaming,
    ColumnNaming => column_naming::ColumnNaming,
    BooleanColumns => boolean_columns::BooleanColumns,
    CharFixedWidth => char_fixed_width::CharFixedWidth,
    LookupTableShape => lookup_table_shape::LookupTableShape,
    StatusFkRestrict => status_fk_restrict::StatusFkRestrict,
    MigrationFilename => migration_filename::MigrationFilename,
    MigrationLayout => migration_layout::MigrationLayout,
    ForwardOnly => forward_only::ForwardOnly,
    TableComments => table_comments::TableComments,
    ExtensionAllowlist => extension_allowlist::ExtensionAllowlist,
    NoSelectStar => no_select_star::NoSelectStar,
    RepeatingColumns => repeating_columns::RepeatingColumns,
    SchemaDrift => schema_drift::SchemaDrift,
}

impl RuleId {
    /// The stable kebab-case name: `prefer-text`.
    pub fn name(self) -> &'static str {
        self.def().name
    }

    /// The rule of that exact name.
    pub fn from_name(name: &str) -> Option<RuleId> {
        RuleId::ALL.iter().copied().find(|id| id.name() == name)
    }
}

/// The name; padded as a `str` is (`{:<20}`).
impl fmt::Display for RuleId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.name())
    }
}

impl Serialize for RuleId {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

/// What a rule is, whatever its configuration: each rule declares one
/// (`Rule::def`).
#[derive(Debug)]
pub struct RuleDef {
    pub id: RuleId,
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
    /// Whether the rule's findings may point into down migrations. Down
    /// migrations are checked for parse errors only: besides
    /// `parse-error`, only rules about the files themselves (their names,
    /// whether they exist) say yes. Other findings there are dropped (see
    /// `in_down_migration`), whatever a rule reads.
    pub judges_down_migrations: bool,
}

impl RuleDef {
    /// The rule built from its `[rules.<name>]` table (defaults when
    /// absent), to run at `severity`; the error is serde's message.
    pub fn build(
        &'static self,
        options: Option<&toml::Value>,
        severity: Severity,
    ) -> Result<ActiveRule, String> {
        let (check, options) = self.id.build(options)?;
        Ok(ActiveRule {
            def: self,
            severity,
            options,
            check,
        })
    }

    /// Whether `options` is a valid `[rules.<name>]` table; the error is
    /// serde's message.
    pub fn validate(&self, options: &toml::Value) -> Result<(), String> {
        self.id.build(Some(options)).map(|_| ())
    }

    /// The rule's options with their default values.
    pub fn default_options(&self) -> toml::Table {
        self.id
            .build(None)
            .map(|(_, options)| options)
            .unwrap_or_default()
    }
}

/// A configured rule, ready to run: its description, the severity its
/// findings get, and the options it runs with.
pub struct ActiveRule {
    pub def: &'static RuleDef,
    pub severity: Severity,
    /// The options it runs with (defaults filled in).
    pub options: toml::Table,
    check: Box<dyn Check>,
}

impl ActiveRule {
    pub fn id(&self) -> RuleId {
        self.def.id
    }

    /// Runs the rule on one migration set (or database).
    pub fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        self.check.check(cx, out);
    }
}

/// A rule with typed options: how a rule is written. `def` describes it;
/// configuration builds it from its options into an `ActiveRule`.
pub trait Rule: Send + Sync + Sized + 'static {
    /// `[rules.<name>]` options; `NoOptions` for rules without any.
    type Options: DeserializeOwned + Serialize + Default;

    fn def() -> &'static RuleDef;

    fn new(options: Self::Options) -> Self;

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>);
}

/// For rules that take no options: an empty table.
#[derive(Debug, Default, serde::Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct NoOptions {}

/// A built rule, behind `ActiveRule`: `Rule` without its options type.
trait Check: Send + Sync {
    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>);
}

impl<R: Rule> Check for R {
    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        Rule::check(self, cx, out)
    }
}

fn build<R: Rule>(options: Option<&toml::Value>) -> Result<(Box<dyn Check>, toml::Table), String> {
    let options = match options {
        None => R::Options::default(),
        Some(value) => {
            R::Options::deserialize(value.clone()).map_err(|e| e.message().to_string())?
        }
    };
    let table = toml::Table::try_from(&options).unwrap_or_default();
    Ok((Box::new(R::new(options)), table))
}

/// Every rule's description, in registry order.
pub fn registry() -> impl ExactSizeIterator<Item = &'static RuleDef> {
    RuleId::ALL.iter().map(|id| id.def())
}

/// The names of every rule, in registry order.
pub fn names() -> Vec<&'static str> {
    RuleId::ALL.iter().map(|id| id.name()).collect()
}

/// The closest rule name to a misspelt one, for "did you mean".
pub fn suggest(name: &str) -> Option<&'static str> {
    crate::suggest::closest(name, names())
}

/// Whether a finding points into a down migration: a down file, or a down
/// section (goose, dbmate, …) of an up file.
pub fn in_down_migration(project: &Project, diagnostic: &Diagnostic) -> bool {
    project
        .file(diagnostic.file)
        .is_down_at(diagnostic.span.start)
}

/// Where a finding about a whole file points (file names, down
/// migrations): the first line of its first statement (see
/// `LoadedFile::first_line`). That is also where an inline `-- schema-lint:
/// ignore <rule>` before the first statement applies.
pub fn file_origin(file: &LoadedFile) -> Origin {
    Origin::new(file.id, file.first_line.clone())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_rule_declares_its_own_id_and_a_unique_name() {
        let mut seen = std::collections::HashSet::new();
        for &id in RuleId::ALL {
            assert_eq!(id.def().id, id, "{}", id.name());
            assert!(seen.insert(id.name()), "{} twice", id.name());
            assert_eq!(RuleId::from_name(id.name()), Some(id));
        }
        assert_eq!(RuleId::from_name("prefer-txt"), None);
    }
}
