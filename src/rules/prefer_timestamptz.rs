//! `prefer-timestamptz`: TIMESTAMP / TIMESTAMP WITHOUT TIME ZONE instead of
//! TIMESTAMPTZ.

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::TypeKind;
use crate::rules::{Context, NoOptions, Rule, RuleMeta};

pub struct PreferTimestamptz;

static META: RuleMeta = RuleMeta {
    name: "prefer-timestamptz",
    default_severity: Some(Severity::Error),
    summary: "TIMESTAMP / TIMESTAMP WITHOUT TIME ZONE instead of TIMESTAMPTZ",
    doc: include_str!("../../rules/prefer-timestamptz.md"),
};

impl Rule for PreferTimestamptz {
    type Options = NoOptions;

    fn meta() -> &'static RuleMeta {
        &META
    }

    fn new(_: NoOptions) -> Self {
        PreferTimestamptz
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for (table, column) in cx.columns() {
            {
                let naive = match &column.kind {
                    TypeKind::Timestamp => true,
                    TypeKind::Array(inner) => **inner == TypeKind::Timestamp,
                    _ => false,
                };
                if !naive {
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
                        format!(
                            "column `{}.{}` is `{written}`, a time without a time zone; use TIMESTAMPTZ",
                            table.name, column.name
                        ),
                    )
                    .help("TIMESTAMPTZ stores an instant (in UTC) and converts on the way out; TIMESTAMP silently depends on the writer's time zone")
                    .object(ObjectRef::column(table.name.to_string(), &column.name)),
                );
            }
        }
    }
}
