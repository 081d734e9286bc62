//! Where a rule's findings go.
//!
//! A rule pushes findings into the `Reporter` it is given (the suppression
//! stage pushes `unused-suppression`'s, `crate::suppress`); the reporter
//! knows which rule it serves and decides the rest in one place: the
//! finding carries that rule's id (a rule cannot report under another),
//! findings outside the reported files or in down migrations are dropped,
//! and the severity comes from `Settings::severity_in` (configuration,
//! path overrides, the finding's cap).

use std::sync::atomic::{AtomicU8, Ordering};

use crate::config::{FileOverrides, Fixes, Settings};
use crate::diagnostic::{Diagnostic, Fix, Packed, Severity};
use crate::load::Project;
use crate::source::{FileId, Origin};

use super::{ActiveRule, RuleDef, RuleId, in_down_migration};

pub struct Reporter<'a> {
    rule: &'static RuleDef,
    /// The configured severity.
    severity: Severity,
    project: &'a Project,
    overrides: &'a FileOverrides<'a>,
    /// Packed (see `diagnostic::Packed`): the findings of a set live
    /// beside its catalog until the rules are done (a small set's are kept
    /// whole: `keeping_whole`).
    found: Packed,
    /// Which findings carry their fixes (`Settings::fixes`).
    fixes: Fixing<'a>,
}

/// `Settings::fixes`, with what `Fixes::Marks` shares between reporters.
#[derive(Clone, Copy)]
pub enum Fixing<'a> {
    All,
    Marks(&'a FixMarks),
    None,
}

impl<'a> Fixing<'a> {
    /// `fixes` for a run whose reporters share `marks`.
    pub fn new(fixes: Fixes, marks: &'a FixMarks) -> Self {
        match fixes {
            Fixes::All => Fixing::All,
            Fixes::Marks => Fixing::Marks(marks),
            Fixes::None => Fixing::None,
        }
    }
}

/// The rules and severities with a finding that has a fix and is surely
/// reported (`Fixes::Marks`), shared by a run's reporters: once a rule is
/// marked at a severity, its further findings there need no fix built.
#[derive(Default)]
pub struct FixMarks {
    /// One bit per severity, by rule.
    marks: [AtomicU8; RuleId::ALL.len()],
}

impl FixMarks {
    fn bit(severity: Severity) -> u8 {
        1 << severity as u8
    }

    fn has(&self, rule: RuleId, severity: Severity) -> bool {
        self.marks[rule as usize].load(Ordering::Relaxed) & Self::bit(severity) != 0
    }

    fn mark(&self, rule: RuleId, severity: Severity) {
        self.marks[rule as usize].fetch_or(Self::bit(severity), Ordering::Relaxed);
    }
}

impl<'a> Reporter<'a> {
    pub fn new(
        active: &ActiveRule,
        project: &'a Project,
        overrides: &'a FileOverrides<'a>,
    ) -> Self {
        Reporter {
            rule: active.def,
            severity: active.severity,
            project,
            overrides,
            found: Packed::default(),
            fixes: Fixing::All,
        }
    }

    /// Keeps the findings whole rather than packed (`Packed::whole`): for
    /// a set too small for its findings to weigh beside its catalog.
    pub fn keeping_whole(mut self) -> Self {
        self.found = Packed::whole();
        self
    }

    /// Which findings carry their fixes (`Settings::fixes`).
    pub fn with_fixes(mut self, fixes: Fixing<'a>) -> Self {
        self.fixes = fixes;
        self
    }

    /// Whether a finding located at `origin` can be reported: a rule asks
    /// before it builds a finding whose judgement, message or fix costs
    /// work, since a run that names one file of a set (a pre-commit hook,
    /// an editor) still checks the whole set, and `push` would drop the
    /// rest. The answer only depends on the file; `push` still decides.
    pub fn reports(&self, origin: &Origin) -> bool {
        self.reports_file(origin.file())
    }

    fn reports_file(&self, file: FileId) -> bool {
        self.project.file(file).reported()
    }

    /// Reports a finding, or drops it where it is not reported.
    pub fn push(&mut self, diagnostic: Diagnostic) {
        if let Some(diagnostic) = self.admit(diagnostic) {
            self.keep(diagnostic);
        }
    }

    /// Reports a finding with the fix `make` builds, where this run's
    /// findings carry it (`Settings::fixes`): a rule's fix goes through
    /// here, since it can cost more than its finding.
    ///
    /// With `Fixes::Marks` the fix is built until the rule has a finding
    /// at this severity that has one and is surely reported (its file has
    /// no suppression comment); that finding marks the rule and severity,
    /// and later findings there get none. A rule and severity that no such
    /// finding marks had every fix built, so whether a reported finding of
    /// theirs has a fix is answered as with `Fixes::All`. (A baseline hides
    /// findings too: the command line asks for all fixes then.)
    pub fn push_with_fix(&mut self, diagnostic: Diagnostic, make: impl FnOnce() -> Option<Fix>) {
        let Some(diagnostic) = self.admit(diagnostic) else {
            return;
        };
        let (rule, severity) = (diagnostic.rule, diagnostic.severity);
        let diagnostic = match self.fixes {
            Fixing::All => diagnostic.fix(make()),
            Fixing::None => diagnostic,
            Fixing::Marks(marks) if marks.has(rule, severity) => diagnostic,
            Fixing::Marks(marks) => {
                let diagnostic = diagnostic.fix(make());
                let surely_reported = self.project.file(diagnostic.file).directives.is_empty();
                if diagnostic.fix.is_some() && surely_reported {
                    marks.mark(rule, severity);
                }
                diagnostic
            }
        };
        self.keep(diagnostic);
    }

    /// The finding with its rule and the severity it is reported at; None
    /// where it is not reported.
    fn admit(&self, mut diagnostic: Diagnostic) -> Option<Diagnostic> {
        if !self.reports_file(diagnostic.file)
            || (!self.rule.judges_down_migrations && in_down_migration(self.project, &diagnostic))
        {
            return None;
        }
        let overrides = self.overrides.of(diagnostic.file);
        let configured = Some(self.severity);
        let severity = Settings::severity_in(
            self.rule.id,
            configured,
            overrides,
            diagnostic.severity_cap(),
        )?;
        diagnostic.rule = self.rule.id;
        diagnostic.severity = severity;
        Some(diagnostic)
    }

    fn keep(&mut self, diagnostic: Diagnostic) {
        self.found.push(diagnostic);
    }

    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        for diagnostic in diagnostics {
            self.push(diagnostic);
        }
    }

    /// The findings reported so far.
    pub fn into_findings(self) -> Vec<Diagnostic> {
        self.found.unpack()
    }

    /// The findings reported so far, still packed.
    pub fn into_packed(self) -> Packed {
        self.found
    }
}
