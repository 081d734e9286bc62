//! The `.sql` files under the paths the user named.
//!
//! Only regular files are taken (symbolic links are followed to regular
//! files only): a FIFO blocks whoever opens it and `/dev/zero` never ends.
//! Whatever cannot be read is an input error naming the path, and the walk
//! goes on with its siblings.

use std::path::{Path, PathBuf};

use walkdir::WalkDir;

use crate::diagnostic::InputError;
use crate::source::{canonical, file_kind};

/// A file found, as it will be shown and as it is on disk.
#[derive(Debug, Clone)]
pub struct Found {
    /// The path as the user named it, or as found under a path they named.
    pub shown: PathBuf,
    /// The path with links and `..` resolved.
    pub canonical: PathBuf,
    /// Found under a folder the user named (not named itself).
    pub walked: bool,
}

/// Folders never searched: hidden ones (`.git`), build output and
/// dependencies.
pub fn is_skipped_dir(name: &str) -> bool {
    name.starts_with('.') || name == "target" || name == "node_modules"
}

pub fn is_sql(path: &Path) -> bool {
    path.extension()
        .is_some_and(|ext| ext.eq_ignore_ascii_case("sql"))
}

/// The `.sql` files a path names: the file itself, or every `.sql` file
/// under a folder (skipping hidden folders, `target/`, `node_modules/`).
pub fn files_under(
    path: &Path,
    exclude: &dyn Fn(&Path) -> bool,
    buffers: &crate::load::Buffers,
    errors: &mut Vec<InputError>,
) -> Vec<Found> {
    // A file that exists only as a buffer (not saved yet).
    if buffers.contains_key(&located(path)) {
        return vec![Found {
            shown: path.to_path_buf(),
            canonical: located(path),
            walked: false,
        }];
    }
    let metadata = match std::fs::metadata(path) {
        Ok(metadata) => metadata,
        Err(error) => {
            errors.push(InputError::new(path, io_message(&error, "cannot read")));
            return Vec::new();
        }
    };
    if metadata.is_file() {
        if !is_sql(path) {
            errors.push(InputError::new(path, "not a .sql file"));
            return Vec::new();
        }
        return vec![Found {
            shown: path.to_path_buf(),
            canonical: located(path),
            walked: false,
        }];
    }
    if !metadata.is_dir() {
        errors.push(InputError::new(
            path,
            format!(
                "not a regular file ({}); not read",
                file_kind(metadata.file_type())
            ),
        ));
        return Vec::new();
    }
    let base = canonical(path);
    let before = errors.len();
    let mut files = Vec::new();
    // Siblings are sorted by name. Their paths are their folder's path
    // joined with their names, so comparing the paths' bytes compares the
    // names, without splitting each path for its name at every comparison
    // (`sort_by_file_name`: a quarter of a 30,000-file run's discovery).
    let walker = WalkDir::new(path)
        .sort_by(|a, b| path_bytes(a).cmp(path_bytes(b)))
        .into_iter()
        .filter_entry(|entry| {
            entry.depth() == 0
                || !(entry.file_type().is_dir()
                    && is_skipped_dir(&entry.file_name().to_string_lossy()))
        });
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                // An unreadable folder costs only itself.
                let at = error.path().unwrap_or(path).to_path_buf();
                let message = match error.io_error() {
                    Some(io) => io_message(io, "cannot read folder"),
                    None => format!("cannot read folder: {error}"),
                };
                errors.push(InputError::new(at, message));
                continue;
            }
        };
        if entry.depth() == 0 || !is_sql(entry.path()) || exclude(entry.path()) {
            continue;
        }
        if let Some(found) = regular_file(&entry, &base, path, errors) {
            files.push(found);
        }
    }
    if files.is_empty() && errors.len() == before {
        errors.push(InputError::new(path, "no .sql migration files found here"));
    }
    files
}

fn path_bytes(entry: &walkdir::DirEntry) -> &[u8] {
    entry.path().as_os_str().as_encoded_bytes()
}

/// A walked `.sql` entry if it is (or links to) a regular file; else an
/// input error.
fn regular_file(
    entry: &walkdir::DirEntry,
    base: &Path,
    root: &Path,
    errors: &mut Vec<InputError>,
) -> Option<Found> {
    let file_type = entry.file_type();
    if file_type.is_dir() {
        return None;
    }
    let target_type = if file_type.is_symlink() {
        match std::fs::metadata(entry.path()) {
            Ok(target) if target.is_dir() => return None,
            Ok(target) => target.file_type(),
            Err(error) => {
                errors.push(InputError::new(
                    entry.path(),
                    io_message(&error, "cannot follow link"),
                ));
                return None;
            }
        }
    } else {
        file_type
    };
    if !target_type.is_file() {
        errors.push(InputError::new(
            entry.path(),
            format!("not a regular file ({}); not read", file_kind(target_type)),
        ));
        return None;
    }
    // walkdir does not descend into linked folders, so below a resolved
    // folder every entry is that folder's path joined with its own: no
    // system call needed.
    let canonical_path = match entry.path().strip_prefix(root) {
        Ok(relative) => base.join(relative),
        Err(_) => located(entry.path()),
    };
    Some(Found {
        shown: entry.path().to_path_buf(),
        canonical: canonical_path,
        walked: true,
    })
}

/// Where a file is: its folder resolved (links, `..`), its own name kept.
/// A linked migration belongs to the folder the link is in, not to the
/// folder of its target.
pub fn located(path: &Path) -> PathBuf {
    match path.file_name() {
        Some(name) => canonical(&crate::source::folder_of(path)).join(name),
        None => canonical(path),
    }
}

pub fn io_message(error: &std::io::Error, action: &str) -> String {
    match error.kind() {
        std::io::ErrorKind::NotFound => "no such file or directory".to_string(),
        std::io::ErrorKind::PermissionDenied => format!("{action}: permission denied"),
        _ => format!("{action}: {error}"),
    }
}
