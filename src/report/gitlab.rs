//! `--format gitlab`: a GitLab Code Quality report (the Code Climate issue
//! format GitLab reads from `artifacts:reports:codequality`).
//!
//! Severity mapping: GitLab knows info, minor, major, critical and blocker.
//! An `error` is a convention the project enforces (it fails the check), so
//! it is `major`; a `warning` is advisory, `minor`; `info` stays `info`.
//! `critical` and `blocker` are left for tools that find defects that break
//! production (security, data loss), which a convention linter does not.
//!
//! Fingerprints are what GitLab compares between the base and the merge
//! request to tell new findings from old ones, so they leave positions out
//! (see `report::fingerprints`).

use serde::Serialize;

use super::{Position, ci_display, ci_path, fingerprints, input_fingerprint, position};
use crate::diagnostic::{Diagnostic, InputError, Severity};
use crate::lint::Outcome;
use crate::source::display_path;

#[derive(Serialize)]
struct Issue<'a> {
    /// Code Climate's fields, which GitLab ignores but other readers of the
    /// format require.
    #[serde(rename = "type")]
    kind: &'static str,
    categories: [&'static str; 1],
    check_name: &'a str,
    description: &'a str,
    #[serde(skip_serializing_if = "Option::is_none")]
    content: Option<Content<'a>>,
    fingerprint: String,
    severity: &'static str,
    location: Location,
}

/// The help text, as the issue's longer description.
#[derive(Serialize)]
struct Content<'a> {
    body: &'a str,
}

/// GitLab reads `lines.begin`; `positions` carries the columns for readers
/// that show them.
#[derive(Serialize)]
struct Location {
    path: String,
    lines: Lines,
    positions: Positions,
}

#[derive(Serialize)]
struct Lines {
    begin: usize,
    end: usize,
}

#[derive(Serialize)]
struct Positions {
    begin: LineColumn,
    end: LineColumn,
}

#[derive(Serialize)]
struct LineColumn {
    line: usize,
    column: usize,
}

/// The `check_name` of a path that could not be read: not a rule, but the
/// merge request must show it, as the check fails with exit code 2.
pub const INPUT_ERROR: &str = "input-error";

pub fn render(outcome: &Outcome) -> String {
    let mut issues: Vec<Issue<'_>> = outcome
        .diagnostics
        .iter()
        .zip(fingerprints(outcome))
        .map(|(d, fingerprint)| issue(outcome, d, fingerprint))
        .collect();
    issues.extend(outcome.input_errors.iter().map(input_error));
    let mut text = serde_json::to_string_pretty(&issues).unwrap_or_default();
    text.push('\n');
    text
}

fn issue<'a>(outcome: &Outcome, d: &'a Diagnostic, fingerprint: String) -> Issue<'a> {
    Issue {
        kind: "issue",
        categories: ["Style"],
        check_name: d.rule.name(),
        description: &d.message,
        content: d.help.as_deref().map(|body| Content { body }),
        fingerprint,
        severity: severity(d.severity),
        // A database object has no lines: GitLab requires them, so it is
        // placed on line 1 of its `db:` path.
        location: location(
            ci_path(outcome, d),
            position(outcome, d).unwrap_or(FIRST_LINE),
        ),
    }
}

/// A path that could not be read, at its first line; as severe as an
/// error finding (`major`). The fingerprint is that of its path and
/// message, so it stays one issue while it persists.
fn input_error(error: &InputError) -> Issue<'_> {
    let path = ci_display(&display_path(&error.path));
    let fingerprint = input_fingerprint(&path, &error.message);
    Issue {
        kind: "issue",
        categories: ["Style"],
        check_name: INPUT_ERROR,
        description: &error.message,
        content: None,
        fingerprint,
        severity: severity(Severity::Error),
        location: location(path, FIRST_LINE),
    }
}

const FIRST_LINE: Position = Position {
    line: 1,
    column: 1,
    end_line: 1,
    end_column: 1,
};

fn severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Error => "major",
        Severity::Warning => "minor",
        Severity::Info => "info",
    }
}

fn location(path: String, p: Position) -> Location {
    Location {
        path,
        lines: Lines {
            begin: p.line,
            end: p.end_line,
        },
        positions: Positions {
            begin: LineColumn {
                line: p.line,
                column: p.column,
            },
            end: LineColumn {
                line: p.end_line,
                column: p.end_column,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn severities_map_to_gitlab_names() {
        assert_eq!(severity(Severity::Error), "major");
        assert_eq!(severity(Severity::Warning), "minor");
        assert_eq!(severity(Severity::Info), "info");
    }
}
