//! `--show-settings`: what a run would use, resolved: the config file, the
//! paths, every rule that runs with its severity and options, the rules
//! that do not, and the migration sets the paths hold.

use std::fmt::Write;
use std::path::PathBuf;

use crate::config::{FailOn, Settings};
use crate::load::Project;
use crate::source::display_path;

pub fn render(settings: &Settings, paths: &[PathBuf], project: &Project) -> String {
    let mut out = String::new();
    let config = settings
        .file
        .as_deref()
        .map_or_else(|| "none (the defaults)".to_string(), display_path);
    let _ = writeln!(out, "config file: {config}");
    let _ = writeln!(
        out,
        "paths: {}",
        list(paths.iter().map(|p| display_path(p)))
    );
    let layout = settings
        .layout
        .map_or_else(|| "auto".to_string(), |l| l.to_string());
    let _ = writeln!(out, "layout: {layout}");
    let fail_on = match settings.fail_on {
        FailOn::At(severity) => severity.name(),
        FailOn::Never => "never",
    };
    let _ = writeln!(out, "fail-on: {fail_on}");
    let _ = writeln!(out, "max-file-size: {}", size(settings.max_file_size));
    let _ = writeln!(out, "lookup-suffix: {:?}", settings.lookups.suffix);
    let _ = writeln!(
        out,
        "exclude: {}",
        list(settings.exclude_patterns.iter().cloned())
    );
    let overrides = settings.overrides_text();
    if !overrides.is_empty() {
        let _ = writeln!(out, "overrides:");
        for line in overrides {
            let _ = writeln!(out, "  {line}");
        }
    }
    out.push_str(&rules(settings));
    out.push_str(&sets(project));
    out
}

/// The rules that run, with severity and options, then those that do not.
fn rules(settings: &Settings) -> String {
    let mut out = String::new();
    let width = settings
        .rules
        .iter()
        .map(|r| r.def.name.len())
        .max()
        .unwrap_or(0);
    let _ = writeln!(out, "rules ({} on):", settings.rules.len());
    for rule in &settings.rules {
        let options: Vec<String> = rule
            .options
            .iter()
            .map(|(key, value)| format!("{key} = {value}"))
            .collect();
        let line = format!(
            "  {:<width$}  {:<7}  {}",
            rule.def.name,
            rule.severity.name(),
            options.join(", ")
        );
        let _ = writeln!(out, "{}", line.trim_end());
    }
    let off: Vec<&str> = crate::rules::registry()
        .filter(|r| settings.severity_of(r.id).is_none())
        .map(|r| r.name)
        .collect();
    let _ = writeln!(out, "off: {}", list(off.iter().map(|s| s.to_string())));
    out
}

/// The sets the paths hold: root, layout and how it was recognised, files.
fn sets(project: &Project) -> String {
    let mut out = String::new();
    if project.sets.is_empty() {
        let _ = writeln!(out, "sets: none found");
        return out;
    }
    let _ = writeln!(out, "sets:");
    for set in &project.sets {
        let _ = writeln!(
            out,
            "  {}: {} (recognised by {}), {} file{}",
            display_path(&set.root),
            set.layout,
            set.evidence,
            set.files.len(),
            if set.files.len() == 1 { "" } else { "s" }
        );
    }
    out
}

fn list(items: impl Iterator<Item = String>) -> String {
    let items: Vec<String> = items.collect();
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// `64MiB`, `512KiB`, else bytes: as the config writes sizes.
fn size(bytes: u64) -> String {
    const UNITS: [(u64, &str); 3] = [(1 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")];
    for (factor, unit) in UNITS {
        if bytes >= factor && bytes.is_multiple_of(factor) {
            return format!("{}{unit}", bytes / factor);
        }
    }
    bytes.to_string()
}
