//! Counts per rule: `--statistics`, and the table that ends `full` when
//! there are more than a handful of findings.

use std::fmt::Write;

use serde::Serialize;

use super::{Style, View, paint, severity_color, summary};
use crate::diagnostic::{Diagnostic, Severity};
use crate::lint::Outcome;
use crate::rules::RuleId;

/// More findings than this end `full` with the per-rule table: below it the
/// findings are read one by one anyway.
pub const HANDFUL: usize = 5;

/// The findings of one rule at one severity (a rule's findings can differ
/// in severity: `[[overrides]]`, a rule that caps some of its findings).
///
/// `fixable` counts the findings that carry a fix (`schema-lint fix`; safe
/// or unsafe), shown as ruff's `[*]` column.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RuleCount {
    pub rule: RuleId,
    pub severity: Severity,
    pub count: usize,
    pub fixable: usize,
}

/// Counts per rule and severity: most findings first, then the more severe,
/// then by rule name, so the order never depends on the input's order.
pub fn counts(diagnostics: &[Diagnostic]) -> Vec<RuleCount> {
    let mut map: std::collections::BTreeMap<(RuleId, Severity), (usize, usize)> =
        Default::default();
    for d in diagnostics {
        let entry = map.entry((d.rule, d.severity)).or_insert((0, 0));
        entry.0 += 1;
        entry.1 += usize::from(d.fix.is_some());
    }
    let mut counts: Vec<RuleCount> = map
        .into_iter()
        .map(|((rule, severity), (count, fixable))| RuleCount {
            rule,
            severity,
            count,
            fixable,
        })
        .collect();
    counts.sort_by(|a, b| {
        (b.count, b.severity, a.rule.name()).cmp(&(a.count, a.severity, b.rule.name()))
    });
    counts
}

/// One line per rule: count, severity, rule, summary; columns aligned.
pub fn table(counts: &[RuleCount], style: Style) -> String {
    let count_width = counts
        .iter()
        .map(|c| c.count.to_string().len())
        .max()
        .unwrap_or(1);
    let rule_width = counts
        .iter()
        .map(|c| c.rule.name().len())
        .max()
        .unwrap_or(0);
    // ruff's `[*]`: some findings of the rule have a fix. The column is
    // there only when a finding does.
    let any_fixable = counts.iter().any(|c| c.fixable > 0);
    let mut out = String::new();
    for c in counts {
        // Padding is computed on the plain text, so colour codes cannot
        // misalign the columns.
        let severity = format!("{:<7}", c.severity.name());
        let marker = match (any_fixable, c.fixable > 0) {
            (false, _) => "",
            (true, true) => "[*] ",
            (true, false) => "    ",
        };
        let _ = writeln!(
            out,
            "{:>count_width$}  {}  {marker}{:<rule_width$}  {}",
            c.count,
            paint(style, severity_color(c.severity), &severity),
            c.rule.name(),
            c.rule.def().summary,
        );
    }
    out
}

/// `--statistics` as text: the table, then the summary line.
pub fn render_text(outcome: &Outcome, view: &View) -> String {
    let mut out = table(&counts(&outcome.diagnostics), view.style);
    if !view.quiet {
        let _ = writeln!(out, "{}", summary(outcome, &view.hidden));
    }
    out
}

#[derive(Serialize)]
struct Document {
    version: u32,
    statistics: Vec<JsonCount>,
}

#[derive(Serialize)]
struct JsonCount {
    rule: &'static str,
    severity: Severity,
    count: usize,
    /// How many of them `schema-lint fix` can fix.
    fixable: usize,
    summary: &'static str,
}

/// `--statistics --format json`: `{"version": 1, "statistics": [{"rule",
/// "severity", "count", "summary"}]}`, in the order of the text table.
pub fn render_json(outcome: &Outcome) -> String {
    let statistics = counts(&outcome.diagnostics)
        .into_iter()
        .map(|c| JsonCount {
            summary: c.rule.def().summary,
            rule: c.rule.name(),
            severity: c.severity,
            count: c.count,
            fixable: c.fixable,
        })
        .collect();
    let document = Document {
        version: 1,
        statistics,
    };
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}
