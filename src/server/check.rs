//! Lint runs over the open documents, and their findings as LSP
//! diagnostics.
//!
//! Every open document's text replaces its file (so an unsaved fix in one
//! file already counts for the others), and the rest of each set is read
//! from disk. One run per config file lints all the open files it governs:
//! a change in one file can change another's findings (a later migration
//! fixes an earlier one's column).

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::str::FromStr;

use lsp_types::{
    CodeDescription, DiagnosticRelatedInformation, DiagnosticSeverity, Location, NumberOrString,
    Uri,
};

use super::actions;
use super::documents::{Document, Documents, Finding, located};
use super::position::{Encoding, LineIndex};
use super::settings::{self, Configs};
use crate::config::ConfigError;
use crate::diagnostic::{Diagnostic, Related, Severity};
use crate::lint::{Outcome, lint_buffers};
use crate::load::Buffers;

/// What a lint run leaves to say besides the findings.
pub struct Run {
    /// The config files that governed the open documents.
    pub configs: Vec<PathBuf>,
    /// Open files that were not linted as migrations, and why (newly so).
    pub notes: Vec<String>,
}

/// Lints every open migration document, storing its findings on it.
pub fn lint_open(documents: &mut Documents, configs: &mut Configs, encoding: Encoding) -> Run {
    let mut groups: BTreeMap<Option<PathBuf>, Vec<PathBuf>> = BTreeMap::new();
    let mut buffers = Buffers::new();
    for document in documents.iter() {
        if let Some(path) = document.path.as_ref().filter(|p| is_sql(p)) {
            groups
                .entry(settings::config_of(path))
                .or_default()
                .push(path.clone());
            buffers.insert(path.clone(), document.text.clone());
        }
    }
    let mut notes = Vec::new();
    for (config, paths) in &groups {
        let found = match configs.settings(config.as_deref()) {
            Ok(settings) => findings(
                &lint_buffers(paths, &settings, &buffers),
                documents,
                encoding,
            ),
            Err(error) => not_linted(paths, config.as_deref(), &error, documents, encoding),
        };
        notes.extend(store(documents, paths, found));
    }
    Run {
        configs: groups.into_keys().flatten().collect(),
        notes,
    }
}

/// Whether a file could be a migration: the linter reads only `.sql`
/// files it is named (an open `Cargo.toml` is none of its business).
fn is_sql(path: &Path) -> bool {
    path.extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("sql"))
}

/// What one run found, by document key.
#[derive(Default)]
struct Found {
    findings: HashMap<PathBuf, Vec<Finding>>,
    skipped: HashMap<PathBuf, String>,
}

/// Stores what a run found on the documents it linted; returns a note for
/// each that newly was not read as a migration.
fn store(documents: &mut Documents, paths: &[PathBuf], mut found: Found) -> Vec<String> {
    let keys: Vec<PathBuf> = paths.iter().map(|p| located(p)).collect();
    let mut notes = Vec::new();
    for document in documents.iter_mut() {
        let Some(key) = document.key.clone().filter(|k| keys.contains(k)) else {
            continue;
        };
        document.findings = found.findings.remove(&key).unwrap_or_default();
        let skipped = found.skipped.remove(&key);
        if let Some(reason) = skipped
            .as_ref()
            .filter(|r| document.skipped.as_ref() != Some(r))
        {
            let path = crate::source::display_path(&key);
            notes.push(format!("{path}: not linted: {reason}"));
        }
        document.skipped = skipped;
        document.linted = Some(document.version);
    }
    notes
}

fn findings(outcome: &Outcome, documents: &Documents, encoding: Encoding) -> Found {
    let mut found = Found::default();
    let project = &outcome.project;
    for skipped in &project.skipped {
        found
            .skipped
            .insert(located(&skipped.path), skipped.reason.to_string());
    }
    for error in &outcome.input_errors {
        if let Some(document) = documents.by_key(&located(&error.path)) {
            let message = format!("not linted: {}", error.message);
            let finding = whole_file(document, message, encoding);
            found
                .findings
                .entry(located(&error.path))
                .or_default()
                .push(finding);
        }
    }
    // Findings come sorted by file: one line index per file.
    for chunk in outcome.diagnostics.chunk_by(|a, b| a.file == b.file) {
        let file = project.file(chunk[0].file);
        let key = located(file.source.path());
        let Some(document) = documents.by_key(&key) else {
            continue;
        };
        let index = LineIndex::new(&document.text, encoding);
        let converted = chunk.iter().map(|d| {
            let shift = file.source.bom;
            let related = d
                .related_places()
                .iter()
                .filter_map(|r| related(r, outcome, document, &index, documents, encoding))
                .collect();
            Finding {
                diagnostic: to_lsp(d, &index, shift, related),
                rule: Some(d.rule),
                fixes: actions::fixes(file, d, &index, shift),
            }
        });
        found.findings.entry(key).or_default().extend(converted);
    }
    found
}

fn to_lsp(
    d: &Diagnostic,
    index: &LineIndex,
    shift: usize,
    related: Vec<DiagnosticRelatedInformation>,
) -> lsp_types::Diagnostic {
    let mut message = d.message.clone();
    if let Some(help) = &d.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    let href = Uri::from_str(&crate::report::rule_url(d.rule.name())).ok();
    lsp_types::Diagnostic {
        range: index.range(&(d.span.start + shift..d.span.end + shift)),
        severity: Some(severity(d.severity)),
        code: Some(NumberOrString::String(d.rule.to_string())),
        code_description: href.map(|href| CodeDescription { href }),
        source: Some("schema-lint".to_string()),
        message,
        related_information: Some(related).filter(|r: &Vec<_>| !r.is_empty()),
        ..lsp_types::Diagnostic::default()
    }
}

fn severity(severity: Severity) -> DiagnosticSeverity {
    match severity {
        Severity::Error => DiagnosticSeverity::ERROR,
        Severity::Warning => DiagnosticSeverity::WARNING,
        Severity::Info => DiagnosticSeverity::INFORMATION,
    }
}

/// A secondary place, in the document itself, another open document (its
/// text as the client has it) or a file on disk.
fn related(
    related: &Related,
    outcome: &Outcome,
    document: &Document,
    index: &LineIndex,
    documents: &Documents,
    encoding: Encoding,
) -> Option<DiagnosticRelatedInformation> {
    let file = outcome.project.file(related.origin.file());
    let key = located(file.source.path());
    let span = &related.origin.span();
    let location = if document.key.as_deref() == Some(key.as_path()) {
        let shifted = span.start + file.source.bom..span.end + file.source.bom;
        Location::new(document.uri.clone(), index.range(&shifted))
    } else if let Some(other) = documents.by_key(&key) {
        let shifted = span.start + file.source.bom..span.end + file.source.bom;
        Location::new(
            other.uri.clone(),
            LineIndex::new(&other.text, encoding).range(&shifted),
        )
    } else {
        // Editors hide a byte-order mark: positions count from after it.
        let range = LineIndex::new(file.source.text(), encoding).range(span);
        Location::new(super::uri::from_path(&key)?, range)
    };
    Some(DiagnosticRelatedInformation {
        location,
        message: related.message.clone(),
    })
}

/// Files whose config is broken are not linted (as the CLI stops at a
/// broken config); each says why, pointing at the error.
fn not_linted(
    paths: &[PathBuf],
    config: Option<&Path>,
    error: &ConfigError,
    documents: &Documents,
    encoding: Encoding,
) -> Found {
    let mut found = Found::default();
    let shown = config.map_or_else(String::new, crate::source::display_path);
    let message = format!(
        "not linted: config file {shown} has an error: {}",
        error.message
    );
    let location = config.and_then(|config| {
        let diagnostic = settings::diagnostic(error, &error.text, encoding);
        Some(Location::new(
            super::uri::from_path(config)?,
            diagnostic.range,
        ))
    });
    for path in paths {
        let key = located(path);
        let Some(document) = documents.by_key(&key) else {
            continue;
        };
        let mut finding = whole_file(document, message.clone(), encoding);
        finding.diagnostic.code = Some(NumberOrString::String("config".to_string()));
        finding.diagnostic.related_information = location.clone().map(|location| {
            vec![DiagnosticRelatedInformation {
                location,
                message: error.message.clone(),
            }]
        });
        found.findings.insert(key, vec![finding]);
    }
    found
}

/// An error about the whole file, on its first line.
fn whole_file(document: &Document, message: String, encoding: Encoding) -> Finding {
    let first_line = document
        .text
        .find(['\r', '\n'])
        .unwrap_or(document.text.len());
    let range = LineIndex::new(&document.text, encoding).range(&(0..first_line));
    Finding {
        diagnostic: lsp_types::Diagnostic {
            range,
            severity: Some(DiagnosticSeverity::ERROR),
            source: Some("schema-lint".to_string()),
            message,
            ..lsp_types::Diagnostic::default()
        },
        rule: None,
        fixes: Vec::new(),
    }
}
