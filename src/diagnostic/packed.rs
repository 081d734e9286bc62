//! Findings packed while the catalog they were found in is alive.
//!
//! The rules of a set run on its replayed catalog, and every finding they
//! keep was alive beside it: a set of thousands of files has a hundred
//! thousand findings, and as `Diagnostic`s (160 bytes each, with the
//! message, the object's columns and long names in allocations of their
//! own) they and the catalog made the peak memory of such a run. Packed, a
//! finding is its bytes back to back with the others' in one buffer, and
//! `lint` unpacks them once the catalog is freed (and, when they are many,
//! its memory given back to the system: `memory::give_back`). A finding
//! with parts that few have (related places, a severity cap, a database
//! object, a fix) is kept whole.
//!
//! Messages and helps are kept as templates, each once: the names of the
//! finding's object (its table, columns and name) stand in them as
//! markers, and so do the other values they quote (kept in the finding's
//! bytes), so that the findings of a rule that differ only by what they
//! name share one text (`column \`items_7.name\` is VARCHAR(255)` and
//! the same about `items_8` are one template, the help that spells out a
//! table's trigger one for every table). Unpacking puts the names back:
//! the texts come back exactly as they were pushed (see `Template`).
//!
//! A small set's findings are kept whole (`Packed::whole`): beside a small
//! catalog they weigh little, and templating every text then filling it
//! back in took a twelfth of a corpus run's instructions.

use std::sync::Arc;

use super::{Diagnostic, ObjectRef, Severity};
use crate::rules::RuleId;
use crate::source::FileId;

/// One rule's findings, in the order they were kept.
#[derive(Default)]
pub struct Packed {
    /// Each finding: a tag (`PACKED` or `WHOLE`), then for a packed one
    /// its fields (see `push`).
    bytes: Vec<u8>,
    /// The messages and helps, as templates (see `Template`), each once
    /// (most of a rule's findings say the same thing about another
    /// object), by their index in the bytes.
    templates: Vec<Arc<str>>,
    /// Each template's index in `templates`, found by the template's hash
    /// and compared with it there, while findings are pushed (see
    /// `shrink_to_fit`): a rule may still say something different in
    /// every finding outside quotes (before values were templated,
    /// `foreign-key-naming`'s help named the referenced table), and a map
    /// keyed by the text took 24 bytes for each, beside the catalog the
    /// rules run on.
    template_index: hashbrown::HashTable<u32>,
    /// The findings kept whole, in order.
    whole: Vec<Diagnostic>,
    len: usize,
    /// Every finding is kept whole (`Packed::whole`).
    all_whole: bool,
}

const PACKED: u8 = 0;
const WHOLE: u8 = 1;

/// Flags of a packed finding.
const HELP: u8 = 1;
const OBJECT: u8 = 2;
const TABLE: u8 = 4;
const NAME: u8 = 8;
const TEMPLATED: u8 = 16;
/// The message names none of the object's names and quotes no value: it
/// is in the bytes, as it is (such a message is rare, and a template of
/// its own would cost more than the text).
const PLAIN_MESSAGE: u8 = 32;
/// The message or the help quotes values (see `Template`): they follow
/// the object.
const VALUES: u8 = 64;

impl Packed {
    /// How many findings it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// A list that keeps every finding whole, for the findings of a small
    /// set: they are read as often as written, and packing pays off only
    /// beside a large catalog.
    pub fn whole() -> Packed {
        Packed {
            all_whole: true,
            ..Packed::default()
        }
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.len += 1;
        if self.all_whole || diagnostic.rare.is_some() || diagnostic.fix.is_some() {
            self.bytes.push(WHOLE);
            self.whole.push(diagnostic);
            return;
        }
        let Diagnostic {
            rule,
            severity,
            file,
            span,
            message,
            help,
            object,
            ..
        } = diagnostic;
        let mut flags = 0;
        flags |= if help.is_some() { HELP } else { 0 };
        if let Some(object) = &object {
            flags |= OBJECT;
            flags |= if object.table.is_some() { TABLE } else { 0 };
            flags |= if object.name.is_some() { NAME } else { 0 };
            flags |= if object.templated_schema {
                TEMPLATED
            } else {
                0
            };
        }
        let names = object.as_deref().map(names_of).unwrap_or_default();
        let mut values = Vec::new();
        let template = Template::of(&message, &names, &mut values);
        let help_template = help
            .as_deref()
            .map(|help| Template::of(help, &names, &mut values));
        flags |= if template.is_plain() {
            PLAIN_MESSAGE
        } else {
            0
        };
        flags |= if values.is_empty() { 0 } else { VALUES };
        self.bytes
            .extend_from_slice(&[PACKED, rule as u8, severity as u8, flags]);
        self.number(file.index());
        self.number(span.start);
        self.number(span.end);
        match template.is_plain() {
            true => self.text(&message),
            false => {
                let index = self.template_of(template);
                self.number(index);
            }
        }
        if let (Some(help), Some(template)) = (&help, help_template) {
            // A help without names or values is the rule's own text: kept
            // as it came.
            let index = match template.is_plain() {
                true => self.template_of(help.clone()),
                false => self.template_of(template),
            };
            self.number(index);
        }
        if let Some(object) = &object {
            if let Some(table) = &object.table {
                self.text(table);
            }
            self.number(object.columns.len());
            for column in &object.columns {
                self.text(column);
            }
            if let Some(name) = &object.name {
                self.text(name);
            }
        }
        if !values.is_empty() {
            self.number(values.len());
            for value in values {
                self.text(value);
            }
        }
    }

    /// The index of `template` in `templates`, where it is kept once.
    fn template_of(&mut self, template: impl AsRef<str> + Into<Arc<str>>) -> usize {
        let hash = text_hash(template.as_ref());
        let templates = &self.templates;
        let same = |&index: &u32| {
            templates
                .get(index as usize)
                .is_some_and(|kept| **kept == *template.as_ref())
        };
        if let Some(&index) = self.template_index.find(hash, same) {
            return index as usize;
        }
        let index = self.templates.len();
        self.templates.push(template.into());
        // Past 2^32 templates a new one is kept without an index (never
        // found again): a list that long does not fit in memory anyway.
        if let Ok(index) = u32::try_from(index) {
            let templates = &self.templates;
            let rehash = |&index: &u32| {
                templates
                    .get(index as usize)
                    .map_or(0, |kept| text_hash(kept))
            };
            self.template_index.insert_unique(hash, index, rehash);
        }
        index
    }

    /// Gives back the room a buffer grown by doubling keeps spare, and the
    /// index of the templates: a finding pushed after this keeps its texts
    /// apart from the same texts before.
    pub fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
        self.whole.shrink_to_fit();
        self.templates.shrink_to_fit();
        self.template_index = hashbrown::HashTable::new();
    }

    /// The findings, in the order they were pushed, appended to `out`.
    pub fn unpack_into(self, out: &mut Vec<Diagnostic>) {
        self.unpack_kept_into(out, &mut std::iter::empty());
    }

    /// What suppressions judge of each finding (`suppress::Key`), in the
    /// order they were pushed, appended to `out`; read from the bytes,
    /// without unpacking a text.
    pub fn keys_into(&self, out: &mut Vec<crate::suppress::Key>) {
        let mut reader = Reader {
            bytes: &self.bytes,
            at: 0,
        };
        let mut whole = self.whole.iter();
        while let Some(tag) = reader.byte() {
            let key = match tag {
                WHOLE => whole.next().map(crate::suppress::Key::of),
                _ => reader.key(),
            };
            debug_assert!(key.is_some(), "a packed finding did not read back");
            let Some(key) = key else { break };
            out.push(key);
        }
    }

    /// `unpack_into`, for the findings `kept` says to keep (one flag for
    /// each finding, in order; past its end every finding is kept): the
    /// others are read past, never unpacked.
    pub fn unpack_kept_into(
        self,
        out: &mut Vec<Diagnostic>,
        kept: &mut impl Iterator<Item = bool>,
    ) {
        let mut reader = Reader {
            bytes: &self.bytes,
            at: 0,
        };
        let mut whole = self.whole.into_iter();
        while let Some(tag) = reader.byte() {
            let keep = kept.next().unwrap_or(true);
            let diagnostic = match (tag, keep) {
                (WHOLE, _) => whole.next(),
                (_, true) => reader.finding(&self.templates),
                (_, false) => {
                    if reader.key().is_none() {
                        break;
                    }
                    continue;
                }
            };
            // The bytes were written by `push` alone: a finding that does
            // not read back would be a bug here, never a property of input,
            // and what follows it could not be read in step.
            debug_assert!(diagnostic.is_some(), "a packed finding did not unpack");
            let Some(diagnostic) = diagnostic else { break };
            if keep {
                out.push(diagnostic);
            }
        }
    }

    /// The findings, in the order they were pushed.
    pub fn unpack(self) -> Vec<Diagnostic> {
        let mut out = Vec::with_capacity(self.len);
        self.unpack_into(&mut out);
        out
    }

    /// A number, 7 bits to a byte, low bits first (LEB128).
    fn number(&mut self, mut n: usize) {
        while n >= 0x80 {
            self.bytes.push((n as u8 & 0x7f) | 0x80);
            n >>= 7;
        }
        self.bytes.push(n as u8);
    }

    fn text(&mut self, text: &str) {
        self.number(text.len());
        self.bytes.extend_from_slice(text.as_bytes());
    }
}

fn text_hash(text: &str) -> u64 {
    use std::hash::BuildHasher;
    rustc_hash::FxBuildHasher.hash_one(text)
}

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl<'a> Reader<'a> {
    fn byte(&mut self) -> Option<u8> {
        let byte = *self.bytes.get(self.at)?;
        self.at += 1;
        Some(byte)
    }

    fn number(&mut self) -> Option<usize> {
        let mut n = 0usize;
        for shift in (0..usize::BITS).step_by(7) {
            let byte = self.byte()?;
            n |= usize::from(byte & 0x7f).checked_shl(shift)?;
            if byte < 0x80 {
                return Some(n);
            }
        }
        None
    }

    fn text(&mut self) -> Option<&'a str> {
        let len = self.number()?;
        let end = self.at.checked_add(len)?;
        let text = std::str::from_utf8(self.bytes.get(self.at..end)?).ok()?;
        self.at = end;
        Some(text)
    }

    /// A packed finding, after its tag.
    fn finding(&mut self, templates: &[Arc<str>]) -> Option<Diagnostic> {
        let rule = *RuleId::ALL.get(usize::from(self.byte()?))?;
        let severity = match self.byte()? {
            0 => Severity::Info,
            1 => Severity::Warning,
            2 => Severity::Error,
            _ => return None,
        };
        let flags = self.byte()?;
        let file = FileId::new(self.number()?);
        let span = self.number()?..self.number()?;
        let message = match flags & PLAIN_MESSAGE {
            0 => Err(templates.get(self.number()?)?),
            _ => Ok(self.text()?.to_owned()),
        };
        let help = match flags & HELP {
            0 => None,
            _ => Some(templates.get(self.number()?)?),
        };
        let object = match flags & OBJECT {
            0 => None,
            _ => Some(self.object(flags)?),
        };
        let mut values = Vec::new();
        if flags & VALUES != 0 {
            for _ in 0..self.number()? {
                values.push(self.text()?);
            }
        }
        let mut values = values.into_iter();
        let names = object.as_ref().map(names_of).unwrap_or_default();
        let message = match message {
            Ok(plain) => plain,
            Err(template) => Template::fill(template, &names, &mut values)?,
        };
        let help = match help {
            Some(help) if !help.contains(MARK) => Some(help.clone()),
            Some(help) => Some(Template::fill(help, &names, &mut values)?.into()),
            None => None,
        };
        Some(Diagnostic {
            rule,
            severity,
            file,
            span,
            message,
            help,
            object: object.map(Box::new),
            rare: None,
            fix: None,
        })
    }

    /// A packed finding's rule, file and start, after its tag; the rest
    /// of it is read past.
    fn key(&mut self) -> Option<crate::suppress::Key> {
        let rule = *RuleId::ALL.get(usize::from(self.byte()?))?;
        let _severity = self.byte()?;
        let flags = self.byte()?;
        let file = FileId::new(self.number()?);
        let start = self.number()?;
        let _end = self.number()?;
        // The message: a template's index, or the text itself.
        if flags & PLAIN_MESSAGE == 0 {
            self.number()?;
        } else {
            self.text()?;
        }
        if flags & HELP != 0 {
            self.number()?;
        }
        if flags & OBJECT != 0 {
            self.skip_object(flags)?;
        }
        if flags & VALUES != 0 {
            for _ in 0..self.number()? {
                self.text()?;
            }
        }
        Some(crate::suppress::Key { rule, file, start })
    }

    /// Reads past an object, as `object` reads it.
    fn skip_object(&mut self, flags: u8) -> Option<()> {
        if flags & TABLE != 0 {
            self.text()?;
        }
        for _ in 0..self.number()? {
            self.text()?;
        }
        if flags & NAME != 0 {
            self.text()?;
        }
        Some(())
    }

    fn object(&mut self, flags: u8) -> Option<ObjectRef> {
        let table = match flags & TABLE {
            0 => None,
            _ => Some(self.text()?.into()),
        };
        let count = self.number()?;
        // Each column takes at least a byte: a count beyond the bytes left
        // is not believed.
        let mut columns = Vec::with_capacity(count.min(self.bytes.len() - self.at));
        for _ in 0..count {
            columns.push(self.text()?.into());
        }
        let name = match flags & NAME {
            0 => None,
            _ => Some(self.text()?.into()),
        };
        Some(ObjectRef {
            table,
            columns,
            name,
            templated_schema: flags & TEMPLATED != 0,
        })
    }
}

/// The names of a finding's object that its texts are templated on
/// (`Template`): its table, its name, then its columns.
fn names_of(object: &ObjectRef) -> Vec<&str> {
    let table = object.table.as_deref();
    let name = object.name.as_deref();
    let columns = object.columns.iter().map(|c| c.as_str());
    table.into_iter().chain(name).chain(columns).collect()
}

/// What starts a marker in a template.
const MARK: char = '\0';

/// The first marker byte after `MARK`: name `i` is `FIRST + i`.
const FIRST: u8 = b'A';

/// At most this many names are templated (the object's table, name and
/// first columns); the rest stay in the text.
const MAX_NAMES: usize = 26;

/// What stands for a quoted value in a template: `MARK` then this.
const VALUE: u8 = b'#';

/// A message or help with the names of the finding's object replaced by
/// markers: `MARK` then `FIRST + i` for the `i`th name, and `MARK` twice
/// for a `MARK` of the text. Each name is looked for only in what the
/// names before it left of the text (longer names first, so that `items`
/// is not found inside `items_id`), so `fill` with the same names gives
/// back exactly the text.
///
/// What the text quotes between backticks besides the names (a type, a
/// referenced table, a version) is a value: `MARK` then `VALUE` stands for
/// it, and the finding keeps the values in order. So the findings of one
/// shape share one template even where they quote something other than
/// their object (`foreign-key-naming` names the referenced table in every
/// message and help, `migration-filename` the version and the file): a
/// template each took a hundred bytes a finding, beside the catalog.
struct Template(String);

impl Template {
    /// The template of `text`, whose values are appended to `values`.
    fn of<'t>(text: &'t str, names: &[&str], values: &mut Vec<&'t str>) -> Template {
        let mut order: Vec<usize> = (0..names.len().min(MAX_NAMES))
            .filter(|&i| !names[i].is_empty())
            .collect();
        order.sort_by_key(|&i| std::cmp::Reverse(names[i].len()));
        // The text as pieces: literal text, or the name of that index. Each
        // name splits the literal pieces left by the longer ones; the two
        // lists take turns (a finding's texts are templated as it is
        // reported, and a list per piece was most of a corpus run's
        // packing).
        let mut pieces: Vec<Result<&str, usize>> = vec![Ok(text)];
        let mut next = Vec::new();
        for i in order {
            let name = names[i];
            for piece in pieces.drain(..) {
                match piece {
                    Ok(literal) => split_on(literal, name, i, &mut next),
                    other => next.push(other),
                }
            }
            std::mem::swap(&mut pieces, &mut next);
        }
        let mut template = String::with_capacity(text.len());
        // Whether the text so far has an odd number of backticks: a quote
        // is open.
        let mut quoted = false;
        for piece in pieces {
            match piece {
                Ok(literal) => {
                    let mut parts = literal.split('`').enumerate().peekable();
                    while let Some((at, part)) = parts.next() {
                        if at > 0 {
                            template.push('`');
                            quoted = !quoted;
                        }
                        // A value is a quote that opens and closes in this
                        // literal: one around a name is the name's.
                        let closed = parts.peek().is_some();
                        if quoted && at > 0 && closed && !part.is_empty() {
                            template.push(MARK);
                            template.push(char::from(VALUE));
                            values.push(part);
                        } else {
                            push_escaped(&mut template, part);
                        }
                    }
                }
                Err(i) => {
                    template.push(MARK);
                    template.push(char::from(FIRST + i as u8));
                }
            }
        }
        Template(template)
    }

    /// Whether no name or value was found in the text.
    fn is_plain(&self) -> bool {
        !self.0.contains(MARK)
    }

    /// The text `template` was made of, with `names` and the values it
    /// quotes, taken from `values` in order; `None` when a marker names no
    /// name or value (never for a template `of` made with them).
    fn fill<'v>(
        template: &str,
        names: &[&str],
        values: &mut impl Iterator<Item = &'v str>,
    ) -> Option<String> {
        let mut text = String::with_capacity(template.len());
        let mut rest = template;
        while let Some(at) = rest.find(MARK) {
            text.push_str(&rest[..at]);
            let marker = *rest.as_bytes().get(at + 1)?;
            match marker {
                0 => text.push(MARK),
                VALUE => text.push_str(values.next()?),
                _ => text.push_str(names.get(usize::from(marker.checked_sub(FIRST)?))?),
            }
            rest = rest.get(at + 2..)?;
        }
        text.push_str(rest);
        // Names longer than their markers grew the text, to up to twice
        // what it holds; a run keeps every finding until it exits.
        text.shrink_to_fit();
        Some(text)
    }
}

/// `literal` pushed onto `template` with each `MARK` doubled.
fn push_escaped(template: &mut String, literal: &str) {
    for (at, part) in literal.split(MARK).enumerate() {
        if at > 0 {
            template.push(MARK);
            template.push(MARK);
        }
        template.push_str(part);
    }
}

/// `literal` split on every `name` in it (left to right, as `str::split`
/// finds them), onto `pieces`: the names as `Err(index)`, the text between
/// them unless empty.
fn split_on<'t>(
    literal: &'t str,
    name: &str,
    index: usize,
    pieces: &mut Vec<Result<&'t str, usize>>,
) {
    let mut start = 0;
    for at in memchr::memmem::find_iter(literal.as_bytes(), name.as_bytes()) {
        // A match of UTF-8 in UTF-8 starts and ends on character
        // boundaries.
        if let Some(part) = literal.get(start..at).filter(|part| !part.is_empty()) {
            pieces.push(Ok(part));
        }
        pieces.push(Err(index));
        start = at + name.len();
    }
    if let Some(part) = literal.get(start..).filter(|part| !part.is_empty()) {
        pieces.push(Ok(part));
    }
}

impl AsRef<str> for Template {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl From<Template> for Arc<str> {
    fn from(template: Template) -> Arc<str> {
        template.0.into()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::{Edit, Fix};
    use crate::source::Origin;

    fn at(file: usize, span: std::ops::Range<usize>) -> Origin {
        Origin::new(FileId::new(file), span)
    }

    /// Every shape of finding comes back exactly, in order, with a help
    /// said by several findings kept once.
    #[test]
    fn findings_unpack_as_they_were_pushed() {
        let object = ObjectRef {
            table: Some("accounts".into()),
            columns: vec!["email".into(), "a_column_name_longer_than_23_bytes".into()],
            name: Some("uq_accounts_email".into()),
            templated_schema: true,
        };
        let findings = vec![
            Diagnostic::new(RuleId::PreferText, &at(0, 3..9), "plain"),
            Diagnostic::new(RuleId::PreferText, &at(1, 0..0), "with help").help("same help"),
            Diagnostic::new(RuleId::TableNaming, &at(2, 10..20), "é – ünïcode")
                .help("same help")
                .object(object),
            Diagnostic::new(RuleId::ForeignKeyIndex, &at(3, 5..6), "empty object")
                .object(ObjectRef::default()),
            Diagnostic::new(RuleId::MigrationFilename, &at(4, 1..2), "capped")
                .at_most(Severity::Warning),
            Diagnostic::new(RuleId::PreferText, &at(5, 7..9), "fixed").fix(Some(Fix::safe(
                "TEXT",
                vec![Edit {
                    file: FileId::new(5),
                    span: 7..9,
                    replacement: "TEXT".into(),
                }],
            ))),
            Diagnostic::new(
                RuleId::ParseError,
                &at(70_000, 1 << 20..(1 << 31) + 3),
                "far away",
            )
            .related(&at(6, 0..1), "there"),
            Diagnostic::new(RuleId::PreferText, &at(u32::MAX as usize, 300..400), ""),
        ];
        let mut findings: Vec<Diagnostic> = findings
            .into_iter()
            .zip([
                Severity::Error,
                Severity::Warning,
                Severity::Info,
                Severity::Error,
                Severity::Warning,
                Severity::Info,
                Severity::Error,
                Severity::Warning,
            ])
            .map(|(mut d, severity)| {
                d.severity = severity;
                d
            })
            .collect();
        findings[1].rule = RuleId::UnusedSuppression;
        let mut packed = Packed::default();
        for finding in findings.clone() {
            packed.push(finding);
        }
        assert_eq!(packed.len(), findings.len());
        let helps = packed
            .templates
            .iter()
            .filter(|t| t.as_ref() == "same help");
        assert_eq!(helps.count(), 1, "the shared help is kept once");
        packed.shrink_to_fit();
        let unpacked = packed.unpack();
        assert_eq!(unpacked, findings);
        assert!(std::sync::Arc::ptr_eq(
            unpacked[1].help.as_ref().unwrap(),
            unpacked[2].help.as_ref().unwrap()
        ));
        for (got, want) in unpacked.iter().zip(&findings) {
            assert_eq!(
                got.object.as_ref().map(|o| o.templated_schema),
                want.object.as_ref().map(|o| o.templated_schema)
            );
        }
    }

    /// A text comes back from its template exactly, whatever the names
    /// and wherever they occur: inside each other, next to each other,
    /// empty, beside the marker's own character, or not at all.
    #[test]
    fn templates_fill_back_to_their_text() {
        let cases: &[(&str, &[&str])] = &[
            (
                "column `items_7.name` is VARCHAR(255)",
                &["items_7", "name"],
            ),
            (
                "fk_items_7_items_7_id references items_7",
                &["items_7", "items_7_id", "items"],
            ),
            ("aaaa", &["a", "aa"]),
            ("no names here", &["absent"]),
            ("empty names: x", &["", "x"]),
            ("a\0b\0\0c \0A \0", &["b", "c", "A"]),
            ("\0", &["\0"]),
            ("é – ünïcode ü", &["ü", "é –"]),
            ("0_x in \u{0}0", &["t", "0", "0_x"]),
            ("", &["name"]),
            (
                "`VARCHAR(255)` and `items_7.name` and ``",
                &["items_7", "name"],
            ),
            ("`a` `` `b`c` ` unbalanced `", &["c"]),
            ("``` `\0` `\0A` `#` \0#", &["A"]),
            ("`x`y`z`", &["y"]),
            ("`", &[]),
            ("name `it`", &["it"]),
        ];
        for (text, names) in cases {
            let mut values = Vec::new();
            let template = Template::of(text, names, &mut values);
            let filled = Template::fill(template.as_ref(), names, &mut values.into_iter());
            assert_eq!(filled.as_deref(), Some(*text), "{text:?} with {names:?}");
        }
        // Findings about different tables of one shape share one template,
        // whatever else they quote.
        let (mut a_values, mut b_values) = (Vec::new(), Vec::new());
        let a = Template::of(
            "`items_7` references `items_6`, not on items_7",
            &["items_7"],
            &mut a_values,
        );
        let b = Template::of(
            "`items_8` references `accounts`, not on items_8",
            &["items_8"],
            &mut b_values,
        );
        assert_eq!(a.as_ref(), b.as_ref());
        assert_eq!((a_values, b_values), (vec!["items_6"], vec!["accounts"]));
        assert!(Template::of("plain", &["x"], &mut Vec::new()).is_plain());
        assert!(!Template::of("a `value`", &[], &mut Vec::new()).is_plain());
        // A marker that names no name or value is refused, not guessed.
        let none = &mut std::iter::empty();
        assert_eq!(Template::fill("\0B", &["only one"], none), None);
        assert_eq!(Template::fill("ends with \0", &[], none), None);
        assert_eq!(Template::fill("`\0#`", &[], none), None);
    }

    /// Every text of up to six characters made of backticks, marker
    /// characters and names fills back from its template exactly.
    #[test]
    fn every_short_text_fills_back() {
        let alphabet = ['`', 'a', '\0', '#', 'A', 'b'];
        let names: &[&str] = &["a", "ab", "A"];
        let mut text = String::new();
        let mut digits = Vec::new();
        for len in 0..=6u32 {
            for n in 0..alphabet.len().pow(len) {
                digits.clear();
                let mut rest = n;
                for _ in 0..len {
                    digits.push(alphabet[rest % alphabet.len()]);
                    rest /= alphabet.len();
                }
                text.clear();
                text.extend(&digits);
                let mut values = Vec::new();
                let template = Template::of(&text, names, &mut values);
                let mut values = values.into_iter();
                let filled = Template::fill(template.as_ref(), names, &mut values);
                assert_eq!(filled.as_deref(), Some(text.as_str()), "{text:?}");
                assert_eq!(values.next(), None, "{text:?}: a value left over");
            }
        }
    }

    /// Findings that differ only by their object keep one message and one
    /// help between them, and unpack to their own texts.
    #[test]
    fn findings_of_one_shape_share_their_texts() {
        let findings: Vec<Diagnostic> = (0..50)
            .map(|i| {
                let table = format!("items_{i}");
                Diagnostic::new(
                    RuleId::UpdatedAtTrigger,
                    &at(i, 0..1),
                    format!("`{table}.updated_at` is never set on UPDATE"),
                )
                .help(format!(
                    "CREATE TRIGGER {table}_touch BEFORE UPDATE ON {table} …"
                ))
                .object(ObjectRef::column(
                    &crate::model::QualifiedName::unqualified(table.as_str()),
                    "updated_at",
                ))
            })
            .collect();
        let mut packed = Packed::default();
        for finding in findings.clone() {
            packed.push(finding);
        }
        assert_eq!(packed.templates.len(), 2, "{:?}", packed.templates);
        assert_eq!(packed.unpack(), findings);

        // So do findings that quote something besides their object, here
        // the table their foreign key references, and a plain message
        // that quotes a version.
        let findings: Vec<Diagnostic> = (1..50)
            .flat_map(|i| {
                let table = format!("items_{i}");
                let parent = format!("items_{}", i - 1);
                let object = ObjectRef::column(
                    &crate::model::QualifiedName::unqualified(table.as_str()),
                    "parent_id",
                );
                [
                    Diagnostic::new(
                        RuleId::ForeignKeyNaming,
                        &at(i, 0..1),
                        format!("`{table}.parent_id` references `{parent}`"),
                    )
                    .help(format!("name it `{parent}_id`"))
                    .object(object),
                    Diagnostic::new(
                        RuleId::MigrationFilename,
                        &at(i, 0..1),
                        format!("version `2024{i:010}` is not a date"),
                    ),
                ]
            })
            .collect();
        let mut packed = Packed::default();
        for finding in findings.clone() {
            packed.push(finding);
        }
        assert_eq!(packed.templates.len(), 3, "{:?}", packed.templates);
        let mut keys = Vec::new();
        packed.keys_into(&mut keys);
        assert_eq!(keys.len(), findings.len());
        assert_eq!(packed.unpack(), findings);
    }

    /// A finding's key reads back from the bytes without unpacking it, and
    /// the findings a list of flags leaves out are read past, the others
    /// unpacked as they were pushed: findings packed whole, with and
    /// without objects, helps and templates, in any order; and the same
    /// from a list that keeps them all whole (`Packed::whole`).
    #[test]
    fn keys_read_back_and_flagged_findings_are_left_packed() {
        let mut findings = Vec::new();
        for i in 0..40usize {
            let table = format!("items_{}", i % 7);
            let mut d = Diagnostic::new(
                RuleId::ALL[i % RuleId::ALL.len()],
                &at(i % 5, i * 3..i * 3 + 2),
                format!("`{table}` is odd in file {i}"),
            );
            if i % 3 == 0 {
                d = d.help("the same help");
            }
            if i % 4 != 1 {
                let table = crate::model::QualifiedName::unqualified(table.as_str());
                d = d.object(ObjectRef::column(&table, "c"));
            }
            if i % 9 == 0 {
                d = d.fix(Some(Fix::safe(
                    "fix",
                    vec![Edit::replace(&at(0, 0..1), "x")],
                )));
            }
            findings.push(d);
        }
        for mut packed in [Packed::default(), Packed::whole()] {
            for finding in findings.clone() {
                packed.push(finding);
            }
            if packed.all_whole {
                // One tag a finding, and no text templated.
                assert_eq!(packed.bytes, vec![WHOLE; findings.len()]);
                assert!(packed.templates.is_empty());
            } else {
                assert!(packed.whole.len() < findings.len());
            }
            let mut keys = Vec::new();
            packed.keys_into(&mut keys);
            assert_eq!(keys.len(), findings.len());
            for (key, finding) in keys.iter().zip(&findings) {
                assert_eq!(
                    (key.rule, key.file, key.start),
                    (finding.rule, finding.file, finding.span.start)
                );
            }
            let flags: Vec<bool> = (0..findings.len())
                .map(|i| i % 5 == 2 || i % 9 == 0)
                .collect();
            let mut kept = flags.iter().map(|&flag| !flag);
            let mut out = Vec::new();
            packed.unpack_kept_into(&mut out, &mut kept);
            let want: Vec<Diagnostic> = findings
                .iter()
                .zip(&flags)
                .filter(|&(_, &flag)| !flag)
                .map(|(d, _)| d.clone())
                .collect();
            assert_eq!(out, want);
        }
    }

    /// Every rule and severity survives the byte it is packed in.
    #[test]
    fn every_rule_and_severity_round_trips() {
        let mut packed = Packed::default();
        let mut findings = Vec::new();
        for (i, &rule) in RuleId::ALL.iter().enumerate() {
            for severity in [Severity::Info, Severity::Warning, Severity::Error] {
                let mut d = Diagnostic::new(rule, &at(i, i..i + 1), rule.name());
                d.severity = severity;
                findings.push(d.clone());
                packed.push(d);
            }
        }
        let mut out = vec![Diagnostic::new(RuleId::PreferText, &at(0, 0..0), "before")];
        packed.unpack_into(&mut out);
        assert_eq!(out.len(), findings.len() + 1);
        assert_eq!(out[1..], findings[..]);
    }
}
