//! `--format sarif`: SARIF 2.1.0, the format GitHub code scanning (and
//! other SARIF viewers) upload.
//!
//! One run; the driver lists every rule (so a viewer can show the rule's
//! documentation for any result); each result carries a position-free
//! fingerprint so a finding keeps its alert when lines move above it.
//! Nothing time- or machine-dependent is written: same input, same bytes.

use std::collections::BTreeMap;

use serde::Serialize;

use super::{Position, ci_display, ci_path, fingerprints, message_with_help, position, rule_url};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Outcome;
use crate::rules::{self, RuleDef, RuleId};
use crate::source::display_path;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The `partialFingerprints` key; versioned as SARIF recommends, so a future
/// change of the scheme is a new key rather than a silent mismatch.
const FINGERPRINT_KEY: &str = "schemaLintObject/v1";

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Log {
    #[serde(rename = "$schema")]
    schema: &'static str,
    version: &'static str,
    runs: [Run; 1],
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Run {
    tool: Tool,
    invocations: [Invocation; 1],
    /// Our columns count Unicode characters; SARIF's default would be
    /// UTF-16 code units, so say so explicitly.
    column_kind: &'static str,
    results: Vec<SarifResult>,
}

#[derive(Serialize)]
struct Tool {
    driver: Driver,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Driver {
    name: &'static str,
    version: &'static str,
    information_uri: &'static str,
    rules: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Descriptor {
    id: &'static str,
    short_description: Text,
    full_description: Text,
    help_uri: String,
    help: Help,
    default_configuration: Configuration,
}

#[derive(Serialize)]
struct Text {
    text: String,
}

#[derive(Serialize)]
struct Help {
    text: &'static str,
    markdown: &'static str,
}

#[derive(Serialize)]
struct Configuration {
    enabled: bool,
    level: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Invocation {
    execution_successful: bool,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    tool_execution_notifications: Vec<Notification>,
}

#[derive(Serialize)]
struct Notification {
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult {
    rule_id: &'static str,
    #[serde(skip_serializing_if = "Option::is_none")]
    rule_index: Option<usize>,
    level: &'static str,
    message: Text,
    locations: Vec<Location>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<Location>,
    partial_fingerprints: BTreeMap<&'static str, String>,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Location {
    #[serde(skip_serializing_if = "Option::is_none")]
    id: Option<usize>,
    /// Absent for a database object, which is no file.
    #[serde(skip_serializing_if = "Option::is_none")]
    physical_location: Option<PhysicalLocation>,
    /// A database object (`schema-lint db`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    logical_locations: Vec<LogicalLocation>,
    #[serde(skip_serializing_if = "Option::is_none")]
    message: Option<Text>,
}

/// A database object: `fullyQualifiedName` is `schema.table[.column or
/// name]`, `name` its last part, `kind` `resource` (SARIF's kind for
/// things such as database tables that are not code).
#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct LogicalLocation {
    name: String,
    fully_qualified_name: String,
    kind: &'static str,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct PhysicalLocation {
    artifact_location: ArtifactLocation,
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<Region>,
}

#[derive(Serialize)]
struct ArtifactLocation {
    uri: String,
}

#[derive(Serialize)]
#[serde(rename_all = "camelCase")]
struct Region {
    start_line: usize,
    start_column: usize,
    end_line: usize,
    end_column: usize,
}

impl From<Position> for Region {
    fn from(p: Position) -> Region {
        Region {
            start_line: p.line,
            start_column: p.column,
            end_line: p.end_line,
            end_column: p.end_column,
        }
    }
}

pub fn render(outcome: &Outcome) -> String {
    let fingerprints = fingerprints(outcome);
    let results = outcome
        .diagnostics
        .iter()
        .zip(fingerprints)
        .map(|(d, fingerprint)| result(outcome, d, fingerprint))
        .collect();
    let log = Log {
        schema: SCHEMA,
        version: "2.1.0",
        runs: [Run {
            tool: Tool { driver: driver() },
            invocations: [invocation(outcome)],
            column_kind: "unicodeCodePoints",
            results,
        }],
    };
    let mut text = serde_json::to_string_pretty(&log).unwrap_or_default();
    text.push('\n');
    text
}

/// The tool, with every rule in registry order (a result's `ruleIndex`).
fn driver() -> Driver {
    Driver {
        name: "schema-lint",
        version: env!("CARGO_PKG_VERSION"),
        information_uri: super::HOMEPAGE,
        rules: rules::registry().map(descriptor).collect(),
    }
}

/// A rule as SARIF describes it. The default configuration is the rule's
/// built-in one; a result's own `level` carries what the project configured.
fn descriptor(rule: &'static RuleDef) -> Descriptor {
    Descriptor {
        id: rule.name,
        short_description: Text {
            text: rule.summary.to_string(),
        },
        full_description: Text {
            text: what_it_does(rule.doc).unwrap_or_else(|| rule.summary.to_string()),
        },
        help_uri: rule_url(rule.name),
        // The document is Markdown written to read well as plain text too.
        help: Help {
            text: rule.doc,
            markdown: rule.doc,
        },
        default_configuration: Configuration {
            enabled: rule.default_severity.is_some(),
            level: rule.default_severity.map_or("none", level),
        },
    }
}

/// The "What it does" section of a rule document: a fuller description than
/// the one-line summary, without the examples.
fn what_it_does(doc: &str) -> Option<String> {
    let section = &doc[doc.find("## What it does")?..];
    let (_, body) = section.split_once('\n')?;
    let end = body.find("\n## ").unwrap_or(body.len());
    let text = body[..end].trim();
    (!text.is_empty()).then(|| text.to_string())
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// Files that could not be read make the run unsuccessful; SARIF says so
/// with notifications rather than results (they are not rule findings).
fn invocation(outcome: &Outcome) -> Invocation {
    Invocation {
        execution_successful: outcome.input_errors.is_empty(),
        tool_execution_notifications: outcome
            .input_errors
            .iter()
            .map(|error| Notification {
                level: "error",
                message: Text {
                    text: error.message.clone(),
                },
                locations: vec![location(ci_display(&display_path(&error.path)), None, None)],
            })
            .collect(),
    }
}

fn result(outcome: &Outcome, d: &Diagnostic, fingerprint: String) -> SarifResult {
    let related = d.related_places().iter().enumerate().map(|(i, related)| {
        let source = &outcome.project.file(related.origin.file()).source;
        let mut location = location(
            ci_display(&source.display_path()),
            Some(Position::of(source, &related.origin.span())),
            Some(related.message.clone()),
        );
        location.id = Some(i);
        location
    });
    SarifResult {
        rule_id: d.rule.name(),
        rule_index: RuleId::ALL.iter().position(|&rule| rule == d.rule),
        level: level(d.severity),
        message: Text {
            text: message_with_help(d),
        },
        locations: vec![match d.db_object() {
            Some(object) => object_location(object),
            None => location(ci_path(outcome, d), position(outcome, d), None),
        }],
        related_locations: related.collect(),
        partial_fingerprints: BTreeMap::from([(FINGERPRINT_KEY, fingerprint)]),
    }
}

fn location(path: String, position: Option<Position>, message: Option<String>) -> Location {
    Location {
        id: None,
        physical_location: Some(PhysicalLocation {
            artifact_location: ArtifactLocation {
                uri: artifact_uri(&path),
            },
            region: position.map(Region::from),
        }),
        logical_locations: Vec::new(),
        message: message.map(|text| Text { text }),
    }
}

/// The location of a finding in a database: a logical location only.
fn object_location(object: &str) -> Location {
    let name = object.rsplit('.').next().unwrap_or(object).to_string();
    Location {
        id: None,
        physical_location: None,
        logical_locations: vec![LogicalLocation {
            name,
            fully_qualified_name: object.to_string(),
            kind: "resource",
        }],
        message: None,
    }
}

/// The artifact URI of a path. Relative paths stay relative references (GitHub
/// code scanning resolves them against the repository root); absolute ones
/// become `file://` URIs. Every byte outside RFC 3986's unreserved and
/// sub-delimiter characters is percent-encoded (diesel folder names contain
/// spaces); in relative paths `:` is encoded too, so that a first segment
/// like `a:b` is not mistaken for a URI scheme.
fn artifact_uri(path: &str) -> String {
    if !std::path::Path::new(path).is_absolute() {
        encode(path, false)
    } else if path.starts_with('/') {
        format!("file://{}", encode(path, true))
    } else {
        // A Windows drive path (`C:/m/x.sql`, slashes already forward).
        format!("file:///{}", encode(path, true))
    }
}

fn encode(path: &str, keep_colon: bool) -> String {
    let mut out = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        let keep = byte.is_ascii_alphanumeric()
            || b"-._~!$&'()*+,;=@/".contains(&byte)
            || (keep_colon && byte == b':');
        if keep {
            out.push(char::from(byte));
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(
            artifact_uri("migrations/2024-01-01-000001_add users/up.sql"),
            "migrations/2024-01-01-000001_add%20users/up.sql"
        );
        assert_eq!(artifact_uri("a:b/100%#x?.sql"), "a%3Ab/100%25%23x%3F.sql");
        assert_eq!(artifact_uri("naïve.sql"), "na%C3%AFve.sql");
        if cfg!(windows) {
            assert_eq!(artifact_uri("C:/m/x.sql"), "file:///C:/m/x.sql");
        } else {
            assert_eq!(artifact_uri("/tmp/a b.sql"), "file:///tmp/a%20b.sql");
        }
    }

    #[test]
    fn full_description_is_the_what_it_does_section() {
        let doc = "# r\n\n## What it does\nChecks things.\nMore.\n\n## Why\nBecause.\n";
        assert_eq!(what_it_does(doc).as_deref(), Some("Checks things.\nMore."));
        assert_eq!(what_it_does("# r\nno sections"), None);
    }

    #[test]
    fn every_registered_rule_is_described() {
        let driver = driver();
        assert_eq!(driver.rules.len(), RuleId::ALL.len());
        for (descriptor, rule) in driver.rules.iter().zip(rules::registry()) {
            assert_eq!(descriptor.id, rule.name);
            assert_eq!(
                descriptor.default_configuration.enabled,
                rule.default_severity.is_some()
            );
        }
    }
}
