//! `--format concise`: one line per finding, for editors and grep.

use std::fmt::Write;

use super::{path, position, summary, visible};
use crate::lint::Outcome;

pub fn render(outcome: &Outcome) -> String {
    let mut out = String::new();
    for d in &outcome.diagnostics {
        let p = position(outcome, d);
        let _ = writeln!(
            out,
            "{}:{}:{}: {}[{}] {}",
            visible(&path(outcome, d)),
            p.line,
            p.column,
            d.severity,
            d.rule,
            visible(&d.message)
        );
    }
    out.push_str(&super::sets::set_lines(&outcome.project));
    let _ = writeln!(out, "{}", summary(outcome));
    out
}
