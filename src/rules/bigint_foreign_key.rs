//! `bigint-foreign-key`: foreign-key columns are BIGINT and have the
//! referenced column's type.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Fix, ObjectRef, Severity};
use crate::fix::edits;
use crate::model::{Catalog, Column, ForeignKey, Table, TypeKind};
use crate::rules::{Context, Rule, RuleDef, RuleId};

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Types accepted besides BIGINT, when the referenced column has the
    /// same type (e.g. `"uuid"` where UUID keys are allowed).
    pub allow: Vec<String>,
}

pub struct BigintForeignKey {
    allow: Vec<TypeKind>,
}

static DEF: RuleDef = RuleDef {
    id: RuleId::BigintForeignKey,
    name: "bigint-foreign-key",
    default_severity: Some(Severity::Error),
    summary: "foreign-key columns are BIGINT and have the referenced column's type",
    doc: include_str!("../../rules/bigint-foreign-key.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for BigintForeignKey {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        BigintForeignKey {
            allow: TypeKind::parse_all(&options.allow),
        }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for table in cx.catalog.tables.values() {
            for fk in &table.foreign_keys {
                // Finding the referenced columns costs more than asking
                // where a finding would be reported (a pre-commit run
                // reports one file of a set).
                let reported = |name: &crate::model::Name| {
                    table
                        .column(name)
                        .is_some_and(|c| out.reports(&c.type_origin))
                };
                if !fk.columns.iter().any(reported) {
                    continue;
                }
                for (column, referenced) in pairs(cx.catalog, table, fk) {
                    if !out.reports(&column.type_origin) {
                        continue;
                    }
                    if let Some(problem) = self.problem(column, referenced) {
                        let written = column.written_type();
                        out.push_with_fix(
                            Diagnostic::new(
                                DEF.id,
                                &column.type_origin,
                                format!("foreign key column `{}.{}` is `{written}`{problem}", table.name, column.name),
                            )
                            .help("write foreign keys as `BIGINT`, the type of every `BIGSERIAL` primary key, so joins need no casts and the code one id type")
                            .object(ObjectRef::column(&table.name, &column.name)),
                            || fix(cx, column, referenced),
                        );
                    }
                }
            }
        }
    }
}

impl BigintForeignKey {
    /// What is wrong with an FK column, as the end of the message.
    fn problem(&self, column: &Column, referenced: Option<(&Table, &Column)>) -> Option<String> {
        let own = column.kind().storage();
        let target = referenced.map(|(t, c)| (t, c, c.kind().storage()));
        match target {
            Some((_, _, theirs)) if own == theirs && self.allow.contains(&own) => None,
            _ if own == TypeKind::BigInt => match target {
                Some((t, c, theirs)) if theirs != TypeKind::BigInt => Some(format!(
                    " but references `{}.{}` of type `{}`",
                    t.name,
                    c.name,
                    theirs.sql_name()
                )),
                _ => None,
            },
            _ => Some("; use BIGINT".to_string()),
        }
    }
}

/// Each FK column with the column it references, when the model knows it.
fn pairs<'a>(
    catalog: &'a Catalog,
    table: &'a Table,
    fk: &'a ForeignKey,
) -> Vec<(&'a Column, Option<(&'a Table, &'a Column)>)> {
    let target = catalog.tables.get(&fk.referenced_table).map(Box::as_ref);
    let referenced: Vec<crate::model::Name> = if fk.referenced_columns.is_empty() {
        target
            .and_then(|t| t.primary_key.as_ref())
            .map(|k| k.columns.to_vec())
            .unwrap_or_default()
    } else {
        fk.referenced_columns.to_vec()
    };
    fk.columns
        .iter()
        .enumerate()
        .filter_map(|(i, name)| {
            let column = table.column(name)?;
            let other = target.and_then(|t| Some((t, t.column(referenced.get(i)?)?)));
            Some((column, other))
        })
        .collect()
}

/// An integer FK column as BIGINT, when the key it references is BIGINT
/// or an integer key `bigint-primary-key` widens.
fn fix(cx: &Context<'_>, column: &Column, referenced: Option<(&Table, &Column)>) -> Option<Fix> {
    let (_, target) = referenced?;
    let widened = matches!(
        target.kind(),
        TypeKind::BigInt
            | TypeKind::BigSerial
            | TypeKind::Integer
            | TypeKind::Serial
            | TypeKind::SmallInt
            | TypeKind::SmallSerial
    );
    if !widened {
        return None;
    }
    let edit = edits::retype(cx, &column.type_origin, |w| {
        edits::integer_to_bigint(w, false)
    })?;
    Some(Fix::safe("change the type to BIGINT", vec![edit]))
}
