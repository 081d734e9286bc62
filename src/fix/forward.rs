//! `schema-lint fix --new-migration NAME`: one new migration that brings
//! the final schema of an applied history to the conventions, written in
//! the set's layout by `schema-lint new`'s machinery.
//!
//! The statements come from the findings of the whole set and the final
//! `Catalog`, in an order PostgreSQL accepts: the trigger function, keys
//! widened before the foreign keys that reference them, other types,
//! renames, foreign key actions (`NOT VALID`, then `VALIDATE`), indexes,
//! timestamp columns, triggers. What cannot be fixed mechanically (UUID
//! keys, a free-text status) gets a commented plan to edit, and stays
//! reported.

use std::collections::{BTreeMap, BTreeSet};
use std::path::PathBuf;

use crate::cli::EXIT_CLEAN;
use crate::config::Settings;
use crate::diagnostic::Diagnostic;
use crate::error::Error;
use crate::lint;
use crate::model::names::{quote, quote_list};
use crate::model::{Catalog, Column, FkAction, ForeignKey, ForeignKeysTo, Name, QualifiedName};
use crate::model::{Table, TypeKind};
use crate::new::sql::{self, Conventions, Migration};
use crate::rules::RuleId;
use crate::rules::support::naming::{expand, index_columns, singular};

use super::FixArgs;

pub fn run(
    args: &FixArgs,
    name: &str,
    paths: &[PathBuf],
    settings: &Settings,
) -> Result<u8, Error> {
    let now = crate::new::moment(args.now.as_deref())?;
    let zone = args.time_zone.trim();
    if zone.is_empty() || zone.contains(['\'', '\\', '\n']) {
        return Err(Error::Usage(format!(
            "--time-zone `{zone}` is not a time zone name"
        )));
    }
    let outcome = lint::lint_keeping_catalogs(paths, settings);
    if !outcome.input_errors.is_empty() {
        return Err(Error::Incomplete {
            errors: outcome.input_errors,
            consequence:
                "the migration set cannot be read whole, so the schema it produces is not known"
                    .to_string(),
        });
    }
    let project = &outcome.project;
    let (set, catalog) = match (project.sets.as_slice(), outcome.catalogs.as_slice()) {
        ([one], [catalog]) => (one, catalog),
        ([], _) => return Err(Error::Input("no migration set found".to_string())),
        (many, _) => {
            return Err(Error::Input(format!(
                "{} migration sets found; name one set's folder",
                many.len()
            )));
        }
    };
    let options = Options {
        conventions: Conventions::from_settings(settings),
        zone: zone.to_string(),
        unsafe_fixes: args.unsafe_fixes,
        index_template: text_option(
            settings,
            RuleId::IndexNaming,
            "template",
            "idx_{table}_{columns}",
        ),
        unique_template: text_option(
            settings,
            RuleId::UniqueNaming,
            "template",
            "uq_{table}_{columns}",
        ),
        on_delete: text_option(
            settings,
            RuleId::ExplicitFkActions,
            "fix-on-delete",
            "restrict",
        ),
        on_update: text_option(
            settings,
            RuleId::ExplicitFkActions,
            "fix-on-update",
            "cascade",
        ),
        lookups: settings.lookups.clone(),
        trigger_function: text_option(
            settings,
            RuleId::UpdatedAtTrigger,
            "function",
            "trigger_set_updated_at",
        )
        .trim()
        .trim_end_matches("()")
        .to_string(),
        trigger_column: text_option(settings, RuleId::UpdatedAtTrigger, "column", "updated_at"),
        trigger_active: settings.active(RuleId::UpdatedAtTrigger).is_some(),
        consumed: consumed_indexes(project.set_files(set).map(|f| f.source.text())),
    };
    // A temporary table is gone when the migration's session ends.
    let temporary: BTreeSet<String> = catalog
        .tables
        .values()
        .filter(|t| {
            let text = project
                .file(t.created.file())
                .source
                .slice(&t.created.span());
            let head: Vec<String> = text
                .split_whitespace()
                .take(4)
                .map(|w| w.to_ascii_lowercase())
                .collect();
            head.iter().any(|w| w == "temp" || w == "temporary")
        })
        .map(|t| t.name.to_string())
        .collect();
    let findings: Vec<&Diagnostic> = outcome
        .diagnostics
        .iter()
        .filter(|d| set.files.contains(&d.file))
        .filter(|d| {
            !d.object
                .as_ref()
                .and_then(|o| o.table.as_ref())
                .is_some_and(|t| temporary.contains(t.as_str()))
        })
        .collect();
    let planned = plan(&findings, catalog, &options);
    if planned.is_empty() {
        eprintln!("nothing to fix: no finding of a fixable rule");
        return Ok(EXIT_CLEAN);
    }
    let migration = planned.migration(&options);
    crate::new::add_migration(project, set, name, settings, migration, now, args.dry_run)?;
    eprintln!("{}", planned.summary());
    Ok(EXIT_CLEAN)
}

fn text_option(settings: &Settings, rule: RuleId, key: &str, default: &str) -> String {
    sql::option(settings, rule, key)
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| default.to_string())
}

struct Options {
    conventions: Conventions,
    zone: String,
    unsafe_fixes: bool,
    index_template: String,
    unique_template: String,
    on_delete: String,
    on_update: String,
    /// Which tables are lookup tables (`[rules] lookup-suffix`).
    lookups: crate::model::Lookups,
    trigger_function: String,
    trigger_column: String,
    trigger_active: bool,
    /// Indexes a constraint took over (`… USING INDEX name`): PostgreSQL
    /// renamed them to the constraint, the model may not know.
    consumed: BTreeSet<String>,
}

/// The names after `USING INDEX` in `texts`, folded.
fn consumed_indexes<'a>(texts: impl Iterator<Item = &'a str>) -> BTreeSet<String> {
    let mut names = BTreeSet::new();
    for text in texts {
        let lower = text.to_lowercase();
        let words: Vec<&str> = lower.split_whitespace().collect();
        for pair in words.windows(3) {
            if pair[0] == "using" && pair[1] == "index" {
                let name = pair[2]
                    .trim_end_matches([';', ',', ')'])
                    .rsplit('.')
                    .next()
                    .unwrap_or("")
                    .trim_matches('"');
                names.insert(name.to_string());
            }
        }
    }
    names
}

/// The statements of the new migration, by phase, with what they fix.
#[derive(Default)]
struct Planned {
    function: Option<String>,
    keys: Vec<Step>,
    key_refs: Vec<Step>,
    types: Vec<Step>,
    renames: Vec<Step>,
    actions: Vec<Step>,
    indexes: Vec<Step>,
    columns: Vec<Step>,
    triggers: Vec<Step>,
    /// Commented plans for what is not fixed mechanically.
    manual: Vec<String>,
    /// `rule: object` of every finding fixed.
    fixed: BTreeSet<String>,
    /// `rule: object` of every finding left (with a plan or a reason).
    left: BTreeSet<String>,
}

/// One statement (or a few that belong together) and its undo.
struct Step {
    up: String,
    down: Option<String>,
}

impl Step {
    fn new(up: String, down: Option<String>) -> Step {
        Step { up, down }
    }
}

impl Planned {
    fn is_empty(&self) -> bool {
        self.fixed.is_empty() && self.manual.is_empty()
    }

    fn steps(&self) -> impl Iterator<Item = &Step> {
        self.keys
            .iter()
            .chain(&self.key_refs)
            .chain(&self.types)
            .chain(&self.renames)
            .chain(&self.actions)
            .chain(&self.indexes)
            .chain(&self.columns)
            .chain(&self.triggers)
    }

    fn summary(&self) -> String {
        format!(
            "{} finding{} fixed by the new migration; {} left to edit by hand",
            self.fixed.len(),
            if self.fixed.len() == 1 { "" } else { "s" },
            self.left.len()
        )
    }

    fn migration(&self, options: &Options) -> Migration {
        let mut header = vec![
            "-- Brings the schema to the conventions (written by `schema-lint fix --new-migration`)."
                .to_string(),
        ];
        if !self.fixed.is_empty() {
            header.push("-- Fixes:".to_string());
            header.extend(self.fixed.iter().map(|f| format!("--   {f}")));
        }
        if !self.left.is_empty() {
            header.push("-- Left to you (still reported; plans commented below):".to_string());
            header.extend(self.left.iter().map(|f| format!("--   {f}")));
        }
        let mut up: Vec<String> = Vec::new();
        if let Some(function) = &self.function {
            up.push(function.clone());
        }
        up.extend(self.steps().map(|s| s.up.clone()));
        up.extend(self.manual.iter().cloned());
        if let Some(first) = up.first_mut() {
            *first = format!("{}\n\n{first}", header.join("\n"));
        }
        let mut down: Vec<String> = self.steps().filter_map(|s| s.down.clone()).collect();
        down.reverse();
        if self.function.is_some() {
            down.push(format!(
                "DROP FUNCTION IF EXISTS {}();",
                options.trigger_function
            ));
        }
        if down.is_empty() {
            down.push("-- Nothing to undo.".to_string());
        }
        Migration {
            up,
            down,
            ..Migration::default()
        }
    }
}

/// What a finding is about, for the header: `rule: table.column`.
fn label(diagnostic: &Diagnostic) -> String {
    let object = diagnostic.object.as_ref();
    let table = object.and_then(|o| o.table.clone()).unwrap_or_default();
    let columns = object.map(|o| o.columns.join(", ")).unwrap_or_default();
    let name = object.and_then(|o| o.name.clone());
    let mut text = format!("{}: {table}", diagnostic.rule);
    if !columns.is_empty() {
        text.push_str(&format!(" ({columns})"));
    }
    if let Some(name) = name {
        text.push_str(&format!(" {name}"));
    }
    text
}

/// The catalog's tables by their names as findings print them, made once
/// for a plan: looking for each finding's table along the catalog printed
/// every table's name (a set of thousands of tables, as many findings).
fn tables_by_name(catalog: &Catalog) -> rustc_hash::FxHashMap<String, &Table> {
    catalog
        .tables
        .values()
        .map(|t| (t.name.to_string(), t.as_ref()))
        .collect()
}

fn table_of<'a>(
    tables: &rustc_hash::FxHashMap<String, &'a Table>,
    diagnostic: &Diagnostic,
) -> Option<&'a Table> {
    let wanted = diagnostic.object.as_ref()?.table.as_ref()?;
    tables.get(wanted.as_str()).copied()
}

fn column_of<'a>(table: &'a Table, diagnostic: &Diagnostic) -> Option<&'a Column> {
    let name = diagnostic.object.as_ref()?.columns.first()?;
    table.column(name)
}

fn is_small_integer(kind: &TypeKind) -> bool {
    matches!(
        kind,
        TypeKind::Integer | TypeKind::Serial | TypeKind::SmallInt | TypeKind::SmallSerial
    )
}

fn alter_type(table: &Table, column: &str, to: &str, using: Option<String>) -> String {
    format!(
        "ALTER TABLE {} ALTER COLUMN {} TYPE {to}{};",
        table.name.sql(),
        quote(column),
        using.map(|u| format!(" USING {u}")).unwrap_or_default()
    )
}

/// What points at each table, found once for a plan: the plan asks about
/// every table it changes, and `Catalog::foreign_keys_to` and a search of
/// the views each look at the whole schema (a history of thousands of
/// UUID-keyed tables took seconds per thousand).
struct Pointers<'a> {
    foreign_keys: ForeignKeysTo<'a>,
    /// The tables a view reads.
    read_by_views: rustc_hash::FxHashSet<&'a QualifiedName>,
}

impl<'a> Pointers<'a> {
    fn of(catalog: &'a Catalog) -> Self {
        Pointers {
            foreign_keys: catalog.foreign_keys_by_target(),
            read_by_views: catalog.views.values().flat_map(|v| &v.reads).collect(),
        }
    }

    /// Views that read `table`: PostgreSQL refuses to change the type of a
    /// column a view uses.
    fn read_by_view(&self, table: &Table) -> bool {
        self.read_by_views.contains(&table.name)
    }
}

fn plan(findings: &[&Diagnostic], catalog: &Catalog, options: &Options) -> Planned {
    let pointers = Pointers::of(catalog);
    let tables = tables_by_name(catalog);
    let mut planned = Planned::default();
    let mut retyped: BTreeSet<(String, Name)> = BTreeSet::new();
    let mut fk_done: BTreeSet<(String, Vec<Name>)> = BTreeSet::new();
    let mut trigger_tables: BTreeMap<String, QualifiedName> = BTreeMap::new();
    let mut taken: BTreeSet<String> = catalog
        .indexes
        .iter()
        .filter_map(|i| i.name.as_ref().map(|n| n.name.to_string()))
        .collect();
    taken.extend(catalog.tables.keys().map(|t| t.name.to_string()));
    for diagnostic in findings {
        let fixed = label(diagnostic);
        let Some(table) = table_of(&tables, diagnostic) else {
            continue;
        };
        let done = match diagnostic.rule {
            RuleId::BigintPrimaryKey => widen_key(
                &mut planned,
                catalog,
                &pointers,
                table,
                diagnostic,
                &mut retyped,
            ),
            RuleId::BigintForeignKey => {
                widen_reference(&mut planned, catalog, table, diagnostic, &mut retyped)
            }
            RuleId::PreferText => {
                retype_text(&mut planned, &pointers, table, diagnostic, &mut retyped)
            }
            RuleId::PreferTimestamptz => retype_timestamp(
                &mut planned,
                catalog,
                table,
                diagnostic,
                options,
                &mut retyped,
            ),
            RuleId::IndexNaming | RuleId::UniqueNaming => rename(
                &mut planned,
                catalog,
                table,
                diagnostic,
                options,
                &mut taken,
            ),
            RuleId::ForeignKeyIndex => {
                add_index(&mut planned, table, diagnostic, options, &mut taken)
            }
            RuleId::ExplicitFkActions | RuleId::StatusFkRestrict => {
                if !options.unsafe_fixes {
                    planned
                        .left
                        .insert(format!("{fixed} (with --unsafe-fixes)"));
                    continue;
                }
                fk_actions(&mut planned, table, diagnostic, options, &mut fk_done)
            }
            RuleId::TimestampColumns => timestamps(
                &mut planned,
                catalog,
                table,
                options,
                &mut retyped,
                &mut trigger_tables,
            ),
            RuleId::UpdatedAtTrigger => {
                let calls = catalog.triggers.on_table(&table.name).any(|t| {
                    t.function
                        .as_ref()
                        .is_some_and(|f| f.name == options.trigger_function)
                });
                if calls {
                    planned.manual.push(format!(
                        "-- updated-at-trigger: a trigger on {} runs {}() but not BEFORE UPDATE … FOR EACH ROW;\n-- drop it and create the right one:\n-- CREATE TRIGGER set_updated_at BEFORE UPDATE ON {} FOR EACH ROW EXECUTE FUNCTION {}();",
                        table.name, options.trigger_function, table.name.sql(), options.trigger_function
                    ));
                    false
                } else {
                    trigger_tables.insert(table.name.to_string(), table.name.clone());
                    true
                }
            }
            RuleId::StatusLookup => {
                status_plan(&mut planned, table, diagnostic, options);
                false
            }
            _ => continue,
        };
        if done {
            planned.fixed.insert(fixed);
        } else {
            planned.left.insert(fixed);
        }
    }
    if !trigger_tables.is_empty() && options.trigger_active {
        let exists = catalog
            .functions
            .iter()
            .any(|f| f.name == options.trigger_function);
        if !exists {
            planned.function = sql::trigger_function(&options.conventions);
        }
        for name in trigger_tables.values() {
            let trigger = if catalog
                .triggers
                .on_table(name)
                .any(|t| t.name == "set_updated_at")
            {
                format!("{}_set_updated_at", name.name)
            } else {
                "set_updated_at".to_string()
            };
            planned.triggers.push(Step::new(
                format!(
                    "CREATE TRIGGER {} BEFORE UPDATE ON {} FOR EACH ROW EXECUTE FUNCTION {}();",
                    quote(&trigger),
                    name.sql(),
                    options.trigger_function
                ),
                Some(format!(
                    "DROP TRIGGER IF EXISTS {} ON {};",
                    quote(&trigger),
                    name.sql()
                )),
            ));
        }
    }
    planned
}

fn widen_key(
    planned: &mut Planned,
    catalog: &Catalog,
    pointers: &Pointers<'_>,
    table: &Table,
    diagnostic: &Diagnostic,
    retyped: &mut BTreeSet<(String, Name)>,
) -> bool {
    let Some(column) = column_of(table, diagnostic) else {
        return false;
    };
    if !is_small_integer(column.kind()) && !column.kind().is_bigint() {
        uuid_plan(planned, pointers, table, column);
        return false;
    }
    if !retyped.insert((table.name.to_string(), column.name.clone())) {
        return true;
    }
    let mut up = String::new();
    let mut down = String::new();
    if is_small_integer(column.kind()) {
        up = alter_type(table, &column.name, "BIGINT", None);
        down = alter_type(
            table,
            &column.name,
            &column.kind().storage().sql_name(),
            None,
        );
    }
    let sequence = column.default.as_ref().and_then(|d| d.sequence()).cloned();
    if let Some(sequence) = sequence {
        let own = catalog.sequences.get(&sequence);
        if own.is_none_or(|s| !s.kind.is_bigint()) {
            if !up.is_empty() {
                up.push('\n');
            }
            up.push_str(&format!("ALTER SEQUENCE {} AS BIGINT;", sequence.sql()));
        }
    }
    if up.is_empty() {
        return false;
    }
    planned
        .keys
        .push(Step::new(up, (!down.is_empty()).then_some(down)));
    true
}

/// The referenced column of an FK column, when the model knows it.
fn referenced<'a>(
    catalog: &'a Catalog,
    table: &Table,
    column: &str,
) -> Option<(&'a Table, &'a Column)> {
    let fk = table
        .foreign_keys
        .iter()
        .find(|fk| fk.columns.iter().any(|c| c == column))?;
    let at = fk.columns.iter().position(|c| c == column)?;
    let target = catalog.tables.get(&fk.referenced_table)?;
    let name = match fk.referenced_columns.get(at) {
        Some(name) => name.clone(),
        None => target.primary_key.as_ref()?.columns.get(at)?.clone(),
    };
    Some((target, target.column(&name)?))
}

fn widen_reference(
    planned: &mut Planned,
    catalog: &Catalog,
    table: &Table,
    diagnostic: &Diagnostic,
    retyped: &mut BTreeSet<(String, Name)>,
) -> bool {
    let Some(column) = column_of(table, diagnostic) else {
        return false;
    };
    let target = referenced(catalog, table, &column.name);
    let widenable = target.is_some_and(|(_, c)| c.kind().is_bigint() || is_small_integer(c.kind()));
    if !is_small_integer(column.kind()) || !widenable {
        // A key to a UUID key: its plan is the referenced key's.
        return false;
    }
    if retyped.insert((table.name.to_string(), column.name.clone())) {
        planned.key_refs.push(Step::new(
            alter_type(table, &column.name, "BIGINT", None),
            Some(alter_type(
                table,
                &column.name,
                &column.kind().storage().sql_name(),
                None,
            )),
        ));
    }
    true
}

fn retype_text(
    planned: &mut Planned,
    pointers: &Pointers<'_>,
    table: &Table,
    diagnostic: &Diagnostic,
    retyped: &mut BTreeSet<(String, Name)>,
) -> bool {
    let Some(column) = column_of(table, diagnostic) else {
        return false;
    };
    if pointers.read_by_view(table) {
        planned.manual.push(format!(
            "-- prefer-text: {}.{} is read by a view; drop the view, then:\n-- {}\n-- and create the view again.",
            table.name,
            column.name,
            alter_type(table, &column.name, "TEXT", None)
        ));
        return false;
    }
    let to = if matches!(column.kind(), TypeKind::Array(_)) {
        "TEXT[]"
    } else {
        "TEXT"
    };
    if retyped.insert((table.name.to_string(), column.name.clone())) {
        planned.types.push(Step::new(
            alter_type(table, &column.name, to, None),
            Some(alter_type(table, &column.name, column.type_sql(), None)),
        ));
    }
    true
}

fn retype_timestamp(
    planned: &mut Planned,
    catalog: &Catalog,
    table: &Table,
    diagnostic: &Diagnostic,
    options: &Options,
    retyped: &mut BTreeSet<(String, Name)>,
) -> bool {
    let Some(column) = column_of(table, diagnostic) else {
        return false;
    };
    if matches!(column.kind(), TypeKind::Array(_)) {
        return false;
    }
    if used_by_index_expression(catalog, table, &column.name) {
        planned.manual.push(format!(
            "-- prefer-timestamptz: {}.{} is used in an index expression or predicate, which the new type may change; rewrite the index with the type.",
            table.name, column.name
        ));
        return false;
    }
    if retyped.insert((table.name.to_string(), column.name.clone())) {
        planned.types.push(timestamp_step(table, column, options));
    }
    true
}

/// Whether an index's predicate or expression uses `column`: its meaning
/// (and whether PostgreSQL accepts it) may change with the type.
fn used_by_index_expression(catalog: &Catalog, table: &Table, column: &str) -> bool {
    let uses = |text: &str| crate::fix::edits::names_word(text, column);
    catalog.indexes.on_table(&table.name).any(|index| {
        index.predicate.as_ref().is_some_and(|p| uses(&p.sql))
            || index.keys.iter().any(|k| match k {
                crate::model::IndexKey::Expression(text) => uses(text),
                crate::model::IndexKey::Column(_) => false,
            })
    })
}

/// TIMESTAMP → TIMESTAMPTZ reading the values in the configured zone (a
/// generated column is computed again, without USING, which PostgreSQL
/// refuses there).
fn timestamp_step(table: &Table, column: &Column, options: &Options) -> Step {
    let zone = format!("'{}'", options.zone);
    let using = (!column.generated).then(|| format!("{} AT TIME ZONE {zone}", quote(&column.name)));
    Step::new(
        alter_type(table, &column.name, "TIMESTAMPTZ", using.clone()),
        Some(alter_type(table, &column.name, "TIMESTAMP", using)),
    )
}

fn rename(
    planned: &mut Planned,
    catalog: &Catalog,
    table: &Table,
    diagnostic: &Diagnostic,
    options: &Options,
    taken: &mut BTreeSet<String>,
) -> bool {
    let Some(object) = &diagnostic.object else {
        return false;
    };
    let unique = diagnostic.rule == RuleId::UniqueNaming;
    let template = if unique {
        &options.unique_template
    } else {
        &options.index_template
    };
    // A unique constraint: renamed as a constraint.
    if let Some(name) = &object.name
        && let Some(key) = table
            .uniques
            .iter()
            .find(|k| k.name.as_deref() == Some(name))
    {
        let expected = expand(template, &table.name.name, &key.columns);
        if taken.contains(&expected) {
            return false;
        }
        taken.insert(expected.clone());
        planned.renames.push(Step::new(
            format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {};",
                table.name.sql(),
                quote(name),
                quote(&expected)
            ),
            Some(format!(
                "ALTER TABLE {} RENAME CONSTRAINT {} TO {};",
                table.name.sql(),
                quote(&expected),
                quote(name)
            )),
        ));
        return true;
    }
    let index = catalog.indexes.on_table(&table.name).find(|index| {
        index.unique == unique
            && index.name.as_ref().map(|n| n.name.as_str()) == object.name.as_deref()
            && index_columns(index) == object.columns
    });
    let Some(index) = index else {
        return false;
    };
    let current = match &index.name {
        Some(name) => name.clone(),
        None => match crate::model::generated_name(index) {
            Some(generated) => table.name.sibling(generated),
            None => return false,
        },
    };
    if options.consumed.contains(&current.name.to_lowercase()) {
        return false;
    }
    let expected = expand(template, &table.name.name, &index_columns(index));
    if taken.contains(&expected) {
        return false;
    }
    taken.insert(expected.clone());
    planned.renames.push(Step::new(
        format!(
            "ALTER INDEX {} RENAME TO {};",
            current.sql(),
            quote(&expected)
        ),
        Some(format!(
            "ALTER INDEX {} RENAME TO {};",
            table.name.sibling(expected.clone()).sql(),
            quote(&current.name)
        )),
    ));
    true
}

fn add_index(
    planned: &mut Planned,
    table: &Table,
    diagnostic: &Diagnostic,
    options: &Options,
    taken: &mut BTreeSet<String>,
) -> bool {
    let Some(object) = &diagnostic.object else {
        return false;
    };
    if object.columns.is_empty() {
        return false;
    }
    let name = expand(&options.index_template, &table.name.name, &object.columns);
    if !taken.insert(name.clone()) {
        return false;
    }
    planned.indexes.push(Step::new(
        format!(
            "CREATE INDEX {} ON {} ({});",
            quote(&name),
            table.name.sql(),
            quote_list(&object.columns)
        ),
        Some(format!(
            "DROP INDEX IF EXISTS {};",
            table.name.sibling(name).sql()
        )),
    ));
    true
}

fn action_sql(action: &FkAction) -> String {
    action.sql().to_string()
}

/// PostgreSQL's name for an unnamed foreign key: `{table}_{columns}_fkey`.
fn fk_name(table: &Table, fk: &ForeignKey) -> Option<String> {
    if let Some(name) = &fk.name {
        return Some(name.to_string());
    }
    let name = format!("{}_{}_fkey", table.name.name, fk.columns.join("_"));
    (name.len() <= 63).then_some(name)
}

fn fk_actions(
    planned: &mut Planned,
    table: &Table,
    diagnostic: &Diagnostic,
    options: &Options,
    done: &mut BTreeSet<(String, Vec<Name>)>,
) -> bool {
    let Some(object) = &diagnostic.object else {
        return false;
    };
    let Some(fk) = table
        .foreign_keys
        .iter()
        .find(|fk| fk.columns == object.columns && fk.name == object.name)
    else {
        return false;
    };
    if !done.insert((table.name.to_string(), fk.columns.to_vec())) {
        return true;
    }
    let Some(name) = fk_name(table, fk) else {
        return false;
    };
    let normalize = |text: &str| text.trim().to_uppercase();
    let lookup = options.lookups.is_lookup(&fk.referenced_table);
    let on_delete = if lookup {
        "RESTRICT".to_string()
    } else {
        fk.on_delete
            .as_ref()
            .map(action_sql)
            .unwrap_or_else(|| normalize(&options.on_delete))
    };
    let on_update = fk
        .on_update
        .as_ref()
        .map(action_sql)
        .unwrap_or_else(|| normalize(&options.on_update));
    let referenced = if fk.referenced_columns.is_empty() {
        String::new()
    } else {
        format!(" ({})", quote_list(&fk.referenced_columns))
    };
    let add = |delete: Option<&str>, update: Option<&str>, not_valid: bool| {
        format!(
            "ALTER TABLE {} DROP CONSTRAINT {}, ADD CONSTRAINT {} FOREIGN KEY ({}) REFERENCES {}{referenced}{}{}{};",
            table.name.sql(),
            quote(&name),
            quote(&name),
            quote_list(&fk.columns),
            fk.referenced_table.sql(),
            delete
                .map(|d| format!(" ON DELETE {d}"))
                .unwrap_or_default(),
            update
                .map(|u| format!(" ON UPDATE {u}"))
                .unwrap_or_default(),
            if not_valid { " NOT VALID" } else { "" }
        )
    };
    let old_delete = fk.on_delete.as_ref().map(action_sql);
    let old_update = fk.on_update.as_ref().map(action_sql);
    planned.actions.push(Step::new(
        format!(
            "{}\nALTER TABLE {} VALIDATE CONSTRAINT {};",
            add(Some(&on_delete), Some(&on_update), true),
            table.name.sql(),
            quote(&name)
        ),
        Some(add(old_delete.as_deref(), old_update.as_deref(), false)),
    ));
    true
}

fn timestamps(
    planned: &mut Planned,
    catalog: &Catalog,
    table: &Table,
    options: &Options,
    retyped: &mut BTreeSet<(String, Name)>,
    trigger_tables: &mut BTreeMap<String, QualifiedName>,
) -> bool {
    for name in options.conventions.timestamps() {
        let Some(column) = table.column(name) else {
            planned.columns.push(Step::new(
                format!(
                    "ALTER TABLE {} ADD COLUMN {} TIMESTAMPTZ NOT NULL DEFAULT now();",
                    table.name.sql(),
                    quote(name)
                ),
                Some(format!(
                    "ALTER TABLE {} DROP COLUMN IF EXISTS {};",
                    table.name.sql(),
                    quote(name)
                )),
            ));
            if *name == options.trigger_column {
                trigger_tables.insert(table.name.to_string(), table.name.clone());
            }
            continue;
        };
        if column.generated || used_by_index_expression(catalog, table, name) {
            planned.manual.push(format!(
                "-- timestamp-columns: {}.{} is generated or used in an index expression; change it by hand.",
                table.name, name
            ));
            return false;
        }
        if !matches!(
            column.kind(),
            TypeKind::TimestampTz | TypeKind::Timestamp | TypeKind::Date
        ) {
            // An epoch number, text: how to read it is the user's call.
            planned.manual.push(format!(
                "-- timestamp-columns: {}.{} is {}; convert it, e.g.:\n-- {}",
                table.name,
                name,
                column.kind().sql_name(),
                alter_type(
                    table,
                    name,
                    "TIMESTAMPTZ",
                    Some(format!("to_timestamp({})", quote(name)))
                )
            ));
            return false;
        }
        if *column.kind() != TypeKind::TimestampTz
            && retyped.insert((table.name.to_string(), column.name.clone()))
        {
            if *column.kind() == TypeKind::Timestamp {
                planned.types.push(timestamp_step(table, column, options));
            } else {
                planned.types.push(Step::new(
                    alter_type(
                        table,
                        name,
                        "TIMESTAMPTZ",
                        Some(format!("{}::timestamptz", quote(name))),
                    ),
                    None,
                ));
            }
        }
        let mut fixes = Vec::new();
        if !column.default.as_ref().is_some_and(|d| d.is_now()) {
            fixes.push(format!(
                "ALTER TABLE {} ALTER COLUMN {} SET DEFAULT now();",
                table.name.sql(),
                quote(name)
            ));
        }
        if !column.not_null {
            fixes.push(format!(
                "UPDATE {} SET {} = now() WHERE {} IS NULL;\nALTER TABLE {} ALTER COLUMN {} SET NOT NULL;",
                table.name.sql(),
                quote(name),
                quote(name),
                table.name.sql(),
                quote(name)
            ));
        }
        if !fixes.is_empty() {
            planned.columns.push(Step::new(fixes.join("\n"), None));
        }
    }
    true
}

/// A commented plan for a UUID (or other non-integer) key: a BIGINT key
/// next to it, every foreign key to it moved over, then the swap.
fn uuid_plan(planned: &mut Planned, pointers: &Pointers<'_>, table: &Table, column: &Column) {
    let t = table.name.sql();
    let mut lines = vec![
        format!(
            "bigint-primary-key: {}.{} is {}; its values and every key to it change, so this is a plan to edit, not run as is:",
            table.name,
            column.name,
            column.kind().sql_name()
        ),
        format!("ALTER TABLE {t} ADD COLUMN new_id BIGINT GENERATED ALWAYS AS IDENTITY;"),
    ];
    let referencing: Vec<(&Table, &ForeignKey)> = pointers.foreign_keys.of(&table.name).collect();
    for (holder, fk) in &referencing {
        let h = holder.name.sql();
        for fk_column in &fk.columns {
            let new = format!("{fk_column}_new");
            lines.push(format!(
                "ALTER TABLE {h} ADD COLUMN {} BIGINT;",
                quote(&new)
            ));
            lines.push(format!(
                "UPDATE {h} AS r SET {} = t.new_id FROM {t} AS t WHERE r.{} = t.{};",
                quote(&new),
                quote(fk_column),
                quote(&column.name)
            ));
        }
        if let Some(name) = fk_name(holder, fk) {
            lines.push(format!("ALTER TABLE {h} DROP CONSTRAINT {};", quote(&name)));
        }
    }
    lines.push(format!(
        "ALTER TABLE {t} DROP CONSTRAINT {};",
        quote(&format!("{}_pkey", table.name.name))
    ));
    lines.push(format!(
        "ALTER TABLE {t} RENAME COLUMN {} TO {};",
        quote(&column.name),
        quote(&format!("old_{}", column.name))
    ));
    lines.push(format!(
        "ALTER TABLE {t} RENAME COLUMN new_id TO {};",
        quote(&column.name)
    ));
    lines.push(format!(
        "ALTER TABLE {t} ADD PRIMARY KEY ({});",
        quote(&column.name)
    ));
    for (holder, fk) in &referencing {
        let h = holder.name.sql();
        for fk_column in &fk.columns {
            lines.push(format!("ALTER TABLE {h} DROP COLUMN {};", quote(fk_column)));
            lines.push(format!(
                "ALTER TABLE {h} RENAME COLUMN {} TO {};",
                quote(&format!("{fk_column}_new")),
                quote(fk_column)
            ));
            lines.push(format!(
                "ALTER TABLE {h} ADD FOREIGN KEY ({}) REFERENCES {t} ({}) ON DELETE RESTRICT ON UPDATE CASCADE;",
                quote(fk_column),
                quote(&column.name)
            ));
        }
    }
    lines.push(format!(
        "ALTER TABLE {t} DROP COLUMN {};",
        quote(&format!("old_{}", column.name))
    ));
    planned.manual.push(
        lines
            .iter()
            .map(|l| format!("-- {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
}

/// A commented plan for a free-text status: a lookup table, its rows from
/// the values in use, a key to it, the old column dropped.
fn status_plan(planned: &mut Planned, table: &Table, diagnostic: &Diagnostic, options: &Options) {
    let Some(column) = column_of(table, diagnostic) else {
        return;
    };
    let base = column
        .name
        .strip_suffix("_status")
        .or_else(|| column.name.strip_suffix("_state"))
        .filter(|b| !b.is_empty())
        .map(str::to_string)
        .unwrap_or_else(|| singular(&table.name.name));
    let lookup = table
        .name
        .sibling(format!("{base}{}", options.lookups.suffix));
    let key = if column.name == "status" || column.name == "state" {
        "status_id".to_string()
    } else {
        format!("{}_id", column.name)
    };
    let t = table.name.sql();
    let l = lookup.sql();
    let c = quote(&column.name);
    let k = quote(&key);
    let index = expand(
        &options.index_template,
        &table.name.name,
        std::slice::from_ref(&key),
    );
    let lines = [
        format!(
            "status-lookup: {}.{} holds statuses as text; a lookup table and a key instead (edit, then run):",
            table.name, column.name
        ),
        format!(
            "CREATE TABLE {l} (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), updated_at TIMESTAMPTZ NOT NULL DEFAULT now());"
        ),
        format!("INSERT INTO {l} (name) SELECT DISTINCT {c}::text FROM {t} WHERE {c} IS NOT NULL;"),
        format!(
            "ALTER TABLE {t} ADD COLUMN {k} BIGINT REFERENCES {l} (id) ON DELETE RESTRICT ON UPDATE CASCADE;"
        ),
        format!("UPDATE {t} AS r SET {k} = s.id FROM {l} AS s WHERE s.name = r.{c}::text;"),
        format!("CREATE INDEX {} ON {t} ({k});", quote(&index)),
        format!("ALTER TABLE {t} DROP COLUMN {c};"),
    ];
    planned.manual.push(
        lines
            .iter()
            .map(|l| format!("-- {l}"))
            .collect::<Vec<_>>()
            .join("\n"),
    );
}
