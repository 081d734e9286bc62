//! Fixtures carry their expectations, rustc-UI-test style: a comment
//! `-- expect: <rule> `<underlined text>`` at the end of the line where a
//! finding must start. `check` compares them with what a run reported.

use std::fs;
use std::path::{Path, PathBuf};

use schema_lint::lint::Outcome;

#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Expected {
    path: String,
    line: usize,
    rule: String,
    text: Option<String>,
}

pub fn sql_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(dir)
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.path().extension().is_some_and(|x| x == "sql"))
        .map(|e| e.into_path())
        .collect();
    files.sort();
    files
}

/// `-- expect: rule`, `-- expect: rule `text``, several separated by `,`.
pub fn expectations(path: &Path) -> Vec<Expected> {
    let text = fs::read_to_string(path).unwrap_or_default();
    let mut out = Vec::new();
    for (index, line) in text.lines().enumerate() {
        let Some(at) = line.find("-- expect:") else {
            continue;
        };
        let mut rest = &line[at + "-- expect:".len()..];
        loop {
            rest = rest.trim_start().trim_start_matches(',').trim_start();
            let name_end = rest
                .find(|c: char| c.is_whitespace() || c == ',')
                .unwrap_or(rest.len());
            if name_end == 0 {
                break;
            }
            let rule = rest[..name_end].to_string();
            rest = rest[name_end..].trim_start();
            let mut expected_text = None;
            if let Some(quoted) = rest.strip_prefix('`') {
                let close = quoted
                    .find('`')
                    .expect("unterminated `text` in expectation");
                expected_text = Some(quoted[..close].to_string());
                rest = &quoted[close + 1..];
            }
            out.push(Expected {
                path: path.display().to_string(),
                line: index + 1,
                rule,
                text: expected_text,
            });
        }
    }
    out
}

/// Every expected finding of the `.sql` files under `case` is reported
/// and nothing else is; `Ok` with the number of expectations.
pub fn check(case: &Path, outcome: &Outcome) -> Result<usize, String> {
    let mut expected: Vec<Expected> = sql_files(case)
        .iter()
        .flat_map(|f| expectations(f))
        .collect();
    expected.sort();
    let mut actual: Vec<(Expected, String)> = outcome
        .diagnostics
        .iter()
        .map(|d| {
            let source = &outcome.project.file(d.file).source;
            let start = source.line_col(d.span.start);
            let underlined = source.slice(&d.span);
            let first_line = underlined.lines().next().unwrap_or("").to_string();
            (
                Expected {
                    path: source.path().display().to_string(),
                    line: start.line,
                    rule: d.rule.to_string(),
                    text: Some(first_line),
                },
                d.message.clone(),
            )
        })
        .collect();
    actual.sort();

    let mut problems = Vec::new();
    let mut unmatched: Vec<bool> = vec![true; actual.len()];
    for want in &expected {
        let found = actual.iter().enumerate().position(|(i, (got, _))| {
            unmatched[i]
                && got.path == want.path
                && got.line == want.line
                && got.rule == want.rule
                && want
                    .text
                    .as_ref()
                    .is_none_or(|t| got.text.as_ref() == Some(t))
        });
        match found {
            Some(i) => unmatched[i] = false,
            None => problems.push(format!(
                "missing: {}:{} {}{}",
                want.path,
                want.line,
                want.rule,
                want.text
                    .as_ref()
                    .map(|t| format!(" `{t}`"))
                    .unwrap_or_default()
            )),
        }
    }
    for (i, (got, message)) in actual.iter().enumerate() {
        if unmatched[i] {
            problems.push(format!(
                "unexpected: {}:{} {} `{}` ({message})",
                got.path,
                got.line,
                got.rule,
                got.text.as_deref().unwrap_or("")
            ));
        }
    }
    if problems.is_empty() {
        Ok(expected.len())
    } else {
        Err(problems.join("\n"))
    }
}
