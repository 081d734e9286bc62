//! Fuzzing harness: mutates the migration sets of `fixtures/` and
//! `migrations/` (byte flips, token splices, truncations, huge repeats, deep
//! nesting, odd Unicode, BOMs, NULs, odd file names, …), lints each mutated
//! set in every output format, in-process, and checks what must hold for
//! any input (see `oracle.rs`): no panic, exit code 0, 1 or 2, valid JSON,
//! SARIF and XML, no raw control characters in text, the formats agreeing,
//! byte-identical output on a rerun, and no case running past a time bound
//! (a watchdog thread; a hang is a failure).
//!
//! ```sh
//! cargo build --release --example fuzz
//! target/release/examples/fuzz --cases 100000 --seed 7
//! target/release/examples/fuzz --seconds 3600            # for an hour
//! target/release/examples/fuzz --seed 7 --start 4242 --cases 1   # one case again
//! ```
//!
//! Each case is written to `<out>/current/` (default out:
//! `target/fuzz`) before it runs, so a crash that kills the process (a
//! stack overflow) leaves it there. A failing case is copied to
//! `<out>/failures/<seed>-<case>/` in the layout of
//! `tests/data/fuzz-regressions/`: `set/` (the migration set),
//! `schema-lint.toml`, `args` (one command-line argument per line) and
//! `failure.txt`. Copy it there to keep it as a regression test.

mod mutate;
mod oracle;

use std::ffi::OsString;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Parser;
use schema_lint::cli::{After, Cli, Io, run_lint_then};

use mutate::{File, Rng};
use oracle::{FORMATS, Oracle, Run};

struct Options {
    seed: u64,
    start: u64,
    cases: u64,
    seconds: Option<u64>,
    timeout: Duration,
    out: PathBuf,
    /// More migration sets to mutate, each subfolder one set (read at run
    /// time, never part of the repository).
    corpus: Vec<PathBuf>,
}

fn options() -> Result<Options, String> {
    let mut options = Options {
        seed: 1,
        start: 0,
        cases: 1_000,
        seconds: None,
        timeout: Duration::from_secs(60),
        out: PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("target/fuzz"),
        corpus: Vec::new(),
    };
    let mut args = std::env::args().skip(1);
    while let Some(flag) = args.next() {
        let mut value = || args.next().ok_or(format!("{flag} needs a value"));
        let number = |text: String| text.parse::<u64>().map_err(|e| format!("{text}: {e}"));
        match flag.as_str() {
            "--seed" => options.seed = number(value()?)?,
            "--start" => options.start = number(value()?)?,
            "--cases" => options.cases = number(value()?)?,
            "--seconds" => {
                options.seconds = Some(number(value()?)?);
                options.cases = u64::MAX;
            }
            "--timeout" => options.timeout = Duration::from_secs(number(value()?)?),
            "--out" => options.out = PathBuf::from(value()?),
            "--corpus" => options.corpus.push(PathBuf::from(value()?)),
            other => {
                return Err(format!(
                    "unknown argument {other}; use --seed N --start N --cases N --seconds N --timeout SECS --out DIR --corpus DIR"
                ));
            }
        }
    }
    Ok(options)
}

/// A migration set of the corpus.
#[derive(Clone)]
struct Set {
    name: String,
    files: Vec<File>,
    config: Option<Vec<u8>>,
}

/// One generated case: the set to write and the arguments to run with.
struct Case {
    set: Set,
    /// Arguments after `--format F --config schema-lint.toml`.
    args: Vec<String>,
}

fn main() -> ExitCode {
    let options = match options() {
        Ok(options) => options,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    match fuzz(&options) {
        Ok(0) => ExitCode::SUCCESS,
        Ok(failures) => {
            eprintln!(
                "{failures} failing cases in {}",
                options.out.join("failures").display()
            );
            ExitCode::FAILURE
        }
        Err(message) => {
            eprintln!("error: {message}");
            ExitCode::from(2)
        }
    }
}

fn fuzz(options: &Options) -> Result<u64, String> {
    let repository = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    let mut corpus = corpus(&repository)?;
    corpus.extend(layout_sets());
    for extra in &options.corpus {
        corpus.extend(extra_sets(extra)?);
    }
    let tokens = tokens(&corpus);
    let oracle = Oracle::new(&repository)?;
    let rules: Vec<&str> = schema_lint::rules::names();
    let work = options.out.join("current");
    std::fs::create_dir_all(&work).map_err(|e| format!("{}: {e}", work.display()))?;
    let work = std::fs::canonicalize(&work).map_err(|e| e.to_string())?;
    let failures_dir = options.out.join("failures");
    let failures_dir = std::path::absolute(&failures_dir).unwrap_or(failures_dir);
    // Relative paths in every run, as a user types them: the same output
    // wherever the harness runs, and the same as the regression test's.
    std::env::set_current_dir(&work).map_err(|e| e.to_string())?;
    std::panic::set_hook(Box::new(|info| {
        if let Ok(mut last) = LAST_PANIC.lock() {
            *last = Some(info.to_string());
        }
    }));
    let watchdog = Watchdog::start(options, work.clone(), failures_dir.clone());

    let started = Instant::now();
    let mut failures = 0;
    let mut done = 0u64;
    // The slowest case, to see how far from the time bound the run was.
    let mut slowest = (Duration::ZERO, 0u64);
    for case_number in options.start..options.start.saturating_add(options.cases) {
        if options
            .seconds
            .is_some_and(|limit| started.elapsed().as_secs() >= limit)
        {
            break;
        }
        let mut rng = Rng::for_case(options.seed, case_number);
        let case = generate(&mut rng, &corpus, &tokens, &rules);
        write_case(&work, &case)?;
        watchdog.watch(case_number);
        let case_started = Instant::now();
        let result = run_case(&oracle, &case, &mut rng, &tokens);
        slowest = slowest.max((case_started.elapsed(), case_number));
        watchdog.unwatch();
        if let Err(failure) = result {
            failures += 1;
            let name = format!("{}-{case_number}", options.seed);
            eprintln!("case {name} ({}): {failure}", case.set.name);
            save_failure(&work, &failures_dir.join(&name), &failure)?;
        }
        done += 1;
        if done.is_multiple_of(1_000) {
            eprintln!(
                "{done} cases in {:.0?}, {failures} failing",
                started.elapsed()
            );
        }
    }
    eprintln!(
        "seed {}: {done} cases (from {}) in {:.1?}, {failures} failing; slowest: case {} in {:.1?}",
        options.seed,
        options.start,
        started.elapsed(),
        slowest.1,
        slowest.0
    );
    Ok(failures)
}

// ----- the corpus ------------------------------------------------------------

/// Every fixture case folder and `migrations/`, each a migration set.
fn corpus(repository: &Path) -> Result<Vec<Set>, String> {
    let mut folders = vec![repository.join("migrations")];
    for rule in sorted_entries(&repository.join("fixtures"))? {
        folders.extend(sorted_entries(&rule)?.into_iter().filter(|p| p.is_dir()));
    }
    folders.iter().map(|f| read_set(repository, f)).collect()
}

/// Each subfolder of `folder` as a set (`--corpus`).
fn extra_sets(folder: &Path) -> Result<Vec<Set>, String> {
    let base = folder.parent().unwrap_or(folder);
    sorted_entries(folder)?
        .iter()
        .filter(|p| p.is_dir())
        .map(|p| read_set(base, p))
        .collect()
}

/// The files of a folder (a `schema-lint.toml` at its top is the set's
/// config), named relative to `base`.
fn read_set(base: &Path, folder: &Path) -> Result<Set, String> {
    let mut set = Set {
        name: folder
            .strip_prefix(base)
            .unwrap_or(folder)
            .display()
            .to_string(),
        files: Vec::new(),
        config: None,
    };
    for entry in walkdir::WalkDir::new(folder).sort_by_file_name() {
        let entry = entry.map_err(|e| e.to_string())?;
        if !entry.file_type().is_file() {
            continue;
        }
        let bytes = std::fs::read(entry.path()).map_err(|e| e.to_string())?;
        let relative = entry.path().strip_prefix(folder).unwrap_or(entry.path());
        let path = relative.to_string_lossy().replace('\\', "/");
        if path == "schema-lint.toml" {
            set.config = Some(bytes);
        } else {
            set.files.push(File { path, bytes });
        }
    }
    Ok(set)
}

/// Small sets in the layouts of other migration tools, whose markers and
/// names the fixtures (mostly sqlx) do not have.
fn layout_sets() -> Vec<Set> {
    const TABLE: &str = "CREATE TABLE users (id BIGSERIAL PRIMARY KEY, email VARCHAR(255));";
    const DROP: &str = "DROP TABLE users;";
    let set = |name: &str, files: Vec<(String, String)>| Set {
        name: format!("layout:{name}"),
        files: files
            .into_iter()
            .map(|(path, text)| File {
                path,
                bytes: text.into_bytes(),
            })
            .collect(),
        config: None,
    };
    let pair = |up: &str, down: &str| {
        vec![
            (up.to_string(), format!("{TABLE}\n")),
            (down.to_string(), format!("{DROP}\n")),
        ]
    };
    vec![
        set(
            "goose",
            vec![(
                "00001_users.sql".into(),
                format!(
                    "-- +goose Up\n-- +goose StatementBegin\n{TABLE}\nCREATE FUNCTION f() RETURNS trigger AS $$ BEGIN RETURN NEW; END $$ LANGUAGE plpgsql;\n-- +goose StatementEnd\n-- +goose Down\n{DROP}\n"
                ),
            )],
        ),
        set(
            "dbmate",
            vec![(
                "20240101000000_users.sql".into(),
                format!("-- migrate:up\n{TABLE}\n\n-- migrate:down\n{DROP}\n"),
            )],
        ),
        set(
            "diesel",
            pair(
                "2024-01-01-000000_users/up.sql",
                "2024-01-01-000000_users/down.sql",
            ),
        ),
        set(
            "golang-migrate",
            pair("000001_users.up.sql", "000001_users.down.sql"),
        ),
        set("flyway", {
            let mut files = pair("V1__users.sql", "U1__users.sql");
            files.push((
                "R__views.sql".into(),
                "CREATE VIEW v AS SELECT * FROM users;\n".into(),
            ));
            files
        }),
        set(
            "tern",
            vec![(
                "001_users.sql".into(),
                format!("{TABLE}\n---- create above / drop below ----\n{DROP}\n"),
            )],
        ),
    ]
}

fn sorted_entries(folder: &Path) -> Result<Vec<PathBuf>, String> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)
        .map_err(|e| format!("{}: {e}", folder.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .collect();
    entries.sort();
    Ok(entries)
}

/// The words of the corpus, for splicing.
fn tokens(corpus: &[Set]) -> Vec<Vec<u8>> {
    let mut tokens = std::collections::BTreeSet::new();
    for file in corpus.iter().flat_map(|s| &s.files) {
        for word in file.bytes.split(|b| b.is_ascii_whitespace()) {
            if (1..40).contains(&word.len()) {
                tokens.insert(word.to_vec());
            }
        }
    }
    tokens.into_iter().collect()
}

// ----- cases -----------------------------------------------------------------

/// Config files that are valid, nearly valid or nonsense.
const CONFIGS: &[&str] = &[
    "[rules]\nignore = [\"all\"]\n",
    "[rules]\nselect = [\"all\", \"forward-only\"]\n",
    "[rules.index-naming]\ntemplate = \"{nonsense}{\"\n",
    "[rules.unique-naming]\ntemplate = \"\"\n",
    "layout = \"goose\"\n",
    "layout = \"dbmate\"\n",
    "exclude = [\"**/0001*\"]\n",
    "[[overrides]]\npaths = [\"**\"]\nignore = [\"all\"]\n",
    "[[overrides]]\npaths = [\"[\"]\n",
    "fail-on = \"info\"\n",
    "[rules.severity]\nprefer-text = \"off\"\nparse-error = \"error\"\n",
];

fn generate(rng: &mut Rng, corpus: &[Set], tokens: &[Vec<u8>], rules: &[&str]) -> Case {
    let mut set = rng.pick(corpus).clone();
    if rng.chance(10) {
        // A file from another set joins this one.
        let other = rng.pick(corpus);
        if !other.files.is_empty() {
            set.files.push(rng.pick(&other.files).clone());
        }
    }
    mutate::mutate(rng, &mut set.files, tokens);
    if rng.chance(5) {
        set.config = Some(rng.pick(CONFIGS).as_bytes().to_vec());
    }
    if let Some(config) = set.config.as_mut()
        && rng.chance(10)
    {
        mutate::mutate_bytes(rng, config, tokens);
    }
    let args = arguments(rng, &set, rules);
    Case { set, args }
}

/// Flags, then the paths: the set's folder, or some of its files as a
/// pre-commit hook passes them.
fn arguments(rng: &mut Rng, set: &Set, rules: &[&str]) -> Vec<String> {
    let mut args = Vec::new();
    if rng.chance(25) {
        let picked: Vec<&str> = (0..1 + rng.below(3)).map(|_| *rng.pick(rules)).collect();
        args.push(format!("--select={}", picked.join(",")));
    }
    if rng.chance(15) {
        let ignored = if rng.chance(30) {
            "all"
        } else {
            rng.pick(rules)
        };
        args.push(format!("--ignore={ignored}"));
    }
    if rng.chance(25) {
        let level = rng.pick(&["error", "warning", "info", "never"]);
        args.push(format!("--fail-on={level}"));
    }
    if rng.chance(5) {
        // Written from this very set first (see `run_case`).
        args.push(format!("--baseline={BASELINE}"));
    }
    if rng.chance(20) && !set.files.is_empty() {
        for _ in 0..1 + rng.below(2) {
            args.push(format!("set/{}", rng.pick(&set.files).path));
        }
    } else {
        args.push("set".to_string());
    }
    args
}

fn write_case(work: &Path, case: &Case) -> Result<(), String> {
    let _ = std::fs::remove_file(work.join(BASELINE));
    // Each case starts without a cache of per-file facts: its first run
    // fills it, the other formats and the rerun read it (and the oracle
    // compares them), and a saved case replays the same way.
    let _ = std::fs::remove_dir_all(work.join(schema_lint::load::CACHE_FOLDER));
    let set = work.join("set");
    if set.exists() {
        std::fs::remove_dir_all(&set).map_err(|e| format!("{}: {e}", set.display()))?;
    }
    std::fs::create_dir_all(&set).map_err(|e| e.to_string())?;
    for file in &case.set.files {
        let path = set.join(&file.path);
        if let Some(parent) = path.parent() {
            // A file name may have become a folder's; then it is skipped.
            if std::fs::create_dir_all(parent).is_err() || path.is_dir() {
                continue;
            }
        }
        let _ = std::fs::write(&path, &file.bytes);
    }
    let config = case.set.config.as_deref().unwrap_or(b"");
    std::fs::write(work.join("schema-lint.toml"), config).map_err(|e| e.to_string())?;
    let args: String = case.args.iter().map(|a| format!("{a}\n")).collect();
    std::fs::write(work.join("args"), args).map_err(|e| e.to_string())?;
    Ok(())
}

/// The baseline file of cases run with `--baseline`.
const BASELINE: &str = "base.json";

/// Every format once, every property checked; two formats again, which
/// must print the same bytes.
fn run_case(oracle: &Oracle, case: &Case, rng: &mut Rng, tokens: &[Vec<u8>]) -> Result<(), String> {
    write_baseline(case, rng, tokens)?;
    let mut runs = Vec::new();
    for format in FORMATS {
        let run = run_in_process(format, &case.args)?;
        oracle
            .check(format, &run)
            .map_err(|e| format!("--format {format}: {e}"))?;
        runs.push(run);
    }
    let input_bytes = case.set.files.iter().map(|f| f.bytes.len()).sum();
    oracle.agree(&runs, input_bytes)?;
    for _ in 0..2 {
        let index = rng.below(FORMATS.len());
        let again = run_in_process(FORMATS[index], &case.args)?;
        if again != runs[index] {
            return Err(format!(
                "--format {}: a rerun printed other bytes",
                FORMATS[index]
            ));
        }
    }
    Ok(())
}

/// For a case run with `--baseline`: the baseline of the same arguments,
/// written with `--write-baseline`, and sometimes mutated.
fn write_baseline(case: &Case, rng: &mut Rng, tokens: &[Vec<u8>]) -> Result<(), String> {
    let flag = format!("--baseline={BASELINE}");
    let Some(at) = case.args.iter().position(|a| *a == flag) else {
        return Ok(());
    };
    let _ = std::fs::remove_file(BASELINE);
    let mut args = case.args.clone();
    args[at] = format!("--write-baseline={BASELINE}");
    let run = run_in_process("json", &args)?;
    if !matches!(run.code, 0 | 2) {
        return Err(format!("--write-baseline: exit code {}", run.code));
    }
    if run.code == 2 && std::path::Path::new(BASELINE).exists() && !run.stderr.is_empty() {
        let text = String::from_utf8_lossy(&run.stderr);
        if text.contains("could not be read") {
            return Err("--write-baseline wrote a baseline after an input error".to_string());
        }
    }
    if rng.chance(30)
        && let Ok(mut bytes) = std::fs::read(BASELINE)
    {
        mutate::mutate_bytes(rng, &mut bytes, tokens);
        std::fs::write(BASELINE, bytes).map_err(|e| e.to_string())?;
    }
    Ok(())
}

static LAST_PANIC: Mutex<Option<String>> = Mutex::new(None);

/// One run of the command line in this process; a panic is an error.
fn run_in_process(format: &str, args: &[String]) -> Result<Run, String> {
    let mut argv: Vec<OsString> = ["schema-lint", "--format", format, "--config"]
        .iter()
        .map(OsString::from)
        .collect();
    argv.push("schema-lint.toml".into());
    argv.extend(args.iter().map(OsString::from));
    let cli = match Cli::try_parse_from(argv) {
        Ok(cli) => cli,
        Err(error) => {
            return Ok(Run {
                code: error.exit_code(),
                stdout: Vec::new(),
                stderr: error.to_string().into_bytes(),
            });
        }
    };
    let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
    let result = catch_unwind(AssertUnwindSafe(|| {
        let mut io = Io {
            out: &mut stdout,
            err: &mut stderr,
            input: &mut std::io::empty(),
            color: false,
            error_color: false,
        };
        // Thousands of runs in one process: each frees what it built.
        run_lint_then(cli.lint, &mut io, After::RunAgain)
    }));
    match result {
        Ok(code) => Ok(Run {
            code: i32::from(code),
            stdout,
            stderr,
        }),
        Err(_) => {
            let message = LAST_PANIC.lock().ok().and_then(|mut p| p.take());
            Err(format!(
                "--format {format}: {}",
                message.unwrap_or_else(|| "panic".to_string())
            ))
        }
    }
}

fn save_failure(work: &Path, target: &Path, failure: &str) -> Result<(), String> {
    copy_dir(work, target).map_err(|e| format!("{}: {e}", target.display()))?;
    std::fs::write(target.join("failure.txt"), format!("{failure}\n")).map_err(|e| e.to_string())
}

fn copy_dir(from: &Path, to: &Path) -> std::io::Result<()> {
    std::fs::create_dir_all(to)?;
    for entry in std::fs::read_dir(from)? {
        let entry = entry?;
        if entry.file_name() == schema_lint::load::CACHE_FOLDER {
            continue;
        }
        let target = to.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            copy_dir(&entry.path(), &target)?;
        } else {
            std::fs::copy(entry.path(), target)?;
        }
    }
    Ok(())
}

// ----- hangs -------------------------------------------------------------------

/// A thread that ends the process when a case runs past the time bound: a
/// hung case cannot be interrupted, only reported (and kept).
struct Watchdog {
    current: Arc<Mutex<Option<(u64, Instant)>>>,
}

impl Watchdog {
    fn start(options: &Options, work: PathBuf, failures: PathBuf) -> Watchdog {
        let current: Arc<Mutex<Option<(u64, Instant)>>> = Arc::new(Mutex::new(None));
        let watched = Arc::clone(&current);
        let (seed, timeout) = (options.seed, options.timeout);
        std::thread::spawn(move || {
            loop {
                std::thread::sleep(Duration::from_millis(100));
                let running = watched.lock().ok().and_then(|c| *c);
                if let Some((case, since)) = running
                    && since.elapsed() > timeout
                {
                    let name = format!("{seed}-{case}");
                    let failure = format!("hang: still running after {timeout:?}");
                    eprintln!("case {name}: {failure}");
                    let _ = save_failure(&work, &failures.join(&name), &failure);
                    std::process::exit(1);
                }
            }
        });
        Watchdog { current }
    }

    fn watch(&self, case: u64) {
        if let Ok(mut current) = self.current.lock() {
            *current = Some((case, Instant::now()));
        }
    }

    fn unwatch(&self) {
        if let Ok(mut current) = self.current.lock() {
            *current = None;
        }
    }
}
