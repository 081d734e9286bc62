//! `lookup-table-shape`: a `*_statuses` lookup table has `id` BIGSERIAL
//! primary key, `name TEXT NOT NULL UNIQUE`, `description`, timestamps.

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::{Catalog, Table, TypeKind};
use crate::rules::Reporter;
use crate::rules::support::text::join_and;
use crate::rules::{Context, Rule, RuleDef, RuleId};

use crate::rules::NoOptions as Options;

pub struct LookupTableShape;

static DEF: RuleDef = RuleDef {
    id: RuleId::LookupTableShape,
    name: "lookup-table-shape",
    default_severity: Some(Severity::Error),
    summary: "a `*_statuses` table has `id` BIGSERIAL PK, `name TEXT NOT NULL UNIQUE`, `description`, timestamps",
    doc: include_str!("../../rules/lookup-table-shape.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

/// The timestamp columns a lookup table must have (their exact type is
/// `timestamp-columns`' to judge).
const TIMESTAMPS: [&str; 2] = ["created_at", "updated_at"];

impl Rule for LookupTableShape {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(_: Options) -> Self {
        LookupTableShape
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for table in cx.catalog.tables.values() {
            if !cx.lookups.is_lookup(&table.name) || !out.reports(&table.name_origin) {
                continue;
            }
            let (missing, wrong) = gaps(cx, table);
            let message = match (missing.is_empty(), wrong.is_empty()) {
                (true, true) => continue,
                (false, _) => {
                    let mut message =
                        format!("lookup table `{}` has {}", table.name, join_and(&missing));
                    for problem in &wrong {
                        message.push_str("; ");
                        message.push_str(problem);
                    }
                    message
                }
                (true, false) => format!("lookup table `{}`: {}", table.name, wrong.join("; ")),
            };
            out.push(
                Diagnostic::new(DEF.id, &table.name_origin, message)
                    .help(format!(
                        "every lookup table has one shape, so code and admin screens treat them alike: `CREATE TABLE {} (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, description TEXT, created_at TIMESTAMPTZ NOT NULL DEFAULT now(), updated_at TIMESTAMPTZ NOT NULL DEFAULT now())`",
                        table.name.sql()
                    ))
                    .object(ObjectRef::table(&table.name)),
            );
        }
    }
}

/// The columns the table lacks (`no `description``) and what is wrong with
/// the ones it has (`` `name` is nullable ``).
fn gaps(cx: &Context<'_>, table: &Table) -> (Vec<String>, Vec<String>) {
    let mut missing = Vec::new();
    let mut wrong = Vec::new();
    let mut column_wrong = |name: &str, problems: Vec<String>| {
        if !problems.is_empty() {
            wrong.push(format!("`{name}` {}", join_and(&problems)));
        }
    };

    match table.column("id") {
        None => missing.push("no `id`".to_string()),
        Some(id) => {
            let mut problems = Vec::new();
            if !id.kind().is_bigint() {
                problems.push(format!("is {}, not BIGSERIAL or BIGINT", id.written_type()));
            }
            let keyed = table
                .primary_key
                .as_ref()
                .is_some_and(|key| key.columns == ["id"]);
            if !keyed {
                problems.push("is not the primary key".to_string());
            }
            column_wrong("id", problems);
        }
    }

    match table.column("name") {
        None => missing.push("no `name`".to_string()),
        Some(name) => {
            let mut problems = Vec::new();
            if !is_text(name.kind()) {
                problems.push(format!("is {}, not TEXT", name.written_type()));
            }
            if !name.not_null {
                problems.push("is nullable".to_string());
            }
            if !is_unique(cx.catalog, table, "name") {
                problems.push("is not UNIQUE".to_string());
            }
            column_wrong("name", problems);
        }
    }

    match table.column("description") {
        None => missing.push("no `description`".to_string()),
        Some(description) if !is_text(description.kind()) => column_wrong(
            "description",
            vec![format!("is {}, not TEXT", description.written_type())],
        ),
        Some(_) => {}
    }

    for name in TIMESTAMPS {
        if table.column(name).is_none() {
            missing.push(format!("no `{name}`"));
        }
    }
    (missing, wrong)
}

/// `TEXT`, or `citext` (text compared without case).
fn is_text(kind: &TypeKind) -> bool {
    match kind {
        TypeKind::Text => true,
        TypeKind::Other(name) => name == "citext",
        _ => false,
    }
}

/// Unique by a constraint on exactly (column), or by a unique index on
/// exactly (column) that is not partial.
fn is_unique(catalog: &Catalog, table: &Table, column: &str) -> bool {
    catalog.is_unique_column(table, column)
}
