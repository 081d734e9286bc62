//! Where a file belongs: the root of its migration set, found the way its
//! migration tool finds it (a `migration_lock.toml`, a `sqitch.plan`, a
//! `meta/_journal.json`, migration folders, …), or the reason it is not a
//! migration at all (a sqitch `verify/` script, a tern template).
//!
//! Every check looks at a fixed, small number of folders around the file,
//! and what a folder holds is looked up once per run.

use std::path::{Path, PathBuf};

use super::layout::{Layout, folder_name};

/// Why a folder is a set root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Anchor {
    /// A `[[sets]]` entry of the config (its index).
    Configured(usize),
    /// A file or folder the tool itself relies on.
    Marker(Layout, &'static str),
    /// The folder holding migration folders (`<version>_<name>/up.sql`).
    Folders,
    /// The folder of the files.
    Flat,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Place {
    Set {
        root: PathBuf,
        anchor: Anchor,
    },
    /// Not a migration of any set; the reason says what it is.
    Skip(String),
}

/// What a folder holds that says which tool uses it.
#[derive(Debug, Clone, Copy, Default)]
struct Markers {
    prisma_lock: bool,
    sqitch_plan: bool,
    drizzle_journal: bool,
    atlas_sum: bool,
    tern_conf: bool,
    graphile: bool,
}

/// Finds set roots, remembering what each folder holds.
pub struct Finder<'a> {
    /// Roots of `[[sets]]` entries, resolved.
    configured: &'a [PathBuf],
    /// By folder; Fx hashing, as a walk asks about every file's folders.
    cache: rustc_hash::FxHashMap<PathBuf, Markers>,
    /// The last folder placed and where its files go: a walk gives a
    /// folder's files one after another, and only a few names
    /// (`NAMED_FILES`) are placed apart from their folder.
    last: Option<(PathBuf, Place)>,
}

/// The file names `place` judges by name; every other file goes where its
/// folder's files go.
const NAMED_FILES: &[&str] = &[
    "seed.sql",
    "migration.sql",
    "current.sql",
    "up.sql",
    "down.sql",
];

impl<'a> Finder<'a> {
    pub fn new(configured: &'a [PathBuf]) -> Self {
        Finder {
            configured,
            cache: rustc_hash::FxHashMap::default(),
            last: None,
        }
    }

    fn markers(&mut self, dir: &Path) -> Markers {
        if let Some(found) = self.cache.get(dir) {
            return *found;
        }
        let has = |name: &str| dir.join(name).is_file();
        let graphile = dir.join("committed").is_dir()
            && (has("current.sql")
                || dir.join("current").is_dir()
                || has(".gmrc")
                || dir.parent().is_some_and(|p| p.join(".gmrc").is_file()));
        let found = Markers {
            prisma_lock: has("migration_lock.toml"),
            sqitch_plan: has("sqitch.plan"),
            drizzle_journal: dir.join("meta").join("_journal.json").is_file(),
            atlas_sum: has("atlas.sum"),
            tern_conf: has("tern.conf"),
            graphile,
        };
        self.cache.insert(dir.to_path_buf(), found);
        found
    }

    /// The set a (canonical) file belongs to.
    pub fn place(&mut self, file: &Path) -> Place {
        let by_folder = self.configured.is_empty()
            && file
                .file_name()
                .is_some_and(|name| !NAMED_FILES.iter().any(|n| name == *n));
        let dir = file.parent();
        if by_folder
            && let (Some(dir), Some((last, place))) = (dir, &self.last)
            && dir == last
        {
            return place.clone();
        }
        let place = self.place_anew(file);
        if by_folder && let Some(dir) = dir {
            self.last = Some((dir.to_path_buf(), place.clone()));
        }
        place
    }

    fn place_anew(&mut self, file: &Path) -> Place {
        if let Some((index, root)) = self
            .configured
            .iter()
            .enumerate()
            .filter(|(_, root)| file.starts_with(root))
            .max_by_key(|(_, root)| root.components().count())
        {
            return Place::Set {
                root: root.clone(),
                anchor: Anchor::Configured(index),
            };
        }
        let Some(dir) = file.parent() else {
            return Place::Skip("not in a folder".to_string());
        };
        let file_name = file
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let dir_name = name_of(dir);
        let grand = dir.parent();

        if let Some(place) = self.sqitch(file) {
            return place;
        }
        if dir_name == "migrations" && grand.is_some_and(|g| name_of(g) == "supabase") {
            // The Supabase CLI applies every file in name order, even
            // when drizzle-kit wrote them (its journal is not read).
            return set(dir, Layout::Supabase, "supabase/migrations");
        }
        if let Some(grand) = grand {
            if file_name == "seed.sql" && dir_name == "supabase" && dir.join("migrations").is_dir()
            {
                return Place::Skip(
                    "Supabase seed data: `supabase db reset` runs it after the migrations"
                        .to_string(),
                );
            }
            let up = self.markers(grand);
            if up.prisma_lock {
                return if file_name == "migration.sql" {
                    set(grand, Layout::Prisma, "migration_lock.toml")
                } else {
                    Place::Skip(
                        "not a Prisma migration (Prisma applies `<folder>/migration.sql`)"
                            .to_string(),
                    )
                };
            }
            if up.graphile && dir_name == "committed" {
                return set(grand, Layout::GraphileMigrate, "committed/");
            }
            if up.graphile && dir_name == "current" {
                return graphile_current();
            }
            if up.tern_conf && self.holds_numbered_files(grand) {
                return Place::Skip(
                    "a tern template (included with `{{ template … }}`), not a migration"
                        .to_string(),
                );
            }
        }
        let here = self.markers(dir);
        if here.graphile && file_name == "current.sql" {
            return graphile_current();
        }
        if here.drizzle_journal {
            return set(dir, Layout::Drizzle, "meta/_journal.json");
        }
        if here.atlas_sum {
            return set(dir, Layout::Atlas, "atlas.sum");
        }
        if here.tern_conf {
            return set(dir, Layout::Tern, "tern.conf");
        }
        if matches!(file_name.as_str(), "up.sql" | "down.sql" | "migration.sql")
            && folder_name(&dir_name).is_some()
            && let Some(grand) = grand
        {
            return Place::Set {
                root: grand.to_path_buf(),
                anchor: Anchor::Folders,
            };
        }
        Place::Set {
            root: dir.to_path_buf(),
            anchor: Anchor::Flat,
        }
    }

    /// A file below a folder holding `sqitch.plan`: `deploy/` and
    /// `revert/` scripts belong to its set, `verify/` scripts are not
    /// migrations.
    fn sqitch(&mut self, file: &Path) -> Option<Place> {
        for top in file.ancestors().skip(2).take(3) {
            if !self.markers(top).sqitch_plan {
                continue;
            }
            let relative = file.strip_prefix(top).ok()?;
            let first = relative.components().next()?.as_os_str().to_string_lossy();
            return Some(match first.as_ref() {
                "deploy" | "revert" => set(top, Layout::Sqitch, "sqitch.plan"),
                "verify" => Place::Skip(
                    "a sqitch verify script (it checks a deployment; not a migration)".to_string(),
                ),
                _ => continue,
            });
        }
        None
    }

    fn holds_numbered_files(&self, dir: &Path) -> bool {
        std::fs::read_dir(dir).is_ok_and(|entries| {
            entries.filter_map(Result::ok).any(|entry| {
                let name = entry.file_name().to_string_lossy().into_owned();
                name.ends_with(".sql")
                    && name.split_once('_').is_some_and(|(n, _)| {
                        !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit())
                    })
            })
        })
    }
}

fn set(root: &Path, layout: Layout, evidence: &'static str) -> Place {
    Place::Set {
        root: root.to_path_buf(),
        anchor: Anchor::Marker(layout, evidence),
    }
}

fn graphile_current() -> Place {
    Place::Skip(
        "graphile-migrate work in progress (`current`), not a committed migration; \
         add it with a `[[sets]]` entry's `include` to lint it"
            .to_string(),
    )
}

pub fn name_of(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Placing a folder's files one after another (remembering the folder)
    /// places each as placing it alone does, whatever the folder holds and
    /// whatever the names.
    #[test]
    fn files_of_a_folder_are_placed_as_each_alone() {
        let base = std::env::temp_dir().join(format!("schema-lint-place-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&base);
        let folders: &[(&str, &[&str])] = &[
            ("plain/migrations", &[]),
            (
                "prisma/migrations/20240101_init",
                &["../migration_lock.toml"],
            ),
            ("supabase/migrations", &["../config.toml"]),
            ("supabase", &[]),
            ("graphile/migrations", &[]),
            ("graphile/migrations/committed", &["../current.sql"]),
            ("graphile/migrations/current", &[]),
            ("drizzle", &["meta/_journal.json"]),
            ("atlas", &["atlas.sum"]),
            ("tern", &["tern.conf"]),
            ("diesel/migrations/2024-01-01-000000_init", &[]),
        ];
        let mut files = Vec::new();
        for (folder, markers) in folders {
            let dir = base.join(folder);
            std::fs::create_dir_all(dir.join("meta")).unwrap();
            for marker in *markers {
                std::fs::write(dir.join(marker), "").unwrap();
            }
            for name in ["1_a.sql", "seed.sql", "2_b.sql", "migration.sql", "up.sql"]
                .into_iter()
                .chain(["current.sql", "down.sql", "3_c.sql"])
            {
                files.push(dir.join(name));
            }
        }
        let mut remembering = Finder::new(&[]);
        for file in &files {
            assert_eq!(
                remembering.place(file),
                Finder::new(&[]).place_anew(file),
                "{}",
                file.display()
            );
        }
        std::fs::remove_dir_all(&base).unwrap();
    }
}
