//! `explicit-fk-actions`: every foreign key spells out ON DELETE and ON UPDATE.

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::rules::Reporter;
use crate::rules::{Context, NoOptions, Rule, RuleMeta};

pub struct ExplicitFkActions;

static META: RuleMeta = RuleMeta {
    name: "explicit-fk-actions",
    default_severity: Some(Severity::Error),
    summary: "every foreign key spells out both ON DELETE and ON UPDATE",
    doc: include_str!("../../rules/explicit-fk-actions.md"),
    target: crate::rules::Target::Schema,
};

impl Rule for ExplicitFkActions {
    type Options = NoOptions;

    fn meta() -> &'static RuleMeta {
        &META
    }

    fn new(_: NoOptions) -> Self {
        ExplicitFkActions
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
                out.push(
                    Diagnostic::new(
                        META.name,
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
                            .with_columns(fk.columns.clone())
                            .with_name(fk.name.clone()),
                    ),
                );
            }
        }
    }
}
