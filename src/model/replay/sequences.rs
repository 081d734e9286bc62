//! Sequences: created ones, the ones serial columns own, and what renames
//! and drops of their tables do to them.

use super::Replay;
use super::links::{Elsewhere, Link};
use crate::model::names::QualifiedName;
use crate::model::{Column, ColumnDefault, Sequence, Table, TypeKind};
use crate::source::Origin;

impl Replay {
    pub(super) fn create_sequence(&mut self, sequence: &Sequence, if_not_exists: bool) {
        if if_not_exists && self.sequences.contains_key(&sequence.name) {
            return;
        }
        let mut sequence = sequence.clone();
        sequence.owned_by = sequence
            .owned_by
            .take()
            .and_then(|(table, column)| Some((self.resolve(&table)?, column)));
        self.insert_sequence(Box::new(sequence));
    }

    /// Adds the sequences that `serial_columns` made for a table.
    pub(super) fn add_sequences(&mut self, created: impl IntoIterator<Item = Sequence>) {
        for sequence in created {
            self.insert_sequence(Box::new(sequence));
        }
    }

    /// Every sequence enters the catalog here, so that its owner's list
    /// of sequences (`links`) has it.
    fn insert_sequence(&mut self, sequence: Box<Sequence>) {
        if let Some((table, _)) = &sequence.owned_by {
            self.links.add(Link::Owned, table, &sequence.name);
        }
        if let Some(elsewhere) = &mut self.sequences_elsewhere {
            elsewhere.insert(&sequence.name);
        }
        self.sequences.insert(sequence.name.clone(), sequence);
    }

    /// Every sequence leaves the catalog here, so that `sequences_elsewhere`
    /// stays exact.
    fn remove_sequence(&mut self, name: &QualifiedName) -> Option<Box<Sequence>> {
        let removed = self.sequences.remove(name)?;
        if let Some(elsewhere) = &mut self.sequences_elsewhere {
            elsewhere.remove(name);
        }
        Some(removed)
    }

    /// The sequences `table` owns, taken from `links` (give back those it
    /// still owns with `links.restore`).
    fn owned_sequences(&mut self, table: &QualifiedName) -> Vec<QualifiedName> {
        self.activate_links();
        let sequences = &self.sequences;
        self.links.holders(Link::Owned, table, |name| {
            sequences
                .get(name)
                .is_some_and(|s| s.owned_by.as_ref().is_some_and(|(t, _)| t == table))
        })
    }

    /// The catalog key of an existing sequence, found like a table's.
    fn sequence_key(&mut self, name: &QualifiedName) -> Option<QualifiedName> {
        if self.sequences.contains_key(name) {
            return Some(name.clone());
        }
        if name.schema.is_some() {
            return None;
        }
        // Not in `public`: the only one of that name elsewhere.
        let sequences = &self.sequences;
        let elsewhere = self.sequences_elsewhere.get_or_insert_with(|| {
            let mut elsewhere = Elsewhere::default();
            for name in sequences.keys() {
                elsewhere.insert(name);
            }
            elsewhere
        });
        elsewhere.only(&name.name).cloned()
    }

    fn sequence_mut(&mut self, name: &QualifiedName) -> Option<&mut Sequence> {
        let key = self.sequence_key(name)?;
        self.sequences.get_mut(&key).map(Box::as_mut)
    }

    /// `ALTER SEQUENCE s OWNED BY t.c`.
    pub(super) fn sequence_owned_by(
        &mut self,
        sequence: &QualifiedName,
        table: &QualifiedName,
        column: &str,
    ) {
        let owner = self.resolve(table).map(|t| (t, column.into()));
        if let Some(found) = self.sequence_mut(sequence) {
            found.owned_by = owner;
            if let Some((table, _)) = &found.owned_by {
                let (table, name) = (table.clone(), found.name.clone());
                self.links.add(Link::Owned, &table, &name);
            }
        }
    }

    /// `ALTER SEQUENCE s AS type`.
    pub(super) fn sequence_type(
        &mut self,
        sequence: &QualifiedName,
        kind: &TypeKind,
        origin: &Origin,
    ) {
        if let Some(found) = self.sequence_mut(sequence) {
            found.kind = kind.clone();
            found.type_origin = origin.clone();
        }
    }

    pub(super) fn drop_sequence(&mut self, name: &QualifiedName) {
        if let Some(key) = self.sequence_key(name) {
            self.remove_sequence(&key);
        }
    }

    /// Sequences owned by a dropped table (or, with `column`, a dropped
    /// column) go with it.
    pub(super) fn drop_owned_sequences(&mut self, table: &QualifiedName, column: Option<&str>) {
        let mut owned = self.owned_sequences(table);
        owned.retain(|name| {
            let dropped = self.sequences.get(name).is_some_and(|s| {
                s.owned_by
                    .as_ref()
                    .is_some_and(|(_, c)| column.is_none_or(|column| column == c))
            });
            if dropped {
                self.remove_sequence(name);
            }
            !dropped
        });
        self.links.restore(Link::Owned, table, owned);
    }

    /// A table got a new name: its sequences follow it, into its new
    /// schema too (`SET SCHEMA` moves the sequences a table owns).
    pub(super) fn rename_owned_sequences(&mut self, old: &QualifiedName, new: &QualifiedName) {
        let mut moved = Vec::new();
        for name in self.owned_sequences(old) {
            let Some(sequence) = self.sequences.get_mut(&name) else {
                continue;
            };
            if let Some((table, _)) = &mut sequence.owned_by {
                *table = new.clone();
            }
            self.links.add(Link::Owned, new, &name);
            if name.schema != new.schema {
                moved.push(name);
            }
        }
        for name in moved {
            let new_name = QualifiedName::new(new.schema.clone(), name.name.clone());
            self.rename_sequence_key(&name, new_name);
        }
    }

    /// `ALTER SEQUENCE s RENAME TO n`: defaults that call `nextval('s')`
    /// follow, as PostgreSQL's stored regclass does.
    pub(super) fn rename_sequence(&mut self, old: &QualifiedName, new_name: &str) {
        let Some(old) = self.sequence_key(old) else {
            return;
        };
        let new = old.sibling(new_name.to_string());
        self.rename_sequence_key(&old, new);
    }

    fn rename_sequence_key(&mut self, old: &QualifiedName, new: QualifiedName) {
        let Some(mut sequence) = self.remove_sequence(old) else {
            return;
        };
        sequence.name = new.clone();
        self.insert_sequence(sequence);
        self.activate_nextval_links();
        let calls_old =
            |column: &Column| column.default.as_ref().and_then(|d| d.sequence()) == Some(old);
        let tables = &self.tables;
        let users = self.links.holders(Link::NextvalUsers, old, |table| {
            tables
                .get(table)
                .is_some_and(|t| t.columns.iter().any(calls_old))
        });
        for user in users {
            let Some(table) = self.tables.get_mut(&user) else {
                continue;
            };
            for column in table.columns.iter_mut().filter(|c| calls_old(c)) {
                if let Some(default) = &mut column.default {
                    **default = ColumnDefault::nextval_of(new.clone());
                }
            }
            self.links.add(Link::NextvalUsers, &new, &user);
        }
    }
}

/// The name PostgreSQL gives a serial column's sequence:
/// `{table}_{column}_seq`, its parts shortened to fit 63 bytes the way
/// PostgreSQL shortens them (the longer part first).
fn serial_sequence_name(table: &str, column: &str) -> crate::model::Name {
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
    crate::model::Name::new(format!("{table}_{column}_seq"))
}

/// A serial column is an integer column, a sequence owned by it and a
/// `nextval` default, as PostgreSQL creates them (and pg_dump writes them):
/// modelled the same way, so both spellings judge alike. Turns the serial
/// columns of `table` (named `table_name` in the catalog) that have no
/// default yet into that, and gives the sequences to add. It works on the
/// table in hand, so that creating or altering one costs no second lookup.
pub(super) fn serial_columns(table_name: &QualifiedName, table: &mut Table) -> Serials {
    table
        .columns
        .iter_mut()
        .filter_map(|column| serial_column(table_name, column))
        .collect()
}

/// The sequences `serial_columns` made: most tables have one serial
/// column, and its sequence is held in place.
pub(super) type Serials = smallvec::SmallVec<[Sequence; 1]>;

/// `serial_columns` for one column (one just added: the others were turned
/// when they were, and looking at every column of the table again on each
/// `ADD COLUMN` made a history of many of them quadratic).
pub(super) fn serial_column(table_name: &QualifiedName, column: &mut Column) -> Option<Sequence> {
    let kind = match column.kind() {
        TypeKind::SmallSerial => TypeKind::SmallInt,
        TypeKind::Serial => TypeKind::Integer,
        TypeKind::BigSerial => TypeKind::BigInt,
        _ => return None,
    };
    if column.default.is_some() {
        return None;
    }
    // A serial column is NOT NULL, whatever else it says.
    column.not_null = true;
    let name = table_name.sibling(serial_sequence_name(&table_name.name, &column.name));
    column.default = Some(Box::new(ColumnDefault::nextval_of(name.clone())));
    Some(Sequence {
        name,
        kind,
        type_origin: column.type_origin.clone(),
        owned_by: Some((table_name.clone(), column.name.clone())),
    })
}
