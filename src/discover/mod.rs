//! Pipeline step 1: find the migration files under the paths the user
//! named, group them into migration sets the way each migration tool sees
//! them, and order each set's files as the tool applies them.
//!
//! - [`walk`] finds the `.sql` files (regular files only);
//! - [`place`] finds each file's set root (a `migration_lock.toml`, a
//!   `sqitch.plan`, migration folders, …) or says why it is not a
//!   migration;
//! - [`list`] reads each set the way its layout says and orders it;
//! - [`layout`] is the table of layout facts all of them read.
//!
//! A file the user named is reported on; the rest of its set is loaded as
//! context, so that rules judge the schema the whole set produces.

pub(crate) mod layout;
mod list;
mod place;
pub(crate) mod plans;
mod walk;

use std::collections::BTreeMap;
use std::path::{Component, Path, PathBuf};

use rustc_hash::FxHashMap;

pub use layout::{FileName, Layout, Order, Role, Version};
pub use list::SetConfig;
pub use walk::located;

use crate::diagnostic::InputError;
use crate::source::canonical;
use list::{Listing, slashed};
use place::{Anchor, Finder, Place};

/// One migration file of a set.
#[derive(Debug, Clone)]
pub struct MigrationFile {
    /// The path as the user named it, or as found under a path they named.
    /// Shared with the loaded file's `SourceFile::path`.
    pub path: std::sync::Arc<Path>,
    /// The path with its folder resolved (links, `..`): what buffers and
    /// the cache's entries are keyed by. Emptied once the files are loaded
    /// (`load::load_ahead`), the only step that reads it.
    pub resolved: Box<Path>,
    pub name: FileName,
    /// Whether findings in this file are reported (false: context only).
    pub reported: bool,
}

/// Something about a set's plan worth a warning (`migration-layout`): a
/// file its tool would not apply, a plan entry without a script, a layout
/// that is only a guess.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanNote {
    /// A migration of the set, or a plan file (`sqitch.plan`,
    /// `meta/_journal.json`), or a file the tool does not apply.
    pub path: PathBuf,
    /// 1-based line, when the note is about one line of a plan file.
    pub line: Option<usize>,
    pub message: String,
    pub help: String,
    /// A guess at the layout from file names, void when the files' own
    /// markers tell the layout.
    pub guess: bool,
}

/// A `.sql` file that is not a migration, and what it is instead.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// The migrations of one set, in the order the migration tool applies them.
#[derive(Debug, Clone)]
pub struct MigrationSet {
    pub root: PathBuf,
    pub layout: Layout,
    /// What the layout was recognised by (`migration_lock.toml`, file
    /// names, the config).
    pub evidence: String,
    /// The config said the layout.
    pub configured: bool,
    pub order: Order,
    pub files: Vec<MigrationFile>,
    pub notes: Vec<PlanNote>,
    /// The user named a folder holding the set (not only files of it):
    /// findings about the set as a whole are reported.
    pub walked: bool,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub sets: Vec<MigrationSet>,
    /// `.sql` files found or named that are not migrations.
    pub skipped: Vec<Skipped>,
    pub errors: Vec<InputError>,
}

/// How discovery is tuned by configuration.
pub struct Options<'a> {
    /// A layout the user chose for every set instead of recognising it.
    pub layout: Option<Layout>,
    /// `[[sets]]` entries: roots whose layout and files the user says.
    pub sets: &'a [SetConfig],
    /// Paths to leave out (configuration `exclude`).
    pub exclude: &'a (dyn Fn(&Path) -> bool + Sync),
    /// Files that exist only as text (an editor's unsaved buffer, stdin),
    /// by resolved path: found as if they were on disk.
    pub buffers: &'a crate::load::Buffers,
}

static NO_BUFFERS: crate::load::Buffers = crate::load::Buffers::new();

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            layout: None,
            sets: &[],
            exclude: &|_| false,
            buffers: &NO_BUFFERS,
        }
    }
}

/// A set root found while placing files, and how to show it.
struct Root {
    shown: PathBuf,
    anchor: Anchor,
    walked: bool,
}

/// Finds the migration sets for `paths`.
pub fn discover(paths: &[PathBuf], options: &Options<'_>) -> Discovery {
    let mut discovery = Discovery::default();
    let configured: Vec<PathBuf> = options.sets.iter().map(|s| canonical(&s.root)).collect();
    let mut finder = Finder::new(&configured);
    // Files to report, by resolved path, with the path as the user named it.
    let mut reported: FxHashMap<PathBuf, PathBuf> = FxHashMap::default();
    let mut roots: BTreeMap<PathBuf, Root> = BTreeMap::new();

    for path in paths {
        for found in walk::files_under(
            path,
            options.exclude,
            options.buffers,
            &mut discovery.errors,
        ) {
            match finder.place(&found.canonical) {
                Place::Set { root, anchor } => {
                    let depth = found
                        .canonical
                        .strip_prefix(&root)
                        .map_or(1, |r| r.components().count());
                    let entry = roots.entry(root.clone()).or_insert_with(|| Root {
                        shown: shown_ancestor(&found.shown, depth, &root),
                        anchor,
                        walked: false,
                    });
                    entry.walked |= found.walked;
                    reported.entry(found.canonical).or_insert(found.shown);
                }
                Place::Skip(reason) => discovery.skipped.push(Skipped {
                    path: found.shown,
                    reason,
                }),
            }
        }
    }
    merge_recursive_roots(&mut roots);
    skip_files_beside_sets(&mut roots, &reported, &mut discovery.skipped);

    for (root, found) in roots {
        let config = match found.anchor {
            Anchor::Configured(index) => options.sets.get(index),
            _ => None,
        };
        let disk = list::Disk {
            buffers: options.buffers,
        };
        let listing = list::list(&disk, &root, &found.anchor, config, options.layout);
        let mut set = migration_set(
            &root,
            found.shown,
            listing,
            &reported,
            options,
            &mut discovery,
        );
        set.walked = found.walked;
        if !set.files.is_empty() || !set.notes.is_empty() {
            discovery.sets.push(set);
        }
    }
    // A file skipped while walking may be skipped again by its set's
    // listing: say it once.
    discovery.skipped.sort();
    discovery.skipped.dedup_by(|a, b| a.path == b.path);
    // A FIFO found while walking is found again when its set is listed.
    discovery.errors.sort();
    discovery.errors.dedup_by(|a, b| a.path == b.path);
    discovery
}

/// Turns a listing (paths relative to the root) into a set of shown paths,
/// marking the files the user named.
fn migration_set(
    root: &Path,
    shown_root: PathBuf,
    listing: Listing,
    reported: &FxHashMap<PathBuf, PathBuf>,
    options: &Options<'_>,
    discovery: &mut Discovery,
) -> MigrationSet {
    // Compared once: a path's `==` compares its components.
    let bare = is_bare_root(&shown_root);
    let shown = |relative: &Path| join_shown_in(&shown_root, bare, relative);
    let mut files = Vec::with_capacity(listing.files.len());
    for listed in listing.files {
        let resolved = joined(root, &listed.relative);
        let (path, is_reported) = match reported.get(&resolved) {
            Some(named) => (named.clone(), true),
            None => (shown(&listed.relative), false),
        };
        if (options.exclude)(&path) {
            continue;
        }
        files.push(MigrationFile {
            path: path.into(),
            resolved: resolved.into_boxed_path(),
            name: listed.name,
            reported: is_reported,
        });
    }
    for (path, message) in listing.unreadable {
        let shown_path = path.strip_prefix(root).map(&shown).unwrap_or(path);
        discovery.errors.push(InputError::new(shown_path, message));
    }
    discovery
        .skipped
        .extend(listing.skipped.into_iter().map(|s| Skipped {
            path: shown(&s.relative),
            reason: s.reason,
        }));
    let notes = listing
        .notes
        .into_iter()
        .map(|note| PlanNote {
            path: shown(&note.relative),
            line: note.line,
            message: note.message,
            help: note.help,
            guess: note.guess,
        })
        .collect();
    MigrationSet {
        root: shown_root,
        layout: listing.layout,
        evidence: listing.evidence,
        configured: listing.configured,
        order: listing.order,
        files,
        notes,
        walked: false,
    }
}

/// The root of a file `depth` folders up, written the way the user wrote
/// the file's path (relative stays relative); the resolved root when the
/// written path cannot say it.
fn shown_ancestor(shown: &Path, depth: usize, resolved: &Path) -> PathBuf {
    let components: Vec<Component<'_>> = shown.components().collect();
    if components.len() > depth {
        let kept = &components[..components.len() - depth];
        return kept.iter().collect();
    }
    let climbs = depth - components.len();
    if components
        .iter()
        .any(|c| matches!(c, Component::ParentDir | Component::RootDir))
    {
        return resolved.to_path_buf();
    }
    let mut path = PathBuf::from(".");
    for _ in 0..climbs {
        path.push("..");
    }
    path
}

/// `join_shown_in`, for a root looked at once.
#[cfg(test)]
fn join_shown(root: &Path, relative: &Path) -> PathBuf {
    join_shown_in(root, is_bare_root(root), relative)
}

/// `root` joined with `relative`, where `relative` may climb (`../x`) out
/// of a root written with named folders: `db/changelog/../master.yaml` is
/// shown as `db/master.yaml`. `bare`: `root` is `.` or empty
/// (`is_bare_root`), told by the caller, which joins a whole set to it.
fn join_shown_in(root: &Path, bare: bool, relative: &Path) -> PathBuf {
    // Most files of a set are a bare name in its root: one join.
    let mut parts = relative.components();
    if let (Some(Component::Normal(name)), None) = (parts.next(), parts.next()) {
        return if bare {
            PathBuf::from(name)
        } else {
            joined(root, name)
        };
    }
    join_components(root, relative)
}

/// Whether files in `root` are shown without it: `.` or nothing.
fn is_bare_root(root: &Path) -> bool {
    root.as_os_str().is_empty() || root == Path::new(".")
}

/// `base.join(tail)`, allocated once: `join` copies `base` at its own
/// length and grows the copy for `tail`, and discovery joins a few paths
/// for every file of a set.
fn joined(base: &Path, tail: impl AsRef<Path>) -> PathBuf {
    let tail = tail.as_ref();
    let mut path = PathBuf::with_capacity(base.as_os_str().len() + 1 + tail.as_os_str().len());
    path.push(base);
    path.push(tail);
    path
}

/// `join_shown`, component by component.
fn join_components(root: &Path, relative: &Path) -> PathBuf {
    let mut joined = if root == Path::new(".") {
        PathBuf::new()
    } else {
        root.to_path_buf()
    };
    for component in relative.components() {
        let climbs_named = matches!(component, Component::ParentDir)
            && matches!(joined.components().next_back(), Some(Component::Normal(_)));
        if climbs_named {
            joined.pop();
        } else {
            joined.push(component);
        }
    }
    if joined.as_os_str().is_empty() {
        PathBuf::from(".")
    } else {
        joined
    }
}

/// Flyway and refinery read their location folder recursively: a flat set
/// below another flat set of versioned `V…__` files is part of it.
fn merge_recursive_roots(roots: &mut BTreeMap<PathBuf, Root>) {
    let flat: Vec<PathBuf> = roots
        .iter()
        .filter(|(_, r)| r.anchor == Anchor::Flat)
        .map(|(path, _)| path.clone())
        .collect();
    for inner in &flat {
        let outer = flat
            .iter()
            .filter(|outer| *outer != inner && inner.starts_with(outer))
            .min_by_key(|outer| outer.components().count());
        if let Some(outer) = outer
            && holds_versioned_flyway(outer)
            && holds_versioned_flyway(inner)
        {
            roots.remove(inner);
        }
    }
}

fn holds_versioned_flyway(dir: &Path) -> bool {
    std::fs::read_dir(dir).is_ok_and(|entries| {
        entries.filter_map(Result::ok).any(|entry| {
            let name = entry.file_name().to_string_lossy().into_owned();
            let parsed = layout::classify(&name);
            parsed.hint == Layout::Flyway && parsed.version.is_some()
        })
    })
}

/// A folder whose `.sql` files have no version, beside (above) a
/// migration set, holds a schema dump or seed data (`db/schema.sql` next
/// to `db/migrations/`), not migrations: those files are skipped, and said
/// so.
fn skip_files_beside_sets(
    roots: &mut BTreeMap<PathBuf, Root>,
    reported: &FxHashMap<PathBuf, PathBuf>,
    skipped: &mut Vec<Skipped>,
) {
    let all: Vec<PathBuf> = roots.keys().cloned().collect();
    for candidate in &all {
        let Some(found) = roots.get(candidate) else {
            continue;
        };
        if found.anchor != Anchor::Flat {
            continue;
        }
        let Some(inner) = all
            .iter()
            .find(|other| *other != candidate && other.starts_with(candidate))
        else {
            continue;
        };
        let files: Vec<(&PathBuf, &PathBuf)> = reported
            .iter()
            .filter(|(resolved, _)| resolved.parent() == Some(candidate.as_path()))
            .collect();
        let unversioned = files.iter().all(|(resolved, _)| {
            let name = place::name_of(resolved);
            layout::classify(&name).version.is_none()
        });
        if files.is_empty() || !unversioned {
            continue;
        }
        let inner_shown = roots
            .get(inner)
            .map(|r| slashed(&r.shown))
            .unwrap_or_default();
        for (_, shown) in files {
            skipped.push(Skipped {
                path: shown.clone(),
                reason: format!(
                    "beside the migration set `{inner_shown}`, without a version: a schema dump or seed data, not a migration (a `[[sets]]` entry can make it one)"
                ),
            });
        }
        roots.remove(candidate);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn joined_is_join() {
        let bases = ["", ".", "m", "db/m/", "/", "/abs/m", "../up", "a//b"];
        let tails = [
            "",
            "x.sql",
            "sub/x.sql",
            "/abs/x.sql",
            "../x.sql",
            "é 1.sql",
        ];
        for base in bases {
            for tail in tails {
                let (base, tail) = (Path::new(base), Path::new(tail));
                let path = joined(base, tail);
                assert_eq!(
                    path.as_os_str(),
                    base.join(tail).as_os_str(),
                    "{base:?} {tail:?}"
                );
            }
        }
    }

    /// A bare name is joined at once; what it gives is what joining
    /// component by component gives.
    #[test]
    fn bare_names_join_as_components_do() {
        for root in [".", "", "m", "db/m/", "/", "/abs/m", "../up", "./m"] {
            for name in ["x.sql", "é 1.sql", "..x.sql"] {
                let (root, name) = (Path::new(root), Path::new(name));
                assert_eq!(
                    join_shown(root, name),
                    join_components(root, name),
                    "{root:?} {name:?}"
                );
            }
        }
        assert_eq!(
            join_shown(Path::new("db/changelog"), Path::new("../master.yaml")),
            PathBuf::from("db/master.yaml")
        );
    }

    #[test]
    fn shown_roots_keep_the_written_form() {
        let resolved = Path::new("/abs/m");
        assert_eq!(
            shown_ancestor(Path::new("m/x.sql"), 1, resolved),
            PathBuf::from("m")
        );
        assert_eq!(
            shown_ancestor(Path::new("./m/1_a/up.sql"), 2, resolved),
            PathBuf::from("./m")
        );
        assert_eq!(
            shown_ancestor(Path::new("up.sql"), 2, resolved),
            PathBuf::from("./..")
        );
        assert_eq!(
            shown_ancestor(Path::new("x.sql"), 1, resolved),
            PathBuf::from(".")
        );
        assert_eq!(
            shown_ancestor(Path::new("../x.sql"), 2, resolved),
            PathBuf::from("/abs/m")
        );
    }
}
