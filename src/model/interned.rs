//! Names stored once per run: a `Name` is a pointer (8 bytes) to its text,
//! which the run's interner holds for every name equal to it.
//!
//! Why: a set of thousands of tables holds every table's, column's, key's,
//! foreign key's, index's and sequence's name, most of them several times
//! (a table's name is in its record, its map's key, its indexes, its
//! sequences and every foreign key to it). As inline strings (24 bytes,
//! `smol_str`) they were a fifth of the catalog of a 30,000-file set.
//!
//! The texts are never freed: a run interns the names of its input, and
//! the language server the names of the buffers it is sent, a few bytes
//! each (see CONTRIBUTING, "The pipeline, by module").

use std::borrow::Borrow;
use std::cell::RefCell;
use std::fmt;
use std::hash::{BuildHasher, Hash, Hasher};
use std::ptr::NonNull;
use std::sync::{Mutex, PoisonError};

use hashbrown::HashTable;

/// An identifier as PostgreSQL stores it (see `model::names`). Equal texts
/// are one `Name`, so equality compares pointers; order and hashing are
/// the text's, so maps keyed by names are ordered, and looked up, by text.
#[derive(Clone, PartialEq, Eq)]
pub struct Name(NonNull<u8>);

// SAFETY: a `Name` points at bytes that are written once, before the
// `Name` exists, and never changed or freed.
unsafe impl Send for Name {}
// SAFETY: as above.
unsafe impl Sync for Name {}

impl Name {
    pub fn new(text: impl AsRef<str>) -> Name {
        intern(text.as_ref())
    }

    pub fn as_str(&self) -> &str {
        // SAFETY: `self.0` points at a length, 7 bits to a byte (`write`),
        // and that many bytes of UTF-8, which live to the end of the
        // process.
        unsafe {
            let mut at = self.0.as_ptr();
            let mut len = 0usize;
            let mut shift = 0;
            loop {
                let byte = *at;
                at = at.add(1);
                len |= usize::from(byte & 0x7f) << shift;
                if byte < 0x80 {
                    break;
                }
                shift += 7;
            }
            std::str::from_utf8_unchecked(std::slice::from_raw_parts(at, len))
        }
    }
}

/// Interned texts, in shards so that the files loaded on several cores
/// rarely wait for each other.
const SHARDS: usize = 16;

static INTERNER: [Mutex<Shard>; SHARDS] = [const { Mutex::new(Shard::new()) }; SHARDS];

struct Shard {
    names: HashTable<Name>,
    /// What is left of the block texts are written to.
    rest: &'static mut [u8],
}

/// Texts are written one after the other in blocks of this size, not one
/// allocation each (which costs 16 bytes and more beside a short name).
const BLOCK: usize = 16 * 1024;

impl Shard {
    const fn new() -> Shard {
        Shard {
            names: HashTable::new(),
            rest: &mut [],
        }
    }

    /// Writes `text` after its length and gives where.
    fn store(&mut self, text: &str) -> Name {
        let size = len_bytes(text.len()) + text.len();
        if size > self.rest.len() {
            if size > BLOCK / 4 {
                // A long text gets a block of its own, and the current
                // block keeps its room for short ones.
                return write(leak(size), text);
            }
            self.rest = leak(BLOCK);
        }
        let rest = std::mem::take(&mut self.rest);
        let (here, rest) = rest.split_at_mut(size);
        self.rest = rest;
        write(here, text)
    }
}

/// A block that lives to the end of the process (names point into it).
fn leak(size: usize) -> &'static mut [u8] {
    Box::leak(vec![0u8; size].into_boxed_slice())
}

/// Bytes of a text's length, 7 bits to a byte (LEB128): one for a name
/// of up to 127 bytes, which most are.
fn len_bytes(len: usize) -> usize {
    (usize::BITS - len.leading_zeros()).div_ceil(7).max(1) as usize
}

/// `place` is exactly `len_bytes(text.len()) + text.len()` bytes.
fn write(place: &'static mut [u8], text: &str) -> Name {
    let (len, bytes) = place.split_at_mut(len_bytes(text.len()));
    let mut rest = text.len();
    for byte in len.iter_mut() {
        *byte = (rest & 0x7f) as u8;
        rest >>= 7;
        if rest > 0 {
            *byte |= 0x80;
        }
    }
    bytes.copy_from_slice(text.as_bytes());
    Name(NonNull::from(place).cast())
}

fn hash(text: &str) -> u64 {
    rustc_hash::FxBuildHasher.hash_one(text)
}

/// Each thread's names made last, by hash: most names a run makes are a
/// few (`id`, `public`, a table's name in each of its statements), and
/// found here they cost no lock (the interner was 1.5% of a corpus run's
/// samples without them).
const RECENT: usize = 512;

thread_local! {
    static RECENTLY: RefCell<[Option<Name>; RECENT]> = const { RefCell::new([const { None }; RECENT]) };
}

fn intern(text: &str) -> Name {
    let hash = hash(text);
    let slot = hash as usize % RECENT;
    let recent = RECENTLY.with_borrow(|recent| {
        recent[slot]
            .as_ref()
            .filter(|name| name.as_str() == text)
            .cloned()
    });
    if let Some(name) = recent {
        return name;
    }
    let name = intern_shared(text, hash);
    RECENTLY.with_borrow_mut(|recent| recent[slot] = Some(name.clone()));
    name
}

fn intern_shared(text: &str, hash: u64) -> Name {
    // The top bits choose the shard, the table uses the others.
    let shard = (hash >> 60) as usize % SHARDS;
    let mut shard = INTERNER[shard]
        .lock()
        .unwrap_or_else(PoisonError::into_inner);
    if let Some(name) = shard.names.find(hash, |name| name.as_str() == text) {
        return name.clone();
    }
    let name = shard.store(text);
    shard
        .names
        .insert_unique(hash, name.clone(), |name| self::hash(name.as_str()));
    name
}

impl Default for Name {
    fn default() -> Self {
        Name::new("")
    }
}

impl std::ops::Deref for Name {
    type Target = str;

    fn deref(&self) -> &str {
        self.as_str()
    }
}

impl AsRef<str> for Name {
    fn as_ref(&self) -> &str {
        self.as_str()
    }
}

impl Borrow<str> for Name {
    fn borrow(&self) -> &str {
        self.as_str()
    }
}

impl Hash for Name {
    fn hash<H: Hasher>(&self, state: &mut H) {
        self.as_str().hash(state);
    }
}

impl PartialOrd for Name {
    fn partial_cmp(&self, other: &Self) -> Option<std::cmp::Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Name {
    fn cmp(&self, other: &Self) -> std::cmp::Ordering {
        if self == other {
            return std::cmp::Ordering::Equal;
        }
        self.as_str().cmp(other.as_str())
    }
}

impl fmt::Debug for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(self.as_str(), f)
    }
}

impl fmt::Display for Name {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(self.as_str(), f)
    }
}

impl From<&str> for Name {
    fn from(text: &str) -> Self {
        Name::new(text)
    }
}

impl From<&String> for Name {
    fn from(text: &String) -> Self {
        Name::new(text)
    }
}

impl From<String> for Name {
    fn from(text: String) -> Self {
        Name::new(text)
    }
}

impl From<&Name> for Name {
    fn from(name: &Name) -> Self {
        name.clone()
    }
}

impl From<Name> for String {
    fn from(name: Name) -> Self {
        name.as_str().to_string()
    }
}

impl PartialEq<str> for Name {
    fn eq(&self, other: &str) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<&str> for Name {
    fn eq(&self, other: &&str) -> bool {
        self.as_str() == *other
    }
}

impl PartialEq<String> for Name {
    fn eq(&self, other: &String) -> bool {
        self.as_str() == other
    }
}

impl PartialEq<Name> for str {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl PartialEq<Name> for &str {
    fn eq(&self, other: &Name) -> bool {
        *self == other.as_str()
    }
}

impl PartialEq<Name> for String {
    fn eq(&self, other: &Name) -> bool {
        self == other.as_str()
    }
}

impl serde::Serialize for Name {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.as_str())
    }
}

impl<'de> serde::Deserialize<'de> for Name {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Text;
        impl serde::de::Visitor<'_> for Text {
            type Value = Name;

            fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str("a name")
            }

            fn visit_str<E: serde::de::Error>(self, text: &str) -> Result<Name, E> {
                Ok(Name::new(text))
            }
        }
        deserializer.deserialize_str(Text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn equal_texts_are_one_name() {
        let a = Name::new("users");
        let b = Name::new(String::from("users"));
        assert_eq!(a.0, b.0);
        assert_eq!(a, "users");
        assert_ne!(a, Name::new("user"));
        assert_eq!(Name::default(), "");
        assert_eq!(std::mem::size_of::<Option<Name>>(), 8);
    }

    #[test]
    fn texts_of_every_size_read_back() {
        for len in [
            0,
            1,
            7,
            8,
            23,
            24,
            63,
            127,
            128,
            129,
            16383,
            16384,
            16385,
            BLOCK / 4,
            BLOCK / 4 + 1,
            BLOCK,
            3 * BLOCK,
        ] {
            let text: String = "é".repeat(len / 2) + &"x".repeat(len % 2);
            let name = Name::new(&text);
            assert_eq!(name.as_str(), text);
            assert_eq!(Name::new(&text), name);
        }
    }

    #[test]
    fn order_and_hash_are_the_texts() {
        let mut names: Vec<Name> = ["b", "a", "c", "ab"].into_iter().map(Name::new).collect();
        names.sort();
        assert_eq!(names, ["a", "ab", "b", "c"]);
        let hash = |value: &dyn Fn(&mut rustc_hash::FxHasher)| {
            let mut hasher = rustc_hash::FxHasher::default();
            value(&mut hasher);
            hasher.finish()
        };
        assert_eq!(
            hash(&|h| Name::new("users").hash(h)),
            hash(&|h| "users".hash(h))
        );
    }

    #[test]
    fn names_made_on_many_threads_agree() {
        let made: Vec<Vec<Name>> = std::thread::scope(|scope| {
            let threads: Vec<_> = (0..4)
                .map(|_| scope.spawn(|| (0..2000).map(|i| Name::new(format!("t_{i}"))).collect()))
                .collect();
            threads.into_iter().filter_map(|t| t.join().ok()).collect()
        });
        assert_eq!(made.len(), 4);
        for names in &made[1..] {
            assert!(names.iter().zip(&made[0]).all(|(a, b)| a.0 == b.0));
        }
    }
}
