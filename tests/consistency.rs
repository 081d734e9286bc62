//! Rules, their documents, their fixtures and `init` stay in step.

use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use schema_lint::config::{self, CommandLine, Settings};
use schema_lint::rules;

fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn every_rule_has_a_document_and_every_document_a_rule() {
    let names: BTreeSet<String> = rules::names().into_iter().map(String::from).collect();
    let docs: BTreeSet<String> = fs::read_dir(repo().join("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "md"))
        .map(|p| p.file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, docs, "rules/ and the registry differ");
}

#[test]
fn documents_have_every_section_and_options() {
    for rule in rules::registry() {
        let doc = rule.doc;
        assert!(
            doc.starts_with(&format!("# {}\n", rule.name)),
            "{}: title",
            rule.name
        );
        for section in [
            "## What it does",
            "## Why it matters",
            "## Example",
            "## Use instead",
            "## Options",
        ] {
            assert!(doc.contains(section), "{}: no `{section}`", rule.name);
        }
        for option in rule.default_options().keys() {
            assert!(
                doc.contains(option.as_str()),
                "{}: option `{option}` undocumented",
                rule.name
            );
        }
        let severity = rule.default_severity.map(|s| s.name()).unwrap_or("off");
        assert!(
            doc.contains(&format!("Default severity: **{severity}**")),
            "{}: document does not state the default severity {severity}",
            rule.name
        );
    }
}

/// What a configuration amounts to: the rules that run, how loud, with
/// which options, and the run-level settings.
fn summary(settings: &Settings) -> String {
    let mut out = format!("{:?} {:?}\n", settings.fail_on, settings.layout);
    for rule in &settings.rules {
        out.push_str(&format!(
            "{} {} {}\n",
            rule.def.name, rule.severity, rule.options
        ));
    }
    out
}

#[test]
fn init_output_parses_back_into_the_defaults() {
    let text = schema_lint::docs::init_text();
    let parsed =
        config::parse(&text, PathBuf::from("."), &CommandLine::default()).unwrap_or_else(|e| {
            panic!(
                "init output does not parse: {} at {:?}\n{text}",
                e.message, e.span
            )
        });
    assert_eq!(summary(&parsed), summary(&Settings::default_settings()));
}

/// The README's layout table is the table of layout facts.
#[test]
fn the_readme_layout_table_is_the_layout_facts() {
    let readme = fs::read_to_string(repo().join("README.md")).unwrap();
    let table = schema_lint::docs::layout_table();
    assert!(
        readme.contains(&table),
        "README.md's layout table is out of date; it should read:\n{table}"
    );
}
