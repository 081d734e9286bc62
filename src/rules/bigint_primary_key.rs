//! `bigint-primary-key`: primary-key columns are BIGSERIAL / BIGINT /
//! BIGINT identity.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::TypeKind;
use crate::rules::{Context, Rule, RuleMeta};

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Key types accepted besides BIGINT/BIGSERIAL (e.g. `"uuid"`).
    pub allow: Vec<String>,
}

pub struct BigintPrimaryKey {
    allow: Vec<TypeKind>,
}

static META: RuleMeta = RuleMeta {
    name: "bigint-primary-key",
    default_severity: Some(Severity::Error),
    summary: "primary-key columns are BIGSERIAL / BIGINT / BIGINT identity",
    doc: include_str!("../../rules/bigint-primary-key.md"),
};

impl Rule for BigintPrimaryKey {
    type Options = Options;

    fn meta() -> &'static RuleMeta {
        &META
    }

    fn new(options: Options) -> Self {
        BigintPrimaryKey {
            allow: TypeKind::parse_all(&options.allow),
        }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for table in cx.catalog.tables.values() {
            let Some(key) = &table.primary_key else {
                continue;
            };
            // A key column that is also a foreign key (join tables) is judged
            // by `bigint-foreign-key`, against the key it references.
            let is_fk = |name: &String| {
                table
                    .foreign_keys
                    .iter()
                    .any(|fk| fk.columns.contains(name))
            };
            let columns = key.columns.iter().filter(|c| !is_fk(c));
            for column in columns.filter_map(|c| table.column(c)) {
                let kind = &column.kind;
                if kind.is_bigint()
                    || self.allow.contains(kind)
                    || self.allow.contains(&kind.storage())
                {
                    continue;
                }
                let written = cx.text(&column.type_origin);
                out.push(
                    Diagnostic::new(
                        META.name,
                        &column.type_origin,
                        format!(
                            "primary key `{}.{}` is `{written}`; use BIGSERIAL or BIGINT",
                            table.name, column.name
                        ),
                    )
                    .help(help(kind))
                    .object(ObjectRef::column(&table.name, &column.name)),
                );
            }
        }
    }
}

fn help(kind: &TypeKind) -> String {
    let why = match kind {
        TypeKind::Serial | TypeKind::Integer => "a 32-bit key runs out at 2,147,483,647 rows",
        TypeKind::SmallSerial | TypeKind::SmallInt => "a 16-bit key runs out at 32,767 rows",
        TypeKind::Uuid => {
            "UUID keys are 16 bytes, random in every index, and a second id type next to BIGINT"
        }
        _ => "one key type everywhere keeps every foreign key and every `i64` in the code the same",
    };
    format!(
        "{why}; write `id BIGSERIAL PRIMARY KEY` or `id BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY`"
    )
}
