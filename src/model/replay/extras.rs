//! Sequences, and what rewritten or hand-read statements mean for the
//! model (`load::compat::Extra`): PostgreSQL 18's named `NOT NULL`
//! constraints, sequence ownership (which, with a `nextval` default, makes
//! a serial column), trigger and sequence renames, `DROP IDENTITY`, `SET
//! SCHEMA`.

use sqlparser::ast::{self, ObjectName, SequenceOptions};

use super::Replay;
use crate::load::compat::Extra;
use crate::model::names::{QualifiedName, fold};
use crate::model::{ColumnDefault, DefaultKind, Sequence, TypeKind};

impl Replay<'_, '_> {
    pub(super) fn create_sequence(
        &mut self,
        name: &ObjectName,
        options: &[SequenceOptions],
        if_not_exists: bool,
    ) {
        let Some(name) = QualifiedName::from_object_name(name) else {
            return;
        };
        if if_not_exists && self.catalog.sequences.contains_key(&name) {
            return;
        }
        let mut sequence = Sequence {
            name: name.clone(),
            kind: TypeKind::BigInt,
            type_origin: self.at.statement(),
            owned_by: None,
        };
        for option in options {
            match option {
                SequenceOptions::DataType(data_type) => {
                    sequence.kind = TypeKind::of(data_type);
                    if let Some(origin) = self.at.sequence_type() {
                        sequence.type_origin = origin;
                    }
                }
                SequenceOptions::OwnedBy(Some(owner)) => {
                    sequence.owned_by = self.owner(owner);
                }
                _ => {}
            }
        }
        self.catalog.sequences.insert(name, sequence);
    }

    /// A serial column is an integer column, a sequence owned by it and a
    /// `nextval` default, as PostgreSQL creates them (and pg_dump writes
    /// them): modelled the same way, so both spellings judge alike.
    pub(super) fn serial_sequences(&mut self, table_name: &QualifiedName) {
        let Some(table) = self.catalog.tables.get_mut(table_name) else {
            return;
        };
        let mut created = Vec::new();
        for column in &mut table.columns {
            let kind = match column.kind {
                TypeKind::SmallSerial => TypeKind::SmallInt,
                TypeKind::Serial => TypeKind::Integer,
                TypeKind::BigSerial => TypeKind::BigInt,
                _ => continue,
            };
            if column.default.is_some() {
                continue;
            }
            // A serial column is NOT NULL, whatever else it says.
            column.not_null = true;
            let name = table_name.sibling(serial_sequence_name(&table_name.name, &column.name));
            column.default = Some(ColumnDefault {
                kind: DefaultKind::Nextval(name.clone()),
                written: format!("nextval('{}'::regclass)", name),
            });
            created.push(Sequence {
                name,
                kind,
                type_origin: column.type_origin.clone(),
                owned_by: Some((table_name.clone(), column.name.clone())),
            });
        }
        for sequence in created {
            self.catalog
                .sequences
                .insert(sequence.name.clone(), sequence);
        }
    }

    /// `table.column` of `OWNED BY`, the table as the catalog knows it.
    fn owner(&self, owner: &ObjectName) -> Option<(QualifiedName, String)> {
        let mut parts = owner.0.clone();
        let column = parts.pop()?.as_ident().map(fold)?;
        let table = self.resolve(&ObjectName(parts))?;
        Some((table, column))
    }

    fn sequence_key(&self, name: &ObjectName) -> Option<QualifiedName> {
        let name = QualifiedName::from_object_name(name)?;
        if self.catalog.sequences.contains_key(&name) {
            return Some(name);
        }
        let mut matches = self
            .catalog
            .sequences
            .keys()
            .filter(|k| k.name == name.name && name.schema.is_none());
        match (matches.next(), matches.next()) {
            (Some(only), None) => Some(only.clone()),
            _ => None,
        }
    }

    pub(super) fn drop_sequence(&mut self, name: &ObjectName) {
        if let Some(key) = self.sequence_key(name) {
            self.catalog.sequences.remove(&key);
        }
    }

    /// Sequences owned by a dropped table (or, with `column`, a dropped
    /// column) go with it.
    pub(super) fn drop_owned_sequences(&mut self, table: &QualifiedName, column: Option<&str>) {
        self.catalog.sequences.retain(|_, s| {
            !s.owned_by
                .as_ref()
                .is_some_and(|(t, c)| t == table && column.is_none_or(|column| column == c))
        });
    }

    /// A table got a new name: its sequences follow it, into its new
    /// schema too (`SET SCHEMA` moves the sequences a table owns).
    pub(super) fn rename_owned_sequences(&mut self, old: &QualifiedName, new: &QualifiedName) {
        let mut moved = Vec::new();
        for sequence in self.catalog.sequences.values_mut() {
            if let Some((table, _)) = &mut sequence.owned_by
                && table == old
            {
                *table = new.clone();
                if sequence.name.schema != new.schema {
                    moved.push(sequence.name.clone());
                }
            }
        }
        for name in moved {
            let new_name = QualifiedName::new(new.schema.clone(), name.name.clone());
            self.rename_sequence_key(&name, new_name);
        }
    }

    /// `COMMENT ON TABLE t IS '…'`, `COMMENT ON COLUMN t.c IS '…'` (`IS
    /// NULL` removes it).
    pub(super) fn comment(
        &mut self,
        object: ast::CommentObject,
        name: &ObjectName,
        text: Option<&str>,
    ) {
        let origin = self.at.statement();
        // The tokenizer keeps strings as written: `''` is one quote.
        let comment = text.map(|t| (t.replace("''", "'"), origin));
        match object {
            ast::CommentObject::Table => {
                if let Some(table) = self.resolve(name).and_then(|t| self.table_mut(&t)) {
                    table.comment = comment;
                }
            }
            ast::CommentObject::Column => {
                let mut parts = name.0.clone();
                let Some(column) = parts.pop().and_then(|p| p.as_ident().map(fold)) else {
                    return;
                };
                let Some(table) = self.resolve(&ObjectName(parts)) else {
                    return;
                };
                if let Some(column) = self.table_mut(&table).and_then(|t| t.column_mut(&column)) {
                    column.comment = comment;
                }
            }
            _ => {}
        }
    }

    /// Applies a statement's extras, after its AST (if any).
    pub(super) fn extras(&mut self, statement: Option<&ast::Statement>, extras: &[Extra]) {
        for extra in extras {
            match extra {
                Extra::NotNull { table, column } => {
                    let created = match statement {
                        Some(ast::Statement::CreateTable(create)) => Some(&create.name),
                        _ => None,
                    };
                    let Some(table) = table.as_ref().or(created).and_then(|t| self.resolve(t))
                    else {
                        continue;
                    };
                    if let Some(column) = self
                        .table_mut(&table)
                        .and_then(|t| t.column_mut(&fold(column)))
                    {
                        column.not_null = true;
                    }
                }
                Extra::SequenceOwnedBy {
                    sequence,
                    table,
                    column,
                } => {
                    let mut owner = table.0.clone();
                    owner.push(ast::ObjectNamePart::Identifier(column.clone()));
                    let owner = self.owner(&ObjectName(owner));
                    if let Some(key) = self.sequence_key(sequence)
                        && let Some(found) = self.catalog.sequences.get_mut(&key)
                    {
                        found.owned_by = owner;
                    }
                }
                Extra::SequenceType {
                    sequence,
                    data_type,
                } => {
                    if let Some(key) = self.sequence_key(sequence)
                        && let Some(found) = self.catalog.sequences.get_mut(&key)
                    {
                        found.kind = TypeKind::of(data_type);
                        found.type_origin = self
                            .at
                            .sequence_type()
                            .unwrap_or_else(|| self.at.statement());
                    }
                }
                Extra::RenameSequence { old, new } => self.rename_sequence(old, &fold(new)),
                Extra::RenameTrigger { table, old, new } => {
                    let Some(table) = self.resolve(table) else {
                        continue;
                    };
                    self.catalog.triggers.rename(&table, &fold(old), &fold(new));
                }
                Extra::DropIdentity { table, column } => {
                    let Some(table) = self.resolve(table) else {
                        continue;
                    };
                    if let Some(column) = self
                        .table_mut(&table)
                        .and_then(|t| t.column_mut(&fold(column)))
                    {
                        column.identity = false;
                    }
                }
                Extra::SetSchema { table, schema } => {
                    let Some(old) = self.resolve(table) else {
                        continue;
                    };
                    let new = QualifiedName::new(Some(fold(schema)), old.name.clone());
                    self.move_table(&old, new);
                }
            }
        }
    }

    /// `ALTER SEQUENCE s RENAME TO n`: defaults that call `nextval('s')`
    /// follow, as PostgreSQL's stored regclass does.
    fn rename_sequence(&mut self, old: &ObjectName, new_name: &str) {
        let Some(old) = self.sequence_key(old) else {
            return;
        };
        let new = old.sibling(new_name);
        self.rename_sequence_key(&old, new);
    }

    fn rename_sequence_key(&mut self, old: &QualifiedName, new: QualifiedName) {
        let Some(mut sequence) = self.catalog.sequences.remove(old) else {
            return;
        };
        sequence.name = new.clone();
        self.catalog.sequences.insert(new.clone(), sequence);
        for table in self.catalog.tables.values_mut() {
            for column in &mut table.columns {
                if let Some(default) = &mut column.default
                    && default.kind == DefaultKind::Nextval(old.clone())
                {
                    default.kind = DefaultKind::Nextval(new.clone());
                    default.written = format!("nextval('{}'::regclass)", new);
                }
            }
        }
    }
}

/// The name PostgreSQL gives a serial column's sequence:
/// `{table}_{column}_seq`, its parts shortened to fit 63 bytes the way
/// PostgreSQL shortens them (the longer part first).
fn serial_sequence_name(table: &str, column: &str) -> String {
    const MAX: usize = 63;
    let (mut table, mut column) = (table.to_string(), column.to_string());
    while table.len() + column.len() + "__seq".len() > MAX {
        let longer = if table.len() > column.len() {
            &mut table
        } else {
            &mut column
        };
        let mut cut = longer.len() - 1;
        while !longer.is_char_boundary(cut) {
            cut -= 1;
        }
        longer.truncate(cut);
    }
    format!("{table}_{column}_seq")
}
