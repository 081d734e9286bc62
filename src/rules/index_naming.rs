//! `index-naming`: non-unique indexes are named `idx_{table}_{columns}`.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Fix, Severity};
use crate::fix::edits;
use crate::rules::support::naming::{
    NameTemplate, index_columns, index_name_finding, index_name_origin,
};
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
        for index in cx.catalog.indexes.iter().filter(|i| !i.unique) {
            // Judging a name and its fix costs work (the fix looks for
            // the name in every file): only where the finding is reported.
            if !out.reports(index_name_origin(index)) {
                continue;
            }
            let columns = index_columns(index);
            let expected = self.options.template.expand(&index.table.name, &columns);
            if let Some(diagnostic) = index_name_finding(index, &expected, DEF.id, "index") {
                out.push_with_fix(diagnostic, || {
                    edits::rename_index(cx, index, &expected)
                        .map(|edit| Fix::safe(format!("name the index `{expected}`"), vec![edit]))
                });
            }
        }
    }
}
