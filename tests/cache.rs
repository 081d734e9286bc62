//! The cache of per-file facts (`.schema-lint-cache/`, `src/load/cache.rs`):
//! a warm run prints exactly what a cold run and a run without the cache
//! print, an edited file is never read from a stale entry, a damaged cache
//! is only a miss, and the cache stays where it is told and bounded.

mod common;

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Output;

use common::{CACHE_VARIABLE, Scratch, rule_counts, schema_lint};
use schema_lint::config::{self, CommandLine};
use schema_lint::lint;

/// Two sets: golang-migrate up and down files (a suppression used and one
/// unused, an unsupported statement, a parse error, a DO block, a byte that
/// is not UTF-8, a byte-order mark) and dbmate sections (an annotation
/// dbmate does not know), with findings in several files.
fn project() -> Scratch {
    let s = Scratch::new();
    s.write(
        "migrations/000001_users.up.sql",
        "-- schema-lint: ignore prefer-text -- legacy column\n\
         CREATE TABLE users (id SERIAL PRIMARY KEY, email VARCHAR(100) NOT NULL, created TIMESTAMP);\n\
         CREATE TYPE account_type AS (id BIGINT, name TEXT);\n\
         CREATE TABLE accounts OF account_type;\n\
         -- schema-lint: ignore char-fixed-width\n\
         CREATE INDEX ON users (email);\n",
    );
    s.write("migrations/000001_users.down.sql", "DROP TABLE users;\n");
    s.write(
        "migrations/000002_orders.up.sql",
        "CREATE TABLE orders (id BIGSERIAL PRIMARY KEY, user_id INT REFERENCES users (id), note VARCHAR(20));\n\
         CREATE TABLE broken (x int,,);\n\
         DO $$ BEGIN ALTER TABLE orders ADD COLUMN total NUMERIC; END $$;\n",
    );
    s.write(
        "migrations/000002_orders.down.sql",
        "DROP TABLE orders;\nDROP TABLE broken (;\n",
    );
    s.write(
        "migrations/000003_tags.up.sql",
        b"\xEF\xBB\xBF-- caf\xE9 (Latin-1)\nCREATE TABLE tags (id INT PRIMARY KEY, label CHAR(5));\n".as_slice(),
    );
    s.write("migrations/000003_tags.down.sql", "DROP TABLE tags;\n");
    s.write(
        "db/migrations/20240101000000_projects.sql",
        "-- migrate:up\n\
         CREATE TABLE projects (id INT PRIMARY KEY, name VARCHAR(50), owner_id BIGINT REFERENCES users (id));\n\
         -- migrate:dwn\n\
         -- migrate:down\n\
         DROP TABLE projects;\n",
    );
    s.write(
        "db/migrations/20240102000000_scenes.sql",
        "-- migrate:up\n\
         CREATE TABLE scenes (id BIGINT PRIMARY KEY, project_id BIGINT REFERENCES projects (id), title VARCHAR(80));\n\
         -- migrate:down\n\
         DROP TABLE scenes;\n",
    );
    s
}

const SETS: [&str; 2] = ["migrations", "db/migrations"];

/// A run in `dir` with the cache in `cache` (`None`: `--no-cache`).
fn run(dir: &Path, cache: Option<&Path>, args: &[&str]) -> Output {
    let mut command = schema_lint(dir);
    match cache {
        Some(cache) => command.env(CACHE_VARIABLE, cache),
        None => command.arg("--no-cache"),
    };
    command.args(args).output().expect("run")
}

/// What a run printed and its exit code.
fn printed(output: &Output) -> (Option<i32>, String, String) {
    (
        output.status.code(),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// The cache files of a folder with their bytes and modification times:
/// unchanged after a run means the run read every file from the cache.
fn snapshot(cache: &Path) -> Vec<(String, Vec<u8>, std::time::SystemTime)> {
    let mut files: Vec<_> = fs::read_dir(cache)
        .map(|entries| {
            entries
                .filter_map(Result::ok)
                .map(|entry| {
                    let path = entry.path();
                    let name = entry.file_name().to_string_lossy().into_owned();
                    let bytes = fs::read(&path).unwrap_or_default();
                    let modified = fs::metadata(&path)
                        .and_then(|m| m.modified())
                        .expect("mtime");
                    (name, bytes, modified)
                })
                .collect()
        })
        .unwrap_or_default();
    files.sort_by(|a, b| a.0.cmp(&b.0));
    files
}

fn set_files(cache: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = fs::read_dir(cache)
        .expect("cache folder")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("set-"))
        })
        .collect();
    files.sort();
    files
}

/// Writes `bytes` to `path` and sets its modification time back to what it
/// was: an edit that only the bytes and the change time tell.
fn write_keeping_mtime(path: &Path, bytes: &[u8]) {
    let modified = fs::metadata(path)
        .and_then(|m| m.modified())
        .expect("mtime");
    fs::write(path, bytes).expect("write");
    fs::File::options()
        .write(true)
        .open(path)
        .and_then(|f| f.set_modified(modified))
        .expect("set mtime");
}

#[test]
fn the_fixture_has_what_the_cache_must_keep() {
    let s = project();
    let output = run(s.path(), None, &["--format", "json", SETS[0], SETS[1]]);
    let document: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    let rules = rule_counts(&document);
    for rule in [
        "parse-error",
        "unsupported-statement",
        "unused-suppression",
        "prefer-text",
        "migration-layout",
        "foreign-key-index",
    ] {
        assert!(rules.contains_key(rule), "{rule} missing: {rules:?}");
    }
    let files: std::collections::BTreeSet<&str> = document["diagnostics"]
        .as_array()
        .expect("diagnostics")
        .iter()
        .filter_map(|d| d["path"].as_str())
        .collect();
    assert!(files.len() >= 4, "{files:?}");
}

#[test]
fn cold_and_warm_runs_print_the_same_bytes_as_no_cache() {
    let s = project();
    let cache = Scratch::new();
    for format in ["json", "full", "concise", "sarif"] {
        let args = ["--format", format, SETS[0], SETS[1]];
        let without = printed(&run(s.path(), None, &args));
        let _ = fs::remove_dir_all(cache.path().join("c"));
        let folder = cache.path().join("c");
        let cold = printed(&run(s.path(), Some(&folder), &args));
        let written = snapshot(&folder);
        assert_eq!(set_files(&folder).len(), 2, "one cache file per set");
        let warm = printed(&run(s.path(), Some(&folder), &args));
        assert_eq!(cold, without, "--format {format}: cold");
        assert_eq!(warm, without, "--format {format}: warm");
        assert_eq!(
            snapshot(&folder),
            written,
            "--format {format}: the warm run parsed a file again"
        );
        assert_eq!(without.0, Some(1));
    }
}

/// The cache is read in the library too: every file's facts come back as
/// they were parsed, with this run's file ids, which differ from the ids
/// the files had when they were stored (the sets were read in another order
/// and with another set before them).
#[test]
fn cached_facts_equal_parsed_facts_with_this_runs_file_ids() {
    let s = project();
    let cache = Scratch::new();
    let cli = CommandLine::default();
    let mut with_cache = config::load(None, &cli).expect("settings");
    with_cache.cache = Some(cache.path().to_path_buf());
    let without = config::load(None, &cli).expect("settings");
    let first = s.path().join(SETS[0]);
    let second = s.path().join(SETS[1]);

    let (cold, _) = lint::read(&[first.clone(), second.clone()], &with_cache);
    assert_eq!(cold.cached, 0);
    for paths in [
        vec![second.clone(), first.clone()],
        vec![second.clone()],
        vec![first.clone(), second.clone()],
        vec![first.join("000002_orders.up.sql")],
    ] {
        let (warm, warm_errors) = lint::read(&paths, &with_cache);
        let (fresh, fresh_errors) = lint::read(&paths, &without);
        assert_eq!(warm.cached, warm.files.len(), "{paths:?}");
        assert_eq!(fresh.cached, 0);
        assert_eq!(format!("{warm_errors:?}"), format!("{fresh_errors:?}"));
        assert_eq!(warm.files.len(), fresh.files.len());
        for (warm, fresh) in warm.files.iter().zip(&fresh.files) {
            assert_eq!(format!("{warm:#?}"), format!("{fresh:#?}"));
        }
    }
    // And the whole pipeline on top of it.
    let paths = [second, first];
    let warm = lint::lint(&paths, &with_cache);
    let fresh = lint::lint(&paths, &without);
    assert_eq!(warm.project.cached, warm.project.files.len());
    assert_eq!(
        format!("{:?}", warm.diagnostics),
        format!("{:?}", fresh.diagnostics)
    );
}

/// Run one set, then another set before it: the second run's file ids of
/// the first set are not the ids they were stored with.
#[test]
fn file_ids_of_this_run_are_used() {
    let s = project();
    let cache = Scratch::new();
    let args = ["--format", "json", SETS[1]];
    let _ = run(s.path(), Some(cache.path()), &args);
    let both = ["--format", "json", SETS[0], SETS[1]];
    let _ = run(s.path(), Some(cache.path()), &both);
    let written = snapshot(cache.path());
    for args in [
        &both[..],
        &args[..],
        &["--format", "full", SETS[1], SETS[0]][..],
    ] {
        let warm = printed(&run(s.path(), Some(cache.path()), args));
        let without = printed(&run(s.path(), None, args));
        assert_eq!(warm, without, "{args:?}");
    }
    assert_eq!(snapshot(cache.path()), written);
}

/// A file the run does not report on, unchanged since the cache stored its
/// facts (its `stat` says so), is not read at all; a write to it, even one
/// that keeps its length and modification time, is seen.
#[test]
fn settled_context_files_are_not_read_until_written() {
    let s = project();
    let cache = Scratch::new();
    // An entry trusts its file's `stat` only when the file had not changed
    // for a few seconds when the entry was stored.
    std::thread::sleep(std::time::Duration::from_millis(3_200));
    let mut settings = config::load(None, &CommandLine::default()).expect("settings");
    settings.cache = Some(cache.path().to_path_buf());
    let named = s.path().join("migrations/000002_orders.up.sql");
    let cold = lint::lint(std::slice::from_ref(&named), &settings);
    assert!(cold.project.files.iter().all(|f| f.source.is_read()));

    let warm = lint::lint(std::slice::from_ref(&named), &settings);
    assert_eq!(warm.project.cached, warm.project.files.len());
    for file in &warm.project.files {
        let path = file.source.display_path();
        assert_eq!(file.source.is_read(), file.reported(), "{path}");
    }
    assert_eq!(
        format!("{:?}", warm.diagnostics),
        format!("{:?}", cold.diagnostics)
    );
    let args = ["--format", "json", "migrations/000002_orders.up.sql"];
    let before = printed(&run(s.path(), Some(cache.path()), &args));
    assert_eq!(before, printed(&run(s.path(), None, &args)));

    // A later file (a byte-order mark, a byte that is not UTF-8) indexes
    // the named file's foreign key instead, in a write that keeps its
    // length and modification time.
    let context = s.path().join("migrations/000003_tags.up.sql");
    let bytes = fs::read(&context).expect("read");
    let table = b"CREATE TABLE tags (id INT PRIMARY KEY, label CHAR(5));".as_slice();
    let at = bytes
        .windows(table.len())
        .position(|w| w == table)
        .expect("the statement");
    let index = format!(
        "{:width$}",
        "CREATE INDEX ON orders (user_id);",
        width = table.len()
    );
    let mut edited = bytes.clone();
    edited[at..at + table.len()].copy_from_slice(index.as_bytes());
    write_keeping_mtime(&context, &edited);
    let after = printed(&run(s.path(), Some(cache.path()), &args));
    assert_ne!(after, before, "the edit changes the findings");
    assert_eq!(after, printed(&run(s.path(), None, &args)));
}

/// An edit is seen on the next run, also one that keeps the file's length
/// and modification time; the cache then holds the new text's facts only.
#[test]
fn an_edited_file_is_parsed_again() {
    let s = project();
    let cache = Scratch::new();
    let args = ["--format", "json", SETS[0], SETS[1]];
    let before = printed(&run(s.path(), Some(cache.path()), &args));
    let first_cache = snapshot(cache.path());

    let file = s.path().join("migrations/000002_orders.up.sql");
    let text = fs::read_to_string(&file).expect("read");
    // `note VARCHAR(20)` becomes `note TEXT       `: the same length.
    let edited = text.replace("note VARCHAR(20)", "note TEXT       ");
    assert_eq!(edited.len(), text.len());
    write_keeping_mtime(&file, edited.as_bytes());

    let after = printed(&run(s.path(), Some(cache.path()), &args));
    assert_ne!(after, before, "the edit changes the findings");
    assert_eq!(after, printed(&run(s.path(), None, &args)));
    assert!(before.1.contains("VARCHAR(20)") && !after.1.contains("VARCHAR(20)"));

    // Back to the first text: the cache is what the first run wrote, byte
    // for byte (an edit replaces its file's entry, it adds none).
    fs::write(&file, &text).expect("write");
    assert_eq!(printed(&run(s.path(), Some(cache.path()), &args)), before);
    let contents = |files: &[(String, Vec<u8>, std::time::SystemTime)]| {
        files
            .iter()
            .map(|(name, bytes, _)| (name.clone(), bytes.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(contents(&snapshot(cache.path())), contents(&first_cache));

    // A file deleted, one added: the set's cache file follows the set.
    fs::remove_file(s.path().join("migrations/000003_tags.up.sql")).expect("rm");
    fs::remove_file(s.path().join("migrations/000003_tags.down.sql")).expect("rm");
    s.write(
        "migrations/000004_notes.up.sql",
        "CREATE TABLE notes (id INT PRIMARY KEY, body VARCHAR(10));\n",
    );
    let changed = printed(&run(s.path(), Some(cache.path()), &args));
    assert_eq!(changed, printed(&run(s.path(), None, &args)));
    assert!(changed.1.contains("000004_notes") && !changed.1.contains("000003_tags"));
    assert_eq!(set_files(cache.path()).len(), 2);
}

/// Whatever happened to the cache file, the output is the correct one, with
/// the same exit code and nothing said about the cache.
#[test]
fn a_damaged_cache_is_a_miss() {
    let s = project();
    let cache = Scratch::new();
    let args = ["--format", "json", SETS[0], SETS[1]];
    let expected = printed(&run(s.path(), None, &args));
    let _ = run(s.path(), Some(cache.path()), &args);
    let files = set_files(cache.path());
    assert_eq!(files.len(), 2);
    let good: Vec<Vec<u8>> = files.iter().map(|f| fs::read(f).expect("read")).collect();
    type Damage = fn(&[u8]) -> Vec<u8>;
    let damages: [(&str, Damage); 8] = [
        ("empty", |_| Vec::new()),
        ("garbage", |b| {
            (0..b.len()).map(|i| (i * 7 + 3) as u8).collect()
        }),
        ("truncated", |b| b[..b.len() / 2].to_vec()),
        ("last byte cut", |b| b[..b.len() - 1].to_vec()),
        ("a byte flipped", |b| {
            let mut b = b.to_vec();
            let middle = b.len() / 2;
            b[middle] ^= 0x55;
            b
        }),
        ("checksum flipped", |b| {
            let mut b = b.to_vec();
            let last = b.len() - 1;
            b[last] ^= 1;
            b
        }),
        ("doubled", |b| [b, b].concat()),
        ("magic only", |_| b"SLFACTS\0".to_vec()),
    ];
    for (what, damage) in damages {
        for (file, bytes) in files.iter().zip(&good) {
            fs::write(file, damage(bytes)).expect("write");
        }
        let output = printed(&run(s.path(), Some(cache.path()), &args));
        assert_eq!(output, expected, "{what}");
        // The miss rewrote the cache: the next run reads it.
        for (file, bytes) in files.iter().zip(&good) {
            assert_eq!(&fs::read(file).expect("read"), bytes, "{what}: rewritten");
        }
    }
    // A folder where a cache file should be, a cache folder that is a
    // file: nothing read, nothing written, nothing said.
    for file in &files {
        fs::remove_file(file).expect("rm");
        fs::create_dir(file).expect("mkdir");
    }
    assert_eq!(printed(&run(s.path(), Some(cache.path()), &args)), expected);
    let not_a_folder = cache.write("file", "not a folder");
    assert_eq!(
        printed(&run(s.path(), Some(&not_a_folder), &args)),
        expected
    );
    let below_a_file = not_a_folder.join("cache");
    assert_eq!(
        printed(&run(s.path(), Some(&below_a_file), &args)),
        expected
    );
}

/// By default the cache is `.schema-lint-cache/` in the project folder:
/// the config file's folder, else the current one; it ignores itself in
/// git and is tagged as a cache.
#[test]
fn the_cache_is_in_the_project_folder_and_ignores_itself() {
    let s = project();
    let output = schema_lint(s.path())
        .args(["--format", "json", SETS[0]])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    let folder = s.path().join(".schema-lint-cache");
    assert_eq!(
        fs::read_to_string(folder.join(".gitignore")).expect(".gitignore"),
        "# Created by schema-lint: its cache, never committed.\n*\n"
    );
    assert!(
        fs::read_to_string(folder.join("CACHEDIR.TAG"))
            .expect("CACHEDIR.TAG")
            .starts_with("Signature: 8a477f597d28d172789f06886806bc55")
    );
    assert_eq!(set_files(&folder).len(), 1);

    // From a subfolder, with the config file above it: the config's folder.
    let p = Scratch::new();
    p.write("schema-lint.toml", "roots = [\"migrations\"]\n");
    p.write(
        "migrations/0001_a.sql",
        "CREATE TABLE a (id INT PRIMARY KEY);\n",
    );
    p.write("sub/deeper/.keep", "");
    let output = schema_lint(&p.path().join("sub/deeper"))
        .output()
        .expect("run");
    assert!(
        output.status.code().is_some_and(|c| c < 2),
        "{}",
        printed(&output).2
    );
    assert_eq!(set_files(&p.path().join(".schema-lint-cache")).len(), 1);
    assert!(!p.path().join("sub/deeper/.schema-lint-cache").exists());
}

#[test]
fn no_cache_reads_and_writes_nothing() {
    let s = project();
    for args in [
        &["--no-cache", "--format", "json", SETS[0]][..],
        &["sets", "--no-cache", SETS[0]][..],
        &["fix", "--no-cache", "--dry-run", SETS[0]][..],
        &["schema", "--no-cache", SETS[0]][..],
    ] {
        let output = schema_lint(s.path()).args(args).output().expect("run");
        assert!(
            output.status.code().is_some_and(|c| c < 2),
            "{args:?}: {}",
            printed(&output).2
        );
        assert!(!s.path().join(".schema-lint-cache").exists(), "{args:?}");
    }
    // `--no-cache` also ignores a cache that is there.
    let cache = Scratch::new();
    let args = ["--format", "json", SETS[0]];
    let _ = run(s.path(), Some(cache.path()), &args);
    let written = snapshot(cache.path());
    let output = schema_lint(s.path())
        .env(CACHE_VARIABLE, cache.path())
        .arg("--no-cache")
        .args(args)
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(snapshot(cache.path()), written);
}

#[test]
fn the_variable_moves_the_cache() {
    let s = project();
    let elsewhere = Scratch::new();
    let folder = elsewhere.path().join("some/where");
    let output = schema_lint(s.path())
        .env(CACHE_VARIABLE, &folder)
        .args(["--format", "json", SETS[0], SETS[1]])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert_eq!(set_files(&folder).len(), 2);
    assert!(folder.join(".gitignore").is_file());
    assert!(!s.path().join(".schema-lint-cache").exists());
    // An existing folder is used as it is: no tags written into it.
    let existing = Scratch::new();
    let _ = schema_lint(s.path())
        .env(CACHE_VARIABLE, existing.path())
        .args(["--format", "json", SETS[0]])
        .output()
        .expect("run");
    assert_eq!(set_files(existing.path()).len(), 1);
    assert!(!existing.path().join(".gitignore").exists());
}

/// A file given as text (stdin, an editor's buffer) is looked up, never
/// stored: the entry of the file on disk stays.
#[test]
fn a_buffer_does_not_replace_the_files_entry() {
    let s = project();
    let cache = Scratch::new();
    let args = ["--format", "json", SETS[0]];
    let _ = run(s.path(), Some(cache.path()), &args);
    let written = snapshot(cache.path());
    let named = "migrations/000002_orders.up.sql";
    for text in [
        "CREATE TABLE orders (id BIGINT PRIMARY KEY, note VARCHAR(5));\n".to_string(),
        fs::read_to_string(s.path().join(named)).expect("read"),
    ] {
        let mut command = schema_lint(s.path());
        let buffered = command
            .env(CACHE_VARIABLE, cache.path())
            .args(["--format", "json", "--stdin-filename", named, "-"])
            .write_stdin(text.clone())
            .output()
            .expect("run");
        let without = schema_lint(s.path())
            .args([
                "--no-cache",
                "--format",
                "json",
                "--stdin-filename",
                named,
                "-",
            ])
            .write_stdin(text)
            .output()
            .expect("run");
        assert_eq!(printed(&buffered), printed(&without));
        assert_eq!(snapshot(cache.path()), written);
    }
}
