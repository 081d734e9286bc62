//! Column defaults as the conventions see them: the model owns what a
//! default *is* (the time of the insert, NULL, the next value of a
//! sequence), so rules never re-read parser expressions.

use std::fmt;

use sqlparser::ast::{self, Expr, FunctionArguments, ObjectName, Value};

use super::names::{QualifiedName, last_part};
use super::types::TypeKind;

/// What a column's `DEFAULT` is.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub struct ColumnDefault {
    pub kind: DefaultKind,
    /// The expression as written, for messages (`written()`); `None` for
    /// the `nextval` of a sequence that PostgreSQL wrote itself (a serial
    /// column's, or after a rename of the sequence), made when asked for:
    /// a set of thousands of tables has as many serial columns, and few
    /// of their defaults are ever shown.
    written: Option<super::Name>,
}

/// Defaults are alike when they are the same kind, written alike (a
/// serial column's default is as PostgreSQL writes it).
impl PartialEq for ColumnDefault {
    fn eq(&self, other: &Self) -> bool {
        self.kind == other.kind && self.written() == other.written()
    }
}

impl Eq for ColumnDefault {}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum DefaultKind {
    /// The time of the inserting transaction: `now()`, `CURRENT_TIMESTAMP`,
    /// `transaction_timestamp()` (also cast to `timestamptz`).
    Now,
    /// `NULL` (also cast).
    Null,
    /// `nextval('seq')`: a serial column. Boxed, so that the other kinds
    /// take 16 bytes, not 48: every default of every column is kept.
    Nextval(Box<QualifiedName>),
    /// A constant: `'member'`, `0`, `false`.
    Literal,
    /// Anything else.
    Other,
}

impl ColumnDefault {
    pub fn of(expr: &Expr) -> ColumnDefault {
        let kind = if is_now(expr) {
            DefaultKind::Now
        } else if is_null(expr) {
            DefaultKind::Null
        } else if let Some(sequence) = nextval(expr) {
            DefaultKind::Nextval(Box::new(sequence))
        } else if is_literal(expr) {
            DefaultKind::Literal
        } else {
            DefaultKind::Other
        };
        ColumnDefault {
            kind,
            written: Some(expr.to_string().into()),
        }
    }

    /// The default PostgreSQL gives a column that takes its values from
    /// `sequence`: `nextval('sequence'::regclass)`.
    pub fn nextval_of(sequence: QualifiedName) -> ColumnDefault {
        ColumnDefault {
            kind: DefaultKind::Nextval(Box::new(sequence)),
            written: None,
        }
    }

    /// The expression as PostgreSQL would print it.
    pub fn written(&self) -> std::borrow::Cow<'_, str> {
        match (&self.written, &self.kind) {
            (Some(written), _) => std::borrow::Cow::Borrowed(written),
            (None, DefaultKind::Nextval(sequence)) => {
                std::borrow::Cow::Owned(format!("nextval('{sequence}'::regclass)"))
            }
            (None, _) => std::borrow::Cow::Borrowed(""),
        }
    }

    pub fn is_now(&self) -> bool {
        self.kind == DefaultKind::Now
    }

    pub fn is_null(&self) -> bool {
        self.kind == DefaultKind::Null
    }

    /// The sequence a serial column takes its values from.
    pub fn sequence(&self) -> Option<&QualifiedName> {
        match &self.kind {
            DefaultKind::Nextval(sequence) => Some(sequence.as_ref()),
            _ => None,
        }
    }
}

impl fmt::Display for ColumnDefault {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.written())
    }
}

/// Not: `'now'` (evaluated once, when the table is created),
/// `LOCALTIMESTAMP` and `timezone('utc', now())` (times without a zone),
/// `clock_timestamp()` (differs between the rows of one statement).
fn is_now(expr: &Expr) -> bool {
    match expr {
        Expr::Nested(inner) => is_now(inner),
        Expr::Cast {
            expr, data_type, ..
        } => TypeKind::of(data_type) == TypeKind::TimestampTz && is_now(expr),
        Expr::Function(call) => {
            let name = last_part(&call.name).unwrap_or_default().to_lowercase();
            match name.as_str() {
                "now" | "transaction_timestamp" => {
                    matches!(&call.args, FunctionArguments::List(list) if list.args.is_empty())
                }
                "current_timestamp" => true,
                _ => false,
            }
        }
        _ => false,
    }
}

fn is_null(expr: &Expr) -> bool {
    match expr {
        Expr::Value(value) => matches!(value.value, Value::Null),
        Expr::Cast { expr, .. } | Expr::Nested(expr) => is_null(expr),
        _ => false,
    }
}

fn is_literal(expr: &Expr) -> bool {
    match expr {
        Expr::Value(_) => true,
        Expr::UnaryOp { expr, .. } | Expr::Cast { expr, .. } | Expr::Nested(expr) => {
            is_literal(expr)
        }
        _ => false,
    }
}

/// `nextval('s')`, `nextval('public.s'::regclass)`.
fn nextval(expr: &Expr) -> Option<QualifiedName> {
    let Expr::Function(call) = expr else {
        return None;
    };
    if last_part(&call.name)?.to_lowercase() != "nextval" {
        return None;
    }
    let FunctionArguments::List(list) = &call.args else {
        return None;
    };
    let [ast::FunctionArg::Unnamed(ast::FunctionArgExpr::Expr(argument))] = list.args.as_slice()
    else {
        return None;
    };
    QualifiedName::from_object_name(&regclass(argument)?)
}

/// The object named by a `regclass` argument: `'users'`, `'auth.users'`,
/// `'"Users"'`, optionally cast (`'users'::regclass`).
pub fn regclass(expr: &Expr) -> Option<ObjectName> {
    match expr {
        Expr::Cast { expr, .. } | Expr::Nested(expr) => regclass(expr),
        Expr::Value(value) => match &value.value {
            Value::SingleQuotedString(text) => {
                let dialect = sqlparser::dialect::PostgreSqlDialect {};
                let mut parser = sqlparser::parser::Parser::new(&dialect)
                    .try_with_sql(text)
                    .ok()?;
                let name = parser.parse_object_name(false).ok()?;
                (parser.peek_token().token == sqlparser::tokenizer::Token::EOF).then_some(name)
            }
            _ => None,
        },
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn default(sql: &str) -> DefaultKind {
        let dialect = sqlparser::dialect::PostgreSqlDialect {};
        let expr = sqlparser::parser::Parser::new(&dialect)
            .try_with_sql(sql)
            .unwrap()
            .parse_expr()
            .unwrap();
        ColumnDefault::of(&expr).kind
    }

    #[test]
    fn kinds() {
        for now in [
            "now()",
            "CURRENT_TIMESTAMP",
            "transaction_timestamp()",
            "now()::timestamptz",
        ] {
            assert_eq!(default(now), DefaultKind::Now, "{now}");
        }
        for not in [
            "'now'",
            "LOCALTIMESTAMP",
            "clock_timestamp()",
            "timezone('utc', now())",
        ] {
            assert_ne!(default(not), DefaultKind::Now, "{not}");
        }
        assert_eq!(default("NULL::boolean"), DefaultKind::Null);
        assert_eq!(default("'member'"), DefaultKind::Literal);
        assert_eq!(default("-1"), DefaultKind::Literal);
        assert_eq!(
            default("nextval('public.users_id_seq'::regclass)"),
            DefaultKind::Nextval(Box::new(QualifiedName::unqualified("users_id_seq")))
        );
        assert_eq!(default("gen_random_uuid()"), DefaultKind::Other);
    }
}
