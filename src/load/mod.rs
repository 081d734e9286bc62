//! Pipeline step 2: read each migration file, split it into statements with
//! exact byte ranges and parse each statement on its own.
//!
//! Files are loaded independently of each other (in parallel).

pub(crate) mod cache;
mod chunks;
pub(crate) mod compat;
mod mask;
pub(crate) mod parse;
pub(crate) mod procedural;
mod read;
pub(crate) mod shared;
pub(crate) mod split;
pub(crate) mod tokens;
mod validity;

use std::path::PathBuf;

use rayon::prelude::*;
use sqlparser::tokenizer::{Location, Token};

/// The cache folder's name in a project (`.schema-lint-cache`).
pub use cache::FOLDER as CACHE_FOLDER;
pub use parse::{Loading, ParseFailure, Parsed, Statement};
pub use shared::PartOf;
pub use split::{DIRECTIVE_PREFIX, Direction, Directive, Markers, Section, UnknownMarker};
pub use tokens::Tokens;

use crate::diagnostic::InputError;
use crate::discover::{Discovery, Layout, MigrationFile, Order, PlanNote, Role, Skipped};
use crate::source::{FileId, Origin, SourceFile, read_found_file_stat, read_regular_file};

/// What a file is to its set.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    /// A migration: split, parsed, replayed (up parts) and linted.
    Migration,
    /// A file the plan notes point into (`sqitch.plan`, a `.sql` file the
    /// tool does not apply): read for its text only.
    Plan,
    /// A live database's catalog written out as DDL (`schema-lint db`):
    /// replayed like a migration, in no set; findings in it are located
    /// by object (`Diagnostic::db_object`).
    Database,
}

/// A migration file, read and parsed. Its tokens and syntax trees are
/// gone: what later steps need of them was read while loading (the
/// statements' `changes`, the comments below, `first_line`), so memory
/// holds the text and those facts, not every file's tokens.
#[derive(Debug, Clone)]
pub struct LoadedFile {
    pub id: FileId,
    pub kind: FileKind,
    pub source: SourceFile,
    pub migration: MigrationFile,
    /// The file's own list, or its part of a load part's (see `shared`).
    pub statements: PartOf<Statement>,
    /// What the file's up statements do to the schema, in file order (see
    /// `model::read`): one list for the file, not one per statement, as
    /// most statements make one change and every file is kept to the end
    /// of the run (and decoded from the cache by a warm one).
    pub changes: Vec<crate::model::facts::Change>,
    pub markers: Markers,
    /// Comments that look like a tool's annotation but are not one.
    /// These lists are boxed slices (16 bytes, not a `Vec`'s 24): most
    /// files have none of them, and every file's record is kept to the end
    /// of the run.
    pub unknown_markers: Box<[UnknownMarker]>,
    /// Comments that start a section.
    pub sections: Box<[Section]>,
    /// Comments addressed to schema-lint (`-- schema-lint: …`); like
    /// `statements`, maybe part of a load part's list.
    pub directives: PartOf<Directive>,
    /// What a finding about the whole file underlines (see
    /// `rules::file_origin`).
    pub first_line: std::ops::Range<usize>,
    /// The first byte that is not UTF-8 (offset in the text, the byte) and
    /// how many there are; they were read as `_`. Boxed: few files have
    /// any.
    pub invalid_utf8: Option<Box<(usize, u8, usize)>>,
}

impl LoadedFile {
    pub fn reported(&self) -> bool {
        self.migration.reported
    }

    /// Lets go of what only the rules and the suppressions read: a run
    /// that reports and exits (the command line) needs the file's path and
    /// lines after them, and its findings take the memory (a set of
    /// thousands of files has a hundred thousand findings).
    pub fn keep_for_report(&mut self) {
        self.statements = PartOf::default();
        self.unknown_markers = Box::default();
        self.sections = Box::default();
        self.directives = PartOf::default();
    }

    /// Statements applied when migrating up, in file order.
    pub fn up_statements(&self) -> impl Iterator<Item = &Statement> {
        self.statements
            .iter()
            .filter(|s| s.direction == Direction::Up)
    }

    /// Whether `offset` is in a down migration: the file is one, or a down
    /// statement of it (a section after `-- +goose Down`, a Liquibase
    /// rollback comment) holds the offset. Asked for every finding, so it
    /// searches rather than scans: a file of tens of thousands of statements
    /// can have as many findings.
    pub fn is_down_at(&self, offset: usize) -> bool {
        if self.migration.name.role == Role::Down {
            return true;
        }
        // Statements are in file order; the statements found in a `DO`
        // block's body follow it, inside its span, in its direction. So the
        // one that can hold `offset` is the last to start at or before it,
        // or the block that statement is in.
        let after = self.statements.partition_point(|s| s.span.start <= offset);
        let Some(last) = after.checked_sub(1) else {
            return false;
        };
        let holder = match &self.statements[last] {
            s if s.nested.is_none() || s.span.contains(&offset) => &self.statements[last],
            // Past the end of a statement of a block's body: in the rest of
            // the block, or after it. Rare (findings point at statements),
            // so the block is looked for by walking back.
            _ => match self.statements[..last]
                .iter()
                .rev()
                .find(|s| s.nested.is_none())
            {
                Some(block) => block,
                None => return false,
            },
        };
        holder.direction == Direction::Down && holder.span.contains(&offset)
    }

    /// The statement of the file itself (not one found in a `DO` block's
    /// body) whose span holds `offset`. Top-level statements are in file
    /// order and do not overlap (a block's statements follow it, inside
    /// it), so it is the last of them to start at or before `offset`:
    /// found by halving, as it is asked for every finding a fix follows.
    pub fn statement_at(&self, offset: usize) -> Option<&Statement> {
        let after = self.statements.partition_point(|s| s.span.start <= offset);
        self.statements[..after]
            .iter()
            .rev()
            .find(|s| s.nested.is_none())
            .filter(|s| s.span.contains(&offset))
    }

    /// Whether the file holds nothing but comments and blanks.
    pub fn is_empty(&self) -> bool {
        self.statements.is_empty() && self.invalid_utf8.is_none()
    }

    /// What a plan says about the file: `up`, `down`, `up+down` (sections
    /// or rollback SQL in one file) or `repeatable`.
    pub fn direction_label(&self) -> &'static str {
        match self.migration.name.role {
            Role::Down => "down",
            Role::Repeatable => "repeatable",
            Role::Up if self.markers.down => "up+down",
            Role::Up => "up",
        }
    }
}

/// A plan note, placed in a loaded file.
#[derive(Debug, Clone)]
pub struct LoadedNote {
    pub origin: Origin,
    pub message: String,
    pub help: String,
}

/// A migration set whose files were loaded: `files` index into
/// `Project::files`, in migration order.
#[derive(Debug, Clone)]
pub struct LoadedSet {
    pub root: PathBuf,
    pub layout: Layout,
    /// What the layout was recognised by.
    pub evidence: String,
    /// The config said the layout.
    pub configured: bool,
    pub order: Order,
    pub files: Vec<FileId>,
    /// What the plan must say out loud (`migration-layout`).
    pub notes: Vec<LoadedNote>,
    /// The user named a folder holding the set.
    pub walked: bool,
}

/// Everything that was read: the files of every set, in set and migration
/// order (so `FileId` order is report order).
#[derive(Debug, Clone, Default)]
pub struct Project {
    pub files: Vec<LoadedFile>,
    pub sets: Vec<LoadedSet>,
    /// `.sql` files that are not migrations, and why.
    pub skipped: Vec<Skipped>,
    /// Files that are new on this branch (`--diff`): they did not exist at
    /// the merge base.
    pub added: std::collections::BTreeSet<FileId>,
    /// How many files' facts were read from the cache (`cache`) rather
    /// than parsed.
    pub cached: usize,
    /// Facts moved out of their files' records as the load went
    /// (`ParkedFacts`); `facts_of` reads a file's facts wherever they are.
    pub parked: Vec<ParkedFacts>,
}

/// The facts of consecutive files of one set, moved out of their records
/// into one list as a part of a large load ends (`load_ahead`, on the
/// command line's path, which reads them once: `model::replay::take_facts`
/// moves them into the replay list by list). Made one list per file amid
/// each file's load, they left holes among what the run keeps when the
/// replay freed them, which nothing after reused; moved, they leave their
/// room to the load's next part, and the replay gives each list back
/// whole.
#[derive(Debug, Clone, Default)]
pub struct ParkedFacts {
    /// The set's index in `Project::sets`.
    pub set: usize,
    /// Each file, in load order, and where its facts end in `changes`.
    pub files: Vec<(FileId, usize)>,
    pub changes: Vec<crate::model::facts::Change>,
}

impl ParkedFacts {
    /// The facts of the file `id`, when they are here.
    fn facts_of(&self, id: FileId) -> Option<&[crate::model::facts::Change]> {
        let at = self.files.binary_search_by_key(&id, |&(id, _)| id).ok()?;
        let start = at.checked_sub(1).map_or(0, |before| self.files[before].1);
        self.changes.get(start..self.files[at].1)
    }

    /// Gives each file its facts back (`LoadedFile::changes`).
    pub fn unpark(self, files: &mut [LoadedFile]) {
        let mut changes = self.changes.into_iter();
        let mut start = 0;
        for (id, end) in self.files {
            let list: Vec<_> = changes.by_ref().take(end - start).collect();
            if let Some(file) = files.get_mut(id.index()) {
                file.changes = list;
            }
            start = end;
        }
    }
}

/// Moves the facts of `files` (the files of a load part, `runs` telling
/// how many of them in turn belong to which set) into `parked`.
fn park_facts(files: &mut [LoadedFile], runs: &[(usize, usize)], parked: &mut Vec<ParkedFacts>) {
    let mut files = files.iter_mut();
    for &(set, count) in runs {
        let run: Vec<&mut LoadedFile> = files.by_ref().take(count).collect();
        let total = run.iter().map(|file| file.changes.len()).sum();
        let mut changes = Vec::with_capacity(total);
        let mut ends = Vec::with_capacity(run.len());
        for file in run {
            changes.extend(std::mem::take(&mut file.changes));
            ends.push((file.id, changes.len()));
        }
        parked.push(ParkedFacts {
            set,
            files: ends,
            changes,
        });
    }
}

impl Project {
    pub fn file(&self, id: FileId) -> &LoadedFile {
        &self.files[id.index()]
    }

    /// What the file `id`'s up statements do to the schema, in file order:
    /// its own list, or its part of a list the load moved it into
    /// (`ParkedFacts`).
    pub fn facts_of(&self, id: FileId) -> &[crate::model::facts::Change] {
        let own = self
            .files
            .get(id.index())
            .map_or(&[][..], |f| &f.changes[..]);
        if !own.is_empty() {
            return own;
        }
        self.parked
            .iter()
            .find_map(|parked| parked.facts_of(id))
            .unwrap_or(&[])
    }

    pub fn set_files<'a>(&'a self, set: &'a LoadedSet) -> impl Iterator<Item = &'a LoadedFile> {
        set.files.iter().map(|&id| self.file(id))
    }

    /// Migration files (not plan files).
    pub fn migrations(&self) -> impl Iterator<Item = &LoadedFile> {
        self.files.iter().filter(|f| f.kind == FileKind::Migration)
    }
}

/// How files are read.
#[derive(Debug, Clone)]
pub struct ReadOptions {
    /// Files larger than this are not read.
    pub max_file_size: u64,
    /// Text that stands for files, by resolved path (an editor's unsaved
    /// buffers, stdin): read instead of the disk.
    pub buffers: std::sync::Arc<Buffers>,
    /// The folder of the cache of per-file facts (`cache`); `None`: no
    /// cache is read or written.
    pub cache: Option<PathBuf>,
    /// Whether a file read from disk lets go of its text once it is
    /// loaded (`SourceFile::forget_text`), to be read again if a report
    /// shows its source. For a run that reports and exits: nothing needs
    /// the texts between the load and the report (the model keeps what
    /// messages quote), and a set of 30,000 files held 20 MB of them
    /// through its replay. Not for a run that edits the files (`fix`) or
    /// serves an editor, which must see the text it read.
    pub forget_texts: bool,
}

/// Text that stands for a file, by the file's path.
pub type Buffers = std::collections::BTreeMap<PathBuf, String>;

impl Default for ReadOptions {
    fn default() -> Self {
        ReadOptions {
            max_file_size: crate::source::DEFAULT_MAX_FILE_SIZE,
            buffers: Default::default(),
            cache: None,
            forget_texts: false,
        }
    }
}

/// A file of a set (by the set's index) as the read step left it, or why
/// it could not be read.
type ReadFile<'a> = (usize, MigrationFile, Result<Reading<'a>, InputError>);

/// What the read step did with a file.
enum Reading<'a> {
    /// Read: its bytes, and the `stat` of what was opened (`None` for a
    /// file given as text).
    Bytes(Vec<u8>, Option<std::fs::Metadata>),
    /// Not read: unchanged since its set's cache stored its facts (these),
    /// and not reported on (see `cache::Settled`).
    Settled(cache::Settled, &'a [u8]),
}

/// Loads every file of every set; files that cannot be read become input
/// errors and drop out of their set.
pub fn load(discovery: Discovery, options: ReadOptions) -> (Project, Vec<InputError>) {
    load_ahead(discovery, options, Vec::new())
}

/// Files are loaded in about this many parts (`load_ahead`), of at least
/// `MIN_LOAD_PART` files: each part waits for its slowest file, while the
/// other cores idle (the corpus, 2,477 files of which a few are large,
/// took 7% more wall time in parts of 1,024).
const LOAD_PARTS: usize = 8;
const MIN_LOAD_PART: usize = 4096;

/// `load`, given cache files already read (`cache::Ahead`), by their sets'
/// resolved roots; the other sets' cache files are read here.
pub fn load_ahead<'a>(
    discovery: Discovery,
    options: ReadOptions,
    mut ahead: Vec<(PathBuf, cache::Index<'a>)>,
) -> (Project, Vec<InputError>) {
    let Discovery {
        mut sets,
        skipped,
        errors,
    } = discovery;
    // The files move into the jobs: only the sets' roots and notes are
    // needed after.
    let jobs: Vec<(usize, MigrationFile)> = sets
        .iter_mut()
        .enumerate()
        .flat_map(|(set, s)| {
            std::mem::take(&mut s.files)
                .into_iter()
                .map(move |f| (set, f))
        })
        .collect();
    let cache = options.cache.clone().map(cache::Cache::new);
    // Files changed since shortly before this instant are not trusted by
    // their `stat` next time (`cache::Settled`).
    let read_at = std::time::SystemTime::now();
    // Each set's resolved root, and its cache file's entries (which
    // borrow from the file's bytes, checksum checked), read ahead or here:
    // first, since they tell which files need not be read.
    let roots: Vec<PathBuf> = sets
        .iter()
        .map(|s| crate::source::canonical(&s.root))
        .collect();
    let mut indexes: Vec<Option<cache::Index<'_>>> = roots
        .iter()
        .map(|root| {
            let found = ahead.iter().position(|(read, _)| read == root)?;
            Some(ahead.swap_remove(found).1)
        })
        .collect();
    let stored: Vec<Vec<u8>> = match &cache {
        Some(cache) => roots
            .iter()
            .zip(&indexes)
            .map(|(root, ahead)| match ahead {
                Some(_) => Vec::new(),
                None => cache.read(root),
            })
            .collect(),
        None => Vec::new(),
    };
    let indexes: Vec<cache::Index<'_>> = match &cache {
        Some(cache) => stored
            .iter()
            .zip(&mut indexes)
            .map(|(body, ahead)| ahead.take().unwrap_or_else(|| cache.entries(body)))
            .collect(),
        None => Vec::new(),
    };
    // Each set's folder, open, for the `stat` of its files (a warm run's).
    let folders: Vec<Option<cache::Folder>> = match &cache {
        Some(_) => roots.iter().map(|root| cache::Folder::open(root)).collect(),
        None => Vec::new(),
    };
    // Bytes first, so that every file that can be read has its id before
    // it is parsed (what it does to the schema points into it by id).
    let read: Vec<ReadFile<'_>> = jobs
        .into_par_iter()
        .map(|(set, file)| {
            let entries = indexes
                .get(set)
                .map(|index| (index, roots[set].as_path(), folders[set].as_ref()));
            let reading = read_file(&file, &options, entries);
            (set, file, reading)
        })
        .collect();
    let mut project = Project {
        skipped,
        ..Project::default()
    };
    project.sets = sets
        .iter()
        .map(|s| LoadedSet {
            root: s.root.clone(),
            layout: s.layout,
            evidence: s.evidence.clone(),
            configured: s.configured,
            order: s.order,
            files: Vec::new(),
            notes: Vec::new(),
            walked: s.walked,
        })
        .collect();
    let mut errors = errors;
    // In the list's own memory (a filtering `collect` of a `Vec`'s items
    // into smaller ones reuses it): a set of thousands of files fills a
    // megabyte of fresh pages for each list.
    let readable: Vec<(usize, MigrationFile, Reading<'_>)> = read
        .into_iter()
        .filter_map(|(set, file, reading)| match reading {
            Ok(reading) => Some((set, file, reading)),
            Err(error) => {
                errors.push(error);
                None
            }
        })
        .collect();
    for (index, (set, _, _)) in readable.iter().enumerate() {
        project.sets[*set].files.push(FileId::new(index));
    }
    let mut loaded: (Vec<LoadedFile>, Vec<(Cached, Option<InputError>)>) = (
        Vec::with_capacity(readable.len()),
        Vec::with_capacity(readable.len()),
    );
    // A part of the list at a time, each part's room given back before the
    // next: the files' records grow as the list they are made from shrinks
    // (on a set of 30,000 files, both were 10 MB held at once).
    let part = readable.len().div_ceil(LOAD_PARTS).max(MIN_LOAD_PART);
    // A load of several parts is a large one: what the command line keeps
    // of each part is moved out of the way of the next (see `ParkedFacts`,
    // `share_line_indexes` and `shared`).
    let park = options.forget_texts && readable.len() > part;
    let mut rest = readable;
    while !rest.is_empty() {
        let first = loaded.0.len();
        let this: Vec<_> = rest.drain(..part.min(rest.len())).collect();
        rest.shrink_to_fit();
        let runs = set_runs(this.iter().map(|(set, _, _)| *set));
        let made = this
            .into_par_iter()
            .enumerate()
            .map(|(index, (set, file, reading))| {
                let id = FileId::new(first + index);
                let buffered = options.buffers.contains_key(&*file.resolved);
                let index = indexes.get(set);
                let cache = index.map(|i| (i, &roots[set], buffered));
                let (file, cached, error) = load_file(id, file, reading, cache, &options, read_at);
                (file, (cached, error))
            });
        loaded.par_extend(made);
        if park {
            let part = &mut loaded.0[first..];
            crate::source::share_line_indexes(part.iter_mut().map(|f| &mut f.source));
            park_facts(part, &runs, &mut project.parked);
            shared::share(part.iter_mut().map(|f| &mut f.statements));
            shared::share(part.iter_mut().map(|f| &mut f.directives));
        }
    }
    let outcomes;
    (project.files, outcomes) = loaded;
    let mut cached = Vec::with_capacity(outcomes.len());
    for (outcome, error) in outcomes {
        cached.push(outcome);
        errors.extend(error);
    }
    project.cached = cached
        .iter()
        .filter(|outcome| matches!(outcome, Cached::Hit { .. }))
        .count();
    if let Some(cache) = &cache {
        for (index, set) in sets.iter().enumerate() {
            write_cache(
                cache,
                set,
                &project,
                index,
                &indexes[index],
                &roots[index],
                &cached,
            );
        }
    }
    for (index, set) in sets.iter().enumerate() {
        let refined = refine_layout(&mut project.sets[index], &project.files);
        let notes: Vec<PlanNote> = set
            .notes
            .iter()
            .filter(|note| !(refined && note.guess))
            .cloned()
            .collect();
        place_notes(&mut project, index, &notes, &options);
    }
    // Only the load reads the resolved paths (a set of 30,000 files held
    // 1.5 MB of them).
    for file in &mut project.files {
        file.migration.resolved = PathBuf::new().into_boxed_path();
    }
    (project, errors)
}

/// How many of `sets` in turn are of which set: `[(set, count)]`.
fn set_runs(sets: impl Iterator<Item = usize>) -> Vec<(usize, usize)> {
    let mut runs: Vec<(usize, usize)> = Vec::new();
    for set in sets {
        match runs.last_mut() {
            Some((last, count)) if *last == set => *count += 1,
            _ => runs.push((set, 1)),
        }
    }
    runs
}

/// Section markers tell goose, dbmate, tern and Liquibase sets apart from
/// plain numbered ones; `true` when they did.
fn refine_layout(set: &mut LoadedSet, files: &[LoadedFile]) -> bool {
    if !matches!(
        set.layout,
        Layout::Sqlx | Layout::Numbered | Layout::Unversioned
    ) || set.configured
    {
        return false;
    }
    let marked =
        |pick: fn(&Markers) -> bool| set.files.iter().any(|&id| pick(&files[id.index()].markers));
    let refined = if marked(|m| m.goose) {
        Layout::Goose
    } else if marked(|m| m.dbmate) {
        Layout::Dbmate
    } else if marked(|m| m.tern) {
        Layout::Tern
    } else if marked(|m| m.liquibase) {
        Layout::Liquibase
    } else {
        return false;
    };
    set.layout = refined;
    set.evidence = "section markers in the files".to_string();
    set.order = refined.facts().order;
    true
}

/// Gives each plan note a place in a loaded file: the migration it names,
/// else the plan file itself (loaded for its text).
fn place_notes(project: &mut Project, set: usize, notes: &[PlanNote], options: &ReadOptions) {
    for note in notes {
        let file = project.sets[set]
            .files
            .iter()
            .copied()
            .find(|&id| *project.files[id.index()].migration.path == *note.path)
            .or_else(|| plan_file(project, set, &note.path, options));
        let Some(file) = file else {
            continue;
        };
        let source = &project.files[file.index()].source;
        let span = match note.line {
            Some(line) => source.line_span(line),
            None => crate::rules::file_origin(&project.files[file.index()]).span(),
        };
        project.sets[set].notes.push(LoadedNote {
            origin: Origin::new(file, span),
            message: note.message.clone(),
            help: note.help.clone(),
        });
    }
}

/// A plan file (or a file the tool does not apply) loaded for its text, so
/// that a note can point into it; reported when its set is.
fn plan_file(
    project: &mut Project,
    set: usize,
    path: &std::path::Path,
    options: &ReadOptions,
) -> Option<FileId> {
    if let Some(existing) = project
        .files
        .iter()
        .find(|f| f.kind == FileKind::Plan && *f.migration.path == *path)
    {
        return Some(existing.id);
    }
    let bytes = read_regular_file(path, options.max_file_size).ok()?;
    let decoded = read::decode(bytes);
    // A plan file is reported when the user named the set's folder; a
    // pre-commit run naming one migration hears about that file only.
    let reported = project.sets[set].walked;
    let id = FileId::new(project.files.len());
    let migration = MigrationFile {
        path: path.into(),
        resolved: PathBuf::new().into_boxed_path(),
        name: crate::discover::FileName::unversioned(&path.to_string_lossy()),
        reported,
    };
    let mut file = parse_source(
        id,
        migration,
        SourceFile::new(path.to_path_buf(), decoded.text),
    );
    file.kind = FileKind::Plan;
    if !path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("sql"))
    {
        // `sqitch.plan`, a JSON journal: text to point into, not SQL.
        file.statements = PartOf::default();
    }
    project.files.push(file);
    Some(id)
}

/// Reads a file: its buffer, else the disk, unless it is not reported on
/// and its set's cache (`cache`: the entries, the set's resolved root)
/// vouches for it by its `stat`.
fn read_file<'a>(
    migration: &MigrationFile,
    options: &ReadOptions,
    cache: Option<(&cache::Index<'a>, &std::path::Path, Option<&cache::Folder>)>,
) -> Result<Reading<'a>, InputError> {
    if let Some(text) = options.buffers.get(&*migration.resolved) {
        return Ok(Reading::Bytes(text.as_bytes().to_vec(), None));
    }
    if !migration.reported
        && let Some((index, root, folder)) = cache
    {
        let key = cache::path_in_set(root, migration);
        if let Some((settled, facts)) = index.settled(key)
            && unchanged(
                &settled,
                migration,
                key,
                (index, folder),
                options.max_file_size,
            )
        {
            return Ok(Reading::Settled(settled, facts));
        }
    }
    let (bytes, stat) = read_from_disk(migration, options)?;
    Ok(Reading::Bytes(bytes, Some(stat)))
}

/// Whether the file is as its cache entry recorded (`settled`), and not
/// over the size limit: by its `stat` when it is right in its set's folder
/// (`key`, its path in the set, is a name): the one the read-ahead took
/// (`index`), else one taken in the open `folder`; else by path.
fn unchanged(
    settled: &cache::Settled,
    migration: &MigrationFile,
    key: &[u8],
    (index, folder): (&cache::Index<'_>, Option<&cache::Folder>),
    max_file_size: u64,
) -> bool {
    let in_folder = (!key.contains(&b'/')).then(|| {
        let taken = index.stat_taken(key).copied();
        taken.or_else(|| folder.and_then(|folder| folder.stat(key)))
    });
    if let Some(stat) = in_folder.flatten() {
        return settled.still_as(&stat) && settled.len() <= max_file_size;
    }
    std::fs::metadata(&migration.path)
        .is_ok_and(|now| settled.still(&now) && now.len() <= max_file_size)
}

/// A file's bytes from disk, with the `stat` of what was opened.
fn read_from_disk(
    migration: &MigrationFile,
    options: &ReadOptions,
) -> Result<(Vec<u8>, std::fs::Metadata), InputError> {
    // Discovery found it to be a regular file.
    read_found_file_stat(&migration.path, options.max_file_size)
        .map_err(|e| InputError::new(migration.path.to_path_buf(), e.to_string()))
}

/// A file's text from its bytes, for a file read on first use
/// (`SourceFile::unread`).
fn decoded_text(bytes: Vec<u8>) -> String {
    read::decode(bytes).text
}

/// What the cache did for one file.
enum Cached {
    /// No cache, or the file was given as text and missed: nothing to store.
    Nothing,
    /// Read from the cache; the entry's file is now `settled`, which
    /// `changed` from what the entry holds. (Boxed, as in `Parsed`: one
    /// of these is kept for every file of a set of tens of thousands.)
    Hit {
        settled: Option<Box<cache::Settled>>,
        changed: bool,
    },
    /// Parsed, and its facts stored so (`cache::store`).
    Parsed(cache::Key, Vec<u8>, Option<Box<cache::Settled>>),
}

/// Reads a file's facts from the cache (`cache`: its set's entries, the
/// set's resolved root, whether the file was given as text), else decodes
/// its bytes, then splits and parses it. A file the cache vouched for
/// (`Reading::Settled`) is not read at all, unless its stored facts do not
/// decode: the error of reading it then is the third part.
fn load_file(
    id: FileId,
    migration: MigrationFile,
    reading: Reading<'_>,
    cache: Option<(&cache::Index<'_>, &PathBuf, bool)>,
    options: &ReadOptions,
    read_at: std::time::SystemTime,
) -> (LoadedFile, Cached, Option<InputError>) {
    let mut error = None;
    let (bytes, stat) = match reading {
        Reading::Settled(settled, stored) => {
            if let Some(facts) = cache::read_facts(id, stored) {
                let bom = usize::from(settled.bom);
                let source = SourceFile::unread(migration.path.clone(), bom, read_later(options));
                let invalid = settled.invalid_utf8();
                let file = cache::restore(facts, id, migration, source, invalid);
                let settled = Some(Box::new(settled));
                return (
                    file,
                    Cached::Hit {
                        settled,
                        changed: false,
                    },
                    None,
                );
            }
            match read_from_disk(&migration, options) {
                Ok((bytes, stat)) => (bytes, Some(stat)),
                Err(e) => {
                    error = Some(e);
                    (Vec::new(), None)
                }
            }
        }
        Reading::Bytes(bytes, stat) => (bytes, stat),
    };
    let keep_text = !options.forget_texts || options.buffers.contains_key(&*migration.resolved);
    let (mut file, outcome) = load_bytes(id, migration, bytes, stat, cache, read_at);
    if !keep_text {
        file.source.forget_text(read_later(options));
    }
    (file, outcome, error)
}

/// How a file's text is read again on first use, once let go of.
fn read_later(options: &ReadOptions) -> crate::source::ReadLater {
    crate::source::ReadLater {
        limit: options.max_file_size,
        decode: decoded_text,
    }
}

/// `load_file` for a file whose bytes were read (`stat`: of the file
/// opened, `None` for a file given as text).
fn load_bytes(
    id: FileId,
    migration: MigrationFile,
    bytes: Vec<u8>,
    stat: Option<std::fs::Metadata>,
    cache: Option<(&cache::Index<'_>, &PathBuf, bool)>,
    read_at: std::time::SystemTime,
) -> (LoadedFile, Cached) {
    let key = cache.map(|_| cache::key(migration.name.role, &bytes));
    let decoded = read::decode(bytes);
    let settled = stat
        .and_then(|stat| cache::Settled::of(&stat, read_at, decoded.bom, decoded.invalid))
        .map(Box::new);
    let mut source = SourceFile::new(migration.path.clone(), decoded.text);
    source.bom = decoded.bom;
    if let (Some((index, root, buffered)), Some(key)) = (cache, key)
        && let Some((was, stored)) = index.get(cache::path_in_set(root, &migration), &key)
        && let Some(facts) = cache::read_facts(id, stored)
    {
        let file = cache::restore(facts, id, migration, source, decoded.invalid);
        // A file given as text leaves its entry as it is.
        let settled = if buffered { was.map(Box::new) } else { settled };
        let changed = settled.as_deref() != was.as_ref();
        return (file, Cached::Hit { settled, changed });
    }
    let mut file = parse_source(id, migration, source);
    file.invalid_utf8 = decoded.invalid.map(Box::new);
    // Stored from the file as parsed, before anything takes its facts; a
    // file given as text is not (its entry on disk is kept).
    let outcome = match (cache, key) {
        (Some((_, _, false)), Some(key)) => match cache::store(&file) {
            Some(stored) => Cached::Parsed(key, stored, settled),
            None => Cached::Nothing,
        },
        _ => Cached::Nothing,
    };
    (file, outcome)
}

/// Rewrites a set's cache file when this run missed or left an entry
/// unused: it then holds the set's files as this run read them (the entry
/// on disk for a file given as text), so it never outgrows the set.
fn write_cache(
    cache: &cache::Cache,
    set: &crate::discover::MigrationSet,
    project: &Project,
    index: usize,
    entries: &cache::Index<'_>,
    root: &std::path::Path,
    cached: &[Cached],
) {
    let ids = &project.sets[index].files;
    // Every entry read and none parsed (a warm run with nothing changed):
    // the file holds what it should, without looking each path up again.
    let hits = ids
        .iter()
        .filter(|id| matches!(cached[id.index()], Cached::Hit { changed: false, .. }))
        .count();
    if hits == ids.len() && hits == entries.total {
        return;
    }
    let mut files = Vec::new();
    let mut carried = 0;
    let mut changed = false;
    for &id in ids {
        let path = cache::path_in_set(root, &project.files[id.index()].migration);
        match &cached[id.index()] {
            Cached::Parsed(key, facts, settled) => {
                changed = true;
                files.push(cache::StoredFile {
                    path,
                    key: *key,
                    settled: settled.as_deref().copied(),
                    facts,
                });
            }
            Cached::Hit {
                settled,
                changed: now,
            } => {
                if let Some(entry) = entries.entry(path) {
                    carried += 1;
                    changed |= *now;
                    files.push(cache::StoredFile {
                        settled: settled.as_deref().copied(),
                        ..entry
                    });
                }
            }
            // The entry a file given as text leaves alone.
            Cached::Nothing => {
                if let Some(entry) = entries.entry(path) {
                    carried += 1;
                    files.push(entry);
                }
            }
        }
    }
    if changed || carried != entries.total {
        cache.write(&set.root, &files);
    }
}

/// Splits and parses text that is already in memory.
pub fn parse_source(id: FileId, migration: MigrationFile, source: SourceFile) -> LoadedFile {
    let masked = mask::mask_text(source.text());
    let text = masked.as_deref().unwrap_or(source.text());
    let direction = match migration.name.role {
        Role::Down => Direction::Down,
        Role::Up | Role::Repeatable => Direction::Up,
    };
    let read = chunks::plan(text)
        .and_then(|pieces| read_pieces(id, &source, text, direction, &pieces))
        .unwrap_or_else(|| read_whole(id, &source, text, direction));
    LoadedFile {
        id,
        kind: FileKind::Migration,
        source,
        migration,
        statements: read.statements.into(),
        changes: read.changes,
        markers: read.split.markers,
        unknown_markers: read.split.unknown.into(),
        sections: read.split.sections.into(),
        directives: read.split.directives.into(),
        first_line: read.first_line,
        invalid_utf8: None,
    }
}

/// What reading a file's text gave: its statements with their facts, and
/// what splitting found besides (`split.units` is spent).
struct Read {
    statements: Vec<Statement>,
    changes: Vec<crate::model::facts::Change>,
    split: split::Split,
    first_line: std::ops::Range<usize>,
    /// What is left of the file's budgets for the second grammar: one for
    /// its statements, one for those in `DO` blocks, each spent in file
    /// order, so that reading the file piece by piece (which expands a
    /// piece's blocks before the next piece) checks what reading it whole
    /// (which expands them after every statement) does.
    budget: validity::Budget,
    blocks_budget: validity::Budget,
}

/// Reads the file's text (`text`: masked) in one go.
fn read_whole(id: FileId, source: &SourceFile, text: &str, direction: Direction) -> Read {
    let (mut tokens, tokenize_error) = Tokens::tokenize(text);
    mask::mask_tokens(&mut tokens);
    // Tokens after a tokenizer error are missing: split only what was read.
    let readable = tokens.len();
    let mut split = split::split(&tokens, source.text(), readable, direction);
    let units = std::mem::take(&mut split.units);
    let mut budget = validity::Budget::of_file();
    let mut blocks_budget = validity::Budget::of_file();
    let mut statements = parse::parse_units(&mut tokens, text, &units, &mut budget);
    if let Some(error) = tokenize_error {
        // The statement the tokenizer failed in: the last unit if nothing
        // closed it, else whatever follows the last closed one.
        let start = match units.last() {
            Some(unit) if !unit.closed => tokens.range(unit.tokens.start).start,
            _ => error.at,
        };
        statements.retain(|s| s.span.start < start);
        let end = source.text().trim_end().len().max(error.at);
        statements.push(Loading::new(
            readable..readable,
            start..end,
            units.last().map(|u| u.direction).unwrap_or(direction),
            Parsed::Failed(Box::new(ParseFailure {
                message: error.message,
                at: Some(error.at..error.at + char_len_at(source.text(), error.at)),
                incomplete: None,
            })),
            Vec::new(),
        ));
    }
    let mut changes = Vec::new();
    let Expanded {
        statements,
        first_line: first,
    } = read_statements(
        (id, source, &tokens),
        statements,
        &mut changes,
        &mut blocks_budget,
    );
    let first_line = first.unwrap_or_else(|| first_line(source.text(), None, &tokens));
    // Kept to the end of the run: a file of five changes would hold room
    // for eight.
    changes.shrink_to_fit();
    Read {
        statements,
        changes,
        split,
        first_line,
        budget,
        blocks_budget,
    }
}

/// Reads a large file's text piece by piece (`chunks::plan`), each
/// piece's tokens dropped before the next is read; `None` when a cut is
/// not one after all (the tokenizer or the splitter disagree with the
/// plan) or the tokenizer fails: the file is then read whole.
fn read_pieces(
    id: FileId,
    source: &SourceFile,
    text: &str,
    direction: Direction,
    pieces: &[std::ops::Range<usize>],
) -> Option<Read> {
    let (last, cut) = pieces.split_last()?;
    let mut splitter = split::Splitter::new(direction);
    let mut read = Read {
        statements: Vec::new(),
        changes: Vec::new(),
        split: split::Split::default(),
        first_line: 0..0,
        budget: validity::Budget::of_file(),
        blocks_budget: validity::Budget::of_file(),
    };
    // Where the tokenizer's count stands at the start of each piece.
    let (mut at, mut from) = (Location { line: 1, column: 1 }, 0);
    for piece in cut {
        at = chunks::advance(text, from, at, piece.start);
        from = piece.start;
        let mut tokens = piece_tokens(text, piece, at)?;
        let ends_at_cut = tokens.tokens.last().map(|t| &t.token) == Some(&Token::SemiColon)
            && tokens.ranges.last().map(|r| r.end) == Some(piece.end);
        splitter.feed(&tokens, source.text(), tokens.len());
        if !ends_at_cut || !splitter.at_rest() {
            return None;
        }
        let units = splitter.take_units();
        read.add(id, source, text, &mut tokens, &units);
    }
    let mut tokens = piece_tokens(text, last, chunks::advance(text, from, at, last.start))?;
    splitter.feed(&tokens, source.text(), tokens.len());
    read.split = splitter.end();
    let units = std::mem::take(&mut read.split.units);
    read.add(id, source, text, &mut tokens, &units);
    if read.statements.is_empty() {
        read.first_line = first_line(source.text(), None, &tokens);
    }
    // Grown piece by piece, kept to the end of the run.
    read.statements.shrink_to_fit();
    read.changes.shrink_to_fit();
    Some(read)
}

/// The masked tokens of one piece of `text` (at `at`); `None` when the
/// tokenizer fails in it.
fn piece_tokens(text: &str, piece: &std::ops::Range<usize>, at: Location) -> Option<Tokens> {
    let (mut tokens, error) = Tokens::tokenize_piece(text, piece.clone(), at);
    if error.is_some() {
        return None;
    }
    mask::mask_tokens(&mut tokens);
    Some(tokens)
}

impl Read {
    /// Parses and reads the `units` of one piece, whose `tokens` are then
    /// no longer needed.
    fn add(
        &mut self,
        id: FileId,
        source: &SourceFile,
        text: &str,
        tokens: &mut Tokens,
        units: &[split::Unit],
    ) {
        let parsed = parse::parse_units(tokens, text, units, &mut self.budget);
        let expanded = read_statements(
            (id, source, tokens),
            parsed,
            &mut self.changes,
            &mut self.blocks_budget,
        );
        if self.statements.is_empty()
            && let Some(first) = expanded.first_line
        {
            self.first_line = first;
        }
        self.statements.extend(expanded.statements);
    }
}

/// Expands `DO` blocks, reads what every up statement does to the schema
/// (onto `changes`) while the tokens that place it are at hand, and drops
/// the trees.
fn read_statements(
    (id, source, tokens): (FileId, &SourceFile, &Tokens),
    statements: Vec<Loading>,
    changes: &mut Vec<crate::model::facts::Change>,
    blocks_budget: &mut validity::Budget,
) -> Expanded {
    let (mut statements, nested) = procedural::expand(source, tokens, statements, blocks_budget);
    let first_line = statements
        .first()
        .map(|first| first_line(source.text(), Some(first), tokens));
    for statement in &mut statements {
        if statement.direction == Direction::Up {
            let tokens = statement
                .nested
                .and_then(|body| nested.get(body as usize))
                .unwrap_or(tokens);
            let at = crate::locate::Locator::new(id, source, tokens, statement);
            crate::model::read::changes(&at, statement.ast(), statement.extras(), changes);
        }
        // The tree has given its facts.
        if let Parsed::Ok(_) = statement.parsed {
            statement.parsed = Parsed::Read;
        }
    }
    // A list of their own, of their number: `collect` would keep the
    // loading list's allocation, sized for the larger `Loading`s, and the
    // smaller statements would save nothing.
    let mut kept = Vec::with_capacity(statements.len());
    kept.extend(statements.into_iter().map(Loading::into_kept));
    Expanded {
        statements: kept,
        first_line,
    }
}

/// A piece's statements, as `read_statements` keeps them.
struct Expanded {
    statements: Vec<Statement>,
    /// The first line of the first of them (see `first_line`).
    first_line: Option<std::ops::Range<usize>>,
}

/// The first line of the file's first statement, up to its last token on
/// that line (a trailing comment is not underlined): what a reader
/// recognises the file by. A file without statements (only comments): its
/// first non-blank line; a blank file: its start (`0..0`).
fn first_line(text: &str, first: Option<&Loading>, tokens: &Tokens) -> std::ops::Range<usize> {
    let Some(statement) = first else {
        let start = text.len() - text.trim_start().len();
        let line = text[start..].lines().next().unwrap_or("");
        return start..start + line.trim_end().len();
    };
    let start = statement.span.start;
    let line_end = text
        .get(start..)
        .and_then(|rest| rest.find('\n'))
        .map_or(text.len(), |i| start + i)
        .min(statement.span.end);
    let end = statement
        .tokens()
        .filter(|&i| tokens.token(i).is_some_and(|t| !tokens::is_trivia(t)))
        .map(|i| tokens.range(i))
        .filter(|range| range.start < line_end)
        .map(|range| range.end.min(line_end))
        .max()
        .unwrap_or(line_end)
        .max(start);
    let shown = text.get(start..end).unwrap_or("").trim_end();
    start..start + shown.len()
}

fn char_len_at(text: &str, at: usize) -> usize {
    text.get(at..)
        .and_then(|rest| rest.chars().next())
        .map(char::len_utf8)
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::discover::layout::classify;
    use std::path::PathBuf;

    fn load_text(name: &str, text: &str) -> LoadedFile {
        let migration = MigrationFile {
            path: std::path::Path::new(name).into(),
            resolved: PathBuf::new().into_boxed_path(),
            name: classify(name),
            reported: true,
        };
        parse_source(
            FileId(0),
            migration,
            SourceFile::new(std::path::Path::new(name), text.into()),
        )
    }

    /// Facts moved into shared lists read as the files' own, are taken
    /// whole in the set's order, and go back to their files when the set's
    /// order is not the lists' (a layout its files' markers changed).
    #[test]
    fn parked_facts_are_the_files_own() {
        let texts = [
            "CREATE TABLE a (id BIGINT);",
            "SELECT 1;",
            "CREATE TABLE b (id BIGINT);\nCREATE INDEX i ON b (id);",
            "ALTER TABLE a ADD COLUMN x TEXT;",
        ];
        let mut project = Project::default();
        for (index, text) in texts.iter().enumerate() {
            let mut file = load_text(&format!("{index}_m.sql"), text);
            file.id = FileId::new(index);
            project.files.push(file);
        }
        let own: Vec<String> = project
            .files
            .iter()
            .map(|f| format!("{:?}", f.changes))
            .collect();
        assert_eq!(own[1], "[]");
        project.sets.push(LoadedSet {
            root: PathBuf::new(),
            layout: Layout::Numbered,
            evidence: String::new(),
            configured: false,
            order: crate::discover::layout::Order::Version,
            files: (0..texts.len()).map(FileId::new).collect(),
            notes: Vec::new(),
            walked: false,
        });
        park_facts(&mut project.files, &[(0, 3), (0, 1)], &mut project.parked);
        assert_eq!(project.parked.len(), 2);
        for (index, own) in own.iter().enumerate() {
            assert!(project.files[index].changes.is_empty());
            assert_eq!(&format!("{:?}", project.facts_of(FileId::new(index))), own);
        }
        let taken = |mut project: Project| {
            let facts = crate::model::replay::take_facts(&mut project, 0);
            let facts: Vec<_> = facts.into_iter().collect();
            assert!(project.parked.is_empty());
            format!("{facts:?}")
        };
        let in_order = |order: &[usize]| {
            let lists: Vec<&str> = order
                .iter()
                .map(|&i| &own[i][1..own[i].len() - 1])
                .filter(|list| !list.is_empty())
                .collect();
            format!("[{}]", lists.join(", "))
        };
        assert_eq!(taken(project.clone()), in_order(&[0, 1, 2, 3]));
        project.sets[0].files.reverse();
        assert_eq!(taken(project), in_order(&[3, 2, 1, 0]));
    }

    /// What a read gives, without the token indexes that only mean
    /// something while a file (or piece) loads.
    fn facts(read: &Read) -> String {
        let statements: Vec<String> = read
            .statements
            .iter()
            .map(|s| {
                format!(
                    "{:?} {:?} {:?} {}",
                    s.span,
                    s.direction,
                    s.parsed,
                    s.nested.is_some()
                )
            })
            .collect();
        let split = &read.split;
        format!(
            "{statements:#?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}\n{:?}",
            read.changes,
            split.markers,
            split.unknown,
            split.sections,
            split.directives,
            read.first_line
        )
    }

    /// Every SQL file of the fixtures and the test data, cut after every
    /// line-ending `;`, reads as it does whole (or is read whole).
    #[test]
    fn pieces_read_as_the_whole_file_does() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        let mut in_pieces = 0;
        for folder in ["fixtures", "tests/data"] {
            for entry in walkdir::WalkDir::new(root.join(folder)).sort_by_file_name() {
                let entry = entry.unwrap();
                let is_sql = entry.path().extension().is_some_and(|e| e == "sql");
                let Ok(text) = std::fs::read_to_string(entry.path()) else {
                    continue;
                };
                if !is_sql {
                    continue;
                }
                let source = SourceFile::new(entry.path(), text.clone());
                let masked = mask::mask_text(&text);
                let text = masked.as_deref().unwrap_or(&text);
                let Some(pieces) = chunks::plan_sized(text, 0, 1) else {
                    continue;
                };
                let whole = read_whole(FileId(0), &source, text, Direction::Up);
                if let Some(read) = read_pieces(FileId(0), &source, text, Direction::Up, &pieces) {
                    in_pieces += 1;
                    let path = entry.path().display();
                    assert_eq!(facts(&whole), facts(&read), "{path}");
                }
            }
        }
        assert!(in_pieces > 100, "{in_pieces} files read in pieces");
    }

    #[test]
    fn templates_keep_positions() {
        let text = "CREATE TABLE {{ index .Options \"Namespace\" }}.users (id int);";
        let file = load_text("1_a.up.sql", text);
        assert!(matches!(file.statements[0].parsed, Parsed::Read));
    }

    #[test]
    fn a_bad_statement_costs_only_itself() {
        let text = "CREATE TABLE a (x int);\nCREATE TABLE b (x int,,);\nCREATE TABLE c (x int);";
        let file = load_text("1_a.sql", text);
        let ok: Vec<bool> = file
            .statements
            .iter()
            .map(|s| matches!(s.parsed, Parsed::Read))
            .collect();
        assert_eq!(ok, [true, false, true]);
        let bad = &file.statements[1];
        assert_eq!(&text[bad.span.clone()], "CREATE TABLE b (x int,,)");
        let at = bad.failure().unwrap().at.clone().unwrap();
        assert_eq!(&text[at], ",");
    }

    #[test]
    fn trailing_garbage_is_an_error() {
        let file = load_text("1_a.sql", "SELECT 1 2;");
        assert_eq!(file.statements.len(), 2);
        assert!(matches!(file.statements[0].parsed, Parsed::Read));
        assert!(file.statements[1].failure().is_some());
    }

    #[test]
    fn tokenizer_errors_keep_statements_before() {
        let text = "CREATE TABLE a (x int);\nSELECT 'open";
        let file = load_text("1_a.sql", text);
        assert_eq!(file.statements.len(), 2);
        assert!(matches!(file.statements[0].parsed, Parsed::Read));
        let bad = &file.statements[1];
        assert_eq!(&text[bad.span.clone()], "SELECT 'open");
    }

    /// `is_down_at` searches; it must answer what looking at every
    /// statement answers, at every offset (between statements, inside a
    /// `DO` block's body and after its last statement, in both sections).
    #[test]
    fn down_offsets_are_found_by_search_as_by_scan() {
        let block =
            "DO $$ BEGIN CREATE TABLE b (id bigint); CREATE INDEX i ON b (id); PERFORM 1; END $$;";
        let text = format!(
            "-- +goose Up\nCREATE TABLE a (id bigint);\n{block}\nSELECT 1;\n\
             -- +goose Down\n{block}\nDROP TABLE a;\n  \n{block}\n"
        );
        let file = load_text("1_a.sql", &text);
        assert!(
            file.statements
                .iter()
                .filter(|s| s.nested.is_some())
                .count()
                >= 4
        );
        let scan = |offset: usize| {
            file.statements
                .iter()
                .any(|s| s.direction == Direction::Down && s.span.contains(&offset))
        };
        let mut downs = 0;
        for offset in 0..=text.len() + 1 {
            assert_eq!(file.is_down_at(offset), scan(offset), "offset {offset}");
            downs += usize::from(scan(offset));
        }
        assert!(downs > block.len() * 2, "{downs}");
        let whole = load_text("1_a.down.sql", "DROP TABLE a;");
        assert!(whole.is_down_at(0) && whole.is_down_at(100));
    }
}
