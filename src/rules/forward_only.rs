//! `forward-only` (off by default): down migrations exist where the project
//! has chosen to only ever migrate forward.
//!
//! A down migration counts when it has a statement: a down file (diesel
//! `down.sql`, `*.down.sql`, Flyway `U…__`) with at least one statement, or
//! a goose/dbmate down section with at least one statement. An empty down
//! file, or one with only comments, is how diesel (and others) write
//! "irreversible", and is fine.

use crate::diagnostic::Diagnostic;
use crate::load::split::section_marker;
use crate::load::tokens::comment_text;
use crate::load::{Direction, LoadedFile};
use crate::rules::{Context, NoOptions, Rule, RuleMeta, file_origin};
use crate::source::Origin;

pub struct ForwardOnly;

pub static META: RuleMeta = RuleMeta {
    name: "forward-only",
    default_severity: None,
    summary: "down migrations exist where the project has chosen forward-only",
    doc: include_str!("../../rules/forward-only.md"),
};

impl Rule for ForwardOnly {
    type Options = NoOptions;

    fn meta() -> &'static RuleMeta {
        &META
    }

    fn new(_: NoOptions) -> Self {
        ForwardOnly
    }

    /// Its findings are about down migrations.
    fn judges_down_migrations() -> bool {
        true
    }

    fn check(&self, cx: &Context<'_>, out: &mut Vec<Diagnostic>) {
        for file in cx.files() {
            if file.migration.name.role == crate::discover::Role::Down {
                if !file.statements.is_empty() {
                    out.push(
                        Diagnostic::new(
                            META.name,
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
                        META.name,
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

/// The marker comment (`-- +goose Down`, `-- migrate:down`) of every down
/// section of `file` that holds a statement.
fn down_sections(file: &LoadedFile) -> Vec<Origin> {
    if !file
        .statements
        .iter()
        .any(|s| s.direction == Direction::Down)
    {
        return Vec::new();
    }
    // Section markers: (byte offset, byte range of the comment, direction).
    let markers: Vec<(std::ops::Range<usize>, Direction)> = file
        .tokens
        .tokens
        .iter()
        .enumerate()
        .filter_map(|(index, token)| {
            let direction = section_marker(comment_text(&token.token)?)?;
            Some((file.tokens.range(index), direction))
        })
        .collect();
    let mut out = Vec::new();
    for (i, (range, direction)) in markers.iter().enumerate() {
        if *direction != Direction::Down {
            continue;
        }
        let end = markers
            .get(i + 1)
            .map(|(next, _)| next.start)
            .unwrap_or(usize::MAX);
        let has_statement = file.statements.iter().any(|s| {
            s.direction == Direction::Down && s.span.start >= range.end && s.span.start < end
        });
        if has_statement {
            let text = file.source.slice(range);
            let shown = range.start..range.start + text.trim_end().len();
            out.push(Origin::new(file.id, shown));
        }
    }
    if out.is_empty() {
        // Down statements without a marker we can point at.
        out.push(file_origin(file));
    }
    out
}
