//! Every fixture carries its own expectations, rustc-UI-test style.
//!
//! `fixtures/<rule>/<case>/` is one migration set. Each line where a finding
//! of `<rule>` must start says so in a comment:
//!
//! ```sql
//! email VARCHAR(255) NOT NULL, -- expect: prefer-text `VARCHAR(255)`
//! ```
//!
//! The optional backquoted text is exactly what the finding underlines (for
//! findings longer than one line: its first line). Every expected finding
//! must be reported and nothing else may be: a case without expectations
//! proves the rule stays silent. The case is linted with only `<rule>` and
//! `parse-error` selected, so a fixture that stops parsing fails loudly.
//! A `schema-lint.toml` in the case folder configures the case.
//!
//! Each case's findings, with their messages and help, are snapshotted
//! (`tests/snapshots/fixtures/<rule>__<case>.snap`), so that a change of
//! wording is seen in review.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

mod common;

use common::expect::{expectations, sql_files};
use schema_lint::config::{self, CommandLine};
use schema_lint::lint::lint;
use schema_lint::rules::RuleId;

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures")
}

fn run_case(rule: &str, case: &Path) -> Result<String, String> {
    // A suppression is only unused relative to the other rules: its
    // fixtures run with every default rule.
    let select = match rule {
        "unused-suppression" => vec!["all".to_string()],
        _ => vec![rule.to_string(), "parse-error".to_string()],
    };
    let cli = CommandLine {
        select: Some(select),
        ..CommandLine::default()
    };
    let config_file = case.join("schema-lint.toml");
    let settings = config::load(config_file.is_file().then_some(config_file.as_path()), &cli)
        .map_err(|e| format!("config: {}", e.message))?;
    let outcome = lint(&[case.to_path_buf()], &settings);
    if !outcome.input_errors.is_empty() {
        return Err(format!("input errors: {:?}", outcome.input_errors));
    }
    common::expect::check(case, &outcome)?;
    Ok(messages(case, &outcome))
}

/// The findings as a reader sees them: place, severity, rule, message,
/// help and related places.
fn messages(case: &Path, outcome: &schema_lint::lint::Outcome) -> String {
    let name = |path: &Path| {
        let path = path.strip_prefix(case).unwrap_or(path);
        path.to_string_lossy().replace('\\', "/")
    };
    let mut out = String::new();
    for d in &outcome.diagnostics {
        let file = outcome.project.file(d.file);
        let p = schema_lint::report::position(outcome, d).expect("fixtures are files");
        out.push_str(&format!(
            "{}:{}:{}: {}[{}] {}\n",
            name(file.source.path()),
            p.line,
            p.column,
            d.severity.name(),
            d.rule,
            d.message
        ));
        if let Some(help) = &d.help {
            out.push_str(&format!("  help: {help}\n"));
        }
        for related in d.related_places() {
            let other = &outcome.project.file(related.origin.file()).source;
            let at = schema_lint::report::Position::of(other, &related.origin.span());
            out.push_str(&format!(
                "  note: {} ({}:{}:{})\n",
                related.message,
                name(other.path()),
                at.line,
                at.column
            ));
        }
    }
    if out.is_empty() {
        out.push_str("(no findings)\n");
    }
    // A message may quote a file's full path: the same in every checkout.
    out.replace(&format!("{}/", case.display()), "<case>/")
}

/// The case folders of every rule, by rule.
fn cases() -> BTreeMap<String, Vec<PathBuf>> {
    let mut out: BTreeMap<String, Vec<PathBuf>> = BTreeMap::new();
    for rule_dir in fs::read_dir(fixtures_root()).expect("fixtures/ exists") {
        let rule_dir = rule_dir.expect("readable").path();
        if !rule_dir.is_dir() {
            continue;
        }
        let rule = rule_dir.file_name().unwrap().to_string_lossy().to_string();
        let mut cases: Vec<PathBuf> = fs::read_dir(&rule_dir)
            .expect("readable")
            .map(|e| e.expect("readable").path())
            .filter(|p| p.is_dir())
            .collect();
        cases.sort();
        out.insert(rule, cases);
    }
    out
}

#[test]
fn every_fixture_meets_its_expectations() {
    let mut failures = Vec::new();
    let mut checked = 0;
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path("snapshots/fixtures");
    settings.set_prepend_module_to_snapshot(false);
    let _guard = settings.bind_to_scope();
    for (rule, cases) in cases() {
        for case in cases {
            match run_case(&rule, &case) {
                Ok(messages) => {
                    checked += 1;
                    let name = case.file_name().unwrap_or_default().to_string_lossy();
                    insta::assert_snapshot!(format!("{rule}__{name}"), messages);
                }
                Err(problems) => failures.push(format!("{}:\n{problems}", case.display())),
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
    assert!(checked > 0, "no fixtures found");
}

/// Each rule's fixtures show it firing and show it silent.
#[test]
fn every_rule_has_firing_and_silent_fixtures() {
    let all = cases();
    let mut problems = Vec::new();
    for rule in schema_lint::rules::names() {
        let Some(cases) = all.get(rule) else {
            problems.push(format!("{rule}: no fixtures/{rule}/"));
            continue;
        };
        let counts: Vec<usize> = cases
            .iter()
            .map(|c| sql_files(c).iter().map(|f| expectations(f).len()).sum())
            .collect();
        // Drift needs a live database to fire: tests/db.rs shows it.
        let drift = RuleId::from_name(rule)
            .is_some_and(|r| r.def().target == schema_lint::rules::Target::Drift);
        if !counts.iter().any(|&n| n > 0) && !drift {
            problems.push(format!("{rule}: no fixture expects a finding"));
        }
        if !counts.contains(&0) {
            problems.push(format!("{rule}: no fixture shows the rule silent"));
        }
    }
    for rule in all.keys() {
        if RuleId::from_name(rule).is_none() {
            problems.push(format!("fixtures/{rule}/ is for no rule"));
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// Naming one file (a pre-commit hook, an editor) reports exactly what
/// linting its whole set reports in that file: rules skip the work for
/// findings that would land in files not reported (`Reporter::reports`),
/// and this holds them to it, for every rule on every fixture. Two rules
/// are meant to differ and are left out: `migration-filename` tells a
/// named file that it shares its version with another (a whole run says it
/// of the later one only), and a named file that fits no layout is placed
/// by itself (`migration-layout`).
#[test]
fn naming_one_file_reports_what_the_whole_set_reports_in_it() {
    let cli = CommandLine {
        select: Some(vec!["all".to_string()]),
        ..CommandLine::default()
    };
    let mut compared = 0;
    let mut failures = Vec::new();
    for case in cases().into_values().flatten() {
        let config_file = case.join("schema-lint.toml");
        let Ok(settings) =
            config::load(config_file.is_file().then_some(config_file.as_path()), &cli)
        else {
            continue;
        };
        let whole = lint(std::slice::from_ref(&case), &settings);
        for file in &whole.project.files {
            let path = file.source.path().to_path_buf();
            let expected = findings_in(&whole, &path);
            let named = lint(std::slice::from_ref(&path), &settings);
            let found = findings_in(&named, &path);
            compared += 1;
            if found != expected {
                failures.push(format!(
                    "{}:\nwhole set:\n{}\nnamed alone:\n{}",
                    path.display(),
                    expected.join("\n"),
                    found.join("\n")
                ));
            }
        }
    }
    assert!(compared > 200, "only {compared} files compared");
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

/// The findings of `outcome` in the file at `path`, one line each: rule,
/// severity, span, message, help and fix (file ids differ between runs:
/// edits name their files by path).
fn findings_in(outcome: &schema_lint::lint::Outcome, path: &Path) -> Vec<String> {
    outcome
        .diagnostics
        .iter()
        .filter(|d| outcome.project.file(d.file).source.path() == path)
        .filter(|d| !matches!(d.rule, RuleId::MigrationFilename | RuleId::MigrationLayout))
        .map(|d| {
            let fix = d.fix.as_ref().map(|fix| {
                let edits: Vec<String> = fix
                    .edits
                    .iter()
                    .map(|e| {
                        let file = outcome.project.file(e.file).source.path();
                        format!("{}{:?}={:?}", file.display(), e.span, e.replacement)
                    })
                    .collect();
                format!("{} [{}]", fix.title, edits.join(", "))
            });
            format!(
                "{} {} {:?} {} | {} | {}",
                d.rule,
                d.severity.name(),
                d.span,
                d.message,
                d.help.as_deref().unwrap_or(""),
                fix.unwrap_or_default()
            )
        })
        .collect()
}
