//! `updated-at-trigger`: every table with an `updated_at` column has a
//! `BEFORE UPDATE … FOR EACH ROW` trigger running the configured function.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Fix, ObjectRef, Severity};
use crate::fix::edits;
use crate::model::names;
use crate::model::{Table, Trigger, TriggerEvent, TriggerTiming};
use crate::rules::support::text::join_and;
use crate::rules::{Context, Rule, RuleDef, RuleId};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// The trigger function that sets `updated_at` (compared by its last
    /// name part, folded as PostgreSQL folds it).
    pub function: String,
    /// The column the trigger keeps current; tables without it are left to
    /// `timestamp-columns`.
    pub column: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            function: "trigger_set_updated_at".to_string(),
            column: "updated_at".to_string(),
        }
    }
}

/// The name of the trigger `schema-lint fix` writes.
const TRIGGER: &str = "set_updated_at";

pub struct UpdatedAtTrigger {
    options: Options,
    /// The function's last name part as PostgreSQL stores it.
    function: crate::model::Name,
    column: crate::model::Name,
}

static DEF: RuleDef = RuleDef {
    id: RuleId::UpdatedAtTrigger,
    name: "updated-at-trigger",
    default_severity: Some(Severity::Error),
    summary: "every table with `updated_at` has a `BEFORE UPDATE … FOR EACH ROW` trigger running the configured function (default `trigger_set_updated_at`)",
    doc: include_str!("../../rules/updated-at-trigger.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for UpdatedAtTrigger {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        UpdatedAtTrigger {
            function: names::configured_last_part(&options.function),
            column: names::configured_last_part(&options.column),
            options,
        }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        // Once, not per table: a set may define a function per table.
        let function_exists = cx.catalog.functions.iter().any(|f| f.name == self.function);
        for table in cx.catalog.tables.values() {
            // Findings are placed at the table's name: judge only tables
            // whose finding would be reported.
            if table.column(&self.column).is_none() || !out.reports(&table.name_origin) {
                continue;
            }
            let triggers: Vec<&Trigger> = cx.catalog.triggers.on_table(&table.name).collect();
            let calling: Vec<&Trigger> = triggers
                .iter()
                .copied()
                .filter(|t| self.calls_function(t))
                .collect();
            let object = || ObjectRef::table(&table.name).with_columns(vec![self.column.clone()]);
            if calling.is_empty() {
                out.push_with_fix(self.no_trigger(table, &triggers).object(object()), || {
                    self.fix(cx, table, &triggers, function_exists)
                });
            } else if calling.iter().all(|t| !self.fires_right(t).is_empty()) {
                out.push(self.misfiring(table, &calling).object(object()));
            }
        }
    }
}

impl UpdatedAtTrigger {
    fn calls_function(&self, trigger: &Trigger) -> bool {
        trigger
            .function
            .as_ref()
            .is_some_and(|f| f.name == self.function)
    }

    /// How much a trigger that runs another function looks like one that
    /// keeps the column current, by its and its function's names: 2 when
    /// they name the column, 1 for `updated`, `modified`, `touch`,
    /// `timestamp`, 0 otherwise.
    fn relevance(&self, trigger: &Trigger) -> u8 {
        let Some(function) = &trigger.function else {
            return 0;
        };
        let names = [trigger.name.to_lowercase(), function.name.to_lowercase()];
        let column = self.column.to_lowercase();
        if names.iter().any(|n| n.contains(&column)) {
            2
        } else if names.iter().any(|n| {
            ["updated", "modified", "touch", "timestamp"]
                .iter()
                .any(|word| n.contains(word))
        }) {
            1
        } else {
            0
        }
    }

    /// What keeps the trigger from setting `updated_at` on every UPDATE of
    /// a row (empty: nothing).
    fn fires_right(&self, trigger: &Trigger) -> Vec<String> {
        let mut wrong = Vec::new();
        match trigger.timing {
            Some(TriggerTiming::Before) => {}
            Some(other) => wrong.push(format!("runs {other}, too late to change the row")),
            None => wrong.push("has no BEFORE".to_string()),
        }
        if !trigger.events.contains(&TriggerEvent::Update) {
            wrong.push(format!(
                "fires on {} but not on UPDATE",
                TriggerEvent::join(&trigger.events)
            ));
        } else if !trigger.update_of.is_empty() {
            wrong.push(format!(
                "fires only on UPDATE OF {}",
                trigger.update_of.join(", ")
            ));
        }
        if !trigger.for_each_row {
            wrong.push("is FOR EACH STATEMENT, which has no NEW row to change".to_string());
        }
        wrong
    }

    /// `CREATE TRIGGER set_updated_at …` appended after the table's
    /// `CREATE TABLE`, when the set creates the function and the table has
    /// no trigger of that name.
    /// `function_exists`: the set defines the configured function.
    fn fix(
        &self,
        cx: &Context<'_>,
        table: &Table,
        triggers: &[&Trigger],
        function_exists: bool,
    ) -> Option<Fix> {
        if !function_exists
            || triggers.iter().any(|t| t.name == TRIGGER)
            || !edits::not_renamed(table)
        {
            return None;
        }
        let after = edits::after_statement(cx, &table.created)?;
        let create = format!(
            "CREATE TRIGGER {TRIGGER} BEFORE UPDATE ON {} FOR EACH ROW EXECUTE FUNCTION {}();",
            table.name.sql(),
            self.options.function.trim().trim_end_matches("()")
        );
        Some(Fix::safe(
            format!("add the trigger `{TRIGGER}`"),
            vec![after.append(&create)],
        ))
    }

    fn help(&self, table: &Table) -> String {
        format!(
            "`CREATE TRIGGER set_updated_at BEFORE UPDATE ON {} FOR EACH ROW EXECUTE FUNCTION {}();` keeps `{}` current whatever code writes the row (the trigger may be created in a later migration)",
            table.name.sql(),
            self.options.function,
            self.column
        )
    }

    /// No trigger calls the function.
    fn no_trigger(&self, table: &Table, triggers: &[&Trigger]) -> Diagnostic {
        let mut message = format!(
            "table `{}` has `{}` but no BEFORE UPDATE trigger running `{}()`",
            table.name, self.column, self.function
        );
        // A trigger that looks like it keeps the column current with
        // another function: say which, so the fix may be the `function`
        // option. Triggers that do something else are not mentioned.
        let mut others: Vec<&&Trigger> =
            triggers.iter().filter(|t| self.relevance(t) > 0).collect();
        others.sort_by_key(|t| std::cmp::Reverse(self.relevance(t)));
        let mut diagnostic_help = self.help(table);
        if let Some(other) = others.first() {
            let function = other.function.as_ref().map(|f| f.name.clone());
            message.push_str(&format!(
                "; trigger `{}` runs `{}()` instead",
                other.name,
                function.unwrap_or_default()
            ));
            diagnostic_help.push_str(
                "; if that function is your project's, set `function` in `[rules.updated-at-trigger]`",
            );
        }
        let mut diagnostic =
            Diagnostic::new(DEF.id, &table.name_origin, message).help(diagnostic_help);
        if let Some(other) = others.first() {
            diagnostic = diagnostic.related(&other.origin, "this trigger runs another function");
        }
        diagnostic
    }

    /// Triggers call the function, none of them before every row update.
    fn misfiring(&self, table: &Table, calling: &[&Trigger]) -> Diagnostic {
        let described: Vec<String> = calling
            .iter()
            .map(|t| format!("trigger `{}` {}", t.name, join_and(&self.fires_right(t))))
            .collect();
        let mut diagnostic = Diagnostic::new(
            DEF.id,
            &table.name_origin,
            format!(
                "table `{}` has no BEFORE UPDATE … FOR EACH ROW trigger running `{}()`: {}",
                table.name,
                self.function,
                described.join("; ")
            ),
        )
        .help(self.help(table));
        for trigger in calling {
            diagnostic = diagnostic.related(&trigger.origin, "this trigger runs the function");
        }
        diagnostic
    }
}
