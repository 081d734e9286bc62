//! The cache of per-file facts: what parsing a migration file produced
//! (its statements with their parse outcomes and facts, markers, sections,
//! directives, first line), stored by the file's content so that a run
//! that meets the same bytes again reads the facts instead of tokenizing,
//! splitting, parsing and reading the file. A pre-commit run that names one
//! file still loads its whole set as context: with the cache, only the
//! files that changed since the last run are parsed.
//!
//! - **Where**: one file per migration set, `set-<hash of the set's
//!   resolved root>`, in `.schema-lint-cache/` of the project folder (the
//!   config file's folder, else the current one; `SCHEMA_LINT_CACHE_DIR`
//!   overrides it). The folder is created with a `.gitignore` (`*`) and a
//!   `CACHEDIR.TAG`. `--no-cache` neither reads nor writes it.
//! - **Valid only for the same input**: an entry is used only when the
//!   file's bytes and its role (up, down, repeatable: the only input of
//!   `parse_source` that is not the text) hash to the entry's key (SHA-256),
//!   and the cache file was written by this very build (`stamp`: the
//!   version, `FORMAT`, and the executable's size and modification time, so
//!   that a rebuild with changed types never reads old entries).
//! - **Context files are not even read**: a file the run does not report
//!   on (the rest of a pre-commit run's set) whose `stat` is the one its
//!   entry recorded (`Settled`: size, inode, modification and change times)
//!   is taken from its entry unread, as git's index trusts a file's `stat`;
//!   its text is read only if something asks for a line of it
//!   (`SourceFile::unread`). Rules ask where a finding would be reported
//!   before they quote what a file says.
//! - **Never wrong, never fatal**: the file ends with a checksum of the
//!   rest (`checksum`), so a truncated or damaged file is a miss, as is one
//!   that does not decode; nothing about the cache is ever an error. A cache that cannot
//!   be written is ignored, silently (as ruff's).
//! - **Bounded**: after a run, a set's file is rewritten (atomically: a
//!   temporary file, then a rename) only when something missed or an entry
//!   went unused, and holds exactly the files of the set as this run read
//!   them; edits replace entries, they never add to them.
//! - **File ids**: an origin in a file's facts is always in that file, and
//!   file ids change from run to run, so origins are stored without their
//!   file (`this_file`): storing a file's facts fails if one points into
//!   another file (that file is then not stored), and reading them back
//!   gives every origin the file's id of this run.
//!
//! Files given as text (an editor's unsaved buffer, stdin) are looked up but
//! never stored: their entry on disk, if any, is kept, so that the next run
//! from disk still finds it.

use std::cell::Cell;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::de::Error as _;
use serde::ser::Error as _;
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use sha2::{Digest, Sha256};

use super::{FileKind, LoadedFile, Markers, Section, Statement, UnknownMarker};
use crate::discover::{MigrationFile, Role};
use crate::source::{FileId, SourceFile};

/// The cache folder's name in the project folder.
pub const FOLDER: &str = ".schema-lint-cache";

/// The environment variable that names the cache folder instead.
pub const ENV: &str = "SCHEMA_LINT_CACHE_DIR";

/// The layout of what is stored: bump it whenever a stored type changes
/// (a field added, removed, reordered or retyped; a variant added). The
/// executable's stamp (`stamp`) catches a rebuild that forgot to.
const FORMAT: u32 = 14;

const MAGIC: &[u8; 8] = b"SLFACTS\0";

/// A cache file larger than this is not read (a miss).
const MAX_FILE: u64 = 4 << 30;

/// How deeply nested a stored value may be when read back (an array type's
/// element type), so that a damaged entry cannot exhaust the stack.
const MAX_NESTING: usize = 256;

/// A SHA-256.
pub type Key = [u8; 32];

/// The cache folder of a run: `SCHEMA_LINT_CACHE_DIR` when set, else
/// `.schema-lint-cache` in `project` (the config file's folder, else the
/// current one).
pub fn folder(project: &Path) -> PathBuf {
    match std::env::var_os(ENV) {
        Some(dir) if !dir.is_empty() => PathBuf::from(dir),
        _ => project.join(FOLDER),
    }
}

/// What an entry's key is computed from: the file's role and bytes.
pub fn key(role: Role, bytes: &[u8]) -> Key {
    let role: u8 = match role {
        Role::Up => 0,
        Role::Down => 1,
        Role::Repeatable => 2,
    };
    let mut hash = Sha256::new();
    hash.update([role]);
    hash.update(bytes);
    hash.finalize().into()
}

/// The cache of a run: its folder and this build's stamp.
#[derive(Debug, Clone)]
pub struct Cache {
    folder: PathBuf,
    stamp: Key,
}

impl Cache {
    pub fn new(folder: PathBuf) -> Cache {
        Cache {
            folder,
            stamp: stamp(),
        }
    }

    /// The cache file of the set whose root is `root`.
    fn file_of(&self, root: &Path) -> PathBuf {
        let resolved = crate::source::canonical(root);
        let hash = Sha256::digest(resolved.as_os_str().as_encoded_bytes());
        let hex: String = hash[..8].iter().map(|b| format!("{b:02x}")).collect();
        self.folder.join(format!("set-{hex}"))
    }

    /// The body of the cache file of the set at `root` (its bytes without
    /// the checksum that ends them); empty when there is none, it cannot be
    /// read, or the checksum does not hold (a truncated or damaged file).
    pub fn read(&self, root: &Path) -> Vec<u8> {
        let bytes =
            crate::source::read_regular_file(&self.file_of(root), MAX_FILE).unwrap_or_default();
        checked(bytes).unwrap_or_default()
    }

    /// The entries of a cache file's body (`read`); none when they were
    /// written by another build or do not decode.
    pub fn entries<'a>(&self, body: &'a [u8]) -> Index<'a> {
        self.decode(body).unwrap_or_default()
    }

    /// How many entries a cache file's bytes (checksum included) hold.
    #[cfg(test)]
    fn count(&self, bytes: &[u8]) -> usize {
        let body = checked(bytes.to_vec()).unwrap_or_default();
        self.entries(&body).total
    }

    fn decode<'a>(&self, body: &'a [u8]) -> Option<Index<'a>> {
        let rest = body.strip_prefix(MAGIC)?;
        let (stamp, rest) = rest.split_at_checked(32)?;
        if stamp != self.stamp {
            return None;
        }
        let stored: Vec<StoredFile<'a>> = postcard::from_bytes(rest).ok()?;
        let total = stored.len();
        let entries = stored
            .into_iter()
            .map(|file| (file.path, (file.key, file.settled, file.facts)))
            .collect();
        Some(Index {
            entries,
            stats: Default::default(),
            total,
        })
    }

    /// Writes the cache file of the set at `root`, holding `files`:
    /// atomically, and silently not at all when it cannot.
    pub fn write(&self, root: &Path, files: &[StoredFile<'_>]) {
        let _ = self.try_write(root, files);
    }

    fn try_write(&self, root: &Path, files: &[StoredFile<'_>]) -> Option<()> {
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&self.stamp);
        let bytes = postcard::to_extend(files, bytes).ok()?;
        let mut bytes = bytes;
        bytes.extend_from_slice(&checksum(&bytes));
        self.create_folder()?;
        let target = self.file_of(root);
        let name = target.file_name()?.to_string_lossy().into_owned();
        let temporary =
            self.folder
                .join(format!(".{name}.{}.{}.tmp", std::process::id(), unique()));
        let written =
            std::fs::write(&temporary, &bytes).and_then(|()| std::fs::rename(&temporary, &target));
        if written.is_err() {
            let _ = std::fs::remove_file(&temporary);
            return None;
        }
        Some(())
    }

    /// Creates the cache folder, with a `.gitignore` that ignores all of it
    /// and a `CACHEDIR.TAG` (backup tools skip the folder), when it does not
    /// exist yet.
    fn create_folder(&self) -> Option<()> {
        if self.folder.is_dir() {
            return Some(());
        }
        std::fs::create_dir_all(&self.folder).ok()?;
        let _ = std::fs::write(
            self.folder.join(".gitignore"),
            "# Created by schema-lint: its cache, never committed.\n*\n",
        );
        let _ = std::fs::write(
            self.folder.join("CACHEDIR.TAG"),
            "Signature: 8a477f597d28d172789f06886806bc55\n\
             # This file is a cache directory tag created by schema-lint.\n\
             # For information about cache directory tags see https://bford.info/cachedir/\n",
        );
        Some(())
    }
}

/// This build: its version, the stored layout's number, and the
/// executable's size and modification time. The last two change with every
/// build (a developer's rebuild after changing a stored type, a `cargo
/// install` of another version or with other dependencies) without
/// depending on git or a build script, and cost one `stat`; a copied or
/// reinstalled executable only costs one cold run.
fn stamp() -> Key {
    // Once per process: the read-ahead and the load each make a `Cache`.
    static STAMP: std::sync::OnceLock<Key> = std::sync::OnceLock::new();
    *STAMP.get_or_init(executable_stamp)
}

fn executable_stamp() -> Key {
    let mut hash = Sha256::new();
    hash.update(b"schema-lint ");
    hash.update(env!("CARGO_PKG_VERSION").as_bytes());
    hash.update(FORMAT.to_le_bytes());
    let executable = std::env::current_exe()
        .ok()
        .and_then(|path| std::fs::metadata(path).ok());
    if let Some(metadata) = executable {
        hash.update(metadata.len().to_le_bytes());
        let modified = metadata
            .modified()
            .ok()
            .and_then(|time| time.duration_since(std::time::UNIX_EPOCH).ok())
            .map_or(0, |since| since.as_nanos());
        hash.update(modified.to_le_bytes());
    }
    hash.finalize().into()
}

/// A number unique in this process, for temporary file names.
fn unique() -> u64 {
    use std::sync::atomic::{AtomicU64, Ordering};
    static NEXT: AtomicU64 = AtomicU64::new(0);
    NEXT.fetch_add(1, Ordering::Relaxed)
}

/// What ends a cache file: a 64-bit hash of the rest, with its length.
/// It finds a truncated or damaged file, which is all it is for: whoever
/// can write the cache folder can write any sum, and an entry's key (a
/// SHA-256 of the file's bytes) is what ties facts to a file. Not SHA-256
/// itself: a warm run checks the whole file before anything else, and the
/// file of a set of 3,000 migrations (2 MB) took a millisecond to sum so,
/// a thirtieth of a pre-commit run; this takes a tenth of that. The hash
/// may change with the `rustc-hash` crate; a new build starts a new cache
/// anyway (`stamp`).
fn checksum(body: &[u8]) -> [u8; 16] {
    use std::hash::Hasher;
    let mut hasher = rustc_hash::FxHasher::default();
    hasher.write(body);
    let mut sum = [0; 16];
    sum[..8].copy_from_slice(&hasher.finish().to_le_bytes());
    sum[8..].copy_from_slice(&(body.len() as u64).to_le_bytes());
    sum
}

/// A cache file's bytes without the checksum of the rest that ends them,
/// when it holds.
fn checked(mut bytes: Vec<u8>) -> Option<Vec<u8>> {
    let body = bytes.len().checked_sub(16)?;
    if checksum(&bytes[..body]) != bytes[body..] {
        return None;
    }
    bytes.truncate(body);
    Some(bytes)
}

/// How many cache files a run reads ahead at most (`Ahead`).
const MAX_AHEAD: usize = 4;

/// Cache files read while discovery runs, before it says which sets there
/// are: those of the sets the run's paths most likely belong to (a named
/// folder, a named file's folder and the one above it, a configured set's
/// root). A warm run reads its set's cache file, 1.9 MB for 3,000 files,
/// and decodes its entries in about 2 ms, which discovery (serial, 4 ms
/// there) hides. A guess that names no set costs a failed `open`; a set
/// not guessed is read when it is loaded (`load`), as before.
pub struct Ahead {
    cache: Cache,
    /// The configured sets' roots, then the paths the run names.
    configured: Vec<PathBuf>,
    named: Vec<PathBuf>,
    /// Each guessed root's cache file body, once read (the entries borrow
    /// it).
    bodies: [std::sync::OnceLock<Vec<u8>>; MAX_AHEAD],
}

impl Ahead {
    /// What to guess from: the paths the run names and the configured
    /// sets' roots. Nothing is read yet.
    pub fn new(cache: Cache, named: &[PathBuf], configured: Vec<PathBuf>) -> Ahead {
        Ahead {
            cache,
            configured,
            named: named.to_vec(),
            bodies: Default::default(),
        }
    }

    /// Reads each guessed set's cache file and decodes its entries, by the
    /// set's resolved root; then, until `discovered` is set, takes the
    /// `stat` of the files they could vouch for (`Index::stat_taken`), on
    /// the core discovery leaves idle.
    pub fn read(&self, discovered: &std::sync::atomic::AtomicBool) -> Vec<(PathBuf, Index<'_>)> {
        let mut read = self.read_entries();
        for (root, index) in &mut read {
            if let Some(folder) = Folder::open(root) {
                index.take_stats(&folder, discovered);
            }
        }
        read
    }

    fn read_entries(&self) -> Vec<(PathBuf, Index<'_>)> {
        let mut roots: Vec<PathBuf> = Vec::new();
        for root in self.guesses() {
            let resolved = crate::source::canonical(&root);
            if !roots.contains(&resolved) {
                roots.push(resolved);
            }
            if roots.len() == MAX_AHEAD {
                break;
            }
        }
        roots
            .into_iter()
            .zip(&self.bodies)
            .map(|(root, body)| {
                let body = body.get_or_init(|| self.cache.read(&root));
                (root, self.cache.entries(body))
            })
            .collect()
    }

    /// The configured roots; then a named folder, or a named file's folder
    /// and the one above it (a set of folders, as diesel's).
    fn guesses(&self) -> impl Iterator<Item = PathBuf> + '_ {
        let named = self.named.iter().flat_map(|path| {
            if path.is_dir() {
                return [Some(path.clone()), None];
            }
            let folder = crate::source::folder_of(path);
            let above = folder.parent().map(Path::to_path_buf);
            [Some(folder), above]
        });
        self.configured
            .iter()
            .cloned()
            .chain(named.flatten())
            .filter(|root| !root.as_os_str().is_empty())
    }
}

/// An entry of a set's cache file, by its path: the key, what the file
/// was on disk, the facts.
type Entry<'a> = (Key, Option<Settled>, &'a [u8]);

/// The entries of one set's cache file, by the file's path in the set.
#[derive(Debug, Default)]
pub struct Index<'a> {
    /// Fx-hashed: a warm run looks up every file of the set.
    entries: rustc_hash::FxHashMap<&'a [u8], Entry<'a>>,
    /// The `stat` of files right in the set's folder, taken while
    /// discovery ran (`Ahead::read`), by the same key.
    stats: rustc_hash::FxHashMap<&'a [u8], Stat>,
    /// How many entries the file held (paths repeated too).
    pub total: usize,
}

impl<'a> Index<'a> {
    /// The stored facts of the file at `path` when they were stored for
    /// `key`, with what the entry says the file was on disk.
    pub fn get(&self, path: &[u8], key: &Key) -> Option<(Option<Settled>, &'a [u8])> {
        self.entries
            .get(path)
            .filter(|(stored, _, _)| stored == key)
            .map(|&(_, settled, facts)| (settled, facts))
    }

    /// What the file at `path` was when its facts were stored, and the
    /// facts, when it had settled then.
    pub fn settled(&self, path: &[u8]) -> Option<(Settled, &'a [u8])> {
        let &(_, settled, facts) = self.entries.get(path)?;
        Some((settled?, facts))
    }

    /// The `stat` of the file at `path` taken ahead, if it was.
    pub fn stat_taken(&self, path: &[u8]) -> Option<&Stat> {
        self.stats.get(path)
    }

    /// Takes the `stat` of the files right in the set's `folder` whose
    /// entries could vouch for them, until `enough` says to stop.
    fn take_stats(&mut self, folder: &Folder, enough: &std::sync::atomic::AtomicBool) {
        for (&path, (_, settled, _)) in &self.entries {
            if enough.load(std::sync::atomic::Ordering::Relaxed) {
                return;
            }
            if settled.is_some()
                && !path.contains(&b'/')
                && let Some(stat) = folder.stat(path)
            {
                self.stats.insert(path, stat);
            }
        }
    }

    /// The entry of the file at `path`, whatever its key.
    pub fn entry(&self, path: &[u8]) -> Option<StoredFile<'a>> {
        self.entries
            .get_key_value(path)
            .map(|(&path, &(key, settled, facts))| StoredFile {
                path,
                key,
                settled,
                facts,
            })
    }
}

/// One file's entry in a set's cache file.
#[derive(Debug, Clone, Copy, Serialize, Deserialize)]
pub struct StoredFile<'a> {
    /// The file's path in its set (see `path_in_set`).
    #[serde(with = "bytes", borrow)]
    pub path: &'a [u8],
    pub key: Key,
    /// What the file was on disk, when it had settled (see `Settled`).
    pub settled: Option<Settled>,
    /// The facts, as `store` wrote them.
    #[serde(with = "bytes", borrow)]
    pub facts: &'a [u8],
}

/// What a file was on disk when its facts were stored: its `stat` and what
/// decoding its bytes found. A later run that finds the same `stat` takes
/// the facts without reading the file (it reads it only if it reports on
/// it), as git trusts its index: any write to a file changes its change
/// time (`ctime`), which no tool can set back, so the same size, inode and
/// times mean the same bytes. Recorded only for a file last changed at
/// least `SETTLE` before the run that stored it began reading: a write in
/// the same clock tick as the read, on a file system with coarse times,
/// could otherwise leave the times unchanged.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Settled {
    stat: Stat,
    /// Bytes of a UTF-8 byte-order mark (0 or 3).
    pub bom: u8,
    /// What `read::decode` found of bytes that are not UTF-8.
    pub invalid: Option<(u64, u8, u64)>,
}

/// How long before a run began reading a file must have last changed for
/// its `stat` to be trusted by later runs (FAT's times are 2 seconds
/// apart).
const SETTLE: std::time::Duration = std::time::Duration::from_secs(3);

impl Settled {
    /// What to record of a file read at `read_at` whose open file had
    /// `metadata`: `None` when it changed too recently, or where there is
    /// no inode and change time (not Unix).
    pub fn of(
        metadata: &std::fs::Metadata,
        read_at: std::time::SystemTime,
        bom: usize,
        invalid: Option<(usize, u8, usize)>,
    ) -> Option<Settled> {
        let stat = Stat::of(metadata)?;
        let since_epoch = read_at.duration_since(std::time::UNIX_EPOCH).ok()?;
        let settled_before = since_epoch.checked_sub(SETTLE)?;
        let changed = stat.changed.max(stat.modified);
        let changed_at = std::time::Duration::new(
            u64::try_from(changed.0).ok()?,
            u32::try_from(changed.1).ok()?,
        );
        (changed_at < settled_before).then_some(Settled {
            stat,
            bom: u8::try_from(bom).ok()?,
            invalid: invalid.map(|(at, byte, count)| (at as u64, byte, count as u64)),
        })
    }

    /// Whether the file is still as it was, by `metadata` (of its path,
    /// following links, as reading it does).
    pub fn still(&self, metadata: &std::fs::Metadata) -> bool {
        Stat::of(metadata) == Some(self.stat)
    }

    /// `still`, by the file's `stat` taken in its folder (`Folder::stat`).
    pub fn still_as(&self, stat: &Stat) -> bool {
        *stat == self.stat
    }

    /// The file's size when its entry was stored.
    pub fn len(&self) -> u64 {
        self.stat.len
    }

    /// `invalid` as `LoadedFile::invalid_utf8` holds it.
    pub fn invalid_utf8(&self) -> Option<(usize, u8, usize)> {
        self.invalid.map(|(at, byte, count)| {
            let wide = |n: u64| usize::try_from(n).unwrap_or(usize::MAX);
            (wide(at), byte, wide(count))
        })
    }
}

/// The parts of a file's `stat` that change when it is written, replaced,
/// or has its times set.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stat {
    len: u64,
    /// Seconds and nanoseconds since the epoch.
    modified: (i64, i64),
    changed: (i64, i64),
    inode: u64,
    device: u64,
}

impl Stat {
    #[cfg(unix)]
    fn of(metadata: &std::fs::Metadata) -> Option<Stat> {
        use std::os::unix::fs::MetadataExt;
        metadata.is_file().then(|| Stat {
            len: metadata.len(),
            modified: (metadata.mtime(), metadata.mtime_nsec()),
            changed: (metadata.ctime(), metadata.ctime_nsec()),
            inode: metadata.ino(),
            device: metadata.dev(),
        })
    }

    /// Without a change time, nothing vouches for a file's bytes but
    /// the bytes.
    #[cfg(not(unix))]
    fn of(_: &std::fs::Metadata) -> Option<Stat> {
        None
    }
}

/// A set's folder, open, for the `stat` of the files right in it: a warm
/// run looks at every file of its set, and `stat` by the whole path walks
/// every folder above the file each time (a tenth of such a run's time in
/// the kernel, by perf). On Linux; elsewhere files are looked at by path.
pub struct Folder {
    #[cfg(target_os = "linux")]
    folder: std::fs::File,
}

impl Folder {
    /// The folder at `resolved` (a set's resolved root), open.
    pub fn open(resolved: &Path) -> Option<Folder> {
        #[cfg(target_os = "linux")]
        {
            use std::os::unix::fs::OpenOptionsExt;
            // Only a folder: opening a FIFO for reading would wait for a
            // writer.
            let folder = std::fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_DIRECTORY)
                .open(resolved)
                .ok()?;
            Some(Folder { folder })
        }
        #[cfg(not(target_os = "linux"))]
        {
            let _ = resolved;
            None
        }
    }

    /// What `Stat::of` makes of the `metadata` of the file `name` in this
    /// folder (following links, as `std::fs::metadata` does); `None` when
    /// it cannot tell (then the caller asks by path).
    #[cfg(target_os = "linux")]
    pub fn stat(&self, name: &[u8]) -> Option<Stat> {
        use std::os::fd::AsRawFd;
        // The name with its terminating NUL, on the stack.
        let mut path = [0u8; 256];
        if name.is_empty() || name.len() >= path.len() || name.contains(&0) {
            return None;
        }
        path[..name.len()].copy_from_slice(name);
        let mut stat = std::mem::MaybeUninit::<libc::stat>::uninit();
        // SAFETY: `path` is NUL-terminated, the descriptor is an open
        // folder's, and `stat` is written by the call before it is read
        // (only when it succeeds).
        let found = unsafe {
            libc::fstatat(
                self.folder.as_raw_fd(),
                path.as_ptr().cast(),
                stat.as_mut_ptr(),
                0,
            )
        };
        if found != 0 {
            return None;
        }
        // SAFETY: `fstatat` succeeded, so it filled `stat`.
        let stat = unsafe { stat.assume_init() };
        // As `Metadata::is_file`, `len`, `mtime`, `ctime`, `ino` and `dev`
        // read them.
        let is_file = stat.st_mode & libc::S_IFMT == libc::S_IFREG;
        is_file.then_some(Stat {
            len: stat.st_size as u64,
            modified: (stat.st_mtime, stat.st_mtime_nsec),
            changed: (stat.st_ctime, stat.st_ctime_nsec),
            inode: stat.st_ino,
            device: stat.st_dev,
        })
    }

    #[cfg(not(target_os = "linux"))]
    pub fn stat(&self, _: &[u8]) -> Option<Stat> {
        None
    }
}

/// Byte strings as such (one length, then the bytes), read back without a
/// copy.
mod bytes {
    use serde::{Deserialize, Deserializer, Serializer};

    pub fn serialize<S: Serializer>(bytes: &&[u8], serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_bytes(bytes)
    }

    pub fn deserialize<'de: 'a, 'a, D: Deserializer<'de>>(
        deserializer: D,
    ) -> Result<&'a [u8], D::Error> {
        <&'a [u8]>::deserialize(deserializer)
    }
}

/// The key of a file in its set's cache file: its resolved path, below the
/// set's resolved root when it is.
pub fn path_in_set<'a>(resolved_root: &Path, migration: &'a MigrationFile) -> &'a [u8] {
    let path = &migration.resolved;
    let root = resolved_root.as_os_str().as_encoded_bytes();
    if let Some(name) = name_in(root, path.as_os_str().as_encoded_bytes()) {
        return name;
    }
    path.strip_prefix(resolved_root)
        .unwrap_or(path)
        .as_os_str()
        .as_encoded_bytes()
}

/// The name of a file right in the folder `root`, from their bytes, as
/// `Path::strip_prefix` would give it: a warm run asks for every file of
/// its set, and splitting both paths into components cost more than the
/// file's `stat`. `None` for anything else (a file below a subfolder, a
/// path not in normal form), which `strip_prefix` answers.
fn name_in<'a>(root: &[u8], path: &'a [u8]) -> Option<&'a [u8]> {
    if root.is_empty() {
        return None;
    }
    let rest = path.strip_prefix(root)?;
    let name = if root.ends_with(b"/") {
        rest
    } else {
        rest.strip_prefix(b"/")?
    };
    let plain = !name.is_empty() && !name.contains(&b'/') && name != b"." && name != b"..";
    plain.then_some(name)
}

/// What is stored of a loaded file: everything `parse_source` produced
/// but the text and the file's place (`SourceFile`, `MigrationFile`), which
/// are always read anew.
#[derive(Serialize)]
struct FactsRef<'a> {
    statements: &'a [Statement],
    changes: &'a [crate::model::facts::Change],
    markers: &'a Markers,
    unknown_markers: &'a [UnknownMarker],
    sections: &'a [Section],
    directives: &'a [crate::load::split::Directive],
    first_line: &'a Range<usize>,
}

/// `FactsRef`, read back.
#[derive(Deserialize)]
pub struct Facts {
    statements: Vec<Statement>,
    changes: Vec<crate::model::facts::Change>,
    markers: Markers,
    // Boxed slices read as the lists were written (a sequence).
    unknown_markers: Box<[UnknownMarker]>,
    sections: Box<[Section]>,
    directives: Vec<crate::load::split::Directive>,
    first_line: Range<usize>,
}

/// The stored form of a freshly parsed file's facts; `None` when they
/// cannot be stored (an origin in another file, a syntax tree left).
pub fn store(file: &LoadedFile) -> Option<Vec<u8>> {
    // Every field, by name: a field added to `LoadedFile` must be stored
    // here or said to be rebuilt.
    let LoadedFile {
        id,
        kind,
        source: _,
        migration: _,
        statements,
        changes,
        markers,
        unknown_markers,
        sections,
        directives,
        first_line,
        invalid_utf8: _,
    } = file;
    if *kind != FileKind::Migration {
        return None;
    }
    let facts = FactsRef {
        statements,
        changes,
        markers,
        unknown_markers,
        sections,
        directives,
        first_line,
    };
    in_file(*id, || postcard::to_allocvec(&facts).ok())
}

/// Stored facts, read back for the file whose id is `id` this run; `None`
/// when they do not decode.
pub fn read_facts(id: FileId, stored: &[u8]) -> Option<Facts> {
    in_file(id, || postcard::from_bytes(stored).ok())
}

/// A loaded file made of its stored facts and the file as read now
/// (`source` decoded from the same bytes the key was computed from).
pub fn restore(
    facts: Facts,
    id: FileId,
    migration: MigrationFile,
    source: SourceFile,
    invalid_utf8: Option<(usize, u8, usize)>,
) -> LoadedFile {
    let Facts {
        statements,
        changes,
        markers,
        unknown_markers,
        sections,
        directives,
        first_line,
    } = facts;
    LoadedFile {
        id,
        kind: FileKind::Migration,
        source,
        migration,
        statements: statements.into(),
        changes,
        markers,
        unknown_markers,
        sections,
        directives: directives.into(),
        first_line,
        invalid_utf8: invalid_utf8.map(Box::new),
    }
}

thread_local! {
    /// The file whose facts this thread is storing or reading back.
    static FILE: Cell<Option<FileId>> = const { Cell::new(None) };
    /// How deeply nested the value being read back is (`nested`).
    static DEPTH: Cell<usize> = const { Cell::new(0) };
}

/// Runs `f` with `id` as the file being stored or read back.
fn in_file<T>(id: FileId, f: impl FnOnce() -> T) -> T {
    struct Restore(Option<FileId>);
    impl Drop for Restore {
        fn drop(&mut self) {
            FILE.set(self.0);
        }
    }
    let _restore = Restore(FILE.replace(Some(id)));
    f()
}

/// `Origin::file` in the cache: not stored at all. Storing checks that the
/// origin is in the file being stored; reading back gives the id of the
/// file being read (outside `store` and `restore`, both fail).
pub mod this_file {
    use super::*;

    pub fn serialize<S: Serializer>(file: &FileId, serializer: S) -> Result<S::Ok, S::Error> {
        match FILE.get() {
            Some(storing) if storing == *file => serializer.serialize_unit(),
            Some(_) => Err(S::Error::custom("an origin in another file")),
            None => Err(S::Error::custom(
                "origins are stored with their file's facts",
            )),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(deserializer: D) -> Result<FileId, D::Error> {
        <()>::deserialize(deserializer)?;
        FILE.get()
            .ok_or_else(|| D::Error::custom("origins are read with their file's facts"))
    }
}

/// A boxed value that may nest (an array type's element type), read back
/// at most `MAX_NESTING` deep.
pub fn nested<'de, D, T>(deserializer: D) -> Result<Box<T>, D::Error>
where
    D: Deserializer<'de>,
    T: Deserialize<'de>,
{
    struct Leave;
    impl Drop for Leave {
        fn drop(&mut self) {
            DEPTH.set(DEPTH.get().saturating_sub(1));
        }
    }
    DEPTH.set(DEPTH.get() + 1);
    let _leave = Leave;
    if DEPTH.get() > MAX_NESTING {
        return Err(D::Error::custom("nested too deeply"));
    }
    Box::<T>::deserialize(deserializer)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::layout::classify;

    /// The sets read ahead are those of a named folder, a named file's
    /// folder and the one above it, and the configured roots, each once,
    /// at most `MAX_AHEAD`; each with the entries its cache file holds.
    #[test]
    fn the_likely_sets_are_read_ahead() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let root = dir.path().join("db").join("migrations");
        std::fs::create_dir_all(&root).expect("folder");
        let file = root.join("0001_a.sql");
        std::fs::write(&file, "CREATE TABLE a (id BIGINT);").expect("write");
        let cache = Cache::new(dir.path().join("cache"));
        let loaded = parsed(0, "0001_a.sql", "CREATE TABLE a (id BIGINT);");
        let resolved = crate::source::canonical(&root);
        let facts = store(&loaded).expect("stored");
        let key = key(Role::Up, b"CREATE TABLE a (id BIGINT);");
        let stored = StoredFile {
            path: b"0001_a.sql",
            key,
            settled: None,
            facts: &facts,
        };
        cache.write(&resolved, &[stored]);

        let roots = |named: &[PathBuf], configured: Vec<PathBuf>| {
            let ahead = Ahead::new(cache.clone(), named, configured);
            let read = ahead.read(&std::sync::atomic::AtomicBool::new(false));
            let found: Vec<(PathBuf, usize)> = read
                .iter()
                .map(|(root, index)| (root.clone(), index.total))
                .collect();
            found
        };
        let above = crate::source::canonical(&dir.path().join("db"));
        assert_eq!(
            roots(std::slice::from_ref(&file), Vec::new()),
            [(resolved.clone(), 1), (above.clone(), 0)]
        );
        assert_eq!(
            roots(&[root.clone(), file.clone()], vec![root.clone()]),
            [(resolved.clone(), 1), (above.clone(), 0)]
        );
        let many: Vec<PathBuf> = (0..6).map(|n| dir.path().join(format!("f{n}"))).collect();
        for folder in &many {
            std::fs::create_dir_all(folder).expect("folder");
        }
        assert_eq!(roots(&many, Vec::new()).len(), MAX_AHEAD);
    }

    /// A file's `stat` in its open folder is what `std::fs::metadata` gives;
    /// only a folder opens (not a file, not a FIFO, which would wait for a
    /// writer).
    #[cfg(target_os = "linux")]
    #[test]
    fn a_folders_files_stat_as_by_path() {
        let dir = tempfile::tempdir().expect("temporary folder");
        let file = dir.path().join("0001_a.sql");
        std::fs::write(&file, "SELECT 1;").expect("write");
        let folder = Folder::open(dir.path()).expect("a folder opens");
        let by_path = Stat::of(&std::fs::metadata(&file).expect("stat"));
        assert_eq!(folder.stat(b"0001_a.sql"), by_path);
        assert!(by_path.is_some());
        assert_eq!(folder.stat(b"missing.sql"), None);
        assert_eq!(folder.stat(b""), None);
        assert!(Folder::open(&file).is_none());
        let fifo = dir.path().join("fifo");
        let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).expect("name");
        // SAFETY: a NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
        assert!(Folder::open(&fifo).is_none());
        assert_eq!(folder.stat(b"fifo"), None);
    }

    /// The name of a file right in its set's folder, read from the bytes,
    /// is what splitting both paths gives; anything else is left to it.
    #[test]
    fn names_in_a_folder_are_what_strip_prefix_gives() {
        let roots = ["/m", "/m/", "/", "/db/m", "m", "", "/db/m/."];
        let tails = [
            "",
            "x.sql",
            "/x.sql",
            "//x.sql",
            "sub/x.sql",
            ".",
            "..",
            "./x.sql",
            "x.sql/",
        ];
        for root in roots {
            for tail in tails {
                for path in [format!("{root}{tail}"), format!("{root}/{tail}")] {
                    let (root_path, file) = (Path::new(root), Path::new(&path));
                    let split = file
                        .strip_prefix(root_path)
                        .ok()
                        .map(|rest| rest.as_os_str().as_encoded_bytes());
                    let read = name_in(root.as_bytes(), path.as_bytes());
                    if let Some(read) = read {
                        assert_eq!(Some(read), split, "{root:?} {path:?}");
                    }
                }
            }
        }
        // The usual case is answered from the bytes.
        for root in ["/m", "/db/m", "m"] {
            let path = format!("{root}/x.sql");
            assert_eq!(
                name_in(root.as_bytes(), path.as_bytes()),
                Some(&b"x.sql"[..])
            );
        }
    }

    fn parsed(id: usize, name: &str, text: &str) -> LoadedFile {
        let migration = MigrationFile {
            path: std::path::Path::new(name).into(),
            resolved: PathBuf::from(name).into_boxed_path(),
            name: classify(name),
            reported: true,
        };
        let source = SourceFile::new(std::path::Path::new(name), text.into());
        super::super::parse_source(FileId::new(id), migration, source)
    }

    const TEXT: &str = "-- schema-lint: ignore prefer-text\n\
        CREATE TABLE users (id SERIAL PRIMARY KEY, email VARCHAR(100)[][] NOT NULL REFERENCES x (id) ON DELETE CASCADE,\n\
        CONSTRAINT ck CHECK (email IN ('a', 'b')));\n\
        CREATE UNIQUE INDEX ix ON users USING gin (lower(email)) INCLUDE (id) WHERE email IS NOT NULL;\n\
        ALTER TABLE users RENAME COLUMN email TO mail, ALTER COLUMN id TYPE BIGINT;\n\
        COMMENT ON TABLE users IS 'people';\n\
        CREATE TYPE mood AS ENUM ('a');\nALTER TYPE mood ADD VALUE 'b' BEFORE 'a';\n\
        CREATE VIEW v AS SELECT * FROM users;\n\
        CREATE TRIGGER t BEFORE UPDATE OF mail ON users FOR EACH ROW EXECUTE FUNCTION f();\n\
        CREATE SEQUENCE s AS integer OWNED BY users.id;\n\
        CREATE EXTENSION citext;\n\
        CREATE TABLE accounts OF account_type;\n\
        GRANT SELECT ON users TO app;\n\
        DO $$ BEGIN ALTER TABLE users ADD COLUMN n INT; END $$;\n\
        CREATE TABLE broken (x int,,);\n\
        -- +goose Dwn\n\
        SELECT 'open";

    /// Stored with one id, read back with another: the same as parsing
    /// with the other id, every origin included.
    #[test]
    fn facts_come_back_with_the_readers_file_id() {
        let stored = store(&parsed(3, "1_a.sql", TEXT)).expect("stored");
        let fresh = parsed(7, "1_a.sql", TEXT);
        assert!(format!("{fresh:?}").contains("file: FileId(7)"));
        let facts = read_facts(FileId(7), &stored).expect("decoded");
        let restored = restore(
            facts,
            FileId(7),
            fresh.migration.clone(),
            fresh.source.clone(),
            None,
        );
        assert_eq!(format!("{restored:#?}"), format!("{fresh:#?}"));
        assert!(!format!("{restored:?}").contains("FileId(3)"));
    }

    /// Facts with an origin in another file are not stored; an origin is
    /// never stored or read outside a file's facts.
    #[test]
    fn an_origin_in_another_file_is_not_stored() {
        let mut file = parsed(3, "1_a.sql", TEXT);
        let change = file
            .changes
            .iter_mut()
            .find_map(|c| match c {
                crate::model::facts::Change::CreateExtension { origin, .. } => Some(origin),
                _ => None,
            })
            .expect("an origin");
        *change = crate::source::Origin::new(FileId(4), change.span());
        assert!(store(&file).is_none());
        let origin = crate::source::Origin::new(FileId(1), 0..1);
        assert!(postcard::to_allocvec(&origin).is_err());
        assert!(postcard::from_bytes::<crate::source::Origin>(&[0, 1]).is_err());
    }

    #[test]
    fn the_role_is_part_of_the_key() {
        assert_ne!(key(Role::Up, b"x"), key(Role::Down, b"x"));
        assert_ne!(key(Role::Up, b"x"), key(Role::Repeatable, b"x"));
        assert_ne!(key(Role::Up, b"x"), key(Role::Up, b"y"));
    }

    /// Any prefix or one-byte change of a cache file is no entry at all.
    #[test]
    fn damaged_bytes_give_no_entries() {
        let cache = Cache::new(PathBuf::from("unused"));
        let stored = store(&parsed(0, "1_a.sql", TEXT)).expect("stored");
        let files = [StoredFile {
            path: b"1_a.sql",
            key: key(Role::Up, TEXT.as_bytes()),
            settled: None,
            facts: &stored,
        }];
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&cache.stamp);
        let mut bytes = postcard::to_extend(&files[..], bytes).expect("encoded");
        bytes.extend_from_slice(&checksum(&bytes));
        assert_eq!(cache.count(&bytes), 1);
        for end in 0..bytes.len() {
            assert_eq!(cache.count(&bytes[..end]), 0);
        }
        for at in (0..bytes.len()).step_by(7) {
            let mut damaged = bytes.clone();
            damaged[at] ^= 0x20;
            assert_eq!(cache.count(&damaged), 0);
        }
        let other = Cache {
            folder: PathBuf::new(),
            stamp: [0; 32],
        };
        assert_eq!(other.count(&bytes), 0, "another build's cache");
    }

    /// Entries that pass the checksum but do not decode (a layout change
    /// without a new FORMAT) are misses too, and deep nesting is refused.
    #[test]
    fn undecodable_facts_are_a_miss() {
        let fresh = parsed(0, "1_a.sql", TEXT);
        let stored = store(&fresh).expect("stored");
        for end in 0..stored.len() {
            let facts = read_facts(FileId(0), &stored[..end]);
            assert!(facts.is_none(), "{end} of {} bytes", stored.len());
        }
        // `TypeKind::Array` (variant 21) nested without end.
        let deep = vec![21u8; 100_000];
        assert!(postcard::from_bytes::<crate::model::TypeKind>(&deep).is_err());
    }

    /// Entries damaged anywhere (a column's type is an encoding inside the
    /// encoding, `types::stored`) decode to something or to a miss, never
    /// to a panic. (An undamaged entry comes back as stored:
    /// `facts_come_back_with_the_readers_file_id`.)
    #[test]
    fn damaged_facts_decode_or_miss() {
        let stored = store(&parsed(0, "1_a.sql", TEXT)).expect("stored");
        for at in 0..stored.len() {
            for value in [0, 1, 0x7f, 0x80, 0xff] {
                let mut damaged = stored.clone();
                damaged[at] = value;
                let _ = read_facts(FileId(0), &damaged);
            }
        }
    }
}
