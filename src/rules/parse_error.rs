//! `parse-error`: a statement the parser could not read.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, NoOptions, Rule, RuleMeta};
use crate::source::Origin;

pub struct ParseError;

static META: RuleMeta = RuleMeta {
    name: "parse-error",
    default_severity: Some(Severity::Warning),
    summary: "a statement the parser could not read; its rules were skipped",
    doc: include_str!("../../rules/parse-error.md"),
};

impl Rule for ParseError {
    type Options = NoOptions;

    fn meta() -> &'static RuleMeta {
        &META
    }

    fn new(_: NoOptions) -> Self {
        ParseError
    }

    /// A down migration is only ever checked for this.
    fn judges_down_migrations() -> bool {
        true
    }

    /// Up and down statements alike.
    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for file in cx.files() {
            for statement in &file.statements {
                let Some(failure) = statement.failure() else {
                    continue;
                };
                let origin = Origin::new(file.id, statement.span.clone());
                let mut diagnostic = Diagnostic::new(
                    META.name,
                    &origin,
                    format!("could not parse this statement: {}", failure.message),
                )
                .help("rules skipped this statement; if it is valid PostgreSQL, please report it");
                if let Some(at) = &failure.at {
                    diagnostic = diagnostic
                        .related(&Origin::new(file.id, at.clone()), "the parser stopped here");
                }
                out.push(diagnostic);
            }
        }
    }
}
