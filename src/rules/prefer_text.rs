//! `prefer-text`: VARCHAR(n), VARCHAR, CHARACTER VARYING instead of TEXT.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Edit, Fix, Severity};
use crate::fix::edits;
use crate::model::{Column, TypeKind};
use crate::rules::{Context, Rule, RuleDef, RuleId, columns_of_kind};

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// `schema-lint fix` keeps a VARCHAR(n)'s limit as `CHECK
    /// (char_length(col) <= n)` after the TEXT it writes.
    pub fix_length_check: bool,
}

pub struct PreferText {
    options: Options,
}

static DEF: RuleDef = RuleDef {
    id: RuleId::PreferText,
    name: "prefer-text",
    default_severity: Some(Severity::Error),
    summary: "VARCHAR(n), VARCHAR, CHARACTER VARYING instead of TEXT",
    doc: include_str!("../../rules/prefer-text.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for PreferText {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        PreferText { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        columns_of_kind(
            cx,
            DEF.id,
            &TypeKind::Varchar,
            |table, column, written| {
                format!(
                    "column `{}.{}` is `{written}`; use TEXT",
                    table.name, column.name
                )
            },
            "PostgreSQL stores TEXT and VARCHAR alike; a length limit only adds failures. Use TEXT, with a CHECK (char_length(...) <= n) where a limit is a real rule",
            |_, column, written| self.fix(cx, column, written),
            out,
        );
    }
}

impl PreferText {
    /// The type as TEXT, with the length as a CHECK when
    /// `fix-length-check` asks for it and the type is written in a column
    /// definition (not `ALTER COLUMN … TYPE`).
    fn fix(&self, cx: &Context<'_>, column: &Column, written: &str) -> Option<Fix> {
        let (mut text, length) = edits::varchar_to_text(written)?;
        let in_definition = column.definition.file() == column.type_origin.file()
            && column.definition.span().start <= column.type_origin.span().start
            && column.type_origin.span().end <= column.definition.span().end
            && !cx
                .text(&column.definition)
                .trim_start()
                .get(..5)
                .is_some_and(|w| w.eq_ignore_ascii_case("alter"));
        let mut title = "change the type to TEXT".to_string();
        if let Some(n) = length
            && self.options.fix_length_check
            && in_definition
            && !text.ends_with(']')
        {
            text.push_str(&format!(
                " {} (char_length({}) <= {n})",
                edits::in_case_of(written, "CHECK"),
                crate::model::names::quote(&column.name)
            ));
            title.push_str(" with a length CHECK");
        }
        Some(Fix::safe(
            title,
            vec![Edit::replace(&column.type_origin, text)],
        ))
    }
}
