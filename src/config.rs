//! `schema-lint.toml`: reading, validating (with the offending line shown on
//! error) and turning it into the `Settings` a run uses.
//!
//! Precedence: rule defaults < config file < command line.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::Deserialize;
use toml::Spanned;

use crate::diagnostic::Severity;
use crate::discover::{Layout, Order, SetConfig};
use crate::load::Project;
use crate::rules::{self, ActiveRule, RuleId};

/// The file names searched for, in this order, in each folder upward.
pub const FILE_NAMES: [&str; 2] = ["schema-lint.toml", ".schema-lint.toml"];

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

/// A configuration problem, with the config text so it can be shown
/// (the command line draws it with an excerpt, `error::Error::report`; the
/// language server as an LSP diagnostic).
#[derive(Debug, Clone, thiserror::Error)]
#[error("{message}")]
pub struct ConfigError {
    pub path: Option<PathBuf>,
    pub text: String,
    pub span: Option<Range<usize>>,
    pub message: String,
    pub help: Option<String>,
}

/// By hand: miette's derive takes an optional label only as a `Copy`
/// span, and the span is a `Range` for the language server.
impl miette::Diagnostic for ConfigError {
    fn code<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        Some(Box::new("config"))
    }

    fn help<'a>(&'a self) -> Option<Box<dyn std::fmt::Display + 'a>> {
        self.help
            .as_ref()
            .map(|help| Box::new(help) as Box<dyn std::fmt::Display>)
    }

    fn source_code(&self) -> Option<&dyn miette::SourceCode> {
        self.span
            .as_ref()
            .map(|_| &self.text as &dyn miette::SourceCode)
    }

    fn labels(&self) -> Option<Box<dyn Iterator<Item = miette::LabeledSpan> + '_>> {
        let span = self.span.clone()?;
        Some(Box::new(std::iter::once(miette::LabeledSpan::underline(
            span,
        ))))
    }
}

impl ConfigError {
    fn new(message: impl Into<String>) -> Self {
        ConfigError {
            path: None,
            text: String::new(),
            span: None,
            message: message.into(),
            help: None,
        }
    }

    fn at(span: Range<usize>, message: impl Into<String>) -> Self {
        ConfigError {
            span: Some(span),
            ..ConfigError::new(message)
        }
    }

    fn help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }
}

// ----- the file, as written ------------------------------------------------

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
struct RawConfig {
    #[serde(default)]
    roots: Vec<String>,
    layout: Option<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    fail_on: Option<Spanned<String>>,
    /// `select`, `ignore`, `severity` and one table per rule.
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    overrides: Vec<RawOverride>,
    #[serde(default)]
    sets: Vec<RawSet>,
    max_file_size: Option<Spanned<toml::Value>>,
    #[serde(default)]
    db: DbSettings,
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

/// A `[[sets]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSet {
    root: Spanned<String>,
    layout: Option<Spanned<String>>,
    order: Option<Spanned<String>>,
    include: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawOverride {
    paths: Vec<Spanned<String>>,
    #[serde(default)]
    ignore: Vec<Spanned<String>>,
    #[serde(default)]
    severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// Finds `schema-lint.toml` or `.schema-lint.toml` in `start` or the
/// nearest folder above it. One that is not a regular file (a FIFO, a
/// device) is found too, so that reading it fails loudly rather than the
/// defaults applying in silence.
pub fn find(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        FILE_NAMES
            .iter()
            .map(|name| dir.join(name))
            .find(|path| std::fs::metadata(path).is_ok_and(|m| !m.is_dir()))
    })
}

/// Reads the config file at `path` (or the defaults when `None`) and applies
/// the command line over it.
pub fn load(path: Option<&Path>, cli: &CommandLine) -> Result<Settings, ConfigError> {
    let Some(path) = path else {
        return build(RawConfig::default(), "", PathBuf::from("."), cli);
    };
    let mut settings = read_file(path, cli)?;
    settings.file = Some(path.to_path_buf());
    Ok(settings)
}

fn read_file(path: &Path, cli: &CommandLine) -> Result<Settings, ConfigError> {
    let text = read_text(path).map_err(|e| {
        ConfigError::new(format!(
            "cannot read config file {}: {e}",
            crate::source::display_path(path)
        ))
    })?;
    let base = crate::source::folder_of(path);
    parse(&text, base, cli).map_err(|mut error| {
        error.path = Some(path.to_path_buf());
        error.text = text.clone();
        error
    })
}

/// A small text file the user named (config, baseline): only a regular
/// file, at most `DEFAULT_MAX_FILE_SIZE`, so that `/dev/zero` or a FIFO
/// fails at once instead of hanging or filling memory.
pub fn read_text(path: &Path) -> Result<String, String> {
    use crate::source::{DEFAULT_MAX_FILE_SIZE, ReadError};
    let bytes =
        crate::source::read_regular_file(path, DEFAULT_MAX_FILE_SIZE).map_err(|e| match e {
            // `--max-file-size` is for migrations; this limit is fixed.
            ReadError::TooLarge { size, limit } => {
                format!("file is {size} bytes, over the {limit}-byte limit; not read")
            }
            other => other.to_string(),
        })?;
    String::from_utf8(bytes)
        .map_err(|e| format!("not valid UTF-8 at byte {}", e.utf8_error().valid_up_to()))
}

/// Parses config text; `base` is the folder globs are relative to.
pub fn parse(text: &str, base: PathBuf, cli: &CommandLine) -> Result<Settings, ConfigError> {
    let raw: RawConfig = toml::from_str(text).map_err(|e| ConfigError {
        span: e.span(),
        ..ConfigError::new(e.message().trim().to_string())
    })?;
    build(raw, text, base, cli)
}

fn build(
    raw: RawConfig,
    text: &str,
    base: PathBuf,
    cli: &CommandLine,
) -> Result<Settings, ConfigError> {
    let layout = match &raw.layout {
        None => None,
        Some(name) if name.get_ref() == "auto" => None,
        Some(name) => Some(layout_named(name)?),
    };
    let sets = raw
        .sets
        .iter()
        .map(|set| set_config(set, &base))
        .collect::<Result<Vec<_>, _>>()?;
    let max_file_size = match &raw.max_file_size {
        None => crate::source::DEFAULT_MAX_FILE_SIZE,
        Some(value) => {
            let parsed = match value.get_ref() {
                toml::Value::Integer(n) => u64::try_from(*n).ok(),
                toml::Value::String(text) => parse_size(text),
                _ => None,
            };
            parsed.ok_or_else(|| {
                ConfigError::at(
                    value.span(),
                    "`max-file-size` must be a size such as 64MiB or a number of bytes",
                )
            })?
        }
    };
    let fail_on = match &raw.fail_on {
        None => FailOn::At(Severity::Error),
        Some(value) => FailOn::from_name(value.get_ref()).ok_or_else(|| {
            ConfigError::at(
                value.span(),
                format!("unknown fail-on level `{}`", value.get_ref()),
            )
            .help(Some("one of: error, warning, info, never".to_string()))
        })?,
    };
    let fail_on = cli.fail_on.unwrap_or(fail_on);
    let exclude = globs(&raw.exclude)?;

    let mut rules_table = RulesTable::default();
    for (key, value) in &raw.rules {
        match key.get_ref().as_str() {
            "select" => rules_table.select = Some(rule_list(text, value)?),
            "ignore" => rules_table.ignore = rule_list(text, value)?,
            "severity" => rules_table.severity = severity_map(text, value)?,
            "lookup-suffix" => match value.get_ref().as_str() {
                Some(suffix) => rules_table.lookup_suffix = Some(suffix.to_string()),
                None => {
                    return Err(ConfigError::at(
                        value.span(),
                        "`rules.lookup-suffix` must be a string such as \"_statuses\"",
                    ));
                }
            },
            name => {
                let rule = known_rule(name, key.span())?;
                moved_lookup_option(rule, value)?;
                if !value.get_ref().is_table() {
                    return Err(ConfigError::at(
                        value.span(),
                        format!("`rules.{name}` must be a table of options"),
                    ));
                }
                rules_table.options.push((rule, value.clone()));
            }
        }
    }

    // Which rules run, and how loud.
    let cli_select: Option<Vec<Named>> = cli.select.as_deref().map(cli_rules).transpose()?;
    let cli_extend = cli_rules(&cli.extend_select)?;
    let cli_ignore = cli_rules(&cli.ignore)?;
    let mut selected: Vec<Named> = match (&cli_select, &rules_table.select) {
        (Some(cli_select), _) => cli_select.clone(),
        (None, Some(select)) => select.clone(),
        (None, None) => vec![Named::All],
    };
    selected.extend(cli_extend.iter().copied());
    let ignored: Vec<Named> = rules_table
        .ignore
        .iter()
        .chain(&cli_ignore)
        .copied()
        .collect();
    // `ignore = ["all"]` ignores every rule not selected by name, as in
    // ruff: a rule named in `select` is more specific than `all`. The
    // command line ranks above the file, so `--ignore all` gives way only
    // to `--select` names.
    let config_ignores_all = rules_table.ignore.contains(&Named::All);
    let cli_ignores_all = cli_ignore.contains(&Named::All);
    // Rules named on the command line, by `--select` or `--extend-select`.
    let cli_names: Vec<Named> = cli_select
        .iter()
        .flatten()
        .chain(&cli_extend)
        .copied()
        .collect();
    let mut active = Vec::new();
    for rule in rules::registry() {
        let named = Named::Rule(rule.id);
        let explicitly = selected.contains(&named);
        let by_all = selected.contains(&Named::All) && rule.default_severity.is_some();
        let ignored = ignored.contains(&named)
            || (config_ignores_all && !explicitly)
            || (cli_ignores_all && !cli_names.contains(&named));
        if !(explicitly || by_all) || ignored {
            continue;
        }
        let severity = match rules_table.severity.get(&rule.id) {
            Some(Some(severity)) => *severity,
            Some(None) => continue,
            None => rule.default_severity.unwrap_or(Severity::Warning),
        };
        let options = rules_table
            .options
            .iter()
            .find(|(id, _)| *id == rule.id)
            .map(|(_, options)| options);
        let built = rule
            .build(options.map(Spanned::get_ref), severity)
            .map_err(|message| option_error(text, rule.id, options, &message))?;
        active.push(built);
    }
    // Options of rules that are switched off are still validated.
    for (rule, options) in &rules_table.options {
        if let Err(message) = rule.def().validate(options.get_ref()) {
            return Err(option_error(text, *rule, Some(options), &message));
        }
    }

    let overrides = raw
        .overrides
        .iter()
        .map(|o| {
            Ok(Override {
                patterns: o.paths.iter().map(|p| p.get_ref().clone()).collect(),
                paths: globs(&o.paths)?,
                // `all` here ignores every finding in those paths.
                ignore: o
                    .ignore
                    .iter()
                    .map(|name| {
                        if name.get_ref().eq_ignore_ascii_case("all") {
                            return Ok(Named::All);
                        }
                        known_rule(name.get_ref(), name.span()).map(Named::Rule)
                    })
                    .collect::<Result<_, _>>()?,
                severity: severities(&o.severity)?,
            })
        })
        .collect::<Result<Vec<_>, ConfigError>>()?;

    Ok(Settings {
        file: None,
        rules: active,
        layout,
        sets,
        max_file_size: cli.max_file_size.unwrap_or(max_file_size),
        fail_on,
        lookups: rules_table
            .lookup_suffix
            .map(|suffix| crate::model::Lookups { suffix })
            .unwrap_or_default(),
        roots: raw.roots.iter().map(PathBuf::from).collect(),
        canonical_base: crate::source::canonical(&base),
        base,
        exclude_patterns: raw.exclude.iter().map(|p| p.get_ref().clone()).collect(),
        exclude,
        overrides,
        db: raw.db,
        cache: None,
    })
}

/// Rule names on the command line, checked; `ALL`, `All`, … are `all`
/// (ruff writes `ALL`).
fn cli_rules(names: &[String]) -> Result<Vec<Named>, ConfigError> {
    names
        .iter()
        .map(|name| {
            if name.eq_ignore_ascii_case("all") {
                return Ok(Named::All);
            }
            RuleId::from_name(name).map(Named::Rule).ok_or_else(|| {
                ConfigError::new(format!("unknown rule `{name}` on the command line"))
                    .help(rules::suggest(name).map(|s| format!("did you mean `{s}`?")))
            })
        })
        .collect()
}

#[derive(Default)]
struct RulesTable {
    lookup_suffix: Option<String>,
    select: Option<Vec<Named>>,
    ignore: Vec<Named>,
    severity: BTreeMap<RuleId, Option<Severity>>,
    /// `[rules.<name>]` tables, by rule name.
    options: Vec<(RuleId, Spanned<toml::Value>)>,
}

/// The lookup suffix was an option of three rules; it is one setting now.
/// A config that still sets it per rule is told where it went.
fn moved_lookup_option(rule: RuleId, options: &Spanned<toml::Value>) -> Result<(), ConfigError> {
    let old = match rule {
        RuleId::StatusLookup => "lookup-suffix",
        RuleId::LookupTableShape | RuleId::StatusFkRestrict => "suffix",
        _ => return Ok(()),
    };
    match options.get_ref().get(old) {
        Some(value) => Err(ConfigError::at(
            options.span(),
            format!(
                "`rules.{rule}.{old}` is now one setting for every rule: `[rules] lookup-suffix`"
            ),
        )
        .help(Some(format!(
            "write `lookup-suffix = {value}` under `[rules]` instead"
        )))),
        None => Ok(()),
    }
}

/// The rule named `name`, written at `span`.
fn known_rule(name: &str, span: Range<usize>) -> Result<RuleId, ConfigError> {
    if let Some(rule) = RuleId::from_name(name) {
        return Ok(rule);
    }
    if name == "all" {
        return Err(
            ConfigError::at(span, "`all` cannot be used here").help(Some(
                "`all` names every rule in `select` and `ignore` lists only; name the rules"
                    .to_string(),
            )),
        );
    }
    Err(ConfigError::at(span, format!("unknown rule `{name}`"))
        .help(rules::suggest(name).map(|s| format!("did you mean `{s}`?"))))
}

/// A list of rule names (`select` also takes `"all"`), checked; an unknown
/// name is pointed at by the span of its string in the list.
fn rule_list(text: &str, value: &Spanned<toml::Value>) -> Result<Vec<Named>, ConfigError> {
    let items = value
        .get_ref()
        .as_array()
        .ok_or_else(|| ConfigError::at(value.span(), "expected a list of rule names"))?;
    let mut list = Vec::new();
    for item in items {
        let name = item
            .as_str()
            .ok_or_else(|| ConfigError::at(value.span(), "expected a list of rule names"))?;
        let span = find_in(text, value.span(), &format!("\"{name}\"")).unwrap_or(value.span());
        let named = if name.eq_ignore_ascii_case("all") {
            Named::All
        } else {
            Named::Rule(known_rule(name, span)?)
        };
        list.push(named);
    }
    Ok(list)
}

/// The first occurrence of `needle` inside `span` of `text`.
fn find_in(text: &str, span: Range<usize>, needle: &str) -> Option<Range<usize>> {
    let start = span.start + text.get(span)?.find(needle)?;
    Some(start..start + needle.len())
}

fn severity_map(
    text: &str,
    value: &Spanned<toml::Value>,
) -> Result<BTreeMap<RuleId, Option<Severity>>, ConfigError> {
    let table = value.get_ref().as_table().ok_or_else(|| {
        ConfigError::at(
            value.span(),
            "`rules.severity` must be a table of rule = level",
        )
    })?;
    let mut out = BTreeMap::new();
    for (name, level) in table {
        let span = find_key(text, value.span(), name).unwrap_or(value.span());
        let rule = known_rule(name, span.clone())?;
        let level = level.as_str().and_then(parse_level).ok_or_else(|| {
            ConfigError::at(
                span,
                format!("`{name}`: expected one of error, warning, info, off"),
            )
        })?;
        out.insert(rule, level);
    }
    Ok(out)
}

/// `[[overrides]]` severities, in the order of the names.
fn severities(
    map: &BTreeMap<Spanned<String>, Spanned<String>>,
) -> Result<Vec<(RuleId, Option<Severity>)>, ConfigError> {
    let mut out = Vec::new();
    for (name, level) in map {
        let rule = known_rule(name.get_ref(), name.span())?;
        let parsed = parse_level(level.get_ref()).ok_or_else(|| {
            ConfigError::at(level.span(), "expected one of error, warning, info, off")
        })?;
        out.push((rule, parsed));
    }
    Ok(out)
}

/// `off` is `None`.
fn parse_level(level: &str) -> Option<Option<Severity>> {
    match level {
        "off" => Some(None),
        other => Severity::from_name(other).map(Some),
    }
}

fn layout_named(name: &Spanned<String>) -> Result<Layout, ConfigError> {
    Layout::from_name(name.get_ref()).ok_or_else(|| {
        ConfigError::at(name.span(), format!("unknown layout `{}`", name.get_ref()))
            .help(Some(format!("one of: auto, {}", Layout::names())))
    })
}

/// A `[[sets]]` entry, its root resolved against the config's folder.
fn set_config(raw: &RawSet, base: &Path) -> Result<SetConfig, ConfigError> {
    let layout = match &raw.layout {
        Some(name) if name.get_ref() != "auto" => Some(layout_named(name)?),
        _ => None,
    };
    let order = match &raw.order {
        None => None,
        Some(order) => Some(Order::from_name(order.get_ref()).ok_or_else(|| {
            ConfigError::at(order.span(), format!("unknown order `{}`", order.get_ref())).help(
                Some("one of: name (as text), numeric (by version number)".to_string()),
            )
        })?),
    };
    let root = PathBuf::from(raw.root.get_ref());
    let root = if root.is_absolute() || base == Path::new(".") {
        root
    } else {
        base.join(root)
    };
    Ok(SetConfig {
        root,
        layout,
        order,
        include: raw.include.as_deref().map(globs).transpose()?,
        exclude: (!raw.exclude.is_empty())
            .then(|| globs(&raw.exclude))
            .transpose()?,
    })
}

/// `64MiB`, `512KiB`, `1G`, `1000` (bytes).
pub fn parse_size(text: &str) -> Option<u64> {
    let text = text.trim();
    let split = text
        .find(|c: char| !c.is_ascii_digit())
        .unwrap_or(text.len());
    let (number, unit) = text.split_at(split);
    let number: u64 = number.parse().ok()?;
    let factor: u64 = match unit.trim().to_ascii_lowercase().as_str() {
        "" | "b" => 1,
        "k" | "kb" | "kib" => 1 << 10,
        "m" | "mb" | "mib" => 1 << 20,
        "g" | "gb" | "gib" => 1 << 30,
        _ => return None,
    };
    number.checked_mul(factor)
}

fn globs(patterns: &[Spanned<String>]) -> Result<GlobSet, ConfigError> {
    let mut builder = GlobSetBuilder::new();
    for pattern in patterns {
        let glob = Glob::new(pattern.get_ref())
            .map_err(|e| ConfigError::at(pattern.span(), format!("invalid glob: {}", e.kind())))?;
        builder.add(glob);
    }
    builder
        .build()
        .map_err(|e| ConfigError::new(format!("invalid globs: {e}")))
}

/// An option error, pointed at the option's key when it can be found in
/// the table's text, else at the table.
fn option_error(
    text: &str,
    rule: RuleId,
    options: Option<&Spanned<toml::Value>>,
    message: &str,
) -> ConfigError {
    let span = options.map(|o| o.span()).unwrap_or(0..0);
    let key = message
        .split('`')
        .nth(1)
        .and_then(|key| find_key(text, span.clone(), key));
    let help = message
        .split('`')
        .nth(1)
        .filter(|_| message.starts_with("unknown field"))
        .and_then(|key| {
            let known: Vec<String> = rule.def().default_options().keys().cloned().collect();
            crate::suggest::closest(key, known.iter().map(String::as_str))
                .map(|s| format!("did you mean `{s}`?"))
        });
    ConfigError::at(key.unwrap_or(span), format!("rules.{rule}: {message}")).help(help)
}

/// The span of `key = …` inside `span` of `text`. A table written as a
/// `[header]` spans only its header, so the search runs on to the next
/// header.
fn find_key(text: &str, span: Range<usize>, key: &str) -> Option<Range<usize>> {
    let after_header = text.get(span.end..).unwrap_or("");
    let next_header = after_header
        .match_indices('\n')
        .map(|(i, _)| i + 1)
        .find(|&i| after_header[i..].trim_start().starts_with('['))
        .unwrap_or(after_header.len());
    let span = span.start..span.end + next_header;
    let region = text.get(span.clone())?;
    let mut offset = 0;
    for line in region.split_inclusive('\n') {
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if let Some(rest) = trimmed.strip_prefix(key)
            && rest.trim_start().starts_with('=')
        {
            let start = span.start + offset + indent;
            return Some(start..start + key.len());
        }
        offset += line.len();
    }
    None
}

impl Settings {
    /// The defaults, without a config file or command line.
    pub fn default_settings() -> Settings {
        match build(
            RawConfig::default(),
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
        self.by_file.get(file.0).map_or(&[], Vec::as_slice)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Settings, ConfigError> {
        parse(text, PathBuf::from("."), &CommandLine::default())
    }

    #[test]
    fn defaults_load() {
        let settings = Settings::default_settings();
        assert!(settings.severity_of(RuleId::PreferText).is_some());
        assert_eq!(settings.fail_on, FailOn::At(Severity::Error));
    }

    #[test]
    fn unknown_rule_points_at_the_key() {
        let text = "[rules]\nignore = [\"prefer-txt\"]\n";
        let error = parse_text(text).err().unwrap();
        assert_eq!(&text[error.span.clone().unwrap()], "\"prefer-txt\"");
        assert_eq!(error.help.as_deref(), Some("did you mean `prefer-text`?"));
    }

    #[test]
    fn unknown_top_level_key() {
        let text = "rots = [\"migrations\"]\n";
        let error = parse_text(text).err().unwrap();
        assert!(
            error.message.contains("unknown field `rots`"),
            "{}",
            error.message
        );
        assert_eq!(&text[error.span.clone().unwrap()], "rots");
    }

    #[test]
    fn severity_and_ignore() {
        let text = "[rules]\nignore = [\"prefer-text\"]\n[rules.severity]\nprefer-timestamptz = \"warning\"\nparse-error = \"off\"\n";
        let settings = parse_text(text).unwrap();
        assert_eq!(settings.severity_of(RuleId::PreferText), None);
        assert_eq!(settings.severity_of(RuleId::ParseError), None);
        assert_eq!(
            settings.severity_of(RuleId::PreferTimestamptz),
            Some(Severity::Warning)
        );
    }

    #[test]
    fn command_line_wins() {
        let cli = CommandLine {
            select: Some(vec!["prefer-text".into()]),
            extend_select: vec![],
            ignore: vec![],
            fail_on: Some(FailOn::Never),
            max_file_size: None,
            no_cache: false,
        };
        let settings = parse("fail-on = \"warning\"\n", PathBuf::from("."), &cli).unwrap();
        assert_eq!(settings.rules.len(), 1);
        assert_eq!(settings.fail_on, FailOn::Never);
    }
}
