//! The files of one set, in the order its tool applies them.
//!
//! A set root was found by `place`; here its folder is read the way the
//! layout says (flat, recursive, one folder per migration, a plan), file
//! names are classified, and the files are ordered. Whatever looks like a
//! migration but is not applied is kept as a note or a skipped file, so the
//! plan can say it out loud.

use std::path::{Path, PathBuf};

use globset::GlobSet;

use super::layout::{
    self, FileName, Layout, Order, Role, Shape, classify, classify_graphile, classify_refinery,
    folder_file, folder_name,
};
use super::place::{Anchor, name_of};
use super::plans;
use super::walk::{is_skipped_dir, is_sql};

/// A `[[sets]]` entry of the config, with its root resolved.
#[derive(Debug, Clone)]
pub struct SetConfig {
    pub root: PathBuf,
    pub layout: Option<Layout>,
    pub order: Option<Order>,
    /// Globs relative to the root: the set is exactly the `.sql` files
    /// below it that match.
    pub include: Option<GlobSet>,
    /// Globs relative to the root: files left out.
    pub exclude: Option<GlobSet>,
}

/// A file of the set, relative to its root.
#[derive(Debug, Clone)]
pub struct Listed {
    pub relative: PathBuf,
    pub name: FileName,
}

/// Something the plan must say: a file a tool would not apply, a plan
/// entry without its script, a layout that is a guess. Becomes a
/// `migration-layout` finding at `relative` (a file of the set, or a plan
/// file such as `sqitch.plan`), at `line` when given.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Note {
    pub relative: PathBuf,
    pub line: Option<usize>,
    pub message: String,
    pub help: String,
    /// A guess at the layout from file names, void when the files' own
    /// markers (goose, dbmate, tern, Liquibase) tell the layout.
    pub guess: bool,
}

/// A `.sql` file near the set that is not one of its migrations.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub relative: PathBuf,
    pub reason: String,
}

#[derive(Debug, Clone)]
pub struct Listing {
    pub layout: Layout,
    /// What the layout was recognised by.
    pub evidence: String,
    /// The config said the layout; the files' markers do not change it.
    pub configured: bool,
    pub order: Order,
    pub files: Vec<Listed>,
    pub notes: Vec<Note>,
    pub skipped: Vec<Skipped>,
    /// Folders and files that could not be read.
    pub unreadable: Vec<(PathBuf, String)>,
}

impl Listing {
    fn new(layout: Layout, evidence: impl Into<String>) -> Self {
        Listing {
            layout,
            evidence: evidence.into(),
            configured: false,
            order: layout.facts().order,
            files: Vec::new(),
            notes: Vec::new(),
            skipped: Vec::new(),
            unreadable: Vec::new(),
        }
    }

    fn note(
        &mut self,
        relative: impl Into<PathBuf>,
        line: Option<usize>,
        message: String,
        help: String,
    ) {
        self.notes.push(Note {
            relative: relative.into(),
            line,
            message,
            help,
            guess: false,
        });
    }
}

/// Lists the set rooted at `root` (a resolved path).
pub fn list(
    disk: &Disk<'_>,
    root: &Path,
    anchor: &Anchor,
    config: Option<&SetConfig>,
    forced: Option<Layout>,
) -> Listing {
    let mut listing = match (anchor, config) {
        (Anchor::Configured(_), Some(config)) => configured(disk, root, config),
        (Anchor::Marker(layout, evidence), _) => {
            marked(disk, root, forced.unwrap_or(*layout), evidence)
        }
        (Anchor::Folders, _) => folders(disk, root, forced),
        _ => flat(disk, root, forced),
    };
    if let Some(order) = config.and_then(|c| c.order) {
        listing.order = order;
    }
    listing.configured = forced.is_some() || config.is_some_and(|c| c.layout.is_some());
    sort(&mut listing);
    listing
}

// ----- reading folders ------------------------------------------------------

/// The files discovery sees: the disk, plus buffers that stand for files
/// (an editor's unsaved text, `--stdin-filename`), by resolved path.
pub struct Disk<'a> {
    pub buffers: &'a std::collections::BTreeMap<PathBuf, String>,
}

impl Disk<'_> {
    /// Buffered files directly in `dir` (resolved), by name.
    fn buffered_in(&self, dir: &Path) -> impl Iterator<Item = &PathBuf> {
        self.buffers
            .keys()
            .filter(move |path| path.parent() == Some(dir))
    }
}

/// An entry of a folder.
struct Entry {
    path: PathBuf,
    /// Where the name starts in `path`'s bytes, when the path ends with it
    /// (a path from a folder's listing always does).
    name_at: Option<usize>,
    kind: Kind,
}

impl Entry {
    /// An entry of the listing of `dir`, whose path is `dir` joined with
    /// the name: `dir`, a separator unless `dir` is empty or ends with one,
    /// then the name. Where the name starts follows from `dir` alone, so
    /// the path is not split into components to find it (a migration
    /// folder may hold thousands of entries).
    fn listed(dir: &Path, path: PathBuf) -> Entry {
        let dir = dir.as_os_str().as_encoded_bytes();
        let separated = dir.is_empty() || dir.ends_with(b"/");
        let name_at = dir.len() + usize::from(!separated);
        let bytes = path.as_os_str().as_encoded_bytes();
        let exact = bytes.len() > name_at
            && bytes.starts_with(dir)
            && (separated || bytes.get(dir.len()) == Some(&b'/'))
            && !bytes[name_at..].contains(&b'/');
        if !exact {
            return Entry::new(path, Kind::File);
        }
        Entry {
            name_at: Some(name_at),
            path,
            kind: Kind::File,
        }
    }

    fn new(path: PathBuf, kind: Kind) -> Entry {
        let bytes = path.as_os_str().as_encoded_bytes();
        let name_at = path
            .file_name()
            .map(std::ffi::OsStr::as_encoded_bytes)
            .filter(|name| bytes.ends_with(name))
            .map(|name| bytes.len() - name.len());
        Entry {
            name_at,
            path,
            kind,
        }
    }

    /// The name as text (for matching; a name that is not UTF-8 has
    /// replacement characters here, not in `path`).
    fn name(&self) -> std::borrow::Cow<'_, str> {
        match std::str::from_utf8(self.name_bytes()) {
            Ok(name) => std::borrow::Cow::Borrowed(name),
            Err(_) => self.file_name().to_string_lossy(),
        }
    }

    fn file_name(&self) -> &std::ffi::OsStr {
        let listed = self.name_at.and_then(|at| {
            let bytes = self.path.as_os_str().as_encoded_bytes();
            std::str::from_utf8(bytes.get(at..)?).ok()
        });
        match listed {
            Some(name) => std::ffi::OsStr::new(name),
            None => self.path.file_name().unwrap_or_default(),
        }
    }

    /// `walk::is_sql` of the path, from the name.
    fn is_sql(&self) -> bool {
        match self.name_at {
            Some(_) => {
                let name = self.name_bytes();
                // `Path::extension`: after the last dot, unless the name
                // starts with it (and has no other).
                name.iter()
                    .rposition(|&b| b == b'.')
                    .filter(|&dot| dot > 0)
                    .is_some_and(|dot| name[dot + 1..].eq_ignore_ascii_case(b"sql"))
            }
            None => is_sql(&self.path),
        }
    }

    /// The name as the folder holds it, as bytes: names sort by them.
    fn name_bytes(&self) -> &[u8] {
        let bytes = self.path.as_os_str().as_encoded_bytes();
        match self.name_at.and_then(|at| bytes.get(at..)) {
            Some(name) => name,
            None => self.file_name().as_encoded_bytes(),
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Folder,
    File,
    /// A FIFO, a device, a socket, a broken link: never read.
    Other(&'static str),
}

/// The entries of a folder, sorted by name, without hidden ones; links are
/// followed to what they point at. One allocation per entry (its path): a
/// migration folder may hold thousands.
fn entries(disk: &Disk<'_>, dir: &Path, listing: &mut Listing) -> Vec<Entry> {
    let read = match std::fs::read_dir(dir) {
        Ok(read) => read,
        Err(error) => {
            listing.unreadable.push((
                dir.to_path_buf(),
                super::walk::io_message(&error, "cannot read folder"),
            ));
            return Vec::new();
        }
    };
    let mut found: Vec<Entry> = read
        .filter_map(Result::ok)
        .filter_map(|entry| {
            // `entry.path()` copies `dir` at its length, then grows the
            // copy for the name: one allocation here.
            let mut found = Entry::listed(dir, super::joined(dir, entry.file_name()));
            if found.name_bytes().starts_with(b".") {
                return None;
            }
            let mut file_type = entry.file_type().ok()?;
            if file_type.is_symlink() {
                file_type = std::fs::metadata(&found.path).ok()?.file_type();
            }
            let kind = if file_type.is_dir() {
                Kind::Folder
            } else if file_type.is_file() {
                Kind::File
            } else {
                Kind::Other(crate::source::file_kind(file_type))
            };
            found.kind = kind;
            Some(found)
        })
        .collect();
    for path in disk.buffered_in(dir) {
        if !found.iter().any(|entry| entry.path == *path) {
            found.push(Entry::new(path.clone(), Kind::File));
        }
    }
    // All are in `dir`: their names order them as their paths would, and
    // comparing names skips splitting every path into components. No two
    // are equal, so an unstable sort gives the one order.
    found.sort_unstable_by(|a, b| a.name_bytes().cmp(b.name_bytes()));
    found
}

/// The `.sql` files of a folder (and, `recursive`, of the folders below
/// it, without hidden and build folders), relative to `root`. A `.sql`
/// entry that is not a regular file is named as unreadable.
fn sql_files(
    disk: &Disk<'_>,
    root: &Path,
    dir: &Path,
    recursive: bool,
    listing: &mut Listing,
) -> Vec<PathBuf> {
    let mut out = Vec::new();
    // Every file here is `dir` below `root`, joined with its name (a
    // folder outside `root` lists no files, but still its unreadable
    // entries and subfolders).
    let below = dir.strip_prefix(root).ok();
    for entry in entries(disk, dir, listing) {
        match entry.kind {
            Kind::Folder if recursive && !is_skipped_dir(&entry.name()) => {
                out.extend(sql_files(disk, root, &entry.path, true, listing));
            }
            Kind::Other(kind) if entry.is_sql() => listing
                .unreadable
                .push((entry.path, format!("not a regular file ({kind}); not read"))),
            Kind::File if entry.is_sql() => {
                if let Some(below) = below {
                    out.push(super::joined(below, entry.file_name()));
                }
            }
            _ => {}
        }
    }
    out
}

/// A file's name, borrowed where it is UTF-8: every file of a set is
/// classified by its name.
fn file_name_of(relative: &Path) -> std::borrow::Cow<'_, str> {
    relative
        .file_name()
        .map(|name| name.to_string_lossy())
        .unwrap_or_default()
}

// ----- flat layouts ---------------------------------------------------------

/// A folder of files whose names say the layout (sqlx, golang-migrate,
/// Flyway, refinery, numbered, …). Section layouts (goose, dbmate, tern,
/// Liquibase) are told apart when the files are read.
fn flat(disk: &Disk<'_>, root: &Path, forced: Option<Layout>) -> Listing {
    let mut probe = Listing::new(Layout::Unversioned, "");
    let names: Vec<PathBuf> = sql_files(disk, root, root, false, &mut probe);
    let classified: Vec<FileName> = names.iter().map(|n| classify(&file_name_of(n))).collect();
    let (layout, evidence) = match forced {
        Some(layout) => (layout, "`layout` in the config".to_string()),
        None => {
            let hinted = layout::infer(classified.iter().map(|name| name.hint));
            match hinted {
                Layout::Flyway => match project_file(root, FLYWAY_FILES, "flyway") {
                    Some(file) => (Layout::Flyway, format!("`{file}`")),
                    None if project_file(root, &["Cargo.toml", "refinery.toml"], "refinery")
                        .is_some() =>
                    {
                        (Layout::Refinery, "refinery in the project".to_string())
                    }
                    None => (Layout::Flyway, BY_NAMES.to_string()),
                },
                // sqlx's reversible migrations are named as golang-migrate's.
                Layout::GolangMigrate if project_file(root, &["Cargo.toml"], "sqlx").is_some() => {
                    (Layout::Sqlx, "sqlx in `Cargo.toml`".to_string())
                }
                _ => (hinted, BY_NAMES.to_string()),
            }
        }
    };
    if forced.is_none()
        && matches!(layout, Layout::Unversioned | Layout::Numbered)
        && names
            .iter()
            .any(|name| has_liquibase_header(&root.join(name)))
    {
        return liquibase(root, names);
    }
    let mut listing = Listing::new(layout, evidence);
    listing.unreadable = probe.unreadable;
    let recursive = layout.facts().shape == Shape::Recursive;
    // The names as classified above, when the layout reads them so and
    // the files are the same: classified once, not twice.
    let (names, mut classified) = if recursive {
        (sql_files(disk, root, root, true, &mut listing), Vec::new())
    } else if matches!(layout, Layout::Refinery | Layout::GraphileMigrate) {
        (names, Vec::new())
    } else {
        (names, classified)
    };
    classified.reverse();
    for relative in names {
        // The name again only where it is read again.
        let name = match classified.pop() {
            Some(name) => name,
            None => classify_for(layout, &file_name_of(&relative)),
        };
        if layout == Layout::Flyway && is_flyway_callback(&file_name_of(&relative)) {
            listing.skipped.push(Skipped {
                relative,
                reason: "a Flyway callback (run around migrations), not a migration".to_string(),
            });
            continue;
        }
        listing.files.push(Listed { relative, name });
    }
    if layout == Layout::Unversioned
        && forced.is_none()
        && let Some(first) = listing.files.first()
    {
        let relative = first.relative.clone();
        listing.note(
            relative,
            None,
            "no file name in this folder has a version, so the files are read in name order: a guess".to_string(),
            "say which tool applies them: `layout = \"…\"` in schema-lint.toml, or a `[[sets]]` entry with `root`, `layout` and `order`".to_string(),
        );
        if let Some(note) = listing.notes.last_mut() {
            note.guess = true;
        }
    }
    if layout == Layout::Flyway
        && forced.is_none()
        && listing.evidence == BY_NAMES
        && let Some(undo) = listing.files.iter().find(|f| f.name.role == Role::Down)
    {
        let relative = undo.relative.clone();
        listing.note(
            relative,
            None,
            "`U…__` files are read as Flyway undo migrations (down, never replayed); refinery reads them as up migrations".to_string(),
            "if this is a refinery project, set `layout = \"refinery\"` in schema-lint.toml".to_string(),
        );
    }
    listing
}

/// How a file name of a flat set is read in `layout`.
fn classify_for(layout: Layout, file: &str) -> FileName {
    match layout {
        Layout::Refinery => classify_refinery(file),
        Layout::GraphileMigrate => classify_graphile(file),
        _ => classify(file),
    }
}

/// Flyway runs `beforeMigrate.sql`, `afterEachMigrate.sql`, … around
/// migrations; they sit among them but are not migrations.
fn is_flyway_callback(file: &str) -> bool {
    let stem = file.strip_suffix(".sql").unwrap_or(file);
    let stem = stem.split_once("__").map_or(stem, |(event, _)| event);
    ["before", "after"].iter().any(|prefix| {
        stem.strip_prefix(prefix)
            .is_some_and(|rest| rest.starts_with(|c: char| c.is_ascii_uppercase()))
    })
}

/// Files that configure Flyway (or build a project that runs it).
const FLYWAY_FILES: &[&str] = &[
    "flyway.toml",
    "flyway.conf",
    "pom.xml",
    "build.gradle",
    "build.gradle.kts",
];

/// The first of `names` in the set's folder or up to three folders above
/// it whose text mentions `tool` (a tool's own config file, or a build
/// file that depends on it).
fn project_file(root: &Path, names: &[&'static str], tool: &str) -> Option<&'static str> {
    root.ancestors().take(4).find_map(|dir| {
        names.iter().copied().find(|name| {
            plans::read_text(&dir.join(name)).is_some_and(|text| {
                name.starts_with(tool) || text.to_ascii_lowercase().contains(tool)
            })
        })
    })
}

/// The evidence of a layout told by file names alone.
const BY_NAMES: &str = "file names";

// ----- Liquibase formatted SQL -------------------------------------------------

/// Whether a file starts with `--liquibase formatted sql` (only its first
/// bytes are read).
fn has_liquibase_header(path: &Path) -> bool {
    use std::io::Read;
    // Never open what is not a regular file: a FIFO blocks the open.
    if !path.is_file() {
        return false;
    }
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = Vec::with_capacity(256);
    if file.take(256).read_to_end(&mut head).is_err() {
        return false;
    }
    let text = String::from_utf8_lossy(&head);
    let first = text
        .trim_start_matches('\u{feff}')
        .lines()
        .map(str::trim)
        .find(|l| !l.is_empty());
    first
        .and_then(|line| line.strip_prefix("--"))
        .is_some_and(crate::load::split::is_liquibase_header)
}

/// Formatted SQL changelogs: in the order a master changelog (YAML, XML or
/// JSON, which Liquibase projects use as their root) includes them, else
/// by name.
fn liquibase(root: &Path, names: Vec<PathBuf>) -> Listing {
    let mut listing = Listing::new(Layout::Liquibase, "`--liquibase formatted sql` headers");
    let classified = |relative: PathBuf| Listed {
        name: FileName::unversioned(&file_name_of(&relative)),
        relative,
    };
    let Some(master) = liquibase_master(root) else {
        listing.files = names.into_iter().map(classified).collect();
        return listing;
    };
    let master_name = name_of(&master);
    listing.evidence = format!("`{master_name}`");
    listing.order = Order::Plan;
    let text = plans::read_text(&master).unwrap_or_default();
    let (includes, inline) = plans::liquibase_master(&text);
    let master_dir = master.parent().unwrap_or(root);
    let mut ordered: Vec<PathBuf> = Vec::new();
    let mut unread: Vec<(String, usize)> = Vec::new();
    let mut missing: Vec<(String, usize)> = Vec::new();
    for include in includes {
        let resolved = resolve_include(master_dir, &include);
        if resolved.is_empty() {
            let (plans::Include::File(path, line) | plans::Include::Folder(path, line)) = &include;
            missing.push((path.clone(), *line));
        }
        for (path, line) in resolved {
            match path.strip_prefix(root) {
                Ok(relative) if is_sql(&path) => {
                    if !ordered.iter().any(|o| o == relative) {
                        ordered.push(relative.to_path_buf());
                    }
                }
                Err(_) if is_sql(&path) => {}
                _ => unread.push((name_of(&path), line)),
            }
        }
    }
    unread.extend(
        inline
            .into_iter()
            .map(|line| ("a changeset in the master itself".to_string(), line)),
    );
    let master_relative = relative_to(root, &master);
    for relative in &names {
        if !ordered.contains(relative) {
            listing.note(
                relative.clone(),
                None,
                format!(
                    "`{}` is not included by `{master_name}`: Liquibase never runs it",
                    slashed(relative)
                ),
                format!("include it in `{master_name}`, or move it out of the changelog folder"),
            );
        }
    }
    listing.files = ordered
        .into_iter()
        .filter(|r| names.contains(r))
        .map(classified)
        .collect();
    if let Some(&(_, line)) = unread.first() {
        let shown: Vec<&str> = unread
            .iter()
            .take(5)
            .map(|(name, _)| name.as_str())
            .collect();
        listing.note(
            master_relative,
            Some(line),
            format!(
                "`{master_name}` includes {} changelog(s) in YAML, XML or JSON that were not read ({}{}): the schema model may be missing what they create",
                unread.len(),
                shown.join(", "),
                if unread.len() > shown.len() { ", …" } else { "" }
            ),
            "schema-lint reads SQL; write these changesets as formatted SQL to have them linted".to_string(),
        );
    }
    if let Some((path, line)) = missing.first() {
        listing.note(
            relative_to(root, &master),
            Some(*line),
            format!(
                "`{master_name}` includes {} file(s) that were not found, starting with `{path}`: the schema model may be missing what they create",
                missing.len()
            ),
            "check the paths (relative to the master changelog's folder or the classpath root)".to_string(),
        );
    }
    listing
}

/// A master changelog in the set's folder or up to three folders above it:
/// a YAML, XML or JSON file named `*changelog*` that declares a
/// `databaseChangeLog`.
fn liquibase_master(root: &Path) -> Option<PathBuf> {
    root.ancestors().take(4).find_map(|dir| {
        let mut candidates: Vec<PathBuf> = std::fs::read_dir(dir)
            .ok()?
            .filter_map(Result::ok)
            .map(|e| e.path())
            .filter(|p| {
                let name = name_of(p).to_ascii_lowercase();
                name.contains("changelog")
                    && [".yaml", ".yml", ".xml", ".json"]
                        .iter()
                        .any(|ext| name.ends_with(ext))
            })
            .collect();
        candidates.sort();
        candidates
            .into_iter()
            .find(|p| plans::read_text(p).is_some_and(|t| t.contains("databaseChangeLog")))
    })
}

/// The files an include names: paths are relative to the master's folder
/// or to a folder above it (the classpath root), whichever holds them.
fn resolve_include(master_dir: &Path, include: &plans::Include) -> Vec<(PathBuf, usize)> {
    let (path, line, folder) = match include {
        plans::Include::File(path, line) => (path, *line, false),
        plans::Include::Folder(path, line) => (path, *line, true),
    };
    let path = path
        .trim_start_matches("classpath:")
        .trim_start_matches('/');
    let Some(found) = master_dir
        .ancestors()
        .take(6)
        .map(|base| base.join(path))
        .find(|p| if folder { p.is_dir() } else { p.is_file() })
    else {
        return Vec::new();
    };
    if !folder {
        return vec![(found, line)];
    }
    let mut files: Vec<PathBuf> = std::fs::read_dir(&found)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.is_file())
                .collect()
        })
        .unwrap_or_default();
    files.sort();
    files.into_iter().map(|f| (f, line)).collect()
}

/// `path` relative to `root`, with `..` where it is above it.
fn relative_to(root: &Path, path: &Path) -> PathBuf {
    let mut base = root;
    let mut ups = PathBuf::new();
    loop {
        if let Ok(rest) = path.strip_prefix(base) {
            return ups.join(rest);
        }
        match base.parent() {
            Some(parent) => {
                base = parent;
                ups.push("..");
            }
            None => return path.to_path_buf(),
        }
    }
}

// ----- sets found by a marker file -------------------------------------------

fn marked(disk: &Disk<'_>, root: &Path, layout: Layout, evidence: &str) -> Listing {
    match layout {
        Layout::Sqitch => sqitch(disk, root),
        Layout::Drizzle => drizzle(disk, root),
        Layout::Atlas => atlas(disk, root),
        Layout::Prisma => prisma(disk, root),
        Layout::GraphileMigrate => graphile(disk, root),
        _ => {
            let mut listing = flat(disk, root, Some(layout));
            listing.evidence = format!("`{evidence}`");
            listing
        }
    }
}

fn sqitch(disk: &Disk<'_>, root: &Path) -> Listing {
    let mut listing = Listing::new(Layout::Sqitch, "`sqitch.plan`");
    let plan_text = plans::read_text(&root.join("sqitch.plan")).unwrap_or_default();
    let changes = plans::sqitch_plan(&plan_text);
    let mut planned = std::collections::BTreeSet::new();
    for change in &changes {
        let stem = change
            .rework_tags
            .iter()
            .map(|tag| format!("{}@{tag}", change.name))
            .find(|stem| root.join("deploy").join(format!("{stem}.sql")).is_file())
            .or_else(|| {
                change
                    .rework_tags
                    .first()
                    .map(|tag| format!("{}@{tag}", change.name))
            })
            .unwrap_or_else(|| change.name.clone());
        let deploy = PathBuf::from("deploy").join(format!("{stem}.sql"));
        let revert = PathBuf::from("revert").join(format!("{stem}.sql"));
        if !root.join(&deploy).is_file() {
            listing.note(
                "sqitch.plan",
                Some(change.line),
                format!(
                    "change `{}` has no deploy script `{}`",
                    change.name,
                    slashed(&deploy)
                ),
                "sqitch cannot deploy it; add the script or remove the change from the plan"
                    .to_string(),
            );
            continue;
        }
        for (path, role) in [(deploy, Role::Up), (revert, Role::Down)] {
            if root.join(&path).is_file() {
                planned.insert(path.clone());
                listing.files.push(Listed {
                    relative: path,
                    name: FileName {
                        version: None,
                        name: stem.as_str().into(),
                        role,
                        hint: Layout::Sqitch,
                    },
                });
            }
        }
    }
    for folder in ["deploy", "revert"] {
        for relative in sql_files(disk, root, &root.join(folder), true, &mut listing) {
            if !planned.contains(&relative) {
                listing.note(
                    relative.clone(),
                    None,
                    format!(
                        "`{}` is not in `sqitch.plan`: sqitch never runs it",
                        slashed(&relative)
                    ),
                    "add the change with `sqitch add`, or delete the script".to_string(),
                );
            }
        }
    }
    listing
}

fn drizzle(disk: &Disk<'_>, root: &Path) -> Listing {
    let mut listing = Listing::new(Layout::Drizzle, "`meta/_journal.json`");
    let journal_path = PathBuf::from("meta").join("_journal.json");
    let text = plans::read_text(&root.join(&journal_path)).unwrap_or_default();
    let on_disk = sql_files(disk, root, root, false, &mut listing);
    let tags = match plans::drizzle_journal(&text) {
        Ok(tags) => tags,
        Err(reason) => {
            listing.note(
                journal_path,
                None,
                format!(
                    "`meta/_journal.json` cannot be read ({reason}); files are read in name order"
                ),
                "drizzle-kit writes this file; regenerate it with `drizzle-kit generate`"
                    .to_string(),
            );
            listing.order = Order::Name;
            listing.files = on_disk
                .into_iter()
                .map(|relative| Listed {
                    name: classify(&file_name_of(&relative)),
                    relative,
                })
                .collect();
            return listing;
        }
    };
    let present: std::collections::HashSet<&PathBuf> = on_disk.iter().collect();
    let listed: std::collections::HashSet<String> =
        tags.iter().map(|(tag, _)| format!("{tag}.sql")).collect();
    for (tag, line) in &tags {
        let relative = PathBuf::from(format!("{tag}.sql"));
        if !present.contains(&relative) {
            listing.note(
                journal_path.clone(),
                Some(*line),
                format!("journal entry `{tag}` has no file `{tag}.sql`"),
                "drizzle's migrator fails on it; restore the file or regenerate the journal"
                    .to_string(),
            );
            continue;
        }
        let mut name = classify(&file_name_of(&relative));
        name.hint = Layout::Drizzle;
        listing.files.push(Listed { relative, name });
    }
    for relative in on_disk {
        if !listed.contains(file_name_of(&relative).as_ref()) {
            listing.note(
                relative.clone(),
                None,
                format!("`{}` is not in `meta/_journal.json`: drizzle never applies it", slashed(&relative)),
                "generate migrations with `drizzle-kit generate` (which records them in the journal), or move the file out of the migrations folder".to_string(),
            );
        }
    }
    listing
}

fn atlas(disk: &Disk<'_>, root: &Path) -> Listing {
    let mut listing = flat(disk, root, Some(Layout::Atlas));
    listing.evidence = "`atlas.sum`".to_string();
    let text = plans::read_text(&root.join("atlas.sum")).unwrap_or_default();
    let summed = plans::atlas_sum(&text);
    let summed_names: std::collections::HashSet<&str> =
        summed.iter().map(|(n, _)| n.as_str()).collect();
    let present: std::collections::HashSet<String> = listing
        .files
        .iter()
        .map(|f| file_name_of(&f.relative).into_owned())
        .collect();
    let mut notes = Vec::new();
    for file in &listing.files {
        let name = file_name_of(&file.relative);
        // With `format = "golang-migrate"`, only up files are summed.
        if file.name.role != Role::Down && !summed_names.contains(name.as_ref()) {
            notes.push(Note {
                relative: file.relative.clone(),
                line: None,
                message: format!(
                    "`{name}` is not in `atlas.sum`: Atlas refuses to run until the sum is updated"
                ),
                help: "run `atlas migrate hash` after adding a migration".to_string(),
                guess: false,
            });
        }
    }
    for (name, line) in &summed {
        if !present.contains(name) {
            notes.push(Note {
                relative: PathBuf::from("atlas.sum"),
                line: Some(*line),
                message: format!("`atlas.sum` lists `{name}`, which is not in the folder"),
                help: "restore the file, or run `atlas migrate hash`".to_string(),
                guess: false,
            });
        }
    }
    listing.notes.extend(notes);
    listing
}

fn prisma(disk: &Disk<'_>, root: &Path) -> Listing {
    let mut listing = folders(disk, root, Some(Layout::Prisma));
    listing.evidence = "`migration_lock.toml`".to_string();
    let lock = plans::read_text(&root.join("migration_lock.toml")).unwrap_or_default();
    if let Some((provider, line)) = plans::prisma_provider(&lock)
        && provider != "postgresql"
        && provider != "cockroachdb"
    {
        listing.note(
            "migration_lock.toml",
            Some(line),
            format!("these Prisma migrations are for `{provider}`, not PostgreSQL: not linted"),
            "schema-lint reads PostgreSQL migrations only; exclude this folder (`exclude` in schema-lint.toml) to silence this".to_string(),
        );
        for file in listing.files.drain(..) {
            listing.skipped.push(Skipped {
                relative: file.relative,
                reason: format!("a Prisma migration for `{provider}`"),
            });
        }
    }
    listing
}

fn graphile(disk: &Disk<'_>, root: &Path) -> Listing {
    let mut listing = Listing::new(Layout::GraphileMigrate, "`committed/`");
    for relative in sql_files(disk, root, &root.join("committed"), false, &mut listing) {
        let name = classify_graphile(&file_name_of(&relative));
        listing.files.push(Listed { relative, name });
    }
    for current in ["current.sql", "current"] {
        if root.join(current).exists() {
            listing.skipped.push(Skipped {
                relative: PathBuf::from(current),
                reason: "graphile-migrate work in progress, not a committed migration".to_string(),
            });
        }
    }
    listing
}

// ----- one folder per migration ----------------------------------------------

/// A folder of migration folders: diesel, Hasura, numbered folders, or
/// Prisma without its lock file. Which one is decided by the project's
/// files (`diesel.toml`, Hasura's `config.yaml`) or by the folder names.
fn folders(disk: &Disk<'_>, root: &Path, forced: Option<Layout>) -> Listing {
    let mut probe = Listing::new(Layout::Unversioned, "");
    let found = entries(disk, root, &mut probe);
    let folders: Vec<(&Entry, layout::FolderName)> = found
        .iter()
        .filter(|entry| entry.kind == Kind::Folder)
        .filter_map(|entry| Some((entry, folder_name(&entry.name())?)))
        .collect();
    let (layout, evidence, weak) = match forced {
        Some(layout) => (layout, "`layout` in the config".to_string(), None),
        None => folder_layout(root, &folders),
    };
    let mut listing = Listing::new(layout, evidence);
    listing.unreadable = probe.unreadable;
    let (up, down) = match layout.facts().shape {
        Shape::Folders { up, down } => (up, down),
        _ => ("up.sql", Some("down.sql")),
    };
    for (folder, parsed) in &folders {
        if layout == Layout::Hasura && folder.path.join("up.yaml").is_file() {
            let relative = PathBuf::from(folder.file_name()).join("up.yaml");
            listing.note(
                relative,
                Some(1),
                "`up.yaml` (Hasura metadata actions, `run_sql` included) is not read: the schema model may be missing what it changes".to_string(),
                "move `run_sql` SQL into the folder's `up.sql` to have it linted".to_string(),
            );
        }
        for file in sql_files(disk, root, &folder.path, false, &mut listing) {
            let name = file_name_of(&file).into_owned();
            let relative = file;
            match folder_file(parsed, &name, up, down, layout) {
                Some(name) => listing.files.push(Listed { relative, name }),
                None => listing.skipped.push(Skipped {
                    relative,
                    reason: format!(
                        "{} applies only `{up}`{} in a migration folder",
                        layout.facts().tool,
                        down.map(|d| format!(" and `{d}`")).unwrap_or_default()
                    ),
                }),
            }
        }
    }
    // Files beside the folders: not migrations of this tool, reported by
    // `migration-filename`.
    for entry in &found {
        if entry.kind == Kind::File && is_sql(&entry.path) {
            listing.files.push(Listed {
                relative: PathBuf::from(entry.file_name()),
                name: FileName::unversioned(&entry.name()),
            });
        }
    }
    if let (Some(reason), Some(first)) = (weak, listing.files.first()) {
        let relative = first.relative.clone();
        listing.note(
            relative,
            None,
            format!("the layout of this folder is a guess: {reason}"),
            format!("say which tool applies it: `layout = \"{layout}\"` in schema-lint.toml, or a `[[sets]]` entry with its `root` and `layout`"),
        );
    }
    listing
}

/// Which folder layout `root` is: from the project's files first, else
/// from the folder names. The third value says why the answer is weak.
fn folder_layout(
    root: &Path,
    folders: &[(&Entry, layout::FolderName)],
) -> (Layout, String, Option<String>) {
    for dir in root.ancestors().take(4) {
        if dir.join("diesel.toml").is_file() {
            return (Layout::Diesel, "`diesel.toml`".to_string(), None);
        }
        if plans::read_text(&dir.join("config.yaml")).is_some_and(|t| plans::is_hasura_config(&t)) {
            return (Layout::Hasura, "Hasura `config.yaml`".to_string(), None);
        }
    }
    let has = |file: &str| {
        folders
            .iter()
            .any(|(folder, _)| folder.path.join(file).is_file())
    };
    if has("migration.sql") && !has("up.sql") {
        return (
            Layout::Prisma,
            "`migration.sql` folders".to_string(),
            Some("folders hold `migration.sql` as Prisma writes them, but there is no `migration_lock.toml`".to_string()),
        );
    }
    if has("metadata.yaml") {
        return (
            Layout::NumberedFolders,
            "`metadata.yaml` folders".to_string(),
            None,
        );
    }
    let hints: std::collections::BTreeSet<Layout> = folders.iter().map(|(_, f)| f.hint).collect();
    let layout = [Layout::Hasura, Layout::NumberedFolders, Layout::Diesel]
        .into_iter()
        .find(|l| hints.contains(l))
        .unwrap_or(Layout::Diesel);
    let weak = (hints.len() > 1).then(|| {
        let names: Vec<&str> = hints.iter().map(|l| l.name()).collect();
        format!(
            "folder names follow more than one convention ({})",
            names.join(", ")
        )
    });
    (layout, "folder names".to_string(), weak)
}

// ----- [[sets]] entries --------------------------------------------------------

fn configured(disk: &Disk<'_>, root: &Path, config: &SetConfig) -> Listing {
    let Some(include) = &config.include else {
        let layout = config.layout;
        let is_folders = layout.is_some_and(|l| matches!(l.facts().shape, Shape::Folders { .. }));
        let mut listing = match layout {
            Some(
                layout @ (Layout::Sqitch
                | Layout::Drizzle
                | Layout::Atlas
                | Layout::Prisma
                | Layout::GraphileMigrate),
            ) => marked(disk, root, layout, "[[sets]]"),
            _ if is_folders => folders(disk, root, layout),
            _ => flat(disk, root, layout),
        };
        listing.evidence = "a `[[sets]]` entry".to_string();
        exclude(&mut listing, config.exclude.as_ref());
        return listing;
    };
    let layout = config.layout.unwrap_or(Layout::Unversioned);
    let mut listing = Listing::new(layout, "a `[[sets]]` entry");
    for relative in sql_files(disk, root, root, true, &mut listing) {
        if !include.is_match(&relative) {
            continue;
        }
        let file = file_name_of(&relative);
        let name = match (layout.facts().shape, relative.parent().map(name_of)) {
            (Shape::Folders { up, down }, Some(folder)) => folder_name(&folder)
                .and_then(|parsed| folder_file(&parsed, &file, up, down, layout))
                .unwrap_or_else(|| FileName::unversioned(&file)),
            _ => classify_for(layout, &file),
        };
        listing.files.push(Listed { relative, name });
    }
    exclude(&mut listing, config.exclude.as_ref());
    listing
}

fn exclude(listing: &mut Listing, globs: Option<&GlobSet>) {
    if let Some(globs) = globs {
        listing.files.retain(|f| !globs.is_match(&f.relative));
    }
}

// ----- order -------------------------------------------------------------------

/// Puts the files in the order the tool applies them. Plans keep their
/// own order.
fn sort(listing: &mut Listing) {
    match listing.order {
        Order::Plan => {}
        Order::Version => listing
            .files
            .sort_by(|a, b| version_key(a).cmp(&version_key(b))),
        Order::Name => listing.files.sort_by(|a, b| name_key(a).cmp(&name_key(b))),
    }
}

/// Versioned migrations first (up before down within a version), then
/// Flyway's repeatable ones by description, then files without a version,
/// by name.
fn version_key(file: &Listed) -> (u8, Option<&layout::Version>, Role, &str, &Path) {
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
        &file.relative,
    )
}

/// By the name the tool sorts (the folder's, for folder layouts), up
/// before down.
fn name_key(file: &Listed) -> (String, Role, &Path) {
    let sorted_by = match file.relative.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => slashed(parent),
        _ => slashed(&file.relative),
    };
    (sorted_by, file.name.role, &file.relative)
}

/// A relative path with forward slashes.
pub fn slashed(path: &Path) -> String {
    crate::source::display_path(path)
}

#[cfg(test)]
mod tests {
    use super::{Entry, Kind};
    use std::path::PathBuf;

    /// An entry's name, read from where it starts in the path, is the
    /// path's file name, whatever the path looks like.
    #[test]
    fn entry_names_are_file_names() {
        let mut paths: Vec<PathBuf> =
            ["m/a.sql", "m/.hidden", "a/b/", "a/b/.", "x", "/", "é/ü.sql"]
                .iter()
                .map(PathBuf::from)
                .collect();
        #[cfg(unix)]
        {
            use std::os::unix::ffi::OsStrExt;
            paths.push(PathBuf::from(std::ffi::OsStr::from_bytes(b"m/bad\xff.sql")));
        }
        for path in paths {
            let entry = Entry::new(path.clone(), Kind::File);
            let name = path.file_name().unwrap_or_default();
            assert_eq!(entry.name_bytes(), name.as_encoded_bytes(), "{path:?}");
            assert_eq!(entry.name(), name.to_string_lossy(), "{path:?}");
        }
    }
}
