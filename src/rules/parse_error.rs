//! `parse-error`: a statement the parser could not read.

use crate::diagnostic::{Diagnostic, Severity};
use crate::rules::Reporter;
use crate::rules::{Context, NoOptions, Rule, RuleDef, RuleId};
use crate::source::Origin;

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
            if let Some((at, byte, count)) = file.invalid_utf8 {
                out.push(invalid_utf8(file, at, byte, count));
            }
            for statement in &file.statements {
                let Some(failure) = statement.failure() else {
                    continue;
                };
                let origin = Origin::new(file.id, statement.span.clone());
                let mut message = format!("could not parse this statement: {}", failure.message);
                if let Some(what) = &failure.incomplete {
                    message.push_str(&format!(
                        "; the schema model may be missing {what} from here"
                    ));
                }
                let mut diagnostic = Diagnostic::new(DEF.id, &origin, message).help(
                    "fix the syntax: PostgreSQL rejects it too (rules skipped this statement)",
                );
                if let Some(at) = &failure.at {
                    diagnostic = diagnostic
                        .related(&Origin::new(file.id, at.clone()), "the parser stopped here");
                }
                out.push(diagnostic);
            }
        }
    }
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
