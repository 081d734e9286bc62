//! `--format dot`: a Graphviz graph, one node per table with its columns
//! (type, PK/FK/UK marks), one edge per foreign key from the referencing
//! column to the referenced one, labelled with its ON DELETE and ON
//! UPDATE actions and coloured by what a delete does.

use std::fmt::Write as _;

use crate::model::FkAction;

use super::view::{SchemaView, is_not_null, is_unique};
use crate::model::{ForeignKey, Table};

/// Comments longer than this are cut in the picture.
const COMMENT_CHARS: usize = 48;

pub fn render(view: &SchemaView<'_>) -> String {
    let mut out = String::from(
        "digraph schema {\n\
         \x20   graph [rankdir=LR, fontname=\"Helvetica\", nodesep=0.35, ranksep=1.1, pad=0.3];\n\
         \x20   node [shape=plaintext, fontname=\"Helvetica\", fontsize=10];\n\
         \x20   edge [fontname=\"Helvetica\", fontsize=8, arrowsize=0.7];\n",
    );
    for table in &view.tables {
        node(view, table, &mut out);
    }
    for (holder, fk) in view.relationships() {
        edge(view, holder, fk, &mut out);
    }
    out.push_str("}\n");
    out
}

fn node(view: &SchemaView<'_>, table: &Table, out: &mut String) {
    let _ = writeln!(out, "    {} [label=<", id(&table.name.to_string()));
    out.push_str(
        "        <table border=\"0\" cellborder=\"1\" cellspacing=\"0\" cellpadding=\"3\" color=\"#95a5a6\">\n",
    );
    let _ = writeln!(
        out,
        "            <tr><td colspan=\"3\" bgcolor=\"#dbe5f1\"><b>{}</b></td></tr>",
        html(&table.name.to_string())
    );
    if let Some((comment, _)) = table.comment.as_deref() {
        let _ = writeln!(
            out,
            "            <tr><td colspan=\"3\" align=\"left\"><i>{}</i></td></tr>",
            html(&cut(comment))
        );
    }
    for (index, column) in table.columns.iter().enumerate() {
        let marks = marks(view, table, &column.name);
        let name = if marks.contains("PK") {
            format!("<b>{}</b>", html(&column.name))
        } else {
            html(&column.name)
        };
        let nullable = if is_not_null(table, &column.name) {
            ""
        } else {
            " <font color=\"#7f8c8d\">null</font>"
        };
        // Edges leave a row on the right (`o`) and reach it on the left
        // (`i`), so they never wrap around the table.
        let _ = writeln!(
            out,
            "            <tr><td port=\"i{index}\" align=\"left\">{name}</td><td align=\"left\">{}{nullable}</td><td port=\"o{index}\">{marks}</td></tr>",
            html(&column.type_sql().to_lowercase()),
        );
    }
    out.push_str("        </table>>];\n");
}

fn marks(view: &SchemaView<'_>, table: &Table, column: &str) -> String {
    let column = crate::model::Name::new(column);
    let mut marks = Vec::new();
    if table
        .primary_key
        .as_ref()
        .is_some_and(|key| key.columns.contains(&column))
    {
        marks.push("PK");
    } else if is_unique(view.catalog, table, std::slice::from_ref(&column)) {
        marks.push("UK");
    }
    if table
        .foreign_keys
        .iter()
        .any(|fk| fk.columns.contains(&column))
    {
        marks.push("FK");
    }
    marks.join(" ")
}

/// From the referencing column to the referenced one (the first column
/// of each for composite keys).
fn edge(view: &SchemaView<'_>, holder: &Table, fk: &ForeignKey, out: &mut String) {
    let Some(target) = view.catalog.tables.get(&fk.referenced_table) else {
        return;
    };
    let from = fk
        .columns
        .first()
        .and_then(|c| holder.columns.iter().position(|col| col.name == *c));
    let to = view
        .referenced_columns(fk)
        .first()
        .and_then(|c| target.columns.iter().position(|col| col.name == *c));
    let port = |side: &str, index: Option<usize>| {
        index
            .map(|i| format!(":{side}{i}:{}", if side == "o" { "e" } else { "w" }))
            .unwrap_or_default()
    };
    let delete = action(fk.on_delete);
    let update = action(fk.on_update);
    let _ = writeln!(
        out,
        "    {}{} -> {}{} [label=\"ON DELETE {delete}\\nON UPDATE {update}\", color=\"{color}\", fontcolor=\"{color}\"{style}];",
        id(&holder.name.to_string()),
        port("o", from),
        id(&target.name.to_string()),
        port("i", to),
        color = color(fk.on_delete),
        style = if fk.on_delete.is_none() {
            ", style=dashed"
        } else {
            ""
        },
    );
}

fn action(action: Option<FkAction>) -> String {
    match action {
        Some(action) => action.to_string(),
        None => "NO ACTION (default)".to_string(),
    }
}

/// Red where a delete removes rows, orange where it changes them, grey
/// where it is refused.
fn color(on_delete: Option<FkAction>) -> &'static str {
    match on_delete {
        Some(FkAction::Cascade) => "#c0392b",
        Some(FkAction::SetNull | FkAction::SetDefault) => "#d68910",
        _ => "#5d6d7e",
    }
}

/// A node id: the name in double quotes.
fn id(name: &str) -> String {
    format!("\"{}\"", name.replace('\\', "\\\\").replace('"', "\\\""))
}

/// Text inside an HTML-like label.
fn html(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\n' | '\r' | '\t' => out.push(' '),
            c => out.push(c),
        }
    }
    out
}

fn cut(text: &str) -> String {
    let flat = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if flat.chars().count() <= COMMENT_CHARS {
        return flat;
    }
    let cut: String = flat.chars().take(COMMENT_CHARS - 1).collect();
    format!("{}…", cut.trim_end())
}
