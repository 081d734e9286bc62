//! The command line: argument parsing, subcommands, exit codes.

use std::io::{IsTerminal, Read, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::baseline;
use crate::config::{self, CommandLine, ConfigError, FailOn, Fixes, Settings};
use crate::diagnostic::Severity;
use crate::error::Error;
use crate::lint::{self, Outcome};
use crate::load::Buffers;
use crate::report::ListFormat;
use crate::report::{self, Format, Hidden, Style, View};
use crate::source::display_path;

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
                  the config's `roots`, else the nearest `migrations/` here or above; paths are printed \
                  relative to here. `schema-lint sets` shows how the migrations were read.",
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
    /// Migration files or folders (searched recursively); `-` is stdin,
    /// linted as the file --stdin-filename names.
    pub paths: Vec<PathBuf>,
    /// Output format.
    #[arg(long, value_enum, default_value_t = Format::Full)]
    pub format: Format,
    /// Print the number of findings per rule instead of the findings
    /// (as JSON with `--format json`).
    #[arg(long)]
    pub statistics: bool,
    /// Write the report to FILE instead of stdout.
    #[arg(short = 'o', long, value_name = "FILE")]
    pub output_file: Option<PathBuf>,
    /// Print the findings only: no per-rule table, set lines, summary or
    /// notes.
    #[arg(short, long)]
    pub quiet: bool,
    /// Print no report and no notes, only errors; the exit code tells the
    /// rest (`-o` is still written).
    #[arg(short, long)]
    pub silent: bool,
    /// Colour the output: `auto` on a terminal, unless NO_COLOR is set, or
    /// when FORCE_COLOR or CLICOLOR_FORCE is.
    #[arg(long, value_enum, value_name = "WHEN", default_value_t = ColorChoice::Auto)]
    pub color: ColorChoice,
    /// Show only findings at least this severe (the exit code still
    /// follows --fail-on).
    #[arg(long, value_name = "LEVEL", value_parser = ["error", "warning", "info"])]
    pub severity: Option<String>,
    /// Config file (default: schema-lint.toml or .schema-lint.toml here or above).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,
    /// Run only these rules (comma-separated; `all` for every default rule,
    /// in any case).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub select: Option<Vec<String>>,
    /// Run these rules too, besides those `--select` or the config selects
    /// (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "RULE,...")]
    pub extend_select: Vec<String>,
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
    /// Print the settings a run would use (config file, rules with their
    /// severities and options, paths, migration sets) and exit.
    #[arg(long)]
    pub show_settings: bool,
    /// Lint stdin as this file (give `-` as the path), with the rest of its
    /// migration set read from disk; the file need not exist yet.
    #[arg(long, value_name = "PATH", conflicts_with_all = ["diff", "write_baseline"])]
    pub stdin_filename: Option<PathBuf>,
    #[command(flatten)]
    pub read: ReadArgs,
}

/// `--color`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, ValueEnum)]
pub enum ColorChoice {
    #[default]
    Auto,
    Always,
    Never,
}

/// How input is read (shared by the commands that read migrations).
#[derive(Debug, Args)]
pub struct ReadArgs {
    /// Skip files larger than this (bytes, or with a unit: 64MiB, 512KiB).
    #[arg(long, value_name = "SIZE", value_parser = parse_size_arg)]
    pub max_file_size: Option<u64>,
    /// Read and write no cache: parse every file (the cache of per-file
    /// facts is .schema-lint-cache/ in the project folder, or
    /// SCHEMA_LINT_CACHE_DIR).
    #[arg(long)]
    pub no_cache: bool,
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
    /// Fix the findings: rewrite migrations not applied yet (the files
    /// named, or changed since --diff REF), or, with --new-migration NAME,
    /// write one new migration that fixes an applied history.
    Fix(crate::fix::FixArgs),
    /// Document the schema the migrations produce: the schema reference
    /// (Markdown), an ERD (Mermaid, Graphviz), the model (JSON), or what
    /// deleting a row does (--cascade TABLE).
    Schema(crate::schema::SchemaArgs),
    /// Write SCHEMA_CONVENTIONS.md: the conventions the active rules and
    /// their options check, with a template table that follows them.
    Conventions(crate::schema::ConventionsArgs),
    /// Lint a live PostgreSQL database (default: DATABASE_URL) with the
    /// schema rules, or with --compare report the drift between it and the
    /// migrations. Read-only: the session runs catalog queries only.
    #[command(
        after_help = "PATHS are read only with --compare: the migration set to compare \
                            the database with (default: the config's `roots`, else the nearest \
                            migrations/). --diff, --stdin-filename and --show-settings do not \
                            apply. Findings in the database are located by object: \
                            db:schema.table.column."
    )]
    Db(Box<crate::db::DbArgs>),
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

/// `schema-lint init`: writes the commented default config; refuses to
/// overwrite.
fn init(path: &Path) -> Result<u8, Error> {
    let shown = display_path(path);
    if path.exists() {
        return Err(Error::Output(format!(
            "{shown} already exists; not overwriting it"
        )));
    }
    std::fs::write(path, crate::docs::init_text())
        .map_err(|e| Error::Output(format!("cannot write {shown}: {e}")))?;
    println!("wrote {shown}");
    Ok(EXIT_CLEAN)
}

pub fn main() -> ExitCode {
    let cli = Cli::parse();
    ExitCode::from(run(cli))
}

pub fn run(cli: Cli) -> u8 {
    match cli.command {
        None => with_std_io(|io| run_lint(cli.lint, io)),
        Some(command) => run_command(command).unwrap_or_else(|error| {
            let color = auto_color(std::io::stderr().is_terminal());
            error.report(&mut std::io::stderr().lock(), color)
        }),
    }
}

/// A subcommand; its errors are for the caller to show.
fn run_command(command: Command) -> Result<u8, Error> {
    match command {
        Command::Rules { format } => {
            print!("{}", crate::docs::rules_listing(format));
            Ok(EXIT_CLEAN)
        }
        Command::Explain { rule } => {
            print!("{}", crate::docs::explain(&rule)?);
            Ok(EXIT_CLEAN)
        }
        Command::Init { path } => init(&path),
        Command::Sets(args) => run_sets(args),
        Command::New(args) => crate::new::run(args),
        Command::Fix(args) => crate::fix::run(args),
        Command::Schema(args) => crate::schema::run(args),
        Command::Conventions(args) => crate::schema::run_conventions(args),
        // These two show their own errors: `db` on its `Io`, as a lint
        // does, the server to its client.
        Command::Db(args) => Ok(with_std_io(|io| run_db(*args, io))),
        Command::Server { stdio: _ } => Ok(crate::server::run()),
    }
}

/// Runs `body` on the standard streams, each coloured when `--color
/// auto` allows it.
fn with_std_io(body: impl FnOnce(&mut Io<'_>) -> u8) -> u8 {
    let stdout = std::io::stdout();
    let stderr = std::io::stderr();
    let stdin = std::io::stdin();
    let mut io = Io {
        color: auto_color(stdout.is_terminal()),
        error_color: auto_color(stderr.is_terminal()),
        out: &mut stdout.lock(),
        err: &mut stderr.lock(),
        input: &mut stdin.lock(),
    };
    body(&mut io)
}

/// Where a lint run reads stdin from (`-`), writes its report (`out`) and
/// its errors (`err`), and whether each may use colour when `--color` is
/// `auto`. The binary passes the standard streams; the fuzzing harness
/// passes buffers.
pub struct Io<'a> {
    pub out: &'a mut dyn Write,
    pub err: &'a mut dyn Write,
    pub input: &'a mut dyn Read,
    pub color: bool,
    pub error_color: bool,
}

/// What follows a lint run in its process.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum After {
    /// The process ends (the binary): what the run built is left to the
    /// exit, which returns the memory at once; freeing every finding, file
    /// and small catalog one by one would cost a run several percent.
    Exit,
    /// More runs follow in the same process (the fuzzer): everything the
    /// run built is freed, so that thousands of runs do not add up.
    RunAgain,
}

/// One lint run, as the binary runs it, writing to `io`; returns the exit
/// code.
pub fn run_lint(args: LintArgs, io: &mut Io<'_>) -> u8 {
    run_lint_then(args, io, After::Exit)
}

/// `run_lint`, for a process that goes on after it when `after` says so.
pub fn run_lint_then(args: LintArgs, io: &mut Io<'_>, after: After) -> u8 {
    let result = lint_command(args, io, after);
    result.unwrap_or_else(|error| error.report(&mut *io.err, io.error_color))
}

fn lint_command(args: LintArgs, io: &mut Io<'_>, after: After) -> Result<u8, Error> {
    let colors = Colors::resolve(args.color, io, args.output_file.is_some());
    io.error_color = colors.err;
    let mut settings = load_settings(args.config.as_deref(), &command_line(&args))?;
    settings.fixes = wants_fixes(&args);
    let input = gather(&args, &settings, io)?;
    if args.show_settings {
        let (project, _) = lint::read_with(&input.paths, &settings, &input.buffers);
        let text = report::settings::render(&settings, &input.paths, &project);
        emit(&args, io, |out| out.write_all(text.as_bytes()))?;
        return Ok(EXIT_CLEAN);
    }
    let outcome = lint_input(&args, &settings, &input, after)?;
    let notes = !(args.quiet || args.silent);
    if notes {
        report_skipped(&outcome, &input.paths, io);
    }
    finish(&args, &settings, outcome, colors, io, after)
}

/// Which of a run's findings carry fixes: they cost work (re-reading
/// statements, looking for names in every file), so a run builds only
/// those its report shows (`Format::fixes_shown`). `--statistics` counts
/// them all; a baseline hides findings after the rules, so `Fixes::Marks`
/// could not tell which of them are reported.
fn wants_fixes(args: &LintArgs) -> Fixes {
    match args.format.fixes_shown() {
        _ if args.statistics => Fixes::All,
        Fixes::Marks if args.baseline.is_some() => Fixes::All,
        shown => shown,
    }
}

/// `schema-lint db`: the schema rules on a live database, or the drift
/// between it and the migrations (`--compare`), reported as a lint run is.
fn run_db(args: crate::db::DbArgs, io: &mut Io<'_>) -> u8 {
    let result = db_command(args, io);
    result.unwrap_or_else(|error| error.report(&mut *io.err, io.error_color))
}

fn db_command(args: crate::db::DbArgs, io: &mut Io<'_>) -> Result<u8, Error> {
    let lint = &args.lint;
    let colors = Colors::resolve(lint.color, io, lint.output_file.is_some());
    io.error_color = colors.err;
    for (given, flag) in [
        (lint.diff.is_some(), "--diff"),
        (lint.stdin_filename.is_some(), "--stdin-filename"),
        (lint.show_settings, "--show-settings"),
    ] {
        if given {
            return Err(Error::Usage(format!(
                "{flag} does not apply to `schema-lint db`"
            )));
        }
    }
    if !args.compare && !lint.paths.is_empty() {
        return Err(Error::Usage(
            "`schema-lint db` reads no migrations: give PATHS with --compare".to_string(),
        ));
    }
    let mut settings = load_settings(lint.config.as_deref(), &command_line(lint))?;
    settings.fixes = wants_fixes(lint);
    let paths = if args.compare {
        lint_paths(&lint.paths, &settings)?
    } else {
        Vec::new()
    };
    let mut notes = Vec::new();
    let outcome = crate::db::outcome(&args, &settings, &paths, &mut notes);
    if !(lint.quiet || lint.silent) {
        for note in notes {
            let _ = writeln!(io.err, "note: {}", visible(&note));
        }
    }
    // A subcommand of the binary: the process ends next.
    finish(lint, &settings, outcome, colors, io, After::Exit)
}

/// What every run does with its findings: baseline, exit code, `--severity`,
/// the report.
fn finish(
    args: &LintArgs,
    settings: &Settings,
    mut outcome: Outcome,
    colors: Colors,
    io: &mut Io<'_>,
    after: After,
) -> Result<u8, Error> {
    let notes = !(args.quiet || args.silent);
    if let Some(file) = &args.write_baseline {
        write_baseline(outcome, file, io, notes)?;
        return Ok(EXIT_CLEAN);
    }
    let mut hidden = Hidden::default();
    if let Some(file) = &args.baseline {
        hidden.baseline = apply_baseline(&mut outcome, file, io, notes)?;
    }
    // The exit code judges every finding; `--severity` only hides some.
    let code = exit_code(&outcome, settings);
    if let Some(level) = args.severity.as_deref().and_then(Severity::from_name) {
        let before = outcome.diagnostics.len();
        outcome.diagnostics.retain(|d| d.severity >= level);
        hidden.below = Some((level, before - outcome.diagnostics.len()));
    }
    let view = View {
        style: Style { color: colors.out },
        hidden,
        quiet: args.quiet,
    };
    print_input_errors(&outcome, io);
    let report = |out: &mut dyn Write| write_report(args, &outcome, &view, out);
    let written = emit(args, io, report);
    // When the process ends next, freeing every finding and file one by
    // one would cost 3% of a run for memory the exit returns anyway.
    match after {
        After::Exit => std::mem::forget(outcome),
        After::RunAgain => drop(outcome),
    }
    written?;
    Ok(code)
}

/// Lints the input: the files named, stdin in place of its file, or only
/// what `--diff` says changed.
fn lint_input(
    args: &LintArgs,
    settings: &Settings,
    input: &Input,
    after: After,
) -> Result<Outcome, Error> {
    // Text given for a file (stdin) is linted whatever `--diff` says.
    let changes = match &args.diff {
        Some(reference) if input.buffers.is_empty() => {
            let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
            Some(crate::changes::since(reference, &here).map_err(Error::Input)?)
        }
        _ => None,
    };
    let lint = match after {
        After::Exit => lint::lint_before_exit,
        After::RunAgain => lint::lint_with,
    };
    Ok(lint(
        &input.paths,
        settings,
        changes.as_ref(),
        &input.buffers,
    ))
}

/// Hides the findings the baseline records; returns how many it hid.
fn apply_baseline(
    outcome: &mut Outcome,
    file: &Path,
    io: &mut Io<'_>,
    notes: bool,
) -> Result<usize, Error> {
    let recorded = baseline::read(file).map_err(Error::Input)?;
    let before = outcome.diagnostics.len();
    let stale = baseline::apply(outcome, &recorded, file);
    if notes {
        report_stale(&stale, file, io);
    }
    Ok(before - outcome.diagnostics.len())
}

/// The report: the statistics (`--statistics`) or the findings.
fn write_report(
    args: &LintArgs,
    outcome: &Outcome,
    view: &View,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    match (args.statistics, args.format) {
        (true, Format::Json) => out.write_all(report::statistics::render_json(outcome).as_bytes()),
        (true, _) => out.write_all(report::statistics::render_text(outcome, view).as_bytes()),
        (false, format) => report::write_view(outcome, format, view, out),
    }
}

/// Writes the report to `-o FILE`, else to `out` (nothing with `-s`).
fn emit(
    args: &LintArgs,
    io: &mut Io<'_>,
    report: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), Error> {
    if let Some(file) = &args.output_file {
        let written = std::fs::File::create(file).and_then(|created| {
            let mut out = std::io::BufWriter::new(created);
            report(&mut out)?;
            out.flush()
        });
        return written
            .map_err(|e| Error::Output(format!("cannot write {}: {e}", display_path(file))));
    }
    if !args.silent {
        // A closed pipe (`| head`) is not our failure.
        let mut out = std::io::BufWriter::new(&mut *io.out);
        let _ = report(&mut out).and_then(|()| out.flush());
    }
    Ok(())
}

/// What the command line says about the rules and reading.
fn command_line(args: &LintArgs) -> CommandLine {
    CommandLine {
        select: args.select.clone(),
        extend_select: args.extend_select.clone(),
        ignore: args.ignore.clone(),
        fail_on: args.fail_on.as_deref().and_then(FailOn::from_name),
        max_file_size: args.read.max_file_size,
        no_cache: args.read.no_cache,
    }
}

/// Whether the report and the errors are coloured.
#[derive(Clone, Copy)]
struct Colors {
    out: bool,
    err: bool,
}

impl Colors {
    /// `--color` wins; `auto` is what the streams allow (`io`), and for a
    /// report written to a file (`-o`) only what the environment forces.
    fn resolve(choice: ColorChoice, io: &Io<'_>, to_file: bool) -> Colors {
        match choice {
            ColorChoice::Always => Colors {
                out: true,
                err: true,
            },
            ColorChoice::Never => Colors {
                out: false,
                err: false,
            },
            ColorChoice::Auto => Colors {
                out: if to_file { auto_color(false) } else { io.color },
                err: io.error_color,
            },
        }
    }
}

/// The paths to lint and the files given as text (stdin).
struct Input {
    paths: Vec<PathBuf>,
    buffers: Buffers,
}

/// The paths to lint, with `-` read from stdin as the file
/// `--stdin-filename` names.
fn gather(args: &LintArgs, settings: &Settings, io: &mut Io<'_>) -> Result<Input, Error> {
    let dash = Path::new("-");
    let has_dash = args.paths.iter().any(|p| p == dash);
    let mut buffers = Buffers::new();
    let mut given = Vec::new();
    match &args.stdin_filename {
        None if has_dash => {
            return Err(Error::Usage(
                "`-` reads a migration from stdin: say which file it is with \
                        --stdin-filename PATH, so that its migration set can be read"
                    .to_string(),
            ));
        }
        Some(_) if !has_dash && !args.paths.is_empty() => {
            return Err(Error::Usage(
                "--stdin-filename names the file stdin stands for: give `-` as \
                        one of the paths"
                    .to_string(),
            ));
        }
        Some(name) => {
            let name = here_relative(name);
            let text = read_stdin(io.input, settings.max_file_size)?;
            buffers.insert(name.clone(), text);
            given.push(name);
        }
        None => {}
    }
    given.extend(args.paths.iter().filter(|p| *p != dash).cloned());
    let paths = lint_paths(&given, settings)?;
    Ok(Input { paths, buffers })
}

/// Stdin as text, at most `limit` bytes.
fn read_stdin(input: &mut dyn Read, limit: u64) -> Result<String, Error> {
    let mut bytes = Vec::new();
    input
        .take(limit.saturating_add(1))
        .read_to_end(&mut bytes)
        .map_err(|e| Error::Input(format!("cannot read stdin: {e}")))?;
    if bytes.len() as u64 > limit {
        return Err(Error::Input(format!(
            "stdin is larger than the {limit}-byte limit (--max-file-size); not read"
        )));
    }
    String::from_utf8(bytes).map_err(|e| {
        Error::Input(format!(
            "stdin is not UTF-8 (byte {} is not); not read",
            e.utf8_error().valid_up_to()
        ))
    })
}

/// The settings of a run: the config file (named, or found upward from
/// here) under the command line. The file's path is relative to here
/// (`../schema-lint.toml` from a subfolder), so that the roots it names
/// and every path printed are too. The cache of per-file facts is in the
/// project folder (the config file's, else here) unless `--no-cache`.
pub(crate) fn load_settings(
    config: Option<&Path>,
    cli: &CommandLine,
) -> Result<Settings, ConfigError> {
    let config_path = match config {
        Some(path) => Some(here_relative(path)),
        None => std::env::current_dir().ok().and_then(|dir| {
            let found = config::find(&dir)?;
            Some(up_relative(&dir, &found).unwrap_or(found))
        }),
    };
    let mut settings = config::load(config_path.as_deref(), cli)?;
    if !cli.no_cache {
        settings.cache = Some(crate::load::cache::folder(&settings.base));
    }
    Ok(settings)
}

/// `path` (found in `dir` or a folder above it) relative to `dir`:
/// `schema-lint.toml`, `../../schema-lint.toml`.
fn up_relative(dir: &Path, path: &Path) -> Option<PathBuf> {
    let folder = path.parent()?;
    let below = dir.strip_prefix(folder).ok()?;
    let mut relative: PathBuf = below.components().map(|_| "..").collect();
    relative.push(path.file_name()?);
    Some(relative)
}

/// An absolute path below the current folder, relative to it (as ruff
/// prints them); any other path as given.
fn here_relative(path: &Path) -> PathBuf {
    if !path.is_absolute() {
        return path.to_path_buf();
    }
    let Ok(here) = std::env::current_dir() else {
        return path.to_path_buf();
    };
    match path.strip_prefix(&here) {
        Ok(rest) if rest.as_os_str().is_empty() => PathBuf::from("."),
        Ok(rest) => rest.to_path_buf(),
        Err(_) => path.to_path_buf(),
    }
}

/// `schema-lint sets`: discovery and loading only, then the plan.
fn run_sets(args: SetsArgs) -> Result<u8, Error> {
    let cli = CommandLine {
        max_file_size: args.read.max_file_size,
        no_cache: args.read.no_cache,
        ..CommandLine::default()
    };
    let settings = load_settings(args.config.as_deref(), &cli)?;
    let paths = lint_paths(&args.paths, &settings)?;
    let (project, errors) = lint::read(&paths, &settings);
    let rendered = match args.format {
        ListFormat::Text => report::sets::render_text(&project),
        ListFormat::Json => report::sets::render_json(&project, &errors),
    };
    for error in &errors {
        eprintln!("error: {}", visible(&error.to_string()));
    }
    let _ = std::io::stdout().lock().write_all(rendered.as_bytes());
    // The plan of what could be read is still shown: not an `Error`.
    Ok(if errors.is_empty() {
        EXIT_CLEAN
    } else {
        EXIT_ERROR
    })
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

fn print_input_errors(outcome: &Outcome, io: &mut Io<'_>) {
    for error in &outcome.input_errors {
        let _ = writeln!(io.err, "error: {}", visible(&error.to_string()));
    }
}

/// Records the findings, unless a path could not be read: a baseline
/// without that file's findings would let all of them through unnoticed
/// once it is readable again, so nothing is written.
fn write_baseline(
    outcome: Outcome,
    file: &Path,
    io: &mut Io<'_>,
    notes: bool,
) -> Result<(), Error> {
    if !outcome.input_errors.is_empty() {
        let count = outcome.input_errors.len();
        let consequence = format!(
            "{} not written: {count} path{} could not be read, so the baseline would lack \
             {} findings; fix or exclude {} and run again",
            display_path(file),
            if count == 1 { "" } else { "s" },
            if count == 1 { "its" } else { "their" },
            if count == 1 { "it" } else { "them" },
        );
        return Err(Error::Incomplete {
            errors: outcome.input_errors,
            consequence,
        });
    }
    let recorded = baseline::record(&outcome, file);
    baseline::write(&recorded, file).map_err(Error::Output)?;
    if notes {
        let _ = writeln!(
            io.err,
            "wrote {} ({} findings)",
            visible(&display_path(file)),
            outcome.diagnostics.len()
        );
    }
    Ok(())
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
    let mut text = object.table.as_deref().unwrap_or_default().to_string();
    if !object.columns.is_empty() {
        text.push_str(&format!(" ({})", object.columns.join(", ")));
    }
    if let Some(name) = &object.name {
        text.push_str(&format!(" {name}"));
    }
    text
}

/// The paths to lint: as given, else the config's roots, else the nearest
/// `migrations/` folder here or above (up to the repository's top), so
/// that a run from any subfolder of a project lints the project. Every
/// path is relative to the current folder when it can be.
pub(crate) fn lint_paths(given: &[PathBuf], settings: &Settings) -> Result<Vec<PathBuf>, Error> {
    if !given.is_empty() {
        return Ok(given.iter().map(|p| here_relative(p)).collect());
    }
    if !settings.roots.is_empty() {
        return Ok(settings
            .roots
            .iter()
            .map(|root| here_relative(&relative_to(&settings.base, root)))
            .collect());
    }
    let here = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    nearest_migrations(&here).map(|p| vec![p]).ok_or_else(|| {
        Error::Input(
            "no paths given, no `roots` in a config file, and no migrations/ folder here or above"
                .to_string(),
        )
    })
}

/// `migrations`, `../migrations`, …: the nearest folder named so in `dir`
/// or above it, not looking past the top of a git repository.
fn nearest_migrations(dir: &Path) -> Option<PathBuf> {
    for (depth, folder) in dir.ancestors().enumerate() {
        if folder.join("migrations").is_dir() {
            let mut path: PathBuf = (0..depth).map(|_| "..").collect();
            path.push("migrations");
            return Some(path);
        }
        if folder.join(".git").exists() {
            break;
        }
    }
    None
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

/// Whether `--color auto` colours a stream: never with `NO_COLOR`
/// (<https://no-color.org>: only a command-line flag overrides it); always
/// with `FORCE_COLOR` (but `0` or `false`: never) or `CLICOLOR_FORCE` (not
/// `0`), as CI logs that show colour want; never with `CLICOLOR=0`; else on
/// a terminal.
pub fn auto_color(is_terminal: bool) -> bool {
    color_from_env(|name| std::env::var(name).ok(), is_terminal)
}

fn color_from_env(var: impl Fn(&str) -> Option<String>, is_terminal: bool) -> bool {
    let set = |name: &str| var(name).filter(|value| !value.is_empty());
    if set("NO_COLOR").is_some() {
        return false;
    }
    if let Some(value) = set("FORCE_COLOR") {
        return !matches!(value.as_str(), "0" | "false");
    }
    if set("CLICOLOR_FORCE").is_some_and(|value| value != "0") {
        return true;
    }
    if set("CLICOLOR").is_some_and(|value| value == "0") {
        return false;
    }
    is_terminal
}

/// `report::visible`, owned.
fn visible(text: &str) -> String {
    crate::report::visible(text).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(pairs: &[(&str, &str)]) -> impl Fn(&str) -> Option<String> {
        let pairs: Vec<(String, String)> = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        move |name| {
            pairs
                .iter()
                .find(|(k, _)| k == name)
                .map(|(_, v)| v.clone())
        }
    }

    #[test]
    fn colour_follows_the_environment_conventions() {
        assert!(color_from_env(env(&[]), true));
        assert!(!color_from_env(env(&[]), false));
        assert!(!color_from_env(env(&[("NO_COLOR", "1")]), true));
        // An empty NO_COLOR is unset.
        assert!(color_from_env(env(&[("NO_COLOR", "")]), true));
        assert!(color_from_env(env(&[("FORCE_COLOR", "1")]), false));
        assert!(color_from_env(env(&[("FORCE_COLOR", "3")]), false));
        assert!(!color_from_env(env(&[("FORCE_COLOR", "0")]), true));
        assert!(color_from_env(env(&[("CLICOLOR_FORCE", "1")]), false));
        assert!(!color_from_env(env(&[("CLICOLOR_FORCE", "0")]), false));
        assert!(!color_from_env(env(&[("CLICOLOR", "0")]), true));
        // NO_COLOR wins over the variables that force colour.
        assert!(!color_from_env(
            env(&[
                ("NO_COLOR", "1"),
                ("FORCE_COLOR", "1"),
                ("CLICOLOR_FORCE", "1")
            ]),
            true
        ));
    }

    #[test]
    fn a_run_builds_the_fixes_its_report_shows() {
        let fixes = |args: &[&str]| {
            let cli = Cli::try_parse_from(["schema-lint"].iter().chain(args)).expect("arguments");
            wants_fixes(&cli.lint)
        };
        assert_eq!(fixes(&[]), Fixes::Marks);
        assert_eq!(fixes(&["--format", "json"]), Fixes::None);
        assert_eq!(fixes(&["--format", "markdown"]), Fixes::None);
        assert_eq!(fixes(&["--format", "json", "--statistics"]), Fixes::All);
        // A baseline hides findings after the rules have run: `full` cannot
        // tell which marked its rules.
        assert_eq!(fixes(&["--baseline", "b.json"]), Fixes::All);
        assert_eq!(
            fixes(&["--format", "sarif", "--baseline", "b.json"]),
            Fixes::None
        );
    }

    #[test]
    fn paths_above_are_written_with_dot_dots() {
        let found = Path::new("/p/schema-lint.toml");
        assert_eq!(
            up_relative(Path::new("/p"), found),
            Some(PathBuf::from("schema-lint.toml"))
        );
        assert_eq!(
            up_relative(Path::new("/p/a/b"), found),
            Some(PathBuf::from("../../schema-lint.toml"))
        );
        assert_eq!(up_relative(Path::new("/q"), found), None);
    }
}
