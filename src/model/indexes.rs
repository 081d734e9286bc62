//! The indexes of a catalog, looked up by name and by table without
//! scanning (a 30,000-migration set has tens of thousands of indexes, and
//! every `CREATE INDEX` and every foreign key looks them up).

use std::collections::BTreeMap;

use rustc_hash::FxHashMap;

use super::{Index, QualifiedName};
use crate::source::Origin;

/// Indexes in creation order, with lookups by name and by table.
#[derive(Debug, Clone)]
pub struct Indexes {
    /// Boxed: a map node holds eleven entries, most of them half empty.
    all: BTreeMap<u64, Box<Index>>,
    /// The lookups are Fx-hashed (rustc's hasher: names are not chosen
    /// by an adversary, and SipHash cost a third of every `CREATE INDEX`);
    /// nothing iterates them.
    ///
    /// By the hash of the table's name (`name_hash`), not the name: the
    /// indexes of tables whose names hash alike share a list, and each
    /// index says its table. A set of 30,000 tables held a copy of every
    /// table's name here, in a map of 72-byte entries (4.7 MB).
    by_table: FxHashMap<u64, IdSet>,
    /// The lookups by name, which only a replay makes (`DROP INDEX`,
    /// `ALTER INDEX … RENAME`, `CREATE INDEX` of a taken name), made at
    /// its first question (see `Names`) and dropped when it ends
    /// (`finish_replay`): the rules that run while the catalog is held only
    /// ask for a table's indexes. Without them a lookup by name scans.
    names: Names,
    next: u64,
}

/// The lookups by name of a replay.
///
/// A history that creates tens of thousands of indexes and drops or
/// renames none held them at a cost of megabytes, to the end of its
/// replay, only to hear that each new index's name was free. So until a
/// statement asks for an index by a name that an index may hold, the
/// replay keeps only the hashes of the names it gave; the lookups are
/// made from the indexes then, and kept up from there.
#[derive(Debug, Clone)]
enum Names {
    Replay {
        /// The hash of every name an index was given (never removed: a
        /// stale hash only makes the lookups sooner).
        given: rustc_hash::FxHashSet<u64>,
        lookups: std::sync::OnceLock<NameLookups>,
    },
    /// The replay has ended.
    Done,
}

fn name_hash(name: &QualifiedName) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(name)
}

#[derive(Debug, Clone, Default)]
struct NameLookups {
    by_name: FxHashMap<QualifiedName, u64>,
    /// By the name without its schema (for `DROP INDEX name` after `SET
    /// search_path`).
    by_bare_name: FxHashMap<super::names::Name, IdSet>,
    /// Unnamed indexes by the name PostgreSQL gave them (`generated_name`,
    /// for `DROP INDEX users_email_idx`): looking for it among every index
    /// made a history of many unnamed indexes and many drops of names it
    /// does not hold quadratic (30,000 of each: 317 s).
    by_generated: FxHashMap<String, IdSet>,
}

impl Default for Indexes {
    fn default() -> Self {
        Indexes {
            all: BTreeMap::new(),
            by_table: FxHashMap::default(),
            names: Names::Replay {
                given: Default::default(),
                lookups: Default::default(),
            },
            next: 0,
        }
    }
}

impl NameLookups {
    fn link(&mut self, id: u64, index: &Index) {
        match &index.name {
            Some(name) => {
                self.by_name.insert(name.clone(), id);
                self.by_bare_name
                    .entry(name.name.clone())
                    .or_default()
                    .insert(id);
            }
            None => {
                if let Some(generated) = generated_name(index) {
                    self.by_generated.entry(generated).or_default().insert(id);
                }
            }
        }
    }

    fn unlink(&mut self, id: u64, index: &Index) {
        match &index.name {
            Some(name) => {
                if self.by_name.get(name) == Some(&id) {
                    self.by_name.remove(name);
                }
                if let Some(ids) = self.by_bare_name.get_mut(&name.name) {
                    ids.remove(&id);
                }
            }
            None => {
                if let Some(generated) = generated_name(index)
                    && let Some(ids) = self.by_generated.get_mut(&generated)
                {
                    ids.remove(&id);
                }
            }
        }
    }
}

/// Index ids in creation order: a sorted list, since most names and tables
/// have one index or a few (a one-element `BTreeSet` allocates a node of
/// eleven; a set of thousands of tables holds two per index). One id is
/// held in place, without an allocation of its own.
#[derive(Debug, Clone, Default)]
struct IdSet(smallvec::SmallVec<[u64; 1]>);

impl IdSet {
    fn insert(&mut self, id: u64) {
        if let Err(at) = self.0.binary_search(&id) {
            self.0.insert(at, id);
        }
    }

    fn remove(&mut self, id: &u64) {
        if let Ok(at) = self.0.binary_search(id) {
            self.0.remove(at);
        }
    }
}

impl IntoIterator for IdSet {
    type Item = u64;
    type IntoIter = smallvec::IntoIter<[u64; 1]>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.into_iter()
    }
}

impl<'a> IntoIterator for &'a IdSet {
    type Item = &'a u64;
    type IntoIter = std::slice::Iter<'a, u64>;

    fn into_iter(self) -> Self::IntoIter {
        self.0.iter()
    }
}

/// Which index: a handle valid until the index is removed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct IndexId(u64);

impl Indexes {
    pub fn iter(&self) -> impl Iterator<Item = &Index> {
        self.all.values().map(Box::as_ref)
    }

    /// The indexes of one table, in creation order.
    pub fn on_table<'a>(&'a self, table: &QualifiedName) -> impl Iterator<Item = &'a Index> + 'a {
        let table = table.clone();
        self.by_table
            .get(&name_hash(&table))
            .into_iter()
            .flatten()
            .filter_map(|id| self.all.get(id).map(Box::as_ref))
            .filter(move |index| index.table == table)
    }

    /// The ids of the indexes of one table, in creation order.
    fn ids_on_table(&self, table: &QualifiedName) -> Vec<u64> {
        let ids = self.by_table.get(&name_hash(table)).into_iter().flatten();
        let on_table = |id: &&u64| self.all.get(id).is_some_and(|index| index.table == *table);
        ids.filter(on_table).copied().collect()
    }

    /// Adds an index (replacing one of the same name).
    pub fn push(&mut self, index: Index) {
        self.push_boxed(Box::new(index));
    }

    /// `push`, for an index already in a box (a fact's).
    pub fn push_boxed(&mut self, index: Box<Index>) {
        if let Some(name) = &index.name
            && let Some(old) = self.id_named(name)
        {
            self.remove(IndexId(old));
        }
        let id = self.next;
        self.next += 1;
        self.link(id, &index);
        self.all.insert(id, index);
    }

    /// The replay has ended: the lookups by name go (see `names`).
    pub fn finish_replay(&mut self) {
        self.names = Names::Done;
    }

    /// The lookups by name, made now if no statement asked before; `None`
    /// once the replay has ended.
    fn lookups(&self) -> Option<&NameLookups> {
        match &self.names {
            Names::Replay { lookups, .. } => Some(lookups.get_or_init(|| {
                let mut made = NameLookups::default();
                for (id, index) in &self.all {
                    made.link(*id, index);
                }
                made
            })),
            Names::Done => None,
        }
    }

    fn link(&mut self, id: u64, index: &Index) {
        if let Names::Replay { given, lookups } = &mut self.names {
            if let Some(name) = &index.name {
                given.insert(name_hash(name));
            }
            if let Some(lookups) = lookups.get_mut() {
                lookups.link(id, index);
            }
        }
        self.by_table
            .entry(name_hash(&index.table))
            .or_default()
            .insert(id);
    }

    fn unlink(&mut self, id: u64, index: &Index) {
        if let Names::Replay { lookups, .. } = &mut self.names
            && let Some(lookups) = lookups.get_mut()
        {
            lookups.unlink(id, index);
        }
        let table = name_hash(&index.table);
        if let Some(ids) = self.by_table.get_mut(&table) {
            ids.remove(&id);
            if ids.0.is_empty() {
                self.by_table.remove(&table);
            }
        }
    }

    /// The index of that exact name.
    pub fn named(&self, name: &QualifiedName) -> Option<&Index> {
        self.id_named(name)
            .and_then(|id| self.all.get(&id).map(Box::as_ref))
    }

    /// The id of the index of that exact name: the newest, as a new index
    /// replaces one of its name.
    fn id_named(&self, name: &QualifiedName) -> Option<u64> {
        match &self.names {
            // A name never given is no index's (most `CREATE INDEX`s ask
            // so), without the lookups.
            Names::Replay { given, lookups }
                if lookups.get().is_none() && !given.contains(&name_hash(name)) =>
            {
                None
            }
            Names::Replay { .. } => self.lookups()?.by_name.get(name).copied(),
            Names::Done => self
                .all
                .iter()
                .rev()
                .find(|(_, index)| index.name.as_ref() == Some(name))
                .map(|(id, _)| *id),
        }
    }

    /// The id of the one index for which `wanted` holds, when there is
    /// exactly one.
    fn only_where(&self, wanted: impl Fn(&Index) -> bool) -> Option<u64> {
        let mut hits = self.all.iter().filter(|(_, index)| wanted(index));
        match (hits.next(), hits.next()) {
            (Some((id, _)), None) => Some(*id),
            _ => None,
        }
    }

    /// An unnamed index by the name PostgreSQL gave it
    /// (`{table}_{columns}_idx`, see `generated_name`), when exactly one
    /// unnamed index has that name.
    pub fn find_generated(&self, wanted: &QualifiedName) -> Option<IndexId> {
        let holds = |index: &Index| {
            index.name.is_none()
                && (wanted.schema.is_none() || wanted.schema == index.table.schema)
                && generated_name(index).as_deref() == Some(wanted.name.as_str())
        };
        let Some(names) = self.lookups() else {
            return self.only_where(holds).map(IndexId);
        };
        let ids = names.by_generated.get(wanted.name.as_str())?;
        let mut hits = ids
            .into_iter()
            .filter(|id| self.all.get(id).is_some_and(|index| holds(index)));
        match (hits.next(), hits.next()) {
            (Some(id), None) => Some(IndexId(*id)),
            _ => None,
        }
    }

    /// The index a statement names: exactly, or, unqualified, the only one
    /// of that name in any schema.
    pub fn find(&self, wanted: &QualifiedName) -> Option<IndexId> {
        if let Some(id) = self.id_named(wanted) {
            return Some(IndexId(id));
        }
        if wanted.schema.is_some() {
            return None;
        }
        let only = match self.lookups() {
            Some(names) => match names.by_bare_name.get(&wanted.name)?.0.as_slice() {
                [id] => Some(*id),
                _ => None,
            },
            None => {
                self.only_where(|index| index.name.as_ref().is_some_and(|n| n.name == wanted.name))
            }
        };
        only.map(IndexId)
    }

    pub fn get(&self, id: IndexId) -> Option<&Index> {
        self.all.get(&id.0).map(Box::as_ref)
    }

    pub fn remove(&mut self, id: IndexId) -> Option<Index> {
        let index = self.all.remove(&id.0)?;
        self.unlink(id.0, &index);
        Some(*index)
    }

    pub fn rename(&mut self, id: IndexId, new: QualifiedName, origin: Origin) {
        self.update(id, |index| {
            index.name = Some(new);
            index.name_origin = Some(origin);
        });
    }

    /// Changes one index, keeping the lookups right.
    fn update(&mut self, id: IndexId, change: impl FnOnce(&mut Index)) {
        let Some(mut index) = self.all.remove(&id.0) else {
            return;
        };
        self.unlink(id.0, &index);
        change(&mut index);
        self.link(id.0, &index);
        self.all.insert(id.0, index);
    }

    /// Every index of `table` (for renames of its columns).
    pub fn on_table_mut(&mut self, table: &QualifiedName, mut change: impl FnMut(&mut Index)) {
        // Through `update`: a column renamed changes an unnamed index's
        // generated name.
        for id in self.ids_on_table(table) {
            self.update(IndexId(id), &mut change);
        }
    }

    /// The table was renamed (or moved to another schema).
    pub fn move_table(&mut self, old: &QualifiedName, new: &QualifiedName) {
        for id in self.ids_on_table(old) {
            self.update(IndexId(id), |index| index.table = new.clone());
        }
    }

    /// The table was dropped: its indexes go with it.
    pub fn drop_table(&mut self, table: &QualifiedName) {
        for id in self.ids_on_table(table) {
            self.remove(IndexId(id));
        }
    }

    /// Keeps the indexes of `table` for which `keep` holds.
    pub fn retain_on_table(&mut self, table: &QualifiedName, keep: impl Fn(&Index) -> bool) {
        for id in self.ids_on_table(table) {
            if self.all.get(&id).is_some_and(|index| !keep(index)) {
                self.remove(IndexId(id));
            }
        }
    }
}

/// The triggers of a catalog, by table.
#[derive(Debug, Clone, Default)]
pub struct Triggers {
    by_table: BTreeMap<QualifiedName, TableTriggers>,
}

/// The triggers of one table, in the order they were created (a trigger
/// replaced goes last, as `CREATE OR REPLACE` leaves it), found by name
/// once there are many: a table may have any number, and removing one
/// from a list, or looking for its name along it, made a history of
/// thousands of triggers on one table quadratic. Most tables have a few,
/// for which a map costs more memory than a look along the list costs
/// time (a set of 30,000 tables with a trigger each).
#[derive(Debug, Clone, Default)]
struct TableTriggers {
    /// `None` where a trigger was dropped or replaced.
    list: Vec<Option<super::Trigger>>,
    /// Where each trigger is in `list`, by name: made once the list is
    /// longer than `FEW_TRIGGERS`.
    at: Option<FxHashMap<super::Name, usize>>,
}

/// Up to this many slots, a table's triggers are found by looking along
/// them.
const FEW_TRIGGERS: usize = 16;

impl TableTriggers {
    fn iter(&self) -> impl Iterator<Item = &super::Trigger> {
        self.list.iter().flatten()
    }

    /// Where the trigger called `name` is in `list`.
    fn find(&self, name: &str) -> Option<usize> {
        match &self.at {
            Some(at) => at.get(name).copied(),
            None => self
                .list
                .iter()
                .position(|t| t.as_ref().is_some_and(|t| t.name == name)),
        }
    }

    fn add(&mut self, trigger: super::Trigger) {
        self.remove(&trigger.name);
        if let Some(at) = &mut self.at {
            at.insert(trigger.name.clone(), self.list.len());
        }
        self.list.push(Some(trigger));
        if self.at.is_none() && self.list.len() > FEW_TRIGGERS {
            self.index();
        }
    }

    /// Makes `at` from `list`.
    fn index(&mut self) {
        let at = self
            .list
            .iter()
            .enumerate()
            .filter_map(|(at, t)| Some((t.as_ref()?.name.clone(), at)))
            .collect();
        self.at = Some(at);
    }

    fn remove(&mut self, name: &str) {
        let Some(found) = self.find(name) else {
            return;
        };
        if let Some(at) = &mut self.at {
            at.remove(name);
        }
        if let Some(slot) = self.list.get_mut(found) {
            *slot = None;
        }
        // Once most slots are empty, the list is made again without them
        // (once per as many removals as there are triggers left; without
        // `at`, the list has at most `FEW_TRIGGERS` slots).
        let empty = match &self.at {
            Some(at) => self.list.len() - at.len(),
            None => self.list.iter().filter(|t| t.is_none()).count(),
        };
        if empty > self.list.len() / 2 {
            self.list.retain(Option::is_some);
            if self.at.is_some() {
                self.index();
            }
        }
    }

    fn rename(&mut self, old: &str, new: &str) {
        let Some(found) = self.find(old) else {
            return;
        };
        // A trigger of the new name already there: PostgreSQL refuses the
        // rename, and the model keeps both as they are.
        if old != new && self.find(new).is_some() {
            return;
        }
        if let Some(Some(trigger)) = self.list.get_mut(found) {
            trigger.name = new.into();
        }
        if let Some(at) = &mut self.at {
            at.remove(old);
            at.insert(new.into(), found);
        }
    }
}

impl Triggers {
    pub fn iter(&self) -> impl Iterator<Item = &super::Trigger> {
        self.by_table.values().flat_map(TableTriggers::iter)
    }

    /// The triggers of `table`, in the order they were created.
    pub fn on_table<'a>(
        &'a self,
        table: &QualifiedName,
    ) -> impl Iterator<Item = &'a super::Trigger> + use<'a> {
        self.by_table
            .get(table)
            .into_iter()
            .flat_map(TableTriggers::iter)
    }

    /// Adds a trigger, replacing the table's trigger of the same name.
    pub fn add(&mut self, trigger: super::Trigger) {
        self.by_table
            .entry(trigger.table.clone())
            .or_default()
            .add(trigger);
    }

    /// `DROP TRIGGER name ON table`.
    pub fn remove(&mut self, table: &QualifiedName, name: &str) {
        if let Some(triggers) = self.by_table.get_mut(table) {
            triggers.remove(name);
        }
    }

    pub fn rename(&mut self, table: &QualifiedName, old: &str, new: &str) {
        if let Some(triggers) = self.by_table.get_mut(table) {
            triggers.rename(old, new);
        }
    }

    pub fn drop_table(&mut self, table: &QualifiedName) {
        self.by_table.remove(table);
    }

    pub fn move_table(&mut self, old: &QualifiedName, new: &QualifiedName) {
        if let Some(mut triggers) = self.by_table.remove(old) {
            for trigger in triggers.list.iter_mut().flatten() {
                trigger.table = new.clone();
            }
            self.by_table.insert(new.clone(), triggers);
        }
    }
}

/// The name PostgreSQL gives an unnamed index on plain columns:
/// `{table}_{col1}_{col2}_idx`, when it fits in 63 bytes (longer ones are
/// shortened part by part, which is not modelled).
pub fn generated_name(index: &Index) -> Option<String> {
    let columns: Option<Vec<&str>> = index.keys.iter().map(|k| k.column()).collect();
    let name = format!("{}_{}_idx", index.table.name, columns?.join("_"));
    (name.len() <= 63).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::{IdSet, Indexes};
    use crate::model::{Index, IndexKey, QualifiedName};
    use crate::source::{FileId, Origin};

    /// A table's triggers, few or many (past `FEW_TRIGGERS` they are
    /// found by a map, and compacted as they go), behave as a list that
    /// replaces by name, drops by name, and renames unless the new name
    /// is taken.
    #[test]
    fn triggers_by_name_behave_as_a_list() {
        use super::Triggers;
        use crate::model::Trigger;
        let table = QualifiedName::unqualified("t".to_string());
        let trigger = |name: &str, version: usize| Trigger {
            name: name.into(),
            table: table.clone(),
            timing: None,
            events: Vec::new(),
            update_of: Vec::new(),
            for_each_row: version.is_multiple_of(2),
            function: None,
            origin: Origin::new(FileId(0), version..version),
        };
        for seed in 0..40u64 {
            let mut next = crate::testing::random(seed);
            let names = 4 + 10 * (seed % 5);
            let mut triggers = Triggers::default();
            let mut list: Vec<(String, usize)> = Vec::new();
            for step in 0..400 {
                let name = format!("g{}", next(names));
                match next(3) {
                    0 => {
                        triggers.add(trigger(&name, step));
                        list.retain(|(n, _)| *n != name);
                        list.push((name, step));
                    }
                    1 => {
                        triggers.remove(&table, &name);
                        list.retain(|(n, _)| *n != name);
                    }
                    _ => {
                        let new = format!("g{}", next(names));
                        triggers.rename(&table, &name, &new);
                        let taken = name != new && list.iter().any(|(n, _)| *n == new);
                        if !taken && let Some(found) = list.iter_mut().find(|(n, _)| *n == name) {
                            found.0 = new;
                        }
                    }
                }
                let got: Vec<(String, usize)> = triggers
                    .on_table(&table)
                    .map(|t| (t.name.to_string(), t.origin.span().start))
                    .collect();
                assert_eq!(got, list, "seed {seed}, step {step}");
            }
        }
    }

    #[test]
    fn id_sets_stay_sorted_and_distinct() {
        let mut ids = IdSet::default();
        for id in [5, 2, 9, 2, 7] {
            ids.insert(id);
        }
        assert_eq!(
            (&ids).into_iter().copied().collect::<Vec<_>>(),
            [2, 5, 7, 9]
        );
        ids.remove(&7);
        ids.remove(&8);
        assert_eq!(ids.into_iter().collect::<Vec<_>>(), [2, 5, 9]);
    }

    fn index(schema: Option<&str>, name: Option<&str>, table: &str) -> Index {
        let origin = Origin::new(FileId::new(0), 0..1);
        Index {
            name: name.map(|n| QualifiedName::new(schema, n)),
            name_origin: name.map(|_| origin.clone()),
            table: QualifiedName::new(schema, table),
            keys: [IndexKey::Column("id".into())].into(),
            unique: false,
            method: Default::default(),
            predicate: None,
            include: crate::model::ThinVec::new(),
            origin,
        }
    }

    /// What every lookup by name answers, for names that hit, miss and
    /// are ambiguous without their schema.
    fn answers(indexes: &Indexes) -> Vec<Option<(Option<String>, String)>> {
        let wanted = [
            QualifiedName::new(None::<&str>, "idx_a"),
            QualifiedName::new(Some("s"), "idx_a"),
            QualifiedName::new(None::<&str>, "idx_b"),
            QualifiedName::new(Some("t"), "idx_b"),
            QualifiedName::new(None::<&str>, "idx_shared"),
            QualifiedName::new(Some("s"), "idx_shared"),
            QualifiedName::new(None::<&str>, "idx_gone"),
            QualifiedName::new(None::<&str>, "t_id_idx"),
        ];
        wanted
            .iter()
            .map(|name| {
                let found = indexes.find(name).or_else(|| indexes.find_generated(name));
                let named = indexes.named(name).map(|i| i.table.to_string());
                found
                    .and_then(|id| indexes.get(id))
                    .map(|i| (named, i.table.to_string()))
            })
            .collect()
    }

    /// A table's indexes are found by the hash of its name, in lists that
    /// tables whose names hash alike share: through creates, renames and
    /// drops of many tables, each table's indexes are exactly those that
    /// name it, in creation order.
    #[test]
    fn indexes_on_a_table_follow_its_renames_and_drops() {
        let mut next = crate::testing::random(7);
        let table = |n: u64| QualifiedName::new(None::<&str>, format!("t{n}"));
        let mut indexes = Indexes::default();
        for step in 0..3000u64 {
            let t = table(next(300));
            match next(10) {
                0 => indexes.drop_table(&t),
                1 => indexes.move_table(&t, &table(next(300))),
                2 => indexes.retain_on_table(&t, |index| index.keys.len() % 2 == 0),
                _ => indexes.push(index(None, Some(&format!("i{step}")), &t.name)),
            }
            if step % 100 == 0 {
                indexes.on_table_mut(&t, |index| index.keys.push(IndexKey::Column("k".into())));
            }
        }
        for n in 0..300 {
            let t = table(n);
            let found: Vec<_> = indexes.on_table(&t).map(|i| i.name.clone()).collect();
            let scanned: Vec<_> = indexes
                .iter()
                .filter(|i| i.table == t)
                .map(|i| i.name.clone())
                .collect();
            assert_eq!(found, scanned, "table {n}");
        }
        assert!(indexes.iter().count() > 100);
    }

    /// A replay looks indexes up by name in maps; once it ends the maps go
    /// and a lookup scans: the answers stay the same.
    #[test]
    fn lookups_by_name_answer_alike_after_the_replay() {
        let mut indexes = Indexes::default();
        indexes.push(index(Some("s"), Some("idx_a"), "a"));
        indexes.push(index(Some("t"), Some("idx_b"), "b"));
        indexes.push(index(Some("s"), Some("idx_shared"), "c"));
        indexes.push(index(Some("t"), Some("idx_shared"), "d"));
        indexes.push(index(None, Some("idx_gone"), "e"));
        indexes.push(index(None, None, "t"));
        // A new index of a taken name replaces the old one.
        indexes.push(index(Some("s"), Some("idx_a"), "a2"));
        let gone = indexes.find(&QualifiedName::new(None::<&str>, "idx_gone"));
        assert!(gone.is_some_and(|id| indexes.remove(id).is_some()));
        let during = answers(&indexes);
        assert_eq!(
            during.iter().filter(|a| a.is_some()).count(),
            6,
            "{during:?}"
        );
        indexes.finish_replay();
        assert_eq!(answers(&indexes), during);
        assert_eq!(indexes.iter().count(), 5);
    }

    /// A replay makes its lookups by name at the first question (see
    /// `Names`). One that made them at its start and one that made them
    /// late answer alike, at every step from the late one's first question
    /// on and after the replay: creates, table drops and renames before
    /// it, then lookups, drops and renames (onto taken names too, which
    /// PostgreSQL refuses and the model does not).
    #[test]
    fn lookups_made_late_answer_as_those_made_at_the_start() {
        for seed in 0..40u64 {
            let mut next = crate::testing::random(seed);
            let schemas = [None, Some("s"), Some("t")];
            let mut early = Indexes::default();
            assert!(early.lookups().is_some());
            let mut late = Indexes::default();
            let first_question = 20 + next(200);
            for step in 0..300 {
                let schema = schemas[next(3) as usize];
                let name = format!("idx_{}", next(6));
                let table = QualifiedName::new(schema, format!("t{}", next(4)));
                let asks = step >= first_question;
                let change = |indexes: &mut Indexes, kind: u64| match kind {
                    0 => indexes.push(index(schema, Some(&name), &table.name)),
                    1 => indexes.push(index(schema, None, &table.name)),
                    2 => indexes.drop_table(&table),
                    3 => indexes.move_table(&table, &table.sibling("t0".to_string())),
                    4 => {
                        let wanted = QualifiedName::new(schema, name.clone());
                        let found = indexes
                            .find(&wanted)
                            .or_else(|| indexes.find_generated(&wanted));
                        if let Some(id) = found {
                            indexes.remove(id);
                        }
                    }
                    _ => {
                        let wanted = QualifiedName::new(None::<&str>, name.clone());
                        if let Some(id) = indexes.find(&wanted) {
                            let renamed = table.sibling(format!("idx_{}", step % 6));
                            indexes.rename(id, renamed, Origin::new(FileId::new(0), 0..1));
                        }
                    }
                };
                let kind = next(if asks { 6 } else { 4 });
                change(&mut early, kind);
                change(&mut late, kind);
                if asks {
                    assert_eq!(lookups(&late), lookups(&early), "seed {seed}, step {step}");
                }
            }
            let found = lookups(&early).into_iter().flatten().count();
            assert!(found > 2, "seed {seed}: {found}");
            early.finish_replay();
            late.finish_replay();
            assert_eq!(lookups(&late), lookups(&early), "seed {seed}");
        }
    }

    /// What `find`, `find_generated` and `named` answer for every name of
    /// the test above, with every index and its name.
    fn lookups(indexes: &Indexes) -> Vec<Option<String>> {
        let shown = |index: &Index| format!("{:?} on {}", index.name, index.table);
        let mut answers: Vec<Option<String>> = indexes.iter().map(|i| Some(shown(i))).collect();
        for schema in [None, Some("s"), Some("t")] {
            for n in 0..6 {
                let wanted = QualifiedName::new(schema, format!("idx_{n}"));
                answers.push(
                    indexes
                        .find(&wanted)
                        .and_then(|id| indexes.get(id))
                        .map(shown),
                );
                answers.push(indexes.named(&wanted).map(shown));
            }
            for t in 0..4 {
                let wanted = QualifiedName::new(schema, format!("t{t}_id_idx"));
                let found = indexes.find_generated(&wanted);
                answers.push(found.and_then(|id| indexes.get(id)).map(shown));
            }
        }
        answers
    }

    /// An unnamed index is found by its generated name through a map
    /// while the replay runs, by a scan after: the name follows a renamed
    /// table and a renamed column either way, and two unnamed indexes of
    /// one generated name answer nothing.
    #[test]
    fn generated_names_follow_renames_during_and_after_the_replay() {
        let name = |n: &str| QualifiedName::new(None::<&str>, n);
        let mut indexes = Indexes::default();
        indexes.push(index(None, None, "t"));
        indexes.push(index(Some("s"), None, "u"));
        indexes.move_table(&name("t"), &name("v"));
        indexes.on_table_mut(&name("v"), |index| {
            index.keys = [IndexKey::Column("code".into())].into();
        });
        let finds = |indexes: &Indexes| {
            ["t_id_idx", "v_id_idx", "v_code_idx", "u_id_idx"]
                .map(|wanted| indexes.find_generated(&name(wanted)).is_some())
        };
        assert_eq!(finds(&indexes), [false, false, true, true]);
        indexes.push(index(Some("r"), None, "u"));
        assert!(
            indexes.find_generated(&name("u_id_idx")).is_none(),
            "two of them"
        );
        let in_s = QualifiedName::new(Some("s"), "u_id_idx");
        assert!(indexes.find_generated(&in_s).is_some());
        let during = (finds(&indexes), indexes.find_generated(&in_s));
        indexes.finish_replay();
        assert_eq!((finds(&indexes), indexes.find_generated(&in_s)), during);
    }
}
