//! `table-naming`: table names are snake_case and plural.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::Table;
use crate::model::names::needs_quotes;
use crate::rules::support::naming::{
    UNCOUNTABLE, is_plural_word, is_snake_case, matches_pattern, plural_of, to_snake_case,
};
use crate::rules::{Context, Rule, RuleDef, RuleId};

#[derive(Debug, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Table names exempt from the plural check (`*` matches any text;
    /// `schema.table` matches in that schema only; a name that is not
    /// snake_case also matches by its snake_case spelling).
    pub allow: Vec<String>,
}

pub struct TableNaming {
    options: Options,
}

static DEF: RuleDef = RuleDef {
    id: RuleId::TableNaming,
    name: "table-naming",
    default_severity: Some(Severity::Warning),
    summary: "table names are snake_case and plural",
    doc: include_str!("../../rules/table-naming.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for TableNaming {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        TableNaming { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for table in cx.catalog.tables.values() {
            // Judging a name costs more than asking where it would be
            // reported (a pre-commit run reports one file of a set).
            if !out.reports(&table.name_origin) {
                continue;
            }
            let name = &table.name.name;
            let snake = is_snake_case(name);
            let plural = self.allowed(table) || is_plural_name(name);
            if snake && plural {
                continue;
            }
            let suggestion = suggestion(name, !plural);
            let message = match (snake, plural) {
                (false, false) => {
                    format!("table `{}` is not snake_case and not plural", table.name)
                }
                (false, true) => format!("table `{}` is not snake_case", table.name),
                _ => format!("table `{}` is singular; table names are plural", table.name),
            };
            let help = if !needs_quotes(&suggestion) && suggestion != *name {
                let why = match (snake, plural) {
                    (false, false) => {
                        "a table holds many rows of one kind, and a snake_case name needs no quotes"
                    }
                    (false, true) => "a snake_case name needs no quotes in any query",
                    _ => "a table holds many rows of one kind",
                };
                format!(
                    "rename it: ALTER TABLE {} RENAME TO {suggestion}; {why}",
                    table.name.sql()
                )
            } else {
                "name tables in snake_case (lower-case ASCII letters, digits, `_`), with a plural last word; add the name to `allow` if it is right as it is".to_string()
            };
            out.push(
                Diagnostic::new(DEF.id, &table.name_origin, message)
                    .help(help)
                    .object(ObjectRef::table(&table.name)),
            );
        }
    }
}

impl TableNaming {
    fn allowed(&self, table: &Table) -> bool {
        let qualified = table.name.to_string();
        let snake = to_snake_case(&table.name.name);
        self.options.allow.iter().any(|pattern| {
            matches_pattern(pattern, &table.name.name)
                || matches_pattern(pattern, &snake)
                || matches_pattern(pattern, &qualified)
        })
    }
}

/// Whether a table name reads as plural: its last word, after version,
/// number and qualifier suffixes (`users_v2`, `events_2024`, `jobs2`,
/// `tasks_olap`), is plural; or an
/// earlier word is a plural noun that trailing qualifiers follow
/// (`v1_tasks_olap`, `trustpub_configs_github`, `versions_published_by`).
pub fn is_plural_name(name: &str) -> bool {
    let snake = to_snake_case(name);
    let Some(word) = noun(&snake) else {
        // Nothing but numbers: nothing to judge.
        return true;
    };
    is_plural_word(&word) || has_plural_head(&snake)
}

/// Whether a word before the last is a plural (by an `s` or irregular
/// plural, not an uncountable word: `news_item`, `data_point` stay
/// singular).
fn has_plural_head(snake: &str) -> bool {
    let words: Vec<&str> = snake.split('_').filter(|w| !w.is_empty()).collect();
    let Some((_, head)) = words.split_last() else {
        return false;
    };
    head.iter()
        .any(|word| is_plural_word(word) && !UNCOUNTABLE.contains(word))
}

/// Words that qualify a table name rather than name its rows: copies,
/// stages and storage variants of a table (`tasks_olap`, `users_tmp`,
/// `orders_archive`).
pub const QUALIFIERS: [&str; 12] = [
    "olap", "oltp", "tmp", "temp", "old", "new", "bak", "backup", "archive", "staging", "raw",
    "legacy",
];

/// The word the plural check judges: the last `_`-separated word that is
/// not a version, a number or a qualifier, without trailing digits.
fn noun(snake: &str) -> Option<String> {
    snake
        .split('_')
        .rev()
        .filter(|word| !is_version(word) && !QUALIFIERS.contains(word))
        .map(|word| word.trim_end_matches(|c: char| c.is_ascii_digit()))
        .find(|word| !word.is_empty())
        .map(str::to_string)
}

/// `2024`, `v2`, `v10`.
fn is_version(word: &str) -> bool {
    let digits = word.strip_prefix('v').unwrap_or(word);
    !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())
}

/// The snake_case name (plural, with `pluralize`) the table could be
/// renamed to.
fn suggestion(name: &str, pluralize: bool) -> String {
    let snake = to_snake_case(name);
    if !pluralize || is_plural_name(&snake) {
        return snake;
    }
    let Some(word) = noun(&snake) else {
        return snake;
    };
    // Replace the judged word (the last occurrence) by its plural.
    let Some(at) = snake.rfind(word.as_str()) else {
        return snake;
    };
    format!(
        "{}{}{}",
        &snake[..at],
        plural_of(&word),
        &snake[at + word.len()..]
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plural_names() {
        for name in [
            "users",
            "scene_types",
            "user_settings",
            "user_data",
            "job_statuses",
            "users_v2",
            "events_2024",
            "login_history",
            "news",
            "WorkflowRuns",
            "v1_tasks_olap",
            "trustpub_used_jtis",
            "versions_published_by",
        ] {
            assert!(is_plural_name(name), "{name}");
        }
        for name in [
            "audit_log",
            "user",
            "status",
            "UserOAuth",
            "job_status",
            "address",
            "news_item",
            "total_history_count_user",
            "v1_task_olap",
        ] {
            assert!(!is_plural_name(name), "{name}");
        }
    }

    #[test]
    fn suggestions() {
        assert_eq!(suggestion("audit_log", true), "audit_logs");
        assert_eq!(suggestion("UserOAuth", true), "user_o_auths");
        assert_eq!(suggestion("job_status", true), "job_statuses");
        assert_eq!(suggestion("category", true), "categories");
        assert_eq!(suggestion("createdThings", true), "created_things");
        assert_eq!(suggestion("box_v2", true), "boxes_v2");
        assert_eq!(suggestion("key", true), "keys");
        assert_eq!(suggestion("person", true), "people");
        assert_eq!(
            suggestion("v1_dag_to_task_olap", true),
            "v1_dag_to_tasks_olap"
        );
        assert_eq!(suggestion("order_archive", true), "orders_archive");
    }
}
