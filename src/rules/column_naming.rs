//! `column-naming`: column names are snake_case.

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::names::{needs_quotes, quote};
use crate::rules::Reporter;
use crate::rules::support::naming::{is_snake_case, to_snake_case};
use crate::rules::{Context, NoOptions, Rule, RuleDef, RuleId};

pub struct ColumnNaming;

static DEF: RuleDef = RuleDef {
    id: RuleId::ColumnNaming,
    name: "column-naming",
    default_severity: Some(Severity::Warning),
    summary: "column names are snake_case",
    doc: include_str!("../../rules/column-naming.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for ColumnNaming {
    type Options = NoOptions;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(_: NoOptions) -> Self {
        ColumnNaming
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for (table, column) in cx.columns() {
            if is_snake_case(&column.name) {
                continue;
            }
            let suggestion = to_snake_case(&column.name);
            let help = if !needs_quotes(&suggestion) {
                format!(
                    "rename it: ALTER TABLE {} RENAME COLUMN {} TO {suggestion}; a snake_case name needs no quotes in any query",
                    table.name.sql(),
                    quote(&column.name)
                )
            } else {
                "use lower-case ASCII letters, digits and `_`, starting with a letter or `_`, so the name needs no quotes".to_string()
            };
            out.push(
                Diagnostic::new(
                    DEF.id,
                    &column.name_origin,
                    format!("column `{}.{}` is not snake_case", table.name, column.name),
                )
                .help(help)
                .object(ObjectRef::column(&table.name, &column.name)),
            );
        }
    }
}
