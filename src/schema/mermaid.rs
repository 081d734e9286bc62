//! `--format mermaid`: an `erDiagram` GitHub renders as it is: each table
//! with its key columns (primary, foreign and unique keys), each foreign
//! key a relationship whose cardinality follows from nullability and
//! uniqueness.

use std::fmt::Write as _;

use super::view::{SchemaView, all_not_null, is_unique};
use crate::model::{ForeignKey, QualifiedName, Table};

/// Mermaid's default `maxTextSize`: longer diagrams are refused.
pub const MAX_TEXT_SIZE: usize = 50_000;

/// Comments longer than this are cut in the diagram (the reference has
/// them whole).
const COMMENT_CHARS: usize = 60;

pub fn render(view: &SchemaView<'_>) -> String {
    let mut out = String::from("erDiagram\n");
    for table in &view.tables {
        entity(view, table, &mut out);
    }
    for (holder, fk) in view.relationships() {
        relationship(view, holder, fk, &mut out);
    }
    out
}

fn entity(view: &SchemaView<'_>, table: &Table, out: &mut String) {
    let keys: Vec<(String, &str, String)> = table
        .columns
        .iter()
        .filter_map(|column| {
            let marks = key_marks(view, table, &column.name);
            (!marks.is_empty()).then(|| {
                let comment = column
                    .comment
                    .as_deref()
                    .map(|(text, _)| format!(" \"{}\"", comment_text(text)))
                    .unwrap_or_default();
                (
                    format!("{} {}", type_word(column.type_sql()), word(&column.name)),
                    marks,
                    comment,
                )
            })
        })
        .collect();
    if keys.is_empty() {
        let _ = writeln!(out, "    {} {{\n    }}", entity_name(&table.name));
        return;
    }
    let _ = writeln!(out, "    {} {{", entity_name(&table.name));
    for (attribute, marks, comment) in keys {
        let _ = writeln!(out, "        {attribute} {marks}{comment}");
    }
    let _ = writeln!(out, "    }}");
}

/// `PK`, `FK`, `UK`, or several (`PK, FK`); empty for other columns.
fn key_marks(view: &SchemaView<'_>, table: &Table, column: &str) -> &'static str {
    let column = crate::model::Name::new(column);
    let pk = table
        .primary_key
        .as_ref()
        .is_some_and(|key| key.columns.contains(&column));
    let fk = table
        .foreign_keys
        .iter()
        .any(|fk| fk.columns.contains(&column));
    let uk = !pk && is_unique(view.catalog, table, std::slice::from_ref(&column));
    match (pk, fk, uk) {
        (true, true, _) => "PK, FK",
        (true, false, _) => "PK",
        (false, true, true) => "FK, UK",
        (false, true, false) => "FK",
        (false, false, true) => "UK",
        (false, false, false) => "",
    }
}

/// `projects ||--o{ scenes : "project_id"`: the referenced table first;
/// `||` where every row must have one (NOT NULL), `|o` where it may not;
/// `o|` where the key is unique (one-to-one), `o{` where it is not.
/// Lines are solid: Mermaid draws non-identifying relationships dashed,
/// and a diagram of dashed lines (nearly every foreign key of a schema
/// with surrogate keys) is hard to follow.
fn relationship(view: &SchemaView<'_>, holder: &Table, fk: &ForeignKey, out: &mut String) {
    let parent = if all_not_null(holder, &fk.columns) {
        "||"
    } else {
        "|o"
    };
    let child = if is_unique(view.catalog, holder, &fk.columns) {
        "o|"
    } else {
        "o{"
    };
    let _ = writeln!(
        out,
        "    {} {parent}--{child} {} : \"{}\"",
        entity_name(&fk.referenced_table),
        entity_name(&holder.name),
        label_text(&fk.columns.join(", "))
    );
}

/// Words Mermaid's ER grammar reads as its own; tables named so are
/// quoted.
const RESERVED: [&str; 14] = [
    "erdiagram",
    "style",
    "classdef",
    "class",
    "subgraph",
    "end",
    "direction",
    "to",
    "one",
    "many",
    "only",
    "zero",
    "optionally",
    "u",
];

/// A table's name as an entity: as it is when it is a plain word, else in
/// double quotes (`"auth.users"`).
fn entity_name(name: &QualifiedName) -> String {
    let shown = name.to_string();
    let plain = shown
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
        && shown.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !RESERVED.contains(&shown.to_ascii_lowercase().as_str());
    if plain {
        shown
    } else {
        format!("\"{}\"", label_text(&shown))
    }
}

/// A column name as an attribute name: letters, digits, `_` and `-`
/// (others become `_`), not starting with a digit.
fn word(text: &str) -> String {
    let mut out: String = text
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '_' || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    if !out
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
    {
        out.insert(0, '_');
    }
    out
}

/// A type as an attribute type: `BIGINT`, `CHAR(2)`, `TEXT[]`,
/// `DOUBLE_PRECISION`; modifiers Mermaid cannot read (`NUMERIC(10,2)`)
/// are left out.
fn type_word(text: &str) -> String {
    let fits = |c: char| c.is_ascii_alphanumeric() || "_-[]()".contains(c);
    let spaced = text.trim().replace(' ', "_");
    let kept = if spaced.chars().all(fits) {
        spaced
    } else {
        // Drop the parenthesised modifiers, keep an array's brackets.
        let mut out = String::new();
        let mut depth = 0usize;
        for c in spaced.chars() {
            match c {
                '(' => depth += 1,
                ')' => depth = depth.saturating_sub(1),
                _ if depth == 0 => out.push(c),
                _ => {}
            }
        }
        out
    };
    let mut out: String = kept
        .chars()
        .map(|c| if fits(c) { c } else { '_' })
        .collect();
    if !out
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
    {
        out.insert(0, '_');
    }
    out
}

/// Text inside double quotes: no quotes, no line breaks.
fn label_text(text: &str) -> String {
    text.replace('"', "'")
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

fn comment_text(text: &str) -> String {
    let flat = label_text(text);
    if flat.chars().count() <= COMMENT_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(COMMENT_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn types_become_words() {
        assert_eq!(type_word("BIGINT"), "BIGINT");
        assert_eq!(type_word("CHAR(2)"), "CHAR(2)");
        assert_eq!(type_word("TEXT[]"), "TEXT[]");
        assert_eq!(type_word("DOUBLE PRECISION"), "DOUBLE_PRECISION");
        assert_eq!(type_word("NUMERIC(10,2)"), "NUMERIC");
        assert_eq!(type_word("\"MyType\""), "_MyType_");
        assert_eq!(type_word("public.geometry"), "public_geometry");
    }

    #[test]
    fn names_are_quoted_when_mermaid_would_misread_them() {
        assert_eq!(entity_name(&QualifiedName::unqualified("users")), "users");
        assert_eq!(entity_name(&QualifiedName::unqualified("end")), "\"end\"");
        assert_eq!(
            entity_name(&QualifiedName::new(Some("auth"), "users")),
            "\"auth.users\""
        );
        assert_eq!(word("2fa code"), "_2fa_code");
    }
}
