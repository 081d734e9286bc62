//! `--format concise`: one line per finding, for editors and grep.

use std::fmt::Write;

use super::{View, paint, path, position, severity_color, summary, visible};
use crate::lint::Outcome;

pub fn render(outcome: &Outcome, view: &View) -> String {
    let style = view.style;
    let mut out = String::new();
    for d in &outcome.diagnostics {
        let place = match position(outcome, d) {
            Some(p) => format!("{}:{}:{}:", visible(&path(outcome, d)), p.line, p.column),
            // A database object: no line or column.
            None => format!("{}:", visible(&path(outcome, d))),
        };
        let _ = writeln!(
            out,
            "{} {}[{}] {}",
            paint(style, "1", &place),
            paint(style, severity_color(d.severity), d.severity.name()),
            d.rule,
            visible(&d.message)
        );
    }
    if !view.quiet {
        out.push_str(&super::sets::set_lines(&outcome.project));
        let _ = writeln!(out, "{}", summary(outcome, &view.hidden));
    }
    out
}
