//! Who points at a table, by name: the tables whose foreign keys reference
//! it, the sequences it owns, and the views that read it (or read a view);
//! which tables have a column of a type (an enum renamed); and which have a
//! column whose default calls `nextval` on a sequence (a sequence renamed).
//!
//! Without these a `DROP COLUMN`, `RENAME COLUMN`, `RENAME TO` or `DROP
//! TABLE` looked at every table and every sequence of the set for what
//! pointed at the one it changed: a history of 30,000 migrations that each
//! drop and rename a column took 45 s where one without took 2.5; one of
//! 30,000 views, each `DROP VIEW … CASCADE` looked at every view, and each
//! `ALTER TYPE … RENAME` and `ALTER SEQUENCE … RENAME` at every column
//! (10,000 sequence renames in a set of 10,000 tables: 5 s).
//!
//! The lists hold candidates, not facts. An entry is added wherever a
//! pointer is made (a foreign key added or moved, a sequence given an
//! owner) and never removed when one goes away, so an entry may be stale:
//! its holder gone, renamed, or no longer pointing there. Each use checks
//! the holder (`holders`), and keeps only those that still point, so the
//! lists stay as long as what they list.

use rustc_hash::FxHashMap;

use crate::model::names::{Name, QualifiedName};

/// Made on first use (`Replay::links`): a history that never drops or
/// renames a table, a column or a sequence owner (most) does not pay for
/// them.
#[derive(Default)]
pub(super) struct Links {
    /// Whether the lists are kept: until the first question, `add` does
    /// nothing, and the first question lists the catalog as it is.
    pub(super) active: bool,
    /// The same for `nextval_users`, on their own: only a sequence's
    /// rename asks for them, and a history that drops and renames much
    /// (so has the other lists) but renames no sequence has a serial
    /// column in most tables.
    pub(super) nextval_active: bool,
    /// Referenced table → tables whose foreign keys may reference it.
    referencers: FxHashMap<QualifiedName, Vec<QualifiedName>>,
    /// Table → sequences it may own.
    owned: FxHashMap<QualifiedName, Vec<QualifiedName>>,
    /// Table or view → views that may read it.
    readers: FxHashMap<QualifiedName, Vec<QualifiedName>>,
    /// A type outside PostgreSQL's (unqualified) → tables that may have a
    /// column of it.
    type_users: FxHashMap<QualifiedName, Vec<QualifiedName>>,
    /// Sequence (as the default names it) → tables that may have a column
    /// whose default calls `nextval` on it.
    nextval_users: FxHashMap<QualifiedName, Vec<QualifiedName>>,
}

/// Which list.
#[derive(Clone, Copy)]
pub(super) enum Link {
    /// Tables with a foreign key to the table.
    Referencers,
    /// Sequences owned by the table.
    Owned,
    /// Views that read the table or view.
    Readers,
    /// Tables with a column of the type (an enum, a domain).
    TypeUsers,
    /// Tables with a column whose default calls `nextval` on the sequence.
    NextvalUsers,
}

impl Links {
    fn lists(&mut self, link: Link) -> &mut FxHashMap<QualifiedName, Vec<QualifiedName>> {
        match link {
            Link::Referencers => &mut self.referencers,
            Link::Owned => &mut self.owned,
            Link::Readers => &mut self.readers,
            Link::TypeUsers => &mut self.type_users,
            Link::NextvalUsers => &mut self.nextval_users,
        }
    }

    /// `holder` (now) points at `target`.
    pub(super) fn add(&mut self, link: Link, target: &QualifiedName, holder: &QualifiedName) {
        if !self.is_active(link) {
            return;
        }
        let list = self.lists(link).entry(target.clone()).or_default();
        if list.last() != Some(holder) {
            list.push(holder.clone());
        }
    }

    /// Whether `link`'s lists are kept (see `active`).
    pub(super) fn is_active(&self, link: Link) -> bool {
        match link {
            Link::NextvalUsers => self.nextval_active,
            _ => self.active,
        }
    }

    /// The holders that still point at `target` by `link`, as `points`
    /// says, each once; the list keeps only those. Taken out, so that the
    /// caller can change the catalog while it goes through them: it gives
    /// them back with `restore` if they keep pointing there.
    /// (`active` must be set, and the lists made, before.)
    pub(super) fn holders(
        &mut self,
        link: Link,
        target: &QualifiedName,
        points: impl Fn(&QualifiedName) -> bool,
    ) -> Vec<QualifiedName> {
        let Some(mut list) = self.lists(link).remove(target) else {
            return Vec::new();
        };
        list.sort_unstable();
        list.dedup();
        list.retain(|holder| points(holder));
        list
    }

    /// Gives back the holders of `target` that `holders` took.
    pub(super) fn restore(&mut self, link: Link, target: &QualifiedName, list: Vec<QualifiedName>) {
        if list.is_empty() {
            return;
        }
        self.lists(link)
            .entry(target.clone())
            .or_default()
            .extend(list);
    }
}

/// The names in a schema other than `public`, by their bare name: how an
/// unqualified name that is not a `public` one finds the only table (or
/// view) of that name elsewhere (`users` for `auth.users`). Kept exactly
/// as the names come and go, so that such a lookup does not go through
/// every name of the set.
#[derive(Default)]
pub(super) struct Elsewhere(FxHashMap<Name, Vec<QualifiedName>>);

impl Elsewhere {
    pub(super) fn insert(&mut self, name: &QualifiedName) {
        if name.schema.is_none() {
            return;
        }
        let list = self.0.entry(name.name.clone()).or_default();
        if !list.contains(name) {
            list.push(name.clone());
        }
    }

    pub(super) fn remove(&mut self, name: &QualifiedName) {
        if let Some(list) = self.0.get_mut(&name.name) {
            list.retain(|n| n != name);
            if list.is_empty() {
                self.0.remove(&name.name);
            }
        }
    }

    /// The only name elsewhere whose bare name is `bare`.
    pub(super) fn only(&self, bare: &str) -> Option<&QualifiedName> {
        match self.0.get(bare).map(Vec::as_slice) {
            Some([only]) => Some(only),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(n: &str) -> QualifiedName {
        QualifiedName::unqualified(n.to_string())
    }

    #[test]
    fn stale_and_repeated_holders_are_dropped_on_use() {
        let mut links = Links {
            active: true,
            ..Links::default()
        };
        for holder in ["b", "c", "b", "gone", "c"] {
            links.add(Link::Referencers, &name("a"), &name(holder));
        }
        let live = |h: &QualifiedName| h.name != "gone";
        let holders = links.holders(Link::Referencers, &name("a"), live);
        assert_eq!(holders, [name("b"), name("c")]);
        assert!(
            links
                .holders(Link::Referencers, &name("a"), live)
                .is_empty()
        );
        links.restore(Link::Referencers, &name("a"), holders);
        assert_eq!(links.holders(Link::Referencers, &name("a"), live).len(), 2);
        assert!(links.holders(Link::Owned, &name("a"), live).is_empty());
    }

    #[test]
    fn a_bare_name_finds_the_only_one_elsewhere() {
        let in_schema = |s: &str, n: &str| QualifiedName::new(Some(s), n);
        let mut elsewhere = Elsewhere::default();
        elsewhere.insert(&name("users"));
        assert_eq!(elsewhere.only("users"), None, "public names are not kept");
        elsewhere.insert(&in_schema("auth", "users"));
        elsewhere.insert(&in_schema("auth", "users"));
        assert_eq!(elsewhere.only("users"), Some(&in_schema("auth", "users")));
        elsewhere.insert(&in_schema("app", "users"));
        assert_eq!(elsewhere.only("users"), None, "two of them");
        elsewhere.remove(&in_schema("auth", "users"));
        assert_eq!(elsewhere.only("users"), Some(&in_schema("app", "users")));
        elsewhere.remove(&in_schema("app", "users"));
        assert!(elsewhere.0.is_empty());
    }
}
