//! The words of a migration set's files, folded to lower case, with where
//! each occurs: built once per set, on first use, for the fixes that must
//! know whether a name is written anywhere else (`fix::edits`). Scanning
//! every file for every finding cost more than all the rules together.

use std::collections::HashMap;

use crate::source::{FileId, Origin};

/// A word: a maximal run of letters, digits, `_` and `$` (what an unquoted
/// identifier is made of).
pub fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '_' || c == '$'
}

#[derive(Debug, Default)]
pub struct Words {
    /// Each word, lower-cased, and where it starts (file, byte offset).
    at: HashMap<Box<str>, Vec<(FileId, usize)>>,
}

impl Words {
    pub fn of<'a>(files: impl Iterator<Item = (FileId, &'a str)>) -> Words {
        let mut at: HashMap<Box<str>, Vec<(FileId, usize)>> = HashMap::new();
        for (file, text) in files {
            let mut start = None;
            for (i, c) in text.char_indices().chain([(text.len(), ' ')]) {
                match (start, is_word_char(c)) {
                    (None, true) => start = Some(i),
                    (Some(s), false) => {
                        let word = text[s..i].to_lowercase().into_boxed_str();
                        at.entry(word).or_default().push((file, s));
                        start = None;
                    }
                    _ => {}
                }
            }
        }
        Words { at }
    }

    /// Whether `word` (lower case) is written anywhere but inside `except`.
    pub fn written_outside(&self, word: &str, except: Option<&Origin>) -> bool {
        self.at.get(word).is_some_and(|places| {
            places.iter().any(|&(file, offset)| {
                !except.is_some_and(|o| o.file == file && o.span.contains(&offset))
            })
        })
    }

    /// Every distinct word, lower case.
    pub fn distinct(&self) -> impl Iterator<Item = &str> {
        self.at.keys().map(|w| &**w)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_are_found_whole_and_outside_a_span() {
        let text = "CREATE INDEX Idx_A ON t (a); -- idx_a_b\nALTER INDEX idx_a RENAME TO x;";
        let words = Words::of([(FileId(0), text)].into_iter());
        assert!(words.written_outside("idx_a", None));
        let first = Origin::new(FileId(0), 0..28);
        assert!(words.written_outside("idx_a", Some(&first)));
        let second = Origin::new(FileId(0), 40..text.len());
        let both = Origin::new(FileId(0), 0..text.len());
        assert!(words.written_outside("idx_a", Some(&second)));
        assert!(!words.written_outside("idx_a", Some(&both)));
        assert!(!words.written_outside("idx", None));
        assert!(words.distinct().any(|w| w == "idx_a_b"));
    }
}
