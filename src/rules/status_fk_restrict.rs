//! `status-fk-restrict`: a foreign key to a `*_statuses` lookup table uses
//! `ON DELETE RESTRICT`.

use crate::model::FkAction;
use crate::rules::Reporter;

use crate::diagnostic::{Diagnostic, Fix, ObjectRef, Severity};
use crate::fix::edits;
use crate::model::names::quote_list;
use crate::rules::{Context, Rule, RuleDef, RuleId};

use crate::rules::NoOptions as Options;

pub struct StatusFkRestrict;

static DEF: RuleDef = RuleDef {
    id: RuleId::StatusFkRestrict,
    name: "status-fk-restrict",
    default_severity: Some(Severity::Error),
    summary: "an FK to a `*_statuses` table uses `ON DELETE RESTRICT`",
    doc: include_str!("../../rules/status-fk-restrict.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for StatusFkRestrict {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(_: Options) -> Self {
        StatusFkRestrict
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for table in cx.catalog.tables.values() {
            for fk in &table.foreign_keys {
                if !cx.lookups.is_lookup(&fk.referenced_table) {
                    continue;
                }
                let (what, why) = match fk.on_delete {
                    Some(FkAction::Restrict) => continue,
                    None => (
                        "has no ON DELETE action (so NO ACTION)".to_string(),
                        "NO ACTION also refuses the delete, but only at the end of the statement (or the transaction, when deferred), and it is the default nobody chose; ",
                    ),
                    Some(FkAction::NoAction) => (
                        "is ON DELETE NO ACTION".to_string(),
                        "NO ACTION refuses the delete only at the end of the statement (or the transaction, when deferred); ",
                    ),
                    Some(FkAction::Cascade) => (
                        "is ON DELETE CASCADE".to_string(),
                        "deleting a status would silently delete every row in that status; ",
                    ),
                    Some(action) => (
                        format!("is ON DELETE {}", action.sql()),
                        "deleting a status would silently rewrite the status of every row in it; ",
                    ),
                };
                let referenced = match fk.referenced_columns.as_slice() {
                    [] => String::new(),
                    columns => format!(" ({})", quote_list(columns)),
                };
                out.push_with_fix(
                    Diagnostic::new(
                        DEF.id,
                        &fk.clause,
                        format!(
                            "foreign key `{}` ({}) → lookup table `{}` {what}, not ON DELETE RESTRICT",
                            table.name,
                            fk.columns.join(", "),
                            fk.referenced_table
                        ),
                    )
                    .help(format!(
                        "{why}a status still in use must not be deletable: write `REFERENCES {}{referenced} ON DELETE RESTRICT ON UPDATE CASCADE`",
                        fk.referenced_table.sql()
                    ))
                    .object(
                        ObjectRef::table(&table.name)
                            .with_columns(fk.columns.to_vec())
                            .with_name(fk.name.clone()),
                    ),
                    || fix(cx, fk),
                );
            }
        }
    }
}

/// ON DELETE RESTRICT: the written action replaced, or added where none
/// is written (unsafe: deletes that worked start failing).
fn fix(cx: &Context<'_>, fk: &crate::model::ForeignKey) -> Option<Fix> {
    let edit = match fk.on_delete {
        Some(_) => edits::replace_on_delete(cx, fk, "RESTRICT")?,
        None => edits::add_actions(cx, fk, Some("restrict"), None)?,
    };
    Some(Fix::unsafe_("make the delete RESTRICT", vec![edit]))
}
