//! `status-lookup`: status-like columns reference a `{domain}_statuses`
//! lookup table instead of holding free text, an enum or a CHECK list.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};
use sqlparser::ast::{BinaryOperator, Expr, Value};

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::names::{fold, quote};
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
            if cx.lookups.is_lookup(&table.name)
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
    let written = cx.text(&column.type_origin);
    let listed = table
        .checks
        .iter()
        .any(|check| allowed(&check.expr, &column.name) == Allowed::List);
    if listed {
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

/// What a CHECK expression lets one column hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Allowed {
    /// The expression does not limit the column on its own.
    Anything,
    /// `c IS NULL`.
    Null,
    /// A list of values (and maybe NULL): `c IN ('a', 'b')`,
    /// `c = ANY (ARRAY[…])`, `c = 'a' OR c = 'b'`, `c IS NULL OR c IN (…)`.
    List,
}

/// What `expr` lets `column` hold. Only a CHECK that limits the column on
/// its own is a CHECK list: in `(state IN ('done') AND finalized_at IS NOT
/// NULL) OR finalized_at IS NULL` the state is free whenever
/// `finalized_at` is NULL.
fn allowed(expr: &Expr, column: &str) -> Allowed {
    let is_column = |e: &Expr| column_of(e).as_deref() == Some(column);
    match expr {
        Expr::Nested(inner) => allowed(inner, column),
        Expr::In {
            expr,
            target: sqlparser::ast::InTarget::List(_),
            negated: false,
            ..
        } if is_column(expr) => Allowed::List,
        Expr::AnyOp {
            left,
            compare_op: BinaryOperator::Eq,
            ..
        } if is_column(left) => Allowed::List,
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Eq,
            right,
        } if is_column(left) && is_literal(right) => Allowed::List,
        Expr::IsNull(operand) if is_column(operand) => Allowed::Null,
        // Both sides hold: the stricter one limits the column.
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => match (allowed(left, column), allowed(right, column)) {
            (Allowed::List, _) | (_, Allowed::List) => Allowed::List,
            (Allowed::Null, _) | (_, Allowed::Null) => Allowed::Null,
            _ => Allowed::Anything,
        },
        // Either side may hold: the column is limited only if both limit it.
        Expr::BinaryOp {
            left,
            op: BinaryOperator::Or,
            right,
        } => match (allowed(left, column), allowed(right, column)) {
            (Allowed::Anything, _) | (_, Allowed::Anything) => Allowed::Anything,
            (Allowed::Null, Allowed::Null) => Allowed::Null,
            _ => Allowed::List,
        },
        _ => Allowed::Anything,
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

#[cfg(test)]
mod tests {
    use super::*;

    fn check(sql: &str) -> Expr {
        let dialect = sqlparser::dialect::PostgreSqlDialect {};
        sqlparser::parser::Parser::new(&dialect)
            .try_with_sql(sql)
            .and_then(|mut p| p.parse_expr())
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    #[test]
    fn only_a_check_that_limits_the_column_alone_is_a_list() {
        for (sql, expected) in [
            ("state IN ('a', 'b')", Allowed::List),
            ("state = ANY (ARRAY['a', 'b'])", Allowed::List),
            ("state = 'a' OR state = 'b'", Allowed::List),
            ("state IS NULL OR state IN ('a')", Allowed::List),
            ("(state IN ('a') AND x > 0)", Allowed::List),
            (
                "(state IN ('cancelled', 'completed') AND finalized_at IS NOT NULL) OR finalized_at IS NULL",
                Allowed::Anything,
            ),
            ("state IN ('a') OR x > 0", Allowed::Anything),
            ("other IN ('a')", Allowed::Anything),
            ("state NOT IN ('a')", Allowed::Anything),
            ("state IS NULL", Allowed::Null),
        ] {
            assert_eq!(allowed(&check(sql), "state"), expected, "{sql}");
        }
    }
}
