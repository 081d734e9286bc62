//! `explicit-fk-actions`: every foreign key spells out ON DELETE and ON UPDATE.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Fix, ObjectRef, Severity};
use crate::fix::edits;
use crate::model::ForeignKey;
use crate::rules::{Context, Rule, RuleDef, RuleId};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// The ON DELETE action `schema-lint fix --unsafe-fixes` writes where
    /// none is written (`restrict`, `cascade`, `set null`, `set default`,
    /// `no action`).
    pub fix_on_delete: String,
    /// The ON UPDATE action it writes.
    pub fix_on_update: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            fix_on_delete: "restrict".to_string(),
            fix_on_update: "cascade".to_string(),
        }
    }
}

pub struct ExplicitFkActions {
    options: Options,
}

static DEF: RuleDef = RuleDef {
    id: RuleId::ExplicitFkActions,
    name: "explicit-fk-actions",
    default_severity: Some(Severity::Error),
    summary: "every foreign key spells out both ON DELETE and ON UPDATE",
    doc: include_str!("../../rules/explicit-fk-actions.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for ExplicitFkActions {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        ExplicitFkActions { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for table in cx.catalog.tables.values() {
            for fk in &table.foreign_keys {
                let missing = match (fk.on_delete.is_some(), fk.on_update.is_some()) {
                    (true, true) => continue,
                    (false, false) => "ON DELETE or ON UPDATE action",
                    (false, true) => "ON DELETE action",
                    (true, false) => "ON UPDATE action",
                };
                out.push_with_fix(
                    Diagnostic::new(
                        DEF.id,
                        &fk.clause,
                        format!(
                            "foreign key `{}` ({}) → `{}` has no {missing}",
                            table.name,
                            fk.columns.join(", "),
                            fk.referenced_table
                        ),
                    )
                    .help("say what happens to these rows when the referenced row goes or its key changes, e.g. `ON DELETE CASCADE ON UPDATE CASCADE` for owned rows, `ON DELETE SET NULL` for optional links, `ON DELETE RESTRICT` for lookups; the implicit default is NO ACTION")
                    .object(
                        ObjectRef::table(&table.name)
                            .with_columns(fk.columns.to_vec())
                            .with_name(fk.name.clone()),
                    ),
                    || self.fix(cx, fk),
                );
            }
        }
    }
}

/// The actions PostgreSQL accepts after ON DELETE / ON UPDATE.
const ACTIONS: [&str; 5] = [
    "restrict",
    "cascade",
    "set null",
    "set default",
    "no action",
];

impl ExplicitFkActions {
    /// The missing actions from the options (unsafe: what happens to rows
    /// is the user's choice).
    fn fix(&self, cx: &Context<'_>, fk: &ForeignKey) -> Option<Fix> {
        let action = |text: &str| {
            let text = text.trim().to_lowercase();
            ACTIONS.contains(&text.as_str()).then_some(text)
        };
        // Keys to lookup tables get ON DELETE RESTRICT whatever
        // `fix-on-delete` says.
        let lookup = cx.lookups.is_lookup(&fk.referenced_table);
        let on_delete = if lookup {
            Some("restrict".to_string())
        } else {
            action(&self.options.fix_on_delete)
        };
        let on_update = action(&self.options.fix_on_update);
        let edit = edits::add_actions(
            cx,
            fk,
            on_delete.as_deref().filter(|_| fk.on_delete.is_none()),
            on_update.as_deref().filter(|_| fk.on_update.is_none()),
        )?;
        Some(Fix::unsafe_("add the missing actions", vec![edit]))
    }
}
