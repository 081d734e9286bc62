//! The CI output formats (`--format sarif|github|gitlab|junit|rdjson`),
//! rendered through the library from a small diesel migration set written
//! to a temporary folder.
//!
//! Most tests select only the rules the set is written for, so that rules
//! added later do not change the counts asserted here; one test runs the
//! default settings and checks what must hold whatever the rules find.

mod common;

use std::fs;
use std::path::{Component, Path, PathBuf};

use clap::ValueEnum;
use schema_lint::config::{self, CommandLine, Fixes, Settings};
use schema_lint::lint::{Outcome, lint};
use schema_lint::report::{self, Format, Style};
use serde_json::Value;
use tempfile::TempDir;

const POSTS: &str = "\
-- posts
CREATE TABLE posts (
    id BIGSERIAL PRIMARY KEY,
    title VARCHAR(255) NOT NULL,
    published_at TIMESTAMP
);
";

/// A folder name with a space (diesel allows it); a non-ASCII column name
/// before a finding (characters and bytes differ); markup in a name.
const USERS: &str = "\
CREATE TABLE users (
    id BIGSERIAL PRIMARY KEY,
    \"naïve\" VARCHAR(10),
    \"a<b&c\" VARCHAR
);
";

/// Two identical findings in one file (same rule, same message, no object).
const ODD: &str = "SELEC 1;\nSELEC 1;\n";

const TAGS: &str = "\
CREATE TABLE tags (
    id BIGSERIAL PRIMARY KEY,
    name TEXT NOT NULL
);
";

const POSTS_DIR: &str = "2024-01-01-000000_create_posts";
const USERS_DIR: &str = "2024-01-01-000001_add users";
const ODD_DIR: &str = "2024-01-01-000002_odd,name:100%";
const TAGS_DIR: &str = "2024-01-01-000003_create_tags";

/// A migration set in a temporary folder, named by a path relative to the
/// current directory (as a user in a repository would name it).
struct Set {
    dir: TempDir,
    /// The relative path passed to `lint`, with forward slashes.
    root: String,
}

impl Set {
    fn new() -> Set {
        let dir = tempfile::tempdir().expect("tempdir");
        let set = Set {
            root: relative_from_cwd(dir.path()),
            dir,
        };
        set.write(POSTS_DIR, POSTS, "DROP TABLE posts;\n");
        set.write(USERS_DIR, USERS, "DROP TABLE users;\n");
        set.write(ODD_DIR, ODD, "SELECT 1;\n");
        set.write(TAGS_DIR, TAGS, "DROP TABLE tags;\n");
        set
    }

    fn write(&self, folder: &str, up: &str, down: &str) {
        let path = self.dir.path().join(folder);
        fs::create_dir_all(&path).expect("mkdir");
        fs::write(path.join("up.sql"), up).expect("write up.sql");
        fs::write(path.join("down.sql"), down).expect("write down.sql");
    }

    fn path(&self, folder: &str, file: &str) -> String {
        format!("{}/{folder}/{file}", self.root)
    }

    fn lint_with(&self, settings: &Settings) -> Outcome {
        lint(&[PathBuf::from(&self.root)], settings)
    }

    fn lint(&self) -> Outcome {
        self.lint_with(&selected())
    }
}

/// `target` relative to the current directory (`../../tmp/.tmpX` and the
/// like): the formats must print relative paths as given.
fn relative_from_cwd(target: &Path) -> String {
    let cwd = std::env::current_dir()
        .and_then(fs::canonicalize)
        .expect("cwd");
    let target = fs::canonicalize(target).expect("canonical tempdir");
    let cwd: Vec<Component> = cwd.components().collect();
    let target: Vec<Component> = target.components().collect();
    let common = cwd.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<String> = vec!["..".to_string(); cwd.len() - common];
    parts.extend(
        target[common..]
            .iter()
            .map(|c| c.as_os_str().to_string_lossy().into_owned()),
    );
    parts.join("/")
}

fn selected() -> Settings {
    let cli = CommandLine {
        select: Some(
            ["parse-error", "prefer-text", "prefer-timestamptz"]
                .map(String::from)
                .to_vec(),
        ),
        ..CommandLine::default()
    };
    config::parse("", PathBuf::from("."), &cli).expect("settings")
}

fn render(outcome: &Outcome, format: Format) -> String {
    report::render(outcome, format, Style::default())
}

fn json(outcome: &Outcome, format: Format) -> Value {
    serde_json::from_str(&render(outcome, format)).expect("valid JSON")
}

/// The findings this set produces with the selected rules, in report order:
/// (folder, rule, line, column, end line, end column).
const EXPECTED: [(&str, &str, usize, usize, usize, usize); 6] = [
    (POSTS_DIR, "prefer-text", 4, 11, 4, 23),
    (POSTS_DIR, "prefer-timestamptz", 5, 18, 5, 27),
    (USERS_DIR, "prefer-text", 3, 13, 3, 24),
    (USERS_DIR, "prefer-text", 4, 13, 4, 20),
    (ODD_DIR, "parse-error", 1, 1, 1, 8),
    (ODD_DIR, "parse-error", 2, 1, 2, 8),
];

#[test]
fn the_set_produces_the_expected_findings() {
    let set = Set::new();
    let outcome = set.lint();
    let found: Vec<_> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let p = report::position(&outcome, d).expect("a file position");
            let path = report::path(&outcome, d);
            (
                path,
                d.rule.name(),
                p.line,
                p.column,
                p.end_line,
                p.end_column,
            )
        })
        .collect();
    let expected: Vec<_> = EXPECTED
        .iter()
        .map(|&(dir, rule, l, c, el, ec)| (set.path(dir, "up.sql"), rule, l, c, el, ec))
        .collect();
    assert_eq!(found, expected);
    assert_eq!(outcome.files_checked(), 8);
}

// --- SARIF -----------------------------------------------------------------

use common::{assert_valid_sarif, sarif_validator};

#[test]
fn sarif_is_valid_against_the_schema() {
    let set = Set::new();
    let log = json(&set.lint(), Format::Sarif);
    assert_valid_sarif(&log);

    // The validation has teeth: broken documents are rejected.
    let validator = sarif_validator();
    let mut bad_level = log.clone();
    bad_level["runs"][0]["results"][0]["level"] = Value::from("fatal");
    assert!(!validator.is_valid(&bad_level));
    let mut bad_region = log.clone();
    bad_region["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        Value::from(0);
    assert!(!validator.is_valid(&bad_region));
    let mut no_tool = log.clone();
    if let Some(run) = no_tool["runs"][0].as_object_mut() {
        run.remove("tool");
    }
    assert!(!validator.is_valid(&no_tool));
    let mut bad_uri = log;
    bad_uri["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] =
        Value::from("a b/%zz");
    assert!(!validator.is_valid(&bad_uri));
}

#[test]
fn sarif_describes_every_rule() {
    let set = Set::new();
    let log = json(&set.lint(), Format::Sarif);
    let run = &log["runs"][0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "schema-lint");
    assert_eq!(driver["version"], env!("CARGO_PKG_VERSION"));
    let rules = driver["rules"].as_array().expect("rules");
    let ids: Vec<&str> = rules.iter().filter_map(|r| r["id"].as_str()).collect();
    assert_eq!(ids, schema_lint::rules::names());
    for rule in rules {
        let meta = schema_lint::rules::RuleId::from_name(rule["id"].as_str().unwrap_or_default())
            .expect("registered")
            .def();
        assert_eq!(rule["shortDescription"]["text"], meta.summary);
        assert_eq!(rule["help"]["markdown"], meta.doc);
        assert_eq!(rule["helpUri"], report::rule_url(meta.name));
        let level = match meta.default_severity.map(|s| s.name()) {
            None => "none",
            Some("info") => "note",
            Some(other) => other,
        };
        assert_eq!(
            rule["defaultConfiguration"]["level"], level,
            "{}",
            meta.name
        );
    }
    let prefer_text = &rules[ids.iter().position(|&id| id == "prefer-text").unwrap_or(0)];
    assert!(
        prefer_text["fullDescription"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("Reports columns of type `VARCHAR(n)`")),
        "{prefer_text}"
    );
}

#[test]
fn sarif_results_point_at_the_findings() {
    let set = Set::new();
    let log = json(&set.lint(), Format::Sarif);
    let run = &log["runs"][0];
    assert_eq!(run["columnKind"], "unicodeCodePoints");
    assert_eq!(run["invocations"][0]["executionSuccessful"], true);
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    assert_eq!(results.len(), EXPECTED.len());
    for (result, &(dir, rule, l, c, el, ec)) in results.iter().zip(&EXPECTED) {
        assert_eq!(result["ruleId"], rule);
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], rule);
        let level = if rule == "parse-error" {
            "warning"
        } else {
            "error"
        };
        assert_eq!(result["level"], level);
        let location = &result["locations"][0]["physicalLocation"];
        let uri = set
            .path(dir, "up.sql")
            .replace('%', "%25")
            .replace(' ', "%20")
            .replace(':', "%3A");
        assert_eq!(location["artifactLocation"]["uri"], uri);
        let region = &location["region"];
        let got = [
            &region["startLine"],
            &region["startColumn"],
            &region["endLine"],
            &region["endColumn"],
        ];
        assert_eq!(
            got,
            [l, c, el, ec].map(Value::from).each_ref(),
            "{rule} {dir}"
        );
    }
    // The help text follows the message.
    assert!(
        results[0]["message"]["text"]
            .as_str()
            .is_some_and(|t| t.starts_with("column `posts.title` is `VARCHAR(255)`")
                && t.contains("\nhelp: PostgreSQL stores TEXT and VARCHAR alike"))
    );
    // The space in the diesel folder name is percent-encoded.
    assert!(
        results[2]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .is_some_and(|u| u.ends_with("/2024-01-01-000001_add%20users/up.sql"))
    );
    assert!(
        results[4]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .is_some_and(|u| u.ends_with("/2024-01-01-000002_odd,name%3A100%25/up.sql"))
    );
    // parse-error points at where the parser stopped.
    assert_eq!(
        results[4]["relatedLocations"][0]["message"]["text"],
        "the parser stopped here"
    );
}

fn sarif_fingerprints(outcome: &Outcome) -> Vec<String> {
    json(outcome, Format::Sarif)["runs"][0]["results"]
        .as_array()
        .expect("results")
        .iter()
        .map(|r| {
            r["partialFingerprints"]["schemaLintObject/v1"]
                .as_str()
                .expect("fingerprint")
                .to_string()
        })
        .collect()
}

#[test]
fn sarif_fingerprints_are_distinct_and_survive_line_shifts() {
    let set = Set::new();
    let before = sarif_fingerprints(&set.lint());
    let mut unique = before.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), before.len(), "{before:?}");

    set.write(POSTS_DIR, &format!("\n{POSTS}"), "DROP TABLE posts;\n");
    let outcome = set.lint();
    assert_eq!(
        report::position(&outcome, &outcome.diagnostics[0])
            .unwrap()
            .line,
        5
    );
    assert_eq!(sarif_fingerprints(&outcome), before);
}

#[test]
fn sarif_reports_unreadable_files_as_notifications() {
    let set = Set::new();
    let missing = format!("{}/missing.sql", set.root);
    let outcome = lint(
        &[PathBuf::from(&set.root), PathBuf::from(&missing)],
        &selected(),
    );
    assert_eq!(outcome.input_errors.len(), 1);
    let log = json(&outcome, Format::Sarif);
    assert_valid_sarif(&log);
    let invocation = &log["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], false);
    let notification = &invocation["toolExecutionNotifications"][0];
    assert_eq!(notification["level"], "error");
    assert_eq!(
        notification["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        missing
    );
}

// --- GitHub Actions --------------------------------------------------------

#[test]
fn github_prints_one_escaped_command_per_finding() {
    let set = Set::new();
    let outcome = set.lint();
    let text = render(&outcome, Format::Github);
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), EXPECTED.len(), "{text}");

    let d = &outcome.diagnostics[0];
    let help = d.help.as_deref().expect("prefer-text has help");
    assert_eq!(
        lines[0],
        format!(
            "::error file={},line=4,col=11,endLine=4,endColumn=23,title=prefer-text::{}%0Ahelp: {help}",
            set.path(POSTS_DIR, "up.sql"),
            d.message
        )
    );
    assert!(lines[1].starts_with(&format!(
        "::error file={},line=5,col=18,endLine=5,endColumn=27,title=prefer-timestamptz::",
        set.path(POSTS_DIR, "up.sql")
    )));
    // A space needs no escaping; `,` `:` `%` in a property do.
    assert!(lines[2].contains("/2024-01-01-000001_add users/up.sql,line=3,col=13,"));
    assert!(lines[4].starts_with(&format!(
        "::warning file={}/2024-01-01-000002_odd%2Cname%3A100%25/up.sql,line=1,col=1,endLine=1,endColumn=8,title=parse-error::could not parse this statement: ",
        set.root
    )));
    // The message part keeps `:` and `,` as they are.
    assert!(lines[4].contains("could not parse this statement: "));
}

#[test]
fn github_reports_unreadable_files() {
    let set = Set::new();
    let missing = format!("{}/missing.sql", set.root);
    let outcome = lint(&[PathBuf::from(&missing)], &selected());
    let text = render(&outcome, Format::Github);
    assert!(
        text.starts_with(&format!("::error file={missing},title=schema-lint::")),
        "{text}"
    );
    assert_eq!(text.lines().count(), 1);
}

// --- GitLab Code Quality ---------------------------------------------------

fn gitlab_fingerprints(outcome: &Outcome) -> Vec<String> {
    json(outcome, Format::Gitlab)
        .as_array()
        .expect("array")
        .iter()
        .map(|issue| {
            issue["fingerprint"]
                .as_str()
                .expect("fingerprint")
                .to_string()
        })
        .collect()
}

#[test]
fn gitlab_issues_carry_location_and_severity() {
    let set = Set::new();
    let outcome = set.lint();
    let issues = json(&outcome, Format::Gitlab);
    let issues = issues.as_array().expect("array");
    assert_eq!(issues.len(), EXPECTED.len());
    for ((issue, d), &(dir, rule, l, c, el, ec)) in
        issues.iter().zip(&outcome.diagnostics).zip(&EXPECTED)
    {
        assert_eq!(issue["check_name"], rule);
        assert_eq!(issue["description"], d.message.as_str());
        let severity = if rule == "parse-error" {
            "minor"
        } else {
            "major"
        };
        assert_eq!(issue["severity"], severity);
        let location = &issue["location"];
        assert_eq!(location["path"], set.path(dir, "up.sql"));
        assert_eq!(location["lines"]["begin"], l);
        assert_eq!(location["positions"]["begin"]["line"], l);
        assert_eq!(location["positions"]["begin"]["column"], c);
        assert_eq!(location["positions"]["end"]["line"], el);
        assert_eq!(location["positions"]["end"]["column"], ec);
        assert_eq!(
            issue["content"]["body"],
            d.help.as_deref().unwrap_or_default()
        );
    }
}

#[test]
fn gitlab_fingerprints_are_stable_distinct_and_position_free() {
    let set = Set::new();
    let first = gitlab_fingerprints(&set.lint());
    assert_eq!(
        gitlab_fingerprints(&set.lint()),
        first,
        "same input, same fingerprints"
    );
    assert!(
        first
            .iter()
            .all(|f| f.len() == 64 && f.bytes().all(|b| b.is_ascii_hexdigit()))
    );
    let mut unique = first.clone();
    unique.sort();
    unique.dedup();
    // Including the two identical parse errors in one file.
    assert_eq!(unique.len(), first.len(), "{first:?}");

    // A blank line above the findings moves them, but not their identity.
    set.write(POSTS_DIR, &format!("\n{POSTS}"), "DROP TABLE posts;\n");
    set.write(ODD_DIR, &format!("\n\n{ODD}"), "SELECT 1;\n");
    let shifted = set.lint();
    let issues = json(&shifted, Format::Gitlab);
    assert_eq!(issues[0]["location"]["lines"]["begin"], 5);
    assert_eq!(issues[4]["location"]["lines"]["begin"], 3);
    assert_eq!(gitlab_fingerprints(&shifted), first);

    // A different object is a different finding.
    set.write(
        POSTS_DIR,
        &POSTS.replace("title VARCHAR", "heading VARCHAR"),
        "DROP TABLE posts;\n",
    );
    let renamed = gitlab_fingerprints(&set.lint());
    assert_ne!(renamed[0], first[0]);
    assert_eq!(renamed[1..], first[1..]);
}

#[test]
fn gitlab_paths_and_fingerprints_ignore_a_leading_dot_slash() {
    let set = Set::new();
    let plain = set.lint();
    let dotted = lint(&[PathBuf::from(format!("./{}", set.root))], &selected());
    assert_eq!(
        report::path(&dotted, &dotted.diagnostics[0]),
        format!("./{}", set.path(POSTS_DIR, "up.sql")),
        "the human formats keep the path as named"
    );
    let issues = json(&dotted, Format::Gitlab);
    assert_eq!(issues[0]["location"]["path"], set.path(POSTS_DIR, "up.sql"));
    assert_eq!(gitlab_fingerprints(&dotted), gitlab_fingerprints(&plain));
}

// --- JUnit -----------------------------------------------------------------

#[test]
fn junit_has_a_test_case_per_checked_file() {
    let set = Set::new();
    let outcome = set.lint();
    let xml = render(&outcome, Format::Junit);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .expect("testsuite");
    assert_eq!(suite.attribute("name"), Some("schema-lint"));
    assert_eq!(suite.attribute("tests"), Some("8"));
    assert_eq!(suite.attribute("failures"), Some("3"));
    assert_eq!(suite.attribute("errors"), Some("0"));

    let cases: Vec<_> = suite
        .children()
        .filter(|n| n.has_tag_name("testcase"))
        .collect();
    let names: Vec<&str> = cases.iter().filter_map(|c| c.attribute("name")).collect();
    let expected: Vec<String> = outcome
        .project
        .files
        .iter()
        .filter(|f| f.reported())
        .map(|f| f.source.display_path())
        .collect();
    assert_eq!(names, expected);
    let tags = set.path(TAGS_DIR, "up.sql");
    let clean = cases
        .iter()
        .find(|c| c.attribute("name") == Some(tags.as_str()))
        .expect("the clean file is a test case");
    assert_eq!(clean.children().filter(|n| n.is_element()).count(), 0);

    let failures: Vec<_> = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .collect();
    assert_eq!(failures.len(), EXPECTED.len());
    for (failure, d) in failures.iter().zip(&outcome.diagnostics) {
        assert_eq!(failure.attribute("type"), Some(d.rule.name()));
        // Markup in the message (`a<b&c`) survives the round trip.
        assert_eq!(failure.attribute("message"), Some(d.message.as_str()));
    }
    let markup = failures[3].text().expect("body");
    assert!(markup.contains("a<b&c"), "{markup}");
    assert!(
        markup.starts_with(&format!(
            "{}:4:13: error[prefer-text] ",
            set.path(USERS_DIR, "up.sql")
        )),
        "{markup}"
    );
    assert!(markup.contains("\nhelp: "), "{markup}");
}

#[test]
fn junit_reports_unreadable_files_as_errors() {
    let set = Set::new();
    let missing = format!("{}/missing.sql", set.root);
    let outcome = lint(
        &[PathBuf::from(&set.root), PathBuf::from(&missing)],
        &selected(),
    );
    let xml = render(&outcome, Format::Junit);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let suite = doc
        .descendants()
        .find(|n| n.has_tag_name("testsuite"))
        .expect("testsuite");
    assert_eq!(suite.attribute("tests"), Some("9"));
    assert_eq!(suite.attribute("errors"), Some("1"));
    let error = doc
        .descendants()
        .find(|n| n.has_tag_name("error"))
        .expect("error");
    assert_eq!(
        error.parent().and_then(|p| p.attribute("name")),
        Some(missing.as_str())
    );
}

// --- reviewdog -------------------------------------------------------------

#[test]
fn rdjson_uses_byte_columns_and_rule_urls() {
    let set = Set::new();
    let outcome = set.lint();
    let result = json(&outcome, Format::Rdjson);
    assert_eq!(result["source"]["name"], "schema-lint");
    assert_eq!(result["severity"], "ERROR");
    let diagnostics = result["diagnostics"].as_array().expect("diagnostics");
    assert_eq!(diagnostics.len(), EXPECTED.len());
    for (d, &(dir, rule, ..)) in diagnostics.iter().zip(&EXPECTED) {
        assert_eq!(d["code"]["value"], rule);
        assert_eq!(
            d["code"]["url"],
            format!("https://github.com/schema-lint/schema-lint/blob/main/rules/{rule}.md")
        );
        assert_eq!(d["location"]["path"], set.path(dir, "up.sql"));
        let severity = if rule == "parse-error" {
            "WARNING"
        } else {
            "ERROR"
        };
        assert_eq!(d["severity"], severity);
    }
    let range = |i: usize| {
        let r = &diagnostics[i]["location"]["range"];
        [
            &r["start"]["line"],
            &r["start"]["column"],
            &r["end"]["line"],
            &r["end"]["column"],
        ]
        .map(|v| v.as_u64().unwrap_or(0))
    };
    assert_eq!(range(0), [4, 11, 4, 23]);
    // `"naïve" VARCHAR(10)`: `ï` is two bytes, so byte columns are one more
    // than the character columns (3:13–3:24) the other formats print.
    assert_eq!(range(2), [3, 14, 3, 25]);
    assert!(
        diagnostics[0]["message"]
            .as_str()
            .is_some_and(|m| m.contains("\nhelp: "))
    );
}

// --- All formats -----------------------------------------------------------

const CI_FORMATS: [Format; 5] = [
    Format::Sarif,
    Format::Github,
    Format::Gitlab,
    Format::Junit,
    Format::Rdjson,
];

#[test]
fn output_is_deterministic() {
    let set = Set::new();
    for format in CI_FORMATS {
        let a = render(&set.lint(), format);
        let b = render(&set.lint(), format);
        assert_eq!(a, b, "{format:?}");
    }
}

#[test]
fn clean_runs_render_empty_reports() {
    let dir = tempfile::tempdir().expect("tempdir");
    let folder = dir.path().join(TAGS_DIR);
    fs::create_dir_all(&folder).expect("mkdir");
    fs::write(folder.join("up.sql"), TAGS).expect("write");
    let outcome = lint(&[dir.path().to_path_buf()], &selected());
    assert!(outcome.diagnostics.is_empty());
    let log = json(&outcome, Format::Sarif);
    assert_valid_sarif(&log);
    assert_eq!(log["runs"][0]["results"], Value::Array(Vec::new()));
    assert_eq!(render(&outcome, Format::Github), "");
    assert_eq!(json(&outcome, Format::Gitlab), Value::Array(Vec::new()));
    let rdjson = json(&outcome, Format::Rdjson);
    assert!(rdjson.get("severity").is_none());
    assert_eq!(rdjson["diagnostics"], Value::Array(Vec::new()));
    let xml = render(&outcome, Format::Junit);
    assert!(xml.contains(r#"tests="1" failures="0""#), "{xml}");
}

/// With every default rule on, whatever they find: SARIF stays valid and
/// every format reports each finding once.
#[test]
fn default_settings_render_consistently() {
    let set = Set::new();
    let outcome = set.lint_with(&Settings::default_settings());
    let count = outcome.diagnostics.len();
    assert!(count >= EXPECTED.len());
    let log = json(&outcome, Format::Sarif);
    assert_valid_sarif(&log);
    assert_eq!(
        log["runs"][0]["results"].as_array().map(Vec::len),
        Some(count)
    );
    assert_eq!(render(&outcome, Format::Github).lines().count(), count);
    assert_eq!(
        json(&outcome, Format::Gitlab).as_array().map(Vec::len),
        Some(count)
    );
    assert_eq!(
        json(&outcome, Format::Rdjson)["diagnostics"]
            .as_array()
            .map(Vec::len),
        Some(count)
    );
    let xml = render(&outcome, Format::Junit);
    let doc = roxmltree::Document::parse(&xml).expect("well-formed XML");
    let failures = doc
        .descendants()
        .filter(|n| n.has_tag_name("failure"))
        .count();
    assert_eq!(failures, count);
}

/// A run builds only the fixes its report shows (`Settings::fixes`, set by
/// the command line from `Format::fixes_shown`): every format prints the
/// same bytes as with every fix built, and the run builds fewer.
#[test]
fn each_format_prints_the_same_with_only_the_fixes_it_shows() {
    let set = Set::new();
    let mut settings =
        config::parse("", PathBuf::from("."), &CommandLine::default()).expect("settings");
    let all = set.lint_with(&settings);
    let fixable = fixes_built(&all);
    assert!(fixable > 1, "the set has several fixable findings");
    for &format in Format::value_variants() {
        settings.fixes = format.fixes_shown();
        let run = set.lint_with(&settings);
        assert_eq!(run.diagnostics.len(), all.diagnostics.len());
        assert_eq!(render(&run, format), render(&all, format), "{format:?}");
        let built = fixes_built(&run);
        match settings.fixes {
            Fixes::All => assert_eq!(built, fixable, "{format:?}"),
            Fixes::Marks => assert!(0 < built && built < fixable, "{format:?}: {built}"),
            Fixes::None => assert_eq!(built, 0, "{format:?}"),
        }
    }
}

/// `Fixes::Marks` (`full`'s table marks the rules with fixable findings):
/// a rule is marked only by a finding that is surely reported, so fixes of
/// findings that a suppression comment removes later do not stand for the
/// reported ones, whichever is checked first.
#[test]
fn full_marks_a_fixable_rule_whose_only_reported_finding_follows_suppressed_ones() {
    let dir = tempfile::tempdir().expect("tempdir");
    for (folder, table, suppressed) in [
        ("2024-01-01-000000_a", "a_items", true),
        ("2024-01-01-000001_b", "b_items", false),
        ("2024-01-01-000002_c", "c_items", true),
    ] {
        let path = dir.path().join("migrations").join(folder);
        fs::create_dir_all(&path).expect("mkdir");
        let comment = if suppressed {
            "-- schema-lint: ignore prefer-text\n"
        } else {
            ""
        };
        let up = format!(
            "{comment}CREATE TABLE {table} (id BIGSERIAL PRIMARY KEY, name VARCHAR(10), seen TIMESTAMP);\n"
        );
        fs::write(path.join("up.sql"), up).expect("write up.sql");
        fs::write(path.join("down.sql"), format!("DROP TABLE {table};\n")).expect("write");
    }
    let paths = [dir.path().join("migrations")];
    let mut settings =
        config::parse("", PathBuf::from("."), &CommandLine::default()).expect("settings");
    let all = lint(&paths, &settings);
    settings.fixes = Fixes::Marks;
    let marks = lint(&paths, &settings);
    let full = render(&marks, Format::Full);
    assert_eq!(full, render(&all, Format::Full));
    let line = full
        .lines()
        .find(|line| line.contains(" prefer-text "))
        .unwrap_or_else(|| panic!("the table of rules lists prefer-text:\n{full}"));
    assert!(line.contains("[*] prefer-text"), "{line}");
}

fn fixes_built(outcome: &Outcome) -> usize {
    outcome
        .diagnostics
        .iter()
        .filter(|d| d.fix.is_some())
        .count()
}

/// The command line lets go of the files' texts after their load, and
/// reads a file again only where a report shows its source; the library
/// keeps them. Both print the same report in every format: with a
/// suppression (its comment is read from the model, not the file), a file
/// that is not ASCII (kept: its columns count characters) and a line
/// longer than the chunks the line index counts characters by.
#[test]
fn the_command_line_prints_what_the_library_renders() {
    let set = Set::new();
    let long = format!("-- {}\n", "x".repeat(3000));
    set.write(
        "2024-01-01-000004_create_notes",
        &format!(
            "{long}CREATE TABLE notes (\n    id BIGSERIAL PRIMARY KEY,\n    -- schema-lint: ignore prefer-text -- kept short\n    title VARCHAR(80),\n    body VARCHAR(9)\n);\n"
        ),
        "DROP TABLE notes;\n",
    );
    let outcome = set.lint();
    assert!(outcome.suppressed > 0);
    let select = "parse-error,prefer-text,prefer-timestamptz";
    for format in Format::value_variants() {
        let name = format
            .to_possible_value()
            .expect("named")
            .get_name()
            .to_string();
        let output = common::schema_lint(Path::new("."))
            .args(["--no-cache", "--fail-on", "never", "--select", select])
            .args(["--format", &name, &set.root])
            .output()
            .expect("run");
        let printed = String::from_utf8_lossy(&output.stdout);
        assert_eq!(printed, render(&outcome, *format), "{name}");
    }
}

/// A set large enough to be loaded in parts (over 4,096 files): the
/// command line moves each part's facts out of the files' records
/// (`load::ParkedFacts`) and shares their statements, suppression comments
/// and line indexes (`load::shared`), which the library does not; both
/// print the same.
#[test]
fn a_set_loaded_in_parts_prints_what_the_library_renders() {
    let dir = tempfile::tempdir().expect("tempdir");
    let root = relative_from_cwd(dir.path());
    for i in 1..=4200 {
        let parent = i.max(2) - 1;
        // Suppressions, used and unused, judged against the statements.
        let directive = match i % 7 {
            0 => "    -- schema-lint: ignore prefer-text -- short on purpose\n",
            1 => "    -- schema-lint: ignore prefer-timestamptz -- nothing to ignore\n",
            _ => "",
        };
        let mut sql = format!(
            "CREATE TABLE t_{i} (\n    id BIGINT PRIMARY KEY,\n    parent_id BIGINT REFERENCES t_{parent} (id),\n{directive}    name VARCHAR(20)\n);\n"
        );
        if i % 100 == 0 {
            let older = i - 50;
            sql.push_str(&format!(
                "ALTER TABLE t_{older} ADD COLUMN note VARCHAR(5);\nCREATE INDEX idx_t_{older}_parent_id ON t_{older} (parent_id);\n"
            ));
        }
        fs::write(dir.path().join(format!("{i:05}_t_{i}.sql")), sql).expect("write");
    }
    let settings =
        config::parse("", PathBuf::from("."), &CommandLine::default()).expect("settings");
    let outcome = lint(&[PathBuf::from(&root)], &settings);
    assert!(
        outcome.diagnostics.len() > 8000,
        "{}",
        outcome.diagnostics.len()
    );
    assert_eq!(outcome.suppressed, 600);
    let unused = outcome
        .diagnostics
        .iter()
        .filter(|d| d.rule.name() == "unused-suppression");
    assert_eq!(unused.count(), 600);
    let output = common::schema_lint(Path::new("."))
        .args([
            "--no-cache",
            "--fail-on",
            "never",
            "--format",
            "json",
            &root,
        ])
        .output()
        .expect("run");
    let printed = String::from_utf8_lossy(&output.stdout);
    assert_eq!(printed, render(&outcome, Format::Json));
}
