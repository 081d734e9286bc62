//! Which config a file is linted with, and what is wrong with a config.
//!
//! As the command line does: the nearest `schema-lint.toml` (or
//! `.schema-lint.toml`) in the file's folder or above, else the defaults.
//! Starting from the file rather than from the workspace folder finds the
//! same file the CLI finds from the workspace folder, unless a project
//! inside the workspace has a config of its own, which then applies, as it
//! does when the CLI runs there.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;
use std::time::SystemTime;

use lsp_types::{Diagnostic, DiagnosticSeverity, NumberOrString};

use super::position::{Encoding, LineIndex};
use crate::config::{self, CommandLine, ConfigError, Settings};

/// The config file of the file at `path`; `None`: the defaults.
pub fn config_of(path: &Path) -> Option<PathBuf> {
    config::find(&crate::source::folder_of(path))
}

/// Whether `path` is named like a config file.
pub fn is_config(path: &Path) -> bool {
    path.file_name()
        .and_then(|name| name.to_str())
        .is_some_and(|name| config::FILE_NAMES.contains(&name))
}

/// Settings read from config files, re-read when a file changes on disk.
#[derive(Default)]
pub struct Configs {
    loaded: HashMap<Option<PathBuf>, Loaded>,
}

struct Loaded {
    /// Modification time and size when read: a config saved by anything
    /// (another editor, `git checkout`) is read again even when the client
    /// does not say so.
    stamp: Option<(SystemTime, u64)>,
    result: Result<Rc<Settings>, ConfigError>,
}

impl Configs {
    /// The settings of config file `path` (the defaults for `None`).
    pub fn settings(&mut self, path: Option<&Path>) -> Result<Rc<Settings>, ConfigError> {
        let key = path.map(Path::to_path_buf);
        let stamp = path.and_then(stamp);
        if let Some(loaded) = self.loaded.get(&key)
            && loaded.stamp == stamp
        {
            return loaded.result.clone();
        }
        let result = config::load(path, &CommandLine::default()).map(Rc::new);
        self.loaded.insert(
            key,
            Loaded {
                stamp,
                result: result.clone(),
            },
        );
        result
    }

    /// Forgets everything read (a config was saved or changed on disk).
    pub fn clear(&mut self) {
        self.loaded.clear();
    }
}

fn stamp(path: &Path) -> Option<(SystemTime, u64)> {
    let metadata = std::fs::metadata(path).ok()?;
    Some((metadata.modified().ok()?, metadata.len()))
}

/// The errors of a config text (an open config file's buffer, which may
/// not be saved yet), checked as `config::load` checks the file.
pub fn check_text(path: &Path, text: &str) -> Option<ConfigError> {
    config::parse(
        text,
        crate::source::folder_of(path),
        &CommandLine::default(),
    )
    .err()
}

/// A config error as a diagnostic on the config file whose text is `text`.
pub fn diagnostic(error: &ConfigError, text: &str, encoding: Encoding) -> Diagnostic {
    let span = error.span.clone().unwrap_or(0..0);
    let mut message = error.message.clone();
    if let Some(help) = &error.help {
        message.push_str(&format!("\nhelp: {help}"));
    }
    Diagnostic {
        range: LineIndex::new(text, encoding).range(&span),
        severity: Some(DiagnosticSeverity::ERROR),
        code: Some(NumberOrString::String("config".to_string())),
        source: Some("schema-lint".to_string()),
        message,
        ..Diagnostic::default()
    }
}
