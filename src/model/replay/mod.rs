//! Replays the facts of a migration set's up statements (see `facts`), in
//! migration order, into a `Catalog`.
//!
//! A fact about an object the model does not know (created by a statement
//! that did not parse, or by something outside the migrations) changes
//! nothing: rules stay silent where the model cannot be sure.

mod links;
mod sequences;
mod views;

use std::sync::Arc;

use rayon::slice::ParallelSliceMut;

use super::facts::{Change, ColumnChange, CommentOn, Constraint, DropKind, TableChange};
use super::names::QualifiedName;
use super::read::add_constraint;
use super::{
    Catalog, Column, ColumnType, EnumType, Index, IndexKey, Key, Name, Sequence, Table, ThinVec,
};
use super::{MAX_COLUMNS, Rejected};
use crate::load::{LoadedSet, Project};
use crate::source::Origin;
use links::{Elsewhere, Link, Links};

/// The schema a migration set produces. The project keeps its facts (see
/// `take_facts` for a replay that consumes them).
pub fn replay(project: &Project, set: &LoadedSet) -> Catalog {
    let facts = set
        .files
        .iter()
        .flat_map(|&id| project.facts_of(id).iter().cloned());
    replay_facts(facts)
}

/// The schema that `facts`, in migration order, produce. Tables, columns,
/// indexes and triggers move into the catalog as they are.
pub fn replay_facts(facts: impl IntoIterator<Item = Change>) -> Catalog {
    let mut replay = Replay {
        catalog: Catalog::default(),
        tables: Tables::default(),
        sequences: Default::default(),
        types: ColumnTypes::default(),
        full_tables: Default::default(),
        links: Links::default(),
        tables_elsewhere: Elsewhere::default(),
        views_elsewhere: Elsewhere::default(),
        sequences_elsewhere: None,
    };
    for change in facts {
        replay.apply(change);
    }
    // Freed first, for the ordered map made next.
    drop(replay.links);
    let mut catalog = replay.catalog;
    // Sorted once, at the end: building an ordered map from the whole list
    // costs about one search per table.
    catalog.tables = sorted(replay.tables);
    catalog.sequences = sorted(replay.sequences);
    catalog.indexes.finish_replay();
    // Grown by doubling (a set of thousands of migrations creates as
    // many functions), held while the rules run.
    catalog.functions.shrink_to_fit();
    catalog
}

/// A hashed map of the replay as the catalog's ordered map, sorted on
/// every core (the replay has the others idle): the map then finds the
/// list in order, with one comparison per entry.
fn sorted<V: Send>(
    map: rustc_hash::FxHashMap<QualifiedName, V>,
) -> std::collections::BTreeMap<QualifiedName, V> {
    let mut list: Vec<_> = map.into_iter().collect();
    list.par_sort_unstable_by(|a, b| a.0.cmp(&b.0));
    list.into_iter().collect()
}

/// Moves the facts of a set's up statements out of the project, in
/// migration order, for `replay_facts`: a lint needs each fact once, and
/// holding them beside the catalog they build would double the memory of
/// the model. Each file's list moves whole, its facts where they are:
/// copying every fact into one list touched megabytes of fresh memory for
/// a set of thousands of files, a tenth of a warm pre-commit run.
///
/// Facts the load moved into lists of many files (`ParkedFacts`) move
/// whole, when the set's files are in the lists' order (the load's order,
/// which is the migration order unless the files' markers changed the
/// layout); otherwise each file gets its facts back first.
pub fn take_facts(project: &mut Project, set: usize) -> Facts {
    let (parked, others) = std::mem::take(&mut project.parked)
        .into_iter()
        .partition::<Vec<_>, _>(|parked| parked.set == set);
    project.parked = others;
    let Some(loaded) = project.sets.get(set) else {
        return Facts(Vec::new());
    };
    let ids = parked
        .iter()
        .flat_map(|p| p.files.iter().map(|&(id, _)| id));
    if !parked.is_empty() && loaded.files.iter().copied().eq(ids) {
        return Facts(parked.into_iter().map(|p| p.changes).collect());
    }
    for list in parked {
        list.unpark(&mut project.files);
    }
    let (files, set) = (&mut project.files, &project.sets[set]);
    let mut lists = Vec::with_capacity(set.files.len());
    for id in &set.files {
        if let Some(file) = files.get_mut(id.index()) {
            let changes = std::mem::take(&mut file.changes);
            if !changes.is_empty() {
                lists.push(changes);
            }
        }
    }
    Facts(lists)
}

/// A set's facts, in migration order, as `take_facts` moved them.
pub struct Facts(Vec<Vec<Change>>);

impl IntoIterator for Facts {
    type Item = Change;
    type IntoIter = std::iter::Flatten<std::vec::IntoIter<Vec<Change>>>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter().flatten()
    }
}

struct Replay {
    /// Everything but the tables, which are in `tables` until the end.
    catalog: Catalog,
    tables: Tables,
    /// The sequences, likewise (a serial column makes one).
    sequences: rustc_hash::FxHashMap<QualifiedName, Box<Sequence>>,
    types: ColumnTypes,
    /// For each table an `ADD COLUMN` past `MAX_COLUMNS` was rejected for,
    /// where in `catalog.rejected` (later ones are counted there).
    full_tables: rustc_hash::FxHashMap<QualifiedName, usize>,
    /// What points at each table (see `links`).
    links: Links,
    /// The tables outside `public`, by bare name.
    tables_elsewhere: Elsewhere,
    /// The views outside `public`, by bare name.
    views_elsewhere: Elsewhere,
    /// The sequences outside `public`, by bare name: made on the first
    /// unqualified name that is not a `public` sequence's (most histories
    /// qualify them or keep them in `public`), kept exactly after.
    sequences_elsewhere: Option<Elsewhere>,
}

/// The tables while the set replays: hashed, as a replay looks a table up
/// several times for each statement (to resolve a foreign key, to alter
/// it, to index it), and a search of the catalog's ordered map compares
/// names a dozen times in a set of thousands of tables. Nothing in a
/// replay depends on the order of the tables; the catalog gets them
/// sorted (`replay_facts`).
type Tables = rustc_hash::FxHashMap<QualifiedName, Box<Table>>;

/// How many columns' copies of types `ColumnTypes` keeps by address.
const ADDRESSES: usize = 1024;

/// The column types of a set, each kept once: every column of a type
/// shares it (a set of thousands of tables has a few dozen types, and
/// each column holding its own copy cost 64 bytes).
#[derive(Default)]
struct ColumnTypes {
    shared: rustc_hash::FxHashSet<Arc<ColumnType>>,
    /// The set's copy of each type a column came with, by the address of
    /// that column's copy: columns read on one thread (or decoded from the
    /// cache on one) share a copy already, so most columns are answered
    /// without hashing their type. The column's copy is kept alive here
    /// (the first `Arc`), so that its address cannot be reused by another
    /// type.
    by_address: rustc_hash::FxHashMap<usize, (Arc<ColumnType>, Arc<ColumnType>)>,
    /// The names of the types outside PostgreSQL's (enums, domains, as
    /// `TypeKind::Other`, or arrays of them) that a column was ever given:
    /// an `ALTER TYPE … RENAME` of another changes no column, and need not
    /// look at every column of the set.
    named: rustc_hash::FxHashSet<String>,
}

impl ColumnTypes {
    /// The set's copy of `ty` (made on first sight).
    fn share(&mut self, ty: &ColumnType) -> Arc<ColumnType> {
        if let Some(found) = self.shared.get(ty) {
            return found.clone();
        }
        if let Some(name) = other_name(&ty.kind) {
            self.named.insert(name.to_string());
        }
        let shared = Arc::new(ty.clone());
        self.shared.insert(shared.clone());
        shared
    }

    /// `share` for a column's own copy of its type.
    fn share_arc(&mut self, ty: &Arc<ColumnType>) -> Arc<ColumnType> {
        let address = Arc::as_ptr(ty) as usize;
        if let Some((_, shared)) = self.by_address.get(&address) {
            return shared.clone();
        }
        let shared = self.share(ty);
        // A few dozen copies in a set; a set with thousands of types of
        // its own (`VARCHAR(n)` for every n) starts afresh.
        if self.by_address.len() >= ADDRESSES {
            self.by_address.clear();
        }
        self.by_address
            .insert(address, (ty.clone(), shared.clone()));
        shared
    }

    /// Whether a column may have the type `name` (or an array of it).
    fn may_have(&self, name: &str) -> bool {
        self.named.contains(name)
    }
}

/// Lists `table` under what `columns` point at: their types outside
/// PostgreSQL's, and the sequences their defaults call `nextval` on.
fn add_column_links(links: &mut Links, table: &QualifiedName, columns: &[Column]) {
    if !links.active && !links.nextval_active {
        return;
    }
    for column in columns {
        add_column_link(links, Link::TypeUsers, table, column);
        add_column_link(links, Link::NextvalUsers, table, column);
    }
}

/// Lists `table` under what `column` points at by `link`: its type, when
/// outside PostgreSQL's (`TypeUsers`), or the sequence its default calls
/// `nextval` on (`NextvalUsers`); the other links are not a column's.
fn add_column_link(links: &mut Links, link: Link, table: &QualifiedName, column: &Column) {
    match link {
        Link::TypeUsers => {
            if let Some(name) = other_name(column.kind()) {
                links.add(link, &type_key(name), table);
            }
        }
        Link::NextvalUsers => {
            if let Some(sequence) = column.default.as_ref().and_then(|d| d.sequence()) {
                links.add(link, sequence, table);
            }
        }
        Link::Referencers | Link::Owned | Link::Readers => {}
    }
}

/// How `links` names a type.
fn type_key(name: &str) -> QualifiedName {
    QualifiedName::unqualified(name.to_string())
}

/// The name of a type outside PostgreSQL's, or of an array's elements.
fn other_name(kind: &super::TypeKind) -> Option<&str> {
    match kind {
        super::TypeKind::Other(name) => Some(name),
        super::TypeKind::Array(inner) => other_name(inner),
        _ => None,
    }
}

impl Replay {
    fn apply(&mut self, change: Change) {
        match change {
            Change::CreateTable {
                table,
                if_not_exists,
            } => self.create_table(table, if_not_exists),
            Change::AlterTable { table, actions } => self.alter_table(&table, actions),
            Change::CreateIndex {
                index,
                if_not_exists,
            } => self.create_index(index, if_not_exists),
            change => self.apply_small(&change),
        }
    }

    /// The facts that carry little: applied from a reference.
    fn apply_small(&mut self, change: &Change) {
        match change {
            Change::CreateTable { .. } | Change::AlterTable { .. } | Change::CreateIndex { .. } => {
            }
            Change::RenameIndex { index, new, origin } => self.rename_index(index, new, origin),
            Change::Drop {
                kind,
                names,
                cascade,
            } => {
                self.drop_views(*kind, names, *cascade);
                self.drop(*kind, names);
            }
            Change::CreateEnum(created) => {
                self.catalog
                    .enums
                    .insert(created.name.clone(), EnumType::clone(created));
            }
            Change::AddEnumValue {
                name,
                value,
                position,
            } => {
                if let Some(found) = self.catalog.enums.get_mut(name)
                    && !found.labels.contains(value)
                {
                    let at = position.as_ref().and_then(|(before, next)| {
                        let at = found.labels.iter().position(|l| l == next)?;
                        Some(if *before { at } else { at + 1 })
                    });
                    match at {
                        Some(at) => found.labels.insert(at, value.clone()),
                        None => found.labels.push(value.clone()),
                    }
                }
            }
            Change::RenameType { name, new } => {
                if let Some(mut found) = self.catalog.enums.remove(name) {
                    found.name = name.sibling(new.clone());
                    self.catalog.enums.insert(found.name.clone(), found);
                }
                let (old, new) = (
                    super::TypeKind::Other(name.name.to_string()),
                    super::TypeKind::Other(new.to_string()),
                );
                if !self.types.may_have(&name.name) {
                    return;
                }
                self.activate_links();
                let renamed = |kind: &super::TypeKind| match kind {
                    kind if *kind == old => Some(new.clone()),
                    super::TypeKind::Array(inner) if **inner == old => {
                        Some(super::TypeKind::Array(Box::new(new.clone())))
                    }
                    _ => None,
                };
                let tables = &self.tables;
                let users = self
                    .links
                    .holders(Link::TypeUsers, &type_key(&name.name), |t| {
                        tables
                            .get(t)
                            .is_some_and(|t| t.columns.iter().any(|c| renamed(c.kind()).is_some()))
                    });
                let Replay {
                    tables,
                    types,
                    links,
                    ..
                } = self;
                for user in users {
                    let Some(table) = tables.get_mut(&user) else {
                        continue;
                    };
                    for column in &mut table.columns {
                        let Some(kind) = renamed(column.kind()) else {
                            continue;
                        };
                        let ty = ColumnType {
                            kind,
                            ..ColumnType::clone(&column.ty)
                        };
                        column.ty = types.share(&ty);
                    }
                    add_column_links(links, &user, &table.columns);
                }
            }
            Change::RenameEnumValue { name, from, to } => {
                if let Some(found) = self.catalog.enums.get_mut(name)
                    && let Some(label) = found.labels.iter_mut().find(|l| *l == from)
                {
                    *label = to.clone();
                }
            }
            Change::CreateTrigger(trigger) => {
                if let Some(table) = self.resolve(&trigger.table) {
                    let mut trigger = (**trigger).clone();
                    trigger.table = table;
                    self.catalog.triggers.add(trigger);
                }
            }
            Change::DropTrigger { name, table } => {
                if let Some(table) = self.resolve(table) {
                    self.catalog.triggers.remove(&table, name);
                }
            }
            Change::RenameTrigger { table, old, new } => {
                if let Some(table) = self.resolve(table) {
                    self.catalog.triggers.rename(&table, old, new);
                }
            }
            Change::CreateFunction(name) => self.catalog.functions.push(name.clone()),
            Change::CreateSequence {
                sequence,
                if_not_exists,
            } => self.create_sequence(sequence, *if_not_exists),
            Change::SequenceOwnedBy {
                sequence,
                table,
                column,
            } => self.sequence_owned_by(sequence, table, column),
            Change::SequenceType {
                sequence,
                kind,
                origin,
            } => self.sequence_type(sequence, kind, origin),
            Change::RenameSequence { sequence, new } => self.rename_sequence(sequence, new),
            Change::CreateView {
                view,
                if_not_exists,
            } => self.create_view(view, *if_not_exists),
            Change::RenameView { view, new, origin } => self.rename_view(view, new, origin),
            Change::Comment { on, text, origin } => self.comment(on, text.as_deref(), origin),
            Change::Rejected { why, help, origin } => self.catalog.rejected.push(Rejected {
                origin: origin.clone(),
                why: why.clone(),
                help: help.clone(),
                more: 0,
            }),
            Change::CreateExtension { name, origin } => {
                self.catalog.extensions.push((name.clone(), origin.clone()))
            }
        }
    }

    /// The catalog key of an existing table. An unqualified name that is not
    /// in `public` matches a table of that name in another schema when there
    /// is exactly one (migrations that `SET search_path`).
    fn resolve(&self, name: &QualifiedName) -> Option<QualifiedName> {
        if self.tables.contains_key(name) {
            return Some(name.clone());
        }
        if name.schema.is_some() {
            return None;
        }
        self.tables_elsewhere.only(&name.name).cloned()
    }

    /// Every table that gets a new name in the catalog enters it here, and
    /// every one that loses it leaves by `remove_table` (a table taken out
    /// to be changed and put back keeps its name).
    fn insert_table(&mut self, table: Box<Table>) {
        self.tables_elsewhere.insert(&table.name);
        self.tables.insert(table.name.clone(), table);
    }

    fn remove_table(&mut self, name: &QualifiedName) -> Option<Box<Table>> {
        let table = self.tables.remove(name)?;
        self.tables_elsewhere.remove(name);
        Some(table)
    }

    fn table_mut(&mut self, name: &QualifiedName) -> Option<&mut Table> {
        self.tables.get_mut(name).map(Box::as_mut)
    }

    /// Foreign keys name their tables as written: the catalog's name when
    /// it knows one (so `users` finds `auth.users` when that is the only
    /// one), else as written.
    fn resolve_references(&self, table: &mut Table) {
        for fk in &mut table.foreign_keys {
            if let Some(found) = self.resolve(&fk.referenced_table) {
                fk.referenced_table = found;
            }
        }
    }

    // ----- tables -----------------------------------------------------------

    /// Takes the fact's box: moving each table of a set of thousands into
    /// a new box took megabytes of new memory while the old boxes were
    /// freed.
    fn create_table(&mut self, mut table: Box<Table>, if_not_exists: bool) {
        if if_not_exists && self.tables.contains_key(&table.name) {
            return;
        }
        self.resolve_references(&mut table);
        for column in &mut table.columns {
            column.ty = self.types.share_arc(&column.ty);
        }
        let name = table.name.clone();
        for fk in &table.foreign_keys {
            self.links
                .add(Link::Referencers, &fk.referenced_table, &name);
        }
        let sequences = sequences::serial_columns(&name, &mut table);
        add_column_links(&mut self.links, &name, &table.columns);
        self.insert_table(table);
        self.add_sequences(sequences);
    }

    fn alter_table(&mut self, written: &QualifiedName, actions: Vec<TableChange>) {
        let Some(name) = self.resolve(written) else {
            // `ALTER TABLE v RENAME TO w` renames views too.
            for action in &actions {
                if let TableChange::Rename { new, origin } = action {
                    self.rename_view(written, new, origin);
                }
            }
            return;
        };
        // A rename or a schema change moves the table: later actions of the
        // same statement name it by its new name.
        let mut name = name;
        for action in actions {
            if let Some(moved) = self.table_action(&name, action) {
                name = moved;
            }
        }
    }

    /// One action; the table's new name when the action moved it.
    fn table_action(&mut self, name: &QualifiedName, action: TableChange) -> Option<QualifiedName> {
        match action {
            TableChange::AddColumn {
                column,
                if_not_exists,
                constraints,
            } => {
                self.add_column(name, *column, if_not_exists, &constraints);
                None
            }
            action => self.small_table_action(name, &action),
        }
    }

    /// The actions that carry little: applied from a reference.
    fn small_table_action(
        &mut self,
        name: &QualifiedName,
        action: &TableChange,
    ) -> Option<QualifiedName> {
        match action {
            TableChange::AddColumn { .. } => {}
            TableChange::DropColumn(column) => self.drop_column(name, column),
            TableChange::AlterColumn { column, change } => self.alter_column(name, column, change),
            TableChange::AddConstraint(constraint) => self.add_constraint(name, constraint),
            TableChange::DropConstraint(constraint) => {
                if let Some(table) = self.table_mut(name) {
                    drop_constraint(table, constraint);
                }
            }
            TableChange::DropPrimaryKey => {
                if let Some(table) = self.table_mut(name) {
                    table.primary_key = None;
                }
            }
            TableChange::RenameColumn { old, new, origin } => {
                self.rename_column(name, old, new, origin)
            }
            TableChange::Rename { new, origin } => {
                // `RENAME TO` keeps the schema.
                let moved = name.sibling(new.clone());
                if let Some(table) = self.tables.get_mut(name) {
                    table.name_origin = origin.clone();
                }
                self.move_table(name, moved.clone());
                return Some(moved);
            }
            TableChange::RenameConstraint { old, new } => {
                if let Some(table) = self.table_mut(name) {
                    rename_constraint(table, old, new);
                }
            }
            TableChange::SetSchema(schema) => {
                let moved = QualifiedName::new(Some(schema.clone()), name.name.clone());
                self.move_table(name, moved.clone());
                return Some(moved);
            }
        }
        None
    }

    fn add_column(
        &mut self,
        name: &QualifiedName,
        mut column: Column,
        if_not_exists: bool,
        constraints: &[Constraint],
    ) {
        let full = self.tables.get(name).is_some_and(|table| {
            table.columns.len() >= MAX_COLUMNS && table.column(&column.name).is_none()
        });
        if full {
            self.reject_column(name, column.definition);
            return;
        }
        column.ty = self.types.share_arc(&column.ty);
        add_column_links(&mut self.links, name, std::slice::from_ref(&column));
        // Taken out of the catalog only when constraints need the rest of
        // it (`add_constraint_to`): a lookup costs less than a removal and
        // an insertion in a map of thousands of tables.
        let sequence = if constraints.is_empty() {
            let Some(table) = self.tables.get_mut(name) else {
                return;
            };
            add_column_to(table, column, if_not_exists)
                .then(|| serial_of_added(name, table))
                .flatten()
        } else {
            let Some(mut table) = self.tables.remove(name) else {
                return;
            };
            let mut sequence = None;
            if add_column_to(&mut table, column, if_not_exists) {
                sequence = serial_of_added(name, &mut table);
                for constraint in constraints {
                    self.add_constraint_to(&mut table, constraint);
                }
            }
            self.tables.insert(name.clone(), table);
            sequence
        };
        if let Some(sequence) = &sequence {
            self.links.add(Link::NextvalUsers, &sequence.name, name);
        }
        self.add_sequences(sequence);
    }

    /// An `ADD COLUMN` (defined at `origin`) to a table that has
    /// `MAX_COLUMNS` already: PostgreSQL rejects it. The first for a table
    /// is kept, the rest counted.
    fn reject_column(&mut self, table: &QualifiedName, origin: Origin) {
        use super::read::SPLIT_THE_TABLE;
        if let Some(&at) = self.full_tables.get(table)
            && let Some(first) = self.catalog.rejected.get_mut(at)
        {
            first.more += 1;
            return;
        }
        self.full_tables
            .insert(table.clone(), self.catalog.rejected.len());
        self.catalog.rejected.push(Rejected {
            origin,
            why: format!("`{table}` has {MAX_COLUMNS} columns already, the most a table can have"),
            help: SPLIT_THE_TABLE.to_string(),
            more: 0,
        });
    }

    fn add_constraint(&mut self, name: &QualifiedName, constraint: &Constraint) {
        let Some(mut table) = self.tables.remove(name) else {
            return;
        };
        self.add_constraint_to(&mut table, constraint);
        self.tables.insert(name.clone(), table);
    }

    fn add_constraint_to(&mut self, table: &mut Table, constraint: &Constraint) {
        match constraint {
            Constraint::ForeignKey(fk) => {
                let mut fk = fk.clone();
                if let Some(found) = self.resolve(&fk.referenced_table) {
                    fk.referenced_table = found;
                }
                self.links
                    .add(Link::Referencers, &fk.referenced_table, &table.name);
                table.foreign_keys.push(fk);
            }
            Constraint::UsingIndex {
                primary,
                index,
                name,
                name_origin,
                origin,
            } => {
                let columns: Option<Vec<Name>> = self
                    .catalog
                    .indexes
                    .named(&table.name.sibling(index.clone()))
                    .map(|i| i.leading_columns().map(Name::from).collect());
                let Some(columns) = columns else { return };
                let key = Key {
                    name: name.clone().or(Some(index.clone())),
                    name_origin: name_origin.clone(),
                    columns: columns.into(),
                    origin: origin.clone(),
                    inline: false,
                };
                if *primary {
                    table.primary_key = Some(key);
                } else {
                    table.uniques.push(key);
                }
            }
            other => add_constraint(table, other.clone()),
        }
    }

    fn alter_column(&mut self, table: &QualifiedName, name: &str, change: &ColumnChange) {
        let retyped = match change {
            // Where the new type is written was not found: the column keeps
            // the type as written before (and where, below).
            ColumnChange::SetType { ty, origin: None } => {
                let before = self.tables.get(table).and_then(|t| t.column(name));
                let written = before.map_or_else(Default::default, |c| c.ty.written.clone());
                Some(self.types.share(&ColumnType {
                    written,
                    ..ty.clone()
                }))
            }
            ColumnChange::SetType { ty, .. } => Some(self.types.share(ty)),
            _ => None,
        };
        if let Some(name) = retyped.as_deref().and_then(|ty| other_name(&ty.kind))
            && self.links.active
        {
            self.links.add(Link::TypeUsers, &type_key(name), table);
        }
        if let ColumnChange::SetDefault(default) = change
            && let Some(sequence) = default.sequence()
        {
            self.links.add(Link::NextvalUsers, sequence, table);
        }
        let Some(column) = self.table_mut(table).and_then(|t| t.column_mut(name)) else {
            return;
        };
        match change {
            ColumnChange::SetNotNull => column.not_null = true,
            ColumnChange::DropNotNull => column.not_null = false,
            ColumnChange::SetDefault(default) => column.default = Some(Box::new(default.clone())),
            ColumnChange::DropDefault => column.default = None,
            ColumnChange::SetType { origin, .. } => {
                if let Some(ty) = retyped {
                    column.ty = ty;
                }
                if let Some(origin) = origin {
                    column.type_origin = origin.clone();
                }
            }
            ColumnChange::AddIdentity => column.identity = true,
            ColumnChange::DropIdentity => column.identity = false,
        }
    }

    fn drop_column(&mut self, table_name: &QualifiedName, column: &str) {
        self.drop_owned_sequences(table_name, Some(column));
        let Some(table) = self.table_mut(table_name) else {
            return;
        };
        table.columns.retain(|c| c.name != column);
        let mentions = |columns: &[Name]| columns.iter().any(|c| c == column);
        if table
            .primary_key
            .as_ref()
            .is_some_and(|k| mentions(&k.columns))
        {
            table.primary_key = None;
        }
        table.uniques.retain(|k| !mentions(&k.columns));
        table.foreign_keys.retain(|fk| !mentions(&fk.columns));
        table.checks.retain(|c| c.column.as_deref() != Some(column));
        self.catalog.indexes.retain_on_table(table_name, |index| {
            !(index.keys.iter().any(|k| k.column() == Some(column))
                || index.include.iter().any(|c| c == column))
        });
        // Foreign keys of other tables that point at the column go too
        // (PostgreSQL requires CASCADE for that).
        let holders = self.referencers(table_name);
        for holder in &holders {
            if let Some(other) = self.tables.get_mut(holder) {
                other.foreign_keys.retain(|fk| {
                    fk.referenced_table != *table_name || !mentions(&fk.referenced_columns)
                });
            }
        }
        // Given back whole: one that no longer references it is dropped
        // from the list at its next use.
        self.links.restore(Link::Referencers, table_name, holders);
    }

    /// The tables with a foreign key to `table`, taken from `links` (give
    /// back those that may still reference it with `links.restore`).
    fn referencers(&mut self, table: &QualifiedName) -> Vec<QualifiedName> {
        self.activate_links();
        let tables = &self.tables;
        self.links.holders(Link::Referencers, table, |holder| {
            tables.get(holder).is_some_and(|t| {
                t.foreign_keys
                    .iter()
                    .any(|fk| fk.referenced_table == *table)
            })
        })
    }

    /// Makes `links` from the catalog as it is, on the first question.
    pub(super) fn activate_links(&mut self) {
        if self.links.active {
            return;
        }
        self.links.active = true;
        for (name, table) in &self.tables {
            for fk in &table.foreign_keys {
                self.links
                    .add(Link::Referencers, &fk.referenced_table, name);
            }
        }
        for (name, sequence) in &self.sequences {
            if let Some((table, _)) = &sequence.owned_by {
                self.links.add(Link::Owned, table, name);
            }
        }
        for (name, view) in &self.catalog.views {
            for read in &view.reads {
                self.links.add(Link::Readers, read, name);
            }
        }
        self.link_every_column(Link::TypeUsers);
    }

    /// Lists every table under what its columns point at (`link`).
    fn link_every_column(&mut self, link: Link) {
        for (name, table) in &self.tables {
            for column in &table.columns {
                add_column_link(&mut self.links, link, name, column);
            }
        }
    }

    /// Makes `links`' list of `nextval` callers from the catalog as it
    /// is, on the first sequence rename.
    pub(super) fn activate_nextval_links(&mut self) {
        if self.links.nextval_active {
            return;
        }
        self.links.nextval_active = true;
        self.link_every_column(Link::NextvalUsers);
    }

    fn rename_column(&mut self, table_name: &QualifiedName, old: &str, new: &str, origin: &Origin) {
        let Some(table) = self.table_mut(table_name) else {
            return;
        };
        let Some(column) = table.column_mut(old) else {
            return;
        };
        column.name = new.into();
        column.name_origin = origin.clone();
        let rename = |columns: &mut [Name]| {
            for c in columns.iter_mut().filter(|c| *c == old) {
                *c = new.into();
            }
        };
        for key in table.primary_key.iter_mut().chain(table.uniques.iter_mut()) {
            rename(&mut key.columns);
        }
        for fk in &mut table.foreign_keys {
            rename(&mut fk.columns);
        }
        for check in &mut table.checks {
            if check.column.as_deref() == Some(old) {
                check.column = Some(new.into());
            }
        }
        self.catalog.indexes.on_table_mut(table_name, |index| {
            for key in &mut index.keys {
                if key.column() == Some(old) {
                    *key = IndexKey::Column(new.into());
                }
            }
            rename(&mut index.include);
        });
        let holders = self.referencers(table_name);
        for holder in &holders {
            let Some(other) = self.tables.get_mut(holder) else {
                continue;
            };
            for fk in other
                .foreign_keys
                .iter_mut()
                .filter(|fk| fk.referenced_table == *table_name)
            {
                rename(&mut fk.referenced_columns);
            }
        }
        self.links.restore(Link::Referencers, table_name, holders);
    }

    /// Gives a table a new name (`RENAME TO`, `SET SCHEMA`); everything that
    /// points at it follows.
    fn move_table(&mut self, old: &QualifiedName, new: QualifiedName) {
        // Looked up before the move: a table that references itself is
        // one of them, under its old name.
        let holders = self.referencers(old);
        let Some(mut table) = self.remove_table(old) else {
            self.links.restore(Link::Referencers, old, holders);
            return;
        };
        table.name = new.clone();
        // Its foreign keys and its columns' types are now held under the
        // new name.
        add_column_links(&mut self.links, &new, &table.columns);
        for fk in &table.foreign_keys {
            let target = if fk.referenced_table == *old {
                &new
            } else {
                &fk.referenced_table
            };
            self.links.add(Link::Referencers, target, &new);
        }
        self.insert_table(table);
        self.rename_owned_sequences(old, &new);
        self.catalog.indexes.move_table(old, &new);
        self.catalog.triggers.move_table(old, &new);
        // Views read it under its new name (PostgreSQL's views hold the
        // table itself, not its name).
        for reader in self.readers(old) {
            if let Some(view) = self.catalog.views.get_mut(&reader) {
                for read in view.reads.iter_mut().filter(|r| *r == old) {
                    *read = new.clone();
                }
            }
            self.links.add(Link::Readers, &new, &reader);
        }
        for holder in holders {
            let holder = if holder == *old { new.clone() } else { holder };
            let Some(other) = self.tables.get_mut(&holder) else {
                continue;
            };
            for fk in other
                .foreign_keys
                .iter_mut()
                .filter(|fk| fk.referenced_table == *old)
            {
                fk.referenced_table = new.clone();
            }
            self.links.add(Link::Referencers, &new, &holder);
        }
    }

    fn comment(&mut self, on: &CommentOn, text: Option<&str>, origin: &Origin) {
        let comment = text.map(|t| Box::new((t.to_string(), origin.clone())));
        match on {
            CommentOn::Table(name) => {
                if let Some(table) = self.resolve(name).and_then(|t| self.table_mut(&t)) {
                    table.comment = comment;
                }
            }
            CommentOn::Column(name, column) => {
                let Some(table) = self.resolve(name) else {
                    return;
                };
                if let Some(column) = self.table_mut(&table).and_then(|t| t.column_mut(column)) {
                    column.comment = comment;
                }
            }
        }
    }

    // ----- indexes ------------------------------------------------------

    /// Takes the fact's box, as `create_table` does.
    fn create_index(&mut self, mut index: Box<Index>, if_not_exists: bool) {
        let Some(table) = self.resolve(&index.table) else {
            return;
        };
        // An index lives in its table's schema.
        let name = index.name.as_ref().map(|n| table.sibling(n.name.clone()));
        if if_not_exists
            && let Some(name) = &name
            && self.catalog.indexes.named(name).is_some()
        {
            return;
        }
        index.table = table;
        index.name = name;
        self.catalog.indexes.push_boxed(index);
    }

    fn rename_index(&mut self, old: &QualifiedName, new: &str, origin: &Origin) {
        let found = self.catalog.indexes.find(old);
        if let Some(id) = found.or_else(|| self.catalog.indexes.find_generated(old))
            && let Some(table) = self.catalog.indexes.get(id).map(|i| i.table.clone())
        {
            self.catalog
                .indexes
                .rename(id, table.sibling(new.to_string()), origin.clone());
        }
    }

    // ----- DROP ---------------------------------------------------------

    fn drop(&mut self, kind: DropKind, names: &[QualifiedName]) {
        for name in names {
            match kind {
                DropKind::Table => {
                    if let Some(table) = self.resolve(name) {
                        self.drop_table(&table);
                    }
                }
                DropKind::Index => {
                    let found = self.catalog.indexes.find(name);
                    if let Some(id) = found.or_else(|| self.catalog.indexes.find_generated(name)) {
                        self.catalog.indexes.remove(id);
                    }
                }
                DropKind::Type => {
                    self.catalog.enums.remove(name);
                }
                DropKind::Sequence => self.drop_sequence(name),
                DropKind::View | DropKind::MaterializedView => {}
            }
        }
    }

    fn drop_table(&mut self, name: &QualifiedName) {
        self.remove_table(name);
        self.drop_owned_sequences(name, None);
        self.catalog.indexes.drop_table(name);
        self.catalog.triggers.drop_table(name);
        for holder in self.referencers(name) {
            if let Some(other) = self.tables.get_mut(&holder) {
                other.foreign_keys.retain(|fk| fk.referenced_table != *name);
            }
        }
    }
}

/// PostgreSQL's names for unnamed constraints, so that `DROP CONSTRAINT
/// users_email_key` finds an inline `UNIQUE`.
/// Whether `name` is PostgreSQL's default name for a constraint of
/// `table` on `columns`: `{table}_{columns}_{suffix}`, or `{table}_{suffix}`
/// without columns. Compared in place: a `DROP CONSTRAINT` asks it of
/// every unnamed constraint of its table, and printing each name was an
/// allocation per constraint per statement.
fn is_default_name(name: &str, table: &str, columns: &[Name], suffix: &str) -> bool {
    let Some(mut rest) = name.strip_prefix(table).and_then(|r| r.strip_prefix('_')) else {
        return false;
    };
    for column in columns {
        match rest
            .strip_prefix(column.as_str())
            .and_then(|r| r.strip_prefix('_'))
        {
            Some(after) => rest = after,
            None => return false,
        }
    }
    rest == suffix
}

/// Drops from `items` the constraint called `name`, explicitly or by
/// PostgreSQL's default name (`{table}_{columns}_{suffix}`).
fn drop_named<T>(
    items: &mut ThinVec<T>,
    table: &str,
    name: &str,
    suffix: &str,
    key: impl Fn(&T) -> (Option<&str>, &[Name]),
) {
    items.retain(|item| {
        let (explicit, columns) = key(item);
        match explicit {
            Some(explicit) => explicit != name,
            None => !is_default_name(name, table, columns, suffix),
        }
    });
}

/// The sequence of the column `add_column_to` just added, when it is a
/// serial one.
fn serial_of_added(name: &QualifiedName, table: &mut Table) -> Option<Sequence> {
    let column = table.columns.last_mut()?;
    sequences::serial_column(name, column)
}

/// Adds a column to a table (replacing one of its name); `false` when
/// `IF NOT EXISTS` found it there already.
fn add_column_to(table: &mut Table, column: Column, if_not_exists: bool) -> bool {
    if if_not_exists && table.column(&column.name).is_some() {
        return false;
    }
    table.columns.retain(|c| c.name != column.name);
    // One more column, not double the room: a table rarely gets many (and
    // a set of thousands of tables pays for every slot).
    table.columns.reserve_exact(1);
    table.columns.push(column);
    true
}
fn drop_constraint(table: &mut Table, name: &str) {
    let table_name = table.name.name.clone();
    let mut primary: ThinVec<Key> = table.primary_key.take().into_iter().collect();
    drop_named(&mut primary, &table_name, name, "pkey", |k| {
        (k.name.as_deref(), &[])
    });
    table.primary_key = primary.pop();
    drop_named(&mut table.uniques, &table_name, name, "key", |k| {
        (k.name.as_deref(), &k.columns[..])
    });
    drop_named(&mut table.foreign_keys, &table_name, name, "fkey", |fk| {
        (fk.name.as_deref(), &fk.columns[..])
    });
    drop_named(&mut table.checks, &table_name, name, "check", |c| {
        (c.name.as_deref(), c.column.as_slice())
    });
}

fn rename_constraint(table: &mut Table, old: &str, new: &str) {
    let keys = table.primary_key.iter_mut().chain(table.uniques.iter_mut());
    for key in keys.filter(|k| k.name.as_deref() == Some(old)) {
        key.name = Some(new.into());
    }
    for fk in table
        .foreign_keys
        .iter_mut()
        .filter(|fk| fk.name.as_deref() == Some(old))
    {
        fk.name = Some(new.into());
    }
}

#[cfg(test)]
mod tests {
    use super::{Name, is_default_name};

    #[test]
    fn default_names_are_recognised_in_place() {
        let cols = |c: &[&str]| c.iter().map(|&c| Name::new(c)).collect::<Vec<_>>();
        assert!(is_default_name("t_a_b_key", "t", &cols(&["a", "b"]), "key"));
        assert!(is_default_name("t_pkey", "t", &[], "pkey"));
        assert!(!is_default_name("t_a_key", "t", &cols(&["a", "b"]), "key"));
        assert!(!is_default_name("t_a_b_key", "t", &cols(&["a"]), "key"));
        assert!(!is_default_name(
            "t_a_b_fkey",
            "t",
            &cols(&["a", "b"]),
            "key"
        ));
        assert!(!is_default_name("tt_a_key", "t", &cols(&["a"]), "key"));
        assert!(!is_default_name("t_a_key", "t_a", &cols(&["a"]), "key"));
        assert!(is_default_name("t_a_a_key", "t_a", &cols(&["a"]), "key"));
        assert!(!is_default_name("t_key", "t", &cols(&["a"]), "key"));
    }
}
