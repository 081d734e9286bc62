//! `--format markdown`: a report for a pull-request comment, a GitHub job
//! summary (`$GITHUB_STEP_SUMMARY`) or a GitLab merge-request note. The
//! totals, a table of findings per rule (each rule linked to its
//! document), then per file its findings, each with a link to its line.
//!
//! GitHub refuses a comment longer than 65,536 characters, so the report
//! stops before that, with a note of how many findings it left out.
//!
//! Line links point at the commit being checked when the CI says which
//! (GitHub Actions: `GITHUB_SERVER_URL`, `GITHUB_REPOSITORY`, `GITHUB_SHA`;
//! GitLab CI: `CI_PROJECT_URL`, `CI_COMMIT_SHA`), else they are relative
//! to the current folder, as the paths are.

use std::fmt::Write;

use super::{
    Hidden, ci_display, ci_path, hidden_text, plural, position, rule_url, statistics, visible,
};
use crate::diagnostic::Diagnostic;
use crate::lint::Outcome;
use crate::source::display_path;

/// The most characters GitHub accepts in a comment body.
pub const LIMIT: usize = 65_536;

/// Room kept for the note that says what was left out.
const NOTE_ROOM: usize = 400;

pub fn render(outcome: &Outcome, hidden: &Hidden) -> String {
    render_within(outcome, hidden, LIMIT, &Links::from_env())
}

/// Where line links point: `{base}{path}#L{line}`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Links {
    base: String,
}

impl Links {
    /// The commit the CI checks, else links relative to here.
    pub fn from_env() -> Links {
        let var = |name: &str| std::env::var(name).ok().filter(|v| !v.is_empty());
        let base = match (
            var("GITHUB_SERVER_URL"),
            var("GITHUB_REPOSITORY"),
            var("GITHUB_SHA"),
        ) {
            (Some(server), Some(repository), Some(sha)) => {
                format!("{server}/{repository}/blob/{sha}/")
            }
            _ => match (var("CI_PROJECT_URL"), var("CI_COMMIT_SHA")) {
                (Some(project), Some(sha)) => format!("{project}/-/blob/{sha}/"),
                _ => String::new(),
            },
        };
        Links { base }
    }

    fn line(&self, path: &str, line: usize) -> String {
        format!("{}{}#L{line}", self.base, encode(path))
    }
}

/// The report, cut to at most `limit` characters.
pub fn render_within(outcome: &Outcome, hidden: &Hidden, limit: usize, links: &Links) -> String {
    let counts = statistics::counts(&outcome.diagnostics);
    let definitions = definitions(&counts);
    let room = NOTE_ROOM + definitions.chars().count();
    let mut out = Budget::new(limit.saturating_sub(room));
    out.push_always(&header(outcome, hidden, &counts));
    let mut left_out = input_errors(outcome, &mut out);
    left_out += findings(outcome, links, &mut out);
    let mut text = out.text;
    if left_out.findings > 0 || left_out.errors > 0 {
        text.push_str(&left_out.note());
    }
    text.push_str(&definitions);
    text
}

/// The link to each rule's document, once (the findings refer to it by
/// name: `[`prefer-text`][prefer-text]`), so a long report does not repeat
/// the address with every finding.
fn definitions(counts: &[statistics::RuleCount]) -> String {
    let mut rules: Vec<&str> = counts.iter().map(|c| c.rule.name()).collect();
    rules.sort_unstable();
    rules.dedup();
    let mut out = String::new();
    if !rules.is_empty() {
        out.push('\n');
    }
    for rule in rules {
        let _ = writeln!(out, "[{rule}]: {}", rule_url(rule));
    }
    out
}

/// What did not fit.
#[derive(Debug, Default, Clone, Copy)]
struct LeftOut {
    findings: usize,
    files: usize,
    errors: usize,
}

impl std::ops::AddAssign for LeftOut {
    fn add_assign(&mut self, other: LeftOut) {
        self.findings += other.findings;
        self.files += other.files;
        self.errors += other.errors;
    }
}

impl LeftOut {
    fn note(&self) -> String {
        let mut what = Vec::new();
        if self.findings > 0 {
            what.push(format!(
                "{} in {}",
                plural(self.findings, "finding", "findings"),
                plural(self.files, "file", "files")
            ));
        }
        if self.errors > 0 {
            what.push(plural(self.errors, "unreadable path", "unreadable paths"));
        }
        format!(
            "\n> [!NOTE]\n> {} not shown: a comment holds at most {LIMIT} characters. \
             Run `schema-lint` for the full report.\n",
            what.join(" and ")
        )
    }
}

/// The text so far, and how many characters it may still grow by.
struct Budget {
    text: String,
    used: usize,
    limit: usize,
    full: bool,
}

impl Budget {
    fn new(limit: usize) -> Budget {
        Budget {
            text: String::new(),
            used: 0,
            limit,
            full: false,
        }
    }

    /// Adds `part` whatever its size (the header: bounded by the number
    /// of rules, not by the input).
    fn push_always(&mut self, part: &str) {
        self.text.push_str(part);
        self.used += part.chars().count();
    }

    /// Adds `part` if it fits; once one part does not, nothing more is
    /// added, so the report never skips a finding to show a later one.
    fn push(&mut self, part: &str) -> bool {
        let size = part.chars().count();
        if self.full || self.used + size > self.limit {
            self.full = true;
            return false;
        }
        self.text.push_str(part);
        self.used += size;
        true
    }
}

/// The title with the totals, what was hidden, and the table per rule.
fn header(outcome: &Outcome, hidden: &Hidden, counts: &[statistics::RuleCount]) -> String {
    let mut out = String::new();
    let total = super::totals(outcome);
    let _ = writeln!(out, "## schema-lint: {total}\n");
    if let Some(hid) = hidden_text(outcome, hidden) {
        let _ = writeln!(out, "Findings {hid}.\n");
    }
    if !outcome.input_errors.is_empty() {
        let _ = writeln!(
            out,
            "{} could not be read.\n",
            plural(outcome.input_errors.len(), "path", "paths")
        );
    }
    if !counts.is_empty() {
        out.push_str("| rule | severity | findings |\n| --- | --- | ---: |\n");
        for c in counts {
            let _ = writeln!(
                out,
                "| [`{}`][{}] | {} | {} |",
                c.rule, c.rule, c.severity, c.count
            );
        }
        out.push('\n');
    }
    out
}

/// The paths that could not be read; returns how many did not fit.
fn input_errors(outcome: &Outcome, out: &mut Budget) -> LeftOut {
    let mut left = LeftOut::default();
    if outcome.input_errors.is_empty() {
        return left;
    }
    out.push("### Could not be read\n\n");
    for (i, error) in outcome.input_errors.iter().enumerate() {
        let line = format!(
            "- {}: {}\n",
            code(&ci_display(&display_path(&error.path))),
            inline(&error.message)
        );
        if !out.push(&line) {
            left.errors = outcome.input_errors.len() - i;
            break;
        }
    }
    out.push("\n");
    left
}

/// The findings per file; returns how many did not fit.
fn findings(outcome: &Outcome, links: &Links, out: &mut Budget) -> LeftOut {
    let mut left = LeftOut::default();
    let mut current = None;
    for (i, d) in outcome.diagnostics.iter().enumerate() {
        let path = ci_path(outcome, d);
        let mut part = String::new();
        if current != Some(d.file) {
            if current.is_some() {
                part.push('\n');
            }
            // Findings in a database are listed under it (`db:app`), each
            // with its object.
            let heading = match d.db_object() {
                Some(_) => outcome.project.file(d.file).source.display_path(),
                None => path.clone(),
            };
            let _ = write!(part, "### {}\n\n", code(&heading));
        }
        part.push_str(&item(outcome, links, &path, d));
        if !out.push(&part) {
            let rest = &outcome.diagnostics[i..];
            left.findings = rest.len();
            left.files = rest
                .iter()
                .map(|d| d.file)
                .collect::<std::collections::BTreeSet<_>>()
                .len();
            break;
        }
        current = Some(d.file);
    }
    left
}

/// `- [3:11](link) **error** [`rule`][rule]: message`
fn item(outcome: &Outcome, links: &Links, path: &str, d: &Diagnostic) -> String {
    let Some(p) = position(outcome, d) else {
        // `- `public.users.email` **error** …`: an object, no line to link.
        return format!(
            "- {} **{}** [`{}`][{}]: {}\n",
            code(d.db_object().unwrap_or(path)),
            d.severity,
            d.rule,
            d.rule,
            inline(&d.message)
        );
    };
    format!(
        "- [{}:{}]({}) **{}** [`{}`][{}]: {}\n",
        p.line,
        p.column,
        links.line(path, p.line),
        d.severity,
        d.rule,
        d.rule,
        inline(&d.message)
    )
}

/// Text from the input as Markdown that shows it as it is: `names` in
/// backticks stay code spans; elsewhere every character Markdown or GitHub
/// would act on (emphasis, links, HTML, `@mentions`, `#references`) is
/// escaped. Control characters are made visible first.
pub fn inline(text: &str) -> String {
    let text = visible(text);
    let parts: Vec<&str> = text.split('`').collect();
    let mut out = String::with_capacity(text.len());
    for (i, part) in parts.iter().enumerate() {
        // Odd parts are between two backticks: a code span, unless empty
        // (a double backtick) or unclosed (the last part of an odd count).
        let closed = i + 1 < parts.len();
        if i % 2 == 1 && closed && !part.is_empty() {
            let _ = write!(out, "`{part}`");
        } else {
            if i % 2 == 1 {
                out.push_str("\\`");
            }
            out.push_str(&escape(part));
            if i % 2 == 1 && closed {
                out.push_str("\\`");
            }
        }
    }
    out
}

fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        if "\\*_[]<>&@#|~!`".contains(c) {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

/// A code span around any text: fenced by more backticks than it holds in
/// a row, padded when it starts or ends with one.
fn code(text: &str) -> String {
    let text = visible(text);
    let longest = text.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if text.starts_with('`') || text.ends_with('`') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{text}{pad}{fence}")
}

/// A path as a URL path: every byte but unreserved characters and `/`
/// percent-encoded (spaces in diesel folder names, parentheses that would
/// end a Markdown link).
fn encode(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for &byte in path.as_bytes() {
        if byte.is_ascii_alphanumeric() || b"-._~/".contains(&byte) {
            out.push(char::from(byte));
        } else {
            let _ = write!(out, "%{byte:02X}");
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_stay_code_and_the_rest_is_escaped() {
        assert_eq!(
            inline("column `users.email` is `VARCHAR(255)`; use TEXT"),
            "column `users.email` is `VARCHAR(255)`; use TEXT"
        );
        assert_eq!(
            inline("table <b>*x*</b> @team #1 [l](u)"),
            "table \\<b\\>\\*x\\*\\</b\\> \\@team \\#1 \\[l\\](u)"
        );
        // An unclosed or empty span is shown as backticks, not opened.
        assert_eq!(inline("a `b"), "a \\`b");
        assert_eq!(inline("a `` b"), "a \\`\\` b");
        assert_eq!(inline("nul \u{0} here"), "nul \u{2400} here");
    }

    #[test]
    fn code_spans_hold_any_backticks() {
        assert_eq!(code("m/x.sql"), "`m/x.sql`");
        assert_eq!(code("a`b"), "``a`b``");
        assert_eq!(code("`a"), "`` `a ``");
    }

    #[test]
    fn link_paths_are_encoded() {
        assert_eq!(
            encode("m/1_add users (x)/up.sql"),
            "m/1_add%20users%20%28x%29/up.sql"
        );
    }
}
