//! The config file: finding it, reading it, the values as written (with
//! where each is, `toml::Spanned`) and the error that points into it.

use std::collections::BTreeMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use super::DbSettings;

/// The file names searched for, in this order, in each folder upward.
pub const FILE_NAMES: [&str; 2] = ["schema-lint.toml", ".schema-lint.toml"];

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

/// The text of the config file at `path`.
pub(super) fn read_config(path: &Path) -> Result<String, ConfigError> {
    read_text(path).map_err(|e| {
        ConfigError::new(format!(
            "cannot read config file {}: {e}",
            crate::source::display_path(path)
        ))
    })
}

/// Config text as written; a TOML error (or an unknown key) points at
/// where it is.
pub(super) fn parse_raw(text: &str) -> Result<RawConfig, ConfigError> {
    toml::from_str(text).map_err(|e| ConfigError {
        span: e.span(),
        ..ConfigError::new(e.message().trim().to_string())
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
    pub(super) fn new(message: impl Into<String>) -> Self {
        ConfigError {
            path: None,
            text: String::new(),
            span: None,
            message: message.into(),
            help: None,
        }
    }

    pub(super) fn at(span: Range<usize>, message: impl Into<String>) -> Self {
        ConfigError {
            span: Some(span),
            ..ConfigError::new(message)
        }
    }

    pub(super) fn help(mut self, help: Option<String>) -> Self {
        self.help = help;
        self
    }

    /// The error as found in the file at `path`, whose text is `text`.
    pub(super) fn in_file(mut self, path: &Path, text: &str) -> Self {
        self.path = Some(path.to_path_buf());
        self.text = text.to_string();
        self
    }
}

/// The config file as written: its values with where they are, checked
/// by `build`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields, rename_all = "kebab-case")]
pub(super) struct RawConfig {
    #[serde(default)]
    pub roots: Vec<String>,
    pub layout: Option<Spanned<String>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
    pub fail_on: Option<Spanned<String>>,
    /// `select`, `ignore`, `severity` and one table per rule.
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, Spanned<toml::Value>>,
    #[serde(default)]
    pub overrides: Vec<RawOverride>,
    #[serde(default)]
    pub sets: Vec<RawSet>,
    pub max_file_size: Option<Spanned<toml::Value>>,
    #[serde(default)]
    pub db: DbSettings,
}

/// A `[[sets]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawSet {
    pub root: Spanned<String>,
    pub layout: Option<Spanned<String>>,
    pub order: Option<Spanned<String>>,
    pub include: Option<Vec<Spanned<String>>>,
    #[serde(default)]
    pub exclude: Vec<Spanned<String>>,
}

/// An `[[overrides]]` entry as written.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
pub(super) struct RawOverride {
    pub paths: Vec<Spanned<String>>,
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    #[serde(default)]
    pub severity: BTreeMap<Spanned<String>, Spanned<String>>,
}

/// The first occurrence of `needle` inside `span` of `text`.
pub(super) fn find_in(text: &str, span: Range<usize>, needle: &str) -> Option<Range<usize>> {
    let start = span.start + text.get(span)?.find(needle)?;
    Some(start..start + needle.len())
}

/// The span of `key = …` inside `span` of `text`. A table written as a
/// `[header]` spans only its header, so the search runs on to the next
/// header.
pub(super) fn find_key(text: &str, span: Range<usize>, key: &str) -> Option<Range<usize>> {
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_top_level_key() {
        let text = "rots = [\"migrations\"]\n";
        let error = parse_raw(text).err().unwrap();
        assert!(
            error.message.contains("unknown field `rots`"),
            "{}",
            error.message
        );
        assert_eq!(&text[error.span.clone().unwrap()], "rots");
    }
}
