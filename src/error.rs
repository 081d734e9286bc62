//! What a command can fail with, and the one place that shows it.
//!
//! Every subcommand's body returns `Result<u8, Error>` (the exit code of a
//! run that got to the end); [`Error::report`] writes an error on stderr
//! and gives the exit code of a failed run, 2. Findings are not errors:
//! they are the report, and their exit code follows `--fail-on`.

use std::io::Write;

use miette::{
    Diagnostic, GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, Report,
};

use crate::cli::EXIT_ERROR;
use crate::config::ConfigError;
use crate::diagnostic::InputError;
use crate::report::excerpt::Excerpt;
use crate::source::{SourceFile, display_path};

#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    /// The config file is wrong, or a rule named on the command line is
    /// unknown: shown with the offending line of the file.
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(Box<ConfigError>),
    /// The command line asks for what cannot be done as asked: flags that
    /// do not go together, a value a flag does not take, a name (rule,
    /// table, migration name) that names nothing usable.
    #[error("{0}")]
    Usage(String),
    /// `explain` names no rule; the closest name is suggested below.
    #[error(
        "unknown rule `{name}`{}\n  {RULES_HINT}",
        suggestion.map(|s| format!("\n  help: did you mean `{s}`?")).unwrap_or_default()
    )]
    UnknownRule {
        name: String,
        suggestion: Option<&'static str>,
    },
    /// What was to be read could not be, or does not hold what the command
    /// needs: the paths (none found), stdin, `--diff`'s git history, a
    /// baseline, the migration set and the plan files its tool keeps.
    #[error("{0}")]
    Input(String),
    /// Some paths could not be read, so the command cannot do its job:
    /// each path's error is shown, then what it prevents.
    #[error("{consequence}")]
    Incomplete {
        errors: Vec<InputError>,
        consequence: String,
    },
    /// The paths hold several migration sets where the command works on
    /// one; the sets are listed, one per line.
    #[error("{paths} holds {} migration sets; {hint}:\n  {}", sets.len(), sets.join("\n  "))]
    SeveralSets {
        /// The paths, as shown.
        paths: String,
        /// Each set as `root (layout)`.
        sets: Vec<String>,
        /// What to do instead.
        hint: &'static str,
    },
    /// A live database could not be read (`schema --url`).
    #[error("{0}")]
    Database(String),
    /// The report, a document, a baseline or a migration could not be
    /// written.
    #[error("{0}")]
    Output(String),
}

impl From<ConfigError> for Error {
    fn from(error: ConfigError) -> Self {
        Error::Config(Box::new(error))
    }
}

impl Error {
    /// Writes the error on `err` (config errors coloured when `color`)
    /// and returns the exit code of a failed run. Control characters from
    /// the input are made visible (`report::visible`): an error message
    /// quotes paths, names and values as given.
    pub fn report(&self, err: &mut dyn Write, color: bool) -> u8 {
        match self {
            Error::Config(error) => {
                let _ = write!(err, "{}", render_config_error(error, color));
            }
            Error::Incomplete {
                errors,
                consequence,
            } => {
                for error in errors {
                    error_line(err, &error.to_string());
                }
                error_line(err, consequence);
            }
            Error::SeveralSets { paths, sets, hint } => {
                let count = sets.len();
                error_line(
                    err,
                    &format!("{paths} holds {count} migration sets; {hint}:"),
                );
                for set in sets {
                    let _ = writeln!(err, "  {}", crate::report::visible(set));
                }
            }
            Error::UnknownRule { name, suggestion } => {
                error_line(err, &format!("unknown rule `{name}`"));
                if let Some(suggestion) = suggestion {
                    let _ = writeln!(err, "  help: did you mean `{suggestion}`?");
                }
                let _ = writeln!(err, "  {RULES_HINT}");
            }
            other => error_line(err, &other.to_string()),
        }
        EXIT_ERROR
    }
}

/// Where to find the rules' names.
const RULES_HINT: &str = "`schema-lint rules` lists every rule";

/// `error: message`, one line.
fn error_line(err: &mut dyn Write, message: &str) {
    let _ = writeln!(err, "error: {}", crate::report::visible(message));
}

/// A config error as miette draws it, with an excerpt of the config file
/// (a config line can be long too, as a migration's can) and the
/// offending span underlined; without a span, the file's path leads the
/// message.
fn render_config_error(error: &ConfigError, color: bool) -> String {
    let mut diagnostic = MietteDiagnostic::new(visible(&error.message));
    if let Some(code) = error.code() {
        diagnostic = diagnostic.with_code(code.to_string());
    }
    if let Some(help) = error.help() {
        diagnostic = diagnostic.with_help(visible(&help.to_string()));
    }
    let mut report_text = String::new();
    let theme = if color {
        GraphicalTheme::unicode()
    } else {
        GraphicalTheme::unicode_nocolor()
    };
    let handler = GraphicalReportHandler::new_themed(theme).with_links(false);
    let report = match (&error.path, &error.span) {
        (Some(path), Some(span)) => {
            let source = SourceFile::new(path.clone(), error.text.clone());
            let excerpt = Excerpt::new(&source, std::slice::from_ref(span));
            if let Some(shown) = excerpt.span_of(&source, span) {
                diagnostic = diagnostic.with_label(LabeledSpan::new_primary_with_span(None, shown));
            }
            Report::new(diagnostic).with_source_code(excerpt)
        }
        _ => {
            let prefix = error
                .path
                .as_ref()
                .map(|p| format!("{}: ", visible(&display_path(p))))
                .unwrap_or_default();
            Report::new(MietteDiagnostic {
                message: format!("{prefix}{}", diagnostic.message),
                ..diagnostic
            })
        }
    };
    if handler
        .render_report(&mut report_text, report.as_ref())
        .is_err()
    {
        report_text = format!("error: {}\n", visible(&error.message));
    }
    report_text
}

/// `report::visible`, owned.
fn visible(text: &str) -> String {
    crate::report::visible(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn shown(error: &Error) -> String {
        let mut out = Vec::new();
        assert_eq!(error.report(&mut out, false), EXIT_ERROR);
        String::from_utf8(out).unwrap_or_default()
    }

    #[test]
    fn a_config_error_is_a_diagnostic_with_its_span() {
        let error = Error::from(ConfigError {
            path: None,
            text: "fail-on = \"loud\"\n".to_string(),
            span: Some(10..16),
            message: "unknown fail-on level `loud`".to_string(),
            help: Some("one of: error, warning, info, never".to_string()),
        });
        assert_eq!(error.to_string(), "unknown fail-on level `loud`");
        assert_eq!(
            error.code().map(|c| c.to_string()).as_deref(),
            Some("config")
        );
        assert!(error.help().is_some());
        let labels: Vec<LabeledSpan> = error.labels().into_iter().flatten().collect();
        assert_eq!(labels.len(), 1);
        assert_eq!(labels[0].offset(), 10);
        assert!(error.source_code().is_some());
    }

    #[test]
    fn messages_are_one_line_with_control_characters_visible() {
        let error = Error::Output("cannot write a\u{1b}b\nc: denied".to_string());
        assert_eq!(shown(&error), "error: cannot write a␛b␊c: denied\n");
    }

    #[test]
    fn unreadable_paths_come_before_what_they_prevent() {
        let error = Error::Incomplete {
            errors: vec![InputError::new("m/1.sql", "not UTF-8")],
            consequence: "the schema is not known".to_string(),
        };
        assert_eq!(
            shown(&error),
            "error: m/1.sql: not UTF-8\nerror: the schema is not known\n"
        );
    }

    #[test]
    fn an_unknown_rule_gets_the_closest_name_and_where_to_look() {
        let error = Error::UnknownRule {
            name: "prefer-txt\u{7}".to_string(),
            suggestion: Some("prefer-text"),
        };
        assert_eq!(
            shown(&error),
            "error: unknown rule `prefer-txt␇`\n  help: did you mean `prefer-text`?\n  \
             `schema-lint rules` lists every rule\n"
        );
    }

    #[test]
    fn several_sets_are_listed_one_per_line() {
        let error = Error::SeveralSets {
            paths: "db".to_string(),
            sets: vec!["db/a (sqlx)".to_string(), "db/b (diesel)".to_string()],
            hint: "name one with --set",
        };
        let expected = "error: db holds 2 migration sets; name one with --set:\n  db/a (sqlx)\n  db/b (diesel)\n";
        assert_eq!(shown(&error), expected);
        assert_eq!(format!("error: {error}\n"), expected);
    }
}
