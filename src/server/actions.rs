//! Code actions: what the server can do about a finding.
//!
//! Suppressing it, for its statement (the preferred action) or for its
//! line; and, when its rule knows one, the finding's own fix (the edits
//! `schema-lint fix` applies), offered last as `Fix: …`.

use lsp_types::TextEdit;

use super::position::LineIndex;
use crate::diagnostic::Diagnostic;
use crate::load::LoadedFile;
use crate::rules::RuleId;

/// One edit that resolves a finding.
#[derive(Debug, Clone, PartialEq)]
pub struct QuickFix {
    pub title: String,
    pub edit: TextEdit,
    /// Further edits of the same document, applied with `edit` (a fix may
    /// change several places).
    pub more: Vec<TextEdit>,
    /// The action an editor applies on "fix this" without asking.
    pub preferred: bool,
}

/// What the reason of an inserted suppression says until someone writes
/// the real one.
const REASON: &str = "TODO: reason";

/// The fixes of `finding` in `file`, whose text the client holds as
/// `index`'s (the file's text, after `shift` bytes of byte-order mark).
pub fn fixes(
    file: &LoadedFile,
    finding: &Diagnostic,
    index: &LineIndex,
    shift: usize,
) -> Vec<QuickFix> {
    // Suppressing the finding about a stale suppression would only add one.
    if finding.rule == RuleId::UnusedSuppression {
        return Vec::new();
    }
    let Some(statement) = file
        .statements
        .iter()
        .find(|s| s.nested.is_none() && s.span.contains(&finding.span.start))
    else {
        return Vec::new();
    };
    let at = Place {
        index,
        eol: if index.text().contains("\r\n") {
            "\r\n"
        } else {
            "\n"
        },
        comment: format!("-- schema-lint: ignore {} -- {REASON}", finding.rule),
    };
    let statement_start = statement.span.start + shift;
    let mut fixes = vec![at.for_statement(finding.rule, statement_start)];
    let in_nested = file
        .statements
        .iter()
        .any(|s| s.nested.is_some() && s.span.contains(&finding.span.start));
    let line = index.line_of(finding.span.start + shift);
    // On the statement's first line, the line is the statement; inside a
    // `DO` block, a comment line would sit in the block's string.
    if line != index.line_of(statement_start) && !in_nested {
        fixes.push(at.for_line(finding.rule, line));
    }
    fixes.extend(rule_fix(file, finding, index, shift));
    fixes
}

/// The finding's own fix, when all its edits are in `file`.
fn rule_fix(
    file: &LoadedFile,
    finding: &Diagnostic,
    index: &LineIndex,
    shift: usize,
) -> Option<QuickFix> {
    let fix = finding.fix.as_ref()?;
    if fix.edits.iter().any(|e| e.file != file.id) {
        return None;
    }
    let mut edits = fix.edits.iter().map(|e| {
        TextEdit::new(
            index.range(&(e.span.start + shift..e.span.end + shift)),
            e.replacement.clone(),
        )
    });
    let edit = edits.next()?;
    let unsafe_ = fix.applicability == crate::diagnostic::Applicability::Unsafe;
    Some(QuickFix {
        title: format!(
            "Fix: {}{}",
            fix.title,
            if unsafe_ { " (unsafe)" } else { "" }
        ),
        edit,
        more: edits.collect(),
        preferred: false,
    })
}

/// Where suppression comments go, in one text.
struct Place<'a> {
    index: &'a LineIndex<'a>,
    eol: &'static str,
    comment: String,
}

impl Place<'_> {
    /// The comment on a line of its own before the statement, indented as
    /// the statement is. A statement that starts after another on the same
    /// line is moved to a line of its own below the comment: a comment on
    /// that line would cover the statement before it.
    fn for_statement(&self, rule: RuleId, start: usize) -> QuickFix {
        let text = self.index.text();
        let line = self.index.line_of(start);
        let line_start = self.index.line_start(line);
        let before = text.get(line_start..start).unwrap_or("");
        let indent = indentation(text, line_start);
        let eol = self.eol;
        let comment = &self.comment;
        let (replaced, new_text) = if before.trim().is_empty() {
            (line_start..line_start, format!("{indent}{comment}{eol}"))
        } else {
            let gap_start = line_start + before.trim_end().len();
            (
                gap_start..start,
                format!("{eol}{indent}{comment}{eol}{indent}"),
            )
        };
        QuickFix {
            title: format!("Ignore {rule} for this statement"),
            edit: TextEdit::new(self.index.range(&replaced), new_text),
            more: Vec::new(),
            preferred: true,
        }
    }

    /// The comment on a line of its own before `line`, indented as it is.
    fn for_line(&self, rule: RuleId, line: usize) -> QuickFix {
        let line_start = self.index.line_start(line);
        let indent = indentation(self.index.text(), line_start);
        QuickFix {
            title: format!("Ignore {rule} for this line"),
            edit: TextEdit::new(
                self.index.range(&(line_start..line_start)),
                format!("{indent}{}{}", self.comment, self.eol),
            ),
            more: Vec::new(),
            preferred: false,
        }
    }
}

/// The spaces and tabs a line starts with.
fn indentation(text: &str, line_start: usize) -> &str {
    let rest = text.get(line_start..).unwrap_or("");
    let width = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    &rest[..width]
}

#[cfg(test)]
mod tests {
    use std::path::{Path, PathBuf};

    use super::*;
    use crate::config::{self, CommandLine};
    use crate::lint::lint_buffers;
    use crate::load::Buffers;
    use crate::server::position::Encoding;
    use lsp_types::Position;

    /// `(rule, text underlined, fixes)` of every finding in `text`, linted
    /// as the only file of a set in `dir`.
    fn findings(dir: &Path, text: &str) -> Vec<(RuleId, String, Vec<QuickFix>)> {
        let path: PathBuf = dir.join("migrations/001_a.sql");
        let cli = CommandLine {
            select: Some(vec!["prefer-text".into(), "unused-suppression".into()]),
            ..CommandLine::default()
        };
        let settings = config::load(None, &cli).unwrap();
        let buffers = Buffers::from([(path.clone(), text.to_string())]);
        let outcome = lint_buffers(&[path], &settings, &buffers);
        let index = LineIndex::new(text, Encoding::Utf16);
        outcome
            .diagnostics
            .iter()
            .map(|d| {
                let file = outcome.project.file(d.file);
                let underlined = file.source.slice(&d.span).to_string();
                (d.rule, underlined, fixes(file, d, &index, file.source.bom))
            })
            .collect()
    }

    fn apply(text: &str, edit: &TextEdit) -> String {
        let index = LineIndex::new(text, Encoding::Utf16);
        let range = index.offset(edit.range.start)..index.offset(edit.range.end);
        let mut edited = text.to_string();
        edited.replace_range(range, &edit.new_text);
        edited
    }

    #[test]
    fn each_statement_suppression_silences_its_finding_and_no_other() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("migrations")).unwrap();
        let text = "CREATE TABLE ts (\n  id BIGINT PRIMARY KEY, a VARCHAR(3)\n); CREATE TABLE us (id BIGINT PRIMARY KEY, b VARCHAR(2));\n";
        let found = findings(dir.path(), text);
        let underlined: Vec<&str> = found.iter().map(|(_, u, _)| u.as_str()).collect();
        assert_eq!(underlined, ["VARCHAR(3)", "VARCHAR(2)"]);
        for (_, underlined, fixes) in &found {
            let statement = &fixes[0];
            assert!(statement.preferred, "{statement:?}");
            let edited = apply(text, &statement.edit);
            let left: Vec<String> = findings(dir.path(), &edited)
                .into_iter()
                .map(|(rule, u, _)| format!("{rule} {u}"))
                .collect();
            let other = if underlined == "VARCHAR(3)" {
                "VARCHAR(2)"
            } else {
                "VARCHAR(3)"
            };
            assert_eq!(left, [format!("prefer-text {other}")], "{edited}");
        }
        // The second statement starts after the first on its line: it
        // moves below the comment.
        let second = apply(text, &found[1].2[0].edit);
        assert!(
            second.contains(
                ");\n-- schema-lint: ignore prefer-text -- TODO: reason\nCREATE TABLE us"
            ),
            "{second}"
        );
    }

    #[test]
    fn line_suppressions_keep_the_indentation_and_line_breaks() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir(dir.path().join("migrations")).unwrap();
        let text = "CREATE TABLE ts (\r\n\tid BIGINT PRIMARY KEY,\r\n\ta VARCHAR(3)\r\n);\r\n";
        let found = findings(dir.path(), text);
        let titles: Vec<&str> = found[0].2.iter().map(|f| f.title.as_str()).collect();
        assert_eq!(
            titles,
            [
                "Ignore prefer-text for this statement",
                "Ignore prefer-text for this line",
                "Fix: change the type to TEXT"
            ]
        );
        // The fix, applied, leaves no finding.
        let fixed = apply(text, &found[0].2[2].edit);
        assert!(findings(dir.path(), &fixed).is_empty(), "{fixed}");
        let line = &found[0].2[1];
        assert_eq!(
            line.edit.new_text,
            "\t-- schema-lint: ignore prefer-text -- TODO: reason\r\n"
        );
        assert_eq!(line.edit.range.start, Position::new(2, 0));
        // Applied, it silences the finding and leaves no unused suppression.
        let edited = apply(text, &line.edit);
        assert!(findings(dir.path(), &edited).is_empty(), "{edited}");
    }
}
