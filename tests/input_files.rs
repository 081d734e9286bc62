//! Input that is not a plain, readable, UTF-8 migration never hangs, never
//! grows without bound and never silently drops a file: FIFOs and devices
//! are not read, an unreadable folder costs only itself, a file name that
//! is not UTF-8 is still linted, a byte-order mark and stray bytes cost
//! nothing but a finding, a file over the size cap is named.

mod common;

use common::{Scratch, lint_json, positions, schema_lint};

const VARCHAR: &str = "CREATE TABLE t (id BIGINT, n VARCHAR(3));\n";

#[cfg(unix)]
fn mkfifo(path: &std::path::Path) {
    let status = std::process::Command::new("mkfifo")
        .arg(path)
        .status()
        .expect("mkfifo");
    assert!(status.success());
}

/// A FIFO or a link to a device named `*.sql` in a migrations folder is
/// named as not read; the other files are linted (before: the run blocked
/// forever on the FIFO, or read /dev/zero until memory ran out).
#[cfg(unix)]
#[test]
fn fifos_and_devices_are_not_read() {
    let s = Scratch::new();
    s.write("m/0001_a.sql", VARCHAR);
    mkfifo(&s.path().join("m/0002_fifo.sql"));
    std::os::unix::fs::symlink("/dev/zero", s.path().join("m/0003_zero.sql")).expect("link");
    std::os::unix::fs::symlink("/dev/urandom", s.path().join("m/0004_random.sql")).expect("link");
    let output = schema_lint(s.path())
        .args(["--format", "concise", "--select", "prefer-text", "m"])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(output.status.code(), Some(2), "{stdout}{stderr}");
    assert!(
        stderr.contains("m/0002_fifo.sql: not a regular file (a FIFO); not read"),
        "{stderr}"
    );
    assert!(
        stderr.contains("m/0003_zero.sql: not a regular file (a device); not read"),
        "{stderr}"
    );
    assert!(
        stderr.contains("m/0004_random.sql: not a regular file (a device); not read"),
        "{stderr}"
    );
    assert!(
        stdout.contains("m/0001_a.sql:1:30: error[prefer-text]"),
        "{stdout}"
    );
}

/// Named on the command line, a FIFO is refused the same way.
#[cfg(unix)]
#[test]
fn a_named_fifo_is_not_read() {
    let s = Scratch::new();
    mkfifo(&s.path().join("0001_fifo.sql"));
    let output = schema_lint(s.path())
        .args(["0001_fifo.sql"])
        .timeout(std::time::Duration::from_secs(30))
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("0001_fifo.sql: not a regular file (a FIFO); not read"),
        "{stderr}"
    );
}

/// An unreadable sub-folder is named; its readable siblings are still
/// linted (before: "0 files"). Permissions do not bind root, so as root the
/// binary runs as `nobody` (with `setpriv`).
#[cfg(unix)]
#[test]
fn an_unreadable_folder_costs_only_itself() {
    use std::os::unix::fs::PermissionsExt;
    let s = Scratch::outside_repository();
    std::fs::set_permissions(s.path(), std::fs::Permissions::from_mode(0o755)).expect("chmod");
    s.write("repo/a/0001_a.sql", VARCHAR);
    s.write("repo/locked/0001_b.sql", VARCHAR);
    for dir in ["repo", "repo/a"] {
        std::fs::set_permissions(s.path().join(dir), std::fs::Permissions::from_mode(0o755))
            .expect("chmod");
    }
    std::fs::set_permissions(
        s.path().join("repo/a/0001_a.sql"),
        std::fs::Permissions::from_mode(0o644),
    )
    .expect("chmod");
    let locked = s.path().join("repo/locked");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o000)).expect("chmod");
    let binary = assert_cmd::cargo::cargo_bin("schema-lint");
    let mut command = if is_root() {
        let mut setpriv = std::process::Command::new("setpriv");
        setpriv
            .args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(&binary);
        setpriv
    } else {
        std::process::Command::new(&binary)
    };
    let output = command
        .current_dir(s.path())
        .args(["--format", "json", "--select", "prefer-text", "repo"])
        .output()
        .expect("run");
    std::fs::set_permissions(&locked, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(
        output.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert_eq!(positions(&report), [("prefer-text".to_string(), 1, 30)]);
    assert_eq!(report["errors"][0]["path"], "repo/locked");
    assert_eq!(
        report["errors"][0]["message"],
        "cannot read folder: permission denied"
    );
}

#[cfg(unix)]
fn is_root() -> bool {
    std::process::Command::new("id")
        .arg("-u")
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).trim() == "0")
}

/// A file whose name is not UTF-8 is linted, named on the command line or
/// found in a folder (before: skipped with exit 0).
#[cfg(unix)]
#[test]
fn a_file_name_that_is_not_utf8_is_linted() {
    use std::os::unix::ffi::OsStrExt;
    let s = Scratch::new();
    let name = std::ffi::OsStr::from_bytes(b"0001_caf\xe9.sql");
    std::fs::create_dir_all(s.path().join("m")).expect("mkdir");
    std::fs::write(s.path().join("m").join(name), VARCHAR).expect("write");
    for path in [s.path().join("m"), s.path().join("m").join(name)] {
        let output = schema_lint(s.path())
            .args(["--format", "concise", "--select", "prefer-text"])
            .arg(&path)
            .output()
            .expect("run");
        let stdout = String::from_utf8_lossy(&output.stdout);
        assert_eq!(output.status.code(), Some(1), "{stdout}");
        assert!(
            stdout.contains("0001_caf\u{fffd}.sql:1:30: error[prefer-text]"),
            "{stdout}"
        );
    }
}

/// A byte-order mark is skipped: the first statement parses and its
/// findings are at the columns an editor shows (before: a parse error
/// that hid them). Byte offsets count the mark, as the file does.
#[test]
fn a_byte_order_mark_is_skipped() {
    let s = Scratch::new();
    s.write("m/0001_a.sql", format!("\u{feff}{VARCHAR}"));
    let (code, report) = lint_json(s.path(), &["--select", "prefer-text,parse-error", "m"]);
    assert_eq!(code, 1);
    assert_eq!(positions(&report), [("prefer-text".to_string(), 1, 30)]);
    assert_eq!(report["diagnostics"][0]["byte_start"], 32);
}

/// A byte that is not UTF-8 is a finding at its line and column; the
/// file's other statements are linted (before: the whole file was an
/// input error).
#[test]
fn a_stray_byte_is_reported_where_it_is() {
    let s = Scratch::new();
    s.write(
        "m/0001_a.sql",
        b"-- caf\xe9\nCREATE TABLE t (id BIGINT, n VARCHAR(3));\n",
    );
    let (code, report) = lint_json(s.path(), &["--select", "prefer-text,parse-error", "m"]);
    assert_eq!(code, 1);
    assert_eq!(
        positions(&report),
        [
            ("parse-error".to_string(), 1, 7),
            ("prefer-text".to_string(), 2, 30)
        ]
    );
}

/// A file over `--max-file-size` is named, not read; the others are.
#[test]
fn files_over_the_size_cap_are_named() {
    let s = Scratch::new();
    s.write("m/0001_a.sql", VARCHAR);
    s.write("m/0002_big.sql", "-- padding\n".repeat(200));
    let output = schema_lint(s.path())
        .args([
            "--format",
            "concise",
            "--select",
            "prefer-text",
            "--max-file-size",
            "1KiB",
            "m",
        ])
        .output()
        .expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("m/0002_big.sql: file is 2200 bytes, over the 1024-byte limit (`--max-file-size`); not read"),
        "{stderr}"
    );
    s.write("schema-lint.toml", "max-file-size = \"4KiB\"\n");
    let output = schema_lint(s.path())
        .args(["--select", "prefer-text", "m"])
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(1));
}
