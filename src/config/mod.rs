//! `schema-lint.toml` and the command line: the `Settings` a run uses.
//!
//! - [`file`] finds and reads the config file and keeps its values as
//!   written, with where each is, for errors that show the line;
//! - [`build`] turns them and the command line into `Settings`.
//!
//! A finding's severity is decided here, in `Settings::severity_in`, which
//! the rules' `Reporter` calls (configuration, `[[overrides]]`, caps).

mod build;
mod file;

use std::path::{Path, PathBuf};

use globset::GlobSet;
use serde::Deserialize;

use crate::diagnostic::Severity;
use crate::discover::{Layout, SetConfig};
use crate::load::Project;
use crate::rules::{ActiveRule, RuleId};

pub use build::parse_size;
pub use file::{ConfigError, FILE_NAMES, find, read_text};

/// From which severity on findings fail the run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FailOn {
    At(Severity),
    Never,
}

impl FailOn {
    pub fn from_name(name: &str) -> Option<FailOn> {
        match name {
            "never" => Some(FailOn::Never),
            other => Severity::from_name(other).map(FailOn::At),
        }
    }

    pub fn fails(self, severity: Severity) -> bool {
        matches!(self, FailOn::At(threshold) if severity >= threshold)
    }
}

/// A rule named in a list (`select`, `ignore`), or every rule: `all`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Named {
    All,
    Rule(RuleId),
}

impl std::fmt::Display for Named {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Named::All => f.pad("all"),
            Named::Rule(rule) => rule.fmt(f),
        }
    }
}

/// Per-path changes from `[[overrides]]`.
#[derive(Debug, Clone)]
pub struct Override {
    /// `paths` as written, for `--show-settings`.
    patterns: Vec<String>,
    paths: GlobSet,
    /// As written (`all`: every finding in those paths).
    ignore: Vec<Named>,
    /// By rule name, as the file's table is read.
    severity: Vec<(RuleId, Option<Severity>)>,
}

/// Everything a run is configured by.
pub struct Settings {
    /// The config file read, as found or named; `None`: the defaults.
    pub file: Option<PathBuf>,
    pub rules: Vec<ActiveRule>,
    pub layout: Option<Layout>,
    /// `[[sets]]` entries, their roots resolved against the config's folder.
    pub sets: Vec<SetConfig>,
    /// Files larger than this are not read.
    pub max_file_size: u64,
    pub fail_on: FailOn,
    /// Which tables are lookup tables (`[rules] lookup-suffix`).
    pub lookups: crate::model::Lookups,
    /// Migration sets to lint when no path is given (relative to `base`).
    pub roots: Vec<PathBuf>,
    /// The folder of the config file: globs and roots are relative to it.
    pub base: PathBuf,
    /// `base`, resolved once for matching paths against globs.
    canonical_base: PathBuf,
    /// `exclude` as written, for `--show-settings`.
    pub exclude_patterns: Vec<String>,
    exclude: GlobSet,
    overrides: Vec<Override>,
    /// `[db]`.
    pub db: DbSettings,
    /// The folder of the cache of per-file facts (`load::cache`); `None`:
    /// no cache. The command line sets it (see `cli`); settings read by the
    /// library alone, in tests or the language server, have none.
    pub cache: Option<PathBuf>,
    /// Which findings carry their fixes. The command line asks for fewer
    /// when the report shows less of them (`--format json`, `sarif`, …
    /// show none, `full` only marks the rules that have some: see `cli`),
    /// so that such a run does not build them; the library, `fix` and the
    /// language server always have them all.
    pub fixes: Fixes,
}

/// Which of its findings' fixes a run builds: a fix can cost more than its
/// finding (reading the statement again, looking for a name in every
/// file), and most reports show little of them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fixes {
    /// Every finding's fix: the library, `schema-lint fix`, the language
    /// server, `--statistics` (which counts them).
    All,
    /// Enough fixes to tell, for each rule and severity, whether one of the
    /// reported findings has a fix: what `full`'s table of rules marks
    /// (`[*]`). The answer is the same as with `All`
    /// (`rules::Reporter::push_with_fix`).
    Marks,
    /// None: the report shows nothing of them.
    None,
}

/// What the command line says about rules; it wins over the file.
#[derive(Debug, Clone, Default)]
pub struct CommandLine {
    pub select: Option<Vec<String>>,
    /// Rules added to the selection (`--extend-select`), whatever selects
    /// the rest.
    pub extend_select: Vec<String>,
    pub ignore: Vec<String>,
    pub fail_on: Option<FailOn>,
    pub max_file_size: Option<u64>,
    /// `--no-cache`: read and write no cache of per-file facts.
    pub no_cache: bool,
}

/// `[db]`: how `schema-lint db` reads a live database (the command line
/// adds to the lists and wins for the timeout).
#[derive(Debug, Clone, Default, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub struct DbSettings {
    /// Schemas to read; empty: every schema but the system ones.
    #[serde(default)]
    pub schemas: Vec<String>,
    /// Tables to skip besides the bookkeeping tables (`name`,
    /// `schema.name`, `schema.*`).
    #[serde(default)]
    pub skip_tables: Vec<String>,
    /// Seconds a catalog query may run.
    pub statement_timeout: Option<u64>,
}

/// Reads the config file at `path` (or the defaults when `None`) and applies
/// the command line over it.
pub fn load(path: Option<&Path>, cli: &CommandLine) -> Result<Settings, ConfigError> {
    let Some(path) = path else {
        return build::build(file::RawConfig::default(), "", PathBuf::from("."), cli);
    };
    let text = file::read_config(path)?;
    let base = crate::source::folder_of(path);
    let mut settings = parse(&text, base, cli).map_err(|error| error.in_file(path, &text))?;
    settings.file = Some(path.to_path_buf());
    Ok(settings)
}

/// Parses config text; `base` is the folder globs are relative to.
pub fn parse(text: &str, base: PathBuf, cli: &CommandLine) -> Result<Settings, ConfigError> {
    build::build(file::parse_raw(text)?, text, base, cli)
}

impl Settings {
    /// The defaults, without a config file or command line.
    pub fn default_settings() -> Settings {
        match build::build(
            file::RawConfig::default(),
            "",
            PathBuf::from("."),
            &CommandLine::default(),
        ) {
            Ok(settings) => settings,
            // The defaults are fixed at build time; a test pins that they load.
            Err(error) => unreachable!("default configuration is invalid: {}", error.message),
        }
    }

    /// Each `[[overrides]]` entry in one line, for `--show-settings`:
    /// `migrations/2019*: ignore prefer-text; prefer-timestamptz = warning`.
    pub fn overrides_text(&self) -> Vec<String> {
        self.overrides
            .iter()
            .map(|o| {
                let mut parts = Vec::new();
                if !o.ignore.is_empty() {
                    let names: Vec<String> = o.ignore.iter().map(Named::to_string).collect();
                    parts.push(format!("ignore {}", names.join(", ")));
                }
                for (rule, level) in &o.severity {
                    let level = level.map_or("off", Severity::name);
                    parts.push(format!("{rule} = {level}"));
                }
                format!("{}: {}", o.patterns.join(", "), parts.join("; "))
            })
            .collect()
    }

    /// The rule as configured, when it runs.
    pub fn active(&self, rule: RuleId) -> Option<&ActiveRule> {
        self.rules.iter().find(|r| r.id() == rule)
    }

    /// The configured severity of `rule`; `None`: it does not run.
    pub fn severity_of(&self, rule: RuleId) -> Option<Severity> {
        self.active(rule).map(|r| r.severity)
    }

    /// The path relative to the config folder, for glob matching.
    fn relative(&self, path: &Path) -> PathBuf {
        crate::source::relative_below(&self.canonical_base, path)
            .unwrap_or_else(|| path.to_path_buf())
    }

    pub fn is_excluded(&self, path: &Path) -> bool {
        !self.exclude.is_empty() && self.exclude.is_match(self.relative(path))
    }

    /// The severity a finding of `rule` is reported at in a file that
    /// `overrides` match, or `None` when it is not reported. The one place
    /// where a finding's severity is decided: the configured severity
    /// (`configured`, from `severity_of`; `None`: the rule is off), then `[[overrides]]` in order (later
    /// entries win; within one entry `ignore` wins over a severity), then
    /// the cap a rule may put on a finding (`Diagnostic::at_most`), which
    /// no configuration raises.
    pub fn severity_in(
        rule: RuleId,
        configured: Option<Severity>,
        overrides: &[&Override],
        cap: Option<Severity>,
    ) -> Option<Severity> {
        let mut severity = configured;
        for o in overrides {
            match o.severity.iter().find(|(r, _)| *r == rule) {
                Some((_, Some(set))) => severity = Some(*set),
                Some((_, None)) => severity = None,
                None => {}
            }
            if o.ignore
                .iter()
                .any(|r| *r == Named::Rule(rule) || *r == Named::All)
            {
                severity = None;
            }
        }
        severity.map(|s| cap.map_or(s, |cap| s.min(cap)))
    }

    /// The `[[overrides]]` entries that match each file of `project`,
    /// matched once per file (by `FileId`).
    pub fn file_overrides(&self, project: &Project) -> FileOverrides<'_> {
        let by_file = if self.overrides.is_empty() {
            Vec::new()
        } else {
            project
                .files
                .iter()
                .map(|file| {
                    let path = self.relative(file.source.path());
                    self.overrides
                        .iter()
                        .filter(|o| o.paths.is_match(&path))
                        .collect()
                })
                .collect()
        };
        FileOverrides { by_file }
    }
}

/// The `[[overrides]]` entries matching each file, see
/// `Settings::file_overrides`.
pub struct FileOverrides<'a> {
    by_file: Vec<Vec<&'a Override>>,
}

impl FileOverrides<'_> {
    pub fn of(&self, file: crate::source::FileId) -> &[&Override] {
        self.by_file.get(file.index()).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn defaults_load() {
        let settings = Settings::default_settings();
        assert!(settings.severity_of(RuleId::PreferText).is_some());
        assert_eq!(settings.fail_on, FailOn::At(Severity::Error));
    }
}
