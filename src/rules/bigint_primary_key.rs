//! `bigint-primary-key`: primary-key columns are BIGSERIAL / BIGINT /
//! BIGINT identity.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Fix, ObjectRef, Severity};
use crate::fix::edits;
use crate::model::TypeKind;
use crate::rules::{Context, Rule, RuleDef, RuleId};

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Key types accepted besides BIGINT/BIGSERIAL (e.g. `"uuid"`).
    pub allow: Vec<String>,
}

pub struct BigintPrimaryKey {
    allow: Vec<TypeKind>,
}

static DEF: RuleDef = RuleDef {
    id: RuleId::BigintPrimaryKey,
    name: "bigint-primary-key",
    default_severity: Some(Severity::Error),
    summary: "primary-key columns are BIGSERIAL / BIGINT / BIGINT identity",
    doc: include_str!("../../rules/bigint-primary-key.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for BigintPrimaryKey {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        BigintPrimaryKey {
            allow: TypeKind::parse_all(&options.allow),
        }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for table in cx.catalog.tables.values() {
            let Some(key) = &table.primary_key else {
                continue;
            };
            // A key column that is also a foreign key (join tables) is judged
            // by `bigint-foreign-key`, against the key it references.
            let is_fk = |name: &crate::model::Name| {
                table
                    .foreign_keys
                    .iter()
                    .any(|fk| fk.columns.contains(name))
            };
            let columns = key.columns.iter().filter(|c| !is_fk(c));
            for column in columns.filter_map(|c| table.column(c)) {
                // pg_dump writes a serial column as an integer with a
                // `nextval('seq')` default and a sequence `OWNED BY` it.
                let sequence = column
                    .default
                    .as_ref()
                    .and_then(|d| d.sequence())
                    .and_then(|name| cx.catalog.sequences.get(name));
                let kind = column.kind();
                if kind.is_bigint()
                    || self.allow.contains(kind)
                    || self.allow.contains(&kind.storage())
                {
                    if let Some(sequence) = sequence.filter(|s| {
                        !s.kind.is_bigint() && s.kind.is_integer() && out.reports(&s.type_origin)
                    }) {
                        out.push(short_sequence(table, column, sequence));
                    }
                    continue;
                }
                if !out.reports(&column.type_origin) {
                    continue;
                }
                let written = column.written_type();
                let fed_by = match sequence {
                    Some(sequence) => {
                        format!(" fed by the sequence `{}` (a serial)", sequence.name)
                    }
                    None => String::new(),
                };
                let mut help = help(kind);
                if let Some(sequence) = sequence {
                    help.push_str(&format!(
                        "; to fix it in place: `ALTER TABLE {} ALTER COLUMN {} TYPE bigint;` and `ALTER SEQUENCE {} AS bigint;`",
                        table.name.sql(),
                        crate::model::names::quote(&column.name),
                        sequence.name.sql()
                    ));
                }
                out.push_with_fix(
                    Diagnostic::new(
                        DEF.id,
                        &column.type_origin,
                        format!(
                            "primary key `{}.{}` is `{written}`{fed_by}; use BIGSERIAL or BIGINT",
                            table.name, column.name
                        ),
                    )
                    .help(help)
                    .object(ObjectRef::column(&table.name, &column.name)),
                    || {
                        fix(
                            cx,
                            column,
                            sequence.is_some()
                                && !matches!(kind, TypeKind::Serial | TypeKind::SmallSerial),
                        )
                    },
                );
            }
        }
    }
}

/// A BIGINT key whose sequence is `AS integer`: it stops at 2,147,483,647
/// however wide the column is.
fn short_sequence(
    table: &crate::model::Table,
    column: &crate::model::Column,
    sequence: &crate::model::Sequence,
) -> Diagnostic {
    Diagnostic::new(
        DEF.id,
        &sequence.type_origin,
        format!(
            "primary key `{}.{}` is bigint, but its sequence `{}` is `{}`",
            table.name,
            column.name,
            sequence.name,
            sequence.kind.sql_name()
        ),
    )
    .help(format!(
        "the sequence stops at {} however wide the column is; write `ALTER SEQUENCE {} AS bigint;`",
        if sequence.kind == TypeKind::SmallInt {
            "32,767"
        } else {
            "2,147,483,647"
        },
        sequence.name.sql()
    ))
    .object(
        ObjectRef::column(&table.name, &column.name)
            .with_name(Some(crate::model::Name::new(sequence.name.to_string()))),
    )
    .related(
        &column.type_origin,
        format!("the column is {}", column.written_type()),
    )
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

/// SERIAL → BIGSERIAL, INTEGER → BIGINT where the type is written; not
/// for a key fed by a separate sequence (pg_dump's serials: the sequence
/// changes too) nor for UUID or text keys (their data changes).
fn fix(cx: &Context<'_>, column: &crate::model::Column, fed: bool) -> Option<Fix> {
    if fed {
        return None;
    }
    let edit = edits::retype(cx, &column.type_origin, |w| {
        edits::integer_to_bigint(w, true)
    })?;
    Some(Fix::safe("widen the key to 64 bits", vec![edit]))
}
