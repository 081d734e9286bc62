//! Findings packed while the catalog they were found in is alive.
//!
//! The rules of a set run on its replayed catalog, and every finding they
//! keep was alive beside it: a set of thousands of files has a hundred
//! thousand findings, and as `Diagnostic`s (160 bytes each, with the
//! message, the object's columns and long names in allocations of their
//! own) they and the catalog made the peak memory of such a run. Packed, a
//! finding is its bytes back to back with the others' in one buffer, and
//! `lint` unpacks them once the catalog is freed, into the memory it gave
//! back. A finding with parts that few have (related places, a severity
//! cap, a database object, a fix) is kept whole.

use std::sync::Arc;

use rustc_hash::FxHashMap;

use super::{Diagnostic, ObjectRef, Severity};
use crate::rules::RuleId;
use crate::source::FileId;

/// One rule's findings, in the order they were kept.
#[derive(Default)]
pub struct Packed {
    /// Each finding: a tag (`PACKED` or `WHOLE`), then for a packed one
    /// its fields (see `push`).
    bytes: Vec<u8>,
    /// The help texts, each once (most of a rule's findings say the same
    /// thing), by their index in the bytes.
    helps: Vec<Arc<str>>,
    help_index: FxHashMap<Arc<str>, usize>,
    /// The findings kept whole, in order.
    whole: Vec<Diagnostic>,
    len: usize,
}

const PACKED: u8 = 0;
const WHOLE: u8 = 1;

/// Flags of a packed finding.
const HELP: u8 = 1;
const OBJECT: u8 = 2;
const TABLE: u8 = 4;
const NAME: u8 = 8;
const TEMPLATED: u8 = 16;

impl Packed {
    /// How many findings it holds.
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    pub fn push(&mut self, diagnostic: Diagnostic) {
        self.len += 1;
        if diagnostic.rare.is_some() || diagnostic.fix.is_some() {
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
        self.bytes
            .extend_from_slice(&[PACKED, rule as u8, severity as u8, flags]);
        self.number(file.index());
        self.number(span.start);
        self.number(span.end);
        self.text(&message);
        if let Some(help) = help {
            let index = self.help_of(help);
            self.number(index);
        }
        if let Some(object) = object {
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
    }

    /// The index of `help` in `helps`, where it is kept once.
    fn help_of(&mut self, help: Arc<str>) -> usize {
        if let Some(&index) = self.help_index.get(&help) {
            return index;
        }
        let index = self.helps.len();
        self.helps.push(help.clone());
        self.help_index.insert(help, index);
        index
    }

    /// Gives back the room a buffer grown by doubling keeps spare, and the
    /// index of the help texts: a finding pushed after this keeps its help
    /// apart from the same text before.
    pub fn shrink_to_fit(&mut self) {
        self.bytes.shrink_to_fit();
        self.whole.shrink_to_fit();
        self.help_index = FxHashMap::default();
    }

    /// The findings, in the order they were pushed, appended to `out`.
    pub fn unpack_into(self, out: &mut Vec<Diagnostic>) {
        let mut reader = Reader {
            bytes: &self.bytes,
            at: 0,
        };
        let mut whole = self.whole.into_iter();
        while let Some(tag) = reader.byte() {
            let diagnostic = match tag {
                WHOLE => whole.next(),
                _ => reader.finding(&self.helps),
            };
            // The bytes were written by `push` alone: a finding that does
            // not read back would be a bug here, never a property of input,
            // and what follows it could not be read in step.
            debug_assert!(diagnostic.is_some(), "a packed finding did not unpack");
            let Some(diagnostic) = diagnostic else { break };
            out.push(diagnostic);
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

struct Reader<'a> {
    bytes: &'a [u8],
    at: usize,
}

impl Reader<'_> {
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

    fn text(&mut self) -> Option<&str> {
        let len = self.number()?;
        let end = self.at.checked_add(len)?;
        let text = std::str::from_utf8(self.bytes.get(self.at..end)?).ok()?;
        self.at = end;
        Some(text)
    }

    /// A packed finding, after its tag.
    fn finding(&mut self, helps: &[Arc<str>]) -> Option<Diagnostic> {
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
        let message = self.text()?.to_owned();
        let help = match flags & HELP {
            0 => None,
            _ => Some(helps.get(self.number()?)?.clone()),
        };
        let object = match flags & OBJECT {
            0 => None,
            _ => Some(self.object(flags)?),
        };
        Some(Diagnostic {
            rule,
            severity,
            file,
            span,
            message,
            help,
            object,
            rare: None,
            fix: None,
        })
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
        assert_eq!(packed.helps.len(), 1, "the shared help is kept once");
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
