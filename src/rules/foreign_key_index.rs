//! `foreign-key-index`: every foreign key's columns lead some index.

use crate::rules::Reporter;
use std::collections::BTreeSet;

use crate::diagnostic::{Diagnostic, Fix, ObjectRef, Severity};
use crate::fix::edits;
use crate::model::names::{quote, quote_list};
use crate::model::{Catalog, ForeignKey, Index, IndexMethod, Predicate, Table};
use crate::rules::support::naming::expand;
use crate::rules::{Context, NoOptions, Rule, RuleDef, RuleId};

pub struct ForeignKeyIndex;

static DEF: RuleDef = RuleDef {
    id: RuleId::ForeignKeyIndex,
    name: "foreign-key-index",
    default_severity: Some(Severity::Error),
    summary: "every foreign key's columns are the leading columns of an index (PK and UNIQUE count)",
    doc: include_str!("../../rules/foreign-key-index.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for ForeignKeyIndex {
    type Options = NoOptions;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(_: NoOptions) -> Self {
        ForeignKeyIndex
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for table in cx.catalog.tables.values() {
            for fk in &table.foreign_keys {
                if fk.columns.is_empty()
                    || !out.reports(&fk.columns_origin)
                    || covered(cx.catalog, table, fk)
                {
                    continue;
                }
                let columns = fk.columns.join(", ");
                let index = expand("idx_{table}_{columns}", &table.name.name, &fk.columns);
                let create = format!(
                    "CREATE INDEX {} ON {} ({});",
                    quote(&index),
                    table.name.sql(),
                    quote_list(&fk.columns)
                );
                out.push_with_fix(
                    Diagnostic::new(
                        DEF.id,
                        &fk.columns_origin,
                        format!(
                            "foreign key `{}` ({columns}) → `{}` has no index on ({columns})",
                            table.name, fk.referenced_table
                        ),
                    )
                    .help(format!(
                        "PostgreSQL does not index foreign keys: every delete of a `{}` row scans `{}`. Add: {create}",
                        fk.referenced_table, table.name
                    ))
                    .object(
                        ObjectRef::table(&table.name)
                            .with_columns(fk.columns.to_vec())
                            .with_name(fk.name.clone()),
                    ),
                    || fix(cx, table, fk, &index, &create),
                );
            }
        }
    }
}

/// Whether some index, primary key or unique constraint of the table has
/// the FK's columns as its leading columns, in any order.
fn covered(catalog: &Catalog, table: &Table, fk: &ForeignKey) -> bool {
    let wanted: BTreeSet<&str> = fk.columns.iter().map(crate::model::Name::as_str).collect();
    let leads = |columns: &mut dyn Iterator<Item = &str>| {
        let leading: BTreeSet<&str> = columns.take(wanted.len()).collect();
        leading == wanted
    };
    let keys = table.primary_key.iter().chain(&table.uniques);
    if keys
        .into_iter()
        .any(|key| leads(&mut key.columns.iter().map(crate::model::Name::as_str)))
    {
        return true;
    }
    catalog
        .indexes
        .on_table(&table.name)
        .filter(|index| {
            index
                .predicate
                .as_ref()
                .is_none_or(|predicate| only_not_null(predicate, &wanted))
        })
        .any(|index| usable(index, wanted.len()) && leads(&mut index.leading_columns()))
}

/// Whether a partial index's predicate only requires some of the foreign
/// key's `columns` to be NOT NULL (`WHERE a IS NOT NULL AND b IS NOT
/// NULL`). The referential check looks rows up by `fk = $1`, which implies
/// `fk IS NOT NULL`, so PostgreSQL uses such an index for it; it is the
/// usual index for a nullable foreign key. Any other condition leaves rows
/// out that the check must find.
fn only_not_null(predicate: &Predicate, columns: &BTreeSet<&str>) -> bool {
    predicate
        .not_null_only
        .as_ref()
        .is_some_and(|tested| tested.iter().all(|c| columns.contains(c.as_str())))
}

/// B-tree indexes serve any leading-column lookup; a hash index serves only
/// equality on its single column.
fn usable(index: &Index, columns: usize) -> bool {
    match index.method {
        IndexMethod::Btree => true,
        IndexMethod::Hash => columns == 1 && index.keys.len() == 1,
        _ => false,
    }
}

/// `create` appended after the statement that wrote the foreign key,
/// when the table and its columns still have the names they have at the
/// end and `index` is a free name.
fn fix(cx: &Context<'_>, table: &Table, fk: &ForeignKey, index: &str, create: &str) -> Option<Fix> {
    if !edits::not_renamed(table) || !edits::name_is_free(cx, index) {
        return None;
    }
    let renamed = fk.columns.iter().any(|name| {
        table.column(name).is_none_or(|column| {
            column.name_origin.file() != column.definition.file()
                || !column
                    .definition
                    .span()
                    .contains(&column.name_origin.span().start)
        })
    });
    if renamed {
        return None;
    }
    let after = edits::after_statement(cx, &fk.clause)?;
    Some(Fix::safe(
        format!("add the index `{index}`"),
        vec![after.append(create)],
    ))
}
