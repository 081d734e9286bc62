//! `unsupported-statement`: valid PostgreSQL that could change tables,
//! columns, keys or indexes, but that `schema-lint` cannot read, so the
//! schema model may be incomplete from there.
//!
//! A statement is valid when a second, complete PostgreSQL grammar accepts
//! it (see `load::validity`); one that does not shape the model (grants,
//! roles, publications, …) is recognised and produces nothing.

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::Parsed;
use crate::rules::Reporter;
use crate::rules::{Context, NoOptions, Rule, RuleDef, RuleId};
use crate::source::Origin;

pub struct UnsupportedStatement;

pub static DEF: RuleDef = RuleDef {
    id: RuleId::UnsupportedStatement,
    name: "unsupported-statement",
    default_severity: Some(Severity::Warning),
    summary: "valid PostgreSQL that changes the schema but that schema-lint cannot read; the model may be incomplete from there",
    doc: include_str!("../../rules/unsupported-statement.md"),
    target: crate::rules::Target::Files,
    judges_down_migrations: false,
};

impl Rule for UnsupportedStatement {
    type Options = NoOptions;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(_: NoOptions) -> Self {
        UnsupportedStatement
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for file in cx.files() {
            for statement in file.up_statements() {
                let Parsed::Unread(unread) = &statement.parsed else {
                    continue;
                };
                let (kind, table) = (&unread.kind, &unread.table);
                let what = match table {
                    Some(table) => format!("the table `{table}` may be missing what it changes"),
                    None => "the schema model may be missing what it changes".to_string(),
                };
                out.push(
                    Diagnostic::new(
                        DEF.id,
                        &Origin::new(file.id, statement.span.clone()),
                        format!("schema-lint cannot read this {kind} (PostgreSQL accepts it): {what}"),
                    )
                    .help("findings about it may be wrong from here on; please report the statement so it can be read"),
                );
            }
        }
    }
}
