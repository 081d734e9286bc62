//! `no-select-star`: views and materialized views defined with `SELECT *`.
//!
//! Judges the views of the final schema (a view dropped or replaced later
//! is not reported), at the `*` of the definition that exists at the end;
//! which `*` count is the model's (`model::views::wildcards`). One finding
//! per view, on its first `*`; the others are related locations.

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::rules::Reporter;
use crate::rules::{Context, NoOptions, Rule, RuleDef, RuleId};

pub struct NoSelectStar;

pub static DEF: RuleDef = RuleDef {
    id: RuleId::NoSelectStar,
    name: "no-select-star",
    default_severity: Some(Severity::Warning),
    summary: "views and materialized views defined with `SELECT *`",
    doc: include_str!("../../rules/no-select-star.md"),
    target: crate::rules::Target::Migrations,
    judges_down_migrations: false,
};

impl Rule for NoSelectStar {
    type Options = NoOptions;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(_: NoOptions) -> Self {
        NoSelectStar
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for view in cx.catalog.views.values() {
            let Some((first, rest)) = view.wildcards.split_first() else {
                continue;
            };
            let kind = if view.materialized {
                "materialized view"
            } else {
                "view"
            };
            let count = match rest.len() {
                0 => String::new(),
                n => format!(" ({} wildcards)", n + 1),
            };
            let mut diagnostic = Diagnostic::new(
                DEF.id,
                first,
                format!("{kind} `{}` selects `*`{count}; list its columns", view.name),
            )
            .help("PostgreSQL expands `*` once, when the view is created: columns added to the table later never appear, and the view's columns depend on the table's column order. Name the columns the view promises")
            .object(ObjectRef::table(&view.name));
            for other in rest {
                diagnostic = diagnostic.related(other, "another `*`");
            }
            out.push(diagnostic);
        }
    }
}
