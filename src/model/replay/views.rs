//! Views: created, renamed, and dropped with what they read.

use super::Replay;
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
        self.catalog.views.insert(view.name.clone(), view);
    }

    /// The catalog key of an existing view, found like a table's.
    fn resolve_view(&self, name: &QualifiedName) -> Option<QualifiedName> {
        if self.catalog.views.contains_key(name) {
            return Some(name.clone());
        }
        if name.schema.is_some() {
            return None;
        }
        let mut matches = self.catalog.views.keys().filter(|k| k.name == name.name);
        match (matches.next(), matches.next()) {
            (Some(only), None) => Some(only.clone()),
            _ => None,
        }
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
        let Some(mut view) = self.catalog.views.remove(&old) else {
            return;
        };
        // `RENAME TO` keeps the schema.
        let new = old.sibling(new_name.to_string());
        view.name = new.clone();
        view.name_origin = origin.clone();
        self.catalog.views.insert(new.clone(), view);
        for other in self.catalog.views.values_mut() {
            for read in other.reads.iter_mut().filter(|r| **r == old) {
                *read = new.clone();
            }
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
            self.catalog.views.remove(name);
        }
        if cascade {
            self.drop_readers(dropped);
        }
    }

    /// Drops every view that reads one of `gone`, and the views that read
    /// those, and so on.
    fn drop_readers(&mut self, mut gone: Vec<QualifiedName>) {
        while let Some(name) = gone.pop() {
            let readers: Vec<QualifiedName> = self
                .catalog
                .views
                .values()
                .filter(|view| view.reads.contains(&name))
                .map(|view| view.name.clone())
                .collect();
            for reader in readers {
                self.catalog.views.remove(&reader);
                gone.push(reader);
            }
        }
    }
}
