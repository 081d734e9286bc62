//! `unique-naming`: unique indexes and named unique constraints are named
//! `uq_{table}_{columns}`.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Fix, ObjectRef, Severity};
use crate::fix::edits;
use crate::model::names::{quote, quote_list};
use crate::rules::support::naming::{NameTemplate, check_index_names};
use crate::rules::{Context, Rule, RuleDef, RuleId};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// `{table}` and `{columns}` (the unique columns joined by `_`).
    pub template: NameTemplate,
    /// Also flag unnamed `UNIQUE` constraints.
    pub require_named: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            template: NameTemplate::fixed("uq_{table}_{columns}"),
            require_named: false,
        }
    }
}

pub struct UniqueNaming {
    options: Options,
}

static DEF: RuleDef = RuleDef {
    id: RuleId::UniqueNaming,
    name: "unique-naming",
    default_severity: Some(Severity::Error),
    summary: "unique indexes and named unique constraints follow `uq_{table}_{columns}`",
    doc: include_str!("../../rules/unique-naming.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for UniqueNaming {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        UniqueNaming { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        check_index_names(
            cx,
            out,
            DEF.id,
            true,
            &self.options.template,
            "unique index",
        );
        for table in cx.catalog.tables.values() {
            for key in &table.uniques {
                let expected = self.options.template.expand(&table.name.name, &key.columns);
                let object = ObjectRef::table(&table.name)
                    .with_columns(key.columns.to_vec())
                    .with_name(key.name.clone());
                match (&key.name, &key.name_origin) {
                    (Some(name), _) if *name == expected => {}
                    (Some(name), origin) => out.push_with_fix(
                        Diagnostic::new(
                            DEF.id,
                            origin.as_ref().unwrap_or(&key.origin),
                            format!(
                                "unique constraint `{name}` on `{}` should be named `{expected}`",
                                table.name
                            ),
                        )
                        .help(format!(
                            "ALTER TABLE {} RENAME CONSTRAINT {} TO {};",
                            table.name.sql(),
                            quote(name),
                            quote(&expected)
                        ))
                        .object(object),
                        || {
                            edits::rename_constraint(cx, key, &expected).map(|edit| {
                                Fix::safe(format!("name the constraint `{expected}`"), vec![edit])
                            })
                        },
                    ),
                    (None, _) if self.options.require_named => out.push(
                        Diagnostic::new(
                            DEF.id,
                            &key.origin,
                            format!(
                                "unique constraint on `{}` ({}) has no name",
                                table.name,
                                key.columns.join(", ")
                            ),
                        )
                        .help(format!(
                            "name it: CONSTRAINT {} UNIQUE ({})",
                            quote(&expected),
                            quote_list(&key.columns)
                        ))
                        .object(object),
                    ),
                    (None, _) => {}
                }
            }
        }
    }
}
