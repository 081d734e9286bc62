//! What the model needs to know about the expressions it keeps: a CHECK
//! constraint and a partial index's predicate are kept as their SQL text
//! plus the one fact rules ask of them, read here from the parse tree while
//! it exists.

use std::collections::BTreeSet;

use sqlparser::ast::{BinaryOperator, Expr, InTarget, Value};

use super::names::{Name, fold};

/// A CHECK constraint's expression.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct CheckExpr {
    /// As `sqlparser` prints it.
    pub sql: String,
    /// The columns the expression limits, on its own, to a list of values
    /// (and maybe NULL): `state IN ('a', 'b')`, `state = ANY (ARRAY[…])`,
    /// `state = 'a' OR state = 'b'`.
    pub value_lists: Vec<Name>,
}

impl CheckExpr {
    pub fn of(expr: &Expr) -> CheckExpr {
        let mut candidates = BTreeSet::new();
        compared_columns(expr, &mut candidates);
        CheckExpr {
            sql: expr.to_string(),
            value_lists: candidates
                .into_iter()
                .filter(|column| allowed(expr, column) == Allowed::List)
                .collect(),
        }
    }

    /// Whether the CHECK limits `column` to a list of values.
    pub fn lists_values_of(&self, column: &str) -> bool {
        self.value_lists.iter().any(|c| c == column)
    }
}

impl std::fmt::Display for CheckExpr {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sql)
    }
}

/// A partial index's `WHERE` predicate.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub struct Predicate {
    /// As `sqlparser` prints it.
    pub sql: String,
    /// When the predicate only requires columns to be NOT NULL (`a IS NOT
    /// NULL AND b IS NOT NULL`): those columns.
    pub not_null_only: Option<Vec<Name>>,
}

impl Predicate {
    pub fn of(expr: &Expr) -> Predicate {
        let mut columns = BTreeSet::new();
        Predicate {
            sql: expr.to_string(),
            not_null_only: not_null_only(expr, &mut columns).then(|| columns.into_iter().collect()),
        }
    }
}

impl std::fmt::Display for Predicate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.sql)
    }
}

/// Whether `expr` is a conjunction of `column IS NOT NULL` only; collects
/// the columns.
fn not_null_only(expr: &Expr, columns: &mut BTreeSet<Name>) -> bool {
    match expr {
        Expr::Nested(inner) => not_null_only(inner, columns),
        Expr::BinaryOp {
            left,
            op: BinaryOperator::And,
            right,
        } => not_null_only(left, columns) && not_null_only(right, columns),
        Expr::IsNotNull(operand) => match plain_column(operand) {
            Some(column) => {
                columns.insert(column);
                true
            }
            None => false,
        },
        _ => false,
    }
}

/// A bare column name, in parentheses or not.
fn plain_column(expr: &Expr) -> Option<Name> {
    match expr {
        Expr::Identifier(ident) => Some(fold(ident)),
        Expr::Nested(inner) => plain_column(inner),
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

/// The columns compared in `expr` (left of `IN`, `= ANY`, `=`, or tested
/// for NULL): those it may limit.
fn compared_columns(expr: &Expr, out: &mut BTreeSet<Name>) {
    match expr {
        Expr::Nested(inner) => compared_columns(inner, out),
        Expr::In { expr, .. } | Expr::IsNull(expr) => out.extend(column_of(expr)),
        Expr::AnyOp { left, .. } => out.extend(column_of(left)),
        Expr::BinaryOp { left, op, right } => {
            if *op == BinaryOperator::Eq {
                out.extend(column_of(left));
            }
            compared_columns(left, out);
            compared_columns(right, out);
        }
        _ => {}
    }
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
            target: InTarget::List(_),
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

/// The column an operand names (qualified, cast or in parentheses).
fn column_of(expr: &Expr) -> Option<Name> {
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

    fn expr(sql: &str) -> Expr {
        let dialect = sqlparser::dialect::PostgreSqlDialect {};
        sqlparser::parser::Parser::new(&dialect)
            .try_with_sql(sql)
            .and_then(|mut p| p.parse_expr())
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }

    #[test]
    fn only_a_check_that_limits_the_column_alone_is_a_list() {
        for (sql, expected) in [
            ("state IN ('a', 'b')", true),
            ("state = ANY (ARRAY['a', 'b'])", true),
            ("state = 'a' OR state = 'b'", true),
            ("state IS NULL OR state IN ('a')", true),
            ("(state IN ('a') AND x > 0)", true),
            (
                "(state IN ('cancelled', 'completed') AND finalized_at IS NOT NULL) OR finalized_at IS NULL",
                false,
            ),
            ("state IN ('a') OR x > 0", false),
            ("other IN ('a')", false),
            ("state NOT IN ('a')", false),
            ("state IS NULL", false),
        ] {
            assert_eq!(
                CheckExpr::of(&expr(sql)).lists_values_of("state"),
                expected,
                "{sql}"
            );
        }
    }

    #[test]
    fn a_predicate_of_not_null_tests_names_its_columns() {
        let of = |sql: &str| Predicate::of(&expr(sql)).not_null_only;
        assert_eq!(
            of("(b IS NOT NULL) AND a IS NOT NULL"),
            Some(vec!["a".into(), "b".into()])
        );
        assert_eq!(of("a IS NOT NULL AND deleted_at IS NULL"), None);
        assert_eq!(of("a IS NOT NULL OR b IS NOT NULL"), None);
        assert_eq!(of("t.a IS NOT NULL"), None);
    }
}
