//! `prefer-timestamptz`: TIMESTAMP / TIMESTAMP WITHOUT TIME ZONE instead of
//! TIMESTAMPTZ.

use crate::diagnostic::{Fix, Severity};
use crate::fix::edits;
use crate::model::TypeKind;
use crate::rules::Reporter;
use crate::rules::{Context, NoOptions, Rule, RuleDef, RuleId, columns_of_kind};

pub struct PreferTimestamptz;

static DEF: RuleDef = RuleDef {
    id: RuleId::PreferTimestamptz,
    name: "prefer-timestamptz",
    default_severity: Some(Severity::Error),
    summary: "TIMESTAMP / TIMESTAMP WITHOUT TIME ZONE instead of TIMESTAMPTZ",
    doc: include_str!("../../rules/prefer-timestamptz.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for PreferTimestamptz {
    type Options = NoOptions;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(_: NoOptions) -> Self {
        PreferTimestamptz
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        columns_of_kind(
            cx,
            DEF.id,
            &TypeKind::Timestamp,
            |table, column, written| {
                format!(
                    "column `{}.{}` is `{written}`, a time without a time zone; use TIMESTAMPTZ",
                    table.name, column.name
                )
            },
            "TIMESTAMPTZ stores an instant (in UTC) and converts on the way out; TIMESTAMP silently depends on the writer's time zone",
            |_, column, _| {
                let edit = edits::retype(cx, &column.type_origin, edits::timestamp_to_timestamptz)?;
                Some(Fix::safe("change the type to TIMESTAMPTZ", vec![edit]))
            },
            out,
        );
    }
}
