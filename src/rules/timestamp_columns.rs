//! `timestamp-columns`: every table has `created_at` and `updated_at` as
//! `TIMESTAMPTZ NOT NULL DEFAULT now()`.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Fix, ObjectRef, Severity};
use crate::fix::edits;
use crate::model::{Table, TypeKind};
use crate::rules::support::text::join_and;
use crate::rules::{Context, Rule, RuleDef, RuleId};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// The columns every table must have, each `TIMESTAMPTZ NOT NULL
    /// DEFAULT now()`.
    pub columns: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            columns: vec!["created_at".to_string(), "updated_at".to_string()],
        }
    }
}

pub struct TimestampColumns {
    options: Options,
}

static DEF: RuleDef = RuleDef {
    id: RuleId::TimestampColumns,
    name: "timestamp-columns",
    default_severity: Some(Severity::Error),
    summary: "every table has `created_at` and `updated_at` `TIMESTAMPTZ NOT NULL DEFAULT now()`",
    doc: include_str!("../../rules/timestamp-columns.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for TimestampColumns {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        TimestampColumns { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for table in cx.catalog.tables.values() {
            // Before anything is formatted or quoted: the files of a
            // pre-commit run's context are not even read.
            if !out.reports(&table.name_origin) {
                continue;
            }
            let missing: Vec<String> = self
                .options
                .columns
                .iter()
                .filter(|name| table.column(name).is_none())
                .map(|name| format!("no `{name}`"))
                .collect();
            let wrong: Vec<String> = self
                .options
                .columns
                .iter()
                .filter_map(|name| column_problem(table, name))
                .collect();
            let message = match (missing.is_empty(), wrong.is_empty()) {
                (true, true) => continue,
                (false, _) => {
                    let mut message = format!("table `{}` has {}", table.name, join_and(&missing));
                    for problem in &wrong {
                        message.push_str("; ");
                        message.push_str(problem);
                    }
                    message
                }
                (true, false) => format!("table `{}`: {}", table.name, wrong.join("; ")),
            };
            let wanted: Vec<String> = self
                .options
                .columns
                .iter()
                .map(|c| format!("`{c} TIMESTAMPTZ NOT NULL DEFAULT now()`"))
                .collect();
            out.push_with_fix(
                Diagnostic::new(
                    DEF.id,
                    &table.name_origin,
                    message,
                )
                .help(format!(
                    "every table records when its rows were created and last changed: {}; fix an existing column with `ALTER TABLE … ALTER COLUMN … TYPE TIMESTAMPTZ`, `SET DEFAULT now()`, `SET NOT NULL`",
                    wanted.join(", ")
                ))
                .object(ObjectRef::table(&table.name)),
                || self.fix(cx, table),
            );
        }
    }
}

impl TimestampColumns {
    /// The missing columns added at the end of the table's `CREATE
    /// TABLE` (a wrong existing column is left to its own fix or to the
    /// user).
    fn fix(&self, cx: &Context<'_>, table: &Table) -> Option<Fix> {
        let absent: Vec<&String> = self
            .options
            .columns
            .iter()
            .filter(|name| table.column(name).is_none())
            .collect();
        // Nothing to add (only existing columns are wrong): no need to
        // read the statement.
        if absent.is_empty() {
            return None;
        }
        // A column the `CREATE TABLE` has that a later migration dropped
        // is not added back there (the later drop would drop it again).
        // One tokenization of the `CREATE TABLE` for both questions.
        let (tokens, error) = crate::load::Tokens::tokenize(cx.text(&table.created));
        if error.is_some() {
            return None;
        }
        let named: Vec<String> = edits::names_in(&tokens).collect();
        let missing: Vec<String> = absent
            .into_iter()
            .filter(|name| !named.iter().any(|n| n == *name))
            .map(|name| {
                format!(
                    "{} TIMESTAMPTZ NOT NULL DEFAULT now()",
                    crate::model::names::quote(name)
                )
            })
            .collect();
        let edits = edits::add_columns(cx, table, &tokens, &missing)?;
        Some(Fix::safe("add the missing timestamp columns", edits))
    }
}

/// What is wrong with the required column `name` of `table` when it
/// exists (`` `created_at` is TIMESTAMP, not TIMESTAMPTZ ``).
fn column_problem(table: &Table, name: &str) -> Option<String> {
    let column = table.column(name)?;
    let mut wrong = Vec::new();
    if *column.kind() != TypeKind::TimestampTz {
        wrong.push(format!("is {}, not TIMESTAMPTZ", column.written_type()));
    }
    if !column.not_null {
        wrong.push("is nullable".to_string());
    }
    match &column.default {
        None => wrong.push("has no DEFAULT".to_string()),
        Some(default) if default.is_null() => wrong.push("defaults to NULL".to_string()),
        Some(default) if !default.is_now() => {
            wrong.push(format!("defaults to `{default}`, not now()"))
        }
        Some(_) => {}
    }
    if wrong.is_empty() {
        return None;
    }
    Some(format!("`{}` {}", column.name, join_and(&wrong)))
}
