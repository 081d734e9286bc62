//! Turning the config file as written and the command line into the
//! `Settings` a run uses: which rules run and how loud (`select`,
//! `ignore`, `severity`, the command line), their options, layouts,
//! `[[sets]]`, globs, `[[overrides]]`. Precedence: rule defaults < config
//! file < command line.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use toml::Spanned;

use super::file::{ConfigError, RawConfig, RawOverride, RawSet, find_in, find_key};
use super::{CommandLine, FailOn, Fixes, Named, Override, Settings};
use crate::diagnostic::Severity;
use crate::discover::{Layout, Order, SetConfig};
use crate::rules::{self, ActiveRule, RuleDef, RuleId};

/// The settings the config file as written (`raw`, whose text is `text`)
/// and the command line make; `base` is the folder globs and roots are
/// relative to. Checked in the order the file's parts are listed here, so
/// that the first error found is always the same one.
pub(super) fn build(
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
    // The file's values are checked even where the command line wins.
    let max_file_size = max_file_size(raw.max_file_size.as_ref())?;
    let fail_on = fail_on(raw.fail_on.as_ref())?;
    let exclude = globs(&raw.exclude)?;
    let table = rules_table(&raw.rules, text)?;
    let rules = active_rules(&table, cli, text)?;
    let overrides = raw
        .overrides
        .iter()
        .map(override_entry)
        .collect::<Result<Vec<_>, ConfigError>>()?;
    Ok(Settings {
        file: None,
        rules,
        layout,
        sets,
        // Offsets in the model are 32-bit: no file beyond 4 GiB is read.
        max_file_size: cli
            .max_file_size
            .unwrap_or(max_file_size)
            .min(crate::source::MAX_FILE_OFFSET),
        fail_on: cli.fail_on.unwrap_or(fail_on),
        lookups: table
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
        fixes: Fixes::All,
    })
}

/// `max-file-size`: a size (`64MiB`) or a number of bytes.
fn max_file_size(value: Option<&Spanned<toml::Value>>) -> Result<u64, ConfigError> {
    let Some(value) = value else {
        return Ok(crate::source::DEFAULT_MAX_FILE_SIZE);
    };
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
    })
}

/// `fail-on`; errors by default.
fn fail_on(value: Option<&Spanned<String>>) -> Result<FailOn, ConfigError> {
    let Some(value) = value else {
        return Ok(FailOn::At(Severity::Error));
    };
    FailOn::from_name(value.get_ref()).ok_or_else(|| {
        ConfigError::at(
            value.span(),
            format!("unknown fail-on level `{}`", value.get_ref()),
        )
        .help(Some("one of: error, warning, info, never".to_string()))
    })
}

/// The `[rules]` table: `select`, `ignore`, `severity`, `lookup-suffix`
/// and one table of options per rule.
fn rules_table(
    rules: &BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    text: &str,
) -> Result<RulesTable, ConfigError> {
    let mut table = RulesTable::default();
    for (key, value) in rules {
        match key.get_ref().as_str() {
            "select" => table.select = Some(rule_list(text, value)?),
            "ignore" => table.ignore = rule_list(text, value)?,
            "severity" => table.severity = severity_map(text, value)?,
            "lookup-suffix" => match value.get_ref().as_str() {
                Some(suffix) => table.lookup_suffix = Some(suffix.to_string()),
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
                table.options.push((rule, value.clone()));
            }
        }
    }
    Ok(table)
}

/// Which rules the file and the command line select and ignore.
struct Selection {
    selected: Vec<Named>,
    ignored: Vec<Named>,
    config_ignores_all: bool,
    cli_ignores_all: bool,
    /// Rules named on the command line, by `--select` or `--extend-select`.
    cli_names: Vec<Named>,
}

impl Selection {
    fn new(table: &RulesTable, cli: &CommandLine) -> Result<Selection, ConfigError> {
        let cli_select: Option<Vec<Named>> = cli.select.as_deref().map(cli_rules).transpose()?;
        let cli_extend = cli_rules(&cli.extend_select)?;
        let cli_ignore = cli_rules(&cli.ignore)?;
        let mut selected: Vec<Named> = match (&cli_select, &table.select) {
            (Some(cli_select), _) => cli_select.clone(),
            (None, Some(select)) => select.clone(),
            (None, None) => vec![Named::All],
        };
        selected.extend(cli_extend.iter().copied());
        Ok(Selection {
            selected,
            ignored: table.ignore.iter().chain(&cli_ignore).copied().collect(),
            config_ignores_all: table.ignore.contains(&Named::All),
            cli_ignores_all: cli_ignore.contains(&Named::All),
            cli_names: cli_select
                .iter()
                .flatten()
                .chain(&cli_extend)
                .copied()
                .collect(),
        })
    }

    /// Whether `rule` runs. `ignore = ["all"]` ignores every rule not
    /// selected by name, as in ruff: a rule named in `select` is more
    /// specific than `all`. The command line ranks above the file, so
    /// `--ignore all` gives way only to `--select` names.
    fn runs(&self, rule: &RuleDef) -> bool {
        let named = Named::Rule(rule.id);
        let explicitly = self.selected.contains(&named);
        let by_all = self.selected.contains(&Named::All) && rule.default_severity.is_some();
        let ignored = self.ignored.contains(&named)
            || (self.config_ignores_all && !explicitly)
            || (self.cli_ignores_all && !self.cli_names.contains(&named));
        (explicitly || by_all) && !ignored
    }
}

/// The rules that run, each with its configured severity and options.
fn active_rules(
    table: &RulesTable,
    cli: &CommandLine,
    text: &str,
) -> Result<Vec<ActiveRule>, ConfigError> {
    let selection = Selection::new(table, cli)?;
    let mut active = Vec::new();
    for rule in rules::registry().filter(|rule| selection.runs(rule)) {
        let severity = match table.severity.get(&rule.id) {
            Some(Some(severity)) => *severity,
            Some(None) => continue,
            None => rule.default_severity.unwrap_or(Severity::Warning),
        };
        let options = table
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
    for (rule, options) in &table.options {
        if let Err(message) = rule.def().validate(options.get_ref()) {
            return Err(option_error(text, *rule, Some(options), &message));
        }
    }
    Ok(active)
}

/// An `[[overrides]]` entry, checked.
fn override_entry(raw: &RawOverride) -> Result<Override, ConfigError> {
    Ok(Override {
        patterns: raw.paths.iter().map(|p| p.get_ref().clone()).collect(),
        paths: globs(&raw.paths)?,
        // `all` here ignores every finding in those paths.
        ignore: raw
            .ignore
            .iter()
            .map(|name| {
                if name.get_ref().eq_ignore_ascii_case("all") {
                    return Ok(Named::All);
                }
                known_rule(name.get_ref(), name.span()).map(Named::Rule)
            })
            .collect::<Result<_, _>>()?,
        severity: severities(&raw.severity)?,
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

/// The `[rules]` table, checked.
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

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_text(text: &str) -> Result<Settings, ConfigError> {
        crate::config::parse(text, PathBuf::from("."), &CommandLine::default())
    }

    #[test]
    fn unknown_rule_points_at_the_key() {
        let text = "[rules]\nignore = [\"prefer-txt\"]\n";
        let error = parse_text(text).err().unwrap();
        assert_eq!(&text[error.span.clone().unwrap()], "\"prefer-txt\"");
        assert_eq!(error.help.as_deref(), Some("did you mean `prefer-text`?"));
    }

    /// Byte offsets in the model are 32-bit, so a larger cap is 4 GiB (a
    /// 5 GiB file would otherwise be read and misplaced).
    #[test]
    fn file_size_cap_is_at_most_four_gibibytes() {
        let settings = parse_text("max-file-size = \"8G\"\n").unwrap();
        assert_eq!(settings.max_file_size, u64::from(u32::MAX));
        let settings = parse_text("max-file-size = \"1G\"\n").unwrap();
        assert_eq!(settings.max_file_size, 1 << 30);
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
        let settings =
            crate::config::parse("fail-on = \"warning\"\n", PathBuf::from("."), &cli).unwrap();
        assert_eq!(settings.rules.len(), 1);
        assert_eq!(settings.fail_on, FailOn::Never);
    }
}
