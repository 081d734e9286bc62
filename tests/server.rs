//! `schema-lint server`, driven over stdin/stdout by a client as an editor
//! drives it: the real binary, the real framing.

mod common;

use std::io::{BufRead, BufReader, Write};
use std::path::{Path, PathBuf};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{Receiver, RecvTimeoutError, channel};
use std::time::{Duration, Instant};

use common::Scratch;
use serde_json::{Value, json};

/// Long enough for a debug build linting on a busy 2-core machine.
const PATIENCE: Duration = Duration::from_secs(60);

struct Client {
    child: Child,
    stdin: ChildStdin,
    incoming: Receiver<Value>,
    /// Messages read while waiting for another.
    unread: Vec<Value>,
    next_id: i64,
}

impl Client {
    fn start(dir: &Path) -> Client {
        let mut child = Command::new(env!("CARGO_BIN_EXE_schema-lint"))
            .arg("server")
            .current_dir(dir)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("start the server");
        let stdin = child.stdin.take().expect("stdin");
        let stdout = child.stdout.take().expect("stdout");
        let (sender, incoming) = channel();
        std::thread::spawn(move || {
            let mut reader = BufReader::new(stdout);
            while let Some(message) = read_message(&mut reader) {
                if sender.send(message).is_err() {
                    return;
                }
            }
        });
        Client {
            child,
            stdin,
            incoming,
            unread: Vec::new(),
            next_id: 1,
        }
    }

    /// Starts and initializes with these client capabilities, for the
    /// workspace `dir`.
    fn initialized(dir: &Path, capabilities: Value) -> (Client, Value) {
        let mut client = Client::start(dir);
        let response = client.request(
            "initialize",
            json!({
                "processId": null,
                "rootUri": uri(dir),
                "workspaceFolders": [{ "uri": uri(dir), "name": "test" }],
                "capabilities": capabilities,
            }),
        );
        client.notify("initialized", json!({}));
        (client, response)
    }

    fn send_raw(&mut self, bytes: &[u8]) {
        self.stdin.write_all(bytes).expect("write");
        self.stdin.flush().expect("flush");
    }

    fn send(&mut self, message: &Value) {
        let body = message.to_string();
        self.send_raw(format!("Content-Length: {}\r\n\r\n{body}", body.len()).as_bytes());
    }

    fn notify(&mut self, method: &str, params: Value) {
        self.send(&json!({ "jsonrpc": "2.0", "method": method, "params": params }));
    }

    /// Sends a request and returns its whole response.
    fn request(&mut self, method: &str, params: Value) -> Value {
        let id = self.next_id;
        self.next_id += 1;
        self.send(&json!({ "jsonrpc": "2.0", "id": id, "method": method, "params": params }));
        self.wait_for(&format!("the response to {method}"), |m| {
            m["id"] == json!(id) && m.get("method").is_none()
        })
    }

    /// The first message (read or still to come) that `wanted` accepts.
    fn wait_for(&mut self, what: &str, wanted: impl Fn(&Value) -> bool) -> Value {
        if let Some(at) = self.unread.iter().position(&wanted) {
            return self.unread.remove(at);
        }
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            match self.incoming.recv_timeout(left) {
                Ok(message) if wanted(&message) => return message,
                Ok(message) => self.unread.push(message),
                Err(RecvTimeoutError::Timeout) => {
                    panic!("no {what} within {PATIENCE:?}; got {:#?}", self.unread)
                }
                Err(RecvTimeoutError::Disconnected) => {
                    panic!("the server ended before {what}; got {:#?}", self.unread)
                }
            }
        }
    }

    /// The diagnostics published for `uri` at `version` (`None`: a file
    /// not open, such as a config) that `wanted` accepts.
    fn diagnostics(
        &mut self,
        uri: &str,
        version: Option<i32>,
        wanted: impl Fn(&[Value]) -> bool,
    ) -> Vec<Value> {
        let message = self.wait_for(&format!("diagnostics for {uri}"), |m| {
            m["method"] == "textDocument/publishDiagnostics"
                && m["params"]["uri"] == uri
                && m["params"].get("version").and_then(Value::as_i64) == version.map(i64::from)
                && m["params"]["diagnostics"]
                    .as_array()
                    .is_some_and(|d| wanted(d))
        });
        message["params"]["diagnostics"]
            .as_array()
            .cloned()
            .unwrap_or_default()
    }

    fn open(&mut self, uri: &str, text: &str) {
        let document = json!({ "uri": uri, "languageId": "sql", "version": 1, "text": text });
        self.notify("textDocument/didOpen", json!({ "textDocument": document }));
    }

    fn change(&mut self, uri: &str, version: i32, text: &str) {
        self.notify(
            "textDocument/didChange",
            json!({
                "textDocument": { "uri": uri, "version": version },
                "contentChanges": [{ "text": text }],
            }),
        );
    }

    /// `shutdown`, `exit`, and the exit code.
    fn stop(mut self) -> Option<i32> {
        let response = self.request("shutdown", Value::Null);
        assert_eq!(response["result"], Value::Null, "{response}");
        self.exit()
    }

    fn exit(mut self) -> Option<i32> {
        self.notify("exit", Value::Null);
        let deadline = Instant::now() + PATIENCE;
        loop {
            if let Some(status) = self.child.try_wait().expect("wait") {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the server did not exit");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

impl Drop for Client {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn read_message(reader: &mut impl BufRead) -> Option<Value> {
    let mut length = None;
    loop {
        let mut line = String::new();
        if reader.read_line(&mut line).ok()? == 0 {
            return None;
        }
        let line = line.trim_end();
        if line.is_empty() {
            break;
        }
        if let Some(value) = line.strip_prefix("Content-Length: ") {
            length = value.parse::<usize>().ok();
        }
    }
    let mut body = vec![0; length?];
    reader.read_exact(&mut body).ok()?;
    serde_json::from_slice(&body).ok()
}

fn uri(path: &Path) -> String {
    let text = path.to_str().expect("UTF-8 path");
    format!("file://{}", text.replace(' ', "%20"))
}

/// A scratch project, its folder resolved (the server reports resolved
/// paths).
fn project(config: &str) -> (Scratch, PathBuf) {
    let scratch = Scratch::new();
    scratch.write("schema-lint.toml", config);
    let root = scratch.path().canonicalize().expect("canonical");
    (scratch, root)
}

const SELECT: &str = "[rules]\nselect = [\"prefer-text\", \"unused-suppression\"]\n";

/// The first migration: a VARCHAR column whose name is not ASCII (its
/// UTF-16, UTF-8 and character columns all differ), and another VARCHAR
/// column that the next migration changes to TEXT.
const CREATE: &str = "CREATE TABLE \"über_users\" (\n    id BIGINT PRIMARY KEY,\n    \"名前_𝔫ame\" VARCHAR(40) NOT NULL,\n    note VARCHAR(10)\n);\n";
const FIX: &str = "ALTER TABLE \"über_users\" ALTER COLUMN note TYPE TEXT;\n";

/// A set of two migrations; returns the first one's URI.
fn migrations(scratch: &Scratch, root: &Path) -> String {
    scratch.write("migrations/001_create.sql", CREATE);
    scratch.write("migrations/002_fix.sql", FIX);
    uri(&root.join("migrations/001_create.sql"))
}

fn range(start: (u32, u32), end: (u32, u32)) -> Value {
    json!({
        "start": { "line": start.0, "character": start.1 },
        "end": { "line": end.0, "character": end.1 },
    })
}

/// Applies one LSP text edit to `text` (ASCII-only lines before the edit).
fn apply(text: &str, edit: &Value) -> String {
    let line = edit["range"]["start"]["line"].as_u64().expect("line") as usize;
    let character = edit["range"]["start"]["character"]
        .as_u64()
        .expect("character");
    assert_eq!(edit["range"]["start"], edit["range"]["end"], "an insertion");
    assert_eq!(character, 0, "at a line start");
    let at: usize = text.split_inclusive('\n').take(line).map(str::len).sum();
    let mut edited = text.to_string();
    edited.insert_str(at, edit["newText"].as_str().expect("newText"));
    edited
}

#[test]
fn an_editor_session_from_initialize_to_exit() {
    let (scratch, root) = project(SELECT);
    let create = migrations(&scratch, &root);
    let (mut client, init) = Client::initialized(&root, json!({}));
    let capabilities = &init["result"]["capabilities"];
    assert_eq!(capabilities["positionEncoding"], "utf-16", "{init}");
    assert_eq!(capabilities["hoverProvider"], true);

    // A file that is no SQL is not linted.
    let notes = uri(&root.join("notes.txt"));
    client.open(&notes, "VARCHAR(1)");

    // The finding in the open buffer; `note` is fixed by 002 on disk.
    client.open(&create, CREATE);
    let found = client.diagnostics(&create, Some(1), |d| !d.is_empty());
    assert_eq!(found.len(), 1, "{found:#?}");
    let finding = &found[0];
    // `    "名前_𝔫ame" ` is 15 UTF-16 units (𝔫 is two).
    assert_eq!(finding["range"], range((2, 15), (2, 26)), "{finding:#}");
    assert_eq!(finding["code"], "prefer-text");
    assert_eq!(finding["severity"], 1);
    assert_eq!(finding["source"], "schema-lint");
    let href = finding["codeDescription"]["href"].as_str().expect("href");
    assert!(href.ends_with("/rules/prefer-text.md"), "{href}");

    // Hover on the finding shows the rule's document; elsewhere nothing.
    let at = |line: u32, character: u32| {
        json!({
            "textDocument": { "uri": create },
            "position": { "line": line, "character": character },
        })
    };
    let hover = client.request("textDocument/hover", at(2, 18));
    let shown = hover["result"]["contents"]["value"]
        .as_str()
        .expect("hover text");
    assert!(shown.starts_with("# prefer-text"), "{shown}");
    assert_eq!(hover["result"]["contents"]["kind"], "markdown");
    let nothing = client.request("textDocument/hover", at(0, 0));
    assert_eq!(nothing["result"], Value::Null, "{nothing}");

    // Code actions: ignore for the statement (preferred) or the line.
    let actions = client.request(
        "textDocument/codeAction",
        json!({
            "textDocument": { "uri": create },
            "range": range((2, 16), (2, 16)),
            "context": { "diagnostics": [finding] },
        }),
    );
    let actions = actions["result"].as_array().expect("actions").clone();
    let titles: Vec<&str> = actions.iter().filter_map(|a| a["title"].as_str()).collect();
    assert_eq!(
        titles,
        [
            "Ignore prefer-text for this statement",
            "Ignore prefer-text for this line",
            "Fix: change the type to TEXT"
        ]
    );
    assert_eq!(actions[0]["isPreferred"], true);
    assert_eq!(actions[0]["kind"], "quickfix");
    let edits = |action: &Value| action["edit"]["changes"][&create][0].clone();
    let statement_edit = edits(&actions[0]);
    assert_eq!(
        statement_edit["newText"],
        "-- schema-lint: ignore prefer-text -- TODO: reason\n"
    );
    assert_eq!(statement_edit["range"], range((0, 0), (0, 0)));
    let line_edit = edits(&actions[1]);
    assert_eq!(
        line_edit["newText"],
        "    -- schema-lint: ignore prefer-text -- TODO: reason\n"
    );
    assert_eq!(line_edit["range"], range((2, 0), (2, 0)));

    // The statement suppression, applied, silences the finding and is
    // itself used (no unused-suppression).
    client.change(&create, 2, &apply(CREATE, &statement_edit));
    client.diagnostics(&create, Some(2), <[Value]>::is_empty);
    client.change(&create, 3, CREATE);
    client.diagnostics(&create, Some(3), |d| d.len() == 1);

    // The rule's fix (`schema-lint fix`'s edit), applied, clears it too.
    let fix_edit = edits(&actions[2]);
    assert_eq!(fix_edit["newText"], "TEXT");
    assert_eq!(fix_edit["range"], range((2, 15), (2, 26)));
    client.change(&create, 4, &CREATE.replacen("VARCHAR(40)", "TEXT", 1));
    client.diagnostics(&create, Some(4), <[Value]>::is_empty);
    client.change(&create, 5, CREATE);
    client.diagnostics(&create, Some(5), |d| d.len() == 1);

    // An unsaved change that removes the problem clears it.
    client.change(&create, 6, &CREATE.replace("VARCHAR(40)", "TEXT"));
    client.diagnostics(&create, Some(6), <[Value]>::is_empty);

    let about_notes = client
        .unread
        .iter()
        .any(|m| m["params"]["uri"] == notes.as_str());
    assert!(!about_notes, "{:#?}", client.unread);
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn utf8_positions_when_the_client_offers_them() {
    let (scratch, root) = project(SELECT);
    let create = migrations(&scratch, &root);
    let capabilities = json!({ "general": { "positionEncodings": ["utf-16", "utf-8"] } });
    let (mut client, init) = Client::initialized(&root, capabilities);
    assert_eq!(
        init["result"]["capabilities"]["positionEncoding"], "utf-8",
        "{init}"
    );
    client.open(&create, CREATE);
    let found = client.diagnostics(&create, Some(1), |d| !d.is_empty());
    // `    "名前_𝔫ame" ` is 21 bytes.
    assert_eq!(found[0]["range"], range((2, 21), (2, 32)), "{found:#?}");
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn a_broken_config_is_a_diagnostic_on_the_config_file() {
    let (scratch, root) = project("[rules]\nselect = [\"prefer-txt\"]\n");
    let create = migrations(&scratch, &root);
    let config = uri(&root.join("schema-lint.toml"));
    let capabilities =
        json!({ "workspace": { "didChangeWatchedFiles": { "dynamicRegistration": true } } });
    let (mut client, _) = Client::initialized(&root, capabilities);

    // Shown as soon as the workspace is known, on the rule name.
    let errors = client.diagnostics(&config, None, |d| !d.is_empty());
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert_eq!(errors[0]["range"], range((1, 10), (1, 22)));
    let message = errors[0]["message"].as_str().expect("message");
    assert!(message.contains("unknown rule `prefer-txt`"), "{message}");
    assert!(message.contains("did you mean `prefer-text`?"), "{message}");

    // A migration under it is not linted, and says why.
    client.open(&create, CREATE);
    let not_linted = client.diagnostics(&create, Some(1), |d| !d.is_empty());
    assert_eq!(not_linted.len(), 1, "{not_linted:#?}");
    assert_eq!(not_linted[0]["code"], "config");
    let related = &not_linted[0]["relatedInformation"][0]["location"];
    assert_eq!(related["uri"], config.as_str());

    // The server asked to hear of config changes; one arrives.
    client.wait_for("a watcher registration", |m| {
        m["method"] == "client/registerCapability"
    });
    scratch.write("schema-lint.toml", SELECT);
    client.notify(
        "workspace/didChangeWatchedFiles",
        json!({ "changes": [{ "uri": config, "type": 2 }] }),
    );
    client.diagnostics(&config, None, <[Value]>::is_empty);
    let found = client.diagnostics(&create, Some(1), |d| {
        d.len() == 1 && d[0]["code"] == "prefer-text"
    });
    assert_eq!(found[0]["range"], range((2, 15), (2, 26)));

    // An open config is checked as it is typed, before it is saved; closed
    // unsaved, its errors are the file's again (none).
    client.open(
        &config,
        "[rules]\nselect = [\"prefer-text\"]\nfail-on = 3\n",
    );
    let typed = client.diagnostics(&config, None, |d| {
        d.len() == 1 && d[0]["message"] == "unknown rule `fail-on`"
    });
    assert_eq!(typed[0]["range"]["start"]["line"], 2, "{typed:#?}");
    client.notify(
        "textDocument/didClose",
        json!({ "textDocument": { "uri": config } }),
    );
    client.diagnostics(&config, None, <[Value]>::is_empty);
    assert_eq!(client.stop(), Some(0));
}

#[test]
fn malformed_and_unsupported_requests_get_errors_and_the_server_goes_on() {
    let (_scratch, root) = project(SELECT);
    let mut client = Client::start(&root);
    let error_of = |response: &Value| response["error"]["code"].as_i64();

    // Before `initialize`.
    let early = client.request("textDocument/hover", json!({}));
    assert_eq!(error_of(&early), Some(-32002), "{early}");

    let init = client.request(
        "initialize",
        json!({ "capabilities": {}, "processId": null }),
    );
    assert!(init["result"]["capabilities"].is_object(), "{init}");
    client.notify("initialized", json!({}));

    // Not JSON; not a message; a header that is no header.
    client.send_raw(b"Content-Length: 9\r\n\r\n{not json");
    let parse = client.wait_for("a parse error", |m| m["error"]["code"] == -32700);
    assert_eq!(parse["id"], Value::Null);
    client.send(&json!({ "jsonrpc": "2.0", "id": 41, "params": {} }));
    let invalid = client.wait_for("an invalid request error", |m| m["id"] == 41);
    assert_eq!(error_of(&invalid), Some(-32600), "{invalid}");
    client.send_raw(b"garbage without a colon\r\n");
    client.wait_for("a second parse error", |m| {
        m["error"]["code"] == -32700 && m != &parse
    });

    // A known request with parameters it cannot read; an unknown one.
    let bad = client.request("textDocument/hover", json!({ "position": "here" }));
    assert_eq!(error_of(&bad), Some(-32602), "{bad}");
    let unknown = client.request("textDocument/definition", json!({}));
    assert_eq!(error_of(&unknown), Some(-32601), "{unknown}");
    let custom = client.request("$/custom", json!([1, 2]));
    assert_eq!(error_of(&custom), Some(-32601), "{custom}");

    // Notifications it cannot read, or for documents it does not have.
    client.notify("textDocument/didOpen", json!({ "textDocument": 5 }));
    client.change("file:///nowhere.sql", 2, "SELECT 1;");
    client.notify("textDocument/didClose", json!(null));

    // Still serving.
    let hover = client.request(
        "textDocument/hover",
        json!({
            "textDocument": { "uri": "file:///nowhere.sql" },
            "position": { "line": 0, "character": 0 },
        }),
    );
    assert_eq!(hover["result"], Value::Null, "{hover}");
    let again = client.request("initialize", json!({ "capabilities": {} }));
    assert_eq!(error_of(&again), Some(-32600), "{again}");

    // After `shutdown`, requests are refused; `exit` ends with 0.
    let shutdown = client.request("shutdown", Value::Null);
    assert_eq!(shutdown["result"], Value::Null);
    let late = client.request("textDocument/hover", json!({}));
    assert_eq!(error_of(&late), Some(-32600), "{late}");
    assert_eq!(client.exit(), Some(0));
}

#[test]
fn exit_without_shutdown_is_exit_code_1() {
    let (_scratch, root) = project(SELECT);
    let (client, _) = Client::initialized(&root, json!({}));
    assert_eq!(client.exit(), Some(1));
}
