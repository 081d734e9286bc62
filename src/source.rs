//! Source text of one migration file and conversions between byte offsets
//! and the 1-based line/column positions every output format uses.
//!
//! Columns count Unicode characters (as `sqlparser`'s tokenizer does), so a
//! position printed by us and one printed by the parser agree.

use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use sqlparser::tokenizer::Location;

use crate::load::PartOf;

/// Index of a file in the run's file table. 32 bits, as the offsets of an
/// `Origin`: a set of thousands of tables keeps several origins per column.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct FileId(pub u32);

impl FileId {
    /// The id of the file at `index` of the file table (a table of more
    /// than 4 billion files cannot be held in memory).
    pub fn new(index: usize) -> FileId {
        FileId(narrow(index))
    }

    /// Where the file is in the file table.
    pub fn index(self) -> usize {
        self.0 as usize
    }
}

/// A place in the source: a file and a byte range in it, in twelve bytes
/// (files are read only up to `MAX_FILE_OFFSET` bytes, so offsets fit).
#[derive(serde::Serialize, serde::Deserialize, Debug, Clone, PartialEq, Eq, Hash)]
pub struct Origin {
    /// Not stored by the cache of per-file facts: an origin in a file's
    /// facts is in that file, whose id is given when the facts are read
    /// back (see `load::cache::this_file`).
    #[serde(with = "crate::load::cache::this_file")]
    file: FileId,
    start: u32,
    end: u32,
}

impl Origin {
    pub fn new(file: FileId, span: Range<usize>) -> Self {
        Origin {
            file,
            start: narrow(span.start),
            end: narrow(span.end),
        }
    }

    pub fn file(&self) -> FileId {
        self.file
    }

    /// The byte range in the file's text.
    pub fn span(&self) -> Range<usize> {
        self.start as usize..self.end as usize
    }
}

/// A 1-based line and column (columns in characters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct LineCol {
    pub line: usize,
    pub column: usize,
}

#[derive(Clone)]
pub struct SourceFile {
    /// The path as the user named it (relative stays relative). Shared
    /// with the migration's record (`MigrationFile::path`): a set of
    /// thousands of files held each path twice.
    pub path: Arc<Path>,
    /// The text, or (`later`) read on first use.
    text: OnceLock<String>,
    /// How to read the text on first use when the run did not read it: a
    /// file whose facts came from the cache unread (see
    /// `load::cache::Settled`) is read only if something asks for a line
    /// of it, which a run that reports nothing in it never does.
    later: Option<ReadLater>,
    /// Bytes of a UTF-8 byte-order mark that preceded `text` in the file
    /// (0 or 3). Lines and columns ignore it, as editors do; byte offsets
    /// in output count it, as the file does.
    pub bom: usize,
    /// Built on first use: a run that takes a file's facts from the cache
    /// and reports nothing in it never needs it. One allocation (see
    /// `LineIndex`): this record is held for every file of a set through
    /// its replay.
    index: OnceLock<LineIndex>,
}

/// Where lines and characters start in a text. Offsets are 32-bit: no
/// file over 4 GiB is read (`MAX_FILE_OFFSET`), and a larger text from
/// elsewhere (an editor's buffer) clamps, never wraps.
///
/// One allocation, kept for every file to the end of the run: the text's
/// length in bytes, the number of lines, the byte offset of the first
/// byte of every line, then the characters before every `CHUNK`-th byte
/// (so that converting between bytes and characters costs at most one
/// chunk, not one line: a file may be one line of megabytes with thousands
/// of positions in it). The length, with the rest, is all that positions
/// in an ASCII text need once the text is let go of
/// (`SourceFile::forget_text`). Three allocations of a few dozen bytes
/// each took twice the memory of a small file's index.
///
/// The words are a file's own list, or its part of a list that the indexes
/// of many files share (`share_line_indexes`).
#[derive(Debug, Clone)]
struct LineIndex {
    words: PartOf<u32>,
}

/// Where `LineIndex`'s lists start.
const LINES_AT: usize = 2;

impl LineIndex {
    fn of(text: &str) -> Self {
        let lines = 1 + memchr::memchr_iter(b'\n', text.as_bytes()).count();
        // `push_chars_before_chunks` writes one count, then one per chunk.
        let chunks = 1 + text.len().div_ceil(CHUNK);
        let mut words = Vec::with_capacity(LINES_AT + lines + chunks);
        words.push(narrow(text.len()));
        words.push(narrow(lines));
        words.push(0);
        words.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|i| narrow(i + 1)));
        push_chars_before_chunks(text, &mut words);
        debug_assert_eq!(words.len(), words.capacity(), "room for exactly the index");
        LineIndex {
            words: PartOf::from(words),
        }
    }

    fn words(&self) -> &[u32] {
        &self.words
    }

    /// The text's length in bytes.
    fn len(&self) -> u32 {
        self.words().first().copied().unwrap_or(0)
    }

    /// Byte offset of the first byte of every line.
    fn line_starts(&self) -> &[u32] {
        let words = self.words();
        let lines = words.get(1).map_or(0, |&n| widen(n));
        words.get(LINES_AT..LINES_AT + lines).unwrap_or(&[])
    }

    /// Characters before every `CHUNK`-th byte.
    fn chars_before_chunks(&self) -> &[u32] {
        let words = self.words();
        let lines = words.get(1).map_or(0, |&n| widen(n));
        words.get(LINES_AT + lines..).unwrap_or(&[])
    }

    /// Byte offset where 0-based line `index` starts.
    fn line_start(&self, index: usize) -> Option<usize> {
        self.line_starts().get(index).map(|&start| widen(start))
    }

    fn chars_before_chunk(&self, chunk: usize) -> Option<usize> {
        self.chars_before_chunks()
            .get(chunk)
            .map(|&count| widen(count))
    }
}

/// Moves the line indexes made so far of `files` into one list they share,
/// each file's words where they were (`SourceFile::line_col` and the rest
/// answer as before). A set of thousands of files whose texts are let go
/// of (`forget_text`) holds every file's index to the end of the run: made
/// one by one amid each file's load, a few dozen bytes each, they pinned
/// pages of memory the load had freed around them, which the run could
/// then not give back.
pub fn share_line_indexes<'a>(files: impl IntoIterator<Item = &'a mut SourceFile>) {
    let indexes = files.into_iter().filter_map(|file| file.index.get_mut());
    crate::load::shared::share(indexes.map(|index| &mut index.words));
}

/// An offset, index or count kept in 32 bits: offsets and file ids are
/// below `MAX_FILE_OFFSET` by construction (no file over 4 GiB is read),
/// and no list in memory holds 4 billion items; a larger value (which
/// cannot occur) stays at the top rather than wrap.
pub fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

fn widen(n: u32) -> usize {
    n as usize
}

/// Bytes per entry of `LineIndex::chars_before_chunk`.
const CHUNK: usize = 1024;

/// How a file's text is read on first use (`SourceFile::unread`): the
/// limit on its size, and what turns its bytes into text.
#[derive(Clone, Copy)]
pub struct ReadLater {
    pub limit: u64,
    pub decode: fn(Vec<u8>) -> String,
}

/// Without the line index: it is derived from the text, and whether it has
/// been built yet is not part of what the file is.
impl std::fmt::Debug for SourceFile {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SourceFile")
            .field("path", &self.path)
            .field("text", &self.text())
            .field("bom", &self.bom)
            .finish_non_exhaustive()
    }
}

impl SourceFile {
    pub fn new(path: impl Into<Arc<Path>>, text: String) -> Self {
        SourceFile {
            path: path.into(),
            text: OnceLock::from(text),
            later: None,
            bom: 0,
            index: OnceLock::new(),
        }
    }

    /// A file whose text is read from `path` on first use (`text`). If it
    /// cannot be read then, or has changed, the text is what is there now
    /// (empty when nothing can be read): positions taken before clamp to
    /// it, as every method here does.
    pub fn unread(path: impl Into<Arc<Path>>, bom: usize, later: ReadLater) -> Self {
        SourceFile {
            path: path.into(),
            text: OnceLock::new(),
            later: Some(later),
            bom,
            index: OnceLock::new(),
        }
    }

    /// The file's text (without a byte-order mark).
    pub fn text(&self) -> &str {
        self.text.get_or_init(|| self.read_now())
    }

    /// The text of a file not read yet (`unread`, `forget_text`), as it is
    /// on disk now.
    fn read_now(&self) -> String {
        match self.later {
            Some(later) => read_found_file(&self.path, later.limit)
                .map(later.decode)
                .unwrap_or_default(),
            None => String::new(),
        }
    }

    /// Replaces the text (an edit applied in memory).
    pub fn set_text(&mut self, text: String) {
        self.text = OnceLock::from(text);
        self.later = None;
        self.index = OnceLock::new();
    }

    /// Lets go of the text, to be read again from `path` on first use as
    /// `unread` does, keeping the line index made from it now. Only an
    /// ASCII text is let go of: positions in it need only where its lines
    /// start (a column counts bytes), so a report of positions alone reads
    /// no file again, and its positions are those of the text that was
    /// parsed whatever happens to the file meanwhile. `false` when the
    /// text is kept.
    pub fn forget_text(&mut self, later: ReadLater) -> bool {
        if !self.text.get().is_some_and(|text| text.is_ascii()) {
            return false;
        }
        self.index();
        self.text = OnceLock::new();
        self.later = Some(later);
        true
    }

    /// The text's length in bytes, without reading a text let go of
    /// (`forget_text`).
    pub fn text_len(&self) -> usize {
        match self.text.get() {
            Some(text) => text.len(),
            None => widen(self.index().len()),
        }
    }

    /// Whether the text has been read (see `unread`).
    pub fn is_read(&self) -> bool {
        self.text.get().is_some()
    }

    fn index(&self) -> &LineIndex {
        self.index.get_or_init(|| LineIndex::of(self.text()))
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The path as printed in every output: forward slashes, as named.
    pub fn display_path(&self) -> String {
        display_path(&self.path)
    }

    /// The byte offset in the file of an offset in `text`.
    pub fn file_offset(&self, offset: usize) -> usize {
        offset + self.bom
    }

    /// The byte range of a 1-based line, without its line break (the
    /// last line when `line` is past the end).
    pub fn line_span(&self, line: usize) -> Range<usize> {
        let lines = self.index().line_starts().len();
        let index = line.saturating_sub(1).min(lines.saturating_sub(1));
        let start = self.index().line_start(index).unwrap_or(0);
        start..start + self.line_text(index + 1).len()
    }

    /// Converts a byte offset to a 1-based line and character column.
    /// Offsets past the end clamp to the end; offsets inside a multi-byte
    /// character clamp to that character.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = offset.min(self.text_len());
        let line_index = self.line_index(offset);
        let start = self.index().line_start(line_index).unwrap_or(0);
        let column = self.chars_before(offset) - self.chars_before(start);
        LineCol {
            line: line_index + 1,
            column: column + 1,
        }
    }

    /// 0-based index of the line `offset` is on (offsets past the end are
    /// on the last line).
    pub fn line_index(&self, offset: usize) -> usize {
        match self.index().line_starts().binary_search(&narrow(offset)) {
            Ok(i) => i,
            Err(i) => i.saturating_sub(1),
        }
    }

    /// Byte offset where the line of `offset` starts.
    pub fn line_start(&self, offset: usize) -> usize {
        self.index()
            .line_start(self.line_index(offset))
            .unwrap_or(0)
    }

    /// Number of characters that start before byte `offset` (a character
    /// `offset` falls inside counts).
    pub fn chars_before(&self, offset: usize) -> usize {
        let offset = offset.min(self.text_len());
        let chunk = offset / CHUNK;
        let counted = self.index().chars_before_chunk(chunk).unwrap_or(0);
        if self.chunk_length(chunk).is_some() {
            return counted + (offset - chunk * CHUNK);
        }
        let bytes = self
            .text()
            .as_bytes()
            .get(chunk * CHUNK..offset)
            .unwrap_or(&[]);
        counted + count_chars(bytes)
    }

    /// The length of the chunk when every byte of it starts a character
    /// (ASCII text, the usual case): then bytes and characters count alike
    /// in it.
    fn chunk_length(&self, chunk: usize) -> Option<usize> {
        let length = self.text_len().saturating_sub(chunk * CHUNK).min(CHUNK);
        let before = self.index().chars_before_chunk(chunk)?;
        let after = self.index().chars_before_chunk(chunk + 1)?;
        (after - before == length).then_some(length)
    }

    /// Byte offset of the character with 0-based index `index` in the file
    /// (the end of the text when there are not that many).
    pub fn offset_of_char(&self, index: usize) -> usize {
        let chunk = self
            .index()
            .chars_before_chunks()
            .partition_point(|&before| widen(before) <= index)
            .saturating_sub(1);
        let mut seen = self.index().chars_before_chunk(chunk).unwrap_or(0);
        let from = chunk * CHUNK;
        if let Some(length) = self.chunk_length(chunk)
            && (seen..seen + length).contains(&index)
        {
            return from + (index - seen);
        }
        for (i, &byte) in self
            .text()
            .as_bytes()
            .get(from..)
            .unwrap_or(&[])
            .iter()
            .enumerate()
        {
            if is_char_start(byte) {
                if seen == index {
                    return from + i;
                }
                seen += 1;
            }
        }
        self.text().len()
    }

    /// Converts a `sqlparser` location (1-based line, 1-based character
    /// column) to a byte offset. `None` for the empty location (line 0) that
    /// `sqlparser` uses for nodes without a span, or a location past the end.
    pub fn offset_of(&self, location: Location) -> Option<usize> {
        if location.line == 0 || location.column == 0 {
            return None;
        }
        let line_index = usize::try_from(location.line - 1).ok()?;
        let start = self.index().line_start(line_index)?;
        let end = self
            .index()
            .line_start(line_index + 1)
            .unwrap_or(self.text_len());
        let wanted = usize::try_from(location.column - 1).ok()?;
        let first = self.chars_before(start);
        let on_line = self.chars_before(end) - first;
        match wanted.cmp(&on_line) {
            std::cmp::Ordering::Less => Some(self.offset_of_char(first + wanted)),
            // The location just after the last character of the file.
            std::cmp::Ordering::Equal => Some(end),
            std::cmp::Ordering::Greater => None,
        }
    }

    /// Converts a `sqlparser` span to a byte range.
    pub fn range_of(&self, span: sqlparser::tokenizer::Span) -> Option<Range<usize>> {
        let start = self.offset_of(span.start)?;
        let end = self.offset_of(span.end)?;
        (start <= end).then_some(start..end)
    }

    /// The text of one line (without its line break), 1-based.
    pub fn line_text(&self, line: usize) -> &str {
        match line.checked_sub(1) {
            Some(index) => self.text().get(self.line_range(index)).unwrap_or(""),
            None => "",
        }
    }

    /// Byte range of one line without its line break, 0-based (empty past
    /// the last line).
    pub fn line_range(&self, index: usize) -> Range<usize> {
        let Some(start) = self.index().line_start(index) else {
            return self.text().len()..self.text().len();
        };
        let end = self
            .index()
            .line_start(index + 1)
            .unwrap_or(self.text().len());
        let line = self.text().get(start..end).unwrap_or("");
        start..start + line.trim_end_matches(['\n', '\r']).len()
    }

    pub fn slice(&self, span: &Range<usize>) -> &str {
        self.text().get(span.clone()).unwrap_or("")
    }
}

/// `LineIndex::chars_before_chunks` of a text, pushed onto `counts`:
/// characters before byte 0, `CHUNK`, `2 * CHUNK`, ….
fn push_chars_before_chunks(text: &str, counts: &mut Vec<u32>) {
    let mut before = 0;
    counts.push(0);
    for chunk in text.as_bytes().chunks(CHUNK) {
        before += count_chars(chunk);
        counts.push(narrow(before));
    }
}

/// Characters that start in `bytes` (UTF-8 continuation bytes do not start
/// one).
fn count_chars(bytes: &[u8]) -> usize {
    bytes.iter().filter(|&&b| is_char_start(b)).count()
}

fn is_char_start(byte: u8) -> bool {
    byte & 0xC0 != 0x80
}

/// The path with links and `..` resolved, for comparing paths; the path as
/// given when it cannot be resolved (it does not exist).
pub fn canonical(path: &Path) -> PathBuf {
    std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf())
}

/// The folder a file is in: its parent, or `.` for a bare file name.
pub fn folder_of(path: &Path) -> PathBuf {
    match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// `path` relative to the canonical folder `canonical_base`, when it is
/// below it.
pub fn relative_below(canonical_base: &Path, path: &Path) -> Option<PathBuf> {
    canonical(path)
        .strip_prefix(canonical_base)
        .ok()
        .map(Path::to_path_buf)
}

/// Forward-slash form of a path, so that output is the same on every OS.
pub fn display_path(path: &Path) -> String {
    shown_path(path).into_owned()
}

/// `display_path`, borrowed from the path where it can be (for lists of
/// thousands of files).
pub fn shown_path(path: &Path) -> std::borrow::Cow<'_, str> {
    let s = path.to_string_lossy();
    if std::path::MAIN_SEPARATOR == '\\' {
        s.replace('\\', "/").into()
    } else {
        s
    }
}

/// The largest file read by default (64 MiB): far above any real
/// migration, far below what would exhaust memory.
pub const DEFAULT_MAX_FILE_SIZE: u64 = 64 * 1024 * 1024;

/// The largest file read whatever `--max-file-size` says (4 GiB): byte
/// offsets in the model are 32-bit (see `Origin`).
pub const MAX_FILE_OFFSET: u64 = u32::MAX as u64;

/// Why a file was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ReadError {
    /// Not a regular file (a FIFO, a device, a socket, a folder): reading
    /// it could block forever or never end.
    NotRegular(&'static str),
    /// Larger than the cap.
    TooLarge {
        size: u64,
        limit: u64,
    },
    Io(std::io::ErrorKind, String),
}

impl std::fmt::Display for ReadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReadError::NotRegular(kind) => write!(f, "not a regular file ({kind}); not read"),
            ReadError::TooLarge { size, limit } => write!(
                f,
                "file is {} bytes, over the {limit}-byte limit (`--max-file-size`); not read",
                size
            ),
            ReadError::Io(std::io::ErrorKind::NotFound, _) => {
                f.write_str("no such file or directory")
            }
            ReadError::Io(std::io::ErrorKind::PermissionDenied, _) => {
                f.write_str("cannot read: permission denied")
            }
            ReadError::Io(_, message) => write!(f, "cannot read: {message}"),
        }
    }
}

/// What kind of non-regular file `file_type` is, for messages.
pub fn file_kind(file_type: std::fs::FileType) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        if file_type.is_fifo() {
            return "a FIFO";
        }
        if file_type.is_char_device() || file_type.is_block_device() {
            return "a device";
        }
        if file_type.is_socket() {
            return "a socket";
        }
    }
    if file_type.is_dir() {
        "a folder"
    } else if file_type.is_file() {
        "a regular file"
    } else {
        "not a regular file"
    }
}

/// Reads a regular file (following links) of at most `limit` bytes.
/// Never opens FIFOs or devices (opening a FIFO blocks until a writer
/// comes; `/dev/zero` never ends), and never reads more than `limit + 1`
/// bytes even if the file grows while it is read.
pub fn read_regular_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    let metadata = std::fs::metadata(path).map_err(io_error)?;
    regular_within(&metadata, limit)?;
    read_found_file(path, limit)
}

/// `read_regular_file` for a file that discovery has already found to be
/// regular (by its folder's listing, or by following its link): it is not
/// looked up by path a second time before it is opened, which is a system
/// call and a path walk less for each of thousands of migrations. What was
/// opened is checked instead; the open does not wait (`O_NONBLOCK`), so a
/// FIFO put in the file's place since discovery is refused, not waited for.
pub fn read_found_file(path: &Path, limit: u64) -> Result<Vec<u8>, ReadError> {
    read_found_file_stat(path, limit).map(|(bytes, _)| bytes)
}

/// `read_found_file`, with the `stat` of the file it opened (taken
/// before reading it).
pub fn read_found_file_stat(
    path: &Path,
    limit: u64,
) -> Result<(Vec<u8>, std::fs::Metadata), ReadError> {
    use std::io::Read;
    let limit = limit.min(MAX_FILE_OFFSET);
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io_error)?;
    let opened = file.metadata().map_err(io_error)?;
    regular_within(&opened, limit)?;
    let size = opened.len();
    let mut bytes = Vec::with_capacity(usize::try_from(size).unwrap_or(0).saturating_add(1));
    let mut file = file.take(limit.saturating_add(1));
    // One read asks for a byte more than the file holds: when it returns
    // exactly the size `fstat` gave, that is the whole file, without the
    // second read that `read_to_end` makes to see the end (a run over
    // thousands of small files makes one system call less for each). Any
    // other count (a file that grew or shrank, a file system that returns
    // less) reads on to the end.
    bytes.resize(bytes.capacity(), 0);
    let first = loop {
        match file.read(&mut bytes) {
            Ok(n) => break n,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(io_error(e)),
        }
    };
    bytes.truncate(first);
    if first as u64 != size {
        file.read_to_end(&mut bytes).map_err(io_error)?;
    }
    if bytes.len() as u64 > limit {
        return Err(ReadError::TooLarge {
            size: bytes.len() as u64,
            limit,
        });
    }
    Ok((bytes, opened))
}

/// An error of the file system, as `ReadError` says it.
fn io_error(e: std::io::Error) -> ReadError {
    ReadError::Io(e.kind(), e.to_string())
}

/// Refuses what is not a regular file, or is larger than `limit`.
fn regular_within(metadata: &std::fs::Metadata, limit: u64) -> Result<(), ReadError> {
    if !metadata.is_file() {
        return Err(ReadError::NotRegular(file_kind(metadata.file_type())));
    }
    let limit = limit.min(MAX_FILE_OFFSET);
    if metadata.len() > limit {
        return Err(ReadError::TooLarge {
            size: metadata.len(),
            limit,
        });
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(text: &str) -> SourceFile {
        SourceFile::new(PathBuf::from("x.sql"), text.to_string())
    }

    #[test]
    fn line_col_counts_characters() {
        let f = file("ab\néé x\n");
        assert_eq!(f.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(f.line_col(3), LineCol { line: 2, column: 1 });
        // "éé " is 5 bytes; 'x' is the fourth character.
        assert_eq!(f.line_col(8), LineCol { line: 2, column: 4 });
    }

    /// A file whose text was let go of gives the positions it gave with
    /// its text, without reading the file again (they stay those of the
    /// text read first when the file changes); `text` reads it back. A
    /// text that is not ASCII is kept: its columns count characters.
    #[test]
    fn a_text_let_go_of_gives_the_same_positions() {
        let dir = std::env::temp_dir().join(format!("sl-forget-{}", std::process::id()));
        let _ = std::fs::create_dir_all(&dir);
        let later = ReadLater {
            limit: u64::MAX,
            decode: |bytes| String::from_utf8(bytes).unwrap_or_default(),
        };
        let long_line = format!("SELECT '{}';\n", "x".repeat(3 * CHUNK));
        let ascii = format!("-- one\nCREATE TABLE t (id BIGINT);\n\n{long_line}-- end");
        for (name, text) in [
            ("ascii.sql", ascii.as_str()),
            ("other.sql", "-- é\nSELECT 1;\n"),
        ] {
            let path = dir.join(name);
            std::fs::write(&path, text).unwrap();
            let kept = SourceFile::new(path.clone(), text.to_string());
            let mut forgotten = SourceFile::new(path, text.to_string());
            assert_eq!(forgotten.forget_text(later), text.is_ascii(), "{name}");
            assert_eq!(forgotten.is_read(), !text.is_ascii(), "{name}");
            assert_eq!(forgotten.text_len(), text.len(), "{name}");
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    forgotten.line_col(offset),
                    kept.line_col(offset),
                    "{name} {offset}"
                );
                assert_eq!(
                    forgotten.line_index(offset),
                    kept.line_index(offset),
                    "{name}"
                );
            }
            assert_eq!(forgotten.is_read(), !text.is_ascii(), "{name}");
            assert_eq!(forgotten.line_text(2), kept.line_text(2), "{name}");
            if text.is_ascii() {
                std::fs::write(dir.join(name), "changed\n").unwrap();
                let mut again = SourceFile::new(dir.join(name), text.to_string());
                again.forget_text(later);
                assert_eq!(again.line_col(text.len()), kept.line_col(text.len()));
                assert_eq!(again.text(), "changed\n");
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    /// Indexes moved into one shared list answer as each file's own: the
    /// files around an index in the list, and a file whose index was not
    /// made yet, change nothing.
    #[test]
    fn shared_line_indexes_give_the_same_positions() {
        let long_line = format!("SELECT '{}';\n", "é".repeat(CHUNK));
        let texts = [
            "-- one\nCREATE TABLE t (id BIGINT);\n".to_string(),
            String::new(),
            format!("-- é\n{long_line}last"),
            "no break".to_string(),
        ];
        let own: Vec<SourceFile> = texts.iter().map(|t| file(t)).collect();
        let mut shared: Vec<SourceFile> = texts.iter().map(|t| file(t)).collect();
        for (index, f) in shared.iter().enumerate() {
            if index != 3 {
                f.index();
            }
        }
        share_line_indexes(shared.iter_mut());
        for ((own, shared), text) in own.iter().zip(&shared).zip(&texts) {
            assert_eq!(shared.text_len(), text.len());
            for offset in 0..=text.len() + 2 {
                assert_eq!(
                    shared.line_col(offset),
                    own.line_col(offset),
                    "{text:?} {offset}"
                );
                assert_eq!(shared.line_index(offset), own.line_index(offset));
            }
            for index in 0..text.chars().count() + 2 {
                assert_eq!(shared.offset_of_char(index), own.offset_of_char(index));
            }
            assert_eq!(shared.line_range(1), own.line_range(1));
        }
    }

    #[test]
    fn offset_of_round_trips() {
        let f = file("ab\néé x\nlast");
        for offset in [0, 1, 3, 5, 7, 8, 10, 13] {
            let lc = f.line_col(offset);
            let loc = Location::new(lc.line as u64, lc.column as u64);
            assert_eq!(f.offset_of(loc), Some(offset), "offset {offset}");
        }
        assert_eq!(f.offset_of(Location::new(0, 0)), None);
        assert_eq!(f.offset_of(Location::new(9, 1)), None);
    }

    /// The character-counting definitions, one line at a time.
    fn naive_line_col(text: &str, offset: usize) -> LineCol {
        let start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
        let column = text[start..]
            .char_indices()
            .take_while(|(i, _)| *i < offset - start)
            .count();
        LineCol {
            line: text[..start].matches('\n').count() + 1,
            column: column + 1,
        }
    }

    #[test]
    fn positions_on_long_lines_match_counting_characters() {
        // Lines longer than a chunk, multi-byte characters across chunk
        // boundaries.
        let mut text = "ascii ".repeat(400);
        for i in 0..3000 {
            text.push(['a', 'é', '日', '𐐀'][i % 4]);
            if i % 1500 == 1499 {
                text.push('\n');
            }
        }
        let f = file(&text);
        for offset in (0..=text.len()).filter(|&o| text.is_char_boundary(o)) {
            let lc = f.line_col(offset);
            assert_eq!(lc, naive_line_col(&text, offset), "offset {offset}");
            let loc = Location::new(lc.line as u64, lc.column as u64);
            assert_eq!(f.offset_of(loc), Some(offset), "offset {offset}");
        }
    }

    #[test]
    fn line_text_strips_breaks() {
        let f = file("one\r\ntwo\n");
        assert_eq!(f.line_text(1), "one");
        assert_eq!(f.line_text(2), "two");
        assert_eq!(f.line_text(3), "");
        assert_eq!(f.line_text(0), "");
    }

    #[test]
    fn reads_only_regular_files_within_the_limit() {
        let dir = std::env::temp_dir().join(format!("schema-lint-read-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.sql");
        std::fs::write(&file, "SELECT 1;").unwrap();
        assert_eq!(read_regular_file(&file, 100).unwrap(), b"SELECT 1;");
        assert!(matches!(
            read_regular_file(&file, 3),
            Err(ReadError::TooLarge { size: 9, limit: 3 })
        ));
        assert!(matches!(
            read_regular_file(&dir, 100),
            Err(ReadError::NotRegular("a folder"))
        ));
        #[cfg(unix)]
        assert!(matches!(
            read_regular_file(Path::new("/dev/zero"), 100),
            Err(ReadError::NotRegular("a device"))
        ));
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// A file found regular by discovery is read without a second lookup,
    /// and whatever took its place since is refused, a FIFO without
    /// waiting for a writer.
    #[test]
    fn reads_found_files_and_refuses_what_replaced_them() {
        let dir = std::env::temp_dir().join(format!("schema-lint-found-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.sql");
        std::fs::write(&file, "SELECT 1;").unwrap();
        assert_eq!(read_found_file(&file, 100).unwrap(), b"SELECT 1;");
        assert!(matches!(
            read_found_file(&file, 3),
            Err(ReadError::TooLarge { size: 9, limit: 3 })
        ));
        assert!(matches!(
            read_found_file(&dir.join("gone.sql"), 100),
            Err(ReadError::Io(std::io::ErrorKind::NotFound, _))
        ));
        #[cfg(unix)]
        {
            let fifo = dir.join("fifo.sql");
            let name = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: `name` is a NUL-terminated path that outlives the call.
            assert_eq!(unsafe { libc::mkfifo(name.as_ptr(), 0o600) }, 0);
            assert!(matches!(
                read_found_file(&fifo, 100),
                Err(ReadError::NotRegular("a FIFO"))
            ));
            assert!(matches!(
                read_regular_file(&fifo, 100),
                Err(ReadError::NotRegular("a FIFO"))
            ));
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    /// The read that stops at the size `fstat` gave: every size around
    /// the limit and the buffer, and files whose size says nothing.
    #[test]
    fn reads_whole_files_of_every_size() {
        let dir = std::env::temp_dir().join(format!("schema-lint-sizes-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("a.sql");
        for size in [0, 1, 2, 4095, 4096, 4097, 70_000] {
            let text: Vec<u8> = (0..size).map(|i| b'a' + (i % 26) as u8).collect();
            std::fs::write(&file, &text).unwrap();
            assert_eq!(
                read_regular_file(&file, 70_000).unwrap(),
                text,
                "{size} bytes"
            );
            assert_eq!(
                read_regular_file(&file, size).unwrap(),
                text,
                "{size} bytes, at the limit"
            );
            if size > 0 {
                assert!(matches!(
                    read_regular_file(&file, size - 1),
                    Err(ReadError::TooLarge { .. })
                ));
            }
        }
        std::fs::remove_dir_all(&dir).unwrap();
        // Its size is 0, yet it holds text: read on to the end.
        #[cfg(target_os = "linux")]
        {
            let status = read_regular_file(Path::new("/proc/self/status"), 1 << 20).unwrap();
            assert!(status.starts_with(b"Name:"), "{status:?}");
            assert!(status.ends_with(b"\n"));
        }
    }
}
