//! What the renderers read: a `Catalog`, the tables chosen for the
//! document, and (for a schema replayed from migrations) where each object
//! was written. A schema read from a live database has no files: its
//! renderers get `sources: None` and leave the places out.

use globset::{Glob, GlobSet, GlobSetBuilder};

use crate::load::Project;
use crate::model::{Catalog, ForeignKey, Index, Name, QualifiedName, Table, Trigger};
use crate::source::Origin;

/// A schema to document.
pub struct SchemaView<'a> {
    pub catalog: &'a Catalog,
    /// The files the objects were written in; `None` for a live database.
    pub sources: Option<&'a Project>,
    /// The documented tables, in name order (`--tables`, `--exclude`).
    pub tables: Vec<&'a Table>,
    /// What the schema was read from, for titles (`migrations/`).
    pub source_name: String,
}

/// Where an object was written: a file and a 1-based line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    pub path: String,
    pub line: usize,
}

impl std::fmt::Display for Place {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}", self.path, self.line)
    }
}

/// `--tables` and `--exclude`: globs over table names as they are shown
/// (`users`, `auth.users`).
#[derive(Debug, Clone, Default)]
pub struct TableFilter {
    include: Option<GlobSet>,
    exclude: Option<GlobSet>,
}

impl TableFilter {
    pub fn new(include: &[String], exclude: &[String]) -> Result<TableFilter, String> {
        Ok(TableFilter {
            include: glob_set(include)?,
            exclude: glob_set(exclude)?,
        })
    }

    pub fn keeps(&self, name: &QualifiedName) -> bool {
        let shown = name.to_string();
        self.include.as_ref().is_none_or(|set| set.is_match(&shown))
            && !self
                .exclude
                .as_ref()
                .is_some_and(|set| set.is_match(&shown))
    }
}

fn glob_set(patterns: &[String]) -> Result<Option<GlobSet>, String> {
    if patterns.is_empty() {
        return Ok(None);
    }
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern).map_err(|e| format!("`{pattern}` is not a glob: {e}"))?;
        builder.add(glob);
    }
    builder
        .build()
        .map(Some)
        .map_err(|e| format!("cannot use the table globs: {e}"))
}

impl<'a> SchemaView<'a> {
    pub fn new(
        catalog: &'a Catalog,
        sources: Option<&'a Project>,
        filter: &TableFilter,
        source_name: String,
    ) -> SchemaView<'a> {
        let tables = catalog
            .tables
            .values()
            .map(Box::as_ref)
            .filter(|table| filter.keeps(&table.name))
            .collect();
        SchemaView {
            catalog,
            sources,
            tables,
            source_name,
        }
    }

    /// Whether `name` is one of the documented tables.
    pub fn includes(&self, name: &QualifiedName) -> bool {
        self.tables.iter().any(|table| table.name == *name)
    }

    /// Where `origin` was written (`None` without files).
    pub fn place(&self, origin: &Origin) -> Option<Place> {
        let project = self.sources?;
        let file = project.files.get(origin.file().index())?;
        Some(Place {
            path: file.source.display_path(),
            line: file.source.line_col(origin.span().start).line,
        })
    }

    /// In creation order (looked up by table: a document asks for every
    /// table's, and a scan of every index each time was quadratic).
    pub fn indexes_of(&self, table: &QualifiedName) -> impl Iterator<Item = &'a Index> + 'a {
        self.catalog.indexes.on_table(table)
    }

    pub fn triggers_of(&self, table: &QualifiedName) -> impl Iterator<Item = &'a Trigger> + 'a {
        self.catalog.triggers.on_table(table)
    }

    /// The foreign keys between documented tables, by holder.
    pub fn relationships(&self) -> impl Iterator<Item = (&'a Table, &'a ForeignKey)> + '_ {
        self.tables.iter().flat_map(move |table| {
            table
                .foreign_keys
                .iter()
                .filter(|fk| self.includes(&fk.referenced_table))
                .map(move |fk| (*table, fk))
        })
    }

    /// The columns `fk` references: as written, else the referenced
    /// table's primary key.
    pub fn referenced_columns(&self, fk: &ForeignKey) -> Vec<Name> {
        referenced_columns(self.catalog, fk)
    }
}

/// The columns `fk` references: as written, else the referenced table's
/// primary key (empty when that table is not in the schema).
pub fn referenced_columns(catalog: &Catalog, fk: &ForeignKey) -> Vec<Name> {
    if !fk.referenced_columns.is_empty() {
        return fk.referenced_columns.to_vec();
    }
    catalog
        .tables
        .get(&fk.referenced_table)
        .and_then(|table| table.primary_key.as_ref())
        .map(|key| key.columns.to_vec())
        .unwrap_or_default()
}

/// Whether `columns` of `table` hold at most one row per value: the
/// primary key, a unique constraint or a unique index that is not partial
/// (in any order).
pub fn is_unique(catalog: &Catalog, table: &Table, columns: &[Name]) -> bool {
    let same =
        |other: &[Name]| other.len() == columns.len() && other.iter().all(|c| columns.contains(c));
    table
        .primary_key
        .iter()
        .chain(&table.uniques)
        .any(|key| same(&key.columns))
        || catalog.indexes.on_table(&table.name).any(|index| {
            index.unique
                && index.predicate.is_none()
                && index.keys.len() == columns.len()
                && same(&index.leading_columns().map(Name::from).collect::<Vec<_>>())
        })
}

/// Whether the column is NOT NULL (primary-key columns always are).
pub fn is_not_null(table: &Table, column: &str) -> bool {
    table.column(column).is_some_and(|c| c.not_null)
        || table
            .primary_key
            .as_ref()
            .is_some_and(|key| key.columns.iter().any(|c| c == column))
}

/// Whether every one of `columns` is NOT NULL.
pub fn all_not_null(table: &Table, columns: &[Name]) -> bool {
    columns.iter().all(|name| is_not_null(table, name))
}
