//! `unused-suppression`: an inline suppression that suppresses nothing or
//! names an unknown rule.
//!
//! Its findings come from the suppression stage (`crate::suppress`), which is
//! the only place that knows which suppressions were used; the rule is here
//! so that it is documented, selectable and configurable like any other.

use crate::diagnostic::Severity;
use crate::rules::{Context, NoOptions, Reporter, Rule, RuleMeta};

pub struct UnusedSuppression;

pub static META: RuleMeta = RuleMeta {
    name: "unused-suppression",
    default_severity: Some(Severity::Warning),
    summary: "an inline suppression that suppresses nothing or names an unknown rule",
    doc: include_str!("../../rules/unused-suppression.md"),
    target: crate::rules::Target::Migrations,
};

impl Rule for UnusedSuppression {
    type Options = NoOptions;

    fn meta() -> &'static RuleMeta {
        &META
    }

    fn new(_: NoOptions) -> Self {
        UnusedSuppression
    }

    fn check(&self, _: &Context<'_>, _: &mut Reporter<'_>) {}
}
