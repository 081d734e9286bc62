//! Pipeline step 3: the schema a migration set produces.
//!
//! `replay` applies the up statements of a set in migration order to a
//! `Catalog`. Every object remembers where the SQL that defined it was
//! written, so rules judge the final schema and still point at the source.

pub(crate) mod defaults;
pub(crate) mod expressions;
pub(crate) mod facts;
mod indexes;
mod interned;
pub(crate) mod kinds;
pub(crate) mod names;
pub(crate) mod read;
pub mod replay;
pub(crate) mod types;
pub(crate) mod views;

use std::collections::BTreeMap;

pub use defaults::{ColumnDefault, DefaultKind};
pub use expressions::{CheckExpr, Predicate};
pub use indexes::{IndexId, Indexes, Triggers, generated_name};
pub use kinds::{FkAction, IndexMethod, TriggerEvent, TriggerTiming};
pub use names::{Name, QualifiedName};
pub use types::{CharLength, ColumnType, TypeKind};

/// Which tables are lookup tables (`[rules] lookup-suffix`): those whose
/// name ends with the suffix, by default `_statuses`. One setting that
/// `status-lookup`, `lookup-table-shape`, `status-fk-restrict`, `schema-lint
/// new` and the conventions document share.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lookups {
    /// Empty: no table is a lookup table.
    pub suffix: String,
}

impl Default for Lookups {
    fn default() -> Self {
        Lookups {
            suffix: "_statuses".to_string(),
        }
    }
}

impl Lookups {
    pub fn is_lookup(&self, table: &QualifiedName) -> bool {
        !self.suffix.is_empty() && table.name.ends_with(&self.suffix)
    }
}

use crate::source::Origin;
pub use thin_vec::ThinVec;

/// The most columns a table can have (PostgreSQL's `MaxHeapAttributeNumber`):
/// a `CREATE TABLE` or `ADD COLUMN` past it fails. The model rejects them
/// too, which also bounds the work of every statement that looks a
/// column up by name.
pub const MAX_COLUMNS: usize = 1600;

/// A statement PostgreSQL would reject and the model leaves out.
#[derive(Debug, Clone)]
pub struct Rejected {
    pub origin: Origin,
    /// Why, in one line.
    pub why: String,
    /// What to write instead, in a few words.
    pub help: String,
    /// How many later statements were rejected for the same reason (the
    /// `ADD COLUMN`s to a table already at `MAX_COLUMNS`): counted, not
    /// listed, as a history may hold any number of them.
    pub more: usize,
}

/// The schema at the end of a migration set.
#[derive(Debug, Clone, Default)]
pub struct Catalog {
    pub tables: BTreeMap<QualifiedName, Box<Table>>,
    pub indexes: Indexes,
    pub enums: BTreeMap<QualifiedName, EnumType>,
    pub triggers: Triggers,
    /// Functions created by the set (for triggers that call them).
    pub functions: Vec<QualifiedName>,
    /// Views and materialized views that exist at the end.
    pub views: BTreeMap<QualifiedName, View>,
    /// Sequences created with `CREATE SEQUENCE` (pg_dump's serials).
    pub sequences: BTreeMap<QualifiedName, Box<Sequence>>,
    /// Every `CREATE EXTENSION` of the history, in migration order, with
    /// where it was written.
    pub extensions: Vec<(Name, Origin)>,
    /// Statements PostgreSQL would reject, left out (`parse-error`
    /// reports them), in migration order.
    pub rejected: Vec<Rejected>,
}

impl Catalog {
    /// The names of every index and constraint, as written.
    pub fn object_names(&self) -> impl Iterator<Item = &str> {
        let indexes = self.indexes.iter().filter_map(|i| i.name.as_ref());
        let constraints = self.tables.values().flat_map(|t| {
            let keys = t.primary_key.iter().chain(&t.uniques).map(|k| &k.name);
            let foreign = t.foreign_keys.iter().map(|f| &f.name);
            let checks = t.checks.iter().map(|c| &c.name);
            keys.chain(foreign).chain(checks).flatten()
        });
        indexes
            .map(|n| n.name.as_str())
            .chain(constraints.map(Name::as_str))
    }

    /// The names a new index cannot take: every table, view, sequence
    /// and index, and every primary-key and unique constraint (whose
    /// index bears its name), as written (with duplicates).
    pub fn relation_names(&self) -> impl Iterator<Item = &str> {
        let tables = self.tables.keys().map(|t| t.name.as_str());
        let views = self.views.keys().map(|v| v.name.as_str());
        let sequences = self.sequences.keys().map(|s| s.name.as_str());
        let indexes = self
            .indexes
            .iter()
            .filter_map(|i| i.name.as_ref())
            .map(|n| n.name.as_str());
        let keys = self.tables.values().flat_map(|t| {
            t.primary_key
                .iter()
                .chain(&t.uniques)
                .filter_map(|k| k.name.as_deref())
        });
        tables
            .chain(views)
            .chain(sequences)
            .chain(indexes)
            .chain(keys)
    }

    /// Every foreign key that references `table` (a self-reference too),
    /// with the table that holds it, in table-name order.
    pub fn foreign_keys_to<'a>(
        &'a self,
        table: &QualifiedName,
    ) -> impl Iterator<Item = (&'a Table, &'a ForeignKey)> + use<'a> {
        let table = table.clone();
        self.tables
            .values()
            .map(Box::as_ref)
            .flat_map(move |holder| {
                let table = table.clone();
                holder
                    .foreign_keys
                    .iter()
                    .filter(move |fk| fk.referenced_table == table)
                    .map(move |fk| (holder, fk))
            })
    }
}

/// Every foreign key of a catalog by the table it references, made in one
/// pass (`Catalog::foreign_keys_by_target`) for a caller that asks about
/// every table: `foreign_keys_to` looks at every table each time.
pub struct ForeignKeysTo<'a>(
    rustc_hash::FxHashMap<&'a QualifiedName, Vec<(&'a Table, &'a ForeignKey)>>,
);

impl<'a> ForeignKeysTo<'a> {
    /// What `Catalog::foreign_keys_to(table)` gives, in its order.
    pub fn of(
        &self,
        table: &QualifiedName,
    ) -> impl Iterator<Item = (&'a Table, &'a ForeignKey)> + '_ {
        self.0.get(table).into_iter().flatten().copied()
    }
}

impl Catalog {
    /// `foreign_keys_to` for every table at once.
    pub fn foreign_keys_by_target(&self) -> ForeignKeysTo<'_> {
        let mut by_target: rustc_hash::FxHashMap<_, Vec<_>> = Default::default();
        // In table-name order, as `foreign_keys_to` gives them.
        for holder in self.tables.values().map(Box::as_ref) {
            for fk in &holder.foreign_keys {
                by_target
                    .entry(&fk.referenced_table)
                    .or_default()
                    .push((holder, fk));
            }
        }
        ForeignKeysTo(by_target)
    }
}

/// A sequence created with `CREATE SEQUENCE` (those serial columns create
/// implicitly are not listed).
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub struct Sequence {
    pub name: QualifiedName,
    /// `AS integer`; PostgreSQL's default is bigint.
    pub kind: TypeKind,
    /// Where `AS …` was written (else the statement).
    pub type_origin: Origin,
    /// `OWNED BY table.column`: dropped with the column.
    pub owned_by: Option<(QualifiedName, Name)>,
}

impl Catalog {
    /// Whether `column` alone is unique in `table`: its primary key, a
    /// whole unique constraint, or a unique index on exactly it that is not
    /// partial.
    pub fn is_unique_column(&self, table: &Table, column: &str) -> bool {
        table.is_unique_key(&[column.into()])
            || self.indexes.on_table(&table.name).any(|index| {
                index.unique
                    && index.predicate.is_none()
                    && index.keys.len() == 1
                    && index.keys[0].column() == Some(column)
            })
    }
}

/// A `COMMENT ON` text and where it was written. Boxed: most tables and
/// columns have none, and a set of thousands of tables holds every column
/// (the box takes 8 bytes where the pair took 48).
pub type Comment = Option<Box<(String, Origin)>>;

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub struct Table {
    pub name: QualifiedName,
    /// The table's name in its `CREATE TABLE`, or in the rename that gave it
    /// its final name.
    pub name_origin: Origin,
    /// The whole `CREATE TABLE` statement.
    pub created: Origin,
    pub columns: Vec<Column>,
    pub primary_key: Option<Key>,
    // The lists below are `ThinVec`s (8 bytes, nothing allocated while
    // empty, where a `Vec` takes 24): a set of thousands of tables holds
    // every table, most of them with none or one of each.
    pub uniques: ThinVec<Key>,
    pub foreign_keys: ThinVec<ForeignKey>,
    pub checks: ThinVec<Check>,
    /// The partition key columns of a partitioned table (`PARTITION BY
    /// RANGE (a)`); empty for other tables. PostgreSQL requires its primary
    /// key to include them.
    pub partition_key: ThinVec<Name>,
    /// `COMMENT ON TABLE`, with where it was written.
    pub comment: Comment,
}

impl Column {
    /// The type as `sqlparser` prints it (`VARCHAR(255)`, `TIMESTAMP`).
    pub fn type_sql(&self) -> &str {
        &self.ty.sql
    }

    pub fn kind(&self) -> &TypeKind {
        &self.ty.kind
    }

    /// The type as the migration writes it, at `type_origin`.
    pub fn written_type(&self) -> &str {
        &self.ty.written
    }

    /// A character type's declared length (`None` for other types).
    pub fn char_length(&self) -> Option<CharLength> {
        self.ty.char_length
    }
}

impl Table {
    pub fn column(&self, name: &str) -> Option<&Column> {
        self.columns.iter().find(|c| c.name == name)
    }

    pub fn column_mut(&mut self, name: &str) -> Option<&mut Column> {
        self.columns.iter_mut().find(|c| c.name == name)
    }

    /// Whether `columns` is exactly the primary key or a unique constraint.
    pub fn is_unique_key(&self, columns: &[Name]) -> bool {
        self.primary_key
            .iter()
            .chain(&self.uniques)
            .any(|key| key.columns == columns)
    }
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub struct Column {
    pub name: Name,
    /// The column's name where it was defined (or last renamed).
    pub name_origin: Origin,
    /// The type: shared by the set's columns of that type (see
    /// `replay`), since a set of thousands of tables has a few dozen.
    #[serde(serialize_with = "types::stored", deserialize_with = "types::shared")]
    pub ty: std::sync::Arc<ColumnType>,
    /// The type's tokens in the statement that last set the type.
    pub type_origin: Origin,
    pub not_null: bool,
    /// Boxed: most columns have none, and a set of thousands of tables
    /// holds every column.
    pub default: Option<Box<ColumnDefault>>,
    /// `GENERATED … AS IDENTITY`.
    pub identity: bool,
    /// `GENERATED ALWAYS AS (expr) STORED`: derived from other data.
    pub generated: bool,
    /// The whole column definition (`ADD COLUMN …` or the line in `CREATE TABLE`).
    pub definition: Origin,
    /// `COMMENT ON COLUMN`, with where it was written.
    pub comment: Comment,
}

/// A primary key or unique constraint.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub struct Key {
    pub name: Option<Name>,
    pub name_origin: Option<Origin>,
    /// A `ThinVec`, as `Table`'s lists are.
    pub columns: ThinVec<Name>,
    /// The constraint (inline: the `PRIMARY KEY` / `UNIQUE` words).
    pub origin: Origin,
    /// Written on a column (`email TEXT UNIQUE`) rather than the table.
    pub inline: bool,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub struct ForeignKey {
    pub name: Option<Name>,
    pub name_origin: Option<Origin>,
    /// A `ThinVec`, as `Table`'s lists are.
    pub columns: ThinVec<Name>,
    /// The referencing columns (inline: the column's name).
    pub columns_origin: Origin,
    /// The one column `columns_origin` names, as PostgreSQL folds the
    /// text there (`None` when it names several, or no column of
    /// `columns`). A rename of the column later leaves it as written.
    pub written_column: Option<Name>,
    pub referenced_table: QualifiedName,
    /// Empty when the primary key is meant.
    pub referenced_columns: ThinVec<Name>,
    /// `None`: no `ON DELETE` clause (PostgreSQL applies NO ACTION).
    pub on_delete: Option<FkAction>,
    pub on_update: Option<FkAction>,
    /// The `REFERENCES …` clause.
    pub clause: Origin,
    pub inline: bool,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub struct Check {
    pub name: Option<Name>,
    pub expr: CheckExpr,
    pub origin: Origin,
    /// For a check written on a column, that column.
    pub column: Option<Name>,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq)]
pub enum IndexKey {
    Column(Name),
    /// An expression, as written.
    Expression(String),
}

impl IndexKey {
    pub fn column(&self) -> Option<&str> {
        match self {
            IndexKey::Column(name) => Some(name),
            IndexKey::Expression(_) => None,
        }
    }
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub struct Index {
    /// `None` for `CREATE INDEX ON t (…)`, which PostgreSQL names itself.
    pub name: Option<QualifiedName>,
    pub name_origin: Option<Origin>,
    pub table: QualifiedName,
    /// `ThinVec`s, as `Table`'s lists are (a set holds every index).
    pub keys: ThinVec<IndexKey>,
    pub unique: bool,
    pub method: IndexMethod,
    /// A partial index's `WHERE` predicate. Boxed: most indexes have
    /// none, and a set of thousands of tables holds every index.
    pub predicate: Option<Box<Predicate>>,
    pub include: ThinVec<Name>,
    /// The `CREATE INDEX` statement.
    pub origin: Origin,
}

impl Index {
    /// The access method's name: `btree`, `gin`, `hnsw`, ….
    pub fn method(&self) -> &str {
        self.method.name()
    }

    /// The names of the leading plain columns, up to the first expression.
    pub fn leading_columns(&self) -> impl Iterator<Item = &str> {
        self.keys.iter().map_while(IndexKey::column)
    }
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub struct EnumType {
    pub name: QualifiedName,
    pub labels: Vec<Name>,
    pub origin: Origin,
}

#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub struct Trigger {
    pub name: Name,
    pub table: QualifiedName,
    pub timing: Option<TriggerTiming>,
    pub events: Vec<TriggerEvent>,
    /// `UPDATE OF a, b`: the trigger fires only when one of these columns
    /// is in the UPDATE's SET list. Empty: on every UPDATE.
    pub update_of: Vec<Name>,
    pub for_each_row: bool,
    pub function: Option<QualifiedName>,
    pub origin: Origin,
}

/// A view or materialized view, as its last `CREATE [OR REPLACE] VIEW`
/// defined it.
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone)]
pub struct View {
    pub name: QualifiedName,
    pub materialized: bool,
    /// The `CREATE VIEW` statement of the version that exists at the end.
    pub created: Origin,
    /// The name in that statement, or in the rename that gave the view its
    /// final name.
    pub name_origin: Origin,
    /// Every `*` and `t.*` its query selects (see `views::wildcards`), in
    /// source order; empty when the query lists its columns.
    pub wildcards: Vec<Origin>,
    /// The tables and views its query reads: a `DROP … CASCADE` of one of
    /// them drops the view too.
    pub reads: Vec<QualifiedName>,
}
