//! `table-comments` (off by default): every table and column has a
//! `COMMENT ON`, the human-readable description the schema reference
//! (`schema-lint schema`) shows.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, ObjectRef};
use crate::model::names::quote;
use crate::model::{Column, Table};
use crate::rules::support::naming::matches_pattern;
use crate::rules::{Context, Rule, RuleDef, RuleId};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Columns whose name says it all (`*` matches any text).
    pub exempt_columns: Vec<String>,
    /// Tables that need no comments, nor their columns (`*` matches any
    /// text; `schema.table` outside `public`).
    pub exempt_tables: Vec<String>,
    /// `false`: only tables need a comment.
    pub columns: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            exempt_columns: vec![
                "id".to_string(),
                "created_at".to_string(),
                "updated_at".to_string(),
            ],
            exempt_tables: Vec::new(),
            columns: true,
        }
    }
}

pub struct TableComments {
    options: Options,
}

pub static DEF: RuleDef = RuleDef {
    id: RuleId::TableComments,
    name: "table-comments",
    default_severity: None,
    summary: "every table and column has a `COMMENT ON` describing it",
    doc: include_str!("../../rules/table-comments.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for TableComments {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        TableComments { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for table in cx.catalog.tables.values() {
            let name = table.name.to_string();
            if self
                .options
                .exempt_tables
                .iter()
                .any(|pattern| matches_pattern(pattern, &name))
            {
                continue;
            }
            if !described(&table.comment) {
                out.push(table_finding(table));
            }
            if !self.options.columns {
                continue;
            }
            for column in &table.columns {
                let exempt = self
                    .options
                    .exempt_columns
                    .iter()
                    .any(|pattern| matches_pattern(pattern, &column.name));
                if !exempt && !described(&column.comment) {
                    out.push(column_finding(table, column));
                }
            }
        }
    }
}

/// A comment that says something: PostgreSQL removes a comment set to
/// `''`, and blanks describe nothing.
fn described(comment: &crate::model::Comment) -> bool {
    comment
        .as_deref()
        .is_some_and(|(text, _)| !text.trim().is_empty())
}

fn table_finding(table: &Table) -> Diagnostic {
    Diagnostic::new(
        DEF.id,
        &table.name_origin,
        format!("table `{}` has no comment", table.name),
    )
    .help(format!(
        "say what a row of it is, for the schema reference (`schema-lint schema`): `COMMENT ON TABLE {} IS '…';`",
        table.name.sql()
    ))
    .object(ObjectRef::table(&table.name))
}

fn column_finding(table: &Table, column: &Column) -> Diagnostic {
    Diagnostic::new(
        DEF.id,
        &column.name_origin,
        format!("column `{}.{}` has no comment", table.name, column.name),
    )
    .help(format!(
        "say what it holds (units, meaning of NULL), for the schema reference: `COMMENT ON COLUMN {}.{} IS '…';`",
        table.name.sql(),
        quote(&column.name)
    ))
    .object(ObjectRef::column(&table.name, &column.name))
}
