//! `extension-allowlist`: `CREATE EXTENSION` only for allowlisted
//! extensions.

use crate::rules::Reporter;
use serde::{Deserialize, Serialize};

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::{Context, Rule, RuleDef, RuleId};

#[derive(Debug, Deserialize, Serialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case", default)]
pub struct Options {
    /// Extension names as PostgreSQL stores them: unquoted names folded to
    /// lower case, quoted ones as written between the quotes.
    pub allow: Vec<String>,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            allow: vec!["vector".to_string()],
        }
    }
}

pub struct ExtensionAllowlist {
    options: Options,
}

pub static DEF: RuleDef = RuleDef {
    id: RuleId::ExtensionAllowlist,
    name: "extension-allowlist",
    default_severity: Some(Severity::Error),
    summary: "`CREATE EXTENSION` only for allowlisted extensions (default: `vector`)",
    doc: include_str!("../../rules/extension-allowlist.md"),
    target: crate::rules::Target::Migrations,
    judges_down_migrations: false,
};

impl Rule for ExtensionAllowlist {
    type Options = Options;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(options: Options) -> Self {
        ExtensionAllowlist { options }
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for (name, origin) in &cx.catalog.extensions {
            if self.options.allow.iter().any(|allowed| allowed == name) {
                continue;
            }
            let allowed = match self.options.allow.as_slice() {
                [] => "no extension is allowed".to_string(),
                list => format!(
                    "allowed: {}",
                    list.iter()
                        .map(|a| format!("`{a}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
            };
            out.push(
                Diagnostic::new(
                    DEF.id,
                    origin,
                    format!("extension `{name}` is not in the allowlist ({allowed})"),
                )
                .help(help(name)),
            );
        }
    }
}

fn help(name: &str) -> String {
    let instead = match name {
        "uuid-ossp" => {
            " (PostgreSQL 13 and later have gen_random_uuid() built in; the PRD's keys are BIGSERIAL anyway)"
        }
        _ => "",
    };
    format!(
        "every extension is code to install, upgrade and trust on every database and replica: do without it{instead}, or add \"{name}\" to `allow` under [rules.extension-allowlist]"
    )
}
