//! `--format json`: the model as a versioned document for other tools.
//! The shape is documented in `docs/schema-json.md` and checked by the
//! JSON Schema `docs/schema-json.schema.json`; a change to it that
//! removes or renames a field raises `version`.

use serde_json::{Value, json};

use super::view::{SchemaView, is_not_null};
use crate::model::{
    Column, DefaultKind, ForeignKey, Index, IndexKey, Key, QualifiedName, Table, Trigger,
    TriggerTiming,
};
use crate::source::Origin;

/// The shape's version.
pub const VERSION: u32 = 1;

pub fn render(view: &SchemaView<'_>) -> String {
    let catalog = view.catalog;
    let document = json!({
        "version": VERSION,
        "source": view.source_name,
        "tables": view.tables.iter().map(|t| table(view, t)).collect::<Vec<_>>(),
        "views": catalog.views.values().map(|v| json!({
            "schema": v.name.schema,
            "name": v.name.name,
            "materialized": v.materialized,
            "reads": v.reads.iter().map(name).collect::<Vec<_>>(),
            "defined": defined(view, &v.created),
        })).collect::<Vec<_>>(),
        "enums": catalog.enums.values().map(|e| json!({
            "schema": e.name.schema,
            "name": e.name.name,
            "labels": e.labels,
            "defined": defined(view, &e.origin),
        })).collect::<Vec<_>>(),
        "sequences": catalog.sequences.values().map(|s| json!({
            "schema": s.name.schema,
            "name": s.name.name,
            "type": s.kind.sql_name(),
            "owned_by": s.owned_by.as_ref().map(|(t, c)| json!({"table": name(t), "column": c})),
        })).collect::<Vec<_>>(),
        "functions": catalog.functions.iter().map(|f| f.to_string()).collect::<Vec<_>>(),
    });
    let mut text = serde_json::to_string_pretty(&document).unwrap_or_default();
    text.push('\n');
    text
}

/// `{"schema": null, "name": "users"}`: `schema` is `null` for `public`.
fn name(name: &QualifiedName) -> Value {
    json!({"schema": name.schema, "name": name.name})
}

fn defined(view: &SchemaView<'_>, origin: &Origin) -> Value {
    match view.place(origin) {
        Some(place) => json!({"path": place.path, "line": place.line}),
        None => Value::Null,
    }
}

fn table(view: &SchemaView<'_>, table: &Table) -> Value {
    json!({
        "schema": table.name.schema,
        "name": table.name.name,
        "comment": table.comment.as_deref().map(|(text, _)| text),
        "defined": defined(view, &table.created),
        "columns": table.columns.iter().map(|c| column(view, table, c)).collect::<Vec<_>>(),
        "primary_key": table.primary_key.as_ref().map(|k| key(view, k)),
        "uniques": table.uniques.iter().map(|k| key(view, k)).collect::<Vec<_>>(),
        "foreign_keys": table.foreign_keys.iter().map(|fk| foreign_key(view, fk)).collect::<Vec<_>>(),
        "checks": table.checks.iter().map(|c| json!({
            "name": c.name,
            "expression": c.expr.to_string(),
            "column": c.column,
            "defined": defined(view, &c.origin),
        })).collect::<Vec<_>>(),
        "indexes": view.indexes_of(&table.name).map(|i| index(view, i)).collect::<Vec<_>>(),
        "triggers": view.triggers_of(&table.name).map(|t| trigger(view, t)).collect::<Vec<_>>(),
        "partition_key": table.partition_key,
    })
}

fn column(view: &SchemaView<'_>, table: &Table, column: &Column) -> Value {
    json!({
        "name": column.name,
        "type": column.type_sql().to_string(),
        "kind": column.kind().sql_name(),
        "not_null": is_not_null(table, &column.name),
        "default": column.default.as_ref().map(|d| json!({
            "expression": d.written(),
            "kind": match &d.kind {
                DefaultKind::Now => "now",
                DefaultKind::Null => "null",
                DefaultKind::Nextval(_) => "nextval",
                DefaultKind::Literal => "literal",
                DefaultKind::Other => "other",
            },
        })),
        "identity": column.identity,
        "generated": column.generated,
        "comment": column.comment.as_deref().map(|(text, _)| text),
        "defined": defined(view, &column.definition),
    })
}

fn key(view: &SchemaView<'_>, key: &Key) -> Value {
    json!({
        "name": key.name,
        "columns": key.columns,
        "defined": defined(view, &key.origin),
    })
}

fn foreign_key(view: &SchemaView<'_>, fk: &ForeignKey) -> Value {
    json!({
        "name": fk.name,
        "columns": fk.columns,
        "references": {
            "schema": fk.referenced_table.schema,
            "name": fk.referenced_table.name,
            "columns": view.referenced_columns(fk),
        },
        "on_delete": fk.on_delete.map(|a| a.to_string()),
        "on_update": fk.on_update.map(|a| a.to_string()),
        "defined": defined(view, &fk.clause),
    })
}

fn index(view: &SchemaView<'_>, index: &Index) -> Value {
    json!({
        "name": index.name.as_ref().map(|n| n.name.clone()),
        "keys": index.keys.iter().map(|k| match k {
            IndexKey::Column(c) => json!({"column": c}),
            IndexKey::Expression(e) => json!({"expression": e}),
        }).collect::<Vec<_>>(),
        "unique": index.unique,
        "method": index.method(),
        "where": index.predicate.as_ref().map(|p| p.to_string()),
        "include": index.include,
        "defined": defined(view, &index.origin),
    })
}

fn trigger(view: &SchemaView<'_>, trigger: &Trigger) -> Value {
    json!({
        "name": trigger.name,
        "timing": trigger.timing.map(TriggerTiming::sql),
        "events": trigger.events.iter().map(|e| e.sql()).collect::<Vec<_>>(),
        "update_of": trigger.update_of,
        "for_each_row": trigger.for_each_row,
        "function": trigger.function.as_ref().map(|f| f.to_string()),
        "defined": defined(view, &trigger.origin),
    })
}
