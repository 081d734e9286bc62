//! `primary-key-id`: every table has a single-column primary key named `id`.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::Table;
use crate::model::names::{quote, quote_list};
use crate::rules::support::naming::expand;
use crate::rules::{Context, Rule, RuleDef, RuleId};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// The name of every table's key column.
    pub column: String,
    /// Accept a composite primary key whose columns are all foreign-key
    /// columns (a join table keyed by the pair it links).
    pub allow_join_tables: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            column: "id".to_string(),
            allow_join_tables: false,
        }
    }
}

pub struct PrimaryKeyId {
    options: Options,
}

static DEF: RuleDef = RuleDef {
    id: RuleId::PrimaryKeyId,
    name: "primary-key-id",
    default_severity: Some(Severity::Error),
    summary: "every table has a single-column primary key named `id`",
    doc: include_str!("../../rules/primary-key-id.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for PrimaryKeyId {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        PrimaryKeyId { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        let id = &self.options.column;
        for table in cx.catalog.tables.values() {
            let Some(key) = &table.primary_key else {
                out.push(
                    Diagnostic::new(
                        DEF.id,
                        &table.name_origin,
                        format!("table `{}` has no primary key", table.name),
                    )
                    .help(format!(
                        "without a key, rows cannot be told apart, updated one at a time or referenced; add `{id} BIGSERIAL PRIMARY KEY`"
                    ))
                    .object(ObjectRef::table(&table.name)),
                );
                continue;
            };
            // Made for a finding only: most keys are right.
            let object = || {
                ObjectRef::table(&table.name)
                    .with_columns(key.columns.to_vec())
                    .with_name(key.name.clone())
            };
            match key.columns.as_slice() {
                // A key over expressions only: nothing to say about names.
                [] => {}
                [only] if only == id => {}
                [only] => {
                    // Inline keys underline the column, constraints themselves.
                    let origin = match (key.inline, table.column(only)) {
                        (true, Some(column)) => &column.name_origin,
                        _ => &key.origin,
                    };
                    out.push(
                        Diagnostic::new(
                            DEF.id,
                            origin,
                            format!(
                                "the primary key of `{}` is `{only}`, not `{id}`",
                                table.name
                            ),
                        )
                        .help(format!(
                            "every table's key is called `{id}`, so every foreign key reads `{{table}}_id` → `{id}`; rename the column (`ALTER TABLE {} RENAME COLUMN {} TO {}`), or key the table by a new `{id} BIGSERIAL PRIMARY KEY` and keep `{only}` UNIQUE",
                            table.name.sql(),
                            quote(only),
                            quote(id)
                        ))
                        .object(object()),
                    );
                }
                // A partitioned table's key must include its partition key.
                columns
                    if columns.iter().any(|c| c == id)
                        && columns
                            .iter()
                            .all(|c| c == id || table.partition_key.contains(c)) => {}
                columns => {
                    let join = is_join_table(table, columns);
                    if join && self.options.allow_join_tables {
                        continue;
                    }
                    let list = columns.join(", ");
                    let unique = expand("uq_{table}_{columns}", &table.name.name, columns);
                    let what = if join {
                        format!(
                            "join table `{}` is keyed by its foreign keys ({list})",
                            table.name
                        )
                    } else {
                        format!(
                            "table `{}` has the composite primary key ({list})",
                            table.name
                        )
                    };
                    out.push(
                        Diagnostic::new(
                            DEF.id,
                            &key.origin,
                            format!("{what}, not a single `{id}` column"),
                        )
                        .help(format!(
                            "the convention is a surrogate key plus a unique constraint over the pair: `{} BIGSERIAL PRIMARY KEY` and `CONSTRAINT {} UNIQUE ({})`; the pair stays unique and the row gets an `{id}` like every other{}",
                            quote(id),
                            quote(&unique),
                            quote_list(columns),
                            if join {
                                " (or set `allow-join-tables = true` to accept join tables keyed by their foreign keys)"
                            } else {
                                ""
                            }
                        ))
                        .object(object()),
                    );
                }
            }
        }
    }
}

/// A composite key made only of foreign-key columns: a join table.
fn is_join_table(table: &Table, columns: &[crate::model::Name]) -> bool {
    columns.len() > 1
        && columns.iter().all(|column| {
            table
                .foreign_keys
                .iter()
                .any(|fk| fk.columns.contains(column))
        })
}
