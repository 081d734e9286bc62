//! `status-lookup`: status-like columns reference a `{domain}_statuses`
//! lookup table instead of holding free text, an enum or a CHECK list.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::names::quote;
use crate::model::{Column, Table, TypeKind};
use crate::rules::support::naming::{matches_pattern, singular};
use crate::rules::{Context, Rule, RuleDef, RuleId};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Column names that hold a status (`*` matches any text).
    pub column_patterns: Vec<String>,
    /// Also judge columns that are the table's primary key or a whole
    /// unique key (by default they identify rows: tokens, not statuses).
    pub include_keys: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            column_patterns: ["status", "state", "*_status", "*_state"]
                .map(String::from)
                .to_vec(),
            include_keys: false,
        }
    }
}

pub struct StatusLookup {
    options: Options,
}

static DEF: RuleDef = RuleDef {
    id: RuleId::StatusLookup,
    name: "status-lookup",
    default_severity: Some(Severity::Error),
    summary: "status-like columns are `*_status_id BIGINT` referencing a `{domain}_statuses` table, not text, enums or CHECK lists",
    doc: include_str!("../../rules/status-lookup.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for StatusLookup {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        StatusLookup { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for (table, column) in cx.columns() {
            // Generated columns mirror data held elsewhere: the fix is there.
            if !out.reports(&column.type_origin)
                || cx.lookups.is_lookup(&table.name)
                || column.generated
                || !self.is_status_name(&column.name)
                || table
                    .foreign_keys
                    .iter()
                    .any(|fk| fk.columns.contains(&column.name))
                || (!self.options.include_keys && identifies_rows(cx, table, &column.name))
            {
                continue;
            }
            let Some(how) = stored_as(cx, table, column) else {
                continue;
            };
            let lookup = quote(&format!(
                "{}{}",
                self.domain(table, &column.name),
                cx.lookups.suffix
            ));
            out.push(
                Diagnostic::new(
                    DEF.id,
                    &column.type_origin,
                    format!("status column `{}.{}` is {how}; statuses belong in a lookup table", table.name, column.name),
                )
                .help(format!(
                    "create `{lookup}` (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, …) and store `{} BIGINT NOT NULL REFERENCES {lookup} (id) ON DELETE RESTRICT ON UPDATE CASCADE`; a new status is then an INSERT, not a migration",
                    quote(&format!("{}_id", column.name))
                ))
                .object(ObjectRef::column(&table.name, &column.name)),
            );
        }
    }
}

impl StatusLookup {
    fn is_status_name(&self, name: &str) -> bool {
        self.options
            .column_patterns
            .iter()
            .any(|pattern| matches_pattern(pattern, name))
    }

    /// `payment_status` → `payment`; a bare `status` → the table's singular.
    fn domain(&self, table: &Table, column: &str) -> String {
        match column.rsplit_once('_') {
            Some((prefix, _)) => prefix.to_string(),
            None => singular(&table.name.name),
        }
    }
}

/// Whether the column alone is the table's primary key or a whole unique
/// key (constraint or non-partial unique index): an OAuth `state` nonce
/// that identifies its row, not a status.
fn identifies_rows(cx: &Context<'_>, table: &Table, column: &str) -> bool {
    cx.catalog.is_unique_column(table, column)
}

/// How the column stores its status, when that is what the rule flags.
fn stored_as(cx: &Context<'_>, table: &Table, column: &Column) -> Option<String> {
    let written = column.written_type();
    let listed = table
        .checks
        .iter()
        .any(|check| check.expr.lists_values_of(&column.name));
    if listed {
        return Some(format!("`{written}` limited by a CHECK list of values"));
    }
    match column.kind() {
        kind if kind.is_textual() => Some(format!("stored as `{written}`")),
        TypeKind::Other(name) if cx.catalog.enums.keys().any(|e| e.name == *name) => {
            Some(format!("the enum `{written}`"))
        }
        _ => None,
    }
}
