//! `status-lookup`: status-like columns reference a `{domain}_statuses`
//! lookup table instead of holding free text, an enum or a CHECK list.

use serde::{Deserialize, Serialize};
use sqlparser::ast::{BinaryOperator, Expr, Value};

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::names::fold;
use crate::model::{Column, Table, TypeKind};
use crate::rules::naming::{matches_pattern, singular};
use crate::rules::{Context, Rule, RuleMeta};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Column names that hold a status (`*` matches any text).
    pub column_patterns: Vec<String>,
    /// How lookup tables are named: `{domain}` + this suffix.
    pub lookup_suffix: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            column_patterns: ["status", "state", "*_status", "*_state"]
                .map(String::from)
                .to_vec(),
            lookup_suffix: "_statuses".to_string(),
        }
    }
}

pub struct StatusLookup {
    options: Options,
}

static META: RuleMeta = RuleMeta {
    name: "status-lookup",
    default_severity: Some(Severity::Error),
    summary: "status-like columns are `*_status_id BIGINT` referencing a `{domain}_statuses` table, not text, enums or CHECK lists",
    doc: include_str!("../../rules/status-lookup.md"),
};

impl Rule for StatusLookup {
    type Options = Options;

    fn meta() -> &'static RuleMeta {
        &META
    }

    fn new(options: Options) -> Self {
        StatusLookup { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (table, column) in cx.columns() {
            // Generated columns mirror data held elsewhere: the fix is there.
            if table.name.name.ends_with(&self.options.lookup_suffix)
                || column.generated
                || !self.is_status_name(&column.name)
                || table
                    .foreign_keys
                    .iter()
                    .any(|fk| fk.columns.contains(&column.name))
            {
                continue;
            }
            let Some(how) = stored_as(cx, table, column) else {
                continue;
            };
            let lookup = format!(
                "{}{}",
                self.domain(table, &column.name),
                self.options.lookup_suffix
            );
            out.push(
                Diagnostic::new(
                    META.name,
                    &column.type_origin,
                    format!("status column `{}.{}` is {how}; statuses belong in a lookup table", table.name, column.name),
                )
                .help(format!(
                    "create `{lookup}` (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, …) and store `{}_id BIGINT NOT NULL REFERENCES {lookup} (id) ON DELETE RESTRICT ON UPDATE CASCADE`; a new status is then an INSERT, not a migration",
                    column.name
                ))
                .object(ObjectRef::column(table.name.to_string(), &column.name)),
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

/// How the column stores its status, when that is what the rule flags.
fn stored_as(cx: &Context<'_>, table: &Table, column: &Column) -> Option<String> {
    let written = cx.text(&column.type_origin);
    let checked = table
        .checks
        .iter()
        .any(|check| listed_columns(&check.expr).contains(&column.name));
    if checked {
        return Some(format!("`{written}` limited by a CHECK list of values"));
    }
    match &column.kind {
        kind if kind.is_textual() => Some(format!("stored as `{written}`")),
        TypeKind::Other(name) if cx.catalog.enums.keys().any(|e| e.name == *name) => {
            Some(format!("the enum `{written}`"))
        }
        _ => None,
    }
}

/// Columns a CHECK expression limits to a list of values:
/// `c IN ('a', 'b')`, `c = ANY (ARRAY[…])`, `c = 'a' OR c = 'b'`.
fn listed_columns(expr: &Expr) -> Vec<String> {
    match expr {
        Expr::InList {
            expr,
            negated: false,
            ..
        } => column_of(expr).into_iter().collect(),
        Expr::AnyOp {
            left,
            compare_op: BinaryOperator::Eq,
            ..
        } => column_of(left).into_iter().collect(),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Or | BinaryOperator::And,
            right,
        } => {
            let mut columns = listed_columns(left);
            columns.extend(listed_columns(right));
            columns
        }
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } if is_literal(right) => column_of(left).into_iter().collect(),
        Expr::Nested(inner) => listed_columns(inner),
        _ => Vec::new(),
    }
}

fn column_of(expr: &Expr) -> Option<String> {
    match expr {
        Expr::Identifier(ident) => Some(fold(ident)),
        Expr::CompoundIdentifier(parts) => parts.last().map(fold),
        Expr::Cast { expr, .. } | Expr::Nested(expr) => column_of(expr),
        _ => None,
    }
}

fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Value(value) => matches!(
            value.value,
            Value::SingleQuotedString(_) | Value::Number(..) | Value::EscapedStringLiteral(_)
        ),
        Expr::Cast { expr, .. } | Expr::Nested(expr) => is_literal(expr),
        _ => false,
    }
}
