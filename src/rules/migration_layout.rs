//! `migration-layout`: what the migration plan must say out loud. A file
//! the tool would not apply, a plan entry without its script, a layout
//! that is only a guess (all found by discovery, see `discover::list`), an
//! annotation the tool does not know (`-- +goose Dwn`, found when the file
//! is split), and an up migration with nothing in it.

use crate::diagnostic::{Diagnostic, Severity};
use crate::discover::Role;
use crate::load::LoadedFile;
use crate::rules::Reporter;
use crate::rules::{Context, NoOptions, Rule, RuleDef, RuleId, file_origin};
use crate::source::Origin;

pub struct MigrationLayout;

pub static DEF: RuleDef = RuleDef {
    id: RuleId::MigrationLayout,
    name: "migration-layout",
    default_severity: Some(Severity::Warning),
    summary: "the migration plan is uncertain or inconsistent: a guessed layout, a file the tool does not apply, an unknown annotation, an empty migration",
    doc: include_str!("../../rules/migration-layout.md"),
    target: crate::rules::Target::Files,
    // A plan note may be about a down file (a sqitch `revert/` script
    // the plan does not name).
    judges_down_migrations: true,
};

impl Rule for MigrationLayout {
    type Options = NoOptions;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(_: NoOptions) -> Self {
        MigrationLayout
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        for note in &cx.set.notes {
            out.push(
                Diagnostic::new(DEF.id, &note.origin, note.message.clone()).help(note.help.clone()),
            );
        }
        // Only reported files: the others of a pre-commit run are not
        // even read.
        for file in cx.files().filter(|f| f.reported()) {
            unknown_markers(file, out);
            if file.migration.name.role != Role::Down && file.is_empty() {
                out.push(
                    Diagnostic::new(
                        DEF.id,
                        &file_origin(file),
                        "empty migration: it has no statement to apply",
                    )
                    .help("write the migration, or delete the file (an empty up migration is recorded as applied and never runs again)"),
                );
            }
        }
    }
}

/// `-- +goose Dwn`: the tool reads it as a plain comment, so what follows
/// stays in the section before it.
fn unknown_markers(file: &LoadedFile, out: &mut Reporter<'_>) {
    for unknown in &file.unknown_markers {
        let range = unknown.range.clone();
        let text = file.source.slice(&range);
        let origin = Origin::new(file.id, range.start..range.start + text.trim_end().len());
        let closest = crate::suggest::closest(
            unknown
                .written
                .split_once([' ', ':'])
                .map_or("", |(_, w)| w.trim()),
            unknown.known.iter().copied(),
        );
        let help = match closest {
            Some(known) => format!(
                "{} reads this as a plain comment, so the SQL after it stays in the section before it; did you mean `{}`?",
                unknown.tool,
                marker_text(unknown.tool, known)
            ),
            None => format!(
                "{} reads this as a plain comment, so the SQL after it stays in the section before it; it knows {}",
                unknown.tool,
                unknown
                    .known
                    .iter()
                    .map(|k| format!("`{}`", marker_text(unknown.tool, k)))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        };
        out.push(
            Diagnostic::new(
                DEF.id,
                &origin,
                format!(
                    "`-- {}` is not a {} annotation",
                    unknown.written, unknown.tool
                ),
            )
            .help(help),
        );
    }
}

fn marker_text(tool: &str, known: &str) -> String {
    match tool {
        "goose" => format!("-- +goose {known}"),
        _ => format!("-- migrate:{known}"),
    }
}
