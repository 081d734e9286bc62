//! Where the names a fix may rename are written in a migration set's
//! files: built once per set, on first use, for the fixes that must know
//! whether a name is written anywhere else (`fix::edits`). Scanning every
//! file for every finding cost more than all the rules together; indexing
//! every word of every file cost more memory than the findings (data
//! migrations are mostly words no fix asks about), so only the names asked
//! for are indexed, and the words that look like a name PostgreSQL
//! generates are kept.

use rustc_hash::{FxHashMap, FxHashSet};

use crate::source::{FileId, Origin};

/// A word: a maximal run of letters, digits, `_` and `$` (what an unquoted
/// identifier is made of).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

#[derive(Debug, Default)]
pub struct Words {
    /// Each name asked for, lower-cased, and where it is written (file,
    /// byte offset). Fx hashing: the keys are our own files' names, where
    /// SipHash's flood resistance buys nothing.
    at: FxHashMap<Box<str>, Vec<(FileId, u32)>>,
    /// The distinct words that look like a name PostgreSQL generates for
    /// an index or constraint (`…_idx`, `…_key`, with an optional number).
    generated: FxHashSet<Box<str>>,
    /// The byte lengths of the names asked for (bit n: length n; the last
    /// bit stands for every length from 127 up): most words of a file are
    /// keywords and column names of other lengths, passed over without
    /// folding or hashing them.
    lengths: u128,
}

impl Words {
    /// Indexes where each of `names` is written in `files` (names that are
    /// not one word are not indexed: ask the text).
    pub fn of<'a>(
        files: impl Iterator<Item = (FileId, &'a str)>,
        names: impl Iterator<Item = &'a str>,
    ) -> Words {
        let mut words = Words::default();
        for name in names {
            let lower = name.to_lowercase();
            if !lower.is_empty() && lower.chars().all(is_word_char) {
                words.lengths |= length_bit(lower.len());
                words.at.entry(lower.into_boxed_str()).or_default();
            }
        }
        // One buffer for the lower-cased word: a word costs a lookup, not
        // an allocation.
        let mut lower = String::new();
        for (file, text) in files {
            let mut at = 0;
            while let Some((word, ascii)) = next_word(text, &mut at) {
                let written = &text[word.clone()];
                // An ASCII word folds to its own length; others may not.
                if ascii
                    && words.lengths & length_bit(written.len()) == 0
                    && !looks_generated(written.as_bytes())
                {
                    continue;
                }
                fold(written, ascii, &mut lower);
                words.add(&lower, file, word.start);
            }
        }
        words
    }

    fn add(&mut self, word: &str, file: FileId, offset: usize) {
        if let Some(places) = self.at.get_mut(word) {
            // Files above 4 GiB are never read (`--max-file-size`).
            places.push((file, crate::source::narrow(offset)));
        }
        if looks_generated(word.as_bytes()) && !self.generated.contains(word) {
            self.generated.insert(word.into());
        }
    }

    /// Whether `word` (lower case) is written anywhere but inside
    /// `except`; `None` when it is not a name the index was made for.
    pub fn written_outside(&self, word: &str, except: Option<&Origin>) -> Option<bool> {
        let places = self.at.get(word)?;
        Some(places.iter().any(|&(file, offset)| {
            !except.is_some_and(|o| o.file() == file && o.span().contains(&(offset as usize)))
        }))
    }

    /// Every distinct word that looks like a name PostgreSQL generates
    /// for an index or constraint, lower case.
    pub fn generated(&self) -> impl Iterator<Item = &str> {
        self.generated.iter().map(|w| &**w)
    }
}

/// What each byte is: part of no word (ASCII punctuation, spaces), part
/// of a word (ASCII letters, digits, `_`, `$`), or a byte of a multi-byte
/// character, which is decoded to tell.
const OTHER: u8 = 0;
const WORD: u8 = 1;
const MULTI: u8 = 2;
const CLASS: [u8; 256] = {
    let mut table = [MULTI; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        let word = c.is_ascii_alphanumeric() || c == b'_' || c == b'$';
        table[b] = if word { WORD } else { OTHER };
        b += 1;
    }
    table
};

/// The byte range of the next word of `text` at or after `*at`, which
/// moves past it, and whether the word is ASCII. Byte by byte through a
/// table where the text is ASCII (this reads every file of the set), a
/// character at a time elsewhere.
#[inline(always)]
fn next_word(text: &str, at: &mut usize) -> Option<(std::ops::Range<usize>, bool)> {
    let bytes = text.as_bytes();
    let mut i = *at;
    // Past what is not a word.
    let start = loop {
        i += bytes
            .get(i..)?
            .iter()
            .position(|&b| CLASS[usize::from(b)] != OTHER)?;
        if CLASS[usize::from(*bytes.get(i)?)] == WORD {
            break i;
        }
        let c = char_at(text, i);
        if is_word_char(c) {
            break i;
        }
        i += c.len_utf8();
    };
    // Through the word.
    let mut ascii = true;
    loop {
        let rest = bytes.get(i..).unwrap_or_default();
        i += rest
            .iter()
            .position(|&b| CLASS[usize::from(b)] != WORD)
            .unwrap_or(rest.len());
        if bytes.get(i).is_none_or(|&b| CLASS[usize::from(b)] == OTHER) {
            break;
        }
        let c = char_at(text, i);
        if !is_word_char(c) {
            break;
        }
        ascii = false;
        i += c.len_utf8();
    }
    *at = i;
    Some((start..i, ascii))
}

/// The character starting at byte `i` of `text` (a character boundary:
/// `next_word` moves by whole characters); a space where there is none.
fn char_at(text: &str, i: usize) -> char {
    text.get(i..).and_then(|t| t.chars().next()).unwrap_or(' ')
}

/// `…_idx` or `…_key`, with an optional number (`users_email_key1`), in
/// either ASCII case: asked of a word as written, before folding it (most
/// words of a data migration are numbers, and most of the rest end in
/// neither), and of its lower case. Only ASCII bytes are compared, so a
/// word's lower case answers as the word does.
fn looks_generated(word: &[u8]) -> bool {
    let digits = word.iter().rev().take_while(|b| b.is_ascii_digit()).count();
    let trimmed = &word[..word.len() - digits];
    trimmed.len() >= 4 && {
        let tail = &trimmed[trimmed.len() - 4..];
        tail.eq_ignore_ascii_case(b"_idx") || tail.eq_ignore_ascii_case(b"_key")
    }
}

/// The bit of `Words::lengths` for a name of `len` bytes.
fn length_bit(len: usize) -> u128 {
    1 << len.min(127)
}

/// `word` lower-cased into `into`, as `str::to_lowercase` folds it.
fn fold(word: &str, ascii: bool, into: &mut String) {
    into.clear();
    if ascii {
        into.push_str(word);
        into.make_ascii_lowercase();
    } else {
        into.push_str(&word.to_lowercase());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_found_whole_and_outside_a_span() {
        let text = "CREATE INDEX Idx_A ON t (a); -- idx_a_b\nALTER INDEX idx_a RENAME TO x;";
        let words = Words::of(
            [(FileId(0), text)].into_iter(),
            ["IDX_A", "idx"].into_iter(),
        );
        assert_eq!(words.written_outside("idx_a", None), Some(true));
        let first = Origin::new(FileId(0), 0..28);
        assert_eq!(words.written_outside("idx_a", Some(&first)), Some(true));
        let second = Origin::new(FileId(0), 40..text.len());
        let both = Origin::new(FileId(0), 0..text.len());
        assert_eq!(words.written_outside("idx_a", Some(&second)), Some(true));
        assert_eq!(words.written_outside("idx_a", Some(&both)), Some(false));
        assert_eq!(words.written_outside("idx", None), Some(false));
        // Not asked for: the caller reads the text.
        assert_eq!(words.written_outside("idx_a_b", None), None);
    }

    #[test]
    fn words_are_runs_of_letters_digits_underscores_and_dollars() {
        let text = "a.b_c $x$ é1(ü) 12ab -- Ωmega";
        let mut at = 0;
        let mut found = Vec::new();
        while let Some((word, ascii)) = next_word(text, &mut at) {
            assert_eq!(ascii, text[word.clone()].is_ascii());
            found.push(&text[word]);
        }
        assert_eq!(found, ["a", "b_c", "$x$", "é1", "ü", "12ab", "Ωmega"]);
    }

    #[test]
    fn generated_looking_words_are_kept() {
        let text = "SELECT users_email_key1, users_a_idx, users_idea;";
        let words = Words::of([(FileId(0), text)].into_iter(), std::iter::empty());
        let mut generated: Vec<&str> = words.generated().collect();
        generated.sort_unstable();
        assert_eq!(generated, ["users_a_idx", "users_email_key1"]);
    }

    #[test]
    fn generated_looking_words_are_told_in_either_case() {
        for word in [
            "a_idx",
            "A_IDX",
            "users_email_KEY12",
            "_key",
            "x_Idx007",
            "12_key3",
        ] {
            assert!(looks_generated(word.as_bytes()), "{word}");
            assert!(looks_generated(word.to_lowercase().as_bytes()), "{word}");
        }
        for word in [
            "idx",
            "key1",
            "users_idea",
            "a_idx_b",
            "12345",
            "",
            "a_kex",
            "a_idy1",
        ] {
            assert!(!looks_generated(word.as_bytes()), "{word}");
            assert!(!looks_generated(word.to_lowercase().as_bytes()), "{word}");
        }
    }

    /// Words are passed over by length only when they are ASCII: the
    /// Kelvin sign `K` (3 bytes) lower-cases to `k` (1 byte), so `Kx`
    /// (4 bytes) is `kx`.
    #[test]
    fn names_of_other_lengths_are_skipped_only_when_ascii() {
        let text = "\u{212A}x kxy";
        let words = Words::of([(FileId(0), text)].into_iter(), ["KX"].into_iter());
        assert_eq!(words.written_outside("kx", None), Some(true));
        let kelvin = Origin::new(FileId(0), 0..4);
        assert_eq!(words.written_outside("kx", Some(&kelvin)), Some(false));
        let long = "x".repeat(200);
        let words = Words::of(
            [(FileId(0), long.as_str())].into_iter(),
            [long.as_str()].into_iter(),
        );
        assert_eq!(words.written_outside(&long, None), Some(true));
    }
}
