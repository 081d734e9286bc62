//! What one statement does to the schema, as typed facts: read from the
//! statement's syntax tree while its file's tokens are alive (positions
//! already resolved to byte ranges, see `read`), then replayed in
//! migration order (`replay`) long after the tokens and the tree are gone.
//!
//! Names are as written: which table a name means is only known when the
//! migrations before it have been replayed.

use super::{Check, Column, ColumnDefault, EnumType, ForeignKey, Index, Key, Name, QualifiedName};
use super::{Sequence, Table, Trigger, TypeKind, View};
use crate::source::Origin;

/// One change to the schema. 80 bytes: the facts of every file of a set
/// are held until its replay, and most are `CreateTable`, `AlterTable`
/// and `CreateIndex`, so the fields that would make a rarer change larger
/// are boxed.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub enum Change {
    /// `CREATE TABLE` (foreign keys name their tables as written).
    CreateTable {
        table: Box<Table>,
        if_not_exists: bool,
    },
    /// `ALTER TABLE` (or a hand-read clause of one, see `load::compat`).
    AlterTable {
        table: QualifiedName,
        actions: Vec<TableChange>,
    },
    /// `CREATE INDEX`; the index's table is as written and its name has no
    /// schema yet (an index lives in its table's schema).
    CreateIndex {
        index: Box<Index>,
        if_not_exists: bool,
    },
    RenameIndex {
        index: Box<QualifiedName>,
        new: Name,
        origin: Origin,
    },
    Drop {
        kind: DropKind,
        names: Vec<QualifiedName>,
        cascade: bool,
    },
    CreateEnum(Box<EnumType>),
    AddEnumValue {
        name: Box<QualifiedName>,
        value: Name,
        /// `BEFORE 'x'` (`true`) or `AFTER 'x'`; else at the end.
        position: Option<(bool, Name)>,
    },
    /// `ALTER TYPE … RENAME TO`: the columns of the type keep it.
    RenameType {
        name: QualifiedName,
        new: Name,
    },
    RenameEnumValue {
        name: Box<QualifiedName>,
        from: Name,
        to: Name,
    },
    /// The trigger's table is as written.
    CreateTrigger(Box<Trigger>),
    /// `DROP TRIGGER name ON table` (PostgreSQL requires the table: a
    /// `DROP TRIGGER` without one is `Rejected`).
    DropTrigger {
        name: Name,
        table: QualifiedName,
    },
    RenameTrigger {
        table: Box<QualifiedName>,
        old: Name,
        new: Name,
    },
    CreateFunction(QualifiedName),
    /// `CREATE SEQUENCE` (owner as written).
    CreateSequence {
        sequence: Box<Sequence>,
        if_not_exists: bool,
    },
    SequenceOwnedBy {
        sequence: Box<QualifiedName>,
        table: Box<QualifiedName>,
        column: Name,
    },
    SequenceType {
        sequence: Box<QualifiedName>,
        kind: TypeKind,
        origin: Origin,
    },
    RenameSequence {
        sequence: QualifiedName,
        new: Name,
    },
    /// The view's `reads` are as written.
    CreateView {
        view: Box<View>,
        if_not_exists: bool,
    },
    RenameView {
        view: Box<QualifiedName>,
        new: Name,
        origin: Origin,
    },
    Comment {
        on: Box<CommentOn>,
        text: Option<String>,
        origin: Origin,
    },
    /// `CREATE EXTENSION name` (the name where it is written).
    CreateExtension {
        name: Name,
        origin: Origin,
    },
    /// A statement PostgreSQL parses but rejects, which the model leaves
    /// out (`why` and `help`: one line each, see `model::Rejected`);
    /// `parse-error` reports it. Last: serde numbers variants by position,
    /// and cached facts keep their numbers.
    Rejected {
        why: String,
        help: String,
        origin: Origin,
    },
}

/// What a `DROP` drops.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, Copy, PartialEq, Eq)]
pub enum DropKind {
    Table,
    Index,
    Type,
    Sequence,
    View,
    MaterializedView,
}

/// What a `COMMENT ON` is about.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub enum CommentOn {
    Table(QualifiedName),
    Column(QualifiedName, Name),
}

/// One action of an `ALTER TABLE`.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub enum TableChange {
    AddColumn {
        column: Box<Column>,
        if_not_exists: bool,
        /// Constraints written on the column (`REFERENCES …`, `UNIQUE`).
        constraints: Vec<Constraint>,
    },
    DropColumn(Name),
    AlterColumn {
        column: Name,
        change: ColumnChange,
    },
    AddConstraint(Box<Constraint>),
    DropConstraint(Name),
    DropPrimaryKey,
    RenameColumn {
        old: Name,
        new: Name,
        origin: Origin,
    },
    /// `RENAME TO` (also of a view: `ALTER TABLE v RENAME TO w`).
    Rename {
        new: Name,
        origin: Origin,
    },
    RenameConstraint {
        old: Name,
        new: Name,
    },
    /// `SET SCHEMA`.
    SetSchema(Name),
}

/// A change of one column.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub enum ColumnChange {
    SetNotNull,
    DropNotNull,
    SetDefault(ColumnDefault),
    DropDefault,
    SetType {
        ty: super::ColumnType,
        origin: Option<Origin>,
    },
    AddIdentity,
    DropIdentity,
}

/// A table constraint.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub enum Constraint {
    PrimaryKey(Key),
    Unique(Key),
    /// Names its table as written.
    ForeignKey(ForeignKey),
    Check(Check),
    /// `PRIMARY KEY USING INDEX i` / `UNIQUE USING INDEX i`: the index's
    /// columns become the key.
    UsingIndex {
        primary: bool,
        index: Name,
        name: Option<Name>,
        name_origin: Option<Origin>,
        origin: Origin,
    },
}

// See `Change`: a larger rare change would make every change larger. A
// bound, as a later compiler may lay the enum out smaller.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Change>() <= 80);
