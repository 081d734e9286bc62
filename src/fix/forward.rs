//! `schema-lint fix --new-migration NAME`: one new migration that brings
//! the final schema of an applied history to the conventions.

use std::path::PathBuf;

use crate::config::Settings;

use super::FixArgs;

pub fn run(
    _args: &FixArgs,
    _name: &str,
    _paths: &[PathBuf],
    _settings: &Settings,
) -> Result<u8, String> {
    Err("--new-migration is not available yet".to_string())
}
