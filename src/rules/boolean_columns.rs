//! `boolean-columns`: flags are `BOOLEAN NOT NULL DEFAULT true|false`, not
//! integers, text or nullable booleans.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::names::quote;
use crate::model::{Column, Table, TypeKind};
use crate::rules::support::naming::matches_pattern;
use crate::rules::support::text::join_and;
use crate::rules::{Context, Rule, RuleDef, RuleId};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Column names that hold a flag (`*` matches any text).
    pub patterns: Vec<String>,
    /// Every BOOLEAN column is a flag, whatever its name: it must be NOT
    /// NULL with a DEFAULT too. `false`: only columns matching `patterns`.
    pub all_booleans: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            patterns: [
                "is_*",
                "has_*",
                "can_*",
                "should_*",
                "allow_*",
                "allows_*",
                "enable_*",
                "enabled",
                "*_enabled",
                "active",
                "deleted",
                "archived",
                "verified",
            ]
            .map(String::from)
            .to_vec(),
            all_booleans: true,
        }
    }
}

pub struct BooleanColumns {
    options: Options,
}

static DEF: RuleDef = RuleDef {
    id: RuleId::BooleanColumns,
    name: "boolean-columns",
    default_severity: Some(Severity::Warning),
    summary: "flag-like columns (`is_*`, `has_*`, `can_*`, …) are `BOOLEAN NOT NULL DEFAULT …`, not integers or text",
    doc: include_str!("../../rules/boolean-columns.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for BooleanColumns {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        BooleanColumns { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for (table, column) in cx.columns() {
            // Generated columns are computed: neither written nor defaulted.
            // The findings underline the definition or the type.
            if column.generated
                || !(out.reports(&column.definition) || out.reports(&column.type_origin))
            {
                continue;
            }
            let named_flag = self.is_flag_name(&column.name);
            let diagnostic = match column.kind() {
                TypeKind::Boolean if named_flag || self.options.all_booleans => {
                    nullable_or_no_default(table, column)
                }
                kind if named_flag && stores_flag(kind) => Some(wrong_type(table, column)),
                _ => None,
            };
            if let Some(diagnostic) = diagnostic {
                out.push(diagnostic.object(ObjectRef::column(&table.name, &column.name)));
            }
        }
    }
}

impl BooleanColumns {
    fn is_flag_name(&self, name: &str) -> bool {
        self.options
            .patterns
            .iter()
            .any(|pattern| matches_pattern(pattern, name))
    }
}

/// Types used for flags instead of BOOLEAN: integers (`0`/`1`), text and
/// characters (`'Y'`/`'N'`, `'true'`), bit strings (`BIT(1)`).
fn stores_flag(kind: &TypeKind) -> bool {
    kind.is_integer()
        || kind.is_textual()
        || matches!(kind, TypeKind::Other(name) if name == "bit" || name.starts_with("bit(") || name.starts_with("bit varying") || name.starts_with("varbit"))
}

fn wrong_type(table: &Table, column: &Column) -> Diagnostic {
    let written = column.written_type();
    let c = quote(&column.name);
    let using = if column.kind().is_integer() {
        format!("{c} <> 0")
    } else if column.kind().is_textual() {
        format!("lower({c}) IN ('1', 't', 'true', 'y', 'yes')")
    } else {
        format!("{c} = B'1'")
    };
    Diagnostic::new(
        DEF.id,
        &column.type_origin,
        format!(
            "flag `{}.{}` is stored as `{written}`; use BOOLEAN",
            table.name, column.name
        ),
    )
    .help(format!(
        "a flag stored as a number or text accepts 2, 'Y', 'yes' and 'true' side by side, and every query must know which; write `{c} BOOLEAN NOT NULL DEFAULT false`, or convert with `ALTER TABLE {} ALTER COLUMN {c} TYPE BOOLEAN USING {using}`",
        table.name.sql()
    ))
}

/// A BOOLEAN flag that can be NULL, or that has no DEFAULT.
fn nullable_or_no_default(table: &Table, column: &Column) -> Option<Diagnostic> {
    let mut missing = Vec::new();
    if !column.not_null {
        missing.push("is nullable".to_string());
    }
    match &column.default {
        None => missing.push("has no DEFAULT".to_string()),
        Some(default) if default.is_null() => missing.push("defaults to NULL".to_string()),
        Some(_) => {}
    }
    if missing.is_empty() {
        return None;
    }
    let default = match &column.default {
        Some(default) if !default.is_null() => default.to_string(),
        _ => "false".to_string(),
    };
    let mut fix = Vec::new();
    let (t, c) = (table.name.sql(), quote(&column.name));
    if !column.not_null {
        fix.push(format!(
            "`UPDATE {t} SET {c} = {default} WHERE {c} IS NULL;`"
        ));
    }
    fix.push(format!(
        "`ALTER TABLE {t} ALTER COLUMN {c} SET DEFAULT {default}, ALTER COLUMN {c} SET NOT NULL;`"
    ));
    let why = if column.not_null {
        "without a DEFAULT every INSERT must name the flag"
    } else {
        "a NULL flag is a third state every query has to handle (`WHERE NOT flag` skips the NULL rows)"
    };
    Some(
        Diagnostic::new(
            DEF.id,
            &column.definition,
            format!(
                "flag `{}.{}` {}",
                table.name,
                column.name,
                join_and(&missing)
            ),
        )
        .help(format!(
            "{why}; write `{c} BOOLEAN NOT NULL DEFAULT {default}`, or fix the column with {}",
            fix.join(" ")
        )),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn default_patterns() {
        let rule = BooleanColumns::new(Options::default());
        for name in [
            "is_active",
            "has_lidar",
            "can_edit",
            "should_notify",
            "allow_signup",
            "allows_guests",
            "enable_sso",
            "enabled",
            "sso_enabled",
            "active",
            "deleted",
            "archived",
            "verified",
        ] {
            assert!(rule.is_flag_name(name), "{name}");
        }
        for name in [
            "enabled_at",
            "deleted_at",
            "activated",
            "archived_by",
            "verified_email",
            "island",
            "hash",
            "canonical_url",
        ] {
            assert!(!rule.is_flag_name(name), "{name}");
        }
    }
}
