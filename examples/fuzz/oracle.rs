//! What every run must satisfy, whatever the input: an exit code of 0, 1
//! or 2; JSON, SARIF (against its schema) and XML that parse; text without
//! raw control characters; every format reporting the same findings.
//! Shared by the fuzzing harness and `tests/fuzz_regressions.rs`.

use std::path::Path;

use serde_json::Value;

/// Every `--format`.
pub const FORMATS: [&str; 9] = [
    "full", "concise", "json", "sarif", "github", "gitlab", "junit", "rdjson", "markdown",
];

/// The most characters `--format markdown` prints (GitHub's limit for a
/// comment).
const MARKDOWN_LIMIT: usize = 65_536;

/// What one run printed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Run {
    pub code: i32,
    pub stdout: Vec<u8>,
    pub stderr: Vec<u8>,
}

pub struct Oracle {
    sarif: jsonschema::Validator,
}

/// The vendored SARIF schema has a pattern that strict regex engines
/// reject (see `tests/formats.rs`); escaped, it means the same.
const BROKEN_PATTERN: &str = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$""#;
const ESCAPED_PATTERN: &str = r#""^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}\\]?$""#;

impl Oracle {
    /// `repository` holds `tests/data/sarif-schema-2.1.0.json`.
    pub fn new(repository: &Path) -> Result<Oracle, String> {
        let path = repository.join("tests/data/sarif-schema-2.1.0.json");
        let text = std::fs::read_to_string(&path).map_err(|e| format!("{path:?}: {e}"))?;
        let schema: Value = serde_json::from_str(&text.replace(BROKEN_PATTERN, ESCAPED_PATTERN))
            .map_err(|e| format!("SARIF schema: {e}"))?;
        let sarif = jsonschema::draft7::options()
            .should_validate_formats(true)
            .build(&schema)
            .map_err(|e| format!("SARIF schema: {e}"))?;
        Ok(Oracle { sarif })
    }

    /// Checks one run in `format`.
    pub fn check(&self, format: &str, run: &Run) -> Result<(), String> {
        if !matches!(run.code, 0..=2) {
            return Err(format!("exit code {}", run.code));
        }
        plain_text("stderr", &run.stderr)?;
        if run.stdout.is_empty() && run.code == 2 {
            // A usage or config error: nothing was linted, nothing to report.
            return Ok(());
        }
        let stdout = std::str::from_utf8(&run.stdout).map_err(|e| format!("stdout: {e}"))?;
        match format {
            "json" => json_report(stdout).map(drop),
            "sarif" => self.sarif_report(stdout).map(drop),
            "gitlab" | "rdjson" => parse_json(format, stdout).map(drop),
            "junit" => roxmltree::Document::parse(stdout)
                .map(drop)
                .map_err(|e| format!("junit: {e}")),
            "markdown" => {
                plain_text(format, &run.stdout)?;
                let chars = stdout.chars().count();
                if chars > MARKDOWN_LIMIT {
                    return Err(format!("markdown: {chars} characters"));
                }
                Ok(())
            }
            _ => plain_text(format, &run.stdout),
        }
    }

    /// Checks that the formats of one input agree (`runs` in `FORMATS`
    /// order, every one already `check`ed): the same exit code and the same
    /// number of findings and unreadable paths everywhere, and no output
    /// larger than its findings explain (`input_bytes`: the size of the
    /// migration files).
    pub fn agree(&self, runs: &[Run], input_bytes: usize) -> Result<(), String> {
        let [
            full,
            concise,
            json,
            sarif,
            github,
            gitlab,
            junit,
            rdjson,
            markdown,
        ] = runs
        else {
            return Err(format!("{} runs for {} formats", runs.len(), FORMATS.len()));
        };
        if let Some(run) = runs.iter().find(|r| r.code != json.code) {
            return Err(format!("exit codes differ: {} and {}", json.code, run.code));
        }
        if json.stdout.is_empty() {
            return match runs.iter().find(|r| !r.stdout.is_empty()) {
                Some(_) => Err("a usage error in one format only".to_string()),
                None => Ok(()),
            };
        }
        let text = |run: &Run| String::from_utf8_lossy(&run.stdout).into_owned();
        let findings = json_report(&text(json))?["diagnostics"]
            .as_array()
            .map_or(0, Vec::len);
        let log = self.sarif_report(&text(sarif))?;
        let inputs = log["runs"][0]["invocations"][0]["toolExecutionNotifications"]
            .as_array()
            .map_or(0, Vec::len);
        let counts = [
            (
                "sarif",
                log["runs"][0]["results"].as_array().map_or(0, Vec::len),
            ),
            // One line per finding, then one per set (when there are
            // several) and the summary.
            (
                "concise",
                text(concise)
                    .lines()
                    .filter(|line| !line.starts_with("set "))
                    .count()
                    .saturating_sub(1),
            ),
            (
                "github",
                text(github).lines().count().saturating_sub(inputs),
            ),
            (
                "gitlab",
                json_len(&text(gitlab), "")?.saturating_sub(inputs),
            ),
            (
                "rdjson",
                json_len(&text(rdjson), "diagnostics")?.saturating_sub(inputs),
            ),
            ("junit", text(junit).matches("<failure ").count()),
            ("full", full_findings(&text(full))),
            ("markdown", markdown_findings(&text(markdown))?),
        ];
        for (format, count) in counts {
            if count != findings {
                return Err(format!("json has {findings} findings, {format} {count}"));
            }
        }
        if inputs > 0 && json.code != 2 {
            return Err(format!(
                "{inputs} unreadable paths but exit code {}",
                json.code
            ));
        }
        let limit = output_limit(findings + inputs, input_bytes);
        for (format, run) in FORMATS.iter().zip(runs) {
            if run.stdout.len() > limit {
                return Err(format!(
                    "--format {format}: {} bytes of output for {findings} findings of {input_bytes} bytes",
                    run.stdout.len()
                ));
            }
        }
        Ok(())
    }

    fn sarif_report(&self, text: &str) -> Result<Value, String> {
        let log = parse_json("sarif", text)?;
        if let Some(error) = self.sarif.iter_errors(&log).next() {
            return Err(format!(
                "invalid SARIF: {error} at {}",
                error.instance_path()
            ));
        }
        Ok(log)
    }
}

/// The most output a run may print: a fixed part (SARIF describes every
/// rule), a bounded part per finding (a window of source, a message and a
/// help of at most 600 characters each), and a part that may grow with the
/// input (the columns an object names) but never with findings × input.
fn output_limit(findings: usize, input_bytes: usize) -> usize {
    (1 << 20) + findings * 16 * 1024 + input_bytes * 2
}

fn parse_json(format: &str, text: &str) -> Result<Value, String> {
    serde_json::from_str(text).map_err(|e| format!("{format}: not JSON: {e}"))
}

/// The JSON report, with the positions every finding must have.
fn json_report(text: &str) -> Result<Value, String> {
    let document = parse_json("json", text)?;
    let diagnostics = document["diagnostics"]
        .as_array()
        .ok_or("json: no diagnostics array")?;
    for d in diagnostics {
        let number = |key: &str| d[key].as_u64().unwrap_or(0);
        let start = (number("line"), number("column"));
        let end = (number("end_line"), number("end_column"));
        if start.0 == 0 || start.1 == 0 || end < start || number("byte_end") < number("byte_start")
        {
            return Err(format!("json: bad position in {d}"));
        }
    }
    Ok(document)
}

/// Length of the array at `key` ("" for the document itself).
fn json_len(text: &str, key: &str) -> Result<usize, String> {
    let document = parse_json("json", text)?;
    let array = if key.is_empty() {
        &document
    } else {
        &document[key]
    };
    Ok(array.as_array().map_or(0, Vec::len))
}

/// Findings in `--format full`: each report's message line starts with its
/// severity's symbol (longer messages go on with `│`).
fn full_findings(text: &str) -> usize {
    text.lines()
        .filter(|line| ["  × ", "  ⚠ ", "  ☞ "].iter().any(|s| line.starts_with(s)))
        .count()
}

/// Findings in `--format markdown`: one list item per finding shown (`- [`
/// and its position), plus those the note says were left out.
fn markdown_findings(text: &str) -> Result<usize, String> {
    let shown = text.lines().filter(|line| line.starts_with("- [")).count();
    let Some(note) = text.lines().find(|line| line.contains(" not shown: ")) else {
        return Ok(shown);
    };
    let words: Vec<&str> = note.split(' ').collect();
    let left = match words.as_slice() {
        [">", count, "finding" | "findings", ..] => count
            .parse::<usize>()
            .map_err(|_| format!("markdown: a note without a count: {note}"))?,
        _ => 0,
    };
    Ok(shown + left)
}

/// Text for a terminal: no control character but line breaks and tabs (a
/// NUL or an escape sequence from the input must be shown, not sent).
fn plain_text(what: &str, bytes: &[u8]) -> Result<(), String> {
    let text = std::str::from_utf8(bytes).map_err(|e| format!("{what}: {e}"))?;
    let mut recent = std::collections::VecDeque::new();
    for c in text.chars() {
        if c.is_control() && c != '\n' && c != '\t' {
            let before: String = recent.iter().collect();
            return Err(format!(
                "{what}: raw control character {c:?} after {before:?}"
            ));
        }
        recent.push_back(c);
        if recent.len() > 40 {
            recent.pop_front();
        }
    }
    Ok(())
}
