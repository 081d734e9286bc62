//! `parse-error`: a statement the parser could not read.

use crate::diagnostic::{Diagnostic, Severity};
use crate::load::{LoadedFile, ParseFailure, Statement};
use crate::model::Rejected;
use crate::rules::Reporter;
use crate::rules::{Context, NoOptions, Rule, RuleDef, RuleId};
use crate::source::Origin;
use crate::suppress::Named;

/// How many statements of a file are reported one by one; one more
/// finding counts the rest. A file that is not SQL (a binary or a data
/// dump saved as `.sql`) fails to parse every few bytes: a finding for each
/// made a 3 MB file take a gigabyte of memory and a 700 MB report.
pub const REPORTED_PER_FILE: usize = 100;

pub struct ParseError;

static DEF: RuleDef = RuleDef {
    id: RuleId::ParseError,
    name: "parse-error",
    default_severity: Some(Severity::Warning),
    summary: "a statement the parser could not read; its rules were skipped",
    doc: include_str!("../../rules/parse-error.md"),
    target: crate::rules::Target::Migrations,
    // A down migration is only ever checked for this.
    judges_down_migrations: true,
};

impl Rule for ParseError {
    type Options = NoOptions;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(_: NoOptions) -> Self {
        ParseError
    }

    /// Up and down statements alike.
    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for file in cx.files() {
            if let Some(&(at, byte, count)) = file.invalid_utf8.as_deref() {
                out.push(invalid_utf8(file, at, byte, count));
            }
            failures(file, out);
        }
        for rejected in &cx.catalog.rejected {
            out.push(rejection(rejected));
        }
    }
}

/// A statement that parses but that PostgreSQL would reject, which the
/// replay left out (`Catalog::rejected`).
fn rejection(rejected: &Rejected) -> Diagnostic {
    let mut message = format!(
        "PostgreSQL rejects this statement: {}; the schema model leaves it out",
        rejected.why
    );
    if rejected.more > 0 {
        let (count, verb) = match rejected.more {
            1 => ("1 later ADD COLUMN".to_string(), "is"),
            n => (format!("{n} later ADD COLUMNs"), "are"),
        };
        message.push_str(&format!(" ({count} to the table {verb} left out as well)"));
    }
    Diagnostic::new(DEF.id, &rejected.origin, message).help(format!(
        "the migration fails on PostgreSQL at this statement: {} (rules judged the schema without it)",
        rejected.help
    ))
}

/// The statements of a file that do not parse: the first
/// `REPORTED_PER_FILE` one by one, then the next with how many more follow
/// it. A statement a directive names (`Named`) is reported whatever its
/// place, so that the directive suppresses it.
fn failures(file: &LoadedFile, out: &mut Reporter<'_>) {
    let mut failing = file
        .statements
        .iter()
        .filter_map(|s| Some((s, s.failure()?)));
    for (statement, failure) in failing.by_ref().take(REPORTED_PER_FILE) {
        out.push(finding(file, statement, failure));
    }
    let mut named: Option<Named> = None;
    let mut first_unreported = None;
    let mut unreported = 0usize;
    for (statement, failure) in failing {
        let named = named.get_or_insert_with(|| Named::of(file, DEF.id));
        if named.covers(file, statement.span.start) {
            out.push(finding(file, statement, failure));
        } else {
            first_unreported.get_or_insert((statement, failure));
            unreported += 1;
        }
    }
    if let Some((statement, failure)) = first_unreported {
        let mut diagnostic = finding(file, statement, failure);
        if unreported > 1 {
            diagnostic.message.push_str(&format!(
                "; {} more statements after it do not parse either and are not reported \
                 (a file's first {REPORTED_PER_FILE} parse errors are reported one by one)",
                unreported - 1
            ));
        }
        out.push(diagnostic);
    }
}

fn finding(file: &LoadedFile, statement: &Statement, failure: &ParseFailure) -> Diagnostic {
    let origin = Origin::new(file.id, statement.span.clone());
    let mut message = format!("could not parse this statement: {}", failure.message);
    if let Some(what) = &failure.incomplete {
        message.push_str(&format!(
            "; the schema model may be missing {what} from here"
        ));
    }
    let mut diagnostic = Diagnostic::new(DEF.id, &origin, message)
        .help("fix the syntax: PostgreSQL rejects it too (rules skipped this statement)");
    if let Some(at) = &failure.at {
        diagnostic =
            diagnostic.related(&Origin::new(file.id, at.clone()), "the parser stopped here");
    }
    diagnostic
}

/// A byte that is not UTF-8, read as `_` so that the file's statements are
/// still linted.
fn invalid_utf8(file: &crate::load::LoadedFile, at: usize, byte: u8, count: usize) -> Diagnostic {
    let more = match count {
        1 => String::new(),
        n => format!(" ({} more in this file)", n - 1),
    };
    Diagnostic::new(
        DEF.id,
        &Origin::new(file.id, at..at + 1),
        format!("byte 0x{byte:02X} is not UTF-8{more}; read as `_`"),
    )
    .help("save the file as UTF-8: PostgreSQL and the migration tools read it as UTF-8, and the statement holding this byte may not mean what it shows")
}
