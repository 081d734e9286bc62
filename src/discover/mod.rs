//! Pipeline step 1: find the migration files under the paths the user named,
//! group them into migration sets (one per migrations folder), recognise
//! each set's layout and order its files by version.
//!
//! A file the user named is reported on; the rest of its set is loaded as
//! context, so that rules judge the schema the whole set produces.

pub mod layout;

use std::collections::{BTreeMap, HashMap};
use std::fs;
use std::path::{Path, PathBuf};

use walkdir::WalkDir;

pub use layout::{FileName, Layout, Role, Version};

use crate::diagnostic::InputError;
use crate::source::{canonical, folder_of};

/// One migration file of a set.
#[derive(Debug, Clone)]
pub struct MigrationFile {
    /// The path as the user named it, or as found under a path they named.
    pub path: PathBuf,
    pub name: FileName,
    /// Whether findings in this file are reported (false: context only).
    pub reported: bool,
}

/// The migrations of one folder, in the order the migration tool applies them.
#[derive(Debug, Clone)]
pub struct MigrationSet {
    pub root: PathBuf,
    pub layout: Layout,
    pub files: Vec<MigrationFile>,
}

#[derive(Debug, Default)]
pub struct Discovery {
    pub sets: Vec<MigrationSet>,
    pub errors: Vec<InputError>,
}

/// How discovery is tuned by configuration.
pub struct Options<'a> {
    /// A layout the user chose instead of recognising it.
    pub layout: Option<Layout>,
    /// Paths to leave out (configuration `exclude`).
    pub exclude: &'a dyn Fn(&Path) -> bool,
}

impl Default for Options<'_> {
    fn default() -> Self {
        Options {
            layout: None,
            exclude: &|_| false,
        }
    }
}

/// Finds the migration sets for `paths`.
pub fn discover(paths: &[PathBuf], options: &Options<'_>) -> Discovery {
    let mut discovery = Discovery::default();
    // Files to report, by canonical path, with the path as the user named it.
    let mut reported: HashMap<PathBuf, PathBuf> = HashMap::new();
    // Migration roots, by canonical path, with the path to show.
    let mut roots: BTreeMap<PathBuf, PathBuf> = BTreeMap::new();

    for path in paths {
        let files = match files_under(path, options) {
            Ok(files) => files,
            Err(error) => {
                discovery.errors.push(error);
                continue;
            }
        };
        for file in files {
            let root = migration_root(&file);
            roots.entry(canonical(&root)).or_insert(root);
            reported.entry(canonical(&file)).or_insert(file);
        }
    }

    for root in roots.into_values() {
        match list_set(&root, &reported, options) {
            Ok(set) if !set.files.is_empty() => discovery.sets.push(set),
            Ok(_) => {}
            Err(error) => discovery.errors.push(error),
        }
    }
    discovery
}

/// The `.sql` files a path names: the file itself, or every `.sql` file
/// under a directory (skipping hidden folders, `target/`, `node_modules/`).
fn files_under(path: &Path, options: &Options<'_>) -> Result<Vec<PathBuf>, InputError> {
    let metadata =
        fs::metadata(path).map_err(|e| InputError::new(path, io_message(&e, "cannot read")))?;
    if metadata.is_file() {
        if !is_sql(path) {
            return Err(InputError::new(path, "not a .sql file"));
        }
        return Ok(vec![path.to_path_buf()]);
    }
    let mut files = Vec::new();
    let walker = WalkDir::new(path)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|entry| entry.depth() == 0 || !is_skipped_dir(entry));
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                let at = error.path().unwrap_or(path).to_path_buf();
                return Err(InputError::new(
                    at,
                    format!("cannot read directory: {error}"),
                ));
            }
        };
        if entry.file_type().is_file() && is_sql(entry.path()) && !(options.exclude)(entry.path()) {
            files.push(entry.into_path());
        }
    }
    if files.is_empty() {
        return Err(InputError::new(path, "no .sql migration files found here"));
    }
    Ok(files)
}

fn is_skipped_dir(entry: &walkdir::DirEntry) -> bool {
    let name = entry.file_name().to_string_lossy();
    entry.file_type().is_dir()
        && (name.starts_with('.') || name == "target" || name == "node_modules")
}

fn is_sql(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("sql"))
}

/// The folder that holds a file's migration set: its parent, or for a
/// diesel `<version>_<name>/up.sql` the folder above.
fn migration_root(file: &Path) -> PathBuf {
    let parent = folder_of(file);
    let folder = canonical(&parent);
    let in_diesel_folder = file
        .file_name()
        .and_then(|name| name.to_str())
        .zip(folder.file_name().and_then(|name| name.to_str()))
        .is_some_and(|(name, folder)| layout::diesel_file(folder, name).is_some());
    if in_diesel_folder {
        match parent.parent() {
            Some(grand) if !grand.as_os_str().is_empty() => grand.to_path_buf(),
            _ => parent.join(".."),
        }
    } else {
        parent
    }
}

/// Lists and orders every migration file of the set rooted at `root`.
fn list_set(
    root: &Path,
    reported: &HashMap<PathBuf, PathBuf>,
    options: &Options<'_>,
) -> Result<MigrationSet, InputError> {
    let mut files = Vec::new();
    let mut add = |path: PathBuf, name: FileName| {
        if (options.exclude)(&path) {
            return;
        }
        let key = canonical(&path);
        let (path, is_reported) = match reported.get(&key) {
            Some(named) => (named.clone(), true),
            None => (path, false),
        };
        files.push(MigrationFile {
            path,
            name,
            reported: is_reported,
        });
    };
    for entry in read_dir_sorted(root)? {
        let Some(entry_name) = entry
            .file_name()
            .and_then(|n| n.to_str())
            .map(str::to_string)
        else {
            continue;
        };
        if entry.is_dir() {
            if layout::diesel_folder(&entry_name).is_none() {
                continue;
            }
            for file in ["up.sql", "down.sql"] {
                let path = entry.join(file);
                if path.is_file()
                    && let Some(name) = layout::diesel_file(&entry_name, file)
                {
                    add(path, name);
                }
            }
        } else if is_sql(&entry) {
            add(entry.clone(), layout::classify(&entry_name));
        }
    }
    files.sort_by(|a, b| order_key(a).cmp(&order_key(b)));
    let layout = options
        .layout
        .unwrap_or_else(|| layout::infer(files.iter().map(|f| f.name.hint)));
    Ok(MigrationSet {
        root: root.to_path_buf(),
        layout,
        files,
    })
}

fn read_dir_sorted(dir: &Path) -> Result<Vec<PathBuf>, InputError> {
    let entries =
        fs::read_dir(dir).map_err(|e| InputError::new(dir, io_message(&e, "cannot list")))?;
    let mut paths: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            !path
                .file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with('.'))
        })
        .collect();
    paths.sort();
    Ok(paths)
}

/// Versioned migrations first (up before down within a version), then
/// Flyway's repeatable ones, then files without a version, by name.
fn order_key(file: &MigrationFile) -> (u8, Option<&Version>, Role, &str, &Path) {
    let group = match (&file.name.version, file.name.role) {
        (Some(_), _) => 0,
        (None, Role::Repeatable) => 1,
        (None, _) => 2,
    };
    (
        group,
        file.name.version.as_ref(),
        file.name.role,
        &file.name.name,
        &file.path,
    )
}

pub fn io_message(error: &std::io::Error, action: &str) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => format!("{action}: permission denied"),
        _ => format!("{action}: {error}"),
    }
}
