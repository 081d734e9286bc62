//! Where a rule's findings go.
//!
//! A rule pushes findings into the `Reporter` it is given (the suppression
//! stage pushes `unused-suppression`'s, `crate::suppress`); the reporter
//! knows which rule it serves and decides the rest in one place: the
//! finding carries that rule's id (a rule cannot report under another),
//! findings outside the reported files or in down migrations are dropped,
//! and the severity comes from `Settings::severity_in` (configuration,
//! path overrides, the finding's cap).

use crate::config::{FileOverrides, Settings};
use crate::diagnostic::{Diagnostic, Fix, Severity};
use crate::load::Project;
use crate::source::{FileId, Origin};

use super::{ActiveRule, RuleDef, in_down_migration};

pub struct Reporter<'a> {
    rule: &'static RuleDef,
    /// The configured severity.
    severity: Severity,
    project: &'a Project,
    overrides: &'a FileOverrides<'a>,
    found: Vec<Diagnostic>,
    /// The help texts of `found`, each kept once: most of a rule's
    /// findings say the same thing, and thousands of copies of a
    /// 150-character text add up.
    helps: rustc_hash::FxHashSet<std::sync::Arc<str>>,
    /// Whether findings carry their fixes (`Settings::fixes`).
    fixes: bool,
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
            found: Vec::new(),
            helps: Default::default(),
            fixes: true,
        }
    }

    /// Whether findings carry their fixes: `false` for a run whose report
    /// shows none (`Settings::fixes`).
    pub fn with_fixes(mut self, fixes: bool) -> Self {
        self.fixes = fixes;
        self
    }

    /// The fix `make` builds, where this run's findings carry fixes; a
    /// rule asks through here, since a fix can cost more than its finding
    /// (reading the statement again, looking for a name in every file).
    pub fn fix(&self, make: impl FnOnce() -> Option<Fix>) -> Option<Fix> {
        if self.fixes { make() } else { None }
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
    pub fn push(&mut self, mut diagnostic: Diagnostic) {
        if !self.reports_file(diagnostic.file)
            || (!self.rule.judges_down_migrations && in_down_migration(self.project, &diagnostic))
        {
            return;
        }
        let overrides = self.overrides.of(diagnostic.file);
        let configured = Some(self.severity);
        let Some(severity) = Settings::severity_in(
            self.rule.id,
            configured,
            overrides,
            diagnostic.severity_cap(),
        ) else {
            return;
        };
        diagnostic.rule = self.rule.id;
        diagnostic.severity = severity;
        if let Some(help) = &mut diagnostic.help {
            match self.helps.get(&**help) {
                Some(shared) => *help = shared.clone(),
                None => {
                    self.helps.insert(help.clone());
                }
            }
        }
        self.found.push(diagnostic);
    }

    pub fn extend(&mut self, diagnostics: impl IntoIterator<Item = Diagnostic>) {
        for diagnostic in diagnostics {
            self.push(diagnostic);
        }
    }

    /// The findings reported so far.
    pub fn into_findings(self) -> Vec<Diagnostic> {
        self.found
    }
}
