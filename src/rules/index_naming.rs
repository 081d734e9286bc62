//! `index-naming`: non-unique indexes are named `idx_{table}_{columns}`.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::Severity;
use crate::rules::support::naming::{NameTemplate, check_index_names};
use crate::rules::{Context, Rule, RuleDef, RuleId};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// `{table}` and `{columns}` (the indexed columns joined by `_`).
    pub template: NameTemplate,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            template: NameTemplate::fixed("idx_{table}_{columns}"),
        }
    }
}

pub struct IndexNaming {
    options: Options,
}

static DEF: RuleDef = RuleDef {
    id: RuleId::IndexNaming,
    name: "index-naming",
    default_severity: Some(Severity::Error),
    summary: "non-unique index names follow `idx_{table}_{columns}`; unnamed indexes are flagged",
    doc: include_str!("../../rules/index-naming.md"),
    target: crate::rules::Target::Schema,
    judges_down_migrations: false,
};

impl Rule for IndexNaming {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        IndexNaming { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        check_index_names(cx, out, DEF.id, false, &self.options.template, "index");
    }
}
