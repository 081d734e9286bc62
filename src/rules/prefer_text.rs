//! `prefer-text`: VARCHAR(n), VARCHAR, CHARACTER VARYING instead of TEXT.

use crate::diagnostic::Severity;
use crate::model::TypeKind;
use crate::rules::Reporter;
use crate::rules::{Context, NoOptions, Rule, RuleMeta, columns_of_kind};

pub struct PreferText;

static META: RuleMeta = RuleMeta {
    name: "prefer-text",
    default_severity: Some(Severity::Error),
    summary: "VARCHAR(n), VARCHAR, CHARACTER VARYING instead of TEXT",
    doc: include_str!("../../rules/prefer-text.md"),
    target: crate::rules::Target::Schema,
};

impl Rule for PreferText {
    type Options = NoOptions;

    fn meta() -> &'static RuleMeta {
        &META
    }

    fn new(_: NoOptions) -> Self {
        PreferText
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        columns_of_kind(
            cx,
            META.name,
            &TypeKind::Varchar,
            |table, column, written| {
                format!(
                    "column `{}.{}` is `{written}`; use TEXT",
                    table.name, column.name
                )
            },
            "PostgreSQL stores TEXT and VARCHAR alike; a length limit only adds failures. Use TEXT, with a CHECK (char_length(...) <= n) where a limit is a real rule",
            out,
        );
    }
}
