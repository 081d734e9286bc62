//! `unused-suppression`: an inline suppression that suppresses nothing or
//! names an unknown rule.
//!
//! Its findings come from the suppression stage (`crate::suppress`), which is
//! the only place that knows which suppressions were used; the rule is here
//! so that it is documented, selectable and configurable like any other.

use crate::diagnostic::Severity;
use crate::rules::{Context, NoOptions, Reporter, Rule, RuleDef, RuleId};

pub struct UnusedSuppression;

pub static DEF: RuleDef = RuleDef {
    id: RuleId::UnusedSuppression,
    name: "unused-suppression",
    default_severity: Some(Severity::Warning),
    summary: "an inline suppression that suppresses nothing or names an unknown rule",
    doc: include_str!("../../rules/unused-suppression.md"),
    target: crate::rules::Target::Migrations,
    // A suppression is judged wherever it is written: one in a down
    // migration that suppresses nothing (most rules report nothing there)
    // is unused too.
    judges_down_migrations: true,
};

impl Rule for UnusedSuppression {
    type Options = NoOptions;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(_: NoOptions) -> Self {
        UnusedSuppression
    }

    fn check(&self, _: &Context<'_>, _: &mut Reporter<'_>) {}
}
