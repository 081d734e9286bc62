//! Views: created, renamed, and dropped with what they read.

use super::Replay;
use super::links::Link;
use crate::model::View;
use crate::model::facts::DropKind;
use crate::model::names::QualifiedName;
use crate::source::Origin;

impl Replay {
    pub(super) fn create_view(&mut self, view: &View, if_not_exists: bool) {
        if if_not_exists && self.catalog.views.contains_key(&view.name) {
            return;
        }
        let mut view = view.clone();
        for read in &mut view.reads {
            if let Some(found) = self.resolve_relation(read) {
                *read = found;
            }
        }
        self.insert_view(view);
    }

    /// Every view that gets a new name in the catalog enters it here, and
    /// leaves by `remove_view`.
    fn insert_view(&mut self, view: View) {
        self.views_elsewhere.insert(&view.name);
        for read in &view.reads {
            self.links.add(Link::Readers, read, &view.name);
        }
        self.catalog.views.insert(view.name.clone(), view);
    }

    fn remove_view(&mut self, name: &QualifiedName) -> Option<View> {
        let view = self.catalog.views.remove(name)?;
        self.views_elsewhere.remove(name);
        Some(view)
    }

    /// The views that read `relation`, taken from `links` (give back those
    /// that still do with `links.restore`).
    pub(super) fn readers(&mut self, relation: &QualifiedName) -> Vec<QualifiedName> {
        self.activate_links();
        let views = &self.catalog.views;
        self.links.holders(Link::Readers, relation, |name| {
            views
                .get(name)
                .is_some_and(|view| view.reads.contains(relation))
        })
    }

    /// The catalog key of an existing view, found like a table's.
    fn resolve_view(&self, name: &QualifiedName) -> Option<QualifiedName> {
        if self.catalog.views.contains_key(name) {
            return Some(name.clone());
        }
        if name.schema.is_some() {
            return None;
        }
        self.views_elsewhere.only(&name.name).cloned()
    }

    /// A relation a view reads: a known table or view.
    fn resolve_relation(&self, name: &QualifiedName) -> Option<QualifiedName> {
        self.resolve(name).or_else(|| self.resolve_view(name))
    }

    /// `ALTER VIEW v RENAME TO w` (or `ALTER TABLE v RENAME TO w`).
    pub(super) fn rename_view(&mut self, old: &QualifiedName, new_name: &str, origin: &Origin) {
        let Some(old) = self.resolve_view(old) else {
            return;
        };
        // Looked up before the rename: the view itself may be one of them
        // (`CREATE OR REPLACE VIEW v AS … FROM v`), under its old name.
        let readers = self.readers(&old);
        let Some(mut view) = self.remove_view(&old) else {
            return;
        };
        // `RENAME TO` keeps the schema.
        let new = old.sibling(new_name.to_string());
        view.name = new.clone();
        view.name_origin = origin.clone();
        self.insert_view(view);
        for reader in readers {
            let reader = if reader == old { new.clone() } else { reader };
            let Some(other) = self.catalog.views.get_mut(&reader) else {
                continue;
            };
            for read in other.reads.iter_mut().filter(|r| **r == old) {
                *read = new.clone();
            }
            self.links.add(Link::Readers, &new, &reader);
        }
    }

    /// `DROP [MATERIALIZED] VIEW`, and the views a `DROP … CASCADE` of a
    /// table or view takes with it. Runs before the table is dropped.
    pub(super) fn drop_views(&mut self, kind: DropKind, names: &[QualifiedName], cascade: bool) {
        let dropped: Vec<QualifiedName> = names
            .iter()
            .filter_map(|name| match kind {
                DropKind::View | DropKind::MaterializedView => self.resolve_view(name),
                DropKind::Table if cascade => {
                    self.resolve_relation(name).or_else(|| Some(name.clone()))
                }
                _ => None,
            })
            .collect();
        for name in &dropped {
            self.remove_view(name);
        }
        if cascade {
            self.drop_readers(dropped);
        }
    }

    /// Drops every view that reads one of `gone`, and the views that read
    /// those, and so on.
    fn drop_readers(&mut self, mut gone: Vec<QualifiedName>) {
        while let Some(name) = gone.pop() {
            for reader in self.readers(&name) {
                self.remove_view(&reader);
                gone.push(reader);
            }
        }
    }
}
