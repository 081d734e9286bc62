//! Configuration, inline suppressions and the documentation built into the
//! binary, as a user meets them.

mod common;

use std::fs;

use common::{Scratch, lint_json, repo, rule_counts, schema_lint};

fn seed_003_with_config(config: &str) -> Scratch {
    let scratch = Scratch::new();
    scratch.write(
        "migrations/20251122000001_create_devices.sql",
        "CREATE TABLE devices (id UUID PRIMARY KEY DEFAULT gen_random_uuid(), name TEXT NOT NULL);\n",
    );
    scratch.write(
        "migrations/20251122000002_create_captures.sql",
        "CREATE TABLE captures (\n    id UUID PRIMARY KEY DEFAULT gen_random_uuid(),\n    device_id UUID NOT NULL REFERENCES devices(id),\n    status TEXT NOT NULL DEFAULT 'pending'\n);\nCREATE INDEX idx_captures_device ON captures(device_id);\n",
    );
    scratch.write("schema-lint.toml", config);
    scratch
}

#[test]
fn config_tunes_rules() {
    let scratch = seed_003_with_config(
        "[rules]\nignore = [\"status-lookup\"]\n\n[rules.bigint-primary-key]\nallow = [\"uuid\"]\n",
    );
    let (_, document) = lint_json(scratch.path(), &[]);
    let counts = rule_counts(&document);
    assert!(!counts.contains_key("bigint-primary-key"), "{counts:?}");
    assert!(!counts.contains_key("status-lookup"), "{counts:?}");
    assert_eq!(counts.get("bigint-foreign-key"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("explicit-fk-actions"), Some(&1), "{counts:?}");
    assert_eq!(counts.get("index-naming"), Some(&1), "{counts:?}");
}

#[test]
fn config_is_found_in_a_parent_folder_and_the_command_line_wins() {
    let scratch =
        seed_003_with_config("fail-on = \"never\"\n[rules]\nselect = [\"index-naming\"]\n");
    let nested = scratch.path().join("migrations");
    let output = schema_lint(&nested)
        .args(["--format", "concise", "."])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("error[index-naming]") && !stdout.contains("status-lookup"),
        "{stdout}"
    );
    let output = schema_lint(&nested)
        .args([
            "--format",
            "concise",
            "--select",
            "status-lookup",
            "--fail-on",
            "error",
            ".",
        ])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(
        stdout.contains("error[status-lookup]") && !stdout.contains("index-naming"),
        "{stdout}"
    );
}

#[test]
fn a_misspelt_rule_shows_the_toml_line() {
    let scratch = seed_003_with_config("[rules]\nignore = [\"status-lookpu\"]\n");
    let output = schema_lint(scratch.path()).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("unknown rule `status-lookpu`"), "{stderr}");
    assert!(stderr.contains("[schema-lint.toml:2:11]"), "{stderr}");
    assert!(stderr.contains("ignore = [\"status-lookpu\"]"), "{stderr}");
    assert!(stderr.contains("did you mean `status-lookup`?"), "{stderr}");
    assert!(output.stdout.is_empty());
}

#[test]
fn config_errors_exit_2_and_point_at_the_value() {
    let cases = [
        ("rots = [\"migrations\"]\n", "unknown field `rots`", "1:1"),
        ("fail-on = 3\n", "invalid type", "1:11"),
        ("fail-on = \"sometimes\"\n", "unknown fail-on level", "1:11"),
        (
            "[rules.index-naming]\ntemplat = \"x\"\n",
            "unknown field `templat`",
            "2:1",
        ),
        (
            "[rules.severity]\nprefer-text = \"loud\"\n",
            "expected one of error, warning, info, off",
            "2:1",
        ),
        (
            "[[overrides]]\npaths = [\"a/**\"]\nignore = [\"nope\"]\n",
            "unknown rule `nope`",
            "3:11",
        ),
    ];
    for (config, message, position) in cases {
        let scratch = seed_003_with_config(config);
        let output = schema_lint(scratch.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{config}: {stderr}");
        assert!(stderr.contains(message), "{config}: {stderr}");
        assert!(
            stderr.contains(&format!("schema-lint.toml:{position}")),
            "{config}: {stderr}"
        );
    }
}

#[test]
fn a_name_template_that_cannot_name_anything_is_a_config_error() {
    for (config, problem) in [
        (
            "[rules.index-naming]\ntemplate = \"{nonsense}{\"\n",
            "`{nonsense}` is not a placeholder",
        ),
        ("[rules.unique-naming]\ntemplate = \"\"\n", "it is empty"),
        (
            "[rules.unique-naming]\ntemplate = \"uq_{table\"\n",
            "a `{` is not closed",
        ),
    ] {
        let scratch = seed_003_with_config(config);
        let output = schema_lint(scratch.path()).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{config}: {stderr}");
        assert!(stderr.contains(problem), "{config}: {stderr}");
        assert!(
            stderr.contains("the placeholders `{table}` and `{columns}`"),
            "{config}: {stderr}"
        );
        assert!(
            stderr.contains("[schema-lint.toml:2:1]"),
            "{config}: {stderr}"
        );
        assert!(stderr.contains("template = \""), "{config}: {stderr}");
        assert!(output.stdout.is_empty(), "{config}");
    }
}

#[test]
fn overrides_and_severity() {
    let scratch = seed_003_with_config(
        "[rules]\nselect = [\"status-lookup\", \"explicit-fk-actions\"]\n[rules.severity]\nexplicit-fk-actions = \"info\"\n\
         [[overrides]]\npaths = [\"migrations/*_create_captures.sql\"]\nseverity = { status-lookup = \"warning\" }\n",
    );
    let (code, document) = lint_json(scratch.path(), &[]);
    let severities: Vec<(String, String)> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["rule"].as_str().unwrap().into(),
                d["severity"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(
        severities,
        [
            ("explicit-fk-actions".to_string(), "info".to_string()),
            ("status-lookup".to_string(), "warning".to_string())
        ]
    );
    assert_eq!(code, 0);
}

#[test]
fn exclude_leaves_files_out() {
    let scratch = seed_003_with_config("exclude = [\"migrations/*_create_captures.sql\"]\n");
    let (_, document) = lint_json(scratch.path(), &[]);
    assert_eq!(document["files_checked"], 1);
}

#[test]
fn inline_suppressions() {
    let scratch = Scratch::new();
    scratch.write(
        "m/0001_init.sql",
        "-- schema-lint: ignore prefer-text -- legacy column\n\
         CREATE TABLE a (name VARCHAR(10));\n\
         CREATE TABLE b (name VARCHAR(10));\n\
         CREATE TABLE c (name VARCHAR(10), seen TIMESTAMP); -- schema-lint: ignore prefer-text, prefer-timestamptz\n\
         /* schema-lint: ignore prefer-timestamptz */\n\
         CREATE TABLE d (name TEXT);\n",
    );
    let (_, document) = lint_json(
        scratch.path(),
        &[
            "--select",
            "prefer-text,prefer-timestamptz,unused-suppression",
            "m",
        ],
    );
    let found: Vec<(String, u64, u64)> = common::positions(&document);
    assert_eq!(
        found,
        [
            ("prefer-text".to_string(), 3, 22),
            ("unused-suppression".to_string(), 5, 24),
        ]
    );
}

#[test]
fn line_suppressions_cover_one_line_inside_a_statement() {
    let scratch = Scratch::new();
    scratch.write(
        "m/0001_init.sql",
        "CREATE TABLE a (\n\
         \x20   id BIGINT PRIMARY KEY,\n\
         \x20   -- schema-lint: ignore prefer-text -- the partner API caps it\n\
         \x20   -- a second comment between the directive and its line\n\
         \x20   code VARCHAR(12),\n\
         \x20   name VARCHAR(40),\n\
         \x20   legacy VARCHAR(40), -- schema-lint: ignore prefer-text\n\
         \x20   -- schema-lint: ignore prefer-timestamptz\n\
         \x20   note VARCHAR(5)\n\
         );\n",
    );
    let (_, document) = lint_json(
        scratch.path(),
        &[
            "--select",
            "prefer-text,prefer-timestamptz,unused-suppression",
            "m",
        ],
    );
    let found: Vec<(String, u64, u64)> = common::positions(&document);
    assert_eq!(
        found,
        [
            ("prefer-text".to_string(), 6, 10),
            ("unused-suppression".to_string(), 8, 28),
            ("prefer-text".to_string(), 9, 10),
        ]
    );
}

#[test]
fn file_suppressions_and_stale_ones() {
    let scratch = Scratch::new();
    scratch.write(
        "m/0001_init.sql",
        "CREATE TABLE a (name VARCHAR(10));\n\
         -- schema-lint: ignore-file prefer-text -- generated by a legacy tool\n\
         CREATE TABLE b (name VARCHAR(10));\n\
         -- schema-lint: ignore prefer-txt\n\
         CREATE TABLE c (n TEXT);\n",
    );
    let (_, document) = lint_json(
        scratch.path(),
        &["--select", "prefer-text,unused-suppression", "m"],
    );
    let messages: Vec<String> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            format!(
                "{} {}:{} {}",
                d["rule"].as_str().unwrap(),
                d["line"],
                d["column"],
                d["message"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        messages,
        ["unused-suppression 4:24 `prefer-txt` is not a rule; did you mean `prefer-text`?"]
    );
}

/// `unused-suppression` findings go through the rule's reporter like any
/// other: `[[overrides]]` set their severity, and one in a down migration
/// is reported (a suppression is judged wherever it is written).
#[test]
fn unused_suppressions_follow_overrides_in_down_migrations_too() {
    let scratch = Scratch::new();
    scratch.write(
        "m/000001_a.up.sql",
        "CREATE TABLE a (id BIGINT PRIMARY KEY, name TEXT);\n",
    );
    scratch.write(
        "m/000001_a.down.sql",
        "-- schema-lint: ignore prefer-text\nDROP TABLE a;\n",
    );
    scratch.write(
        "schema-lint.toml",
        "[[overrides]]\npaths = [\"m/*.down.sql\"]\nseverity = { unused-suppression = \"info\" }\n",
    );
    let (_, document) = lint_json(
        scratch.path(),
        &["--select", "prefer-text,unused-suppression", "m"],
    );
    let found: Vec<(String, String, u64)> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| {
            (
                d["path"].as_str().unwrap().to_string(),
                d["severity"].as_str().unwrap().to_string(),
                d["line"].as_u64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        found,
        [("m/000001_a.down.sql".to_string(), "info".to_string(), 1)]
    );
}

#[test]
fn rules_lists_every_rule() {
    let output = schema_lint(&repo()).arg("rules").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    for name in schema_lint::rules::names() {
        assert!(
            stdout.lines().any(|l| l.starts_with(name)),
            "{name} missing:\n{stdout}"
        );
    }
    assert!(stdout.contains("prefer-text") && stdout.contains("error"));
    let output = schema_lint(&repo())
        .args(["rules", "--format", "json"])
        .output()
        .unwrap();
    let rules: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    let first = &rules[0];
    assert_eq!(first["name"], "parse-error");
    assert_eq!(first["default_severity"], "warning");
    let pk = rules
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == "bigint-primary-key")
        .unwrap();
    assert_eq!(pk["options"]["allow"], serde_json::json!([]));
}

#[test]
fn explain_prints_the_rule_document() {
    let output = schema_lint(&repo())
        .args(["explain", "prefer-text"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(0));
    let expected = fs::read_to_string(repo().join("rules/prefer-text.md")).unwrap();
    assert_eq!(String::from_utf8_lossy(&output.stdout), expected);
    let output = schema_lint(&repo())
        .args(["explain", "prefer-txt"])
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("did you mean `prefer-text`?"));
}

#[test]
fn init_writes_a_config_and_refuses_to_overwrite() {
    let scratch = Scratch::new();
    let output = schema_lint(scratch.path()).arg("init").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let written = fs::read_to_string(scratch.path().join("schema-lint.toml")).unwrap();
    for name in schema_lint::rules::names() {
        assert!(written.contains(name), "{name} missing from init output");
    }
    let again = schema_lint(scratch.path()).arg("init").output().unwrap();
    assert_eq!(again.status.code(), Some(2));
    assert_eq!(
        fs::read_to_string(scratch.path().join("schema-lint.toml")).unwrap(),
        written
    );
}

#[test]
fn the_lookup_suffix_is_one_setting_and_the_old_rule_options_say_where_it_went() {
    let scratch = Scratch::new();
    scratch.write(
        "m/0001_init.sql",
        "CREATE TABLE job_kinds (id BIGSERIAL PRIMARY KEY);\n\
         CREATE TABLE jobs (id BIGSERIAL PRIMARY KEY, kind_id BIGINT REFERENCES job_kinds (id) ON DELETE CASCADE ON UPDATE CASCADE);\n",
    );
    let select = ["--select", "status-fk-restrict,lookup-table-shape", "m"];
    scratch.write("schema-lint.toml", "[rules]\nlookup-suffix = \"_kinds\"\n");
    let (_, document) = lint_json(scratch.path(), &select);
    let rules: Vec<&str> = document["diagnostics"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d["rule"].as_str().unwrap())
        .collect();
    assert_eq!(
        rules,
        ["lookup-table-shape", "status-fk-restrict"],
        "{document:#}"
    );

    scratch.write(
        "schema-lint.toml",
        "[rules.status-fk-restrict]\nsuffix = \"_kinds\"\n",
    );
    let output = schema_lint(scratch.path()).args(select).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(
        stderr.contains("`rules.status-fk-restrict.suffix` is now one setting for every rule: `[rules] lookup-suffix`"),
        "{stderr}"
    );
    assert!(stderr.contains("lookup-suffix = \"_kinds\""), "{stderr}");
}
