//! The command line: argument parsing, subcommands, exit codes.

use std::io::{IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};
use miette::{GraphicalReportHandler, GraphicalTheme, LabeledSpan, MietteDiagnostic, Report};

use crate::baseline;
use crate::config::{self, CommandLine, ConfigError, FailOn, Settings};
use crate::lint::{self, Outcome};
use crate::report::excerpt::Excerpt;
use crate::report::{self, Format, Style};
use crate::source::{SourceFile, display_path};

/// Exit codes (contract).
pub const EXIT_CLEAN: u8 = 0;
pub const EXIT_FINDINGS: u8 = 1;
pub const EXIT_ERROR: u8 = 2;

#[derive(Debug, Parser)]
#[command(
    name = "schema-lint",
    version,
    about = "Lint PostgreSQL migrations against schema conventions",
    long_about = "Reads PostgreSQL migration files (sqlx, diesel, golang-migrate, Flyway, refinery, dbmate, \
                  goose, numbered files, Prisma, Hasura, numbered folders, tern, Drizzle, sqitch, Liquibase \
                  formatted SQL, graphile-migrate, Atlas, Supabase), replays their DDL into a model of the \
                  schema they produce, and reports where it breaks the conventions.\n\nWith no PATHS, lints \
                  the config's `roots`, else `migrations/`. `schema-lint sets` shows how the migrations \
                  were read.",
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,
    #[command(flatten)]
    pub lint: LintArgs,
}

#[derive(Debug, Args)]
pub struct LintArgs {
    /// Migration files or folders (searched recursively).
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Full)]
    pub format: Format,
    /// Config file (default: schema-lint.toml or .schema-lint.toml here or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run only these rules (comma-separated; `all` for every default rule).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub select: Option<Vec<String>>,
    /// Skip these rules (comma-separated; `all` skips every rule that
    /// `--select` does not name).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub ignore: Vec<String>,
    /// Exit with 1 when a finding is at least this severe.
    #[arg(long, value_name = "LEVEL", value_parser = ["error", "warning", "info", "never"])]
    pub fail_on: Option<String>,
    /// Report only on migration files added or changed since the merge base
    /// with this git ref (and uncommitted ones); whole sets are still read.
    #[arg(long, value_name = "REF")]
    pub diff: Option<String>,
    /// Hide the findings recorded in this baseline file.
    #[arg(long, value_name = "FILE", conflicts_with = "write_baseline")]
    pub baseline: Option<PathBuf>,
    /// Record the current findings in this baseline file (and report nothing).
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// How input is read (shared by the commands that read migrations).
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Skip files larger than this (bytes, or with a unit: 64MiB, 512KiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size_arg)]
    pub max_file_size: Option<u64>,
}

fn parse_size_arg(text: &str) -> Result<u64, String> {
    config::parse_size(text)
        .ok_or_else(|| "expected a size such as 64MiB, 512KiB or 1000".to_string())
}

/// `schema-lint sets`.
#[derive(Debug, Args)]
pub struct SetsArgs {
    /// Migration files or folders (searched recursively).
    pub paths: Vec<PathBuf>,
    #[arg(long, value_enum, default_value_t = ListFormat::Text)]
    pub format: ListFormat,
    /// Config file (default: schema-lint.toml or .schema-lint.toml here or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// List every rule with its default severity and summary.
    Rules {
        #[arg(long, value_enum, default_value_t = ListFormat::Text)]
        format: ListFormat,
    },
    /// Print the documentation of a rule.
    Explain {
        /// The rule's name, e.g. prefer-text.
        rule: String,
    },
    /// Show the migration plan: each set's root, layout and files in the
    /// order its tool applies them, up/down marked.
    Sets(SetsArgs),
    /// Write the next migration of a set, in its tool's layout, following
    /// the conventions.
    New(crate::new::NewArgs),
    /// Document the schema the migrations produce: the schema reference
    /// (Markdown), an ERD (Mermaid, Graphviz), the model (JSON), or what
    /// deleting a row does (--cascade TABLE).
    Schema(crate::schema::SchemaArgs),
    /// Write SCHEMA_CONVENTIONS.md: the conventions the active rules and
    /// their options check, with a template table that follows them.
    Conventions(crate::schema::ConventionsArgs),
    /// Run the language server (LSP over stdin/stdout) for editors.
    Server {
        /// Accepted and ignored: stdio is the only transport, and some
        /// clients pass this flag.
        #[arg(long, hide = true)]
        stdio: bool,
    },
    /// Write a commented schema-lint.toml with every rule and option.
    Init {
        /// Where to write it.
        #[arg(default_value = "schema-lint.toml")]
        path: PathBuf,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ListFormat {
    Text,
    Json,
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(run(cli))
}

pub fn run(cli: Cli) -> u8 {
    match cli.command {
        Some(Command::Rules { format }) => crate::docs::list_rules(format),
        Some(Command::Explain { rule }) => crate::docs::explain(&rule),
        Some(Command::Init { path }) => crate::docs::init(&path),
        Some(Command::Sets(args)) => run_sets(args),
        Some(Command::New(args)) => crate::new::run(args),
        Some(Command::Schema(args)) => crate::schema::run(args),
        Some(Command::Conventions(args)) => crate::schema::run_conventions(args),
        Some(Command::Server { stdio: _ }) => crate::server::run(),
        None => {
            let stdout = std::io::stdout();
            let stderr = std::io::stderr();
            let mut io = Io {
                color: stdout.is_terminal() && color_allowed(),
                error_color: stderr.is_terminal() && color_allowed(),
                out: &mut stdout.lock(),
                err: &mut stderr.lock(),
            };
            run_lint(cli.lint, &mut io)
        }
    }
}

/// Where a lint run writes its report (`out`) and its errors (`err`), and
/// whether each may use colour. The binary passes stdout and stderr; the
/// fuzzing harness passes buffers.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub color: bool,
    pub error_color: bool,
}

/// One lint run, as the binary runs it, writing to `io`; returns the exit
/// code.
pub fn run_lint(args: LintArgs, io: &mut Io<'_>) -> u8 {
    let cli = CommandLine {
        select: args.select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on.as_deref().and_then(FailOn::from_name),
        max_file_size: args.read.max_file_size,
    };
    let settings = match load_settings(args.config.as_deref(), &cli) {
        Ok(settings) => settings,
        Err(error) => {
            let _ = write!(io.err, "{}", render_config_error(&error, io.error_color));
            return EXIT_ERROR;
        }
    };
    let paths = match lint_paths(&args.paths, &settings) {
        Ok(paths) => paths,
        Err(message) => return fail(io, &message),
    };
    let changes = match &args.diff {
        Some(reference) => {
            let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            match crate::changes::since(reference, &here) {
                Ok(changes) => Some(changes),
                Err(message) => return fail(io, &message),
            }
        }
        None => None,
    };
    let mut outcome = lint::lint_changes(&paths, &settings, changes.as_ref());
    report_skipped(&outcome, &paths, io);
    if let Some(file) = &args.write_baseline {
        return write_baseline(&outcome, file, io);
    }
    if let Some(file) = &args.baseline {
        match baseline::read(file) {
            Ok(recorded) => {
                let stale = baseline::apply(&mut outcome, &recorded, file);
                report_stale(&stale, file, io);
            }
            Err(message) => return fail(io, &message),
        }
    }
    let rendered = report::render(&outcome, args.format, Style { color: io.color });
    print_input_errors(&outcome, io);
    // A closed pipe (`| head`) is not our failure.
    let _ = io.out.write_all(rendered.as_bytes());
    let _ = io.out.flush();
    exit_code(&outcome, &settings)
}

/// The settings of a run: the config file (named, or found upward from
/// here) under the command line.
fn load_settings(config: Option<&Path>, cli: &CommandLine) -> Result<Settings, ConfigError> {
    let config_path = match config {
        Some(path) => Some(path.to_path_buf()),
        None => std::env::current_dir().ok().and_then(|dir| {
            // Shown relative to where the user is, when it is below.
            let found = config::find(&dir)?;
            Some(
                found
                    .strip_prefix(&dir)
                    .map(Path::to_path_buf)
                    .unwrap_or(found),
            )
        }),
    };
    config::load(config_path.as_deref(), cli)
}

/// The settings for a subcommand that prints its own errors: a config
/// error is printed on stderr (exit code 2).
pub(crate) fn settings(config: Option<&Path>, cli: &CommandLine) -> Result<Settings, u8> {
    load_settings(config, cli).map_err(|error| {
        let color = std::io::stderr().is_terminal() && color_allowed();
        eprint!("{}", render_config_error(&error, color));
        EXIT_ERROR
    })
}

/// `schema-lint sets`: discovery and loading only, then the plan.
fn run_sets(args: SetsArgs) -> u8 {
    let cli = CommandLine {
        max_file_size: args.read.max_file_size,
        ..CommandLine::default()
    };
    let settings = match settings(args.config.as_deref(), &cli) {
        Ok(settings) => settings,
        Err(code) => return code,
    };
    let paths = match lint_paths(&args.paths, &settings) {
        Ok(paths) => paths,
        Err(message) => {
            eprintln!("error: {}", visible(&message));
            return EXIT_ERROR;
        }
    };
    let (project, errors) = lint::read(&paths, &settings);
    let rendered = match args.format {
        ListFormat::Text => report::sets::render_text(&project),
        ListFormat::Json => report::sets::render_json(&project, &errors),
    };
    for error in &errors {
        eprintln!("error: {}", visible(&error.to_string()));
    }
    let _ = std::io::stdout().lock().write_all(rendered.as_bytes());
    if errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
    }
}

/// Files the user named that are not migrations: said on stderr, since
/// nothing else in the report mentions them.
fn report_skipped(outcome: &Outcome, paths: &[PathBuf], io: &mut Io<'_>) {
    for skipped in &outcome.project.skipped {
        if paths.contains(&skipped.path) {
            let line = format!(
                "note: {}: not linted: {}",
                display_path(&skipped.path),
                skipped.reason
            );
            let _ = writeln!(io.err, "{}", visible(&line));
        }
    }
}

/// Prints `error: message` (control characters from the input made
/// visible) and returns exit code 2.
fn fail(io: &mut Io<'_>, message: &str) -> u8 {
    let _ = writeln!(io.err, "error: {}", visible(message));
    EXIT_ERROR
}

fn print_input_errors(outcome: &Outcome, io: &mut Io<'_>) {
    for error in &outcome.input_errors {
        let _ = writeln!(io.err, "error: {}", visible(&error.to_string()));
    }
}

/// Records the findings, unless a path could not be read: a baseline
/// without that file's findings would let all of them through unnoticed
/// once it is readable again, so nothing is written.
fn write_baseline(outcome: &Outcome, file: &Path, io: &mut Io<'_>) -> u8 {
    print_input_errors(outcome, io);
    if !outcome.input_errors.is_empty() {
        let count = outcome.input_errors.len();
        return fail(
            io,
            &format!(
                "{} not written: {count} path{} could not be read, so the baseline would lack \
                 {} findings; fix or exclude {} and run again",
                display_path(file),
                if count == 1 { "" } else { "s" },
                if count == 1 { "its" } else { "their" },
                if count == 1 { "it" } else { "them" },
            ),
        );
    }
    let recorded = baseline::record(outcome, file);
    if let Err(message) = baseline::write(&recorded, file) {
        return fail(io, &message);
    }
    let _ = writeln!(
        io.err,
        "wrote {} ({} findings)",
        visible(&display_path(file)),
        outcome.diagnostics.len()
    );
    EXIT_CLEAN
}

/// Baseline entries that no longer occur: the file can shrink.
fn report_stale(stale: &[baseline::Entry], file: &Path, io: &mut Io<'_>) {
    if stale.is_empty() {
        return;
    }
    let count: usize = stale.iter().map(|e| e.count).sum();
    let _ = writeln!(
        io.err,
        "note: {count} finding(s) recorded in {} no longer occur; run with --write-baseline to shrink it:",
        visible(&display_path(file))
    );
    for entry in stale {
        let what = match (&entry.object, &entry.message) {
            (Some(object), _) => describe(object),
            (None, Some(message)) => message.clone(),
            (None, None) => String::new(),
        };
        let line = format!("  {} {} {what}", entry.path, entry.rule);
        let _ = writeln!(io.err, "{}", visible(&line));
    }
}

fn describe(object: &crate::diagnostic::ObjectRef) -> String {
    let mut text = object.table.clone().unwrap_or_default();
    if !object.columns.is_empty() {
        text.push_str(&format!(" ({})", object.columns.join(", ")));
    }
    if let Some(name) = &object.name {
        text.push_str(&format!(" {name}"));
    }
    text
}

/// The paths to lint: as given, else the config's roots, else `migrations/`.
pub(crate) fn lint_paths(given: &[PathBuf], settings: &Settings) -> Result<Vec<PathBuf>, String> {
    if !given.is_empty() {
        return Ok(given.to_vec());
    }
    if !settings.roots.is_empty() {
        return Ok(settings
            .roots
            .iter()
            .map(|root| relative_to(&settings.base, root))
            .collect());
    }
    let default = PathBuf::from("migrations");
    if default.is_dir() {
        return Ok(vec![default]);
    }
    Err("no paths given, no `roots` in a config file, and no migrations/ folder here".to_string())
}

fn relative_to(base: &Path, path: &Path) -> PathBuf {
    if path.is_absolute() || base == Path::new(".") {
        path.to_path_buf()
    } else {
        base.join(path)
    }
}

pub fn exit_code(outcome: &Outcome, settings: &Settings) -> u8 {
    if !outcome.input_errors.is_empty() {
        EXIT_ERROR
    } else if outcome
        .diagnostics
        .iter()
        .any(|d| settings.fail_on.fails(d.severity))
    {
        EXIT_FINDINGS
    } else {
        EXIT_CLEAN
    }
}

/// `NO_COLOR` (any non-empty value) turns colour off: <https://no-color.org>.
pub fn color_allowed() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
}

fn render_config_error(error: &ConfigError, color: bool) -> String {
    let mut diagnostic = MietteDiagnostic::new(visible(&error.message)).with_code("config");
    if let Some(help) = &error.help {
        diagnostic = diagnostic.with_help(visible(help));
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
            // An excerpt, as for findings: a config line can be long too.
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
