//! `index-naming`: non-unique indexes are named `idx_{table}_{columns}`.

use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, ObjectRef, Severity};
use crate::model::Index;
use crate::model::names::quote;
use crate::rules::naming::{NameTemplate, index_columns};
use crate::rules::{Context, Rule, RuleMeta};

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

static META: RuleMeta = RuleMeta {
    name: "index-naming",
    default_severity: Some(Severity::Error),
    summary: "non-unique index names follow `idx_{table}_{columns}`; unnamed indexes are flagged",
    doc: include_str!("../../rules/index-naming.md"),
};

/// Index methods of pgvector, whose indexes may end in `_vec`.
const VECTOR_METHODS: [&str; 2] = ["hnsw", "ivfflat"];

impl Rule for IndexNaming {
    type Options = Options;

    fn meta() -> &'static RuleMeta {
        &META
    }

    fn new(options: Options) -> Self {
        IndexNaming { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for index in cx.catalog.indexes.iter().filter(|i| !i.unique) {
            let columns = index_columns(index);
            let expected = self.options.template.expand(&index.table.name, &columns);
            if let Some(diagnostic) = judge(index, &expected, META.name, "index") {
                out.push(diagnostic);
            }
        }
    }
}

/// The finding for an index whose name is not `expected` (shared with
/// `unique-naming`).
pub fn judge(index: &Index, expected: &str, rule: &'static str, what: &str) -> Option<Diagnostic> {
    let vector = VECTOR_METHODS.contains(&index.method());
    let object = ObjectRef::table(&index.table)
        .with_columns(index_columns(index))
        .with_name(index.name.as_ref().map(|n| n.name.clone()));
    let Some(name) = &index.name else {
        return Some(
            Diagnostic::new(rule, &index.origin, format!("{what} on `{}` has no name", index.table))
                .help(format!("name it: CREATE {}INDEX {} ON …; PostgreSQL's generated names differ between versions and say nothing", if index.unique { "UNIQUE " } else { "" }, quote(expected)))
                .object(object),
        );
    };
    let accepted = name.name == expected || (vector && name.name == format!("{expected}_vec"));
    if accepted {
        return None;
    }
    let origin = index.name_origin.as_ref().unwrap_or(&index.origin);
    Some(
        Diagnostic::new(
            rule,
            origin,
            format!(
                "{what} `{}` on `{}` should be named `{expected}`",
                name.name, index.table
            ),
        )
        .help(format!(
            "ALTER INDEX {} RENAME TO {};",
            name.sql(),
            quote(expected)
        ))
        .object(object),
    )
}
