//! `schema-drift`: the live database differs from the schema the
//! migrations produce (`schema-lint db --compare`).
//!
//! Both sides are the same model: the migrations replayed, and the live
//! catalog read as DDL and replayed (see `db`). Objects are matched by
//! name (columns, triggers, named indexes), else by what they are (keys
//! and foreign keys by their columns, unnamed indexes by table, columns
//! and uniqueness). A finding is placed at the migration that defines the
//! object when there is one, else at the object in the database.

use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::{
    Catalog, Column, FkAction, ForeignKey, Index, IndexKey, Name, QualifiedName, Table, Trigger,
    TriggerEvent, TriggerTiming,
};
use crate::rules::{Context, NoOptions, Reporter, Rule, RuleDef, RuleId};

pub struct SchemaDrift;

pub static DEF: RuleDef = RuleDef {
    id: RuleId::SchemaDrift,
    name: "schema-drift",
    default_severity: Some(Severity::Error),
    summary: "the live database differs from the schema the migrations produce (`schema-lint db --compare`)",
    doc: include_str!("../../rules/schema-drift.md"),
    target: crate::rules::Target::Drift,
    judges_down_migrations: false,
};

impl Rule for SchemaDrift {
    type Options = NoOptions;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(_: NoOptions) -> Self {
        SchemaDrift
    }

    /// Migrations alone cannot drift: see `compare`.
    fn check(&self, _: &Context<'_>, _: &mut Reporter<'_>) {}
}

/// Every difference between `ours` (the migrations' schema) and `theirs`
/// (the live database's), each located in `ours` when it has the object.
/// `text` reads the source at an origin (both sides live in one project).
pub fn compare(
    ours: &Catalog,
    theirs: &Catalog,
    text: &dyn Fn(&crate::source::Origin) -> String,
) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let d =
        |origin: &crate::source::Origin, message: String| Diagnostic::new(DEF.id, origin, message);
    for table in ours.tables.values() {
        match theirs.tables.get(&table.name) {
            None => out.push(
                d(
                    &table.name_origin,
                    format!(
                        "table `{}` is created by the migrations but is missing from the database",
                        table.name
                    ),
                )
                .help("apply the pending migrations, or find out who dropped the table")
                .object(ObjectRef::table(&table.name)),
            ),
            Some(live) => compare_tables(table, live, ours, theirs, text, &mut out),
        }
    }
    for table in theirs.tables.values() {
        if !ours.tables.contains_key(&table.name) {
            out.push(
                d(
                    &table.name_origin,
                    format!(
                        "table `{}` exists in the database but no migration creates it",
                        table.name
                    ),
                )
                .help("write a migration that creates it, or drop it from the database")
                .object(ObjectRef::table(&table.name)),
            );
        }
    }
    compare_indexes(ours, theirs, &mut out);
    compare_triggers(ours, theirs, &mut out);
    for (name, ours_enum) in &ours.enums {
        match theirs.enums.get(name) {
            None => out.push(
                d(
                    &ours_enum.origin,
                    format!("enum type `{name}` is created by the migrations but is missing from the database"),
                )
                .object(enum_object(name)),
            ),
            Some(live) if live.labels != ours_enum.labels => out.push(
                d(
                    &ours_enum.origin,
                    format!(
                        "enum type `{name}` has the labels ({}) in the migrations but ({}) in the database",
                        labels(&ours_enum.labels),
                        labels(&live.labels)
                    ),
                )
                .object(enum_object(name)),
            ),
            Some(_) => {}
        }
    }
    for (name, live) in &theirs.enums {
        if !ours.enums.contains_key(name) {
            out.push(
                d(
                    &live.origin,
                    format!(
                        "enum type `{name}` exists in the database but no migration creates it"
                    ),
                )
                .object(enum_object(name)),
            );
        }
    }
    out
}

/// The object of a finding about an enum type: the type, by name.
fn enum_object(name: &QualifiedName) -> ObjectRef {
    ObjectRef::default().with_name(Some(Name::new(name.to_string())))
}

fn labels(labels: &[Name]) -> String {
    labels
        .iter()
        .map(|l| format!("'{l}'"))
        .collect::<Vec<_>>()
        .join(", ")
}

fn compare_tables(
    table: &Table,
    live: &Table,
    ours: &Catalog,
    theirs: &Catalog,
    text: &dyn Fn(&crate::source::Origin) -> String,
    out: &mut Vec<Diagnostic>,
) {
    let name = &table.name;
    for column in &table.columns {
        let object = ObjectRef::column(name, &column.name);
        let Some(other) = live.column(&column.name) else {
            out.push(
                Diagnostic::new(
                    DEF.id,
                    &column.name_origin,
                    format!(
                        "column `{name}.{}` is added by the migrations but is missing from the database",
                        column.name
                    ),
                )
                .help("apply the pending migrations, or find out who dropped the column")
                .object(object),
            );
            continue;
        };
        compare_columns(name, column, other, text, out);
    }
    for column in &live.columns {
        if table.column(&column.name).is_none() {
            out.push(
                Diagnostic::new(
                    DEF.id,
                    &column.definition,
                    format!(
                        "column `{name}.{}` ({}) exists in the database but no migration adds it",
                        column.name,
                        text(&column.type_origin)
                    ),
                )
                .help("write a migration that adds it, or drop it from the database")
                .object(ObjectRef::column(name, &column.name)),
            );
        }
    }
    // Primary key.
    let key = |t: &Table| t.primary_key.as_ref().map(|k| k.columns.to_vec());
    if key(table) != key(live) {
        let origin = table
            .primary_key
            .as_ref()
            .map_or(&table.name_origin, |k| &k.origin);
        out.push(
            Diagnostic::new(
                DEF.id,
                origin,
                format!(
                    "the primary key of `{name}` is {} in the migrations but {} in the database",
                    columns_text(key(table)),
                    columns_text(key(live))
                ),
            )
            .object(ObjectRef::table(name)),
        );
    }
    // Unique constraints, by their columns.
    let uniques = |t: &Table| -> BTreeSet<Vec<Name>> {
        t.uniques.iter().map(|k| k.columns.to_vec()).collect()
    };
    let (mine, others) = (uniques(table), uniques(live));
    let one_side = [
        (
            &table.uniques,
            &others,
            "in the migrations but not in the database",
        ),
        (&live.uniques, &mine, "in the database but in no migration"),
    ];
    for (keys, other_side, where_) in one_side {
        for key in keys.iter().filter(|k| !other_side.contains(&k.columns[..])) {
            out.push(
                Diagnostic::new(
                    DEF.id,
                    key.name_origin.as_ref().unwrap_or(&key.origin),
                    format!(
                        "the unique constraint on `{name}` ({}) is {where_}",
                        key.columns.join(", ")
                    ),
                )
                .object(
                    ObjectRef::table(name)
                        .with_columns(key.columns.to_vec())
                        .with_name(key.name.clone()),
                ),
            );
        }
    }
    // Foreign keys, by columns and what they reference.
    let identity = |fk: &ForeignKey, catalog: &Catalog| {
        let referenced = if fk.referenced_columns.is_empty() {
            catalog
                .tables
                .get(&fk.referenced_table)
                .and_then(|t| t.primary_key.as_ref())
                .map(|k| k.columns.clone())
                .unwrap_or_default()
        } else {
            fk.referenced_columns.clone()
        };
        (fk.columns.clone(), fk.referenced_table.clone(), referenced)
    };
    for fk in &table.foreign_keys {
        let id = identity(fk, ours);
        let object = ObjectRef::table(name)
            .with_columns(fk.columns.to_vec())
            .with_name(fk.name.clone());
        match live.foreign_keys.iter().find(|other| identity(other, theirs) == id) {
            None => out.push(
                Diagnostic::new(
                    DEF.id,
                    &fk.clause,
                    format!(
                        "the foreign key `{name}` ({}) → `{}` is in the migrations but not in the database",
                        fk.columns.join(", "),
                        fk.referenced_table
                    ),
                )
                .object(object),
            ),
            Some(other) => {
                for (what, mine, theirs) in [
                    ("ON DELETE", fk.on_delete, other.on_delete),
                    ("ON UPDATE", fk.on_update, other.on_update),
                ] {
                    if action(mine) != action(theirs) {
                        out.push(
                            Diagnostic::new(
                                DEF.id,
                                &fk.clause,
                                format!(
                                    "the foreign key `{name}` ({}) → `{}` is {what} {} in the migrations but {what} {} in the database",
                                    fk.columns.join(", "),
                                    fk.referenced_table,
                                    action(mine),
                                    action(theirs)
                                ),
                            )
                            .object(object.clone()),
                        );
                    }
                }
            }
        }
    }
    for fk in &live.foreign_keys {
        let id = identity(fk, theirs);
        if !table
            .foreign_keys
            .iter()
            .any(|mine| identity(mine, ours) == id)
        {
            out.push(
                Diagnostic::new(
                    DEF.id,
                    &fk.clause,
                    format!(
                        "the foreign key `{name}` ({}) → `{}` is in the database but in no migration",
                        fk.columns.join(", "),
                        fk.referenced_table
                    ),
                )
                .object(
                    ObjectRef::table(name)
                        .with_columns(fk.columns.to_vec())
                        .with_name(fk.name.clone()),
                ),
            );
        }
    }
}

fn columns_text(columns: Option<Vec<Name>>) -> String {
    match columns {
        Some(columns) => format!("({})", columns.join(", ")),
        None => "missing".to_string(),
    }
}

fn action(action: Option<FkAction>) -> &'static str {
    FkAction::sql_or_default(action)
}

fn compare_columns(
    table: &QualifiedName,
    column: &Column,
    live: &Column,
    text: &dyn Fn(&crate::source::Origin) -> String,
    out: &mut Vec<Diagnostic>,
) {
    let object = || ObjectRef::column(table, &column.name);
    let name = format!("{table}.{}", column.name);
    if type_identity(column) != type_identity(live) {
        out.push(
            Diagnostic::new(
                DEF.id,
                &column.type_origin,
                format!(
                    "column `{name}` is {} in the migrations but {} in the database",
                    text(&column.type_origin),
                    text(&live.type_origin)
                ),
            )
            .object(object()),
        );
    }
    if column.not_null != live.not_null {
        let state = |not_null: bool| if not_null { "NOT NULL" } else { "nullable" };
        out.push(
            Diagnostic::new(
                DEF.id,
                &column.definition,
                format!(
                    "column `{name}` is {} in the migrations but {} in the database",
                    state(column.not_null),
                    state(live.not_null)
                ),
            )
            .object(object()),
        );
    }
    if column.identity != live.identity {
        let state = |identity: bool| {
            if identity {
                "an identity column"
            } else {
                "not an identity column"
            }
        };
        out.push(
            Diagnostic::new(
                DEF.id,
                &column.definition,
                format!(
                    "column `{name}` is {} in the migrations but {} in the database",
                    state(column.identity),
                    state(live.identity)
                ),
            )
            .object(object()),
        );
    } else if !column.identity
        && !column.generated
        && default_identity(column) != default_identity(live)
    {
        let shown = |c: &Column| match &c.default {
            Some(default) => format!("defaults to `{}`", default.written()),
            None => "has no default".to_string(),
        };
        out.push(
            Diagnostic::new(
                DEF.id,
                &column.definition,
                format!(
                    "column `{name}` {} in the migrations but {} in the database",
                    shown(column),
                    shown(live)
                ),
            )
            .object(object()),
        );
    }
}

/// A type as PostgreSQL stores it: the kind and its modifiers (`(255)`,
/// `(10,2)`); `serial` is `integer`, `char` is `char(1)`.
fn type_identity(column: &Column) -> String {
    let written = column.type_sql().to_lowercase();
    let modifiers: String = match (written.find('('), written.rfind(')')) {
        (Some(start), Some(end)) if start < end => written[start..=end]
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect(),
        _ => String::new(),
    };
    let kind = column.kind().storage();
    let modifiers = match (&kind, modifiers.is_empty()) {
        (crate::model::TypeKind::Char, true) => "(1)".to_string(),
        _ => modifiers,
    };
    let name = kind.sql_name();
    let name = name.strip_prefix("public.").unwrap_or(&name).to_string();
    format!("{name}{modifiers}")
}

/// A default as compared: the time of the transaction, a sequence, or its
/// text without casts, parentheses, spaces and case (`'x'::text` is `'x'`).
fn default_identity(column: &Column) -> Option<String> {
    use crate::model::DefaultKind;
    let default = column.default.as_ref()?;
    Some(match &default.kind {
        DefaultKind::Now => "now()".to_string(),
        DefaultKind::Null => return None,
        DefaultKind::Nextval(sequence) => format!("nextval({sequence})"),
        DefaultKind::Literal | DefaultKind::Other => normalize(&default.written()),
    })
}

/// Expression text without casts, parentheses, white space and case, so
/// that PostgreSQL's spelling (`('pending'::text)`) and the migration's
/// (`'pending'`) compare equal.
fn normalize(text: &str) -> String {
    let compact: String = text
        .to_lowercase()
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '(' && *c != ')')
        .collect();
    let mut out = String::with_capacity(compact.len());
    let mut rest = compact.as_str();
    while let Some(at) = rest.find("::") {
        out.push_str(&rest[..at]);
        rest = &rest[at + 2..];
        let end = rest
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '.' | '"' | '[' | ']')))
            .unwrap_or(rest.len());
        rest = &rest[end..];
    }
    out.push_str(rest);
    out
}

fn compare_indexes(ours: &Catalog, theirs: &Catalog, out: &mut Vec<Diagnostic>) {
    let mut unmatched: Vec<&Index> = theirs.indexes.iter().collect();
    let mut pairs: Vec<(&Index, Option<&Index>)> = Vec::new();
    let named = |i: &Index| i.name.as_ref().map(|n| n.name.clone());
    let shape = |i: &Index| (i.table.clone(), keys(i), i.unique);
    let ours_list: Vec<&Index> = ours.indexes.iter().collect();
    // By name first, then unnamed ones by their shape.
    for index in &ours_list {
        let found = unmatched.iter().position(|other| {
            index.name.is_some() && named(other) == named(index) && other.table == index.table
        });
        pairs.push((index, found.map(|at| unmatched.remove(at))));
    }
    for pair in pairs.iter_mut().filter(|(_, other)| other.is_none()) {
        let found = unmatched.iter().position(|other| {
            shape(other) == shape(pair.0) && (pair.0.name.is_none() || other.name.is_none())
        });
        pair.1 = found.map(|at| unmatched.remove(at));
    }
    for (index, other) in pairs {
        let label = index_label(index);
        let object = ObjectRef::table(&index.table)
            .with_columns(
                index
                    .keys
                    .iter()
                    .filter_map(|k| k.column().map(Name::from))
                    .collect::<Vec<_>>(),
            )
            .with_name(index.name.as_ref().map(|n| n.name.clone()));
        let origin = index.name_origin.as_ref().unwrap_or(&index.origin);
        let Some(other) = other else {
            out.push(
                Diagnostic::new(
                    DEF.id,
                    origin,
                    format!(
                        "{label} is created by the migrations but is missing from the database"
                    ),
                )
                .help("apply the pending migrations, or recreate the index")
                .object(object),
            );
            continue;
        };
        let mut differences = Vec::new();
        if keys(index) != keys(other) {
            differences.push(format!(
                "its columns are ({}) in the migrations but ({}) in the database",
                keys(index).join(", "),
                keys(other).join(", ")
            ));
        }
        if index.unique != other.unique {
            differences.push(format!(
                "it is {} in the migrations but {} in the database",
                if index.unique { "unique" } else { "not unique" },
                if other.unique { "unique" } else { "not unique" }
            ));
        }
        if index.method() != other.method() {
            differences.push(format!(
                "it uses {} in the migrations but {} in the database",
                index.method(),
                other.method()
            ));
        }
        let predicate = |i: &Index| i.predicate.as_ref().map(|p| normalize(&p.sql));
        if predicate(index) != predicate(other) {
            let shown = |i: &Index| match &i.predicate {
                Some(p) => format!("partial (WHERE {})", p.sql),
                None => "not partial".to_string(),
            };
            differences.push(format!(
                "it is {} in the migrations but {} in the database",
                shown(index),
                shown(other)
            ));
        }
        if let (Some(mine), Some(theirs)) = (&index.name, &other.name)
            && mine.name != theirs.name
        {
            differences.push(format!("it is named `{}` in the database", theirs.name));
        }
        for difference in differences {
            out.push(
                Diagnostic::new(DEF.id, origin, format!("{label}: {difference}"))
                    .object(object.clone()),
            );
        }
    }
    for other in unmatched {
        let origin = other.name_origin.as_ref().unwrap_or(&other.origin);
        out.push(
            Diagnostic::new(
                DEF.id,
                origin,
                format!(
                    "{} exists in the database but no migration creates it",
                    index_label(other)
                ),
            )
            .help("write a migration that creates it, or drop it from the database")
            .object(
                ObjectRef::table(&other.table)
                    .with_columns(
                        other
                            .keys
                            .iter()
                            .filter_map(|k| k.column().map(Name::from))
                            .collect::<Vec<_>>(),
                    )
                    .with_name(other.name.as_ref().map(|n| n.name.clone())),
            ),
        );
    }
}

/// Index keys as compared: column names, and each expression as `expr`
/// (PostgreSQL respells expressions).
fn keys(index: &Index) -> Vec<Name> {
    index
        .keys
        .iter()
        .map(|k| match k {
            IndexKey::Column(name) => name.clone(),
            IndexKey::Expression(_) => "expr".into(),
        })
        .collect()
}

fn index_label(index: &Index) -> String {
    let kind = if index.unique {
        "unique index"
    } else {
        "index"
    };
    match &index.name {
        Some(name) => format!("{kind} `{}` on `{}`", name.name, index.table),
        None => format!(
            "the unnamed {kind} on `{}` ({})",
            index.table,
            keys(index).join(", ")
        ),
    }
}

fn compare_triggers(ours: &Catalog, theirs: &Catalog, out: &mut Vec<Diagnostic>) {
    let describe = |t: &Trigger| {
        let mut events = t.events.clone();
        events.sort();
        let events: Vec<&str> = events.into_iter().map(TriggerEvent::sql).collect();
        format!(
            "{} {} {}",
            t.timing.map(TriggerTiming::sql).unwrap_or_default(),
            events.join(" OR "),
            t.function
                .as_ref()
                .map(|f| f.name.clone())
                .unwrap_or_default()
        )
    };
    for trigger in ours.triggers.iter() {
        let object = ObjectRef::table(&trigger.table).with_name(Some(trigger.name.clone()));
        match theirs
            .triggers
            .on_table(&trigger.table)
            .find(|other| other.name == trigger.name)
        {
            None => out.push(
                Diagnostic::new(
                    DEF.id,
                    &trigger.origin,
                    format!(
                        "trigger `{}` on `{}` is created by the migrations but is missing from the database",
                        trigger.name, trigger.table
                    ),
                )
                .object(object),
            ),
            Some(other) if describe(trigger) != describe(other) => out.push(
                Diagnostic::new(
                    DEF.id,
                    &trigger.origin,
                    format!(
                        "trigger `{}` on `{}` is `{}` in the migrations but `{}` in the database",
                        trigger.name,
                        trigger.table,
                        describe(trigger),
                        describe(other)
                    ),
                )
                .object(object),
            ),
            Some(_) => {}
        }
    }
    for trigger in theirs.triggers.iter() {
        if !ours
            .triggers
            .on_table(&trigger.table)
            .any(|other| other.name == trigger.name)
        {
            out.push(
                Diagnostic::new(
                    DEF.id,
                    &trigger.origin,
                    format!(
                        "trigger `{}` on `{}` exists in the database but no migration creates it",
                        trigger.name, trigger.table
                    ),
                )
                .object(ObjectRef::table(&trigger.table).with_name(Some(trigger.name.clone()))),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn postgres_spellings_of_defaults_compare_equal() {
        assert_eq!(normalize("('pending'::text)"), normalize("'pending'"));
        assert_eq!(normalize("'{}'::jsonb"), normalize("'{}'"));
        assert_eq!(normalize("'a'::character varying"), normalize("'a'"));
        assert_ne!(normalize("'a'"), normalize("'b'"));
    }
}
