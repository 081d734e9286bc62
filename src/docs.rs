//! Documentation built into the binary: `rules`, `explain`, `init`.

use std::fmt::Write as _;

use serde::Serialize;

use crate::diagnostic::Severity;
use crate::error::Error;
use crate::report::ListFormat;
use crate::rules;

fn severity_name(severity: Option<Severity>) -> &'static str {
    severity.map(Severity::name).unwrap_or("off")
}

/// `schema-lint rules`: one line per rule, or JSON.
pub fn rules_listing(format: ListFormat) -> String {
    match format {
        ListFormat::Text => {
            let width = rules::registry().map(|r| r.name.len()).max().unwrap_or(0);
            let mut out = String::new();
            for rule in rules::registry() {
                let _ = writeln!(
                    out,
                    "{:width$}  {:7}  {}",
                    rule.name,
                    severity_name(rule.default_severity),
                    rule.summary
                );
            }
            out
        }
        ListFormat::Json => {
            #[derive(Serialize)]
            struct Entry {
                name: &'static str,
                default_severity: &'static str,
                summary: &'static str,
                options: toml::Table,
            }
            let entries: Vec<Entry> = rules::registry()
                .map(|r| Entry {
                    name: r.name,
                    default_severity: severity_name(r.default_severity),
                    summary: r.summary,
                    options: r.default_options(),
                })
                .collect();
            let mut text = serde_json::to_string_pretty(&entries).unwrap_or_default();
            text.push('\n');
            text
        }
    }
}

/// `schema-lint explain <rule>`: the rule's document, or why there is
/// none (an unknown name, with the closest one).
pub fn explain(name: &str) -> Result<&'static str, Error> {
    match rules::RuleId::from_name(name) {
        Some(rule) => Ok(rule.def().doc),
        None => Err(Error::UnknownRule {
            name: name.to_string(),
            suggestion: rules::suggest(name),
        }),
    }
}

/// A commented config listing every rule and option at its default.
pub fn init_text() -> String {
    let mut out = String::from(
        "# schema-lint configuration: every value below is the default.\n\
         # Each rule is documented by `schema-lint explain <rule>`.\n\n\
         # Migration sets to lint when no path is given (default: migrations/).\n\
         # roots = [\"migrations\"]\n\n\
         # auto | sqlx | diesel | golang-migrate | flyway | dbmate | goose | numbered\n\
         layout = \"auto\"\n\n\
         # Globs, relative to this file, of migration files to leave out.\n\
         exclude = []\n\n\
         # Exit with 1 on findings at or above: error | warning | info | never\n\
         fail-on = \"error\"\n\n\
         [rules]\n\
         # \"all\" runs every rule that is not off by default; or list rule names.\n\
         select = [\"all\"]\n\
         ignore = []\n\
         # Tables whose name ends with this are lookup tables (status-lookup,\n\
         # lookup-table-shape, status-fk-restrict, `schema-lint new`).\n\
         lookup-suffix = \"_statuses\"\n\n\
         # error | warning | info | off\n\
         [rules.severity]\n",
    );
    let width = rules::registry().map(|r| r.name.len()).max().unwrap_or(0);
    for rule in rules::registry() {
        let level = format!("\"{}\"", severity_name(rule.default_severity));
        let _ = writeln!(out, "{:width$} = {:9} # {}", rule.name, level, rule.summary);
    }
    for rule in rules::registry() {
        let options = rule.default_options();
        if options.is_empty() {
            continue;
        }
        let mut table = toml::Table::new();
        table.insert(rule.name.to_string(), toml::Value::Table(options));
        let mut wrapper = toml::Table::new();
        wrapper.insert("rules".to_string(), toml::Value::Table(table));
        let _ = write!(out, "\n{}", toml::to_string(&wrapper).unwrap_or_default());
    }
    out.push_str(
        "\n# Per-path changes; later entries win. Paths are globs relative to this file.\n\
         # [[overrides]]\n\
         # paths = [\"migrations/2019*\"]\n\
         # ignore = [\"prefer-text\"]\n\
         # severity = { prefer-timestamptz = \"warning\" }\n",
    );
    out
}

/// The README's table of layouts, from the table of layout facts (a test
/// keeps the README in step).
pub fn layout_table() -> String {
    let mut out = String::from(
        "| layout | migration files | set root | order | down SQL |\n|---|---|---|---|---|\n",
    );
    for facts in crate::discover::layout::LAYOUTS.iter() {
        let mut files = facts.files.to_string();
        if let Some(markers) = facts.markers {
            let _ = write!(files, "; markers: {markers}");
        }
        if let Some(not) = facts.not_migrations {
            let _ = write!(files, "; not migrations: {not}");
        }
        let _ = writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            facts.name,
            files,
            facts.root,
            facts.order_text,
            facts.downs.unwrap_or("none")
        );
    }
    out
}
