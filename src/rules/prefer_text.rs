//! `prefer-text`: VARCHAR(n), VARCHAR, CHARACTER VARYING instead of TEXT.

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::TypeKind;
use crate::rules::{Context, NoOptions, Rule, RuleMeta};

pub struct PreferText;

static META: RuleMeta = RuleMeta {
    name: "prefer-text",
    default_severity: Some(Severity::Error),
    summary: "VARCHAR(n), VARCHAR, CHARACTER VARYING instead of TEXT",
    doc: include_str!("../../rules/prefer-text.md"),
};

impl Rule for PreferText {
    type Options = NoOptions;

    fn meta() -> &'static RuleMeta {
        &META
    }

    fn new(_: NoOptions) -> Self {
        PreferText
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (table, column) in cx.columns() {
            {
                let varchar = match &column.kind {
                    TypeKind::Varchar => true,
                    TypeKind::Array(inner) => **inner == TypeKind::Varchar,
                    _ => false,
                };
                if !varchar {
                    continue;
                }
                let written = cx
                    .project
                    .file(column.type_origin.file)
                    .source
                    .slice(&column.type_origin.span);
                out.push(
                    Diagnostic::new(
                        META.name,
                        &column.type_origin,
                        format!("column `{}.{}` is `{written}`; use TEXT", table.name, column.name),
                    )
                    .help("PostgreSQL stores TEXT and VARCHAR alike; a length limit only adds failures. Use TEXT, with a CHECK (char_length(...) <= n) where a limit is a real rule")
                    .object(ObjectRef::column(table.name.to_string(), &column.name)),
                );
            }
        }
    }
}
