//! `forward-only` (off by default): down migrations exist where the project
//! has chosen to only ever migrate forward.
//!
//! A down migration counts when it has a statement: a down file (diesel
//! `down.sql`, `*.down.sql`, Flyway `U…__`) with at least one statement, or
//! a goose/dbmate down section with at least one statement. An empty down
//! file, or one with only comments, is how diesel (and others) write
//! "irreversible", and is fine.

use crate::diagnostic::Diagnostic;
use crate::load::{Direction, LoadedFile};
use crate::rules::Reporter;
use crate::rules::{Context, NoOptions, Rule, RuleDef, RuleId, file_origin};
use crate::source::Origin;

pub struct ForwardOnly;

pub static DEF: RuleDef = RuleDef {
    id: RuleId::ForwardOnly,
    name: "forward-only",
    default_severity: None,
    summary: "down migrations exist where the project has chosen forward-only",
    doc: include_str!("../../rules/forward-only.md"),
    target: crate::rules::Target::Files,
    // Its findings are about down migrations.
    judges_down_migrations: true,
};

impl Rule for ForwardOnly {
    type Options = NoOptions;

    fn def() -> &'static RuleDef {
        &DEF
    }

    fn new(_: NoOptions) -> Self {
        ForwardOnly
    }

    fn check(&self, cx: &Context<'_>, out: &mut Reporter<'_>) {
        // Only reported files: the others of a pre-commit run are not
        // even read.
        for file in cx.files().filter(|f| f.reported()) {
            if file.migration.name.role == crate::discover::Role::Down {
                if !file.statements.is_empty() {
                    out.push(
                        Diagnostic::new(
                            DEF.id,
                            &file_origin(file),
                            "down migration: this project migrates forward only",
                        )
                        .help(down_file_help(file)),
                    );
                }
                continue;
            }
            for origin in down_sections(file) {
                out.push(
                    Diagnostic::new(
                        DEF.id,
                        &origin,
                        "down section: this project migrates forward only",
                    )
                    .help("delete the down section; to undo a change, write a new migration that reverses it"),
                );
            }
        }
    }
}

fn down_file_help(file: &LoadedFile) -> &'static str {
    if file.migration.name.hint == crate::discover::Layout::Diesel {
        "empty `down.sql` (diesel reads an empty or comment-only `down.sql` as irreversible), or delete it; to undo a change, write a new migration that reverses it"
    } else {
        "delete the down migration; to undo a change, write a new migration that reverses it"
    }
}

/// The marker comment (`-- +goose Down`, `-- migrate:down`, tern's
/// separator) of every down section of `file` that holds a statement, and
/// every Liquibase rollback comment that holds SQL.
fn down_sections(file: &LoadedFile) -> Vec<Origin> {
    let mut out = Vec::new();
    for (i, section) in file.sections.iter().enumerate() {
        if section.direction != Direction::Down {
            continue;
        }
        let range = &section.range;
        let holds_sql = match &section.rollback {
            Some(sql) => !sql.is_empty() && !sql.eq_ignore_ascii_case("not required"),
            None => {
                let end = file
                    .sections
                    .get(i + 1)
                    .map(|next| next.range.start)
                    .unwrap_or(usize::MAX);
                file.statements.iter().any(|s| {
                    s.direction == Direction::Down
                        && s.span.start >= range.end
                        && s.span.start < end
                })
            }
        };
        if holds_sql {
            let text = file.source.slice(range);
            let shown = range.start..range.start + text.trim_end().len();
            out.push(Origin::new(file.id, shown));
        }
    }
    if out.is_empty()
        && file
            .statements
            .iter()
            .any(|s| s.direction == Direction::Down)
    {
        // Down statements without a marker we can point at.
        out.push(file_origin(file));
    }
    out
}
